"""A signed-in visitor's marks on a program page stored for everyone (``settings.PERSONAL_PAGE``).

The public page differs from theirs in three places only: the account links, the save form (a
POST with their CSRF token) and the stars of what they saved. So the stored page gets those
swapped in, as bytes, instead of being rendered for each visitor: on the busiest day of a large
program a millisecond against half a second (docs/architecture.md, tests/web/test_caching.py).
"""

from __future__ import annotations

from django.template.loader import render_to_string

from accounts.services import saved_keys

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


def swapped(html: bytes, bounds: tuple[bytes, bytes], new: bytes, *, last: bool = False) -> bytes:
    """``html`` with the part from ``bounds[0]`` to ``bounds[1]`` (the first, or the last) as
    ``new``; unchanged when it has none."""
    start = html.rfind(bounds[0]) if last else html.find(bounds[0])
    end = html.find(bounds[1], start)
    if start < 0 or end < 0:
        return html
    return html[:start] + new + html[end + len(bounds[1]) :]


def pressed(html: bytes, key: bytes) -> bytes:
    """Every star of the item ``key`` ("poster:12") drawn as saved."""
    star, saved = STAR % key, SAVED % key
    parts, start = [], 0
    while (found := html.find(star, start)) >= 0:
        end = html.find(STAR_END, found)
        title = html[found + len(star) : end]
        parts += [html[start:found], saved, title, b" from agenda", STAR_END]
        start = end + len(STAR_END)
    return b"".join(parts) + html[start:] if parts else html


def mark_page(request, html: bytes) -> bytes:
    """The public page ``html`` as the signed-in visitor of ``request`` sees it."""
    nav = render_to_string("_user_nav.html", request=request).strip().encode()
    html = swapped(html, NAV, nav)
    if FORM[0] in html:
        form = render_to_string("_agenda_form.html", request=request).strip().encode()
        html = swapped(html, FORM, form, last=True)
    for kind, pk in saved_keys(request.user):
        html = pressed(html, f"{kind}:{pk}".encode())
    return html
