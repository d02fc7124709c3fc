"""The private feed's files: reminders (VALARM) and SEQUENCE in the ``.ics``, and the agenda
as a frab/c3voc schedule (``.xml``, ``.json``) valid against the c3voc schemas, with ETag and
Last-Modified."""

import datetime
import json

import icalendar
import jsonschema
import pytest
from django.utils.timezone import now
from lxml import etree

from accounts.models import User
from accounts.services import save_to_agenda
from program.models import Conference, Poster, Session
from tests.factories import UserFactory, pacific
from tests.program.test_frab import SCHEMAS, assert_valid

pytestmark = pytest.mark.django_db


def events(response) -> dict[str, icalendar.Event]:
    assert response.status_code == 200
    found = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    return {str(event["summary"]): event for event in found}


@pytest.fixture
def saver(agenda_program):
    ada = UserFactory(username="ada", reminder_minutes=10)
    save_to_agenda(user=ada, item=agenda_program["morning"])
    save_to_agenda(user=ada, item=agenda_program["overlapping"])
    return ada


def alarms(event) -> list[datetime.timedelta]:
    return [alarm["trigger"].dt for alarm in event.walk("VALARM")]


def test_each_saved_item_reminds_as_its_owner_chose(client, saver):
    found = events(client.get(f"/agenda/{saver.feed_token}.ics"))
    assert len(found) == 2
    for event in found.values():
        assert alarms(event) == [-datetime.timedelta(minutes=10)]
        [alarm] = event.walk("VALARM")
        assert alarm["action"] == "DISPLAY" and str(alarm["description"]) == str(event["summary"])


@pytest.mark.parametrize(
    "remind, expected", [("30", [-datetime.timedelta(minutes=30)]), ("off", []), ("0", [])]
)
def test_a_calendar_can_ask_for_another_reminder(client, saver, remind, expected):
    found = events(client.get(f"/agenda/{saver.feed_token}.ics?remind={remind}"))
    assert all(alarms(event) == expected for event in found.values())


def test_no_reminder_unless_asked(client, saver):
    User.objects.filter(pk=saver.pk).update(reminder_minutes=0)
    found = events(client.get(f"/agenda/{saver.feed_token}.ics"))
    assert all(alarms(event) == [] for event in found.values())


@pytest.mark.parametrize("remind", ["7", "banana", "-5", "", "10.0"])
def test_a_reminder_not_offered_is_a_clear_400(client, saver, remind):
    response = client.get(f"/agenda/{saver.feed_token}.ics?remind={remind}")
    assert response.status_code == 400
    assert "remind must be off, 5, 10, 15 or 30" in response.content.decode()


def test_each_reminder_has_its_own_etag(client, saver):
    url = f"/agenda/{saver.feed_token}.ics"
    plain, other = client.get(url), client.get(url + "?remind=5")
    assert plain["ETag"] != other["ETag"]
    assert (
        client.get(url + "?remind=5", headers={"if-none-match": other["ETag"]}).status_code == 304
    )


def test_a_moved_item_keeps_its_uid_and_moves_its_sequence(client, saver, agenda_program):
    conference = agenda_program["conference"]
    Conference.objects.filter(pk=conference.pk).update(
        program_changed_at=now() - datetime.timedelta(minutes=5)
    )
    url = f"/agenda/{saver.feed_token}.ics"
    before = events(client.get(url))["Poster: Session 9"]
    morning = agenda_program["morning"]
    morning.starts_at = pacific(9, 0)
    morning.save()
    after = events(client.get(url))["Poster: Session 9"]
    assert after["uid"] == before["uid"]
    assert after["sequence"] > before["sequence"]
    assert after["last-modified"].dt > before["last-modified"].dt
    assert after["dtstart"].dt == pacific(9, 0)


# The agenda as a frab/c3voc schedule


@pytest.fixture
def seed_saver(seed):
    """Grace, with one poster of Session 10 and the whole of Session 9 saved."""
    grace = UserFactory(username="grace")
    session_9 = Session.objects.get(conference=seed, title__startswith="Session 9")
    session_10 = Session.objects.get(conference=seed, title__startswith="Session 10")
    save_to_agenda(user=grace, item=session_9)
    save_to_agenda(user=grace, item=session_10.posters.order_by("position")[1])
    return grace


@pytest.fixture(scope="module")
def json_schema():
    schema = json.loads((SCHEMAS / "schema.json").read_text())
    return jsonschema.Draft6Validator(schema, format_checker=jsonschema.FormatChecker())


@pytest.fixture(scope="module")
def xml_schema():
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "schedule.xml.xsd")))


def schedule_events(document: dict) -> list[dict]:
    days = document["schedule"]["conference"]["days"]
    return [event for day in days for room in day["rooms"].values() for event in room]


def test_the_agenda_as_a_schedule_is_valid_and_holds_the_saved_items(
    client,
    seed_saver,
    json_schema,
    xml_schema,
):
    as_json = client.get(f"/agenda/{seed_saver.feed_token}.json")
    as_xml = client.get(f"/agenda/{seed_saver.feed_token}.xml")
    assert as_json.status_code == as_xml.status_code == 200
    assert as_json["Content-Type"] == "application/json; charset=utf-8"
    assert as_xml["Content-Type"] == "application/xml; charset=utf-8"
    document, root = json.loads(as_json.content), etree.fromstring(as_xml.content)
    assert_valid(document, root, json_schema, xml_schema)
    found = schedule_events(document)
    session_9 = Session.objects.get(title__startswith="Session 9")
    chosen = Session.objects.get(title__startswith="Session 10").posters.order_by("position")[1]
    expected = {str(poster.uid) for poster in session_9.posters.all()} | {str(chosen.uid)}
    assert {event["guid"] for event in found} == expected  # five posters of 9, one of 10
    assert len(root.findall(".//event")) == 6
    assert document["schedule"]["conference"]["title"] == "MLSys 2025: my agenda"
    assert root.findtext("url") == f"http://testserver/agenda/{seed_saver.feed_token}.xml"


def test_the_schedule_answers_304_to_its_validators(client, seed_saver):
    url = f"/agenda/{seed_saver.feed_token}.xml"
    first = client.get(url)
    assert first["ETag"] and first["Last-Modified"]
    assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304
    since = client.get(url, headers={"if-modified-since": first["Last-Modified"]})
    assert since.status_code == 304
    other = client.get(f"/agenda/{seed_saver.feed_token}.json")
    assert other["ETag"] != first["ETag"]


def test_a_new_save_changes_the_schedule(client, seed_saver):
    url = f"/agenda/{seed_saver.feed_token}.json"
    User.objects.filter(pk=seed_saver.pk).update(
        agenda_changed_at=now() - datetime.timedelta(minutes=1)
    )
    first = client.get(url)
    poster = Poster.objects.get(contribution__title__startswith="Photon")
    save_to_agenda(user=User.objects.get(pk=seed_saver.pk), item=poster)
    second = client.get(url, headers={"if-none-match": first["ETag"]})
    assert second.status_code == 200
    assert str(poster.uid) in {
        event["guid"] for event in schedule_events(json.loads(second.content))
    }


def test_a_warm_schedule_costs_two_queries(client, seed_saver, django_assert_num_queries):
    url = f"/agenda/{seed_saver.feed_token}.xml"
    client.get(url)
    with django_assert_num_queries(2):
        assert client.get(url).status_code == 200


def test_a_cold_schedule_costs_a_fixed_number_of_queries(
    client, seed_saver, django_assert_max_num_queries
):
    with django_assert_max_num_queries(16):
        assert client.get(f"/agenda/{seed_saver.feed_token}.json").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/agenda/not-a-token.xml",
        "/agenda/not-a-token.json",
        "/agenda/{token}.xml?conference=nope",
        "/agenda/{empty}.json",
    ],
)
def test_unknown_feeds_conferences_and_empty_agendas_are_404(client, seed_saver, path):
    empty = UserFactory(username="nobody")
    url = path.format(token=seed_saver.feed_token, empty=empty.feed_token)
    assert client.get(url).status_code == 404


def test_another_conference_is_asked_for_by_its_slug(client, seed_saver, seed):
    url = f"/agenda/{seed_saver.feed_token}.json?conference={seed.slug}"
    assert client.get(url).status_code == 200


def test_my_agenda_shows_the_three_addresses_with_qr_codes(client, seed_saver):
    client.force_login(seed_saver)
    page = client.get("/agenda/").content.decode()
    token = seed_saver.feed_token
    for address in (
        f"webcal://testserver/agenda/{token}.ics",
        f"http://testserver/agenda/{token}.xml",
        f"http://testserver/agenda/{token}.json",
    ):
        assert f'value="{address}"' in page
    assert page.count('class="qr-code"') == 3
    assert "EventFahrplan, Giggity, ConfClerk" in page


def test_a_shared_agenda_offers_its_own_three_files(client, seed_saver, json_schema, xml_schema):
    from accounts.services import share_agenda

    share_agenda(user=seed_saver, name="Grace")
    token = User.objects.get(pk=seed_saver.pk).share_token
    page = client.get(f"/agenda/shared/{token}/").content.decode()
    assert f'value="http://testserver/agenda/shared/{token}.xml"' in page
    assert seed_saver.feed_token not in page  # never the owner's private feed
    as_json = client.get(f"/agenda/shared/{token}.json")
    as_xml = client.get(f"/agenda/shared/{token}.xml")
    assert as_json.status_code == as_xml.status_code == 200
    assert as_xml["Referrer-Policy"] == "no-referrer"
    document = json.loads(as_json.content)
    assert_valid(document, etree.fromstring(as_xml.content), json_schema, xml_schema)
    assert len(schedule_events(document)) == 6
    again = client.get(f"/agenda/shared/{token}.xml", headers={"if-none-match": as_xml["ETag"]})
    assert again.status_code == 304
    assert client.get("/agenda/shared/nope.xml").status_code == 404
