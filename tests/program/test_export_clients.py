"""Our exports as the programs others wrote read them.

- c3voc-schedule-tools (``voc.schedule``), the c3voc's own library: reads schedule.json to merge
  and convert conferences' programs, and writes schedule.xml;
- schedule-convert: reads schedule.xml to write iCal, xCal and frab XML;
- down-frab-videos: reads schedule.json to describe each talk and fetch its recordings;
- vobject, a second iCalendar parser beside icalendar, for the calendar file;
- ConfClerk (src/sql/schedulexmlparser.cpp, read, not run): the keys it files things by.

Each reads the seed, a night program (days begin at 05:00), two real programs imported from
../shared (pretalx's RomHack Camp 2026, wafer's DebConf 23; skipped when that folder is absent),
and an attendee's agenda from the seed (its private feed's .json, .xml and .ics, with reminders).
What a parser still loses is asserted as such, so a fix on either side shows.
"""

import dataclasses
import datetime
import io
import json
import zoneinfo
from pathlib import Path

import down_frab_videos
import icalendar
import pytest
import vobject
from django.conf import settings
from django.core.management import call_command
from lxml import etree
from schedule_convert.exporters import exporters
from schedule_convert.importers import FrabXmlImporter, importers
from voc.schedule import Schedule

from program.models import Conference, SessionKind
from tests.factories import ConferenceFactory, RoomFactory, SessionFactory, make_talk

pytestmark = pytest.mark.django_db

SAMPLES = Path(settings.BASE_DIR).parent / "shared" / "data" / "samples"
IMPORTED = {
    "romhack": SAMPLES / "pretalx-romhack-camp-2026" / "romhack_camp_2026.xml",
    "debconf23": SAMPLES / "wafer-debconf23" / "debconf23.xml",
}
XSD = Path(__file__).resolve().parent.parent / "data" / "c3voc" / "schedule.xml.xsd"


@dataclasses.dataclass
class Exports:
    conference: Conference
    json: bytes
    xml: bytes
    ics: bytes
    title: str = ""

    def __post_init__(self):
        self.title = self.title or self.conference.name

    @property
    def document(self) -> dict:
        return json.loads(self.json)

    @property
    def events(self) -> list[dict]:
        days = self.document["schedule"]["conference"]["days"]
        return [event for day in days for room in day["rooms"].values() for event in room]

    def saved(self, folder: Path) -> str:
        path = folder / "schedule.json"
        path.write_bytes(self.json)
        return str(path)


def make_night() -> None:
    """Days begin at 05:00 in Berlin; a talk by two speakers at 00:30 of the first night."""
    zone = zoneinfo.ZoneInfo("Europe/Berlin")
    conference = ConferenceFactory(
        slug="night",
        name="Night 2025",
        timezone="Europe/Berlin",
        start_date=datetime.date(2025, 12, 27),
        end_date=datetime.date(2025, 12, 28),
        day_starts_at=datetime.time(5, 0),
    )
    saal = RoomFactory(conference=conference, name="Saal 1")
    for position, hour in enumerate((22, 24 + 0.5), start=1):
        starts = datetime.datetime(2025, 12, 27, tzinfo=zone) + datetime.timedelta(hours=hour)
        session = SessionFactory(
            conference=conference,
            kind=SessionKind.ORAL_SESSION,
            day=datetime.date(2025, 12, 27),
            room=saal,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=1),
            position=position,
        )
        make_talk(session, speakers=["Ada Lovelace", f"Speaker {position}"])


def import_sample(slug: str) -> None:
    path = IMPORTED[slug]
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared sample programs are not on this machine")
    call_command("import_program", str(path), "--conference", slug, stdout=io.StringIO())
    conference = Conference.objects.get(slug=slug)
    conference.is_published = True  # an import makes a draft
    conference.save()


def agenda_exports(client) -> Exports:
    """Grace's agenda from the seed: Session 9 whole, one poster of Session 10, reminders on."""
    from accounts.services import save_to_agenda
    from program.models import Session
    from tests.factories import UserFactory

    grace = UserFactory(username="grace", reminder_minutes=10)
    save_to_agenda(user=grace, item=Session.objects.get(title__startswith="Session 9"))
    poster = Session.objects.get(title__startswith="Session 10").posters.order_by("position")[1]
    save_to_agenda(user=grace, item=poster)
    files = [client.get(f"/agenda/{grace.feed_token}.{ext}") for ext in ("json", "xml", "ics")]
    assert [response.status_code for response in files] == [200, 200, 200]
    conference = Conference.objects.get(slug="mlsys2025")
    contents = (response.content for response in files)
    return Exports(conference, *contents, title="MLSys 2025: my agenda")


@pytest.fixture(params=["mlsys2025", "night", "romhack", "debconf23", "agenda"])
def exports(request, client) -> Exports:
    slug = request.param
    if slug == "agenda":
        request.getfixturevalue("seed")
        return agenda_exports(client)
    if slug == "mlsys2025":
        request.getfixturevalue("seed")
    else:
        request.getfixturevalue("db")
        if slug == "night":
            make_night()
        else:
            import_sample(slug)
    files = [client.get(f"/{slug}/schedule.{ext}") for ext in ("json", "xml", "ics")]
    assert [response.status_code for response in files] == [200, 200, 200]
    return Exports(Conference.objects.get(slug=slug), *(response.content for response in files))


def before_the_day_begins(event: dict, conference: Conference) -> bool:
    return datetime.datetime.fromisoformat(event["date"]).time() < conference.day_starts_at


def test_c3voc_schedule_tools_read_the_json_and_write_a_valid_xml(exports, tmp_path):
    schedule = Schedule.from_file(exports.saved(tmp_path))
    document = exports.document["schedule"]
    assert schedule.version() == document["version"]
    assert schedule.conference("acronym") == document["conference"]["acronym"]
    assert schedule.rooms() == [room["name"] for room in document["conference"]["rooms"]]
    ours = {event["guid"]: event for event in exports.events}
    assert schedule.stats.events_count == len(ours)
    read = {event["guid"]: event for event in schedule.foreach_event(lambda event: event)}
    assert read.keys() == ours.keys()
    for guid, event in ours.items():
        theirs = read[guid]
        assert theirs.start == datetime.datetime.fromisoformat(event["date"])
        assert (theirs["id"], theirs["title"], theirs["room"]) == (
            event["id"],
            event["title"],
            event["room"],
        )
        assert theirs.persons() == [person["name"] for person in event["persons"]]
    # Its schedule.xml, made from our JSON, is valid but for what voc copies from the JSON
    # (where the schema has it) into the XML (where the XSD has not): events' <end>, the
    # conference's <description>.
    root = schedule.xml(method="xml")
    for extra in root.xpath("/schedule/conference/description | //event/end"):
        extra.getparent().remove(extra)
    xsd = etree.XMLSchema(etree.parse(str(XSD)))
    assert xsd.validate(root), xsd.error_log
    people = {(p["guid"], str(p["id"])) for e in ours.values() for p in e["persons"]}
    assert {(p.get("guid"), p.get("id")) for p in root.iter("person")} == people


def test_schedule_convert_reads_the_xml_and_writes_it_as_ical(exports):
    # As its command does: the first importer that knows the file by its first 5,000 characters.
    head = exports.xml.decode()[:5000]
    importer = next(importer for importer in importers if importer.check(head))
    assert isinstance(importer, FrabXmlImporter)
    conference = importer.parse(io.BytesIO(exports.xml))
    conference.prepare()
    assert conference.title == exports.title
    ours = {event["guid"]: event for event in exports.events}
    read = {str(event.guid): event for event in conference.events}
    assert read.keys() == ours.keys()
    early = {}
    for guid, event in ours.items():
        theirs = read[guid]
        assert theirs.id == str(event["id"])
        # Speakers are told apart by their ids (without, every speaker was the first one read).
        speakers = [(speaker.id, speaker.name) for speaker in theirs.speakers]
        assert speakers == [(str(p["id"]), p["name"]) for p in event["persons"]]
        hours, minutes = event["duration"].split(":")
        assert theirs.duration == int(hours) * 60 + int(minutes)
        starts = datetime.datetime.fromisoformat(event["date"])
        if theirs.start != starts:
            early[guid] = starts - theirs.start
    # What it loses: it reads <start> on its <day>'s date and not <day_change>, so an event
    # after midnight, before its conference day begins, is a day early (our <date> is right).
    night = {g for g, e in ours.items() if before_the_day_begins(e, exports.conference)}
    assert early == {guid: datetime.timedelta(days=1) for guid in night}
    assert night or exports.conference.slug != "night"
    for name in ("ical", "xcal", "xml"):
        written = io.StringIO()
        exporters[name].write(written, conference)
        if name == "ical":
            assert len(icalendar.Calendar.from_ical(written.getvalue()).walk("VEVENT")) == len(ours)


def test_down_frab_videos_reads_the_json_and_describes_each_talk(exports, tmp_path):
    document = exports.document["schedule"]
    conference = document["conference"]
    fahrplan = down_frab_videos.fahrplan_data(conference["url"], exports.saved(tmp_path), "")
    assert fahrplan.meta == {
        "version": document["version"],
        "conference": conference["title"],
        "start": conference["start"],
        "end": conference["end"],
    }
    ours = exports.events
    # It files talks by id: unique ids, so none hides another.
    assert sorted(fahrplan.lectures) == sorted(event["id"] for event in ours)
    assert sorted(fahrplan.all_talkids()) == sorted(event["slug"] for event in ours)
    downloader = down_frab_videos.lecture_downloader(fahrplan, [], str(tmp_path / "talks"))
    for event in ours:
        text = downloader.info_text(event["id"])
        assert text.startswith(event["title"] + "\n") and event["url"] in text
        assert all(link["url"] in text for link in event["links"])
    # Fetching a talk by id (no media formats asked: nothing is downloaded) writes its text.
    first = ours[0]
    downloader.download(first["id"])
    written = tmp_path / "talks" / first["slug"] / f"info_{first['id']}.txt"
    assert written.read_text() == downloader.info_text(first["id"])
    # By slug it also compares each talk's pretalx "code": ours carry the codes an imported
    # pretalx program gave (then it works), a program made here has none.
    if all("code" in event for event in ours):
        downloader.download(ours[-1]["slug"])  # found by its slug and code, no KeyError
    elif len(ours) > 1:
        with pytest.raises(KeyError, match="code"):
            downloader.download(ours[-1]["slug"])


def test_the_keys_confclerk_files_things_by(exports):
    """ConfClerk keeps events by their integer id, people by theirs (one name each), rooms by
    name, and reads the conference's <day_change>; times as hh:mm."""
    root = etree.fromstring(exports.xml, etree.XMLParser(recover=False))
    head = root.find("conference")
    for tag in ("title", "start", "end", "days", "timeslot_duration"):
        assert head.findtext(tag)
    day_change = head.findtext("day_change")
    assert day_change == f"{exports.conference.day_starts_at:%H:%M:%S}"
    datetime.time.fromisoformat(day_change[:5])  # its hh:mm
    event_ids, names = [], {}
    for day in root.iter("day"):
        datetime.date.fromisoformat(day.get("date"))
        rooms = [room.get("name") for room in day.findall("room")]
        assert all(rooms) and len(set(rooms)) == len(rooms)
        for room in day.findall("room"):
            for event in room.findall("event"):
                event_ids.append(int(event.get("id")))
                assert event.findtext("room") == room.get("name")
                for tag in ("start", "duration"):
                    hours, minutes = event.findtext(tag).split(":")
                    assert 0 <= int(minutes) < 60 and int(hours) >= 0
                for person in event.findall("persons/person"):
                    names.setdefault(int(person.get("id")), set()).add(person.text)
    assert all(0 < number < 2**31 for number in [*event_ids, *names])
    assert len(set(event_ids)) == len(event_ids) == len(exports.events)
    assert all(len(each) == 1 for each in names.values())  # one name per person id
    people = {p["guid"]: p["id"] for event in exports.events for p in event["persons"]}
    assert len(set(people.values())) == len(people) == len(names)  # one id per person


def test_vobject_reads_the_calendar_file(exports):
    calendar = vobject.readOne(exports.ics.decode())
    ours = icalendar.Calendar.from_ical(exports.ics).walk("VEVENT")
    events = calendar.contents.get("vevent", [])
    assert len(events) == len(ours) > 0
    assert len({event.uid.value for event in events}) == len(events)
    for event, mine in zip(events, ours, strict=True):
        assert event.summary.value == str(mine["summary"])
        # The same moments as icalendar reads (the seed and RomHack Camp are in summer time).
        starts, ends = event.dtstart.value, event.dtend.value
        assert starts == mine["dtstart"].dt and ends == mine["dtend"].dt and starts < ends
