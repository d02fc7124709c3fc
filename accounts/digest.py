"""The change digest: after a burst of program edits, each attendee hears once of the saved
items that moved or left the program.

A program change that commits queues ``send_change_digests`` to run CHANGE_DIGEST_DELAY seconds
later; it does nothing while the program is still changing (a later change queued its own).
Then ``notice_changes`` writes a ``ChangeNotice`` per saved item whose owner has not heard of
its change (one per row and version: never twice), and ``mail_digests`` claims and mails them,
one mail per attendee, in batches. Drafts are never noticed nor mailed.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict

from django.conf import settings
from django.core.mail import mailers
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Subquery
from django.tasks import default_task_backend, task
from django.utils.timezone import now

from accounts.mail import digest_message
from accounts.models import AgendaItem, ChangeNotice, User
from program import changes
from program.models import Conference

#: Agenda rows read, and attendees mailed, per round: what bounds the worker's memory.
CHUNK = 2000
MAIL_BATCH = 200


def quiet_since(conference: Conference) -> datetime.timedelta:
    return now() - conference.program_changed_at


def notice_changes(conference: Conference) -> int:
    """Write the notices of a published conference's changes that their owners have not heard
    of, and mark the rows told. A few queries per ``CHUNK`` rows; how many notices were new."""
    if not conference.is_published:
        return 0
    wanted = set(
        User.objects.filter(change_mail=True, agenda_items__conference=conference)
        .exclude(email="")
        .values_list("pk", flat=True)
    )
    rows = (
        AgendaItem.objects.filter(conference=conference).maybe_changed().with_items().order_by("pk")
    )
    written, changed = 0, []
    for row in rows.iterator(chunk_size=CHUNK):
        if row.news is not None:
            changed.append(row)
        if len(changed) >= CHUNK:
            written += _write_notices(changed, wanted)
            changed = []
    if changed:
        written += _write_notices(changed, wanted)
    return written


@transaction.atomic
def _write_notices(rows: list[AgendaItem], wanted: set[int]) -> int:
    moment = now()
    notices = []
    for row in rows:
        starts, ends, room, removed = row.news
        item = row.item
        notices.append(
            ChangeNotice(
                user_id=row.user_id,
                agenda_item=row,
                version=row.told_version + 1,
                conference_id=row.conference_id,
                item_type=row.item_type,
                title=row.title[:500],
                path="" if item is None else item.get_absolute_url(),
                old_starts_at=row.told_starts_at,
                old_ends_at=row.told_ends_at,
                old_room=row.told_room,
                new_starts_at=starts,
                new_ends_at=ends,
                new_room=room,
                removed=removed,
                noticed_at=moment,
                mail=ChangeNotice.Mail.PENDING
                if row.user_id in wanted
                else ChangeNotice.Mail.NOT_WANTED,
            )
        )
    # A second worker that noticed the same changes writes nothing (notice_told_once).
    created = ChangeNotice.objects.bulk_create(notices, ignore_conflicts=True)
    told_from_notices([row.pk for row in rows])
    # Their agenda pages and feeds list the notices: they change.
    User.objects.filter(pk__in={row.user_id for row in rows}).update(agenda_changed_at=moment)
    return len(created)


def told_from_notices(pks: list[int]) -> int:
    """Mark the rows told what their next notice says, in one UPDATE: only rows whose next
    notice exists, so a row another worker has already told is left as it is."""
    following = ChangeNotice.objects.filter(
        agenda_item=OuterRef("pk"), version=OuterRef("told_version") + 1
    )

    def said(field):
        return Subquery(following.values(field)[:1])

    return (
        AgendaItem.objects.filter(pk__in=pks)
        .filter(Exists(following))
        .update(
            told_starts_at=said("new_starts_at"),
            told_ends_at=said("new_ends_at"),
            told_room=said("new_room"),
            told_removed=said("removed"),
            told_version=F("told_version") + 1,
        )
    )


def mail_digests(*, batch_size: int = MAIL_BATCH) -> int:
    """Mail every attendee with pending notices of published programs one digest; how many
    mails went. Each batch is claimed first ("sending"), so a worker that restarts, or another
    beside it, never mails a notice twice; a batch the mail server refused is pending again."""
    pending = ChangeNotice.objects.filter(
        mail=ChangeNotice.Mail.PENDING, conference__is_published=True
    )
    # Who turned mail off, or emptied their address, since: not mailed.
    pending.exclude(user__change_mail=True, user__email__gt="").update(
        mail=ChangeNotice.Mail.NOT_WANTED
    )
    sent = 0
    while users := list(
        pending.order_by("user").values_list("user", flat=True).distinct()[:batch_size]
    ):
        batch = uuid.uuid4()
        pending.filter(user__in=users).update(mail=ChangeNotice.Mail.SENDING, mail_batch=batch)
        claimed = ChangeNotice.objects.filter(mail_batch=batch).select_related("user", "conference")
        by_user: dict[int, list[ChangeNotice]] = defaultdict(list)
        for notice in claimed.order_by("user", "noticed_at", "pk"):
            by_user[notice.user_id].append(notice)
        messages = [digest_message(notices[0].user, notices) for notices in by_user.values()]
        try:
            mailers.default.send_messages(messages)
        except Exception:
            claimed.update(mail=ChangeNotice.Mail.PENDING, mail_batch=None)
            raise
        claimed.update(mail=ChangeNotice.Mail.SENT)
        sent += len(messages)
    return sent


@task
def send_change_digests(conference_id: int) -> int:
    """Once the conference's program has been quiet for CHANGE_DIGEST_DELAY: notice its
    changes and mail the digests. How many mails went (0 while it is still changing)."""
    conference = Conference.objects.filter(pk=conference_id).first()
    if conference is None or not conference.is_published:
        return 0
    delay = datetime.timedelta(seconds=settings.CHANGE_DIGEST_DELAY)
    if default_task_backend.supports_defer and quiet_since(conference) < delay:
        return 0  # the change that broke the quiet queued a task of its own
    notice_changes(conference)
    return mail_digests()


def queue_after_change(sender, conference_ids, **kwargs) -> None:
    """``changes.committed``: a digest task per conference, after the quiet period."""
    backend = default_task_backend
    for conference_id in conference_ids:
        if backend.supports_defer:
            later = now() + datetime.timedelta(seconds=settings.CHANGE_DIGEST_DELAY)
            send_change_digests.using(run_after=later).enqueue(conference_id)
        else:
            send_change_digests.enqueue(conference_id)


def connect() -> None:
    changes.committed.connect(queue_after_change, dispatch_uid="accounts-change-digest")
