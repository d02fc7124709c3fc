"""Refuse control characters in requests before a view, a form or the database reads them.

PostgreSQL cannot store NUL, and no field means to hold a control character or a lone UTF-16
surrogate: such a request gets a 400 response naming where it was. ``OddInputMiddleware`` checks
the path, query string and form bodies before CSRF and log-in; the DRF parsers below check the
API's bodies. Tabs and line breaks are allowed in bodies only; the API also refuses a query
parameter given twice.
"""

from __future__ import annotations

import re

from django.http import HttpResponse, JsonResponse
from rest_framework import parsers
from rest_framework.exceptions import ValidationError

# C0 and C1 controls, DEL, and lone surrogates (only JSON's \\ud800 escapes can make those).
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
MESSAGE = "Remove the control character (such as NUL) from this value."
REPEATED_MESSAGE = "Give this parameter once."


def find_control(value, where: str, pattern=CONTROL_IN_TEXT) -> str | None:
    """The dotted name of the first string in ``value`` that holds a control character."""
    if isinstance(value, str):
        return where if pattern.search(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{where}.{key}" if where else str(key)
            if isinstance(key, str) and pattern.search(key):
                return where or "body"
            found = find_control(item, name, pattern)
            if found:
                return found
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found = find_control(item, f"{where}.{index}" if where else str(index), pattern)
            if found:
                return found
    return None


def find_control_in_query(query, pattern=CONTROL) -> str | None:
    """The name of the first parameter (of a QueryDict) whose name or a value is refused."""
    for key, values in query.lists():
        if pattern.search(key):
            return "query string"
        if any(pattern.search(value) for value in values):
            return key
    return None


class OddInputMiddleware:
    """For every URL: the path, every query parameter (name or value) and POST form bodies,
    before CSRF, log-in or any view reads them.

    Bodies may hold tabs and line breaks (abstracts and bios have paragraphs); paths and query
    strings may not. Under ``/api/`` a query parameter given twice (``?track=1&track=2``) is
    refused: each API parameter holds one value, and which one counted would otherwise be a
    guess."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        where = self.refused(request)
        if where is not None:
            return refusal(request, where)
        if request.path.startswith("/api/"):
            repeated = next((key for key, values in request.GET.lists() if len(values) > 1), None)
            if repeated is not None:
                return refusal(request, repeated, REPEATED_MESSAGE)
        return self.get_response(request)

    @staticmethod
    def refused(request) -> str | None:
        if CONTROL.search(request.path):
            return "path"
        found = find_control_in_query(request.GET)
        if found:
            return found
        content_type = request.content_type or ""
        if request.method == "POST" and content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            return find_control_in_query(request.POST, CONTROL_IN_TEXT)
        return None


def refusal(request, where: str, message: str = MESSAGE) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({where: [message]}, status=400, json_dumps_params={"indent": None})
    return HttpResponse(
        f"Bad request: {where} holds a control character (such as NUL). {MESSAGE}\n",
        status=400,
        content_type="text/plain; charset=utf-8",
    )


class RefuseControlCharacters:
    """Mixed into DRF's parsers (JSON and form bodies of POST, PUT, PATCH): a control character
    in any field is a 400 naming it (``conference``, ``links.0.url``)."""

    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        data = getattr(parsed, "data", parsed)
        if hasattr(data, "lists"):
            where = find_control_in_query(data, CONTROL_IN_TEXT)
        else:
            where = find_control(data, "")
        if where is not None:
            raise ValidationError({where or "body": [MESSAGE]})
        return parsed


class JSONParser(RefuseControlCharacters, parsers.JSONParser):
    pass


class FormParser(RefuseControlCharacters, parsers.FormParser):
    pass


class MultiPartParser(RefuseControlCharacters, parsers.MultiPartParser):
    pass
