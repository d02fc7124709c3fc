"""manage.py import_program: real frab/c3voc and Mini-Conf files, idempotent re-imports, dry
runs, all-or-nothing errors that name the record, and untrusted XML."""

import datetime
import io
import json
import zoneinfo
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import AgendaItem
from accounts.services import save_to_agenda
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
    talk = Talk.objects.get(uid=uid_for("democon", "talk", first["guid"]))
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


def test_a_changed_time_moves_the_talk_keeps_it_saved_and_marks_it_changed(tmp_path):
    run(DEMOCON, "--conference", "democon")
    Conference.objects.filter(slug="democon").update(is_published=True)
    document = json.loads(DEMOCON.read_text())
    event = document["schedule"]["conference"]["days"][0]["rooms"]["Gray Room"][0]
    talk = Talk.objects.get(uid=uid_for("democon", "talk", event["guid"]))
    user = UserFactory()
    save_to_agenda(user=user, item=talk)
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
    assert f"move   talk {talk.title!r}: starts_at" in output
    saved = AgendaItem.objects.get(user=user)
    assert saved.item.pk == talk.pk and saved.changed_since_saved
    assert not Talk.objects.filter(uid=uid_for("democon", "talk", dropped["guid"])).exists()


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


def test_an_exported_schedule_xml_imports_into_another_conference(client, seed):
    xml = client.get("/mlsys2025/schedule.xml").content
    program = read(xml, "frab-xml")
    report = import_program(program, slug="copy")
    copy = Conference.objects.get(slug="copy")
    assert copy.timezone == "America/Los_Angeles"
    # Every timed poster is an event of type Poster, and each other timed session one event.
    posters = Talk.objects.filter(session__conference=copy, presentation_type="poster")
    assert posters.count() == 20
    assert report.count("add", "talk") == 20 + 2
    assert copy.presentation_types["poster"] == "Poster"  # the exported type, kept
    titles = set(posters.values_list("contribution__title", flat=True))
    assert titles == set(
        Poster.objects.filter(session__conference=seed).values_list(
            "contribution__title", flat=True
        )
    )


def test_a_record_that_does_not_fit_is_named_and_nothing_is_written(tmp_path):
    document = json.loads(DEMOCON.read_text())
    event = document["schedule"]["conference"]["days"][1]["rooms"]["Tan Room"][0]
    event["language"] = "not a language"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document))
    with pytest.raises(CommandError) as error:
        run(bad, "--conference", "democon")
    message = str(error.value)
    assert "nothing was imported" in message
    assert "language: Give a language tag" in message
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
