"""Every program page runs a fixed number of queries, however large the program."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from program.models import BoardSpot, FloorPlan, Poster, SessionKind
from program.search import similar
from tests.factories import (
    ConferenceFactory,
    PersonFactory,
    RoomFactory,
    SessionFactory,
    make_poster,
    make_talk,
)

pytestmark = pytest.mark.django_db


def build_program(conference, sessions: int, posters: int, authors: int):
    room = RoomFactory(conference=conference)
    shared = PersonFactory(name="Ana Klimovic", conference=conference)
    for s in range(sessions):
        session = SessionFactory(conference=conference, room=room, position=s)
        for p in range(posters):
            make_poster(session, authors=[shared, *[f"A{s}-{p}-{a}" for a in range(authors)]])
    talk_session = SessionFactory(
        conference=conference, kind=SessionKind.KEYNOTE, position=sessions, starts_at=None
    )
    make_talk(talk_session, speakers=["Ling Liu"])
    # Every poster on a board placed on the room's floor plan (poster, room, day pages show it).
    plan = FloorPlan(room=room)
    plan.set_picture(b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 50"/>')
    plan.save()
    for number, poster in enumerate(Poster.objects.filter(session__room=room), start=1):
        poster.board = str(number)
        poster.save()
        BoardSpot.objects.create(plan=plan, board=str(number), x=0.5, y=0.5)
    return shared


def paths_for(conference, shared):
    session = conference.sessions.order_by("position").first()
    poster = session.posters.order_by("position").first()
    talk = conference.sessions.get(kind=SessionKind.KEYNOTE).talks.get()
    slug = conference.slug
    return [
        f"/{slug}/",
        f"/{slug}/2025-05-15/",
        f"/{slug}/sessions/{session.pk}/",
        f"/{slug}/posters/{poster.pk}/",
        f"/{slug}/talks/{talk.pk}/",
        f"/{slug}/people/{shared.slug}/",
        f"/{slug}/rooms/{session.room.pk}/",
        f"/{slug}/search/?q=ana",
        f"/{slug}/search/?q=a0&kind=poster_session&day=2025-05-15",
        f"/{slug}/schedule.ics",
        f"/{slug}/sessions/{session.pk}.ics",
    ]


def test_every_page_runs_the_same_number_of_queries_for_a_small_and_a_larger_program(
    client, django_assert_num_queries
):
    small = ConferenceFactory(slug="small")
    large = ConferenceFactory(slug="large")
    small_person = build_program(small, sessions=1, posters=1, authors=1)
    large_person = build_program(large, sessions=4, posters=15, authors=4)
    for small_path, large_path in zip(
        paths_for(small, small_person), paths_for(large, large_person), strict=True
    ):
        with CaptureQueriesContext(connection) as small_queries:
            assert client.get(small_path).status_code == 200, small_path
        with django_assert_num_queries(len(small_queries), info=large_path):
            assert client.get(large_path).status_code == 200, large_path


def generated_paths(slug: str) -> list[str]:
    from program.models import Person, Poster, Talk

    conference = ConferenceFactory._meta.model.objects.get(slug=slug)
    poster = Poster.objects.filter(session__conference=conference).order_by("pk").first()
    talk = Talk.objects.filter(session__conference=conference).order_by("pk").first()
    person = Person.objects.filter(authorships__contribution__posters=poster).first()
    return [
        f"/{slug}/",
        f"/{slug}/{conference.start_date}/",
        f"/{slug}/sessions/{poster.session.pk}/",
        f"/{slug}/posters/{poster.pk}/",
        f"/{slug}/talks/{talk.pk}/",
        f"/{slug}/people/{person.slug}/",
        f"/{slug}/search/?q=caching",
        f"/{slug}/schedule.ics",
        f"/{slug}/schedule.json",
        f"/{slug}/schedule.xml",
    ]


# The most queries each page may run, whatever the program's size. Prefetches that find nothing
# to prefetch are skipped, so a smaller program can run fewer; never more. The same bounds were
# measured on the 4,500-poster program (manage.py benchmark_pages). Since contributions, the
# conference page counts its accepted papers not scheduled yet (one query more) and a poster's or
# talk's page lists every slot of its paper (two more: its posters and its talks), and a person's
# page lists their accepted papers not scheduled yet (one more). Every page under the conference's
# header reads the days that have program, for its day tabs (one more; the overview knows them
# from its own sessions). Every page (search too, not the exports) reads the published program's
# version across conferences once, for its ETag and the anonymous page cache (one more). A
# poster's or talk's page lists its paper's similar papers with their people (two more). Where
# posters have boards, the day and session pages read which rooms have a floor plan (one more)
# and a poster's page its board's place on the plan (one more). The day page reads its sessions
# once for the timeline and once more, with their program, for the blocks not kept (one more).
# An anonymous request that is not answered from the kept copies before the middleware stack reads
# the program.s version first (web/caching.py; one more on every path). Search counts its
# talks for their own result pages, as it does posters (one more). Search reads the people of
# its three lists of results in one query, as names (Contribution.attach_names), where each list
# had a query of its own. The overview reads the tracks of each day's talks and posters, and the
# tracks, for its day cards (three more).
QUERY_BOUNDS = [8, 11, 9, 12, 11, 9, 16, 7, 9, 9]


def test_generated_programs_of_two_sizes_stay_within_the_same_query_bounds(
    client, django_assert_max_num_queries
):
    from devtools.devdata.generation import generate_program

    generate_program(slug="gsmall", posters=12, sessions=10, days=2, people=40, rooms=2, talks=4)
    generate_program(slug="glarge", posters=400, sessions=24, days=3, people=900, rooms=5)
    for conference in ConferenceFactory._meta.model.objects.all():
        similar.refresh(conference)  # what the task runner does after the program changes
    for slug in ("gsmall", "glarge"):
        for path, bound in zip(generated_paths(slug), QUERY_BOUNDS, strict=True):
            with django_assert_max_num_queries(bound, info=path):
                assert client.get(path).status_code == 200, path
