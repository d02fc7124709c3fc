"""A signed-in visitor's marks on a program page stored for everyone (``settings.PERSONAL_PAGE``).

The public page differs from theirs in three places only: the account links, the save form (a
POST with their CSRF token) and the stars of what they saved. So the stored page gets those
edits (``web.splicing``) instead of being rendered for each visitor: on the busiest day of a
large program about a millisecond against half a second (docs/architecture.md,
tests/web/test_caching.py).
"""

from __future__ import annotations

from django.template.loader import render_to_string

from accounts.services import saved_keys
from web import caching
from web.splicing import Edit

NAV = (b'<nav class="user-nav"', b"</nav>")
FORM = (b'<form id="agenda-save" ', b"</form>")
# accounts/_save_button.html for an item not saved, and as saved.
STAR = (
    b'<button class="save" form="agenda-save" name="save" value="%s">'
    b'<span class="visually-hidden">Save '
)
SAVED = (
    b'<button class="save is-saved" form="agenda-save" name="remove" value="%s">'
    b'<span class="visually-hidden">Remove '
)
STAR_END = b"</span></button>"


def replaced(html: bytes, bounds: tuple[bytes, bytes], new: bytes, *, last=False) -> list[Edit]:
    """The part of ``html`` from ``bounds[0]`` to ``bounds[1]`` (the first, or the last) as
    ``new``; no edit when it has none."""
    start = html.rfind(bounds[0]) if last else html.find(bounds[0])
    end = html.find(bounds[1], start)
    if start < 0 or end < 0:
        return []
    return [(start, end + len(bounds[1]), new)]


def pressed(html: bytes, key: bytes) -> list[Edit]:
    """Every star of the item ``key`` ("poster:12") drawn as saved."""
    star, saved = STAR % key, SAVED % key
    edits, start = [], 0
    while (found := html.find(star, start)) >= 0:
        end = html.find(STAR_END, found)
        edits += [(found, found + len(star), saved), (end, end, b" from agenda")]
        start = end + len(STAR_END)
    return edits


def marks(request, html: bytes) -> list[Edit]:
    """The edits that make the public page ``html`` the one the visitor of ``request`` sees."""
    nav = render_to_string("_user_nav.html", request=request).strip().encode()
    edits = replaced(html, NAV, nav)
    if FORM[0] in html:
        form = render_to_string("_agenda_form.html", request=request).strip().encode()
        edits += replaced(html, FORM, form, last=True)
    user = request.user
    saved = caching.kept(
        request, "saved", lambda: saved_keys(user), str(user.pk), str(user.agenda_changed_at)
    )
    for kind, pk in saved:
        edits += pressed(html, f"{kind}:{pk}".encode())
    return sorted(edits, key=lambda edit: edit[0])
