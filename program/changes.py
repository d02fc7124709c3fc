"""What a change to the program moves, said in one place.

``program_changed()`` moves the conferences' ``program_changed_at`` (the cache version,
Last-Modified, calendar SEQUENCE) and the changed sessions' ``changed_at`` (their blocks on day
pages). Signal receivers call it for every save and delete of a program model; code that writes
in bulk calls it itself (``conference_changed``). Once the transaction commits, ``committed`` is
sent: the task worker then refreshes similar papers and renders the exports.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import threading
from collections.abc import Iterable

from django.db import DEFAULT_DB_ALIAS, models, transaction
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import Signal
from django.utils.timezone import now

from program.models import (
    ORDERED_PEOPLE_MODELS,
    BoardSpot,
    Conference,
    Contribution,
    FloorPlan,
    Person,
    Poster,
    Room,
    Session,
    Talk,
    Track,
)

#: Sent once a transaction that changed programs commits: ``conference_ids``, and ``papers``
#: (whether contributions may have changed).
committed = Signal()

#: What a session's posters and talks show of it: a change here renders them again.
ITEMS_SHOW = ("conference_id", "room_id", "track_id")

DEFERRED: contextvars.ContextVar[bool] = contextvars.ContextVar("changes_deferred", default=False)
_pending = threading.local()


def program_changed(
    conferences: Iterable[int] | models.QuerySet,
    sessions: Iterable[int] | models.QuerySet | None = None,
    *,
    papers: bool = True,
    using: str = DEFAULT_DB_ALIAS,
) -> datetime.datetime:
    """Mark the conferences' programs changed, and the day-page blocks of ``sessions`` (None:
    all of the conferences' sessions), as of the moment returned. Two queries; the follow-up
    work runs after the commit."""
    moment = now()
    if isinstance(conferences, models.QuerySet):
        conferences = list(conferences.values_list("pk", flat=True))
    conferences = list(conferences)
    if not conferences:
        return moment
    Conference.objects.using(using).filter(pk__in=conferences).update(program_changed_at=moment)
    blocks = Session.objects.using(using)
    if sessions is None:
        blocks.filter(conference__in=conferences).update(changed_at=moment)
    elif isinstance(sessions, models.QuerySet):
        blocks.filter(pk__in=sessions.values("pk")).update(changed_at=moment)
    elif sessions := [pk for pk in sessions if pk is not None]:
        blocks.filter(pk__in=sessions).update(changed_at=moment)
    after_commit(conferences, papers, using)
    return moment


def conference_changed(conference: Conference, *, papers: bool = True) -> None:
    """After writes in bulk (an import, a generated program): everything of it may have changed."""
    conference.program_changed_at = program_changed([conference.pk], None, papers=papers)


@contextlib.contextmanager
def deferred():
    """Saves and deletes inside say nothing: for code that writes many parts of a conference
    and calls ``conference_changed`` once itself (an import)."""
    token = DEFERRED.set(True)
    try:
        yield
    finally:
        DEFERRED.reset(token)


def after_commit(conferences: list[int], papers: bool, using: str) -> None:
    pending = getattr(_pending, "changes", None)
    if pending is None:
        pending = _pending.changes = {}
    for pk in conferences:
        pending[pk] = pending.get(pk, False) or papers
    # Every call registers; the first callback to run sends what is pending, the rest find
    # nothing. A rolled-back transaction's ids are sent with the next commit's (harmless).
    transaction.on_commit(send_pending, using=using)


def send_pending() -> None:
    pending = getattr(_pending, "changes", None)
    if not pending:
        return
    _pending.changes = {}
    papers = [pk for pk, flag in pending.items() if flag]
    committed.send(sender=Conference, conference_ids=list(pending), papers_changed=papers)


# --- Which conferences and sessions a saved or deleted object shows in -------------------------


def sessions_of_contributions(contributions: models.QuerySet) -> models.QuerySet:
    return Session.objects.filter(
        models.Q(pk__in=Poster.objects.filter(contribution__in=contributions).values("session"))
        | models.Q(pk__in=Talk.objects.filter(contribution__in=contributions).values("session"))
    )


def shown_in(instance, before: dict | None) -> tuple[list[int], object]:
    """(conference ids, sessions whose blocks show it: ids, a queryset, or None for all)."""
    if isinstance(instance, Conference):
        return [instance.pk], None
    if isinstance(instance, Room | Track):
        return [instance.conference_id], None
    if isinstance(instance, FloorPlan):
        return list(
            Room.objects.filter(pk=instance.room_id).values_list("conference", flat=True)
        ), None
    if isinstance(instance, BoardSpot):
        rooms = FloorPlan.objects.filter(pk=instance.plan_id).values("room")
        return list(Room.objects.filter(pk__in=rooms).values_list("conference", flat=True)), None
    if isinstance(instance, Session):
        conferences = {instance.conference_id, (before or {}).get("conference_id")} - {None}
        moved = before is None or any(before[f] != getattr(instance, f) for f in ITEMS_SHOW)
        return list(conferences), [instance.pk] if moved else []
    if isinstance(instance, Poster | Talk):
        sessions = {instance.session_id, (before or {}).get("session_id")} - {None}
        conferences = Session.objects.filter(pk__in=sessions).values_list("conference", flat=True)
        return list(conferences), sessions
    if isinstance(instance, Contribution):
        return [instance.conference_id], sessions_of_contributions([instance.pk])
    if isinstance(instance, Person):
        theirs = Contribution.objects.filter(authorships__person=instance)
        return [instance.conference_id], sessions_of_contributions(theirs)
    if isinstance(instance, ORDERED_PEOPLE_MODELS):
        item = getattr(instance, f"{instance.item_field}_id")
        conferences = Contribution.objects.filter(pk=item).values_list("conference", flat=True)
        return list(conferences), sessions_of_contributions([item])
    raise TypeError(f"{type(instance).__name__} is not a program model.")


PROGRAM_MODELS = (
    Conference,
    Room,
    Track,
    FloorPlan,
    BoardSpot,
    Session,
    Poster,
    Talk,
    Contribution,
    Person,
    *ORDERED_PEOPLE_MODELS,
)
#: Writes to these may change similar papers.
PAPER_MODELS = (Contribution, Person, *ORDERED_PEOPLE_MODELS)
#: What a save needs to know of the row as it was: a moved poster changes the block it leaves.
BEFORE = {Session: (*ITEMS_SHOW, "changed_at"), Poster: ("session_id",), Talk: ("session_id",)}


def before_save(sender, instance, raw=False, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    fields = BEFORE.get(sender)
    if raw or DEFERRED.get() or not fields or instance.pk is None:
        return
    before = sender.objects.using(using).filter(pk=instance.pk).values(*fields).first()
    instance._before_save = before
    if before is not None and "changed_at" in before:
        # Written back as loaded, the block's version could move back past a later change.
        instance.changed_at = before["changed_at"]


def saved(sender, instance, raw=False, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    if raw or DEFERRED.get():
        return
    conferences, sessions = shown_in(instance, getattr(instance, "_before_save", None))
    papers = isinstance(instance, PAPER_MODELS)
    moment = program_changed(conferences, sessions, papers=papers, using=using)
    if isinstance(instance, Conference):
        instance.program_changed_at = moment


def before_delete(sender, instance, origin=None, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    """Read what the object shows in before it goes; a cascade from another program object is
    that object's change (its own receivers), so only the deleted object itself counts."""
    if DEFERRED.get() or not (origin is instance or isinstance(origin, models.QuerySet)):
        return
    conferences, sessions = shown_in(instance, None)
    if isinstance(sessions, models.QuerySet):
        sessions = list(sessions.values_list("pk", flat=True))
    instance._shown_in = (conferences, sessions)


def deleted(sender, instance, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    shown = getattr(instance, "_shown_in", None)
    if shown is not None:
        conferences, sessions = shown
        if isinstance(instance, Conference):
            # Its own row is gone: the version still moves (one conference fewer).
            after_commit(conferences, False, using)
            return
        papers = isinstance(instance, PAPER_MODELS)
        program_changed(conferences, sessions, papers=papers, using=using)


def connect() -> None:
    for model in PROGRAM_MODELS:
        uid = f"program-changes-{model._meta.label_lower}"
        pre_save.connect(before_save, sender=model, dispatch_uid=uid)
        post_save.connect(saved, sender=model, dispatch_uid=uid)
        pre_delete.connect(before_delete, sender=model, dispatch_uid=uid)
        post_delete.connect(deleted, sender=model, dispatch_uid=uid)


def version() -> str:
    """What every cached response is keyed by (``settings.CACHE_VERSION``): the latest
    ``program_changed_at`` of all conferences, how many there are and which. One query."""
    return Conference.objects.site_version()
