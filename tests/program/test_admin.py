"""The organizers' admin: what an organizer can open and save, what others cannot, and cost."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from program.models import Authorship, Poster, Session
from program.organizers import GROUP_NAME
from tests.factories import (
    PACIFIC,
    ConferenceFactory,
    PersonFactory,
    RoomFactory,
    SessionFactory,
    make_poster,
    make_talk,
)

pytestmark = pytest.mark.django_db

PROGRAM_MODELS = ["conference", "room", "person", "session", "poster", "talk"]


@pytest.fixture
def organizer(client):
    user = get_user_model().objects.create_user("chair", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=GROUP_NAME))
    client.force_login(user)
    return user


@pytest.fixture
def program():
    conference = ConferenceFactory(slug="mlsys2025", name="MLSys 2025")
    room = RoomFactory(conference=conference, name="Mission City Ballroom")
    session = SessionFactory(conference=conference, room=room, title="Session 9", position=1)
    poster = make_poster(session, authors=["Maximilian Böther", "Ana Klimovic"], title="Subsets")
    talk = make_talk(
        SessionFactory(conference=conference, title="Ling Liu", starts_at=None, position=2),
        speakers=["Ling Liu"],
    )
    return {
        "conference": conference,
        "room": room,
        "session": session,
        "poster": poster,
        "talk": talk,
    }


def form_data(response) -> dict:
    """The POST a browser would send for an admin change form, as it was rendered."""
    data = {}
    forms = [response.context["adminform"].form]
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name, _field in management.fields.items():
            data[management.add_prefix(name)] = management[name].value()
        forms += formset.formset.forms
    for form in forms:
        for name, _field in form.fields.items():
            value = form[name].value()
            key = form.add_prefix(name)
            if value is None:
                continue
            if isinstance(value, bool):
                if value:
                    data[key] = "on"
            elif isinstance(value, list):
                data[key] = value
            elif isinstance(value, datetime.datetime):
                data[key + "_0"], data[key + "_1"] = (
                    value.strftime("%Y-%m-%d"),
                    value.strftime("%H:%M:%S"),
                )
            else:
                data[key] = value
    return data


def change_url(obj) -> str:
    return f"/admin/program/{obj._meta.model_name}/{obj.pk}/change/"


def test_organizer_opens_every_program_changelist_add_and_change_form(client, organizer, program):
    objects = {
        "conference": program["conference"],
        "room": program["room"],
        "person": program["poster"].authors.first(),
        "session": program["session"],
        "poster": program["poster"],
        "talk": program["talk"],
    }
    for model in PROGRAM_MODELS:
        assert client.get(f"/admin/program/{model}/").status_code == 200, model
        assert client.get(f"/admin/program/{model}/add/").status_code == 200, model
        assert client.get(change_url(objects[model])).status_code == 200, model


def test_organizer_cannot_reach_accounts_or_groups(client, organizer):
    assert client.get("/admin/accounts/user/").status_code == 403
    assert client.get("/admin/auth/group/").status_code == 403


@pytest.mark.parametrize("user_kind", ["anonymous", "attendee"])
def test_visitors_and_attendees_are_sent_to_the_admin_login(client, program, user_kind):
    if user_kind == "attendee":
        client.force_login(get_user_model().objects.create_user("attendee", password="pw"))
    for model in PROGRAM_MODELS:
        response = client.get(f"/admin/program/{model}/")
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_organizer_edits_a_poster_title(client, organizer, program):
    poster = program["poster"]
    data = form_data(client.get(change_url(poster)))
    data["title"] = "On Distributed Larger-Than-Memory Subset Selection"
    response = client.post(change_url(poster), data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    poster.refresh_from_db()
    assert poster.title == "On Distributed Larger-Than-Memory Subset Selection"


def test_organizer_swaps_two_authors(client, organizer, program):
    poster = program["poster"]
    data = form_data(client.get(change_url(poster)))
    data["authorships-0-position"], data["authorships-1-position"] = "2", "1"
    response = client.post(change_url(poster), data)
    assert response.status_code == 302
    names = [a.person.name for a in poster.authorships.order_by("position")]
    assert names == ["Ana Klimovic", "Maximilian Böther"]


def test_organizer_removes_an_author_and_moves_the_next_one_up(client, organizer, program):
    poster = program["poster"]
    data = form_data(client.get(change_url(poster)))
    data["authorships-0-DELETE"] = "on"
    data["authorships-1-position"] = "1"
    assert client.post(change_url(poster), data).status_code == 302
    assert [(a.position, a.person.name) for a in poster.authorships.all()] == [(1, "Ana Klimovic")]


def test_duplicate_positions_and_duplicate_authors_are_form_errors(client, organizer, program):
    poster = program["poster"]
    base = form_data(client.get(change_url(poster)))

    same_position = {**base, "authorships-1-position": "1"}
    response = client.post(change_url(poster), same_position)
    assert response.status_code == 200
    assert "Row 1 already has position 1." in response.content.decode()

    same_person = {**base, "authorships-1-person": base["authorships-0-person"]}
    response = client.post(change_url(poster), same_person)
    assert response.status_code == 200
    assert "This person is already an author of this poster." in response.content.decode()

    zero = {**base, "authorships-0-position": "0"}
    assert client.post(change_url(poster), zero).status_code == 200
    assert [a.position for a in poster.authorships.all()] == [1, 2]


def test_organizer_adds_a_late_poster_with_authors(client, organizer, program):
    session, person = program["session"], PersonFactory(name="Late Author")
    data = {
        "session": session.pk,
        "position": "9",
        "title": "A late poster",
        "abstract": "",
        "authorships-TOTAL_FORMS": "1",
        "authorships-INITIAL_FORMS": "0",
        "authorships-0-person": person.pk,
        "authorships-0-position": "1",
    }
    response = client.post("/admin/program/poster/add/", data)
    assert response.status_code == 302
    poster = Poster.objects.get(title="A late poster")
    assert poster.session == session
    assert [a.person for a in poster.authorships.all()] == [person]


def test_organizer_moves_a_session_to_another_room_and_time(client, organizer, program):
    session = program["session"]
    hall = RoomFactory(conference=program["conference"], name="Hall B")
    data = form_data(client.get(change_url(session)))
    data.update(room=hall.pk, starts_at_0="2025-05-15", starts_at_1="17:00:00")
    response = client.post(change_url(session), data)
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.room == hall
    assert session.starts_at == datetime.datetime(2025, 5, 15, 10, 0, tzinfo=PACIFIC)


def test_validation_errors_are_shown_and_nothing_is_saved(client, organizer, program):
    session = program["session"]
    data = form_data(client.get(change_url(session)))
    before = Session.objects.get(pk=session.pk).starts_at

    early_end = {**data, "ends_at_0": "2025-05-15", "ends_at_1": "15:00:00"}
    page = client.post(change_url(session), early_end).content.decode()
    assert "The end time must be after the start time." in page

    foreign_room = RoomFactory(name="Elsewhere")
    page = client.post(change_url(session), {**data, "room": foreign_room.pk}).content.decode()
    assert "This room belongs to" in page

    wrong_day = {**data, "day": "2025-06-01"}
    assert "this day is outside it" in client.post(change_url(session), wrong_day).content.decode()
    assert Session.objects.get(pk=session.pk).starts_at == before
    assert Session.objects.get(pk=session.pk).room == program["room"]


def test_searching_posters_by_an_author_finds_each_poster_once(client, organizer, program):
    response = client.get("/admin/program/poster/", {"q": "Klimovic"})
    assert list(response.context["cl"].result_list) == [program["poster"]]


def test_person_autocomplete_answers_organizers(client, organizer, program):
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "program", "model_name": "authorship", "field_name": "person", "term": "bot"},
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Maximilian Böther"]


def build(conference, sessions: int, posters: int, authors: int) -> None:
    people = PersonFactory.create_batch(authors * 3)
    for s in range(sessions):
        session = SessionFactory(
            conference=conference, position=s, room=RoomFactory(conference=conference)
        )
        created = Poster.objects.bulk_create(
            [Poster(session=session, title=f"P{s}-{p}", position=p) for p in range(posters)]
        )
        Authorship.objects.bulk_create(
            Authorship(poster=poster, person=people[(p + a) % len(people)], position=a + 1)
            for p, poster in enumerate(created)
            for a in range(authors)
        )
    make_talk(SessionFactory(conference=conference, position=sessions), speakers=["Ling Liu"])


def changelist_queries(client, model: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/admin/program/{model}/").status_code == 200
    return len(queries)


def test_changelists_cost_the_same_queries_for_three_posters_and_three_hundred(client, organizer):
    build(ConferenceFactory(slug="small"), sessions=1, posters=3, authors=3)
    small = {model: changelist_queries(client, model) for model in PROGRAM_MODELS}
    build(ConferenceFactory(slug="large"), sessions=10, posters=30, authors=3)
    large = {model: changelist_queries(client, model) for model in PROGRAM_MODELS}
    assert small == large
