"""manage.py import_program: real frab/c3voc and Mini-Conf files, idempotent re-imports, dry
runs, all-or-nothing errors that name the record, and untrusted XML."""

import datetime
import io
import json
import re
import tempfile
import uuid
import zoneinfo
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import AgendaItem
from accounts.services import save_to_agenda
from devtools.devdata.generation import generate_program
from devtools.devdata.paper_list import paper_list
from program.importing.applying import import_program, uid_for
from program.importing.readers import read
from program.models import Authorship, Conference, Contribution, Person, Poster, Session, Talk
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent.parent / "data"
DEMOCON = DATA / "c3voc" / "pretalx-democon.json"
CAMP = DATA / "c3voc" / "frab-camp2019.json"
PAPERS = DATA / "miniconf" / "papers.csv"
CALENDAR = DATA / "miniconf" / "main_calendar.json"


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_program", *map(str, args), stdout=out)
    return out.getvalue()


def tmp_file(content: bytes, name: str) -> Path:
    directory = Path(tempfile.mkdtemp())
    (directory / name).write_bytes(content)
    return directory / name


def sequence(calendar: bytes) -> int:
    return int(re.search(rb"SEQUENCE:(\d+)", calendar).group(1))


def counts() -> tuple:
    return tuple(
        model.objects.count() for model in (Conference, Session, Contribution, Talk, Poster, Person)
    )


def test_a_pretalx_export_imports_with_times_people_and_tracks_and_twice_changes_nothing():
    output = run(DEMOCON, "--conference", "democon")
    assert "36 talks added" in output and "6 sessions added" in output
    conference = Conference.objects.get(slug="democon")
    assert not conference.is_published  # organizers look before publishing
    assert (conference.timezone, conference.start_date) == ("UTC", datetime.date(2020, 12, 14))
    assert conference.day_starts_at == datetime.time(3, 0)  # 04:00+01:00 in the file
    document = json.loads(DEMOCON.read_text())["schedule"]["conference"]
    first = document["days"][0]["rooms"]["Gray Room"][0]
    talk = Talk.objects.get(uid=uuid.UUID(first["guid"]))
    assert talk.title == first["title"]
    assert talk.starts_at == datetime.datetime.fromisoformat(first["date"])
    assert talk.ends_at - talk.starts_at == datetime.timedelta(minutes=30)
    assert talk.effective_room.name == "Gray Room"
    assert talk.contribution.track.name == first["track"]
    assert [a.person.name for a in talk.ordered_people] == [
        p["public_name"] for p in first["persons"]
    ]
    assert talk.contribution.language == "en"
    before = counts()
    again = run(DEMOCON, "--conference", "democon")
    assert "nothing changed" in again
    assert counts() == before


def test_a_changed_time_moves_the_talk_keeps_it_saved_and_marks_it_changed(tmp_path, client):
    run(DEMOCON, "--conference", "democon")
    an_hour_ago = datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1)
    Conference.objects.filter(slug="democon").update(
        is_published=True, program_changed_at=an_hour_ago
    )
    document = json.loads(DEMOCON.read_text())
    event = document["schedule"]["conference"]["days"][0]["rooms"]["Gray Room"][0]
    talk = Talk.objects.get(uid=uuid.UUID(event["guid"]))
    user = UserFactory()
    save_to_agenda(user=user, item=talk)
    feed = client.get(f"/agenda/{user.feed_token}.ics")
    assert b"DTSTART:20201214T080000Z" in feed.content
    event["date"] = event["date"].replace("09:00", "10:00")
    dropped = document["schedule"]["conference"]["days"][0]["rooms"]["Tan Room"].pop(0)
    changed = tmp_path / "democon.json"
    changed.write_text(json.dumps(document))
    preview = run(changed, "--conference", "democon", "--dry-run")
    assert "1 talk moved" in preview and "1 talk removed" in preview
    assert "Dry run: nothing was written." in preview
    assert Talk.objects.get(pk=talk.pk).starts_at.hour == 8  # 09:00+01:00, unchanged
    output = run(changed, "--conference", "democon")
    assert "1 talk moved" in output
    assert f"move   talk {talk.title!r} (Gray Room): starts_at" in output
    saved = AgendaItem.objects.get(user=user)
    assert saved.item.pk == talk.pk and saved.changed_since_saved
    assert not Talk.objects.filter(uid=uuid.UUID(dropped["guid"])).exists()
    # The attendee's calendar feed is new (no 304), with the new time and a higher SEQUENCE,
    # so calendar apps replace the event.
    after = client.get(f"/agenda/{user.feed_token}.ics", headers={"if-none-match": feed["ETag"]})
    assert after.status_code == 200
    assert b"DTSTART:20201214T090000Z" in after.content
    assert sequence(after.content) > sequence(feed.content)


def test_a_paper_moved_to_another_session_is_the_same_poster_moved(tmp_path):
    run(PAPERS, "--calendar", CALENDAR, "--conference", "iclr2020")
    Conference.objects.filter(slug="iclr2020").update(is_published=True)
    paper = Contribution.objects.get(title__startswith="Enabling Deep Spiking")
    poster = paper.posters.get(session__title__startswith="Poster Day 2")  # "Tues Session 1"
    user = UserFactory()
    save_to_agenda(user=user, item=poster)
    moved = PAPERS.read_text().replace(
        "Tues Session 1|Mon Session 1", "Wed Session 1|Mon Session 1"
    )
    source = tmp_path / "papers.csv"
    source.write_text(moved)
    output = run(source, "--calendar", CALENDAR, "--conference", "iclr2020")
    assert "1 poster moved" in output and "removed" not in output
    saved = AgendaItem.objects.get(user=user)
    assert saved.item.pk == poster.pk and saved.changed_since_saved
    assert saved.item.session.title.startswith("Poster Day 3")


def test_an_import_costs_the_same_queries_whatever_the_number_of_papers(db):
    """No query per paper, author or poster: a list ten times longer, the same queries (both
    within one batch of inserts)."""
    counts_for = []
    for papers in (12, 120):
        data, calendar = paper_list(papers=papers, author_slots=papers * 4)
        program = read(data, "miniconf", calendar=calendar)
        with CaptureQueriesContext(connection) as first:
            import_program(program, slug=f"list{papers}")
        with CaptureQueriesContext(connection) as again:
            import_program(read(data, "miniconf", calendar=calendar), slug=f"list{papers}")
        counts_for.append((len(first), len(again)))
    assert counts_for[0] == counts_for[1], counts_for


def test_a_frab_export_that_breaks_the_schema_is_read_tolerantly():
    output = run(CAMP, "--conference", "camp2019")
    assert "79 talks added" in output
    conference = Conference.objects.get(slug="camp2019")
    assert conference.timezone == "Europe/Berlin"
    assert conference.presentation_types["lecture"] == "lecture"  # the file's own type
    opening = Talk.objects.get(contribution__title="Opening Ceremony")
    assert opening.slot_label == "lecture"
    assert opening.starts_at == datetime.datetime(
        2019, 8, 21, 11, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Berlin")
    )
    assert [a.person.name for a in opening.ordered_people] == ["jinxx", "smtw"]
    # The same speaker on several talks is one person (the file's id is kept).
    assert Person.objects.filter(conference=conference, external_id="7797").count() == 1


def test_a_mini_conf_paper_list_makes_contributions_posters_and_unscheduled_papers():
    output = run(PAPERS, "--calendar", CALENDAR, "--conference", "iclr2020")
    assert "29 contributions added" in output and "2 posters added" in output
    paper = Contribution.objects.get(uid=uid_for("iclr2020", "contribution", "uid:B1xSperKvH"))
    assert [a.person.name for a in paper.ordered_people][:2] == [
        "Nitin Rathi",
        "Gopalakrishnan Srinivasan",
    ]
    assert paper.keywords[:1] == ["imagenet"]
    # Two sessions named, two posters of one paper: each its own slot.
    assert sorted(p.session.title for p in paper.posters.all()) == [
        "Poster Day 1 Session 1 (P1S1)",
        "Poster Day 2 Session 1 (P2S1)",
    ]
    assert Contribution.objects.scheduled(False).count() == 28
    assert "nothing changed" in run(PAPERS, "--calendar", CALENDAR, "--conference", "iclr2020")


@pytest.mark.parametrize("name", ["schedule.json", "schedule.xml"])
def test_export_import_into_an_empty_database_export_gives_the_same_document(client, seed, name):
    exported = client.get(f"/mlsys2025/{name}").content
    saved = {p.uid: p.title for p in Poster.objects.filter(session__conference=seed)}
    seed.delete()  # the conference and its whole program: nothing left to match
    assert counts() == (0, 0, 0, 0, 0, 0)
    source = tmp_file(exported, name)
    report = run(source, "--conference", "mlsys2025")
    assert "20 posters added" in report
    Conference.objects.filter(slug="mlsys2025").update(is_published=True)
    assert client.get(f"/mlsys2025/{name}").content == exported
    # Posters came back as posters, by their own uids, in poster sessions.
    posters = Poster.objects.filter(session__conference__slug="mlsys2025")
    assert {p.uid: p.title for p in posters} == saved
    assert {p.session.kind for p in posters} == {"poster_session"}
    assert "nothing changed" in run(source, "--conference", "mlsys2025")


@pytest.mark.parametrize("name", ["schedule.json", "schedule.xml"])
def test_a_generated_program_round_trips_too(client, name):
    """Namesakes, spotlight talks next to posters, parallel rooms, several days."""
    generate_program(slug="gen", posters=200, sessions=16, days=3, people=150, rooms=4, talks=10)
    Conference.objects.filter(slug="gen").update(is_published=True)
    exported = client.get(f"/gen/{name}").content
    Conference.objects.filter(slug="gen").delete()
    run(tmp_file(exported, name), "--conference", "gen")
    Conference.objects.filter(slug="gen").update(is_published=True)
    assert client.get(f"/gen/{name}").content == exported


def export_text(slug: str) -> str:
    out = io.StringIO()
    call_command("export_conference", slug, stdout=out)
    return out.getvalue()


def test_our_own_export_imports_with_a_preview_and_round_trips(seed, tmp_path):
    first = export_text("mlsys2025")
    seed.delete()
    source = tmp_path / "mlsys2025.json"
    source.write_text(first)
    preview = run(source, "--conference", "mlsys2025", "--dry-run")
    assert "20 posters added" in preview and "Dry run" in preview
    assert counts() == (0, 0, 0, 0, 0, 0)
    assert "20 posters added" in run(source, "--conference", "mlsys2025")
    assert export_text("mlsys2025") == first
    assert "nothing changed" in run(source, "--conference", "mlsys2025")


def test_our_own_export_re_imported_moves_changes_removes_and_keeps_agendas(seed, tmp_path):
    records = json.loads(export_text("mlsys2025"))
    posters = [r for r in records if r["model"] == "program.poster"]
    kept, dropped = Poster.objects.get(uid=posters[0]["fields"]["uid"]), posters[1]
    user = UserFactory()
    save_to_agenda(user=user, item=kept)
    later = kept.effective_starts_at + datetime.timedelta(hours=1)
    posters[0]["fields"]["starts_at"] = later.isoformat()
    records.remove(dropped)
    paper = next(r for r in records if r["model"] == "program.contribution")
    paper["fields"]["title"] = "A better title"
    # Two authors swap places: the database's unique keys must not get in the way.
    first_two = [
        r
        for r in records
        if r["model"] == "program.authorship"
        and r["fields"]["contribution"] == [paper["fields"]["uid"]]
    ][:2]
    first_two[0]["fields"]["person"], first_two[1]["fields"]["person"] = (
        first_two[1]["fields"]["person"],
        first_two[0]["fields"]["person"],
    )
    source = tmp_path / "changed.json"
    source.write_text(json.dumps(records))
    preview = run(source, "--conference", "mlsys2025", "--dry-run", "-v", "2")
    assert "1 poster moved" in preview and "1 poster removed" in preview
    assert "title 'Ada" not in preview and "-> 'A better title'" in preview
    assert Poster.objects.filter(uid=dropped["fields"]["uid"]).exists()  # a dry run
    run(source, "--conference", "mlsys2025")
    assert not Poster.objects.filter(uid=dropped["fields"]["uid"]).exists()
    saved = AgendaItem.objects.get(user=user)
    assert saved.item.pk == kept.pk and saved.changed_since_saved
    contribution = Contribution.objects.get(uid=paper["fields"]["uid"])
    assert contribution.title == "A better title"
    people = [a.person.slug for a in contribution.ordered_people][:2]
    assert people == [first_two[0]["fields"]["person"][1], first_two[1]["fields"]["person"][1]]


def test_our_own_export_of_another_conference_or_with_a_bad_record_changes_nothing(seed, tmp_path):
    records = json.loads(export_text("mlsys2025"))
    source = tmp_path / "seed.json"
    source.write_text(json.dumps(records))
    with pytest.raises(CommandError, match="import it with --conference mlsys2025"):
        run(source, "--conference", "other")
    before = counts()
    assert before[3] == 1  # the seed's one talk, left out of the file below
    poster = next(r for r in records if r["model"] == "program.poster")
    poster["fields"]["starts_at"] = "2025-05-15T25:00:00-07:00"
    records.remove(next(r for r in records if r["model"] == "program.talk"))
    source.write_text(json.dumps(records))
    with pytest.raises(CommandError, match=poster["fields"]["uid"]):
        run(source, "--conference", "mlsys2025")
    assert counts() == before  # the talk the file left out is still there


def test_the_same_file_in_a_second_conference_gets_uids_of_its_own(client, seed):
    exported = client.get("/mlsys2025/schedule.json").content
    run(tmp_file(exported, "schedule.json"), "--conference", "copy")
    copies = Poster.objects.filter(session__conference__slug="copy")
    originals = Poster.objects.filter(session__conference=seed)
    assert copies.count() == originals.count() == 20
    assert not set(copies.values_list("uid", flat=True)) & set(
        originals.values_list("uid", flat=True)
    )


def test_a_record_that_does_not_fit_is_named_and_nothing_is_written(tmp_path):
    document = json.loads(DEMOCON.read_text())
    event = document["schedule"]["conference"]["days"][1]["rooms"]["Tan Room"][0]
    event["end"] = "2000-01-01T00:00:00+00:00"  # before it starts
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document))
    with pytest.raises(CommandError) as error:
        run(bad, "--conference", "democon")
    message = str(error.value)
    assert "nothing was imported" in message
    assert f"talk {event['guid']!r}: ends_at: The end time must be after the start" in message
    assert counts() == (0, 0, 0, 0, 0, 0)


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"<?xml version='1.0'?><!DOCTYPE s [<!ENTITY a 'x'>]><schedule>&a;</schedule>", "refused"),
        (b"<schedule><day", "not well-formed"),
        (b'{"schedule": 5}', "not a c3voc schedule"),
        (b"hello", "neither a frab/c3voc schedule"),
        (b"UID,title\n,\n", "no column authors"),
    ],
)
def test_untrusted_or_broken_files_are_refused_with_a_message(tmp_path, content, expected):
    path = tmp_path / "file"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=expected):
        run(path, "--conference", "x2026")
    assert Conference.objects.count() == 0


def test_a_mini_conf_list_without_dates_needs_its_conference_first(tmp_path):
    with pytest.raises(CommandError, match="create the conference first"):
        run(PAPERS, "--conference", "iclr2020")
    with pytest.raises(CommandError, match="reserved address"):
        run(PAPERS, "--conference", "admin")
    assert Authorship.objects.count() == 0
