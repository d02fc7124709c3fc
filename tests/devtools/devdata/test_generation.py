"""The generated program: the size asked for, reproducible, realistic, valid by the models."""

import collections
import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Q

from devtools.devdata.generation import generate_program
from program.models import (
    Authorship,
    Conference,
    Contribution,
    Person,
    Poster,
    Room,
    Session,
    SessionKind,
    Talk,
)

pytestmark = pytest.mark.django_db

SMALL = {"posters": 60, "sessions": 8, "days": 3, "people": 200, "rooms": 3}
MEDIUM = {"posters": 200, "sessions": 30, "days": 3, "people": 600, "rooms": 4}


def run(**options) -> str:
    out = io.StringIO()
    call_command("generate_program", stdout=out, **options)
    return out.getvalue()


def canonical(slug: str) -> dict:
    """Everything a fixture of the conference would hold, without database ids."""
    sessions = Session.objects.filter(conference__slug=slug).select_related("room", "conference")
    posters = Poster.objects.filter(session__conference__slug=slug).with_people().order_by("uid")
    talks = Talk.objects.filter(session__conference__slug=slug).with_people().order_by("uid")
    conference = Conference.objects.get(slug=slug)
    return {
        "conference": (conference.name, conference.timezone, conference.start_date),
        "rooms": list(Room.objects.filter(conference=conference).values_list("name", flat=True)),
        "sessions": [
            (s.uid, s.kind, s.title, s.day, s.position, s.starts_at, s.ends_at, str(s.room))
            for s in sessions.order_by("uid")
        ],
        "posters": [
            (
                p.uid,
                p.session.uid,
                p.position,
                p.title,
                p.abstract,
                [(a.person.slug, a.person.name, a.person.affiliation) for a in p.ordered_people],
            )
            for p in posters
        ],
        "talks": [
            (
                t.uid,
                t.title,
                t.starts_at,
                [(s.person.slug, s.person.bio) for s in t.ordered_people],
            )
            for t in talks
        ],
    }


def test_it_makes_the_program_size_asked_for():
    summary = generate_program(slug="gen", talks=7, **SMALL)
    conference = summary.conference
    assert Session.objects.filter(conference=conference).count() == summary.sessions == 8
    assert Poster.objects.filter(session__conference=conference).count() == summary.posters == 60
    # Seven talks of their own, and two papers also presented as talks (spotlights, on top).
    assert Talk.objects.filter(session__conference=conference).count() == summary.talks == 7 + 2
    assert Talk.objects.filter(contribution__posters__isnull=True).count() == 7
    assert Person.objects.count() == summary.people == 200
    assert conference.rooms.count() == summary.rooms == 3
    assert len(conference.days) == 3 and conference.start_date == datetime.date(2026, 7, 13)
    assert conference.is_published and conference.timezone == "Europe/Berlin"
    assert Authorship.objects.count() == summary.authorships
    # 60 papers and 7 talks, two of the papers also presented as talks, one accepted but not
    # scheduled yet.
    assert Contribution.objects.count() == summary.contributions == 60 + 7 + 1
    assert Talk.objects.filter(contribution__posters__isnull=False).count() == 2
    assert Contribution.objects.scheduled(False).count() == summary.unscheduled == 1
    # Everyone generated is on the program.
    assert not Person.objects.filter(authorships__isnull=True).exists()


def test_the_same_arguments_give_the_same_program_and_another_seed_another():
    run(slug="gen", **SMALL)
    first = canonical("gen")
    output = run(slug="gen", replace=True, **SMALL)
    assert "Deleted the earlier gen." in output
    assert canonical("gen") == first
    assert Person.objects.count() == SMALL["people"]  # the replaced program's people went with it
    run(slug="gen", replace=True, seed=2, **SMALL)
    second = canonical("gen")
    assert second["sessions"] != first["sessions"]
    assert second["posters"] != first["posters"]


def test_sessions_fall_on_their_day_between_nine_and_six_in_the_conference_zone():
    summary = generate_program(slug="gen", timezone="America/Los_Angeles", **MEDIUM)
    conference = summary.conference
    zone = conference.zone
    sessions = list(Session.objects.filter(conference=conference).order_by("day", "position"))
    assert {s.day for s in sessions} == set(conference.days)
    for session in sessions:
        if session.starts_at is None:
            assert session.ends_at is None
            continue
        starts, ends = session.starts_at.astimezone(zone), session.ends_at.astimezone(zone)
        assert starts.date() == ends.date() == session.day
        assert datetime.time(9) <= starts.time() < ends.time() <= datetime.time(18)
    assert 1 <= summary.untimed_sessions == sum(s.starts_at is None for s in sessions) < 5
    by_day = collections.defaultdict(list)
    for session in sessions:
        by_day[session.day].append(session.kind)
    assert all(kinds[0] == SessionKind.REGISTRATION for kinds in by_day.values())
    assert SessionKind.OPENING_REMARKS in by_day[conference.start_date]
    assert SessionKind.CLOSING_REMARKS in by_day[conference.end_date]
    kinds = collections.Counter(s.kind for s in sessions)
    assert {SessionKind.POSTER_SESSION, SessionKind.ORAL_SESSION, SessionKind.KEYNOTE} <= set(kinds)
    assert {SessionKind.INVITED_TALK, SessionKind.BREAK} <= set(kinds)
    assert Poster.objects.exclude(session__kind=SessionKind.POSTER_SESSION).count() == 0


def test_everything_generated_passes_the_models_validation():
    summary = generate_program(slug="gen", timezone="Asia/Tokyo", **MEDIUM)
    conference = summary.conference
    conference.full_clean()
    for room in conference.rooms.all():
        room.full_clean()
    for session in Session.objects.filter(conference=conference).select_related("conference"):
        session.full_clean()
    for talk in Talk.objects.filter(session__conference=conference).select_related("session"):
        talk.full_clean()
    for poster in Poster.objects.filter(session__conference=conference)[:40]:
        poster.full_clean()
    for person in Person.objects.order_by("?")[:60]:
        person.full_clean()
    for authorship in Authorship.objects.order_by("?")[:40]:
        authorship.full_clean()


def test_posters_take_time_and_room_from_their_session_and_talks_keep_within_theirs():
    generate_program(slug="gen", **MEDIUM)
    assert not Poster.objects.filter(starts_at__isnull=False).exists()
    assert not Poster.objects.filter(room__isnull=False).exists()
    assert Poster.objects.filter(session__room__isnull=False).count() == 200
    for talk in Talk.objects.filter(starts_at__isnull=False).select_related("session"):
        assert talk.session.starts_at <= talk.starts_at < talk.ends_at <= talk.session.ends_at


def test_authors_are_mostly_three_to_eight_and_some_people_are_on_many_papers():
    generate_program(slug="gen", **MEDIUM)
    counts = list(
        Poster.objects.annotate(n=Count("contribution__authorships")).values_list("n", flat=True)
    )
    assert min(counts) >= 1 and max(counts) <= 15
    assert sum(3 <= n <= 8 for n in counts) > len(counts) * 0.6
    for poster in Poster.objects.with_people():
        positions = [a.position for a in poster.ordered_people]
        assert sorted(positions) == list(range(1, len(positions) + 1))
    # Papers with a poster, as before talks and papers shared the authorship table.
    on_posters = Q(authorships__contribution__posters__isnull=False)
    papers = sorted(
        Person.objects.annotate(
            n=Count("authorships", filter=on_posters, distinct=True)
        ).values_list("n", flat=True),
        reverse=True,
    )
    assert papers[0] >= 8  # a few people are on many papers ...
    assert papers[len(papers) // 2] <= 2  # ... most on one or two
    assert Person.objects.exclude(affiliation="").count() > 0.8 * len(papers)


def test_names_include_accents_and_capitals_and_namesakes_get_distinct_slugs():
    generate_program(slug="gen", **MEDIUM)
    names = list(Person.objects.values_list("name", flat=True))
    assert any(not name.isascii() for name in names)
    assert any(any(len(w) > 1 and w.isupper() for w in name.split()) for name in names)
    assert any(character in "".join(names) for character in "öñøü")
    namesakes = [name for name, n in collections.Counter(names).items() if n > 1]
    assert namesakes
    slugs = Person.objects.filter(name=namesakes[0]).values_list("slug", flat=True)
    base = Person.slug_base(namesakes[0])
    assert base in slugs and f"{base}-2" in slugs


def test_keynotes_and_invited_talks_have_one_speaker_with_a_bio():
    generate_program(slug="gen", **MEDIUM)
    plenaries = Talk.objects.filter(
        session__kind__in=[SessionKind.KEYNOTE, SessionKind.INVITED_TALK]
    ).with_people()
    assert plenaries
    for talk in plenaries:
        (speakership,) = talk.ordered_people
        assert speakership.person.name in speakership.person.bio
        assert speakership.person.affiliation
        assert talk.session.title == talk.title


def test_abstracts_have_100_to_250_words_with_a_little_tex_emphasis_links_and_cut_off_ends():
    generate_program(slug="gen", **MEDIUM)
    abstracts = list(Poster.objects.values_list("contribution__abstract", flat=True))
    abstracts += Talk.objects.values_list("contribution__abstract", flat=True)
    assert all(100 <= len(abstract.split()) <= 250 for abstract in abstracts)
    assert 0.1 < sum("$" in abstract for abstract in abstracts) / len(abstracts) < 0.9
    assert any("*" in abstract for abstract in abstracts)
    assert any("https://" in abstract for abstract in abstracts)
    assert any(abstract.endswith("…") for abstract in abstracts)


def test_two_generated_conferences_share_a_database_and_replacing_one_keeps_the_other():
    generate_program(slug="one", **SMALL)
    generate_program(slug="two", **SMALL)
    assert Person.objects.count() == 2 * SMALL["people"]
    two = canonical("two")

    # Same seed, same names: people are per conference, so the second's are records of their
    # own with the same slugs as the first's, never the first's people.
    def authors(canonical_program: dict) -> list:
        return sorted(people for *_, people in canonical_program["posters"])

    assert authors(canonical("one")) == authors(two)
    assert not Person.objects.filter(
        conference__slug="one",
        authorships__contribution__posters__session__conference__slug="two",
    ).exists()
    run(slug="one", replace=True, **SMALL)
    assert canonical("two") == two
    assert Person.objects.count() == 2 * SMALL["people"]


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"posters": -1}, "--posters must be at least 0"),
        ({"days": 0}, "--days must be at least 1"),
        ({"timezone": "Mars/Base"}, "Mars/Base is not a known time zone"),
        ({"sessions": 4}, "--sessions 4 is too few"),
        ({"sessions": 500}, "--sessions 500 is more than fit"),
        ({"people": 5000}, "--people 5000 is more than the program can name"),
        ({"slug": "admin"}, "reserved"),
        ({"slug": "no spaces"}, "slug"),
    ],
)
def test_bad_arguments_are_refused_with_a_clear_message_and_nothing_is_written(bad, message):
    run(slug="kept", **SMALL)
    before = canonical("kept"), Person.objects.count()
    with pytest.raises(CommandError, match=message):
        run(**{"slug": "bad", **SMALL, **bad})
    assert list(Conference.objects.values_list("slug", flat=True)) == ["kept"]
    assert (canonical("kept"), Person.objects.count()) == before


def test_an_existing_slug_without_replace_is_refused_and_left_as_it_was():
    run(slug="taken", **SMALL)
    before = canonical("taken"), Person.objects.count()
    with pytest.raises(CommandError, match="pass --replace"):
        run(slug="taken", seed=3, **SMALL)
    assert (canonical("taken"), Person.objects.count()) == before


def test_the_command_says_what_it_made_and_how_long_it_took():
    output = run(slug="gen", **SMALL)
    assert "Generated GEN (gen), 2026-07-13 to 2026-07-15 in Europe/Berlin, in " in output
    # Five talks of their own and two spotlights of papers.
    assert "3 rooms, 8 sessions (1 without a known time), 60 posters, 7 talks" in output
    assert "66 papers and talks (1 not scheduled yet)" in output
    assert "200 people" in output


def test_a_generated_program_leaves_fresh_planner_statistics(django_capture_on_commit_callbacks):
    """PostgreSQL's planner knows the new rows at once (program/planner.py): without it, it
    expected 6 people in a conference of 20,000 and searches took twice as long."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("planner statistics are PostgreSQL's; SQLite keeps none (CI runs both)")
    with django_capture_on_commit_callbacks(execute=True):
        generate_program(slug="stats", posters=30, sessions=6, days=1, people=150, rooms=2)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE relname IN ('program_person', 'program_poster')"
            " ORDER BY relname"
        )
        assert [row[0] for row in cursor.fetchall()] == [150, 30]
