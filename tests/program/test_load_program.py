"""Fixtures move programs safely (program/management/commands/load_program.py and the models'
natural keys): loading is idempotent, a dump loads into an empty database, and a broken fixture
changes nothing and names the record at fault."""

import datetime
import json

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command, get_commands, load_command_class
from django.core.management.commands.loaddata import Command as DjangoLoaddata
from django.core.serializers.base import DeserializationError
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from program.models import Authorship, Conference, Contribution, Person, Poster, Room, Session, Talk
from tests.factories import PACIFIC

pytestmark = pytest.mark.django_db


def test_manage_py_loaddata_is_djangos_own_and_load_program_validates_on_top_of_it():
    commands = get_commands()
    assert commands["loaddata"] == "django.core"
    assert commands["load_program"] == "program"
    assert isinstance(load_command_class("program", "load_program"), DjangoLoaddata)


def test_loading_the_fixture_twice_changes_nothing(seed):
    call_command("load_program", str(settings.PROGRAM_FIXTURE), verbosity=0)
    assert (Conference.objects.count(), Poster.objects.count(), Person.objects.count()) == (
        1,
        20,
        132,
    )
    assert (Contribution.objects.count(), Talk.objects.count()) == (21, 1)
    # 140 authors of the 20 papers, and the talk's speaker (an authorship of its contribution).
    assert Authorship.objects.filter(contribution__posters__isnull=False).count() == 140
    assert Authorship.objects.count() == 141


def program_snapshot() -> list:
    return [
        (
            str(poster.uid),
            poster.title,
            poster.session.title,
            poster.session.starts_at,
            [(a.position, a.person.slug, a.person.name) for a in poster.ordered_people],
        )
        for poster in Poster.objects.with_people().order_by("uid")
    ]


def test_an_edited_program_dumped_with_natural_keys_loads_into_an_empty_database(seed, tmp_path):
    poster = Poster.objects.filter(session__title__startswith="Session 9").order_by("position")[0]
    poster.contribution.title = (
        "Scaling Deep Learning Training with MPMD Pipeline Parallelism (edited)"
    )
    poster.contribution.save()
    moved = Session.objects.get(title__startswith="Session 12")
    moved.starts_at = datetime.datetime(2025, 5, 15, 17, 0, tzinfo=PACIFIC)
    moved.save()
    newcomer = Person.objects.create(conference=seed, name="Late Añadido", slug="late-anadido")
    Authorship.objects.create(contribution=poster.contribution, person=newcomer, position=5)
    before = program_snapshot()

    dump = tmp_path / "program.json"
    call_command(
        "dumpdata",
        "program",
        natural_foreign=True,
        natural_primary=True,
        output=str(dump),
        verbosity=0,
    )
    assert '"pk"' not in dump.read_text()
    Conference.objects.all().delete()
    Person.objects.all().delete()
    assert not Poster.objects.exists()

    call_command("load_program", str(dump), verbosity=0)
    assert program_snapshot() == before


def test_a_broken_fixture_leaves_the_database_unchanged_and_names_the_record(tmp_path):
    fixture = tmp_path / "broken.json"
    good = [
        {
            "model": "program.conference",
            "fields": {
                "slug": "half",
                "name": "Half",
                "timezone": "UTC",
                "start_date": "2025-01-01",
                "end_date": "2025-01-02",
            },
        },
        {
            "model": "program.person",
            "fields": {"conference": ["half"], "name": "Kept Nowhere", "slug": "kept-nowhere"},
        },
    ]
    bad = {
        "model": "program.session",
        "fields": {
            "uid": "00000000-0000-0000-0000-000000000001",
            "conference": ["half"],
            "title": "Backwards",
            "day": "2025-01-01",
            "starts_at": "2025-01-01T10:00:00Z",
            "ends_at": "2025-01-01T09:00:00Z",
        },
    }
    fixture.write_text(json.dumps([*good, bad]))
    with pytest.raises(IntegrityError) as error:
        call_command("load_program", str(fixture), verbosity=0)
    message = str(error.value)
    assert "session_ends_after_start" in message
    assert "program.Session" in message
    assert "00000000-0000-0000-0000-000000000001" in message  # the record's natural key
    assert not Conference.objects.filter(slug="half").exists()
    assert not Person.objects.filter(slug="kept-nowhere").exists()


def test_a_fixture_pointing_at_a_missing_record_names_it_and_loads_nothing(tmp_path):
    fixture = tmp_path / "dangling.json"
    fixture.write_text(
        json.dumps(
            [
                CONFERENCE,
                person("a-person", conference=["checked"]),
                {
                    "model": "program.authorship",
                    "fields": {
                        "contribution": ["00000000-0000-0000-0000-00000000dead"],
                        "person": ["checked", "a-person"],
                        "position": 1,
                    },
                },
            ]
        )
    )
    with pytest.raises(DeserializationError) as error:
        call_command("load_program", str(fixture), verbosity=0)
    assert (
        "program.Authorship at position 1 for person ['checked', 'a-person'] names a contribution"
        in str(error.value)
    )
    assert not Person.objects.filter(slug="a-person").exists()
    assert counts() == dict.fromkeys(counts(), 0)


# Validation: what the admin refuses, a fixture cannot load either (program/interchange/loading.py)

CONFERENCE = {
    "model": "program.conference",
    "fields": {
        "slug": "checked",
        "name": "Checked 2025",
        "timezone": "America/Los_Angeles",
        "start_date": "2025-05-15",
        "end_date": "2025-05-16",
    },
}
SESSION_UID = "00000000-0000-0000-0000-0000000000a1"
POSTER_UID = "00000000-0000-0000-0000-0000000000b1"
CONTRIBUTION_UID = "00000000-0000-0000-0000-0000000000c1"
HALL_A = {"model": "program.room", "fields": {"conference": ["checked"], "name": "Hall A"}}


def session(uid=SESSION_UID, **fields) -> dict:
    return {
        "model": "program.session",
        "fields": {
            "uid": uid,
            "conference": ["checked"],
            "title": "Posters",
            "day": "2025-05-15",
            "starts_at": "2025-05-15T16:00:00Z",  # 09:00 in Santa Clara
            **fields,
        },
    }


def person(slug: str, conference=("mlsys2025",), **fields) -> dict:
    return {
        "model": "program.person",
        "fields": {"conference": list(conference), "name": slug.title(), "slug": slug, **fields},
    }


def counts() -> dict[str, int]:
    models = (Conference, Room, Session, Contribution, Poster, Person, Authorship)
    return {model._meta.label: model.objects.count() for model in models}


def load(tmp_path, records: list[dict]):
    fixture = tmp_path / "program.json"
    fixture.write_text(json.dumps(records))
    call_command("load_program", str(fixture), verbosity=0)


def test_a_session_starting_on_another_day_is_refused_by_its_natural_key(seed, tmp_path):
    before = counts()
    # 01:00 UTC on the 16th is 18:00 on the 15th in Santa Clara; 08:00 UTC on the 16th is not.
    good = session("00000000-0000-0000-0000-0000000000a0", starts_at="2025-05-16T01:00:00Z")
    late = session(starts_at="2025-05-16T08:00:00Z")
    with pytest.raises(CommandError) as error:
        load(tmp_path, [CONFERENCE, person("kept-nowhere"), good, late])
    message = str(error.value)
    assert f"program.session ['{SESSION_UID}'] starts_at: " in message
    assert "2025-05-16" in message
    assert "1 record does not pass validation; nothing was loaded:" in message
    assert "0000000000a0" not in message  # the valid session is not named
    assert counts() == before
    assert not Conference.objects.filter(slug="checked").exists()


def test_the_day_rule_is_the_models_own(tmp_path):
    # With days starting at 05:00, 00:30 on the 16th still belongs to the 15th (Session.clean()
    # says so; the load asks it rather than knowing the rule itself).
    late_night = {**CONFERENCE, "fields": {**CONFERENCE["fields"], "day_starts_at": "05:00"}}
    load(tmp_path, [late_night, session(starts_at="2025-05-16T07:30:00Z")])
    assert Session.objects.get(uid=SESSION_UID).day == datetime.date(2025, 5, 15)


def test_invalid_records_of_several_models_are_named_in_one_error(tmp_path):
    bad_zone = {**CONFERENCE, "fields": {**CONFERENCE["fields"], "timezone": "Mars/Olympus"}}
    with pytest.raises(CommandError) as error:
        load(
            tmp_path,
            [
                bad_zone,
                person("fine", conference=["checked"]),
                person(
                    "ftp-fan",
                    conference=["checked"],
                    links=[
                        {"kind": "homepage", "url": "https://example.org/ok"},
                        {"kind": "paper", "url": "ftp://example.org/paper"},
                    ],
                ),
            ],
        )
    message = str(error.value)
    assert "2 records do not pass validation" in message
    assert "program.conference ['checked'] timezone: Mars/Olympus is not a known time zone" in (
        message
    )
    assert (
        "program.person ['checked', 'ftp-fan'] links: ftp://example.org/paper is not an http(s)"
        " URL." in message
    )
    assert "'fine']" not in message
    assert counts() == dict.fromkeys(counts(), 0)


def test_a_link_that_is_not_http_is_refused_naming_links(seed, tmp_path):
    before = counts()
    with pytest.raises(CommandError) as error:
        load(
            tmp_path,
            [person("js-link", links=[{"kind": "homepage", "url": "javascript:alert(1)"}])],
        )
    assert (
        "program.person ['mlsys2025', 'js-link'] links: javascript:alert(1) is not an http(s) URL."
        in str(error.value)
    )
    assert counts() == before


def test_a_session_in_a_room_of_another_conference_is_named(seed, tmp_path):
    # The database's triggers (migration 0002) refuse the row before validation could; the
    # session is named by its natural key all the same.
    before = counts()
    with pytest.raises(IntegrityError) as error:
        load(tmp_path, [CONFERENCE, session(room=["mlsys2025", "Mission City Ballroom"])])
    message = str(error.value)
    assert "room and session must belong to the same conference" in message
    assert f"[natural key ['{SESSION_UID}']]" in message
    assert counts() == before


def test_a_poster_is_checked_against_its_session_loaded_before_it(tmp_path):
    contribution = {
        "model": "program.contribution",
        "fields": {
            "uid": CONTRIBUTION_UID,
            "conference": ["checked"],
            "title": "An end without a start",
            "external_url": "mailto:someone@example.org",  # now the contribution's
        },
    }
    poster = {
        "model": "program.poster",
        "fields": {
            "uid": POSTER_UID,
            "session": [SESSION_UID],
            "contribution": [CONTRIBUTION_UID],
            "room": ["checked", "Hall A"],
            "ends_at": "2025-05-15T17:00:00Z",  # the database's check lets it pass
        },
    }
    with pytest.raises(CommandError) as error:
        load(tmp_path, [CONFERENCE, HALL_A, session(), contribution, poster])
    message = str(error.value)
    assert f"program.poster ['{POSTER_UID}'] ends_at: " in message
    assert f"program.contribution ['{CONTRIBUTION_UID}'] external_url: " in message
    assert counts() == dict.fromkeys(counts(), 0)


def test_the_listing_stops_at_twenty_records_and_counts_the_rest(tmp_path):
    people = [person(f"bad-{n:02}", conference=["checked"], links=["nope"]) for n in range(25)]
    with pytest.raises(CommandError) as error:
        load(tmp_path, [CONFERENCE, *people])
    message = str(error.value)
    assert "25 records do not pass validation" in message
    assert "program.person ['checked', 'bad-19'] links" in message
    assert "bad-20" not in message
    assert message.endswith("… and 5 more.")
    assert not Person.objects.exists()


def test_validation_follows_the_models_own_rules_for_accounts_too(tmp_path):
    user = {
        "model": "accounts.user",
        "fields": {"username": "ada", "password": "!", "timezone": "Europe/Atlantis"},
    }
    with pytest.raises(CommandError) as error:
        load(tmp_path, [user])
    assert "accounts.user ['ada'] timezone: Europe/Atlantis is not a known time zone" in str(
        error.value
    )
    assert not User.objects.exists()


def test_other_apps_are_loaded_as_they_are(tmp_path):
    # auth is not validated: a group name is not checked (it would be valid anyway), and the
    # load asks nothing of it.
    load(tmp_path, [{"model": "auth.group", "fields": {"name": "Volunteers", "permissions": []}}])
    assert Group.objects.filter(name="Volunteers").exists()


# Errors from the database name the record too, on SQLite and PostgreSQL alike


def test_a_record_the_database_refuses_is_named_even_when_its_key_needs_a_query(seed, tmp_path):
    # The authorship's natural key is its contribution's uid and its position: finding the uid
    # takes a query after the failed insert, which neither database would answer without the
    # savepoint around each record (Django marks the transaction as failed; PostgreSQL aborts it).
    paper = Poster.objects.order_by("uid").first().contribution
    first = paper.authorships.get(position=1)
    twice = {
        "model": "program.authorship",
        "fields": {
            "contribution": [str(paper.uid)],
            "person": ["mlsys2025", first.person.slug],
            "position": 99,
        },
    }
    before = counts()
    with pytest.raises(IntegrityError) as error:
        load(tmp_path, [person("kept-nowhere"), twice])
    message = str(error.value)
    assert "authorship_person_unique" in message or "UNIQUE" in message
    assert "program.Authorship" in message
    assert f"[natural key ['{paper.uid}', 99]]" in message
    assert counts() == before


def test_a_natural_key_naming_no_record_is_named_with_the_record(tmp_path):
    # A room that is neither in the database nor in the fixture: Django defers the reference to
    # the end of the load, then fails; the session is named by its uid.
    with pytest.raises(DeserializationError) as error:
        load(tmp_path, [CONFERENCE, session(room=["checked", "Nowhere"])])
    message = str(error.value)
    assert "['checked', 'Nowhere']" in message
    assert f"[natural key ['{SESSION_UID}']]" in message
    assert counts() == dict.fromkeys(counts(), 0)


def test_a_valid_fixture_loads_with_forward_references(tmp_path):
    # The room is written after the session that names it: Django saves the session first and
    # its room at the end, and the session is validated with its room in place.
    load(tmp_path, [CONFERENCE, session(room=["checked", "Hall A"]), HALL_A])
    assert Session.objects.get(uid=SESSION_UID).room.name == "Hall A"


def test_validation_adds_no_query_per_record(seed, tmp_path):
    """Beside a savepoint per record, a load asks what Django's own loaddata asks, plus one
    query per model that validation looks up in the database (here the seed's sessions, whose
    new posters are in the fixture, and a seed paper presented again)."""
    people = ["ana", "bo", "cy"]
    seed_session = Session.objects.filter(conference=seed).values_list("uid", flat=True).first()
    seed_paper = Contribution.objects.filter(conference=seed).values_list("uid", flat=True).first()

    def program(slug: str) -> list[dict]:
        conference = {**CONFERENCE, "fields": {**CONFERENCE["fields"], "slug": slug}}
        room = {"model": "program.room", "fields": {"conference": [slug], "name": "Hall A"}}
        records = [conference, room, *(person(name, conference=[slug]) for name in people)]
        for n in range(10):
            session_uid = f"00000000-0000-0000-{slug[-1]}000-{n:012}"
            poster_uid = f"00000000-0000-0000-{slug[-1]}001-{n:012}"
            paper_uid = f"00000000-0000-0000-{slug[-1]}003-{n:012}"
            records.append(session(session_uid, conference=[slug], room=[slug, "Hall A"]))
            records.append(
                {
                    "model": "program.contribution",
                    "fields": {"uid": paper_uid, "conference": [slug], "title": f"P{n}"},
                }
            )
            records.append(
                {
                    "model": "program.poster",
                    "fields": {
                        "uid": poster_uid,
                        "session": [session_uid],
                        "contribution": [paper_uid],
                    },
                }
            )
            records.extend(
                {
                    "model": "program.authorship",
                    "fields": {
                        "contribution": [paper_uid],
                        "person": [slug, author],
                        "position": position,
                    },
                }
                for position, author in enumerate(people, start=1)
            )
        # A poster added to a seed session, presenting a seed paper again: validation fetches
        # both.
        seed_poster = f"00000000-0000-0000-{slug[-1]}002-000000000000"
        records.append(
            {
                "model": "program.poster",
                "fields": {
                    "uid": seed_poster,
                    "session": [str(seed_session)],
                    "contribution": [str(seed_paper)],
                },
            }
        )
        return records

    def statements(command, slug: str) -> list[str]:
        fixture = tmp_path / f"{slug}.json"
        fixture.write_text(json.dumps(program(slug)))
        with CaptureQueriesContext(connection) as queries:
            call_command(command, str(fixture), verbosity=0)
        return [query["sql"] for query in queries.captured_queries]

    def savepoints(sqls: list[str]) -> int:
        return sum(sql.split()[0] in {"SAVEPOINT", "RELEASE"} for sql in sqls)

    django_own = statements(DjangoLoaddata(), "plain1")
    ours = statements("load_program", "checked2")
    records = len(program("x"))
    assert savepoints(ours) - savepoints(django_own) == 2 * records
    # Validation's one lookup per model: the seed session and the seed paper named by the late
    # poster, each with its conference (the rest was loaded); and the change said once
    # (program/changes.py: the conferences, their version, their sessions' blocks).
    extra = (len(ours) - savepoints(ours)) - (len(django_own) - savepoints(django_own))
    assert extra == 5
