"""A saved item that leaves the program (deleted in bulk, in the admin, by a re-import) stays in
its owners' agendas as "Removed from the program" until they dismiss it: the page, the API, the
feeds, and what it costs in queries."""

import datetime

import icalendar
import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.timezone import now

from accounts.models import AgendaItem, User
from accounts.services import save_to_agenda
from program.models import Contribution, Poster, Session
from tests.factories import UserFactory, make_poster, make_talk, pacific

pytestmark = pytest.mark.django_db


def row(user, **item) -> AgendaItem:
    return AgendaItem.objects.get(user=user, **item)


def feed_events(client, user) -> dict[str, icalendar.Event]:
    response = client.get(f"/agenda/{user.feed_token}.ics")
    assert response.status_code == 200
    return {str(e["uid"]): e for e in icalendar.Calendar.from_ical(response.content).walk("VEVENT")}


def earlier(user, conference) -> None:
    """Move the last change of the agenda and of the program a minute back, so a change made
    now is seen by Last-Modified (whole seconds)."""
    minute_ago = now() - datetime.timedelta(minutes=1)
    User.objects.filter(pk=user.pk).update(agenda_changed_at=minute_ago)
    type(conference).objects.filter(pk=conference.pk).update(program_changed_at=minute_ago)


# The row: kept, emptied, marked


def test_a_bulk_delete_keeps_the_rows_marked_removed_with_title_time_and_room(
    attendee, agenda_program
):
    poster = agenda_program["poster"]
    saved = save_to_agenda(user=attendee, item=poster)[0]
    other = UserFactory(username="grace")
    save_to_agenda(user=other, item=poster)
    before = User.objects.get(pk=attendee.pk).agenda_changed_at
    poster.contribution.title = "Subsets, retitled"
    poster.contribution.save()

    Poster.objects.filter(pk=poster.pk).delete()

    kept = AgendaItem.objects.get(pk=saved.pk)
    assert kept.item is None and kept.item_id is None and kept.is_removed
    assert (kept.status, kept.item_type, kept.title) == ("removed", "poster", "Subsets, retitled")
    assert kept.conference == agenda_program["conference"]
    assert kept.starts_at == pacific(8, 30) and kept.ends_at == pacific(10, 0)  # as saved
    assert kept.room is None and kept.room_name == "Mission City Ballroom"
    assert kept.changed_since_saved is False
    assert str(kept) == "ada: Subsets, retitled"
    assert User.objects.get(pk=attendee.pk).agenda_changed_at > before
    assert AgendaItem.objects.removed().filter(poster=None).count() == 2


def test_a_session_deleted_in_the_admin_marks_its_posters_and_talks_too(
    attendee, agenda_program, organizer
):
    morning = agenda_program["morning"]
    talk = make_talk(morning, speakers=["Tianqi Chen"], title="A talk in the morning")
    for item in (morning, agenda_program["poster"], talk, agenda_program["overlapping"]):
        save_to_agenda(user=attendee, item=item)
    admin = Client()
    admin.force_login(organizer)
    response = admin.post(f"/admin/program/session/{morning.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Session.objects.filter(pk=morning.pk).exists()

    removed = AgendaItem.objects.filter(user=attendee).removed()
    assert sorted((r.item_type, r.title) for r in removed) == [
        ("poster", "Subsets"),
        ("session", "Poster: Session 9"),
        ("talk", "A talk in the morning"),
    ]
    assert row(attendee, session=agenda_program["overlapping"]).status == "scheduled"


def test_deleting_a_contribution_marks_its_posters(attendee, agenda_program):
    poster = agenda_program["poster"]
    save_to_agenda(user=attendee, item=poster)
    poster.contribution.delete()
    assert AgendaItem.objects.get(user=attendee).status == "removed"


def test_one_queryset_deleted_twice_marks_its_rows_both_times(attendee, agenda_program):
    morning = agenda_program["morning"]
    posters = Poster.objects.filter(session=morning).annotate(n=Count("contribution"))
    save_to_agenda(user=attendee, item=agenda_program["poster"])
    posters.delete()
    save_to_agenda(user=attendee, item=make_poster(morning, authors=["B"], title="Newer"))
    posters.delete()
    assert sorted(r.title for r in AgendaItem.objects.removed()) == ["Newer", "Subsets"]


def test_a_row_with_no_item_must_say_when_it_was_removed(attendee, agenda_program):
    saved = save_to_agenda(user=attendee, item=agenda_program["poster"])[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaItem.objects.filter(pk=saved.pk).update(poster=None)


def test_deleting_the_conference_deletes_its_rows(attendee, agenda_program):
    save_to_agenda(user=attendee, item=agenda_program["poster"])
    agenda_program["conference"].delete()
    assert not AgendaItem.objects.exists()


def test_marking_takes_three_queries_per_delete_however_many_posters_and_saves():
    """200 posters deleted in one queryset delete, 50 of them saved: the removal adds the same
    three queries as with 5 saves (find the rows, mark them, touch their owners)."""
    session = make_poster(authors=["A"]).session
    users = [UserFactory(username=f"u{n}") for n in range(10)]

    def posters(count):
        contributions = Contribution.objects.bulk_create(
            Contribution(conference=session.conference, title=f"Paper {n}") for n in range(count)
        )
        made = Poster.objects.bulk_create(
            Poster(session=session, contribution=c, position=n) for n, c in enumerate(contributions)
        )
        return [p.pk for p in made]

    def delete_counting(pks):
        with CaptureQueriesContext(connection) as queries:
            Poster.objects.filter(pk__in=pks).delete()
        marking = [
            q["sql"]
            for q in queries.captured_queries
            if "accounts_user" in q["sql"] or "removed_at" in q["sql"]
        ]
        return len(queries), len(marking)

    counts = {}
    for saves in (0, 5, 50):
        pks = posters(200)
        for n, pk in enumerate(pks[:saves]):
            save_to_agenda(user=users[n % 10], item=Poster.objects.get(pk=pk))
        counts[saves] = delete_counting(pks)
        assert AgendaItem.objects.removed().count() == sum(s for s in counts)
    print("queries (all, marking) for 200 posters with 0, 5, 50 saves:", counts)
    assert counts[5] == counts[50]
    assert counts[50][1] == 3
    assert counts[50][0] == counts[0][0] + 2  # no saves: the rows are looked for, none found


# My agenda


def test_my_agenda_lists_a_removed_item_in_its_day_without_clashes_and_dismisses_it(
    attendee_client, attendee, agenda_program
):
    for item in ("morning", "overlapping"):
        save_to_agenda(user=attendee, item=agenda_program[item])
    page = attendee_client.get("/agenda/").content.decode()
    assert page.count("<strong>Clash</strong>") == 2
    agenda_program["overlapping"].delete()

    page = attendee_client.get("/agenda/").content.decode()
    assert "<strong>Clash</strong>" not in page
    removed = row(attendee, removed_at__isnull=False)
    at = page.index(f'id="agenda-{removed.pk}"')
    entry = page[page.rindex("<li", 0, at) :].split("</li>")[0]
    assert "is-removed" in entry and "<s>Oral Session: Orals</s>" in entry
    assert "<strong>Removed from the program</strong>" in entry
    assert "Thu 15 May 9:30 a.m. – 11:00 a.m." in entry  # the time it was saved with
    assert page.index("Thursday 15 May 2025") < page.index(f'id="agenda-{removed.pk}"')
    assert f'action="/agenda/{removed.pk}/remove/"' in entry and "Dismiss" in entry

    response = attendee_client.post(f"/agenda/{removed.pk}/remove/")
    assert response.status_code == 302
    assert not AgendaItem.objects.filter(pk=removed.pk).exists()
    assert "Removed from the program" not in attendee_client.get("/agenda/").content.decode()


def test_dismissing_needs_a_post_and_another_users_row_is_a_404(
    attendee_client, attendee, agenda_program
):
    grace = UserFactory(username="grace")
    save_to_agenda(user=grace, item=agenda_program["poster"])
    agenda_program["poster"].delete()
    theirs = row(grace, removed_at__isnull=False)
    assert attendee_client.get(f"/agenda/{theirs.pk}/remove/").status_code == 405
    assert attendee_client.post(f"/agenda/{theirs.pk}/remove/").status_code == 404
    assert AgendaItem.objects.filter(pk=theirs.pk).exists()


def test_my_agenda_runs_the_same_queries_with_removed_items(
    attendee_client, attendee, agenda_program
):
    save_to_agenda(user=attendee, item=agenda_program["morning"])
    with CaptureQueriesContext(connection) as before:
        attendee_client.get("/agenda/")
    for number in range(5):
        poster = make_poster(agenda_program["morning"], authors=[f"P{number}"])
        save_to_agenda(user=attendee, item=poster)
        poster.delete()
    with CaptureQueriesContext(connection) as after:
        page = attendee_client.get("/agenda/").content.decode()
    assert page.count("<strong>Removed from the program</strong>") == 5
    assert len(after) == len(before)


# The shared agenda


def test_others_do_not_see_removed_items_and_cannot_copy_them(client, agenda_program):
    grace = UserFactory(username="grace")
    for item in ("morning", "poster"):
        save_to_agenda(user=grace, item=agenda_program[item])
    agenda_program["poster"].delete()
    from accounts.services import copy_shared_agenda, share_agenda

    token = share_agenda(user=grace)
    page = client.get(f"/agenda/shared/{token}/").content.decode()
    assert "Subsets" not in page and "1 item;" in page
    ada = UserFactory(username="ada")
    assert copy_shared_agenda(user=ada, owner=grace) == 1
    assert [r.item_type for r in AgendaItem.objects.filter(user=ada)] == ["session"]


# The API


def test_the_api_says_removed_with_the_saved_title_kind_and_time_and_delete_dismisses(
    attendee_client, attendee, agenda_program
):
    for item in ("poster", "overlapping"):
        save_to_agenda(user=attendee, item=agenda_program[item])
    agenda_program["overlapping"].delete()
    results = attendee_client.get("/api/v1/agenda/").json()["results"]
    by_status = {item["status"]: item for item in results}
    assert set(by_status) == {"scheduled", "removed"}
    removed = by_status["removed"]
    assert removed["item_type"] == "session" and removed["item_id"] is None
    assert removed["title"] == "Oral Session: Orals"
    assert removed["starts_at"] == "2025-05-15T09:30:00-07:00"
    assert removed["ends_at"] == "2025-05-15T11:00:00-07:00"
    assert removed["room"] is None and removed["url"] is None
    assert removed["clashes_with"] == [] and removed["changed_since_saved"] is False
    assert removed["removed_at"] is not None
    assert by_status["scheduled"]["removed_at"] is None
    assert by_status["scheduled"]["clashes_with"] == []
    assert attendee_client.get(f"/api/v1/agenda/{removed['id']}/").json() == removed

    grace = Client()
    grace.force_login(UserFactory(username="grace"))
    assert grace.delete(f"/api/v1/agenda/{removed['id']}/").status_code == 404
    assert attendee_client.delete(f"/api/v1/agenda/{removed['id']}/").status_code == 204
    assert attendee_client.get("/api/v1/agenda/").json()["count"] == 1


def test_the_schema_documents_the_status(client):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()["components"]["schemas"]
    item = schema["AgendaItem"]["properties"]
    assert schema[item["status"]["allOf"][0]["$ref"].split("/")[-1]]["enum"] == [
        "scheduled",
        "removed",
    ]
    assert item["item_id"]["nullable"] and item["url"]["nullable"]
    assert "status" not in schema["AgendaItemRequest"]["properties"]


# The feeds


def test_the_feed_keeps_a_removed_item_cancelled_with_its_uid_until_dismissed(
    client, attendee, agenda_program
):
    poster = agenda_program["poster"]
    save_to_agenda(user=attendee, item=poster)
    save_to_agenda(user=attendee, item=agenda_program["overlapping"])
    before = feed_events(client, attendee)
    uid = f"poster-{poster.uid}@conference-program"
    assert uid in before and "status" not in before[uid]

    Poster.objects.filter(pk=poster.pk).delete()
    after = feed_events(client, attendee)
    assert set(after) == set(before)
    event = after[uid]
    assert event["status"] == "CANCELLED"
    assert str(event["summary"]) == "Poster: Subsets"
    assert event["dtstart"].dt == pacific(8, 30) and event["dtend"].dt == pacific(10, 0)
    assert "Mission City Ballroom" in str(event["location"])
    assert event["sequence"] >= before[uid]["sequence"]

    removed = row(attendee, removed_at__isnull=False)
    client.force_login(attendee)
    client.post(f"/agenda/{removed.pk}/remove/")
    assert uid not in feed_events(client, attendee)


def test_the_feeds_answer_304_to_if_modified_since_until_an_item_is_removed(
    client, attendee, agenda_program
):
    from accounts.services import share_agenda

    save_to_agenda(user=attendee, item=agenda_program["poster"])
    token = share_agenda(user=attendee)
    earlier(attendee, agenda_program["conference"])
    for url in (f"/agenda/{attendee.feed_token}.ics", f"/agenda/shared/{token}.ics"):
        first = client.get(url)
        since = first["Last-Modified"]
        assert client.get(url, headers={"if-modified-since": since}).status_code == 304
        assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304

    agenda_program["poster"].delete()
    for url in (f"/agenda/{attendee.feed_token}.ics", f"/agenda/shared/{token}.ics"):
        again = client.get(url, headers={"if-modified-since": since})
        assert again.status_code == 200
        events = icalendar.Calendar.from_ical(again.content).walk("VEVENT")
        assert [e["status"] for e in events] == ["CANCELLED"]


# A re-import


def test_a_reimport_without_an_item_leaves_it_removed_in_agendas(attendee_client, attendee):
    from program.importing import source
    from program.importing.applying import import_program
    from program.models import Conference, Talk

    nine = datetime.datetime(2026, 6, 4, 9, 0, tzinfo=datetime.UTC)

    def program(*, with_talk: bool) -> source.Program:
        talk = source.Slot("t1", "talk", "c1", "s1", 1, starts_at=nine)
        return source.Program(
            name="Imported 2026",
            start_date=nine.date(),
            end_date=nine.date(),
            sessions=[
                source.Session("s1", "Morning talks", "oral_session", nine, room="Hall A"),
                source.Session("s2", "Lunch", "break", nine.replace(hour=12)),
            ],
            contributions=[
                source.Contribution("c1", "A talk that goes"),
                source.Contribution("c2", "A talk that stays"),
            ],
            slots=[*([talk] if with_talk else []), source.Slot("t2", "talk", "c2", "s1", 2)],
        )

    import_program(program(with_talk=True), slug="imported2026")
    Conference.objects.filter(slug="imported2026").update(is_published=True)
    going = Talk.objects.get(contribution__title="A talk that goes")
    save_to_agenda(user=attendee, item=going)
    save_to_agenda(user=attendee, item=Talk.objects.get(contribution__title="A talk that stays"))

    report = import_program(program(with_talk=False), slug="imported2026", allow_removals=True)
    assert report.count("remove", "talk") == 1
    removed = row(attendee, removed_at__isnull=False)
    assert (removed.item_type, removed.title, removed.room_name) == (
        "talk",
        "A talk that goes",
        "Hall A",
    )
    assert removed.item_uid == going.uid
    page = attendee_client.get("/agenda/").content.decode()
    assert "<s>A talk that goes</s>" in page and "A talk that stays" in page
    # The next import brings it back (its uid again): the row is the saved item once more.
    import_program(program(with_talk=True), slug="imported2026")
    back = AgendaItem.objects.get(pk=removed.pk)
    assert back.removed_at is None and back.talk.uid == going.uid
    assert "<s>A talk that goes</s>" not in attendee_client.get("/agenda/").content.decode()
