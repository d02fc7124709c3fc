"""Contributions: one paper presented in several slots, each saved on its own; accepted papers
without a slot; writes through posters, talks and /api/v1/contributions/; database rules."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from accounts.models import AgendaItem
from program.models import Contribution, Poster, SessionKind, Talk
from tests.factories import (
    ConferenceFactory,
    ContributionFactory,
    SessionFactory,
    UserFactory,
    make_poster,
    pacific,
    with_people,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def oral_and_poster(program):
    """The program's first poster ("On Distributed ...") is also an oral at 13:00."""
    oral = SessionFactory(
        conference=program["conference"],
        kind=SessionKind.ORAL_SESSION,
        title="Orals: Data",
        position=3,
        starts_at=pacific(13),
        ends_at=pacific(14),
    )
    paper = program["first"].contribution
    talk = Talk.objects.create(session=oral, contribution=paper, position=1)
    return {**program, "oral": oral, "oral_talk": talk, "paper": paper}


def test_a_paper_with_an_oral_and_a_poster_is_saved_slot_by_slot(client, oral_and_poster):
    poster, talk = oral_and_poster["first"], oral_and_poster["oral_talk"]
    user = UserFactory()
    client.force_login(user)
    for kind, item in (("poster", poster), ("talk", talk)):
        response = client.post("/agenda/save/", {"item_type": kind, "item_id": item.pk})
        assert response.status_code == 302
    saved = AgendaItem.objects.filter(user=user).with_items()
    assert sorted((a.item_type, a.item.title, a.starts_at) for a in saved) == [
        ("poster", poster.title, pacific(8, 30)),
        ("talk", poster.title, pacific(13)),
    ]
    agenda = client.get("/agenda/")
    shown = [entry.item for day in agenda.context["days"] for entry in day.entries]
    assert sorted(type(item).__name__ for item in shown) == ["Poster", "Talk"]
    # Removing one slot keeps the other.
    client.post("/agenda/save/", {"item_type": "talk", "item_id": talk.pk, "action": "remove"})
    assert [a.item_type for a in AgendaItem.objects.filter(user=user)] == ["poster"]


def test_each_slot_page_lists_every_slot_and_the_people_once(client, oral_and_poster):
    poster, talk = oral_and_poster["first"], oral_and_poster["oral_talk"]
    page = client.get(poster.get_absolute_url()).content.decode()
    assert "Presented 2 times" in page
    assert f'href="{talk.get_absolute_url()}">Oral Session</a>' in page
    assert "Orals: Data" in page
    talk_page = client.get(talk.get_absolute_url()).content.decode()
    assert f'href="{poster.get_absolute_url()}">Poster</a>' in talk_page
    assert "Maximilian Böther" in talk_page  # the paper's authors, shown on every slot
    paper_page = client.get(oral_and_poster["paper"].get_absolute_url()).content.decode()
    assert paper_page.count('class="presentations"') == 1
    assert "Orals: Data" in paper_page and "Session 9" in paper_page
    # A single-slot item says nothing about other slots.
    second = client.get(oral_and_poster["second"].get_absolute_url()).content.decode()
    assert "Presented" not in second


def test_editing_the_paper_changes_every_slot_and_both_calendar_files(client, oral_and_poster):
    paper = oral_and_poster["paper"]
    paper.title = "Subset Selection, Revised"
    paper.save()
    for item in (oral_and_poster["first"], oral_and_poster["oral_talk"]):
        body = client.get(item.get_ics_url()).content.decode()
        assert "Subset Selection\\, Revised" in body or "Subset Selection, Revised" in body


def test_an_unscheduled_paper_is_listed_searchable_and_on_its_authors_page(client, program):
    conference = program["conference"]
    paper = with_people(
        ContributionFactory(conference=conference, title="Accepted but unplaced"),
        [program["ana"], "Newcomer Author"],
    )
    listing = client.get("/mlsys2025/papers/").content.decode()
    assert "Accepted but unplaced" in listing and "Not scheduled yet" in listing
    only = client.get("/mlsys2025/papers/", {"unscheduled": "1"})
    assert [c.title for c in only.context["page"]] == ["Accepted but unplaced"]
    found = client.get("/mlsys2025/papers/", {"q": "newcomer"})
    assert [c.title for c in found.context["page"]] == ["Accepted but unplaced"]
    detail = client.get(paper.get_absolute_url()).content.decode()
    assert "Not scheduled yet" in detail and "Newcomer Author" in detail
    search = client.get("/mlsys2025/search/", {"q": "unplaced"})
    assert [c.title for c in search.context["unscheduled"]] == ["Accepted but unplaced"]
    # Narrowed to a day, it is not there: it has none.
    narrowed = client.get("/mlsys2025/search/", {"q": "unplaced", "day": "2025-05-15"})
    assert list(narrowed.context["unscheduled"]) == []
    person = client.get(program["ana"].get_absolute_url()).content.decode()
    assert "Accepted, not scheduled yet" in person and "Accepted but unplaced" in person
    overview = client.get("/mlsys2025/").content.decode()
    assert "(1 not scheduled yet)" in overview
    # No invented day or time: it is on no day page, in no calendar and no schedule.xml.
    assert "Accepted but unplaced" not in client.get("/mlsys2025/2025-05-15/").content.decode()
    assert b"Accepted but unplaced" not in client.get("/mlsys2025/schedule.ics").content
    assert b"Accepted but unplaced" not in client.get("/mlsys2025/schedule.xml").content


def test_the_paper_pages_cost_the_same_queries_at_any_size(
    client, program, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    paper = program["first"].contribution
    with CaptureQueriesContext(connection) as small_list:
        client.get("/mlsys2025/papers/")
    with CaptureQueriesContext(connection) as small_detail:
        client.get(paper.get_absolute_url())
    session = program["posters"]
    for n in range(30):
        poster = make_poster(session, authors=[f"A{n}", f"B{n}"], title=f"Paper {n}")
        if n % 3 == 0:
            Talk.objects.create(
                session=program["invited"], contribution=poster.contribution, position=n + 2
            )
        with_people(ContributionFactory(conference=program["conference"]), [f"C{n}"])
    with django_assert_num_queries(len(small_list)):
        assert client.get("/mlsys2025/papers/").status_code == 200
    with django_assert_num_queries(len(small_detail)):
        assert client.get(paper.get_absolute_url()).status_code == 200


# The API


def test_api_lists_contributions_with_their_slots_and_filters_unscheduled(client, oral_and_poster):
    ContributionFactory(conference=oral_and_poster["conference"], title="Unplaced")
    body = client.get(f"{API}/contributions/", {"conference": "mlsys2025"}).json()
    by_title = {c["title"]: c for c in body["results"]}
    paper = by_title["On Distributed Larger-Than-Memory Subset Selection"]
    assert [(p["type"], p["session"]["title"]) for p in paper["presentations"]] == [
        ("poster", "Session 9: Parallel and Distributed Systems"),
        ("talk", "Orals: Data"),
    ]
    assert [a["name"] for a in paper["authors"]] == ["Maximilian Böther", "Ana Klimovic"]
    assert by_title["Unplaced"]["presentations"] == []
    unscheduled = client.get(f"{API}/contributions/", {"scheduled": "false"}).json()["results"]
    assert [c["title"] for c in unscheduled] == ["Unplaced"]
    poster = client.get(f"{API}/posters/{oral_and_poster['first'].pk}/").json()
    assert poster["contribution"]["id"] == oral_and_poster["paper"].pk
    assert client.get(f"{API}/contributions/", {"scheduled": "maybe"}).status_code == 400


def test_organizers_add_a_second_slot_and_edit_the_paper_through_either(
    organizer_client, oral_and_poster
):
    paper, oral = oral_and_poster["paper"], oral_and_poster["oral"]
    response = organizer_client.post(
        f"{API}/talks/",
        {"session_id": oral.pk, "contribution_id": paper.pk, "position": 2},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["title"] == paper.title
    assert paper.talks.count() == 2
    # A content change through one slot is the paper's, seen by every slot.
    response = organizer_client.patch(
        f"{API}/posters/{oral_and_poster['first'].pk}/",
        {"title": "Renamed", "keywords": ["subset selection"], "language": "en"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    paper.refresh_from_db()
    assert (paper.title, paper.keywords, paper.language) == ("Renamed", ["subset selection"], "en")
    talk = organizer_client.get(f"{API}/talks/{oral_and_poster['oral_talk'].pk}/").json()
    assert talk["title"] == "Renamed"


def test_api_refuses_bad_content_and_another_conferences_paper_and_changes_nothing(
    organizer_client, oral_and_poster
):
    session = oral_and_poster["posters"]
    before = (Contribution.objects.count(), Poster.objects.count())
    bad = organizer_client.post(
        f"{API}/posters/", {"session_id": session.pk}, content_type="application/json"
    )
    assert bad.status_code == 400 and "title" in bad.json()
    for field, value in (("language", "not a tag"), ("keywords", [""]), ("links", ["x"])):
        bad = organizer_client.post(
            f"{API}/posters/",
            {"session_id": session.pk, "title": "T", field: value},
            content_type="application/json",
        )
        assert bad.status_code == 400 and field in bad.json(), field
    elsewhere = ContributionFactory(conference=ConferenceFactory(slug="elsewhere"))
    bad = organizer_client.post(
        f"{API}/posters/",
        {"session_id": session.pk, "contribution_id": elsewhere.pk},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "contribution_id" in bad.json()
    assert (Contribution.objects.count(), Poster.objects.count()) == (before[0] + 1, before[1])


def test_api_creates_an_unscheduled_paper_with_same_name_authors(organizer_client, program):
    response = organizer_client.post(
        f"{API}/contributions/",
        {
            "conference": "mlsys2025",
            "title": "Two Zhiyuan Lius",
            "author_names": ["Zhiyuan Liu", "Zhiyuan Liu"],
            "keywords": ["LLM"],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert [a["slug"] for a in body["authors"]] == ["zhiyuan-liu", "zhiyuan-liu-2"]
    assert body["presentations"] == []
    moved = organizer_client.patch(
        f"{API}/contributions/{body['id']}/",
        {"conference": "other"},
        content_type="application/json",
    )
    assert moved.status_code == 400


# The database keeps a contribution, its people and its slots in one conference


def test_a_slot_cannot_present_another_conferences_paper_even_in_bulk(program):
    elsewhere = ContributionFactory(conference=ConferenceFactory(slug="elsewhere"))
    with pytest.raises(IntegrityError, match="same conference"), transaction.atomic():
        Poster.objects.bulk_create(
            [Poster(session=program["posters"], contribution=elsewhere, position=9)]
        )
    with pytest.raises(IntegrityError, match="same conference"), transaction.atomic():
        Poster.objects.filter(pk=program["first"].pk).update(contribution=elsewhere)


def test_a_paper_with_slots_or_people_cannot_move_to_another_conference(program):
    other = ConferenceFactory(slug="elsewhere")
    paper = program["first"].contribution
    with pytest.raises(IntegrityError, match="same conference"), transaction.atomic():
        Contribution.objects.filter(pk=paper.pk).update(conference=other)
    alone = ContributionFactory(conference=program["conference"])
    Contribution.objects.filter(pk=alone.pk).update(conference=other)  # nothing of it: may
    assert Contribution.objects.get(pk=alone.pk).conference == other


def test_deleting_a_slot_keeps_the_paper_and_deleting_the_paper_takes_its_slots(oral_and_poster):
    paper = oral_and_poster["paper"]
    oral_and_poster["oral_talk"].delete()
    assert Contribution.objects.filter(pk=paper.pk).exists()
    assert list(paper.posters.all()) == [oral_and_poster["first"]]
    paper.delete()
    assert not Poster.objects.filter(pk=oral_and_poster["first"].pk).exists()
    assert datetime.date(2025, 5, 15) in oral_and_poster["conference"].days


def test_the_paper_list_pages_keep_the_search(client, program):
    for n in range(101):
        ContributionFactory(conference=program["conference"], title=f"Unplaced {n:03d}")
    first = client.get("/mlsys2025/papers/", {"q": "unplaced", "unscheduled": "1"})
    page = first.content.decode()
    assert "Page 1 of 2" in page
    assert 'href="?q=unplaced&amp;unscheduled=1&amp;page=2"' in page
    second = client.get("/mlsys2025/papers/", {"q": "unplaced", "unscheduled": "1", "page": "2"})
    assert [c.title for c in second.context["page"]] == ["Unplaced 100"]
