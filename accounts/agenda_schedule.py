"""An agenda as a frab/c3voc schedule: ``.xml`` and ``.json`` beside the calendar feed, for
the apps that read the program's own files (EventFahrplan, Giggity, ConfClerk) and work offline.

The program's writers (``program.interchange.frab``) are given only the saved sessions, posters
and talks and the sessions they belong to: a saved session brings its posters and talks, a
saved poster its session. One conference per file, as the format has it: the latest of the
agenda's, or the one ``?conference=`` names.
"""

from __future__ import annotations

import json
from urllib.parse import urljoin

from django.db.models import Q

from program.interchange import frab
from program.models import Conference, Room, Session, Track


def agenda_conferences(items) -> list[Conference]:
    """The conferences of the agenda's scheduled items, latest first (one query)."""
    return list(
        Conference.objects.filter(pk__in=items.scheduled().values("conference")).order_by(
            "-end_date", "-start_date", "slug"
        )
    )


def pick_conference(items, slug: str | None) -> Conference | None:
    """The conference a file is about: ``slug``'s if the agenda has items of it, else (no slug)
    the latest; None when there is none."""
    conferences = agenda_conferences(items)
    if slug is None:
        return conferences[0] if conferences else None
    return next((conference for conference in conferences if conference.slug == slug), None)


def saved_sessions(items, conference: Conference) -> list[Session]:
    """The sessions the agenda's items of ``conference`` belong to, in program order, each with
    the posters and talks the agenda holds (all of them for a saved session): five queries
    after the one for the rows."""
    rows = items.scheduled().filter(conference=conference)
    columns = ("session", "poster", "talk", "poster__session", "talk__session")
    whole, posters, talks, parents = set(), set(), set(), set()
    for session, poster, talk, *parent in rows.values_list(*columns):
        whole.add(session)
        posters.add(poster)
        talks.add(talk)
        parents.update(parent)
    whole, posters, talks = whole - {None}, posters - {None}, talks - {None}
    return list(
        Session.objects.filter(pk__in=(whole | parents) - {None})
        .in_program_order()
        .with_program(
            only={
                "posters": Q(session__in=whole) | Q(pk__in=posters),
                "talks": Q(session__in=whole) | Q(pk__in=talks),
            }
        )
    )


def document(items, conference: Conference, *, title: str, base_url: str) -> dict:
    """The c3voc ``schedule.json`` document of the agenda's items of ``conference``."""
    sessions = saved_sessions(items, conference)
    found = frab.schedule(
        conference,
        sessions,
        rooms=Room.objects.filter(conference=conference),
        tracks=Track.objects.filter(conference=conference),
        url_for=lambda path: urljoin(base_url, path),
        base_url=base_url,
    )
    content = found["schedule"]["conference"]
    content["title"] = frab.legible(f"{conference.name}: {title}")
    found["schedule"]["version"] = frab.fingerprint(content)
    return found


def render(items, conference: Conference, name: str, *, title: str, url: str) -> bytes:
    """The ``.json`` or ``.xml`` file (``name``) whose own address is ``url``."""
    found = document(items, conference, title=title, base_url=urljoin(url, "/"))
    if name == "json":
        return json.dumps(found, ensure_ascii=False, separators=(",", ":")).encode()
    return frab.to_xml(found, url=url)
