"""The organizers' admin: what an organizer can open and save, what others cannot, and cost."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from program.models import (
    Authorship,
    Person,
    Poster,
    Room,
    Session,
    SessionKind,
    Speakership,
    Talk,
)
from tests.factories import (
    PACIFIC,
    ConferenceFactory,
    PersonFactory,
    RoomFactory,
    SessionFactory,
    make_poster,
)

pytestmark = pytest.mark.django_db

PROGRAM_MODELS = ["conference", "room", "person", "session", "poster", "talk"]


def form_data(response, zone=PACIFIC) -> dict:
    """The POST a browser would send for an admin change form, as it was rendered.

    Times are read in ``zone``, the conference's, as the admin shows them.
    """
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        forms += inline.formset.forms
    with timezone.override(zone):
        for form in forms:
            for name in form.fields:
                value, key = form[name].value(), form.add_prefix(name)
                if value is None or value is False:
                    continue
                if value is True:
                    data[key] = "on"
                elif isinstance(value, datetime.datetime):
                    data[f"{key}_0"] = value.strftime("%Y-%m-%d")
                    data[f"{key}_1"] = value.strftime("%H:%M:%S")
                else:
                    data[key] = value
    return data


def change_url(obj) -> str:
    return f"/admin/program/{obj._meta.model_name}/{obj.pk}/change/"


def program_urls(program) -> list[str]:
    objects = [
        program["conference"],
        program["room"],
        program["poster"].authors.first(),
        program["session"],
        program["poster"],
        program["talk"],
    ]
    return [
        url
        for obj in objects
        for url in (
            f"/admin/program/{obj._meta.model_name}/",
            f"/admin/program/{obj._meta.model_name}/add/",
            change_url(obj),
        )
    ]


def save(client, obj, data) -> None:
    """Posts the change form and fails with the form's errors when it does not save."""
    response = client.post(change_url(obj), data)
    assert response.status_code == 302, response.context and [
        response.context["errors"],
        [formset.errors for formset in response.context["inline_admin_formsets"]],
    ]


def refused(client, url, data) -> str:
    """Posts a form that must come back with errors (never a 500) and returns the page."""
    response = client.post(url, data)
    assert response.status_code == 200
    return response.content.decode()


def names_in_order(item) -> list[str]:
    links = item.authorships if isinstance(item, Poster) else item.speakerships
    return [link.person.name for link in links.order_by("position")]


# Who gets in


def test_organizer_opens_every_program_changelist_add_form_and_change_form(
    organizer_client, admin_program
):
    for url in program_urls(admin_program):
        assert organizer_client.get(url).status_code == 200, url


def test_organizer_cannot_reach_users_or_groups(organizer_client):
    assert organizer_client.get("/admin/accounts/user/").status_code == 403
    assert organizer_client.get("/admin/auth/group/").status_code == 403


@pytest.mark.parametrize("visitor", ["anonymous", "attendee"])
def test_visitors_and_attendees_are_sent_to_the_admin_login(
    client, attendee, admin_program, visitor
):
    if visitor == "attendee":
        client.force_login(attendee)
    for url in program_urls(admin_program):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/"), url


# Edits


def test_organizer_edits_a_poster_title(organizer_client, admin_program):
    poster = admin_program["poster"]
    data = form_data(organizer_client.get(change_url(poster)))
    save(
        organizer_client,
        poster,
        {**data, "title": "On Distributed Larger-Than-Memory Subset Selection"},
    )
    poster.refresh_from_db()
    assert poster.title == "On Distributed Larger-Than-Memory Subset Selection"


@pytest.mark.parametrize(("item", "prefix"), [("poster", "authorships"), ("talk", "speakerships")])
def test_organizer_swaps_the_first_two_people_by_their_positions(
    organizer_client, admin_program, item, prefix
):
    item = admin_program[item]
    before = names_in_order(item)
    data = form_data(organizer_client.get(change_url(item)))
    save(organizer_client, item, {**data, f"{prefix}-0-position": "2", f"{prefix}-1-position": "1"})
    assert names_in_order(item) == before[::-1]


def test_organizer_swaps_two_authors_by_choosing_the_people_again(organizer_client, admin_program):
    poster = admin_program["poster"]
    data = form_data(organizer_client.get(change_url(poster)))
    first, second = data["authorships-0-person"], data["authorships-1-person"]
    save(
        organizer_client,
        poster,
        {**data, "authorships-0-person": second, "authorships-1-person": first},
    )
    assert names_in_order(poster) == ["Ana Klimovic", "Maximilian Böther"]


def test_organizer_puts_a_new_first_author_before_the_others(organizer_client, admin_program):
    poster, newcomer = admin_program["poster"], PersonFactory(name="Tim Kraska")
    data = form_data(organizer_client.get(change_url(poster)))
    data.update(
        {
            "authorships-TOTAL_FORMS": "3",
            "authorships-0-position": "2",
            "authorships-1-position": "3",
            "authorships-2-person": newcomer.pk,
            "authorships-2-position": "1",
        }
    )
    save(organizer_client, poster, data)
    assert names_in_order(poster) == ["Tim Kraska", "Maximilian Böther", "Ana Klimovic"]


def test_organizer_removes_an_author_and_moves_the_next_one_up(organizer_client, admin_program):
    poster = admin_program["poster"]
    data = form_data(organizer_client.get(change_url(poster)))
    save(
        organizer_client,
        poster,
        {**data, "authorships-0-DELETE": "on", "authorships-1-position": "1"},
    )
    assert [(a.position, a.person.name) for a in poster.authorships.all()] == [(1, "Ana Klimovic")]


def test_organizer_adds_a_late_poster_to_a_session(organizer_client, admin_program):
    session = admin_program["session"]
    data = form_data(organizer_client.get(change_url(session)))
    data.update(
        {
            "posters-TOTAL_FORMS": "2",
            "posters-1-position": "9",
            "posters-1-title": "A late poster",
        }
    )
    save(organizer_client, session, data)
    assert sorted(session.posters.values_list("title", flat=True)) == ["A late poster", "Subsets"]
    assert session.posters.get(title="A late poster").position == 9


def test_organizer_adds_a_poster_with_its_authors(organizer_client, admin_program):
    session, person = admin_program["session"], PersonFactory(name="Late Author")
    data = {
        "session": session.pk,
        "position": "9",
        "title": "A late poster",
        "authorships-TOTAL_FORMS": "1",
        "authorships-INITIAL_FORMS": "0",
        "authorships-0-person": person.pk,
        "authorships-0-position": "1",
    }
    assert organizer_client.post("/admin/program/poster/add/", data).status_code == 302
    poster = Poster.objects.get(title="A late poster")
    assert poster.session == session
    assert names_in_order(poster) == ["Late Author"]


def test_session_form_shows_and_reads_times_in_the_conference_zone(organizer_client, admin_program):
    session = admin_program["session"]  # 08:30 in Santa Clara
    page = organizer_client.get(change_url(session)).content.decode()
    assert 'name="starts_at_1" value="08:30:00"' in page

    hall = RoomFactory(conference=admin_program["conference"], name="Hall B")
    data = form_data(organizer_client.get(change_url(session)))
    save(organizer_client, session, {**data, "room": hall.pk, "starts_at_1": "17:00"})
    session.refresh_from_db()
    assert session.room == hall
    assert session.starts_at == datetime.datetime(2025, 5, 15, 17, 0, tzinfo=PACIFIC)


def test_a_session_added_with_a_time_takes_it_in_its_conference_zone(
    organizer_client, admin_program
):
    data = {
        "conference": admin_program["conference"].pk,
        "kind": SessionKind.BREAK,
        "title": "Coffee",
        "day": "2025-05-13",
        "position": "3",
        "starts_at_0": "2025-05-13",
        "starts_at_1": "10:00",
        "posters-TOTAL_FORMS": "0",
        "posters-INITIAL_FORMS": "0",
        "talks-TOTAL_FORMS": "0",
        "talks-INITIAL_FORMS": "0",
    }
    assert organizer_client.post("/admin/program/session/add/", data).status_code == 302
    coffee = Session.objects.get(title="Coffee")
    assert coffee.starts_at == datetime.datetime(2025, 5, 13, 10, 0, tzinfo=PACIFIC)


def test_organizer_publishes_and_unpublishes_conferences(organizer_client, admin_program):
    conference = admin_program["conference"]
    for action, published in [("unpublish", False), ("publish", True)]:
        response = organizer_client.post(
            "/admin/program/conference/",
            {"action": action, "_selected_action": [conference.pk]},
        )
        assert response.status_code == 302
        conference.refresh_from_db()
        assert conference.is_published is published


# Validation: messages in the form, nothing saved, never a 500


def test_a_session_ending_before_it_starts_is_refused_with_a_message(
    organizer_client, admin_program
):
    session = admin_program["session"]
    data = form_data(organizer_client.get(change_url(session)))
    page = refused(
        organizer_client,
        change_url(session),
        {**data, "ends_at_0": "2025-05-15", "ends_at_1": "08:00"},
    )
    assert "The end time must be after the start time." in page
    session.refresh_from_db()
    assert session.ends_at is None


def test_a_session_in_a_room_of_another_conference_is_refused(organizer_client, admin_program):
    session, elsewhere = admin_program["session"], RoomFactory(name="Elsewhere")
    data = form_data(organizer_client.get(change_url(session)))
    page = refused(organizer_client, change_url(session), {**data, "room": elsewhere.pk})
    assert f"This room belongs to {elsewhere.conference}, not to MLSys 2025." in page
    session.refresh_from_db()
    assert session.room == admin_program["room"]


def test_a_session_on_a_day_outside_its_conference_is_refused(organizer_client, admin_program):
    session = admin_program["session"]
    data = form_data(organizer_client.get(change_url(session)))
    page = refused(organizer_client, change_url(session), {**data, "day": "2025-06-01"})
    assert "this day is outside it" in page
    session.refresh_from_db()
    assert session.day == datetime.date(2025, 5, 15)


def test_a_poster_in_a_room_of_another_conference_is_refused(organizer_client, admin_program):
    poster, elsewhere = admin_program["poster"], RoomFactory(name="Elsewhere")
    data = form_data(organizer_client.get(change_url(poster)))
    page = refused(organizer_client, change_url(poster), {**data, "room": elsewhere.pk})
    assert "This room belongs to" in page
    poster.refresh_from_db()
    assert poster.room is None


def test_a_new_session_with_a_poster_in_another_conferences_room_is_refused(
    organizer_client, admin_program
):
    elsewhere = RoomFactory(name="Elsewhere")
    data = {
        "conference": admin_program["conference"].pk,
        "kind": SessionKind.POSTER_SESSION,
        "title": "Session 10",
        "day": "2025-05-14",
        "position": "5",
        "posters-TOTAL_FORMS": "1",
        "posters-INITIAL_FORMS": "0",
        "posters-0-position": "1",
        "posters-0-title": "Lost",
        "posters-0-room": elsewhere.pk,
        "talks-TOTAL_FORMS": "0",
        "talks-INITIAL_FORMS": "0",
    }
    page = refused(organizer_client, "/admin/program/session/add/", data)
    assert f"This room belongs to {elsewhere.conference}, not to MLSys 2025." in page
    assert not Session.objects.filter(title="Session 10").exists()


def test_a_room_in_use_cannot_move_to_another_conference(organizer_client, admin_program):
    room, other = admin_program["room"], ConferenceFactory(name="Other")
    data = form_data(organizer_client.get(change_url(room)))
    page = refused(organizer_client, change_url(room), {**data, "conference": other.pk})
    assert "give them another room before moving it to Other" in page
    room.refresh_from_db()
    assert room.conference == admin_program["conference"]


def test_a_conference_ending_before_it_starts_is_refused_with_a_message(
    organizer_client, admin_program
):
    conference = admin_program["conference"]
    data = form_data(organizer_client.get(change_url(conference)))
    page = refused(organizer_client, change_url(conference), {**data, "end_date": "2025-05-01"})
    assert "The conference cannot end before it starts." in page
    conference.refresh_from_db()
    assert conference.end_date == datetime.date(2025, 5, 15)


def test_two_authors_at_one_position_are_refused_and_nothing_changes(
    organizer_client, admin_program
):
    poster = admin_program["poster"]
    data = form_data(organizer_client.get(change_url(poster)))
    page = refused(organizer_client, change_url(poster), {**data, "authorships-1-position": "1"})
    assert "Two authors cannot share a position on one poster." in page
    assert [(a.position, a.person.name) for a in poster.authorships.all()] == [
        (1, "Maximilian Böther"),
        (2, "Ana Klimovic"),
    ]


def test_the_same_person_twice_on_a_poster_is_refused_and_nothing_changes(
    organizer_client, admin_program
):
    poster = admin_program["poster"]
    data = form_data(organizer_client.get(change_url(poster)))
    first = data["authorships-0-person"]
    page = refused(organizer_client, change_url(poster), {**data, "authorships-1-person": first})
    assert "This person is already an author of this poster." in page
    assert names_in_order(poster) == ["Maximilian Böther", "Ana Klimovic"]

    twice = PersonFactory(name="Twice")
    newcomer_twice = {
        **data,
        "authorships-TOTAL_FORMS": "4",
        "authorships-2-person": twice.pk,
        "authorships-2-position": "3",
        "authorships-3-person": twice.pk,
        "authorships-3-position": "4",
    }
    page = refused(organizer_client, change_url(poster), newcomer_twice)
    assert "This person is already an author of this poster." in page
    assert poster.authorships.count() == 2


def test_author_positions_start_at_one(organizer_client, admin_program):
    poster = admin_program["poster"]
    data = form_data(organizer_client.get(change_url(poster)))
    page = refused(organizer_client, change_url(poster), {**data, "authorships-0-position": "0"})
    assert "Ensure this value is greater than or equal to 1." in page
    assert [a.position for a in poster.authorships.all()] == [1, 2]


# Lists, search and autocomplete


def test_session_list_shows_start_times_in_the_conference_zone(organizer_client, admin_program):
    page = organizer_client.get("/admin/program/session/").content.decode()
    assert "08:30 PDT" in page
    assert "time to be announced" in page


def test_poster_list_names_the_first_authors_and_counts_the_rest(organizer_client, admin_program):
    make_poster(admin_program["session"], authors=["A One", "B Two", "C Three", "D Four", "E Five"])
    page = organizer_client.get("/admin/program/poster/").content.decode()
    assert "A One · B Two · C Three + 2 more" in page
    assert "Maximilian Böther · Ana Klimovic" in page


def test_lists_filter_by_conference_day_and_kind(organizer_client, admin_program):
    other_day = SessionFactory(
        conference=admin_program["conference"], day=datetime.date(2025, 5, 13)
    )
    make_poster(other_day, title="On Tuesday")
    response = organizer_client.get("/admin/program/session/", {"day": "2025-05-13"})
    assert list(response.context["cl"].result_list) == [other_day]
    assert "2025-05-13" in response.content.decode()  # the day filter lists the days

    response = organizer_client.get(
        "/admin/program/poster/",
        {
            "session__conference__id__exact": admin_program["conference"].pk,
            "session__day": "2025-05-15",
            "session__kind__exact": SessionKind.POSTER_SESSION,
        },
    )
    assert [poster.title for poster in response.context["cl"].result_list] == ["Subsets"]


def test_searching_posters_by_an_author_finds_each_poster_once(organizer_client, admin_program):
    make_poster(admin_program["session"], authors=["Ana Smith", "Ana Klimovic"], title="Twice Ana")
    for term in ["Ana", "Klimovic", "böther", "BOTHER"]:
        response = organizer_client.get("/admin/program/poster/", {"q": term})
        titles = [poster.title for poster in response.context["cl"].result_list]
        assert len(titles) == len(set(titles)), term
    response = organizer_client.get("/admin/program/poster/", {"q": "ana"})
    assert sorted(p.title for p in response.context["cl"].result_list) == ["Subsets", "Twice Ana"]


def test_searching_sessions_by_poster_titles_lists_each_session_once(
    organizer_client, admin_program
):
    make_poster(admin_program["session"], title="Subsets again")
    response = organizer_client.get("/admin/program/session/", {"q": "subsets"})
    sessions = list(response.context["cl"].result_list)
    assert sessions == [admin_program["session"]]
    assert sessions[0].poster_count == 2


def test_person_autocomplete_answers_organizers(organizer_client, admin_program):
    for term in ["bot", "Böther"]:
        response = organizer_client.get(
            "/admin/autocomplete/",
            {
                "app_label": "program",
                "model_name": "authorship",
                "field_name": "person",
                "term": term,
            },
        )
        assert response.status_code == 200
        assert [r["text"] for r in response.json()["results"]] == ["Maximilian Böther"]


# Cost: a fixed number of queries, however large the program


def build_program(slug: str, *, posters: int, talks: int, people: int, other: int) -> None:
    """A conference whose posters sit 30 to a session, with three authors each, talks with two
    speakers each in one session, and ``other`` sessions (breaks) besides."""
    conference = ConferenceFactory(slug=slug)
    rooms = Room.objects.bulk_create(
        Room(conference=conference, name=f"Room {n}") for n in range(3)
    )
    persons = Person.objects.bulk_create(
        Person(name=f"{slug} person {n}", slug=f"{slug}-person-{n}") for n in range(people)
    )
    poster_sessions = -(-posters // 30)
    kinds = [SessionKind.POSTER_SESSION] * poster_sessions + [SessionKind.ORAL_SESSION]
    kinds += [SessionKind.BREAK] * other
    sessions = Session.objects.bulk_create(
        Session(
            conference=conference,
            kind=kind,
            title=f"Session {n}",
            day=conference.start_date,
            position=n,
            starts_at=datetime.datetime(2025, 5, 12, 8, n % 60, tzinfo=PACIFIC),
            room=rooms[n % 3],
        )
        for n, kind in enumerate(kinds)
    )
    created = Poster.objects.bulk_create(
        Poster(session=sessions[n // 30], title=f"Poster {n}", position=n % 30)
        for n in range(posters)
    )
    Authorship.objects.bulk_create(
        Authorship(poster=poster, person=persons[(3 * n + a) % people], position=a + 1)
        for n, poster in enumerate(created)
        for a in range(3)
    )
    created = Talk.objects.bulk_create(
        Talk(session=sessions[poster_sessions], title=f"Talk {n}", position=n) for n in range(talks)
    )
    Speakership.objects.bulk_create(
        Speakership(talk=talk, person=persons[(2 * n + s) % people], position=s + 1)
        for n, talk in enumerate(created)
        for s in range(2)
    )


def open_changelist(client, model: str, page: int = 1) -> None:
    response = client.get(f"/admin/program/{model}/", {"p": page})
    assert response.status_code == 200


def test_changelists_cost_the_same_queries_for_three_posters_and_three_hundred(
    organizer_client, django_assert_num_queries
):
    build_program("small", posters=3, talks=1, people=3, other=0)
    small = {}
    for model in PROGRAM_MODELS:
        with CaptureQueriesContext(connection) as queries:
            open_changelist(organizer_client, model)
        small[model] = len(queries)

    # 300 posters, 150 talks, 450 people and 122 sessions: lists of several pages.
    build_program("large", posters=300, talks=150, people=450, other=110)
    assert Session.objects.count() > 100
    for model in PROGRAM_MODELS:
        with django_assert_num_queries(small[model], info=f"the {model} list"):
            open_changelist(organizer_client, model)
    for model in ["person", "session", "poster", "talk"]:
        with django_assert_num_queries(small[model], info=f"page 2 of the {model} list"):
            open_changelist(organizer_client, model, page=2)
    print("changelist queries:", small)  # shown with pytest -s
