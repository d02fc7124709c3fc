"""The program to embed in another site (``embed``), and the script that sizes its frame there
(``embed_script``).

The embed is a public page kept like every other, the same for everyone (no cookie read or
set). Only it may be framed, and only by the origins its conference lists
(``Conference.embed_origins``): its Content-Security-Policy is written here, so that the stored
copy carries it (the CSP middleware leaves a policy a response already has).
"""

from __future__ import annotations

import base64
import hashlib
import re

from django import forms
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.csp import CSP, build_policy

from program.models import Session
from program.models.conference import embed_origin_list
from program.views.common import conference_view
from program.views.filters import SessionFilterSet
from web import caching

PARAMS = ("day", "track", "room", "kind", "theme", "accent")


class LookForm(forms.Form):
    theme = forms.ChoiceField(
        choices=[("", "as the visitor's system"), ("light", "light"), ("dark", "dark")],
        required=False,
    )
    accent = forms.RegexField(
        regex=r"^[0-9a-fA-F]{6}$",
        required=False,
        error_messages={"invalid": "Give the accent colour as six hex digits: accent=1f4fa3."},
    )


def everyone(request: HttpRequest) -> bool:
    return True


def frame_policy(origins: list[str], style: str) -> str:
    """The site's policy, framed by ``origins`` only, and allowing the page's one inline style
    (the accent colour) by its hash; no nonce (the copy is kept and served again)."""
    config = {
        name: [value for value in values if value is not CSP.NONCE]
        for name, values in settings.SECURE_CSP.items()
    }
    config["frame-ancestors"] = origins or [CSP.NONE]
    if style:
        digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
        config["style-src"] = [*config["style-src"], f"'sha256-{digest}'"]
    return build_policy(config)


def embedded(view):
    """``conference_view`` and a public, kept response for everyone, framed as allowed."""
    cached = caching.public(view, params=PARAMS, shared=everyone)

    @conference_view
    def page(request: HttpRequest, *args, **kwargs):
        if not request.conference.is_published:
            raise Http404("No conference here.")
        response = cached(request, *args, **kwargs)
        origins = embed_origin_list(request.conference.embed_origins)
        response["Content-Security-Policy"] = frame_policy(
            origins, getattr(response, "inline_style", "")
        )
        if origins:  # the policy says who may frame it; X-Frame-Options would say nobody
            response.xframe_options_exempt = True
        return response

    def wrapper(request: HttpRequest, *args, **kwargs):
        return caching.redirect_to_read(request, PARAMS) or page(request, *args, **kwargs)

    return wrapper


@embedded
def embed(request: HttpRequest):
    conference = request.conference
    sessions = SessionFilterSet(
        request.GET,
        Session.objects.for_conference(conference)
        .in_program_order()
        .select_related("conference", "room", "track"),
        conference=conference,
    )
    look = LookForm(request.GET)
    if not sessions.is_valid() or not look.is_valid():
        errors = [*sessions.form.errors.items(), *look.errors.items()]
        message = "; ".join(f"{name}: {' '.join(error)}" for name, error in errors)
        return HttpResponseBadRequest(f"Bad parameter. {message}", content_type="text/plain")
    accent = look.cleaned_data["accent"]
    style = f":root{{--accent:#{accent.lower()}}}" if accent else ""
    days: dict = {}
    for session in sessions.qs:
        days.setdefault(session.day, []).append(session)
    context = {
        "conference": conference,
        "days": days.items(),
        "theme": look.cleaned_data["theme"],
        "style": style,
        "zone": conference.zone,
    }
    response = TemplateResponse(request, "program/embed.html", context)
    response.inline_style = style
    return response


SCRIPT_ORIGIN = re.compile(r"^https?://[^/]+")


@conference_view
@caching.public(shared=everyone)
def embed_script(request: HttpRequest):
    """The script the snippet loads on the other site: it sets each embed frame's height to
    what the frame says (postMessage), from this origin only."""
    origin = request.build_absolute_uri("/").rstrip("/")
    script = render_to_string("program/embed_resize.js", {"origin": origin})
    return HttpResponse(script, content_type="text/javascript; charset=utf-8")


def snippet(request: HttpRequest, conference) -> str:
    """What organizers paste into their site's page (shown on the conference's admin page)."""
    return render_to_string(
        "program/embed_snippet.txt",
        {"conference": conference, "base": request.build_absolute_uri("/").rstrip("/")},
    ).strip()
