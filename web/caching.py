"""The site's one cache: responses that are the same for every visitor without a session.

``public`` makes a GET view's response public and conditional: an ETag from the program's
``version()`` and the URL, 304s before the view runs, ``Cache-Control: public``. Such a
response to a request without cookies or credentials is stored, as sent, by ``CacheMiddleware``
under ``key()`` for ``LIFETIME`` and answers the next one before sessions or the view run.
Every write to the program moves the version, so the first request after an edit is a miss.
``docs/architecture.md`` follows each request through it.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterable
from urllib.parse import unquote_plus

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.encoding import escape_uri_path, iri_to_uri
from django.utils.http import parse_http_date_safe
from django.utils.module_loading import import_string
from django.views.decorators.http import condition

from web import expiry, throttling

#: How long a stored response lives; a program change makes new keys long before.
LIFETIME = 24 * 60 * 60
#: What a proxy or CDN may do with a public response: keep it a minute, then serve it stale
#: for ten while it revalidates (the ETag makes that a 304).
SHARED = {"public": True, "max_age": 60, "stale_while_revalidate": 600}
#: Response headers a stored response does not repeat: the server writes its own.
NOT_STORED = frozenset({"date"})

Parts = Callable[[HttpRequest], Iterable[str]]


def django_request(request) -> HttpRequest:
    """The HttpRequest behind DRF's Request, or the request itself."""
    return getattr(request, "_request", request)


def version(request) -> str:
    """The program's version (``settings.CACHE_VERSION`` names the function), read once per
    request: it moves with every change to what any page, export or API response shows."""
    request = django_request(request)
    found = getattr(request, "program_version", None)
    if found is None:
        found = request.program_version = import_string(settings.CACHE_VERSION)()
    return found


def key(request, *parts: str) -> str:
    """The one cache key: code, program version, absolute URL, the request headers public
    responses vary on (``Accept`` for the API's format, ``Origin`` for CORS), and ``parts``."""
    request = django_request(request)
    values = [
        settings.BUILD_ID,
        version(request),
        request.build_absolute_uri(),
        request.headers.get("Accept", ""),
        request.headers.get("Origin", ""),
        *parts,
    ]
    return "response:" + digest(values)


def digest(values: Iterable[str]) -> str:
    return hashlib.sha256("\x00".join(values).encode()).hexdigest()[:40]


def kept(request, name: str, make: Callable, *parts: str):
    """``make()``, kept under ``name`` and ``parts`` until the program or the code changes (a
    conference by its slug, a visitor's saved items); made again while it is None."""
    cache_key = f"{name}:" + digest([settings.BUILD_ID, version(request), *parts])
    found = cache.get(cache_key)
    if found is None:
        found = make()
        if found is not None:
            cache.set(cache_key, found, LIFETIME)
    return found


def encoding(request) -> str:
    """The part of the key that says which encoding the response was sent in."""
    return "gzip" if "gzip" in request.headers.get("Accept-Encoding", "") else ""


# --- Query parameters ---------------------------------------------------------------------------
# Anyone can add parameters to a URL (``?x=1``, ``?utm_source=...``); each would be a new key. So
# a view says which it reads, and only a URL holding no others is stored.


class Repeated(str):
    """A query parameter read as a list (``?room=1&room=2``): every one given is kept."""


def read_query(query_string: str, params: Iterable[str]) -> str:
    """The query string with only ``params``, each as written; of one given twice, the last
    (every one of a ``Repeated`` parameter)."""
    params = frozenset(params)
    repeated = {name for name in params if isinstance(name, Repeated)}
    pieces = [piece for piece in query_string.split("&") if piece]
    names = [unquote_plus(piece.partition("=")[0]) for piece in pieces]
    last = {name: index for index, name in enumerate(names)}
    return "&".join(
        piece
        for index, (piece, name) in enumerate(zip(pieces, names, strict=True))
        if name in params and (name in repeated or last[name] == index)
    )


def url_read(request: HttpRequest, params: Iterable[str]) -> str | None:
    """The path with only the parameters the view reads; None when that is what was asked."""
    asked = request.META.get("QUERY_STRING", "")
    read = read_query(asked, params)
    if read == asked:
        return None
    return escape_uri_path(request.path) + ("?" + iri_to_uri(read) if read else "")


def redirect_to_read(request: HttpRequest, params: Iterable[str]):
    """For a page: a 301 to its URL without parameters it does not read (cached a day at most,
    so that a page that later reads a new one gets it), or None."""
    location = url_read(request, params) if request.method in ("GET", "HEAD") else None
    if location is None:
        return None
    redirect = HttpResponsePermanentRedirect(location)
    patch_cache_control(redirect, public=True, max_age=LIFETIME)
    return redirect


# --- The decorator and the middleware -----------------------------------------------------------


def anonymous(request) -> bool:
    return not request.user.is_authenticated


def public(
    view=None,
    *,
    params: Iterable[str] | Callable | None = (),
    parts: Parts | None = None,
    shared: Callable[[HttpRequest], bool] = anonymous,
    last_modified: Callable | None = None,
):
    """Make a GET view's response public and conditional when ``shared(request)`` (by default:
    the visitor is anonymous); private and revalidated otherwise.

    ``params``: the query parameters the view reads (or a function of the request saying so);
    a URL with others is answered but not stored. ``parts``: what else the response depends on
    (a display zone, the state of a clock): in its ETag. ``last_modified``: as ``condition()``'s
    (If-Modified-Since)."""
    if view is None:
        return functools.partial(
            public, params=params, parts=parts, shared=shared, last_modified=last_modified
        )

    def etag(request, *args, **kwargs) -> str | None:
        if not shared(request):
            return None
        return key(request, *(parts(request) if parts else ()))[-32:]

    conditional = condition(etag_func=etag, last_modified_func=last_modified)(view)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = conditional(request, *args, **kwargs)
        if response.has_header("ETag"):
            patch_cache_control(response, **SHARED)
            read = params(request) if callable(params) else params
            if response.status_code == 200 and (
                read is None or url_read(django_request(request), read) is None
            ):
                django_request(request).store_response = True
        else:
            patch_cache_control(response, private=True, no_cache=True)
        return response

    return wrapper


def private(view=None, *, parts: Parts):
    """For a GET view whose response is one visitor's own (My agenda, a private calendar feed):
    an ETag from the version, the URL and ``parts`` (all else it depends on, the visitor
    included), 304s before the view runs, and the response cached under that key for the next
    request; private, never stored for anyone else. A page with a notice waiting is rendered."""
    if view is None:
        return functools.partial(private, parts=parts)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "GET" or messages.get_messages(request):
            return view(request, *args, **kwargs)
        cache_key = key(request, "private", *parts(request, *args, **kwargs))
        etag = f'"{cache_key[-32:]}"'
        response = get_conditional_response(request, etag=etag)
        if response is None:
            found = stored_response(cache_key)
            if found is not None:
                response = found[0]
            else:
                response = view(request, *args, **kwargs)
                if hasattr(response, "render"):
                    response.render()
                if response.status_code != 200:
                    return response
                store(cache_key, request, response)
        response["ETag"] = etag
        patch_cache_control(response, private=True, no_cache=True)
        return response

    return wrapper


def storable_request(request: HttpRequest) -> bool:
    """A GET with no credentials and no cookie but the CSRF one (which no public response uses)."""
    return (
        request.method == "GET"
        and "Authorization" not in request.headers
        and not set(request.COOKIES) - {settings.CSRF_COOKIE_NAME}
    )


def store(cache_key: str, request: HttpRequest, response) -> None:
    """Store a finished response under ``cache_key``: until it expires, if it says so."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return
    headers = tuple(
        (name, value) for name, value in response.items() if name.lower() not in NOT_STORED
    )
    counted = getattr(request, "counted_by_throttle", False)
    until = expiry.expiry(response)
    cache.set(cache_key, (headers, response.content, counted, until), timeout(response))


def timeout(response) -> int:
    """How long to keep what ``response`` holds: ``LIFETIME``, or less if it expires sooner."""
    until = expiry.expiry(response)
    return LIFETIME if until is None else min(LIFETIME, expiry.seconds_until(until))


def stored_response(cache_key: str) -> tuple[HttpResponse, bool] | None:
    """The stored response, and whether the API's rate limit counts it; None on a miss."""
    found = cache.get(cache_key)
    if found is None:
        return None
    headers, content, counted, until = found
    response = HttpResponse(content)
    for name, value in headers:
        response.headers[name] = value
    if until is not None:
        expiry.expires_at(response, until)
    return response, counted


def conditional(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """A 304 when the visitor's copy (If-None-Match, If-Modified-Since) is current."""
    modified = response.get("Last-Modified")
    return get_conditional_response(
        request,
        etag=response.get("ETag"),
        last_modified=modified and parse_http_date_safe(modified),
        response=response,
    )


class CacheMiddleware:
    """Answers a request without cookies or credentials with its stored response, and stores
    the response of a ``public`` view. Sits above compression: what is stored is what was sent."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if not storable_request(request):
            return self.get_response(request)
        try:
            cache_key = key(request, encoding(request), "")
        except DatabaseError:  # the view says what it can; /healthz says why
            return self.get_response(request)
        found = stored_response(cache_key)
        if found is not None:
            response, counted = found
            # A stored API response counts against the anonymous rate limit (over it: 429).
            if not counted or throttling.allow_anonymous(request):
                return conditional(request, response)
        response = self.get_response(request)
        if getattr(request, "store_response", False):
            store(cache_key, request, response)
        return response
