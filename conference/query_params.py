"""Which query parameters an answer depends on, so that made-up ones cannot fill the caches.

Pages, exports and anonymous API reads are kept per address (``program.views.page_cache``,
``program.api.caching``, ``conference.compression``, ``conference.front_cache``). An address
holds its query string, and anyone can make up parameters (``?x=1``, ``?x=2``, ...,
``?utm_source=newsletter``): each would be rendered anew and kept apart, 24 hours in Redis and up
to 1,000 entries per worker with the in-process cache.

So each view that is kept says which parameters it reads (``params``), and:

- an HTML program page asked for with any other parameter (or one of its own given twice: the
  page reads the last) answers a 301 to its own address with only its parameters, in their
  order and spelling (``redirect_to_read``): no query, no render, nothing kept, and the visitor
  gets the page kept for everyone;
- an export or an API read is answered all the same (a client may add ``?_=123`` against
  caches, and may not follow a redirect), but not kept under an address with parameters it does
  not read (``declare``): an export's bytes do not depend on them, so its compressed copy is the
  one kept for its own address; an API answer echoes its address in its links, so it is kept
  nowhere.

``declare`` leaves on the request the address its answer may be kept under
(``kept_address``); an answer whose view said nothing is kept nowhere (fail closed).
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import unquote_plus

from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.utils.cache import patch_cache_control
from django.utils.encoding import escape_uri_path, iri_to_uri

ATTRIBUTE = "kept_address"


def read_query(query_string: str, params: Iterable[str]) -> str:
    """The query string with only ``params``, each as written and in its place; of a parameter
    given more than once, the last (the one ``request.GET.get`` reads)."""
    params = frozenset(params)
    pieces = [piece for piece in query_string.split("&") if piece]
    names = [unquote_plus(piece.partition("=")[0]) for piece in pieces]
    last = {name: index for index, name in enumerate(names)}
    return "&".join(
        piece
        for index, (piece, name) in enumerate(zip(pieces, names, strict=True))
        if name in params and last[name] == index
    )


def address_read(request: HttpRequest, params: Iterable[str]) -> str | None:
    """The path with only the parameters the view reads, or None when that is what was asked."""
    asked = request.META.get("QUERY_STRING", "")
    read = read_query(asked, params)
    if read == asked:
        return None
    return escape_uri_path(request.path) + ("?" + iri_to_uri(read) if read else "")


#: How long a browser or proxy may keep a redirect (a day): without a limit a browser keeps a 301
#: for good, and a page that later reads a new parameter would still lose it for that browser.
REDIRECT_KEPT_FOR = 24 * 60 * 60


def redirect_to_read(request: HttpRequest, params: Iterable[str]):
    """For a page: a 301 to its address without the parameters it does not read (kept a day at
    most, ``REDIRECT_KEPT_FOR``), or None."""
    if request.method not in ("GET", "HEAD"):
        return None
    location = address_read(request, params)
    if location is None:
        return None
    redirect = HttpResponsePermanentRedirect(location)
    patch_cache_control(redirect, public=True, max_age=REDIRECT_KEPT_FOR)
    return redirect


def declare(request: HttpRequest, params: Iterable[str], *, same_bytes: bool = False) -> bool:
    """Say which parameters the view reads; True when the request has no others.

    ``same_bytes``: the answer does not depend on the parameters the view does not read (it
    never shows its own address), so it may be kept under the address without them; otherwise an
    answer to an address with other parameters is kept nowhere."""
    request = getattr(request, "_request", request)  # DRF's Request: the Django request
    location = address_read(request, params)
    if location is None:
        setattr(request, ATTRIBUTE, request.build_absolute_uri())
    else:
        setattr(request, ATTRIBUTE, request.build_absolute_uri(location) if same_bytes else None)
    return location is None


def kept_address(request: HttpRequest) -> str | None:
    """The address the answer may be kept under; None: keep it nowhere."""
    return getattr(getattr(request, "_request", request), ATTRIBUTE, None)


def kept_as_asked(request: HttpRequest) -> bool:
    """Whether the answer may be kept under the address it was asked for."""
    address = kept_address(request)
    return address is not None and address == request.build_absolute_uri()
