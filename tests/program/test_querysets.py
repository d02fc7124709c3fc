"""Loading a day's program costs the same few queries however big the day is."""

import datetime
from unittest.mock import ANY

import pytest

from program.models import Contribution, Poster, Session, SessionKind
from program.models.contributions import PersonName
from tests.factories import ConferenceFactory, RoomFactory, SessionFactory, make_poster, make_talk

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 5, 15)


def build_day(conference, sessions: int, posters: int, authors: int) -> None:
    room = RoomFactory(conference=conference)
    for s in range(sessions):
        session = SessionFactory(conference=conference, room=room, position=s)
        for _ in range(posters):
            make_poster(session, authors=[f"Author {s}-{a}" for a in range(authors)])
    talk_session = SessionFactory(
        conference=conference, kind=SessionKind.INVITED_TALK, starts_at=None, position=sessions
    )
    make_talk(talk_session, speakers=["Ling Liu"])


def read_everything(conference) -> list[str]:
    """Touch every field a day page shows; return the author names."""
    names = []
    for session in Session.objects.for_day(conference, DAY).in_program_order().with_program():
        _ = session.heading, session.conference.zone, session.room
        for poster in session.posters.all():
            _ = poster.effective_room, poster.effective_starts_at
            names += [authorship.person.name for authorship in poster.ordered_people]
        for talk in session.talks.all():
            names += [s.person.name for s in talk.ordered_people]
    return names


def test_a_days_program_loads_in_five_queries_whatever_its_size(django_assert_num_queries):
    small, large = ConferenceFactory(slug="small"), ConferenceFactory(slug="large")
    build_day(small, sessions=1, posters=1, authors=1)
    build_day(large, sessions=6, posters=12, authors=5)

    with django_assert_num_queries(5):
        small_names = read_everything(small)
    with django_assert_num_queries(5):
        large_names = read_everything(large)

    assert len(small_names) == 1 + 1
    assert len(large_names) == 6 * 12 * 5 + 1


def test_authors_come_back_in_their_printed_order():
    conference = ConferenceFactory()
    session = SessionFactory(conference=conference)
    printed = ["Yixin Dong", "Charlie Ruan", "Yaxing Cai", "Ziyi Xu", "Yilong Zhao"]
    make_poster(session, authors=printed)
    loaded = Session.objects.for_day(conference, DAY).with_program().get()
    assert [a.person.name for a in loaded.posters.get().ordered_people] == printed


def test_published_hides_draft_conferences():
    SessionFactory(conference=ConferenceFactory(slug="draft", is_published=False))
    shown = SessionFactory(conference=ConferenceFactory(slug="live", is_published=True))
    assert list(Session.objects.visible_to(None)) == [shown]


def test_results_and_their_people_load_in_one_query_each_whatever_their_number(
    django_assert_num_queries,
):
    """Lists of results leave abstracts in the database and get their people's names and
    slugs in one query for every list at once; a template that reads what was left out costs
    one query for the whole list, not one per row (FETCH_PEERS)."""
    conference = ConferenceFactory()
    build_day(conference, sessions=3, posters=4, authors=3)
    Contribution.objects.update(abstract="A long abstract.")
    with django_assert_num_queries(3):
        posters = list(Poster.objects.for_conference(conference).in_program_order().as_results())
        papers = list(Contribution.objects.for_conference(conference).order_by("pk").as_results())
        Contribution.attach_names(posters, papers, [])
        shown = [
            (poster.title, poster.session.heading, poster.get_absolute_url()) for poster in posters
        ]
        links = [paper.get_absolute_url() for paper in papers]
    assert len(shown) == 12 and len(links) == 13
    first = posters[0]
    assert first.names == [
        PersonName(a.person.name, a.person.slug) for a in first.contribution.ordered_people
    ]
    assert [name.name for name in first.names] == ["Author 0-0", "Author 0-1", "Author 0-2"]
    assert papers[0].names == first.names  # the same contribution, from either list
    assert papers[-1].names == [PersonName("Ling Liu", ANY)]  # the talk's speaker
    with django_assert_num_queries(1):
        assert {poster.abstract for poster in posters} == {"A long abstract."}
    with django_assert_num_queries(1):
        assert {paper.abstract for paper in papers} == {"A long abstract."}
    with django_assert_num_queries(0):
        Contribution.attach_names([], [])
