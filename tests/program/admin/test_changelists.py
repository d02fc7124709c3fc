"""Lists, search and autocomplete, and what a changelist costs however large the program."""

import datetime

import pytest
from django.contrib import admin as django_admin
from django.db import connection
from django.forms import modelform_factory
from django.test.utils import CaptureQueriesContext

from program.admin.choices import LabelledAutocompleteSelect
from program.admin.forms import SessionItemInlineForm
from program.models import (
    Authorship,
    Contribution,
    Person,
    Poster,
    Room,
    Session,
    SessionKind,
    Talk,
)
from tests.factories import (
    PACIFIC,
    ConferenceFactory,
    PersonFactory,
    SessionFactory,
    make_poster,
)
from tests.program.admin.admin_forms import PROGRAM_MODELS

pytestmark = pytest.mark.django_db


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


def test_posters_papers_and_talks_are_searched_by_the_starts_of_words(
    organizer_client, admin_program
):
    """The admin's search of posters, papers and talks, and the paper lookup of a session's
    form, read the site's full-text index: each word starts a word of the title, abstract or
    people, accents and case aside; a poster's board is matched whole."""
    session = admin_program["session"]
    make_poster(
        session,
        authors=["Zoë Ünal"],
        title="GraphSAGE at Scale",
        abstract="Sampling neighbourhoods on GPUs.",
        board="B12",
    )
    make_poster(session, authors=["Ana Paragraph"], title="Paragraph Vectors")

    def posters(term):
        response = organizer_client.get("/admin/program/poster/", {"q": term})
        return sorted(poster.title for poster in response.context["cl"].result_list)

    assert posters("graph") == ["GraphSAGE at Scale"]  # not "Paragraph"
    assert posters("zoe unal neighbour") == ["GraphSAGE at Scale"]
    assert posters("b12") == ["GraphSAGE at Scale"]
    assert posters("raph") == []
    assert posters('"graph*" -scale') == ["GraphSAGE at Scale"]  # operators are not
    assert posters("!!") == []
    papers = organizer_client.get("/admin/program/contribution/", {"q": "sampl gpu"})
    assert [paper.title for paper in papers.context["cl"].result_list] == ["GraphSAGE at Scale"]
    talks = organizer_client.get("/admin/program/talk/", {"q": "tianqi"})
    assert len(talks.context["cl"].result_list) == 1
    lookup = organizer_client.get(
        "/admin/autocomplete/",
        {
            "app_label": "program",
            "model_name": "poster",
            "field_name": "contribution",
            "term": "paragraph vec",
        },
    ).json()["results"]
    assert [found["text"] for found in lookup] == ["Paragraph Vectors"]


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


def test_a_papers_author_lookup_lists_only_people_of_its_conference(
    organizer_client, admin_program
):
    other = ConferenceFactory(slug="other", name="Other")
    PersonFactory(conference=other, name="Maximilian Böther", slug="maximilian-bother")
    paper = admin_program["poster"].contribution
    page = organizer_client.get(f"/admin/program/contribution/{paper.pk}/change/").content.decode()
    url = f"/admin/autocomplete/?conference={admin_program['conference'].pk}"
    assert f'data-ajax--url="{url}"' in page
    lookup = {"app_label": "program", "model_name": "authorship", "field_name": "person"}
    conference = str(admin_program["conference"].pk)
    found = organizer_client.get(
        "/admin/autocomplete/", {**lookup, "term": "bother", "conference": conference}
    ).json()["results"]
    assert len(found) == 1
    assert found[0]["id"] == str(paper.people.get(name="Maximilian Böther").pk)
    # Without a conference (a paper being added) everyone with the name is offered.
    everyone = organizer_client.get("/admin/autocomplete/", {**lookup, "term": "bother"})
    assert len(everyone.json()["results"]) == 2
    odd = organizer_client.get("/admin/autocomplete/", {**lookup, "term": "b", "conference": "²"})
    assert odd.status_code == 200


# Cost: a fixed number of queries, however large the program


def build_program(slug: str, *, posters: int, talks: int, people: int, other: int) -> None:
    """A conference whose posters sit 30 to a session, with three authors each, talks with two
    speakers each in one session, and ``other`` sessions (breaks) besides."""
    conference = ConferenceFactory(slug=slug)
    rooms = Room.objects.bulk_create(
        Room(conference=conference, name=f"Room {n}") for n in range(3)
    )
    persons = Person.objects.bulk_create(
        Person(conference=conference, name=f"{slug} person {n}", slug=f"{slug}-person-{n}")
        for n in range(people)
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
    papers = Contribution.objects.bulk_create(
        Contribution(conference=conference, title=f"Poster {n}") for n in range(posters)
    )
    Poster.objects.bulk_create(
        Poster(session=sessions[n // 30], contribution=paper, position=n % 30)
        for n, paper in enumerate(papers)
    )
    Authorship.objects.bulk_create(
        Authorship(contribution=paper, person=persons[(3 * n + a) % people], position=a + 1)
        for n, paper in enumerate(papers)
        for a in range(3)
    )
    contents = Contribution.objects.bulk_create(
        Contribution(conference=conference, title=f"Talk {n}") for n in range(talks)
    )
    Talk.objects.bulk_create(
        Talk(session=sessions[poster_sessions], contribution=content, position=n)
        for n, content in enumerate(contents)
    )
    Authorship.objects.bulk_create(
        Authorship(contribution=content, person=persons[(2 * n + s) % people], position=s + 1)
        for n, content in enumerate(contents)
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
    for model in ["person", "session", "contribution", "poster", "talk"]:
        with django_assert_num_queries(small[model], info=f"page 2 of the {model} list"):
            open_changelist(organizer_client, model, page=2)
    print("changelist queries:", small)  # shown with pytest -s


def change_page_queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


def test_change_pages_cost_the_same_queries_for_three_rows_and_thirty(organizer_client):
    """A session's page lists its posters, each with its paper and room in autocomplete fields;
    a paper's page its authors and its slots. Django asks the database for the label of each
    chosen record, one query per field of each row; here the rows come with them."""
    build_program("small", posters=3, talks=0, people=3, other=0)
    build_program("large", posters=30, talks=0, people=30, other=0)
    for slug in ("small", "large"):
        room = Room.objects.filter(conference__slug=slug).first()
        Poster.objects.filter(session__conference__slug=slug).update(room=room)
    costs = {}
    for slug in ("small", "small", "large"):  # the first also reads the content types once
        session = Session.objects.get(conference__slug=slug, kind=SessionKind.POSTER_SESSION)
        assert session.posters.count() == (3 if slug == "small" else 30)
        costs[slug] = change_page_queries(
            organizer_client, f"/admin/program/session/{session.pk}/change/"
        )
    assert costs["small"] == costs["large"], costs

    paper = Contribution.objects.filter(conference__slug="large").first()
    address = f"/admin/program/contribution/{paper.pk}/change/"
    change_page_queries(organizer_client, address)  # the content types, once
    few = change_page_queries(organizer_client, address)
    persons = Person.objects.filter(conference__slug="large").exclude(contributions=paper)[:27]
    Authorship.objects.bulk_create(
        Authorship(contribution=paper, person=person, position=4 + n)
        for n, person in enumerate(persons)
    )
    sessions = Session.objects.filter(conference__slug="large")
    Poster.objects.bulk_create(
        Poster(session=session, contribution=paper, position=100 + n)
        for n, session in enumerate(sessions)
    )
    assert paper.authorships.count() == 30
    assert few == change_page_queries(organizer_client, address)


def test_a_row_sent_back_with_another_choice_shows_that_choice(
    admin_program, django_assert_num_queries
):
    """The label of the row's own record stands only for its own value: a form sent back with
    another room (after an error elsewhere) shows the room that was chosen."""
    site = django_admin.site
    Form = modelform_factory(
        Poster,
        form=SessionItemInlineForm,
        fields=["room"],
        widgets={"room": LabelledAutocompleteSelect(Poster._meta.get_field("room"), site)},
    )
    stored = Room.objects.create(conference=admin_program["conference"], name="Stored Room")
    chosen = Room.objects.create(conference=admin_program["conference"], name="Chosen Room")
    Poster.objects.filter(pk=admin_program["poster"].pk).update(room=stored)
    poster = Poster.objects.select_related("room").get(pk=admin_program["poster"].pk)
    with django_assert_num_queries(0):
        shown = str(Form(instance=poster)["room"])
    assert "Stored Room" in shown and "selected" in shown
    sent_back = str(Form(instance=poster, data={"room": str(chosen.pk)})["room"])
    assert "Chosen Room" in sent_back and "Stored Room" not in sent_back
