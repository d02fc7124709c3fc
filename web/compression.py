"""Django's GZipMiddleware (which pads against BREACH), never for a response holding a secret:
one to a visitor signed in by session cookie (their API token, feed address or email may be on
it, and the browser sends that cookie with any request another site makes) or one marked
``no-store`` (a token handed out, Django's ``never_cache`` pages). The cache stores the
compressed response, so each is compressed once per change (deploy/nginx.conf keeps it so). A
signed-in visitor's program pages come compressed in pieces, their own bytes alone
(``web.splicing``)."""

from django.contrib.auth import SESSION_KEY
from django.middleware.gzip import GZipMiddleware


def holds_a_secret(request, response) -> bool:
    if "no-store" in response.get("Cache-Control", ""):
        return True
    session = getattr(request, "session", None)
    # Only a session cookie can hold a sign-in; without one the session is not even loaded.
    return session is not None and session.session_key is not None and SESSION_KEY in session


class CompressionMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if holds_a_secret(request, response):
            return response
        return super().process_response(request, response)
