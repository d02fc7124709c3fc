"""Which session a page was made for, told to the service worker without the session key: a
marker (an HMAC of the key) in an ``Offline-Marker`` header on a signed-in visitor's pages, and
in a cookie scripts may read, set beside the session cookie with the same lifetime so both expire
together. The worker keeps such pages under their marker and forgets them once the marker or
the cookie is no longer there (templates/offline/sw.js). Anonymous visitors have no marker."""

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.utils.crypto import salted_hmac

HEADER = "Offline-Marker"
COOKIE = "offline_marker"


def marker(session_key: str) -> str:
    return salted_hmac("web.session_marker", session_key, algorithm="sha256").hexdigest()[:32]


def signed_in(request) -> bool:
    """Whether the session holds a log-in (without loading the user)."""
    session = getattr(request, "session", None)
    return session is not None and bool(session.session_key) and SESSION_KEY in session


def set_cookie(response, session, value: str) -> None:
    max_age = None if session.get_expire_at_browser_close() else session.get_expiry_age()
    response.set_cookie(
        COOKIE,
        value,
        max_age=max_age,
        path=settings.SESSION_COOKIE_PATH,
        domain=settings.SESSION_COOKIE_DOMAIN,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=False,  # the worker reads it (the Cookie Store API); it says nothing secret
        samesite=settings.SESSION_COOKIE_SAMESITE,
    )


class SessionMarkerMiddleware:
    """Below SessionMiddleware and above AuthenticationMiddleware's users: on the way out, a
    session that is saved (a log-in) or whose marker cookie is missing or stale is saved again
    (SessionMiddleware then sets its cookie), and the marker cookie is set with the same
    lifetime; one without a log-in loses the cookie."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None:
            return response
        page = response.status_code == 304 or response.get("Content-Type", "").startswith(
            "text/html"
        )
        sent = request.COOKIES.get(COOKIE)
        if not (page or session.modified or sent is not None):
            return response
        if not signed_in(request):
            if sent is not None:
                response.delete_cookie(
                    COOKIE,
                    path=settings.SESSION_COOKIE_PATH,
                    domain=settings.SESSION_COOKIE_DOMAIN,
                    samesite=settings.SESSION_COOKIE_SAMESITE,
                )
            return response
        value = marker(session.session_key)
        if page:
            response[HEADER] = value
        if sent != value or session.modified or settings.SESSION_SAVE_EVERY_REQUEST:
            session.modified = True
            set_cookie(response, session, value)
        return response
