"""An import's queries, pinned on real files: a fixed number whatever the file's size (no query
per record can come back), and an unchanged file is read and compared, never written.
``test_importing`` checks that ten times the papers costs the same queries."""

import datetime
import json
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from devtools.devdata.paper_list import paper_list
from devtools.management.commands.benchmark_import import moved
from program.importing.files import import_file
from program.importing.readers import detect
from program.models import Conference, Contribution, Poster, Talk

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent.parent / "data"
DEMOCON = DATA / "c3voc" / "pretalx-democon.json"  # 36 talks, 6 sessions, 43 speaker slots
PAPERS = DATA / "miniconf" / "papers.csv"  # 29 papers, 2 posters
CALENDAR = DATA / "miniconf" / "main_calendar.json"
WRITES = ("INSERT", "UPDATE", "DELETE")

# The queries, the same on SQLite and PostgreSQL (counted inside a test's transaction). Read and
# compared (15): the conference's zone, a savepoint and its release, the conference, the file's
# guids other conferences hold (3), then rooms, tracks, contributions, people, authorships,
# sessions, posters and talks. A change adds one write per model changed and two to touch the
# conference, and one to look for removed agenda items the import brings back (20 for a moved
# talk whose sessions are renumbered); a first import, the conference's checks and insert, one
# insert per model and the abstracts (32).
FIRST, PAPERS_FIRST, AGAIN, ONE_MOVE = 32, 21, 15, 20


def listed(queries) -> str:
    return "\n".join(q["sql"][:80] for q in queries.captured_queries)


def import_democon(data: bytes = DEMOCON.read_bytes()):
    return import_file(data, detect(data), slug="democon")


def writes(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().startswith(WRITES)]


def test_an_import_and_its_unchanged_re_import_take_a_fixed_number_of_queries():
    with CaptureQueriesContext(connection) as first:
        report = import_democon()
    assert "36 talks added" in report.summary()
    assert len(first) <= FIRST, listed(first)
    with CaptureQueriesContext(connection) as again:
        report = import_democon()
    assert report.changes == []
    assert len(again) <= AGAIN, listed(again)
    assert writes(again) == []  # no touch, no task queued, nothing


def test_a_re_import_that_moves_one_talk_writes_it_and_touches_the_conference_once():
    import_democon()
    document = json.loads(DEMOCON.read_text())
    event = document["schedule"]["conference"]["days"][0]["rooms"]["Gray Room"][0]
    event["date"] = event["date"].replace("09:00", "10:00")
    with CaptureQueriesContext(connection) as moved:
        report = import_democon(json.dumps(document).encode())
    assert "1 talk moved" in report.summary()
    assert len(moved) <= ONE_MOVE, listed(moved)
    assert Talk.objects.get(uid=event["guid"]).starts_at.hour == 9  # 10:00+01:00


def test_a_paper_list_and_its_unchanged_re_import_take_a_fixed_number_of_queries():
    Conference.objects.create(
        slug="iclr2020",
        name="ICLR 2020",
        timezone="UTC",
        start_date=datetime.date(2020, 4, 26),
        end_date=datetime.date(2020, 5, 1),
    )
    data, calendar = PAPERS.read_bytes(), CALENDAR.read_bytes()
    with CaptureQueriesContext(connection) as first:
        import_file(data, "miniconf", slug="iclr2020", calendar=calendar)
    assert len(first) <= PAPERS_FIRST, listed(first)
    assert Poster.objects.filter(session__conference__slug="iclr2020").count() == 2
    with CaptureQueriesContext(connection) as again:
        report = import_file(data, "miniconf", slug="iclr2020", calendar=calendar)
    assert report.changes == [] and writes(again) == []
    assert len(again) <= AGAIN, listed(again)


def test_posters_moved_to_other_sessions_cost_no_query_each():
    """Every 20th paper in another session: a few posters moved or ten times as many, the same
    queries (each poster's session as it was is at hand, not read again)."""
    counts, moves = [], []
    for papers in (40, 400):
        data, calendar = paper_list(papers=papers, author_slots=papers * 4)
        slug = f"list{papers}"
        import_file(data, "miniconf", slug=slug, calendar=calendar)
        with CaptureQueriesContext(connection) as queries:
            report = import_file(moved(data), "miniconf", slug=slug, calendar=calendar)
        moves.append(report.count("move", "poster"))
        counts.append(len(queries))
    assert 0 < moves[0] < moves[1] and counts[0] == counts[1], (moves, counts)


def test_abstracts_written_last_are_in_the_search_documents_with_people_and_sessions():
    """The importer writes new abstracts after people and slots (``abstracts_later``): the
    search finds a paper by its abstract, its speaker and its session as after any write."""
    import_democon()
    document = json.loads(DEMOCON.read_text())
    event = document["schedule"]["conference"]["days"][0]["rooms"]["Gray Room"][0]
    talk = Talk.objects.select_related("contribution", "session").get(uid=event["guid"])
    contribution = talk.contribution
    assert contribution.abstract
    word = max(contribution.abstract.split(), key=len).strip(".,;:!?()")
    speaker = event["persons"][0]["public_name"]
    session = talk.session.title.split()[0]
    for query in (word, speaker, session, f"{speaker} {word} {session}"):
        assert contribution in Contribution.objects.search(query), query
