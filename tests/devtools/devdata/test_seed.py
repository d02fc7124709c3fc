"""The MLSys 2025 fixture holds exactly the captured day, as devtools/devdata builds it.

The expected program is read here from the seed text with a parser of its own (regular
expressions over the whole text), independent of devtools/devdata/seed_parser.py, which the
fixture was built with.
"""

import datetime
import io
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from program.models import Authorship, Contribution, Person, Poster, Room, Session, Talk
from tests.factories import PACIFIC

pytestmark = pytest.mark.django_db

SOURCES = Path(settings.BASE_DIR) / "fixtures" / "source"
SEED = (SOURCES / "mlsys2025-thursday-seed.txt").read_text(encoding="utf-8")
FACTS = json.loads((SOURCES / "mlsys2025-thursday-facts.json").read_text(encoding="utf-8"))
DAY = datetime.date(2025, 5, 15)

HEADING = re.compile(
    r"^(?:(?P<kind>[A-Za-z ]+): )?(?P<title>.+?) Thu 15 May (?P<time>\d\d:\d\d [ap]\.m\.)\s*$"
    r"|^Invited Talk: (?P<speaker>.+)$",
    re.M,
)
POSTER = re.compile(
    r"^Poster\n(?P<authors>.+)\n\n\[ (?P<room>.+) \]\n\nAbstract\n(?P<abstract>.*)$", re.M
)


def expected_program() -> list[dict]:
    """The seed's items in order, each with its posters, read straight from the text."""
    headings = list(HEADING.finditer(SEED))
    items = []
    for index, heading in enumerate(headings):
        body_end = headings[index + 1].start() if index + 1 < len(headings) else len(SEED)
        body = SEED[heading.end() : body_end]
        if heading["speaker"]:
            blocks = [b for b in re.split(r"\n\s*\n", body) if b.strip(" \u00a0\n")]
            items.append(
                {
                    "heading": f"Invited Talk: {heading['speaker']}",
                    "time": None,
                    "talk": [block.strip("\n") for block in blocks[:4]],
                    "posters": [],
                }
            )
            continue
        kind, title = heading["kind"], heading["title"]
        items.append(
            {
                "heading": f"{kind}: {title}" if kind else title,
                "title": title,
                "time": heading["time"],
                "posters": [
                    {
                        "authors": match["authors"].split(" · "),
                        "room": match["room"],
                        "abstract": match["abstract"],
                    }
                    for match in POSTER.finditer(body)
                ],
            }
        )
    return items


@pytest.fixture
def seed_day(seed):
    """The seed conference and its Thursday's sessions in program order, with their posters."""
    return seed, list(Session.objects.for_day(seed, DAY).in_program_order().with_program())


def test_the_independent_reading_of_the_seed_finds_seven_items_and_twenty_posters():
    items = expected_program()
    assert len(items) == 7
    assert sum(len(item["posters"]) for item in items) == 20


def test_fixture_holds_the_seven_items_in_seed_order_with_their_times(seed_day):
    _, sessions = seed_day
    expected = expected_program()
    assert [s.heading for s in sessions] == [item["heading"] for item in expected]
    for session, item in zip(sessions, expected, strict=True):
        if item["time"] is None:
            assert session.starts_at is None
        else:
            local = session.starts_at.astimezone(PACIFIC)
            assert local.date() == DAY
            assert (
                local.strftime("%I:%M ") + ("a.m." if local.hour < 12 else "p.m.") == item["time"]
            )


def test_every_poster_has_its_authors_in_order_its_room_and_its_abstract_to_the_letter(seed_day):
    _, sessions = seed_day
    for session, item in zip(sessions, expected_program(), strict=True):
        posters = list(session.posters.all())
        assert len(posters) == len(item["posters"])
        for poster, expected in zip(posters, item["posters"], strict=True):
            assert [a.person.name for a in poster.ordered_people] == expected["authors"]
            assert poster.effective_room.name == expected["room"]
            assert poster.abstract == expected["abstract"]
            assert poster.effective_starts_at == session.starts_at


def test_poster_titles_come_from_the_facts_file(seed_day):
    _, sessions = seed_day
    by_first_author = {(f["session"], f["first_author"]): f for f in FACTS["posters"]}
    for session in sessions:
        for poster in session.posters.all():
            fact = by_first_author[(session.title, poster.ordered_people[0].person.name)]
            assert poster.title == fact["title"]
            assert poster.external_url == (fact["page"] or "")


def test_the_invited_talk_has_its_title_abstract_speaker_and_bio(seed_day):
    _, sessions = seed_day
    title, abstract, speaker, bio = next(i for i in expected_program() if "talk" in i)["talk"]
    talk = sessions[2].talks.get()
    assert (talk.title, talk.abstract) == (title, abstract)
    assert [s.person.name for s in talk.ordered_people] == [speaker] == ["Ling Liu"]
    assert talk.ordered_people.get().person.bio == bio
    assert bio.startswith("Ling Liu is a Professor") and bio.endswith("CISCO and IBM.")


def test_only_session_10_has_an_end_time_and_unknowns_stay_unknown(seed_day):
    conference, sessions = seed_day
    ends = {s.title: s.ends_at for s in sessions if s.ends_at}
    assert list(ends) == ["Session 10: LLM and Diffusion Model Serving"]
    assert (
        ends["Session 10: LLM and Diffusion Model Serving"].astimezone(PACIFIC).strftime("%H:%M %Z")
        == "14:40 PDT"
    )
    assert conference.venue == ""
    assert (conference.start_date, conference.end_date) == (
        datetime.date(2025, 5, 12),
        datetime.date(2025, 5, 15),
    )
    assert conference.timezone == "America/Los_Angeles"
    assert Room.objects.get().name == "Mission City Ballroom"
    assert [s.room for s in sessions if s.kind != "poster_session"] == [None, None, None]


def test_counts_people_and_the_authors_on_two_papers(seed_day):
    assert (Session.objects.count(), Poster.objects.count(), Talk.objects.count()) == (7, 20, 1)
    # 20 papers and one talk, each presented once; 140 author places and one speaker.
    assert Contribution.objects.count() == 21
    assert Contribution.objects.scheduled(False).count() == 0
    assert Authorship.objects.filter(contribution__posters__isnull=False).count() == 140
    assert Authorship.objects.filter(contribution__talks__isnull=False).count() == 1
    # The speaker is on the talk's contribution only: 131 authors of papers, and one more person.
    authors = Person.objects.filter(authorships__contribution__posters__isnull=False).distinct()
    assert authors.count() == 131
    assert Person.objects.filter(authorships__isnull=False).distinct().count() == 132
    assert Person.objects.count() == 132
    twice = {p.name for p in authors if p.authorships.count() == 2}
    assert len(twice) == 9
    assert "Ana Klimovic" in twice


@pytest.mark.parametrize(
    "text",
    ["BOYUAN FENG", "Maximilian Böther", "YOUHE JIANG", "Bin CUI", "XINYANG JIANG"],
)
def test_names_are_kept_exactly_as_printed(seed_day, text):
    assert Person.objects.filter(name=text).exists()


def test_abstracts_keep_latex_and_the_trailing_ellipsis(seed_day):
    assert Poster.objects.filter(
        contribution__abstract__contains="upto $1.16\\times$ with respect"
    ).exists()
    assert Poster.objects.filter(contribution__abstract__contains="34.4$\\times$ higher").exists()
    cut = Poster.objects.filter(contribution__abstract__endswith="…")
    assert cut.count() == SEED.count("…\n") + SEED.endswith("…")
    assert cut.filter(contribution__abstract__endswith="scale to a dataset …").exists()


def test_the_committed_fixture_is_what_the_sources_build():
    out = io.StringIO()
    call_command("build_program_fixture", check=True, stdout=out)
    assert "matches its sources" in out.getvalue()


def test_the_check_fails_when_the_fixture_was_edited_by_hand(tmp_path):
    edited = tmp_path / "edited.json"
    edited.write_text(settings.PROGRAM_FIXTURE.read_text().replace("Marconi", "Marconni"))
    with pytest.raises(CommandError, match="is not what the sources give"):
        call_command("build_program_fixture", check=True, output=edited)


def test_a_malformed_seed_is_refused_with_its_line_number(tmp_path):
    broken = tmp_path / "seed.txt"
    broken.write_text(SEED.replace("\nAbstract\nWe present JaxPP", "\nWe present JaxPP", 1))
    with pytest.raises(CommandError, match=r"line \d+: expected 'Abstract'"):
        call_command("build_program_fixture", seed=broken, output=tmp_path / "out.json")
    assert not (tmp_path / "out.json").exists()
