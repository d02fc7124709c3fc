"""schedule.json and schedule.xml: valid against the c3voc schemas, and faithful to the program.

The schemas are the upstream files, copied into tests/data/c3voc/ with their licence; the tests
validate the seed, a generated program and an empty conference with them.
"""

import copy
import datetime
import json
import uuid
import zoneinfo
from pathlib import Path

import jsonschema
import pytest
import time_machine
from django.test import Client
from django.utils.http import parse_http_date
from lxml import etree

from devtools.devdata.generation import generate_program
from program.interchange import frab
from program.models import Poster, Session, SessionKind, Talk
from tests.factories import (
    ConferenceFactory,
    PersonFactory,
    RoomFactory,
    SessionFactory,
    make_poster,
    make_talk,
)

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).resolve().parent.parent / "data" / "c3voc"


@pytest.fixture(scope="module")
def json_schema():
    schema = json.loads((SCHEMAS / "schema.json").read_text())
    return jsonschema.Draft6Validator(schema, format_checker=jsonschema.FormatChecker())


@pytest.fixture(scope="module")
def xml_schema():
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "schedule.xml.xsd")))


def fetch(client, slug: str) -> tuple[dict, etree._Element]:
    as_json = client.get(f"/{slug}/schedule.json")
    as_xml = client.get(f"/{slug}/schedule.xml")
    assert as_json.status_code == as_xml.status_code == 200
    assert as_json["Content-Type"] == "application/json; charset=utf-8"
    assert as_xml["Content-Type"] == "application/xml; charset=utf-8"
    return json.loads(as_json.content), etree.fromstring(as_xml.content)


def assert_valid(document: dict, root, json_schema, xml_schema) -> None:
    errors = [f"{list(e.path)}: {e.message}" for e in json_schema.iter_errors(document)]
    assert errors == []
    # The c3voc XSD has no <day_change>: pentabarf's element, which ConfClerk reads, written on
    # purpose. Everything else is valid as the schema has it.
    checked = copy.deepcopy(root)
    (day_change,) = checked.xpath("/schedule/conference/day_change")
    day_change.getparent().remove(day_change)
    assert xml_schema.validate(checked), xml_schema.error_log


def all_events(document: dict) -> list[dict]:
    return [
        event
        for day in document["schedule"]["conference"]["days"]
        for room_events in day["rooms"].values()
        for event in room_events
    ]


def test_the_seed_is_valid_and_has_every_timed_item(client, seed, json_schema, xml_schema):
    document, root = fetch(client, "mlsys2025")
    assert_valid(document, root, json_schema, xml_schema)
    conference = document["schedule"]["conference"]
    assert conference["acronym"] == "mlsys2025"
    assert conference["time_zone_name"] == "America/Los_Angeles"
    assert [day["date"] for day in conference["days"]] == [
        "2025-05-12",
        "2025-05-13",
        "2025-05-14",
        "2025-05-15",
    ]
    events = all_events(document)
    timed_posters = Poster.objects.filter(
        session__conference=seed, session__starts_at__isnull=False
    )
    # Every timed poster is an event of type Poster; the guid is the poster's own uid.
    posters = [event for event in events if event["type"] == "Poster"]
    assert sorted(event["guid"] for event in posters) == sorted(
        str(uid) for uid in timed_posters.values_list("uid", flat=True)
    )
    assert len(posters) == 20
    # The untimed invited talk is not placed anywhere: the format has no "to be announced".
    untimed = Talk.objects.get(session__conference=seed, session__starts_at__isnull=True)
    assert str(untimed.uid) not in {event["guid"] for event in events}
    # The XML holds the same events as the JSON.
    assert sorted(root.xpath("//event/@guid")) == sorted(event["guid"] for event in events)
    first = root.xpath("//event")[0]
    assert first.findtext("type") == "Poster"
    assert first.find("persons/person") is not None


def test_an_empty_conference_is_valid(client, json_schema, xml_schema):
    ConferenceFactory(slug="empty", name="Empty 2026")
    document, root = fetch(client, "empty")
    assert_valid(document, root, json_schema, xml_schema)
    assert all_events(document) == []
    assert root.xpath("count(//day)") == 4
    assert root.findtext("conference/day_change") == "00:00:00"


def test_legible_leaves_out_only_what_xml_cannot_hold():
    assert frab.legible("a\x00b\x02c\x0bd\x0ce\x1ff\ud800g\udfffh\ufffei\uffffj") == "abcdefghij"
    kept = "tab\tCR\rLF\n é ∑ 😀 \x7f \x85"
    assert frab.legible(kept) == kept
    assert frab.legible({"k\x02": ["v\x0b", 3, None]}) == {"k": ["v", 3, None]}


def test_control_characters_never_reach_either_file(client, json_schema, xml_schema):
    """Real ACL Anthology abstracts hold U+0002: lxml would refuse the whole schedule.xml."""
    conference = ConferenceFactory(slug="acl", name="ACL\x02 2020")
    room = RoomFactory(conference=conference, name="Hall\x0b A")
    session = SessionFactory(
        conference=conference, kind=SessionKind.ORAL_SESSION, room=room, title="Orals"
    )
    speaker = PersonFactory(conference=conference, name="Ada\x02 Lovelace", bio="Bio\x0b.")
    talk = make_talk(
        session,
        speakers=[speaker],
        title="Parsing\x02 the\x0b web",
        abstract="We\x02 parse\x0b text:\n\ta second line, ∑ é.",
    )
    as_json, as_xml = client.get("/acl/schedule.json"), client.get("/acl/schedule.xml")
    for bad in (b"\x02", b"\x0b", b"\\u0002", b"\\u000b"):
        assert bad not in as_json.content and bad not in as_xml.content
    document = json.loads(as_json.content)
    root = etree.fromstring(as_xml.content, etree.XMLParser(recover=False))  # strict
    assert_valid(document, root, json_schema, xml_schema)
    (event,) = all_events(document)
    assert (event["title"], event["room"]) == ("Parsing the web", "Hall A")
    assert event["abstract"] == "We parse text:\n\ta second line, ∑ é."
    (person,) = event["persons"]
    assert (person["name"], person["biography"]) == ("Ada Lovelace", "Bio.")
    assert document["schedule"]["conference"]["title"] == "ACL 2020"
    (element,) = root.iter("event")
    assert element.get("guid") == str(talk.uid)
    assert element.findtext("title") == "Parsing the web"
    assert element.findtext("abstract") == event["abstract"]
    assert element.findtext("persons/person") == "Ada Lovelace"
    assert root.xpath("string(//room/@name)") == "Hall A"


def test_persons_carry_integer_ids_kept_from_imports_or_derived(client, json_schema, xml_schema):
    conference = ConferenceFactory(slug="ids", name="Ids 2025")
    kept = PersonFactory(conference=conference, name="Kept", external_id="115")
    orcid = PersonFactory(conference=conference, name="Ada", external_id="0000-0002-1825-0097")
    plain = PersonFactory(conference=conference, name="Plain")
    too_big = PersonFactory(conference=conference, name="Big", external_id=str(2**31))
    make_talk(
        SessionFactory(conference=conference, kind=SessionKind.ORAL_SESSION, position=1),
        speakers=[kept, orcid, plain],
    )
    make_poster(SessionFactory(conference=conference, position=2), authors=[orcid, too_big, kept])
    document, root = fetch(client, "ids")
    assert_valid(document, root, json_schema, xml_schema)
    persons = [person for event in all_events(document) for person in event["persons"]]
    assert len(persons) == 6
    ids = {person["name"]: person["id"] for person in persons}
    assert ids["Kept"] == 115  # a pretalx or frab id, kept from the imported file
    for person in (orcid, plain, too_big):  # derived from the guid
        guid = frab.person_guid(person, conference)
        assert ids[person.name] == uuid.UUID(guid).int % frab.ID_SPACE + 1
    assert len(set(ids.values())) == 4
    assert all(0 < number <= 2**31 - 1 for number in ids.values())
    # One id per person across the document, the same in both files.
    pairs = {(person["guid"], person["id"]) for person in persons}
    assert len(pairs) == 4
    assert {(p.get("guid"), int(p.get("id"))) for p in root.iter("person")} == pairs
    assert fetch(client, "ids")[0] == document  # the same program, the same ids


def test_person_ids_that_clash_are_told_apart_in_a_fixed_order():
    derived, first, second = (str(uuid.UUID(int=number)) for number in (1, 2, 3))
    # UUID(int=1) derives 2, the number the other two were given (an import's duplicate).
    people = {derived: "", second: "2", first: "2"}
    expected = {first: 2, second: 3, derived: 4}
    assert frab.person_ids(people) == expected
    assert frab.person_ids(dict(reversed(people.items()))) == expected
    last = str(uuid.UUID(int=frab.ID_SPACE - 1))  # derives ID_SPACE; the next free wraps to 1
    assert frab.person_ids({last: str(frab.ID_SPACE)}) == {last: frab.ID_SPACE}
    assert frab.person_ids({last: "", first: str(frab.ID_SPACE)}) == {first: frab.ID_SPACE, last: 1}


def test_a_generated_program_is_valid(client, json_schema, xml_schema):
    generate_program(slug="gen", posters=120, sessions=12, days=2, people=200, rooms=3, talks=8)
    document, root = fetch(client, "gen")
    assert_valid(document, root, json_schema, xml_schema)
    timed = (
        Poster.objects.filter(session__conference__slug="gen")
        .exclude(session__starts_at__isnull=True, starts_at__isnull=True)
        .count()
    )
    assert len([e for e in all_events(document) if e["type"] == "Poster"]) == timed > 0
    rooms = {room["name"] for room in document["schedule"]["conference"]["rooms"]}
    used = {name for day in document["schedule"]["conference"]["days"] for name in day["rooms"]}
    assert used <= rooms | {frab.NO_ROOM}
    assert used & rooms


@pytest.fixture
def congress(db):
    """Days start at 05:00 in Berlin: a 00:30 talk on the night of the first day, a session
    with a known end, one whose end is the next session's start, and one with neither."""
    zone = zoneinfo.ZoneInfo("Europe/Berlin")
    conference = ConferenceFactory(
        slug="congress",
        name="Congress 2025",
        timezone="Europe/Berlin",
        start_date=datetime.date(2025, 12, 27),
        end_date=datetime.date(2025, 12, 28),
        day_starts_at=datetime.time(5, 0),
    )
    saal = RoomFactory(conference=conference, name="Saal 1", capacity=3000, area="Level 0")

    def at(day, hour, minute=0):
        return datetime.datetime(2025, 12, day, hour, minute, tzinfo=zone)

    keynote = SessionFactory(
        conference=conference,
        kind=SessionKind.KEYNOTE,
        title="Opening keynote",
        day=datetime.date(2025, 12, 27),
        room=saal,
        starts_at=at(27, 10),
        ends_at=at(27, 11),
        position=1,
    )
    talks = SessionFactory(
        conference=conference,
        kind=SessionKind.ORAL_SESSION,
        title="Talks",
        day=datetime.date(2025, 12, 27),
        room=saal,
        starts_at=at(27, 11, 30),
        position=2,
    )
    first = make_talk(talks, speakers=["Zhiyuan Liu", "Zhiyuan Liu"], title="Same names")
    night = SessionFactory(
        conference=conference,
        kind=SessionKind.SOCIAL,
        title="Late night",
        day=datetime.date(2025, 12, 27),
        room=saal,
        starts_at=at(28, 0, 30),
        position=3,
    )
    return conference, keynote, talks, first, night


def test_days_honour_the_conference_day_start_and_events_their_zone(client, congress):
    conference, keynote, _, first, night = congress
    document, root = fetch(client, "congress")
    days = document["schedule"]["conference"]["days"]
    assert [(day["index"], day["day_start"], day["day_end"]) for day in days] == [
        (1, "2025-12-27T05:00:00+01:00", "2025-12-28T05:00:00+01:00"),
        (2, "2025-12-28T05:00:00+01:00", "2025-12-29T05:00:00+01:00"),
    ]
    # The 00:30 session belongs to the first day, as the printed program has it.
    by_guid = {
        event["guid"]: (day["index"], event)
        for day in days
        for event in all_events({"schedule": {"conference": {"days": [day]}}})
    }
    index, late = by_guid[str(night.uid)]
    assert index == 1
    assert (late["date"], late["start"]) == ("2025-12-28T00:30:00+01:00", "00:30")
    assert late["duration"] == "00:30"  # nothing known after it: the documented default
    assert late["type"] == "Social"
    # A known end; an end taken from the next session in the room.
    assert by_guid[str(keynote.uid)][1]["duration"] == "01:00"
    talk = by_guid[str(first.uid)][1]
    assert talk["end"] == "2025-12-28T00:30:00+01:00"
    assert talk["duration"] == "13:00"
    # Two people who share a name are two persons, in printed order, with distinct guids.
    assert [person["name"] for person in talk["persons"]] == ["Zhiyuan Liu", "Zhiyuan Liu"]
    assert len({person["guid"] for person in talk["persons"]}) == 2
    assert talk["room"] == "Saal 1"
    assert document["schedule"]["conference"]["rooms"] == [
        {
            "name": "Saal 1",
            "guid": frab.room_guid(conference, "Saal 1"),
            "description": "Level 0",
            "capacity": 3000,
        }
    ]
    assert root.xpath("string(//event[@guid=$g]/date)", g=str(night.uid)) == late["date"]
    # The XML says when a day begins, as pentabarf does (ConfClerk would assume 04:00); the JSON
    # schema has no place for it.
    assert root.findtext("conference/day_change") == "05:00:00"
    assert "day_change" not in document["schedule"]["conference"]


def test_guids_and_ids_stay_when_an_item_changes(client, congress):
    _, keynote, _, first, _ = congress
    before = {event["guid"]: event["id"] for event in all_events(fetch(client, "congress")[0])}
    Talk.objects.filter(pk=first.pk).update(position=5)
    keynote.title = "Opening keynote (moved)"
    keynote.starts_at = keynote.starts_at + datetime.timedelta(minutes=15)
    keynote.save()
    after = {event["guid"]: event["id"] for event in all_events(fetch(client, "congress")[0])}
    assert after == before
    assert uuid.UUID(str(keynote.uid)) and str(keynote.uid) in after
    assert len(set(after.values())) == len(after)  # ids unique across sessions and talks


def test_tracks_links_language_recording_and_person_ids(client, db, json_schema, xml_schema):
    conference = ConferenceFactory(slug="tracks", name="Tracks 2025")
    track = conference.tracks.create(name="Systems for ML", colour="#1F77B4")
    session = SessionFactory(conference=conference, track=track)
    ada = PersonFactory(
        conference=conference, name="Ada Lovelace", external_id="0000-0002-1825-0097"
    )
    poster = make_poster(
        session,
        authors=[ada],
        title="Analytical engines",
        links=[
            {"kind": "paper", "url": "https://arxiv.org/abs/1"},
            {"kind": "code", "url": "https://github.com/ada/engine"},
        ],
        external_url="https://mlsys.org/virtual/2025/poster/1",
    )
    poster.contribution.language = "en"
    poster.contribution.save()
    unrecorded = make_talk(
        SessionFactory(conference=conference, kind=SessionKind.KEYNOTE, position=2),
        speakers=[ada],
        presentation_type="keynote",
        do_not_record=True,
    )
    document, root = fetch(client, "tracks")
    assert_valid(document, root, json_schema, xml_schema)
    by_guid = {event["guid"]: event for event in all_events(document)}
    keynote = by_guid.pop(str(unrecorded.uid))
    assert (keynote["type"], keynote["do_not_record"]) == ("Keynote", True)
    assert root.xpath("string(//event[@guid=$g]/recording/optout)", g=str(unrecorded.uid)) == "true"
    document["schedule"]["conference"]["days"] = [
        {"rooms": {"": list(by_guid.values())}}
    ]  # the poster alone, below
    assert document["schedule"]["conference"]["tracks"] == [
        {"name": "Systems for ML", "slug": "systems-for-ml", "color": "#1f77b4"}
    ]
    (event,) = all_events(document)
    assert event["track"] == "Systems for ML"
    assert event["language"] == "en"
    assert event["links"] == [
        {"type": "paper", "url": "https://arxiv.org/abs/1", "title": "Paper"},
        {"type": "related", "url": "https://github.com/ada/engine", "title": "Code"},
        {
            "type": "web",
            "url": "https://mlsys.org/virtual/2025/poster/1",
            "title": "On the conference site",
        },
    ]
    # The permanent link, the same on any site holding the program, leads to the poster's page.
    assert event["url"] == f"http://testserver/tracks/items/{poster.uid}/"
    assert client.get(event["url"]).url == poster.get_absolute_url()
    (person,) = event["persons"]
    # The same external id gives the same guid at any conference.
    other = ConferenceFactory(slug="other", name="Other 2026")
    elsewhere = PersonFactory(conference=other, name="A. Lovelace", external_id=ada.external_id)
    assert person["guid"] == frab.person_guid(elsewhere, other)
    # Another conference's link is no way in; a talk's and a session's links lead to them.
    other.is_published = True
    other.save()
    assert client.get(f"/other/items/{poster.uid}/").status_code == 404
    assert client.get(f"/tracks/items/{unrecorded.uid}/").url == unrecorded.get_absolute_url()
    assert client.get(f"/tracks/items/{session.uid}/").url == session.get_absolute_url()
    assert (
        root.xpath("string(//event[type='Poster']/links/link[1]/@href)")
        == "https://arxiv.org/abs/1"
    )
    assert root.xpath("string(//conference/track/@color)") == "#1f77b4"
    assert root.xpath("string(//event[type='Poster']/language)") == "en"


def test_etag_and_304_and_drafts(organizer, seed):
    client, organizer_client = Client(), Client()
    organizer_client.force_login(organizer)
    first = client.get("/mlsys2025/schedule.xml")
    assert "public" in first["Cache-Control"]
    again = client.get("/mlsys2025/schedule.xml", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    Session.objects.filter(conference=seed).first().save()  # any edit moves the version on
    changed = client.get("/mlsys2025/schedule.xml", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    seed.is_published = False
    seed.save()
    assert client.get("/mlsys2025/schedule.json").status_code == 404
    draft = organizer_client.get("/mlsys2025/schedule.json")
    assert draft.status_code == 200
    assert "private" in draft["Cache-Control"]


@pytest.mark.parametrize("name", ["schedule.xml", "schedule.json"])
def test_last_modified_and_if_modified_since(name, seed, django_assert_num_queries):
    """Giggity and EventFahrplan ask with If-Modified-Since: a 304, also from the front cache,
    until the program changes."""
    client, path = Client(), f"/mlsys2025/{name}"
    first = client.get(path)
    modified = first["Last-Modified"]
    assert parse_http_date(modified) == int(seed.program_changed_at.timestamp())
    with django_assert_num_queries(1):  # the front cache's site version: the kept copy answers
        kept = client.get(path, headers={"if-modified-since": modified})
    assert kept.status_code == 304
    assert kept["Last-Modified"] == modified and kept["ETag"] == first["ETag"]
    with django_assert_num_queries(1):
        again = client.get(path)  # the kept copy, whole, says it too
    assert again.content == first.content and again["Last-Modified"] == modified
    with time_machine.travel(datetime.timedelta(seconds=2)):
        Session.objects.filter(conference=seed).first().save()  # any edit moves it on
    changed = client.get(path, headers={"if-modified-since": modified})
    assert changed.status_code == 200
    assert parse_http_date(changed["Last-Modified"]) > parse_http_date(modified)


def test_the_overview_links_both_files(client, seed):
    page = client.get("/mlsys2025/").content.decode()
    assert 'href="/mlsys2025/schedule.xml"' in page
    assert 'href="/mlsys2025/schedule.json"' in page
