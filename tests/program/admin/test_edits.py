"""What organizers edit in the admin: a paper's title and ordered people (on its contribution,
for all its slots), its slots, times in the conference zone."""

import datetime

import pytest

from program.models import (
    Contribution,
    Poster,
    Session,
    SessionKind,
)
from tests.factories import (
    PACIFIC,
    ContributionFactory,
    PersonFactory,
    RoomFactory,
    SessionFactory,
)
from tests.program.admin.admin_forms import change_url, form_data, names_in_order, save

pytestmark = pytest.mark.django_db


def test_organizer_edits_a_papers_title_for_all_its_slots(organizer_client, admin_program):
    poster = admin_program["poster"]
    oral = SessionFactory(
        conference=admin_program["conference"], kind=SessionKind.ORAL_SESSION, position=3
    )
    talk = oral.talks.create(contribution=poster.contribution, position=1)
    page = organizer_client.get(change_url(poster)).content.decode()
    assert "edit its title, abstract and people there" in page
    data = form_data(organizer_client.get(change_url(poster.contribution)))
    save(
        organizer_client,
        poster.contribution,
        {**data, "title": "On Distributed Larger-Than-Memory Subset Selection"},
    )
    poster.refresh_from_db()
    talk.refresh_from_db()
    assert poster.title == talk.title == "On Distributed Larger-Than-Memory Subset Selection"


@pytest.mark.parametrize("item", ["poster", "talk"])
def test_organizer_swaps_the_first_two_people_by_their_positions(
    organizer_client, admin_program, item
):
    contribution = admin_program[item].contribution
    before = names_in_order(contribution)
    data = form_data(organizer_client.get(change_url(contribution)))
    save(
        organizer_client,
        contribution,
        {**data, "authorships-0-position": "2", "authorships-1-position": "1"},
    )
    assert names_in_order(contribution) == before[::-1]


def test_organizer_swaps_two_authors_by_choosing_the_people_again(organizer_client, admin_program):
    poster = admin_program["poster"].contribution
    data = form_data(organizer_client.get(change_url(poster)))
    first, second = data["authorships-0-person"], data["authorships-1-person"]
    save(
        organizer_client,
        poster,
        {**data, "authorships-0-person": second, "authorships-1-person": first},
    )
    assert names_in_order(poster) == ["Ana Klimovic", "Maximilian Böther"]


def test_organizer_puts_a_new_first_author_before_the_others(organizer_client, admin_program):
    poster, newcomer = admin_program["poster"].contribution, PersonFactory(name="Tim Kraska")
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
    poster = admin_program["poster"].contribution
    data = form_data(organizer_client.get(change_url(poster)))
    save(
        organizer_client,
        poster,
        {**data, "authorships-0-DELETE": "on", "authorships-1-position": "1"},
    )
    assert [(a.position, a.person.name) for a in poster.authorships.all()] == [(1, "Ana Klimovic")]


def test_organizer_adds_a_late_poster_to_a_session(organizer_client, admin_program):
    session = admin_program["session"]
    late = ContributionFactory(conference=admin_program["conference"], title="A late poster")
    data = form_data(organizer_client.get(change_url(session)))
    data.update(
        {
            "posters-TOTAL_FORMS": "2",
            "posters-1-position": "9",
            "posters-1-contribution": late.pk,
        }
    )
    save(organizer_client, session, data)
    titles = session.posters.values_list("contribution__title", flat=True)
    assert sorted(titles) == ["A late poster", "Subsets"]
    assert session.posters.get(contribution=late).position == 9


def test_organizer_adds_a_paper_with_its_authors_and_two_slots(organizer_client, admin_program):
    session, person = admin_program["session"], PersonFactory(name="Late Author")
    oral = SessionFactory(
        conference=admin_program["conference"], kind=SessionKind.ORAL_SESSION, position=3
    )
    data = {
        "conference": admin_program["conference"].pk,
        "title": "A late paper",
        "keywords": "[]",
        "links": "[]",
        "authorships-TOTAL_FORMS": "1",
        "authorships-INITIAL_FORMS": "0",
        "authorships-0-person": person.pk,
        "authorships-0-position": "1",
        "posters-TOTAL_FORMS": "1",
        "posters-INITIAL_FORMS": "0",
        "posters-0-session": session.pk,
        "posters-0-position": "9",
        "posters-0-board": "12",
        "talks-TOTAL_FORMS": "1",
        "talks-INITIAL_FORMS": "0",
        "talks-0-session": oral.pk,
        "talks-0-position": "1",
    }
    response = organizer_client.post("/admin/program/contribution/add/", data)
    assert response.status_code == 302, response.context and response.context["errors"]
    paper = Contribution.objects.get(title="A late paper")
    poster = Poster.objects.get(contribution=paper)
    assert (poster.session, poster.board) == (session, "12")
    assert paper.talks.get().session == oral
    assert names_in_order(poster) == names_in_order(paper.talks.get()) == ["Late Author"]


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
