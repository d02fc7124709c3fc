"""How many attendees saved each session, poster and talk, against the room's capacity: the
organizers' interest page, to see which sessions will overflow their rooms before the day.

Counts only: nothing here says who saved what. A session's expected audience is the number of
different attendees who saved the session itself or any of its posters or talks (they all mean
to be in that room then). Four queries whatever the program's size: the sessions with rooms,
their posters and talks, and two counts grouped in the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q
from django.db.models.functions import Coalesce

from accounts.models import AgendaItem
from program.models import Conference, Poster, Session, Talk

# At or above this share of the room's capacity a session is "nearly full".
NEAR = 0.8


@dataclass
class Row:
    """One session: its audience, its room's capacity, and its posters' and talks' saves."""

    session: Session
    audience: int
    capacity: int | None
    items: list[tuple[object, int]] = field(default_factory=list)
    audience_share: float = 0  # of the chart's width (``scale``)
    capacity_share: float | None = None

    @property
    def state(self) -> str:
        if not self.capacity:
            return "unknown"
        if self.audience > self.capacity:
            return "over"
        return "near" if self.audience >= NEAR * self.capacity else "fits"

    @property
    def state_label(self) -> str:
        return {
            "over": "Over capacity",
            "near": "Nearly full",
            "fits": "Fits",
            "unknown": "Room capacity not known",
        }[self.state]


def interest(conference: Conference) -> list[Row]:
    titles = Poster.objects.select_related("contribution").only(
        "session_id", "position", "contribution__title"
    )
    sessions = (
        Session.objects.filter(conference=conference)
        .in_program_order()
        .select_related("room")
        .prefetch_related(
            Prefetch("posters", queryset=titles),
            Prefetch("talks", queryset=Talk.objects.select_related("contribution")),
        )
    )
    saved = AgendaItem.objects.filter(
        Q(session__conference=conference)
        | Q(poster__session__conference=conference)
        | Q(talk__session__conference=conference)
    )
    audience = audience_by_session(saved)
    per_item = {
        (kind, pk): count
        for kind, pk, count in (
            (kind, row[kind], row["saves"])
            for kind in ("poster", "talk")
            for row in saved.filter(**{f"{kind}__isnull": False})
            .values(kind)
            .annotate(saves=Count("pk"))
        )
    }
    rows = []
    for session in sessions:
        items = [
            (item, per_item.get((item._meta.model_name, item.pk), 0))
            for item in [*session.posters.all(), *session.talks.all()]
        ]
        capacity = session.room.capacity if session.room else None
        rows.append(Row(session, audience.get(session.pk, 0), capacity, items))
    scale(rows)
    return rows


def audience_by_session(saved) -> dict[int, int]:
    """How many different attendees saved each session or one of its posters or talks."""
    return dict(
        saved.annotate(in_session=Coalesce("session_id", "poster__session_id", "talk__session_id"))
        .values("in_session")
        .annotate(people=Count("user", distinct=True))
        .values_list("in_session", "people")
    )


def expected_audience(session_ids) -> dict[int, int]:
    """``audience_by_session`` for these sessions: one query (settings.EXPECTED_AUDIENCE, for
    the door screens and item pages)."""
    saved = AgendaItem.objects.filter(
        Q(session__in=session_ids)
        | Q(poster__session__in=session_ids)
        | Q(talk__session__in=session_ids)
    )
    return audience_by_session(saved)


def scale(rows: list[Row]) -> None:
    """Each row's audience and capacity as a share (0-100) of the largest figure of all, for
    one chart where rows compare."""
    widest = max([1, *(r.audience for r in rows), *(r.capacity or 0 for r in rows)])
    for row in rows:
        row.audience_share = round(100 * row.audience / widest, 2)
        row.capacity_share = round(100 * row.capacity / widest, 2) if row.capacity else None
