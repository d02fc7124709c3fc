"""Saved items that leave the program: their agenda rows stay, marked removed, until their owners
dismiss them.

A ``pre_delete`` receiver on sessions, posters and talks marks the rows while they still point
at their items (the foreign key's SET_NULL empties them right after): ``removed_at``, the title
at that moment, and each owner's ``agenda_changed_at``, so their pages and feeds change. Django
sends the signal once per deleted object, but a delete has one origin (the object or queryset
whose ``delete()`` was called): the first signal marks the rows of everything that origin's
delete removes, in three queries, and the others find the origin already done.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.db.models.signals import post_delete, pre_delete
from django.utils.timezone import now

from accounts.models import ITEM_MODELS, AgendaItem, User
from program.importing.signals import program_imported
from program.models import Conference, Contribution, Poster, Session, Talk

# The rows whose items go when an object of each model is deleted: the paths from an agenda row
# to that object, following the program's cascades.
CASCADES = {
    Conference: ("conference",),
    Session: ("session", "poster__session", "talk__session"),
    Contribution: ("poster__contribution", "talk__contribution"),
    Poster: ("poster",),
    Talk: ("talk",),
}
# Set on an origin whose rows are marked, until its delete's post_delete.
MARKED = "_agenda_removals_marked"


def rows_removed_with(origin) -> Q | None:
    """The agenda rows whose items the delete of ``origin`` (an object or a queryset) removes;
    None for an origin whose cascades are not listed here."""
    queryset = isinstance(origin, QuerySet)
    model = origin.model if queryset else type(origin)
    paths = CASCADES.get(model._meta.concrete_model)
    if paths is None:
        return None
    rows = Q()
    for path in paths:
        rows |= Q(**{f"{path}__in": origin.values("pk")}) if queryset else Q(**{path: origin.pk})
    return rows


def mark_removed(rows: QuerySet) -> int:
    """Mark ``rows`` removed from the program now, keeping their items' titles as they are, and
    move their owners' ``agenda_changed_at``. Three queries (one when no row is saved)."""
    moment = now()
    found = list(rows.filter(removed_at=None).with_items())
    for row in found:
        row.saved_title = row.title[: AgendaItem._meta.get_field("saved_title").max_length]
        row.removed_at = moment
    if found:
        AgendaItem.objects.bulk_update(found, ["saved_title", "removed_at"])
        users = {row.user_id for row in found}
        User.objects.filter(pk__in=users).update(agenda_changed_at=moment)
    return len(found)


def item_leaves_program(sender, instance, origin=None, **kwargs) -> None:
    """``pre_delete`` of a session, poster or talk: mark the rows of its delete, once."""
    rows = rows_removed_with(origin) if origin is not None else None
    if rows is None:  # a delete we cannot see whole: this item's own rows
        kind = sender._meta.model_name
        mark_removed(AgendaItem.objects.filter(**{kind: instance.pk}))
    elif not getattr(origin, MARKED, False):
        mark_removed(AgendaItem.objects.filter(rows))
        setattr(origin, MARKED, True)


def item_left_program(sender, origin=None, **kwargs) -> None:
    """``post_delete``: every pre_delete of this delete has been sent; forget the mark, so a
    later delete of the same queryset object marks its own rows."""
    if origin is not None and getattr(origin, MARKED, False):
        delattr(origin, MARKED)


def items_return(sender, conference, **kwargs) -> None:
    """``program_imported``: rows marked removed whose items an import brought back (the same
    uid) point at them again, unmarked; a row whose owner has saved the item again meanwhile
    goes. A few queries, whatever the number of rows."""
    removed = AgendaItem.objects.filter(conference=conference).exclude(removed_at=None)
    rows = list(removed.exclude(item_uid=None))
    if not rows:
        return
    back, moment = [], now()
    for kind, model in ITEM_MODELS.items():
        of_kind = [row for row in rows if row.item_type == kind]
        where = (
            {"conference": conference} if model is Session else {"session__conference": conference}
        )
        found = dict(
            model.objects.filter(uid__in=[row.item_uid for row in of_kind], **where).values_list(
                "uid", "pk"
            )
        )
        saved = set(
            AgendaItem.objects.filter(**{f"{kind}__in": found.values()}).values_list(
                "user_id", kind
            )
        )
        for row in of_kind:
            pk = found.get(row.item_uid)
            if pk is None:
                continue
            if (row.user_id, pk) in saved:
                row.delete()
                continue
            setattr(row, f"{kind}_id", pk)
            row.removed_at = None
            back.append(row)
    AgendaItem.objects.bulk_update(back, ["session", "poster", "talk", "removed_at"])
    users = {row.user_id for row in rows}
    User.objects.filter(pk__in=users).update(agenda_changed_at=moment)


def connect() -> None:
    program_imported.connect(items_return, dispatch_uid="agenda-items-return")
    for kind, model in ITEM_MODELS.items():
        uid = f"agenda-removal-{kind}"
        pre_delete.connect(item_leaves_program, sender=model, dispatch_uid=uid)
        post_delete.connect(item_left_program, sender=model, dispatch_uid=uid)
