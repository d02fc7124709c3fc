"""benchmark_server's signed-in visitor (made for the run, removed after it) and its --proxy when
nginx is not installed. The whole command runs in test_benchmark_command.py."""

import datetime

import pytest
from axes.models import AccessLog
from django.contrib.sessions.models import Session as LoginSession
from django.test import Client

from accounts.models import AgendaItem, User
from devtools.management.commands.benchmark_server import (
    BENCHMARK_USER_PREFIX,
    items_to_save,
    signed_in_visitor,
)

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 5, 15)


def test_the_signed_in_visitor_is_logged_in_with_five_saved_items_and_removed_after(seed, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    with signed_in_visitor(seed, DAY, host="testserver") as visitor:
        user = visitor.user
        assert user.username.startswith(BENCHMARK_USER_PREFIX)
        assert not user.has_usable_password()
        assert AgendaItem.objects.filter(user=user).count() == 5 == len(visitor.saved)
        # One item from each of five sessions of the day, in program order.
        assert len({item.session_id for item in visitor.saved}) == 5
        assert {item.session.day for item in visitor.saved} == {DAY}
        cookies = dict(part.split("=", 1) for part in visitor.cookie.split("; "))
        assert set(cookies) == {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME}
        assert LoginSession.objects.filter(pk=cookies[settings.SESSION_COOKIE_NAME]).exists()
        # A client that only sends the Cookie header (as the load test does) is signed in.
        agenda = Client().get("/agenda/", headers={"Cookie": visitor.cookie})
        assert agenda.status_code == 200
        assert user.username.encode() in agenda.content
        feed = Client().get(visitor.feed_path)
        assert feed.status_code == 200 and b"BEGIN:VEVENT" in feed.content  # (items with a time)
        assert f"My agenda ({user.username})".encode() in feed.content
    assert not User.objects.filter(pk=user.pk).exists()
    assert not AgendaItem.objects.filter(user_id=user.pk).exists()
    assert not LoginSession.objects.filter(pk=cookies[settings.SESSION_COOKIE_NAME]).exists()
    assert not AccessLog.objects.filter(username=user.username).exists()


def test_the_signed_in_visitor_is_removed_when_the_run_fails(seed):
    with pytest.raises(KeyboardInterrupt), signed_in_visitor(seed, DAY, host="testserver"):
        raise KeyboardInterrupt
    assert not User.objects.filter(username__startswith=BENCHMARK_USER_PREFIX).exists()
    assert not LoginSession.objects.exists()


def test_items_to_save_take_one_per_session_before_a_second(seed):
    items = items_to_save(seed, DAY, count=40)
    sessions = [item.session_id for item in items]
    firsts = list(dict.fromkeys(sessions))
    assert sessions[: len(firsts)] == firsts  # every session once, then the rest
    assert items_to_save(seed, datetime.date(2025, 5, 12)) == []  # a day without sessions
