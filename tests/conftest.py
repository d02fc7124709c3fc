"""What every test shares: its settings, and the one way to make each kind of test data.

- ``seed``: the MLSys 2025 conference as committed (settings.PROGRAM_FIXTURE).
- ``program``, ``admin_program``, ``agenda_program``: small programs built with the factories,
  each shaped for what its tests look at (public pages, the admin's forms, agendas and clashes).
- ``berlin``: a small program whose days cross the end of summer time.
- ``organizer`` / ``organizer_client``: a staff user in the Organizers group; the second is
  ``client`` logged in as them.
- ``attendee`` / ``attendee_client``: a plain user (username "ada", password factories.PASSWORD);
  the second is ``client`` logged in as them.

Tests marked ``slow`` (long generated runs) are skipped unless pytest is given ``--slow``.
"""

import datetime
import math
import zoneinfo

import pytest
from django.contrib.auth.models import Group

from accounts.organizers import GROUP_NAME
from program import changes
from program.models import Conference, SessionKind
from tests import seed as seeding
from tests.factories import (
    ConferenceFactory,
    PersonFactory,
    RoomFactory,
    SessionFactory,
    UserFactory,
    make_poster,
    make_talk,
    pacific,
)
from web import throttling


def pytest_addoption(parser):
    parser.addoption(
        "--slow", action="store_true", help="also run the long tests (marker slow); -m slow: only"
    )


def pytest_collection_modifyitems(config, items):
    if config.getoption("--slow"):
        return
    skip = pytest.mark.skip(reason="a long run: pytest --slow -m slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    # The manifest storage needs collectstatic first; tests that want it say so themselves.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashing is deliberately slow; the tests check behaviour, not the hash's strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def force_login_sets_the_session_marker(monkeypatch):
    # A log-in through the form sets the session marker's cookie with the session cookie
    # (web/session_marker.py); without it, a client's first request would set both again, one
    # save more than the requests after it, which tests that compare query counts would see.
    from django.conf import settings
    from django.test.client import ClientMixin

    from web import session_marker

    log_in = ClientMixin._login

    def _login(client, user, backend=None):
        log_in(client, user, backend)
        session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
        client.cookies[session_marker.COOKIE] = session_marker.marker(session_key)

    monkeypatch.setattr(ClientMixin, "_login", _login)


@pytest.fixture(autouse=True)
def fresh_cache(settings, monkeypatch):
    # Cached state must not leak from one test into the next. The rate counters live in a table
    # (rolled back with each test) or, in the tests that point the cache at Redis, under a key
    # prefix of that test's own.
    from django.core.cache import cache

    # The once-a-minute sweep of old rate counters is one more query at a moment no test
    # chooses: tests that count queries would see it at random. It is off here.
    monkeypatch.setattr(throttling, "_last_sweep", math.inf)
    cache.clear()
    # Changes of an earlier test's rolled-back transaction would be sent with this test's commit.
    changes._pending.changes = {}
    yield
    cache.clear()


# The seed conference


@pytest.fixture(scope="session")
def seed_rows(django_db_setup, django_db_blocker) -> seeding.Snapshot | None:
    """The rows ``load_program`` writes for the seed, loaded once per run and rolled back
    (tests/seed.py); None if the load cannot be replayed from them."""
    with django_db_blocker.unblock():
        return seeding.capture()


@pytest.fixture
def seed(db, seed_rows) -> Conference:
    """The committed MLSys 2025 program: Thursday 15 May with 7 sessions and 20 posters.

    The database is left as ``load_program`` of settings.PROGRAM_FIXTURE leaves it, written from the
    rows kept by ``seed_rows`` (40-70 ms instead of 0.5-1.2 s; tests/test_seed.py checks that
    it is the same), or by ``load_program`` itself where a table of the seed's holds rows already.
    Tests that also use ``live_server`` (the browser tests) get a transactional database from
    pytest-django, so the server's thread sees what was written.
    """
    if seed_rows is None or not seeding.restore(seed_rows):
        seeding.load()
    return Conference.objects.get(slug="mlsys2025")


# Small programs


def mlsys2025():
    """The conference and room the small programs share, named as on the seed day."""
    conference = ConferenceFactory(slug="mlsys2025", name="MLSys 2025")
    return conference, RoomFactory(conference=conference, name="Mission City Ballroom")


@pytest.fixture
def program(db) -> dict:
    """A small day as the public pages show it: a timed poster session with two posters that
    share Ana Klimovic, then an untimed invited talk."""
    conference, room = mlsys2025()
    posters = SessionFactory(
        conference=conference,
        title="Session 9: Parallel and Distributed Systems",
        position=1,
        room=room,
        starts_at=pacific(8, 30),
    )
    ana = PersonFactory(name="Ana Klimovic", slug="ana-klimovic")
    first = make_poster(
        posters,
        authors=["Maximilian Böther", ana],
        title="On Distributed Larger-Than-Memory Subset Selection",
        abstract="We find subsets with $1.16\\times$ speed and *care*, and scale to a dataset …",
        position=1,
    )
    second = make_poster(
        posters, authors=["Yixin Dong", ana], title="XGrammar: Structured Generation", position=2
    )
    invited = SessionFactory(
        conference=conference,
        kind=SessionKind.INVITED_TALK,
        title="Ling Liu",
        position=2,
        starts_at=None,
    )
    ling = PersonFactory(name="Ling Liu", slug="ling-liu", bio="Ling Liu is a Professor.")
    talk = make_talk(invited, speakers=[ling], title="Responsible Finetuning of LLMs", position=1)
    return {
        "conference": conference,
        "room": room,
        "posters": posters,
        "invited": invited,
        "first": first,
        "second": second,
        "talk": talk,
        "ana": ana,
    }


@pytest.fixture
def admin_program(db) -> dict:
    """What the admin tests edit: a poster session at 08:30 with no end and one poster by two
    authors ("Subsets"), and an untimed session with one talk by two speakers."""
    conference, room = mlsys2025()
    session = SessionFactory(conference=conference, room=room, title="Session 9", position=1)
    poster = make_poster(session, authors=["Maximilian Böther", "Ana Klimovic"], title="Subsets")
    talk = make_talk(
        SessionFactory(conference=conference, title="Ling Liu", starts_at=None, position=2),
        speakers=["Ling Liu", "Tianqi Chen"],
    )
    return {
        "conference": conference,
        "room": room,
        "session": session,
        "poster": poster,
        "talk": talk,
    }


@pytest.fixture
def agenda_program(db) -> dict:
    """What an attendee saves: a morning poster session (08:30 to 10:00) with one poster, an oral
    session overlapping it (09:30 to 11:00), and an untimed invited talk."""
    conference, room = mlsys2025()
    morning = SessionFactory(
        conference=conference,
        title="Session 9",
        room=room,
        starts_at=pacific(8, 30),
        ends_at=pacific(10, 0),
        position=1,
    )
    poster = make_poster(morning, authors=["Ana Klimovic"], title="Subsets", position=1)
    overlapping = SessionFactory(
        conference=conference,
        kind=SessionKind.ORAL_SESSION,
        title="Orals",
        starts_at=pacific(9, 30),
        ends_at=pacific(11, 0),
        position=2,
    )
    invited = SessionFactory(
        conference=conference,
        kind=SessionKind.INVITED_TALK,
        title="Ling Liu",
        starts_at=None,
        position=3,
    )
    talk = make_talk(invited, speakers=["Ling Liu"], title="Responsible Finetuning")
    return {
        "conference": conference,
        "morning": morning,
        "poster": poster,
        "overlapping": overlapping,
        "invited": invited,
        "talk": talk,
    }


@pytest.fixture
def berlin(db):
    """A conference whose days cross the end of summer time (26 October 2025): a session before
    it with a poster, one after it, and an untimed invited talk. Returns
    (conference, before, after, untimed)."""
    conference = ConferenceFactory(
        slug="berlin",
        name="Berlin Systems 2025",
        timezone="Europe/Berlin",
        city="Berlin",
        start_date=datetime.date(2025, 10, 25),
        end_date=datetime.date(2025, 10, 26),
    )
    zone = zoneinfo.ZoneInfo("Europe/Berlin")
    room = RoomFactory(conference=conference, name="Saal 1")
    before = SessionFactory(
        conference=conference,
        room=room,
        day=datetime.date(2025, 10, 25),
        starts_at=datetime.datetime(2025, 10, 25, 9, 0, tzinfo=zone),
        ends_at=datetime.datetime(2025, 10, 25, 10, 30, tzinfo=zone),
        position=1,
    )
    after = SessionFactory(
        conference=conference,
        room=room,
        day=datetime.date(2025, 10, 26),
        starts_at=datetime.datetime(2025, 10, 26, 9, 0, tzinfo=zone),
        position=2,
    )
    make_poster(before, authors=["Maximilian Böther", "Ana Klimovic"], title="Subsets")
    untimed = SessionFactory(
        conference=conference,
        kind=SessionKind.INVITED_TALK,
        day=datetime.date(2025, 10, 26),
        starts_at=None,
        title="Ling Liu",
        position=3,
    )
    make_talk(untimed, speakers=["Ling Liu"], title="Responsible Finetuning")
    return conference, before, after, untimed


# People


@pytest.fixture
def organizer(db):
    """A staff user in the Organizers group, as create_organizer makes them; not logged in."""
    user = UserFactory(username="chair", is_staff=True)
    user.groups.add(Group.objects.get(name=GROUP_NAME))
    return user


@pytest.fixture
def organizer_client(client, organizer):
    """``client``, logged in as ``organizer``."""
    client.force_login(organizer)
    return client


@pytest.fixture
def attendee(db):
    """A plain user, "ada", with no staff rights; not logged in."""
    return UserFactory(username="ada")


@pytest.fixture
def attendee_client(client, attendee):
    """``client``, logged in as ``attendee``."""
    client.force_login(attendee)
    return client
