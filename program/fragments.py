"""A day page's session blocks, each rendered once per change of that session.

A session's block (its heading, description, posters and talks: ``_session_body.html``) depends
on the session, its posters and talks, their papers and people, and the page's zone, language
and code. ``Session.changed_at`` moves with every edit of those (``ProgramPart.touch_conferences``
names the sessions each edit shows in; edits of unknown reach move every session of the
conference), so a block is kept in the cache under that version: after an organizer edits one
session, the busiest day re-renders that one block and reuses the rest.

A block is the same for every visitor except its save stars, so what is kept is the block as a
visitor who saved nothing sees it: anonymous visitors get only kept blocks, and a signed-in
visitor gets kept blocks for the sessions where they saved nothing, and blocks rendered for them
(not kept) for the few where they did.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.template import RequestContext
from django.template.loader import get_template
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from program.models import FloorPlan, Session

TEMPLATE = "program/_session_body.html"
KEPT_FOR = 24 * 60 * 60


def key_for(session: Session, conference, *, zone: str, hide_abstracts: bool) -> str:
    # A session not changed since it was loaded from a fixture or migrated has no version of
    # its own yet: the conference's stands in (newer than anything kept for an older database).
    version = (session.changed_at or conference.program_changed_at).isoformat()
    parts = [settings.BUILD_ID, str(session.pk), version, zone, str(hide_abstracts), get_language()]
    return "block:" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:40]


def sessions_showing(saved: set[tuple[str, int]]) -> set[int]:
    """The sessions whose blocks show any of these saved items ("poster", 12): the program reads
    a visitor's agenda only through the accounts app's hook (``saved_agenda_keys``)."""
    from program.models import Poster, Talk

    ids = {
        kind: [pk for item, pk in saved if item == kind] for kind in ("session", "poster", "talk")
    }
    sessions = set(ids["session"])
    for model, kind in ((Poster, "poster"), (Talk, "talk")):
        if ids[kind]:
            sessions |= set(
                model.objects.filter(pk__in=ids[kind]).values_list("session", flat=True)
            )
    return sessions


def fill_blocks(request, sessions: list[Session], context: dict) -> int:
    """Set ``session.block`` (its HTML) on each of the day's sessions; returns how many were
    rendered. ``context`` is the page's (conference, zone, hide_abstracts). Kept blocks cost one
    cache read for the day; the others are loaded with their program (five queries) and
    rendered in one template context."""
    template = get_template(TEMPLATE).template
    page = RequestContext(request, context)
    zone = context["zone"]
    with timezone.override(zone), page.bind_template(template):
        own = sessions_showing(page.get("saved_agenda_keys") or set())
        keys = {
            session.pk: key_for(
                session,
                context["conference"],
                zone=zone.key,
                hide_abstracts=context["hide_abstracts"],
            )
            for session in sessions
            if session.pk not in own
        }
        kept = cache.get_many(list(keys.values())) if keys else {}
        blocks = {pk: kept[key] for pk, key in keys.items() if key in kept}
        missing = [session.pk for session in sessions if session.pk not in blocks]
        if missing:
            loaded = list(Session.objects.filter(pk__in=missing).with_program())
            page.push(plan_rooms=FloorPlan.objects.room_ids_for(loaded))
            for session in loaded:
                with page.push(session=session):
                    blocks[session.pk] = template.render(page)
            # Blocks of sessions where the visitor saved nothing are everyone's: kept.
            cache.set_many({keys[pk]: blocks[pk] for pk in missing if pk in keys}, KEPT_FOR)
    for session in sessions:
        session.block = mark_safe(blocks[session.pk])  # rendered by our own template
    return len(missing)
