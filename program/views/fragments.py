"""A day page's session blocks, each part cached until what it shows changes.

A block is a heading (``_session_head.html``) and a program (its posters and talks). The program
is cached under ``Session.changed_at``, which ``program.changes`` moves with every write it
shows; the heading under every field of the session and ``changed_at``. So after one edit the
busiest day renders one session's part again, not 900 items (docs/architecture.md). Parts
showing a visitor's own saved items are rendered for them, not cached (organizers on drafts).
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
from web import caching

HEAD = "program/_session_head.html"
ITEMS = "program/_session_items.html"


def keys_for(session: Session, conference, *, zone: str, hide_abstracts: bool) -> tuple[str, str]:
    """The keys of the session's heading and of its program.

    A session not changed since it was loaded from a fixture or migrated has no version of its
    own yet: the conference's stands in (newer than anything kept for an older database)."""
    version = (session.changed_at or conference.program_changed_at).isoformat()
    parts = [settings.BUILD_ID, str(session.pk), version, zone, str(hide_abstracts), get_language()]
    # Every field of the session: one newly shown in _session_head.html needs nothing here.
    shown = [str(field.value_from_object(session)) for field in Session._meta.concrete_fields]
    shown.append(str(session.poster_total))
    head = hashlib.sha256("\x00".join(parts + shown).encode()).hexdigest()[:40]
    items = hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:40]
    return f"head:{head}", f"items:{items}"


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
    """Set ``session.block`` (its HTML) on each of the day's sessions (``Session.objects.
    for_blocks()``); returns how many programs were rendered. ``context`` is the page's
    (conference, zone, hide_abstracts). Kept parts cost one cache read for the day; programs
    not kept are loaded (five queries) and rendered in one template context."""
    head_template = get_template(HEAD).template
    items_template = get_template(ITEMS).template
    page = RequestContext(request, context)
    zone = context["zone"]
    with timezone.override(zone), page.bind_template(items_template):
        own = sessions_showing(page.get("saved_agenda_keys") or set())
        keys = {
            session.pk: keys_for(
                session,
                context["conference"],
                zone=zone.key,
                hide_abstracts=context["hide_abstracts"],
            )
            for session in sessions
            if session.pk not in own
        }
        kept = cache.get_many([key for pair in keys.values() for key in pair]) if keys else {}
        heads = {pk: kept[head] for pk, (head, _) in keys.items() if head in kept}
        programs = {pk: kept[items] for pk, (_, items) in keys.items() if items in kept}
        missing = [session.pk for session in sessions if session.pk not in programs]
        if missing:
            loaded = list(Session.objects.filter(pk__in=missing).with_program())
            page.push(plan_rooms=FloorPlan.objects.room_ids_for(loaded))
            for session in loaded:
                with page.push(session=session):
                    programs[session.pk] = items_template.render(page)
        for session in sessions:
            if session.pk not in heads:
                with page.push(session=session):
                    heads[session.pk] = head_template.render(page)
        # Parts of sessions where the visitor saved nothing are everyone's: kept.
        new = {}
        for pk, (head, items) in keys.items():
            if head not in kept:
                new[head] = heads[pk]
            if items not in kept:
                new[items] = programs[pk]
        if new:
            cache.set_many(new, caching.LIFETIME)
    for session in sessions:
        # Rendered by our own templates.
        session.block = mark_safe(heads[session.pk] + programs[session.pk])
    return len(missing)
