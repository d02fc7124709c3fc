"""Loading a day's program costs the same few queries however big the day is."""

import datetime
from unittest.mock import ANY

import pytest

from program.models import Contribution, Person, Poster, Session, SessionKind
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


def test_results_load_in_two_queries_and_what_they_leave_out_in_one_more(
    django_assert_num_queries,
):
    """Lists of results leave abstracts and people's biographies in the database; a template
    that reads one anyway costs one query for the whole list, not one per row (FETCH_PEERS)."""
    conference = ConferenceFactory()
    build_day(conference, sessions=3, posters=4, authors=3)
    Person.objects.update(bio="A long biography.")
    Contribution.objects.update(abstract="A long abstract.")
    with django_assert_num_queries(2):
        posters = list(Poster.objects.for_conference(conference).in_program_order().as_results())
        people = [a.person for poster in posters for a in poster.ordered_people]
        shown = [
            (poster.title, poster.session.heading, poster.get_absolute_url()) for poster in posters
        ]
        names = [(person.name, person.slug, person.conference_id) for person in people]
    assert len(shown) == 12 and len(names) == 36
    assert names[:3] == [
        ("Author 0-0", ANY, conference.pk),
        ("Author 0-1", ANY, conference.pk),
        ("Author 0-2", ANY, conference.pk),
    ]
    with django_assert_num_queries(1):
        assert {poster.abstract for poster in posters} == {"A long abstract."}
    with django_assert_num_queries(1):
        assert {person.bio for person in people} == {"A long biography."}

    papers = Contribution.objects.for_conference(conference).order_by("title").as_results()
    with django_assert_num_queries(2):
        listed = [
            (paper.get_absolute_url(), [a.person.name for a in paper.ordered_people])
            for paper in papers
        ]
    assert len(listed) == 13 and all(people for _, people in listed)
    with django_assert_num_queries(1):
        assert {paper.abstract for paper in papers} == {"A long abstract."}
