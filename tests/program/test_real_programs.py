"""The eight real published programs (congress and FOSDEM files, pretalx and wafer XML, three
Mini-Conf sites): each imports with the counts its file gives, and again with nothing changed.
They live beside the project (``shared/data/samples``); without them these tests are skipped."""

import datetime
import gzip
import io
import json
import zoneinfo
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from program.models import Conference, Contribution, Person, Poster, Room, Session, Talk

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "data" / "samples"
DEMOCON = Path(__file__).resolve().parent.parent / "data" / "c3voc" / "pretalx-democon.json"
needs_samples = pytest.mark.skipif(
    not SAMPLES.is_dir(),
    reason="the real programs (shared/data/samples) are not beside the project",
)


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_program", *map(str, args), stdout=out)
    return out.getvalue()


def counts(slug: str) -> dict:
    return {
        "talks": Talk.objects.filter(session__conference__slug=slug).count(),
        "posters": Poster.objects.filter(session__conference__slug=slug).count(),
        "contributions": Contribution.objects.filter(conference__slug=slug).count(),
        "rooms": Room.objects.filter(conference__slug=slug).count(),
    }


# (folder, file, options, what the file holds: events as talks, papers as contributions and
# posters, rooms), as each folder's README counts them.
PROGRAMS = [
    ("c3voc-36c3", "everything.schedule.json", [], {"talks": 1351, "contributions": 1348}),
    ("c3voc-jev22", "everything.schedule.json", [], {"talks": 433, "rooms": 48}),
    (
        "fosdem-2023",
        "2023.xml",
        ["--timezone", "Europe/Brussels"],
        {"talks": 780, "contributions": 780, "rooms": 35},
    ),
    ("pretalx-romhack-camp-2026", "romhack_camp_2026.xml", [], {"talks": 10, "rooms": 2}),
    ("wafer-debconf23", "debconf23.xml", [], {"talks": 117, "rooms": 5}),
    (
        "miniconf-iclr2020",
        "papers.csv",
        ["--calendar", "main_calendar.json"],
        {"contributions": 687, "posters": 2},
    ),
    (
        "miniconf-acl2020",
        "served/papers.json",
        ["--calendar", "served/serve_calendar.json"],
        {"contributions": 907, "posters": 905 * 2 + 2},
    ),
    (
        "miniconf-acl2020",
        "sitedata/main_papers.csv",
        ["--calendar", "sitedata/main_paper_sessions.yml"],
        {"contributions": 778, "posters": 778 * 2},
    ),
    (
        "miniconf-icwsm2021",
        "papers.csv",
        ["--calendar", "main_calendar.json"],
        {"contributions": 104, "posters": 104, "rooms": 5},
    ),
]


@needs_samples
@pytest.mark.parametrize(
    "folder, name, options, expected", PROGRAMS, ids=[f"{p[0]}/{p[1]}" for p in PROGRAMS]
)
def test_a_real_program_imports_whole_and_again_changes_nothing(folder, name, options, expected):
    options = [SAMPLES / folder / o if o.endswith((".json", ".yml")) else o for o in options]
    run(SAMPLES / folder / name, "--conference", "real", *options)
    found = counts("real")
    assert {key: found[key] for key in expected} == expected
    assert "nothing changed" in run(SAMPLES / folder / name, "--conference", "real", *options)
    assert counts("real") == found


@needs_samples
def test_a_congress_keeps_its_offsets_its_nights_and_its_bilingual_and_wiki_people():
    path = SAMPLES / "c3voc-36c3" / "everything.schedule.json"
    output = run(path, "--conference", "c36")
    assert "its times carry +01:00, kept exactly (shown in Etc/GMT-1)" in output
    conference = Conference.objects.get(slug="c36")
    assert conference.timezone == "Etc/GMT-1"
    # Days begin after the last night's talk (04:xx) and before the first morning's.
    assert datetime.time(4) < conference.day_starts_at <= datetime.time(11)
    document = json.loads(path.read_text())
    days = document["schedule"]["conference"]["days"]
    late = [
        (day["date"], event)
        for day in days
        for events in day["rooms"].values()
        for event in events
        if event["date"][:10] != day["date"]
    ]
    assert len(late) == 46  # after midnight, listed under the day before
    for date, event in late:
        talk = Talk.objects.select_related("session").get(uid=event["guid"])
        assert talk.session.day.isoformat() == date
        assert talk.starts_at == datetime.datetime.fromisoformat(event["date"])  # instants kept
    # The wiki's 677 people all have id 0: that is no id, so they are not one person.
    assert Person.objects.filter(conference=conference, external_id="0").count() == 0
    assert Person.objects.filter(conference=conference).count() > 900


@needs_samples
def test_fosdem_wall_clock_times_are_read_in_the_zone_given():
    run(
        SAMPLES / "fosdem-2023" / "2023.xml",
        "--conference",
        "fosdem",
        "--timezone",
        "Europe/Brussels",
    )
    talk = Talk.objects.get(contribution__title="Welcome to FOSDEM 2023")
    brussels = zoneinfo.ZoneInfo("Europe/Brussels")
    assert talk.starts_at == datetime.datetime(2023, 2, 4, 9, 30, tzinfo=brussels)
    assert talk.ends_at - talk.starts_at == datetime.timedelta(minutes=25)
    assert any(link["kind"] == "slides" for link in talk.contribution.links)  # attachments kept
    assert Conference.objects.get(slug="fosdem").day_starts_at == datetime.time(9)  # day_change
    # Its busiest day (403 events in 32 rooms) as a visitor gets it: the grid (program/views/
    # grid.py), each event once, at most 150 KB compressed (about 33 KB measured).
    Conference.objects.filter(slug="fosdem").update(is_published=True)
    response = Client().get("/fosdem/2023-02-04/", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200 and response["Content-Encoding"] == "gzip"
    assert len(response.content) <= 150_000
    page = gzip.decompress(response.content)
    assert page.count(b'<article class="cell') == 403 and b'class="session-heading"' not in page


@needs_samples
def test_a_wafer_file_with_days_labelled_the_evening_before_keeps_the_conference_days():
    run(SAMPLES / "wafer-debconf23" / "debconf23.xml", "--conference", "debconf")
    conference = Conference.objects.get(slug="debconf")
    assert conference.timezone == "Asia/Kolkata"
    days = set(Session.objects.filter(conference=conference).values_list("day", flat=True))
    assert min(days) == datetime.date(2023, 9, 10) and conference.start_date == min(days)


def test_a_nested_paper_list_over_a_program_is_refused_until_its_removals_are_confirmed(tmp_path):
    """The data-loss bug: a Mini-Conf file in a shape not read emptied a program, exit 0."""
    run(DEMOCON, "--conference", "t")
    before = counts("t")
    nested = tmp_path / "papers.json"
    nested.write_text(
        json.dumps([{"id": "p1", "content": {"title": "A paper", "authors": ["Ann"]}}])
    )
    preview = run(nested, "--conference", "t", "--dry-run")
    assert "1 contribution added" in preview
    assert "This import would remove" in preview and "--allow-removals" in preview
    with pytest.raises(CommandError, match=r"nothing was imported\. This import would remove"):
        run(nested, "--conference", "t")
    assert counts("t") == before
    run(nested, "--conference", "t", "--allow-removals")
    assert counts("t") == {"talks": 0, "posters": 0, "contributions": 1, "rooms": before["rooms"]}
    paper = Contribution.objects.get(conference__slug="t")
    assert (paper.title, [p.name for p in paper.people.all()]) == ("A paper", ["Ann"])


def test_a_file_mostly_not_understood_is_refused_naming_the_first_records(tmp_path):
    papers = tmp_path / "papers.json"
    papers.write_text(json.dumps([{"paper": n} for n in range(5)] + [{"UID": "a", "title": "A"}]))
    with pytest.raises(CommandError) as error:
        run(papers, "--conference", "t")
    assert "5 of the file's 6 records could not be read" in str(error.value)
    assert "paper at line 1: no UID or no title" in str(error.value)
    assert not Conference.objects.filter(slug="t").exists()


def test_bilingual_events_keep_every_language_and_repeated_text_is_shown_once(tmp_path):
    document = json.loads(DEMOCON.read_text())
    event = next(iter(document["schedule"]["conference"]["days"][0]["rooms"].values()))[0]
    event["language"] = "de, en"
    event["abstract"] = "Line one.\r\nLine two."
    event["description"] = "Line one.\nLine  two.\n"
    event["persons"][0]["id"] = 0
    path = tmp_path / "schedule.json"
    path.write_text(json.dumps(document))
    run(path, "--conference", "t")
    contribution = Talk.objects.get(uid=event["guid"]).contribution
    assert contribution.language == "de, en"
    assert contribution.abstract == "Line one.\nLine two."


def test_a_zone_given_for_a_file_without_one_is_the_conferences(tmp_path):
    document = json.loads(DEMOCON.read_text())
    del document["schedule"]["conference"]["time_zone_name"]
    path = tmp_path / "schedule.json"
    path.write_text(json.dumps(document))
    run(path, "--conference", "t", "--timezone", "Europe/Berlin")
    assert Conference.objects.get(slug="t").timezone == "Europe/Berlin"
    with pytest.raises(CommandError, match="'Mars/Olympus' is not a time zone"):
        run(path, "--conference", "u", "--timezone", "Mars/Olympus")


@needs_samples
@pytest.mark.parametrize(
    "path, options",
    [
        ("pretalx-romhack-camp-2026/romhack_camp_2026.xml", []),
        ("wafer-debconf23/debconf23.xml", []),
        ("c3voc-jev22/everything.schedule.json", []),
        ("c3voc-36c3/everything.schedule.json", []),
        ("fosdem-2023/2023.xml", ["--timezone", "Europe/Brussels"]),
        ("miniconf-icwsm2021/papers.csv", ["--calendar", "miniconf-icwsm2021/main_calendar.json"]),
        # ACL 2020 round-trips too (1,812 posters: 20 s a run here, tried by hand, not kept).
    ],
)
@pytest.mark.parametrize("name", ["schedule.json", "schedule.xml"])
def test_a_real_program_exported_imported_and_exported_again_is_the_same_document(
    client, tmp_path, path, options, name
):
    options = [SAMPLES / o if o.endswith((".json", ".yml")) else o for o in options]
    run(SAMPLES / path, "--conference", "real", *options)
    Conference.objects.filter(slug="real").update(is_published=True)
    exported = client.get(f"/real/{name}").content
    Conference.objects.filter(slug="real").delete()
    again = tmp_path / name
    again.write_bytes(exported)
    run(again, "--conference", "real")
    Conference.objects.filter(slug="real").update(is_published=True)
    assert client.get(f"/real/{name}").content == exported


def test_json_nested_beyond_any_program_is_refused_with_a_message(tmp_path):
    deep = tmp_path / "papers.json"
    deep.write_bytes(b"[" * 100_000 + b"]" * 100_000)
    with pytest.raises(CommandError, match="nested too deeply"):
        run(deep, "--conference", "t")
    assert not Conference.objects.filter(slug="t").exists()


def test_a_pretalx_submission_held_twice_comes_back_as_one_contribution(client, tmp_path):
    document = json.loads(DEMOCON.read_text())
    days = document["schedule"]["conference"]["days"]
    first = next(iter(days[0]["rooms"].values()))[0]
    first["code"] = "G9JGWY"  # as current pretalx writes it (this older file has it in the url)
    repeat = {**first, "guid": "0b5e2a36-8d55-4c2e-9a57-2f0f1c0d9e11", "id": 99999}
    repeat["date"] = first["date"].replace(days[0]["date"], days[1]["date"])
    next(iter(days[1]["rooms"].values())).append(repeat)
    path = tmp_path / "schedule.json"
    path.write_text(json.dumps(document))
    run(path, "--conference", "t")
    Conference.objects.filter(slug="t").update(is_published=True)
    contribution = Contribution.objects.get(conference__slug="t", external_id=first["code"])
    assert contribution.talks.count() == 2
    exported = client.get("/t/schedule.json").content
    assert exported.count(f'"code":"{first["code"]}"'.encode()) == 2
    Conference.objects.filter(slug="t").delete()
    path.write_bytes(exported)
    run(path, "--conference", "t")
    assert (
        Contribution.objects.get(conference__slug="t", external_id=first["code"]).talks.count() == 2
    )
    Conference.objects.filter(slug="t").update(is_published=True)
    assert client.get("/t/schedule.json").content == exported


def test_a_file_with_more_events_than_any_conference_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr("program.importing.readers.frab.MAX_RECORDS", 35)
    with pytest.raises(CommandError, match="The file holds 36 events, more than 35: refused"):
        run(DEMOCON, "--conference", "t")
    assert not Conference.objects.filter(slug="t").exists()
