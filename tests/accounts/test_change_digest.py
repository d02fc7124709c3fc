"""The change digest by mail (Django's outbox here; a real SMTP server in
test_change_digest_smtp.py): one mail per attendee listing what moved or left the program in
their zone, never for drafts, unchanged items or attendees who did not ask, never twice; and
the one-click unsubscribe."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.timezone import now

from accounts.digest import mail_digests, notice_changes, send_change_digests
from accounts.mail import unsubscribe_token
from accounts.models import ChangeNotice, User
from accounts.services import save_to_agenda
from program.models import Conference
from tests.factories import RoomFactory, UserFactory, pacific

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_quiet_period(settings):
    settings.CHANGE_DIGEST_DELAY = 0
    settings.SITE_URL = "https://program.example.org"
    settings.SITE_NAME = "MLSys Program"


@pytest.fixture
def listener(agenda_program):
    """Ada, who asked for mail and reads times in Berlin, with the morning session and its
    poster saved; Bob, who did not ask, with the same poster."""
    ada = UserFactory(username="ada", change_mail=True, timezone="Europe/Berlin")
    bob = UserFactory(username="bob")
    save_to_agenda(user=ada, item=agenda_program["morning"])
    save_to_agenda(user=ada, item=agenda_program["poster"])
    save_to_agenda(user=bob, item=agenda_program["poster"])
    return ada, bob


def run(conference) -> int:
    return send_change_digests.call(Conference.objects.get(pk=conference.pk).pk)


def test_a_move_and_a_removal_make_one_mail_in_the_attendees_zone(agenda_program, listener):
    ada, bob = listener
    morning, poster = agenda_program["morning"], agenda_program["poster"]
    morning.starts_at, morning.ends_at = pacific(13, 15), pacific(14, 30)
    morning.room = RoomFactory(conference=agenda_program["conference"], name="Room B")
    morning.save()
    poster.delete()

    assert run(agenda_program["conference"]) == 1

    [message] = mail.outbox
    assert message.to == [ada.email]
    assert message.from_email == "MLSys Program <program@localhost>"
    assert message.subject == "Your agenda: 2 saved items changed"
    text = message.body
    # 13:15 in Santa Clara is 22:15 in Berlin; it was 08:30 there, 17:30 in Berlin.
    assert "Session 9" in text and "Now: Thu 15 May 2025, 22:15–23:30, Room B" in text
    assert "Was: Thu 15 May 2025, 17:30–19:00, Mission City Ballroom" in text
    assert "Poster: Subsets" in text and "Removed from the program" in text
    assert "Times in Europe/Berlin." in text
    assert f"https://program.example.org{morning.get_absolute_url()}" in text
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "22:15–23:30" in html
    unsubscribe = f"https://program.example.org/accounts/unsubscribe/{unsubscribe_token(ada)}/"
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Bob did not ask for mail: his change is kept for the site only.
    assert ChangeNotice.objects.get(user=bob).mail == ChangeNotice.Mail.NOT_WANTED


def test_running_the_task_again_sends_nothing_new(agenda_program, listener):
    morning = agenda_program["morning"]
    morning.starts_at = pacific(9, 0)
    morning.save()
    assert run(agenda_program["conference"]) == 1
    assert run(agenda_program["conference"]) == 0  # a worker restarted and ran it again
    assert len(mail.outbox) == 1
    # The session and its poster, which keeps the session's time.
    assert ChangeNotice.objects.filter(user=listener[0]).count() == 2


def test_an_item_moved_and_moved_back_sends_nothing(agenda_program, listener):
    morning = agenda_program["morning"]
    morning.starts_at = pacific(9, 0)
    morning.save()
    morning.starts_at = pacific(8, 30)
    morning.save()
    assert run(agenda_program["conference"]) == 0
    assert not mail.outbox and not ChangeNotice.objects.exists()


def test_an_edit_that_moves_nothing_sends_nothing(agenda_program, listener):
    poster = agenda_program["poster"]
    poster.contribution.abstract = "A better abstract."
    poster.contribution.save()
    agenda_program["morning"].title = "Session 9 (renamed)"
    agenda_program["morning"].save()
    assert run(agenda_program["conference"]) == 0
    assert not mail.outbox


def test_a_draft_sends_nothing_until_it_is_published(agenda_program, listener):
    conference = agenda_program["conference"]
    Conference.objects.filter(pk=conference.pk).update(is_published=False)
    morning = agenda_program["morning"]
    morning.starts_at = pacific(9, 0)
    morning.save()
    assert run(conference) == 0
    assert not mail.outbox and not ChangeNotice.objects.exists()
    conference.refresh_from_db()
    conference.is_published = True
    conference.save()
    assert run(conference) == 1  # published: now it is the program attendees read


def test_a_second_change_later_sends_a_second_mail_from_where_the_first_left(
    agenda_program, listener
):
    morning = agenda_program["morning"]
    morning.starts_at, morning.ends_at = pacific(9, 0), pacific(10, 30)
    morning.save()
    run(agenda_program["conference"])
    morning.starts_at, morning.ends_at = pacific(11, 0), pacific(12, 30)
    morning.save()
    run(agenda_program["conference"])
    assert len(mail.outbox) == 2
    second = mail.outbox[1].body
    assert "Was: Thu 15 May 2025, 18:00–19:30" in second  # 09:00 Pacific: what the first said
    assert "Now: Thu 15 May 2025, 20:00–21:30" in second


def test_the_task_waits_for_the_program_to_be_quiet(settings, agenda_program, listener):
    settings.CHANGE_DIGEST_DELAY = 300
    morning = agenda_program["morning"]
    with time_machine.travel(now(), tick=False) as clock:
        morning.starts_at = pacific(9, 0)
        morning.save()
        clock.shift(datetime.timedelta(seconds=120))
        assert run(agenda_program["conference"]) == 0  # another edit may come
        assert not ChangeNotice.objects.exists()
        clock.shift(datetime.timedelta(seconds=181))
        assert run(agenda_program["conference"]) == 1


def test_an_attendee_who_turned_mail_off_meanwhile_gets_none(agenda_program, listener):
    ada = listener[0]
    morning = agenda_program["morning"]
    morning.starts_at = pacific(9, 0)
    morning.save()
    notice_changes(agenda_program["conference"])
    User.objects.filter(pk=ada.pk).update(change_mail=False)
    assert mail_digests() == 0
    assert not mail.outbox


def test_a_refused_batch_is_pending_again_and_goes_next_time(settings, agenda_program, listener):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},  # nothing listens
        }
    }
    morning = agenda_program["morning"]
    morning.starts_at = pacific(9, 0)
    morning.save()
    with pytest.raises(OSError):
        run(agenda_program["conference"])
    mails = set(ChangeNotice.objects.filter(user=listener[0]).values_list("mail", flat=True))
    assert mails == {ChangeNotice.Mail.PENDING}
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    assert mail_digests() == 1


# Unsubscribing


def test_one_post_to_the_unsubscribe_link_stops_the_mails_without_a_login(client, listener):
    ada = listener[0]
    url = f"/accounts/unsubscribe/{unsubscribe_token(ada)}/"
    page = client.get(url)  # a link scanner's GET changes nothing
    assert page.status_code == 200 and "Stop these mails" in page.content.decode()
    assert User.objects.get(pk=ada.pk).change_mail
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "no more mails" in response.content.decode()
    assert not User.objects.get(pk=ada.pk).change_mail


def test_a_forged_unsubscribe_link_is_a_404_and_changes_nothing(client, listener):
    ada = listener[0]
    token = unsubscribe_token(ada)
    for bad in (token[:-2] + "xx", "nonsense", str(ada.pk)):
        response = client.post(f"/accounts/unsubscribe/{bad}/")
        assert response.status_code == 404
        assert "not valid" in response.content.decode()
    assert User.objects.get(pk=ada.pk).change_mail


# On the site


def test_my_agenda_lists_what_changed_until_marked_read(client, agenda_program, listener):
    bob = listener[1]  # no mail: the site is where he learns of it
    morning = agenda_program["morning"]
    morning.starts_at, morning.ends_at = pacific(9, 0), pacific(10, 30)
    morning.save()
    run(agenda_program["conference"])
    client.force_login(bob)
    page = client.get("/agenda/").content.decode()
    assert "What changed since your last visit" in page
    # Bob reads the conference's own zone: the poster he saved borrows its session's new time.
    assert "now</strong> Thu 15 May 2025, 09:00–10:30, Mission City Ballroom" in page
    assert "was Thu 15 May 2025, 08:30–10:00" in page
    assert "Get these by mail" in page
    response = client.post("/agenda/changes-seen/")
    assert response.status_code == 302
    assert "What changed since your last visit" not in client.get("/agenda/").content.decode()


# What the database cuts, and what it costs


def test_the_database_finds_every_row_with_news_and_no_fresh_one(agenda_program, listener):
    from accounts.models import AgendaItem
    from tests.factories import make_poster

    ada = listener[0]
    morning = agenda_program["morning"]
    own_time = make_poster(morning, title="Own time", starts_at=pacific(9, 0))  # no own end
    for item in (own_time, agenda_program["talk"], agenda_program["overlapping"]):
        save_to_agenda(user=ada, item=item)
    fresh = AgendaItem.objects.all()
    assert {row.pk for row in fresh if row.news} == set()
    # Borrowed times may look changed to the database; never the other way round.
    assert {row.pk for row in fresh.maybe_changed()} <= {
        row.pk for row in fresh if row.item_type == "poster"
    }

    morning.starts_at, morning.ends_at = pacific(9, 30), pacific(11, 0)
    morning.room = RoomFactory(conference=agenda_program["conference"], name="Room C")
    morning.save()
    agenda_program["overlapping"].delete()
    rows = list(AgendaItem.objects.with_items())
    with_news = {row.pk for row in rows if row.news}
    assert with_news and with_news <= set(
        AgendaItem.objects.maybe_changed().values_list("pk", flat=True)
    )


def test_noticing_and_mailing_cost_the_same_queries_for_two_or_twenty_attendees(agenda_program):
    conference = agenda_program["conference"]
    morning = agenda_program["morning"]
    counts = []
    for attendees in (2, 20):
        for _ in range(attendees):
            user = UserFactory(change_mail=True)
            save_to_agenda(user=user, item=morning)
            save_to_agenda(user=user, item=agenda_program["poster"])
        morning.starts_at = pacific(9, len(counts) * 10 + 5)
        morning.save()
        with CaptureQueriesContext(connection) as queries:
            notice_changes(Conference.objects.get(pk=conference.pk))
        counts.append(len(queries))
        with CaptureQueriesContext(connection) as queries:
            mail_digests()
        counts.append(len(queries))
    assert counts[0] == counts[2] and counts[1] == counts[3], counts
