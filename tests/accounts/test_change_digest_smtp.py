"""The change digest through a real SMTP server (aiosmtpd on loopback) and the real task worker
(``db_worker``): a burst of ten edits sends one mail once the program is quiet, listing exactly
what changed in the attendee's zone; a worker that runs again sends nothing."""

import datetime
import email
import email.policy
import socket

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.db import transaction
from django.utils.timezone import now

from accounts.digest import mail_digests
from accounts.models import ChangeNotice
from accounts.services import save_to_agenda
from tests.factories import UserFactory, pacific


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        self.messages.append(
            email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        )
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """An SMTP server on loopback that the site mails through."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 10},
        }
    }
    yield inbox
    controller.stop()


def worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def test_a_burst_of_ten_edits_sends_one_mail_once_the_program_is_quiet(
    transactional_db, agenda_program, smtp, settings
):
    settings.CHANGE_DIGEST_DELAY = 300
    settings.SITE_URL = "https://program.example.org"
    from django_tasks_db.models import DBTaskResult

    ada = UserFactory(username="ada", change_mail=True, timezone="Asia/Tokyo")
    bob = UserFactory(username="bob")  # did not ask for mail
    morning, poster = agenda_program["morning"], agenda_program["poster"]
    save_to_agenda(user=ada, item=morning)
    save_to_agenda(user=bob, item=morning)
    save_to_agenda(user=ada, item=agenda_program["overlapping"])  # it does not change
    DBTaskResult.objects.all().delete()

    with time_machine.travel(now(), tick=False) as clock:
        for minute in range(10):  # ten edits, a few seconds apart
            with transaction.atomic():
                morning.starts_at = pacific(12, minute)
                morning.ends_at = pacific(13, minute)
                morning.save()
            clock.shift(datetime.timedelta(seconds=5))
        assert DBTaskResult.objects.count() == 10
        worker()  # none is due yet: the page that edited never waits for mail
        assert not smtp.messages and DBTaskResult.objects.filter(status="READY").count() == 10

        clock.shift(datetime.timedelta(seconds=300))
        worker()
        worker()  # a restarted worker finds nothing more to send

    assert len(smtp.messages) == 1
    [message] = smtp.messages
    assert smtp.envelopes[0].rcpt_tos == [ada.email]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Unsubscribe"].startswith("<https://program.example.org/accounts/")
    text = message.get_body(preferencelist=("plain",)).get_content()
    # Only the session, from 08:30 Pacific (00:30 next day in Tokyo) to the last edit's 12:09.
    assert text.count("* ") == 1
    assert "Was: Fri 16 May 2025, 00:30–02:00, Mission City Ballroom" in text
    assert "Now: Fri 16 May 2025, 04:09–05:09, Mission City Ballroom" in text
    assert message.get_body(preferencelist=("html",)) is not None
    assert "Subsets" not in text  # the poster is in the session, but Ada did not save it
    assert poster.title  # (kept in the program)
    assert set(ChangeNotice.objects.values_list("user__username", "mail")) == {
        ("ada", "sent"),
        ("bob", "not-wanted"),
    }


def test_a_digest_claimed_by_a_worker_that_died_is_not_sent_again(
    transactional_db, agenda_program, smtp, settings
):
    settings.CHANGE_DIGEST_DELAY = 0
    ada = UserFactory(username="ada", change_mail=True)
    morning = agenda_program["morning"]
    save_to_agenda(user=ada, item=morning)
    morning.starts_at = pacific(9, 0)
    morning.save()
    worker()
    assert len(smtp.messages) == 1
    # A worker that claimed a batch and died before the mail server answered: never sent twice.
    ChangeNotice.objects.update(mail=ChangeNotice.Mail.SENDING)
    assert mail_digests() == 0
    worker()
    assert len(smtp.messages) == 1
