"""Measure the change digest at scale: one program change that touches many attendees' saved
items, noticed and mailed by the task in bounded memory.

A benchmark, not a test: on a generated program (``generate_program --slug big``), e.g.
``manage.py benchmark_digest big --attendees 5000``. It adds that many attendees who asked for
mail, each with ``--items`` saved posters, one of them in the session it then moves; mails go
to an SMTP server on loopback that only counts them. It prints the time of the edit (what the
organizer waits for), of noticing and of mailing (with ``--trace-memory``, the peak memory
Python allocated in each, which slows them); then removes the attendees it added.
"""

import datetime
import logging
import random
import resource
import socket
import time
import tracemalloc

from aiosmtpd.controller import Controller
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from accounts.digest import mail_digests, notice_changes
from accounts.models import AgendaItem, User
from program.models import Conference, Poster, Session

PREFIX = "digest-bench-"


class CountingInbox:
    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def measured(work, trace: bool):
    """(result, seconds, peak MiB allocated by Python meanwhile, or 0 without ``trace``)."""
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 2**20 if trace else 0.0
    if trace:
        tracemalloc.stop()
    return result, seconds, peak


class Command(BaseCommand):
    help = "Time and measure the change digest for many attendees after one program change."

    def add_arguments(self, parser):
        parser.add_argument("conference", help="the conference's slug (a generated program)")
        parser.add_argument("--attendees", type=int, default=5000)
        parser.add_argument("--items", type=int, default=10, help="saved posters each")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--trace-memory", action="store_true")

    def handle(self, *args, conference, attendees, items, seed, trace_memory, **options):
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd: a line per command
        conference = Conference.objects.filter(slug=conference).first()
        if conference is None or not conference.is_published:
            raise CommandError("Name a published conference (generate_program makes one).")
        if attendees < 1 or items < 1:
            raise CommandError("--attendees and --items must be at least 1.")
        User.objects.filter(username__startswith=PREFIX).delete()
        moved, rows = self.save_agendas(conference, attendees, items, random.Random(seed))
        self.stdout.write(
            f"{attendees} attendees, {rows} saved items; moving {moved} "
            f"({Poster.objects.filter(session=moved).count()} posters)"
        )
        inbox = CountingInbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
        controller.start()
        mailer = {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 30},
        }
        try:
            with override_settings(MAILERS={"default": mailer}):
                _, edit, edit_peak = measured(lambda: self.move(moved), trace_memory)
                notices, noticing, notice_peak = measured(
                    lambda: notice_changes(conference), trace_memory
                )
                mails, mailing, mail_peak = measured(mail_digests, trace_memory)
        finally:
            controller.stop()
            User.objects.filter(username__startswith=PREFIX).delete()
            self.move(moved, back=True)
        self.stdout.write(
            f"edit (the organizer's save): {edit * 1000:8.1f} ms {edit_peak:7.1f} MiB"
        )
        self.stdout.write(f"notice {notices} changes:    {noticing:8.1f} s  {notice_peak:7.1f} MiB")
        self.stdout.write(f"mail {mails} digests:        {mailing:8.1f} s  {mail_peak:7.1f} MiB")
        self.stdout.write(f"received by the SMTP server: {inbox.count}")
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(f"process peak RSS:            {rss:8.1f} MiB")

    @transaction.atomic
    def save_agendas(self, conference, attendees: int, items: int, rng) -> tuple[Session, int]:
        posters = list(
            Poster.objects.filter(session__conference=conference, session__starts_at__isnull=False)
            .select_related("session__conference", "session__room", "room", "contribution")
            .order_by("pk")
        )
        if len(posters) < items:
            raise CommandError(f"The conference has fewer than {items} timed posters.")
        moved = rng.choice(posters).session
        in_moved = [poster for poster in posters if poster.session_id == moved.pk]
        by_pk = {poster.pk: poster for poster in posters}
        users = User.objects.bulk_create(
            User(username=f"{PREFIX}{n}", email=f"{PREFIX}{n}@example.org", change_mail=True)
            for n in range(attendees)
        )
        rows = []
        for user in users:
            chosen = {rng.choice(in_moved).pk: None}
            while len(chosen) < items:
                chosen.setdefault(rng.choice(posters).pk)
            for pk in chosen:
                row = AgendaItem(user=user, poster=by_pk[pk])
                row.snapshot()
                rows.append(row)
            if len(rows) >= 20000:
                AgendaItem.objects.bulk_create(rows)
                rows.clear()
        AgendaItem.objects.bulk_create(rows)
        return moved, AgendaItem.objects.filter(user__username__startswith=PREFIX).count()

    def move(self, session: Session, back: bool = False) -> None:
        """What the admin's save does: the session an hour later (or back), committed, which
        only queues the digest task."""
        shift = datetime.timedelta(hours=-1 if back else 1)
        with transaction.atomic():
            session.starts_at += shift
            if session.ends_at:
                session.ends_at += shift
            session.save()
