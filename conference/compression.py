"""Brotli or gzip for pages, API answers and exports, never for a response that holds a secret.

Like Django's GZipMiddleware, with brotli preferred when the client accepts ``br``: text
answers (HTML, JSON, iCalendar, XML) of at least ``MINIMUM_SIZE`` bytes are compressed, they
carry ``Vary: Accept-Encoding``, and a compressed answer's ETag is made weak (the bytes differ
from the identity answer's; If-None-Match compares weakly, so 304s still work). Streamed
answers (static files, which whitenoise sends already compressed) pass untouched.
``GzipManifestStaticFilesStorage`` keeps those static files as they were before brotli came in.

BREACH: an attacker who can put text into a compressed answer and watch its length can guess a
secret in it, byte by byte, over many requests made with the victim's cookies. So:

- an answer to a visitor signed in with the session cookie is never compressed: it may show
  their API token, calendar feed address or email address, and the browser sends that cookie
  with whatever request an attacker's page makes;
- an answer marked ``Cache-Control: no-store`` is never compressed: it hands out a secret itself
  (the API token endpoint), or Django's ``never_cache`` pages (log-in, sign-up).

What remains is what anonymous visitors and token-authenticated API clients (no cookie, so no
attacker can send requests as them) get. The only secret in it is the CSRF token of forms,
which Django masks with a fresh random salt in every answer, so there is nothing stable to guess.
"""

from __future__ import annotations

import gzip
import hashlib
import re

import brotli
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.utils.cache import patch_vary_headers
from whitenoise.storage import CompressedManifestStaticFilesStorage

from conference import query_params

# Smaller answers fit in one network packet compressed or not.
MINIMUM_SIZE = 1024
# On the 103 KB seed day: brotli's quality 5 takes 2 ms for 20.5 KB, gzip's level 6 3 ms for
# 22.0 KB; brotli's quality 11 would give 17.6 KB but take 190 ms, too slow for every request.
BROTLI_QUALITY = 5
GZIP_LEVEL = 6
# Compressed copies of answers that are the same for everyone stay this long (a program change
# gives them a new ETag, so a new key).
KEPT_FOR = 24 * 60 * 60
COMPRESSIBLE = re.compile(
    r"^(text/|application/(json|xml|javascript|vnd\.oai\.openapi)\b|application/[\w.-]+\+(json|xml)\b)"
)


def accepted_encodings(header: str) -> set[str]:
    """The codings of an Accept-Encoding header, less those refused with ``q=0``."""
    accepted = set()
    for part in header.split(","):
        name, _, parameters = part.partition(";")
        quality = re.search(r"\bq\s*=\s*([0-9.]+)", parameters)
        try:
            if quality and float(quality.group(1)) == 0:
                continue
        except ValueError:
            continue
        accepted.add(name.strip().lower())
    return accepted


def holds_a_secret(request, response) -> bool:
    """The BREACH rule (module docstring)."""
    if "no-store" in response.get("Cache-Control", ""):
        return True
    session = getattr(request, "session", None)
    # Only a session cookie can hold a sign-in; without one the session is not even loaded.
    return session is not None and session.session_key is not None and SESSION_KEY in session


def compress(content: bytes, encoding: str) -> bytes:
    if encoding == "br":
        return brotli.compress(content, mode=brotli.MODE_TEXT, quality=BROTLI_QUALITY)
    return gzip.compress(content, compresslevel=GZIP_LEVEL, mtime=0)


def compressed_once(response, encoding: str, address: str | None) -> bytes:
    """The compressed bytes; for an answer that is the same for everyone (public, with a strong
    ETag: the exports, anonymous API reads and anonymous pages, which are kept in the cache
    themselves) they are kept too, so a 12 MB schedule.json or a day page is compressed once
    per program change, not per request. A page's ETag names a version of its conference's
    program, not the page, so the address is part of the key: the one its view said the answer
    may be kept under (``conference.query_params``; None, as for an API answer to an address
    with made-up parameters: compressed, not kept)."""
    etag = response.get("ETag", "")
    public = etag.startswith('"') and "public" in response.get("Cache-Control", "")
    if address is None or not public:
        return compress(response.content, encoding)
    parts = f"{encoding}|{address}|{len(response.content)}|{etag}|{response.get('Content-Type')}"
    key = "compressed:" + hashlib.sha256(parts.encode()).hexdigest()[:40]
    compressed = cache.get(key)
    if compressed is None:
        compressed = compress(response.content, encoding)
        cache.set(key, compressed, KEPT_FOR)
    return compressed


class CompressionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.streaming
            or response.has_header("Content-Encoding")
            or len(response.content) < MINIMUM_SIZE
            or not COMPRESSIBLE.match(response.get("Content-Type", ""))
        ):
            return response
        # Another request for the same address may get another encoding.
        patch_vary_headers(response, ["Accept-Encoding"])
        if holds_a_secret(request, response):
            return response

        accepted = accepted_encodings(request.headers.get("Accept-Encoding", ""))
        encoding = "br" if "br" in accepted else "gzip" if "gzip" in accepted else None
        if encoding is None:
            return response
        compressed = compressed_once(response, encoding, query_params.kept_address(request))
        if len(compressed) >= len(response.content):
            return response

        response.content = compressed
        response.headers["Content-Length"] = str(len(compressed))
        response.headers["Content-Encoding"] = encoding
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response.headers["ETag"] = "W/" + etag
        return response


class GzipManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Whitenoise's storage with gzip only. With the brotli package installed, whitenoise would
    also write a .br of every static file at brotli's slowest setting: collectstatic (run by every
    ``make run``) would take 55 s of CPU instead of 3.5 s, mostly for the API docs' script bundles
    and their source maps, to save a few hundred bytes on the site's own small CSS and scripts."""

    def create_compressor(self, **kwargs):
        return super().create_compressor(**kwargs, use_brotli=False)
