"""A signed-in visitor's marks on a program page stored for everyone (``settings.PERSONAL_PAGE``).

The public page differs from theirs in three places only: the account links, the save form (a
POST with their CSRF token) and the stars of what they saved. So the stored page gets those
swapped in, instead of rendering the page for each visitor: on the busiest day of a large
program that is about 1 ms against 400 (docs/architecture.md).
"""

from __future__ import annotations

import re

from django.template.loader import render_to_string

from accounts.services import saved_keys

NAV = re.compile(r'<nav class="user-nav".*?</nav>', re.DOTALL)
FORM = re.compile(r'<form id="agenda-save" .*?</form>', re.DOTALL)
# accounts/_save_button.html for an item not saved, and as saved.
STAR = (
    r'<button class="save" form="agenda-save" name="save" value="({keys})">'
    r'<span class="visually-hidden">Save (.*?)</span></button>'
)
SAVED = (
    '<button class="save is-saved" form="agenda-save" name="remove" value="{key}">'
    '<span class="visually-hidden">Remove {title} from agenda</span></button>'
)


def mark_page(request, html: str) -> str:
    """The public page ``html`` as the signed-in visitor of ``request`` sees it."""
    nav = render_to_string("_user_nav.html", request=request).strip()
    html = NAV.sub(lambda _: nav, html, count=1)
    if FORM.search(html):
        form = render_to_string("_agenda_form.html", request=request).strip()
        html = FORM.sub(lambda _: form, html, count=1)
    saved = saved_keys(request.user)
    if saved:
        keys = "|".join(re.escape(f"{kind}:{pk}") for kind, pk in saved)
        html = re.sub(
            STAR.format(keys=keys),
            lambda found: SAVED.format(key=found[1], title=found[2]),
            html,
        )
    return html
