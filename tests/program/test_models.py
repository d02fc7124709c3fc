"""The program's rules: validation messages in clean(), constraints in the database."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from program.models import (
    Authorship,
    Conference,
    Contribution,
    Person,
    Poster,
    Session,
    SessionKind,
    Talk,
    guess_kind,
)
from program.models.links import labelled
from tests.factories import (
    ConferenceFactory,
    PersonFactory,
    PosterFactory,
    RoomFactory,
    SessionFactory,
    make_poster,
    make_talk,
    pacific,
)

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def test_conference_accepts_an_iana_time_zone_and_refuses_others():
    conference = ConferenceFactory.build(timezone="America/Los_Angeles")
    conference.full_clean()
    assert conference.zone == zoneinfo.ZoneInfo("America/Los_Angeles")
    for bad in ("Mars/Olympus_Mons", "PDT-ish", " America/Los_Angeles", "../etc/passwd", ""):
        conference.timezone = bad
        with pytest.raises(ValidationError) as error:
            conference.full_clean()
        assert "timezone" in error.value.message_dict


def test_conference_lists_its_days_from_start_to_end():
    conference = ConferenceFactory.build(
        start_date=datetime.date(2025, 5, 12), end_date=datetime.date(2025, 5, 15)
    )
    assert conference.days == [datetime.date(2025, 5, d) for d in (12, 13, 14, 15)]


def test_conference_cannot_end_before_it_starts_in_clean_and_in_the_database():
    conference = ConferenceFactory.build(
        slug="backwards", start_date=datetime.date(2025, 5, 15), end_date=datetime.date(2025, 5, 1)
    )
    with pytest.raises(ValidationError, match="cannot end before it starts"):
        conference.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        conference.save()


def test_conference_slugs_are_unique():
    ConferenceFactory(slug="mlsys2025")
    with pytest.raises(IntegrityError), transaction.atomic():
        Conference.objects.create(
            slug="mlsys2025",
            name="Again",
            timezone="UTC",
            start_date=datetime.date(2025, 1, 1),
            end_date=datetime.date(2025, 1, 2),
        )


def test_person_slugs_are_unique_in_a_conference_and_names_are_kept_as_printed():
    person = PersonFactory(name="Maximilian Böther", slug="maximilian-bother")
    person.refresh_from_db()
    assert person.name == "Maximilian Böther"
    assert Person.slug_base("Maximilian Böther") == "maximilian-bother"
    assert Person.slug_base("BOYUAN FENG") == "boyuan-feng"
    assert Person.slug_base("···") == "person"
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonFactory(name="Another Böther", slug="maximilian-bother")


def test_person_slugs_are_unique_per_conference_only():
    first = PersonFactory(name="Ling Liu", slug="ling-liu")
    other = ConferenceFactory(slug="other")
    assert PersonFactory(conference=other, name="Ling Liu", slug="ling-liu").pk != first.pk
    with pytest.raises(ValidationError) as error:
        PersonFactory.build(conference=other, name="Ling Liu", slug="ling-liu").full_clean()
    assert error.value.messages == ["Another person of this conference has this slug."]


def test_links_are_typed_web_addresses(seed):
    homepage = {"kind": "homepage", "url": "https://example.org/ling"}
    person = PersonFactory.build(slug="ling-liu-2", links=[homepage])
    person.full_clean()
    poster = Poster.objects.first()
    paper = poster.contribution  # a poster's links are its contribution's
    paper.links = [{"kind": "code", "url": "https://github.com/x/y"}, homepage]
    paper.full_clean()
    assert labelled(poster.links) == [
        ("Code", "https://github.com/x/y"),
        ("Homepage", "https://example.org/ling"),
    ]
    bad_links = (
        [{"kind": "homepage", "url": "javascript:alert(1)"}],
        [{"kind": "homepage", "url": "ftp://example.org/paper"}],
        [{"kind": "tiktok", "url": "https://example.org"}],
        [{"kind": "paper", "url": "https://example.org", "title": "extra key"}],
        [{"kind": "paper", "url": 42}],
        ["https://example.org/a-bare-url"],
        "https://example.org",
        [42],
    )
    for bad in bad_links:
        for owner in (person, paper):
            owner.links = bad
            with pytest.raises(ValidationError) as error:
                owner.full_clean()
            assert "links" in error.value.message_dict, bad


def test_a_bare_urls_kind_is_guessed_from_its_host():
    assert guess_kind("https://orcid.org/0000-0002-1825-0097") == "orcid"
    assert guess_kind("https://www.github.com/apache/tvm") == "code"
    assert guess_kind("https://arxiv.org/abs/2501.00001") == "paper"
    assert guess_kind("https://example.org/~ling", "homepage") == "homepage"
    assert guess_kind("not a url") == "other"


def test_session_heading_reads_like_the_conference_page():
    assert (
        SessionFactory.build(title="Session 9: Parallel").heading == "Poster: Session 9: Parallel"
    )
    assert (
        SessionFactory.build(
            kind=SessionKind.REGISTRATION, title="Registration and Check-in"
        ).heading
        == "Registration Desk: Registration and Check-in"
    )
    assert (
        SessionFactory.build(kind=SessionKind.CLOSING_REMARKS, title="Closing Remarks").heading
        == "Closing Remarks"
    )
    assert SessionFactory.build(kind=SessionKind.OTHER, title="Lunch").heading == "Lunch"


def test_session_end_before_start_is_refused_with_a_message_and_by_the_database():
    session = SessionFactory(starts_at=pacific(10), ends_at=None)
    session.ends_at = pacific(9)
    with pytest.raises(ValidationError) as error:
        session.full_clean()
    assert error.value.message_dict["ends_at"] == ["The end time must be after the start time."]
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.filter(pk=session.pk).update(ends_at=pacific(9))


def test_session_end_without_a_start_is_refused():
    session = SessionFactory.build(starts_at=None, ends_at=pacific(9))
    with pytest.raises(ValidationError) as error:
        session.full_clean()
    assert "ends_at" in error.value.message_dict


def test_session_without_a_known_time_is_valid_and_keeps_its_place_in_the_day():
    conference = ConferenceFactory()
    first = SessionFactory(conference=conference, position=1, starts_at=pacific(8, 30))
    untimed = SessionFactory(
        conference=conference, position=2, starts_at=None, kind=SessionKind.INVITED_TALK
    )
    later = SessionFactory(conference=conference, position=3, starts_at=pacific(13, 15))
    untimed.full_clean()
    day = Session.objects.for_day(conference, datetime.date(2025, 5, 15)).in_program_order()
    assert list(day) == [first, untimed, later]


def test_session_time_must_fall_on_its_day_in_the_conference_zone():
    # 23:30 in Santa Clara on the 14th is already the 15th in UTC: the zone decides, not UTC.
    session = SessionFactory.build(
        conference=ConferenceFactory(),
        day=datetime.date(2025, 5, 15),
        starts_at=pacific(23, 30, 14),
    )
    with pytest.raises(ValidationError) as error:
        session.full_clean()
    assert "2025-05-14" in error.value.message_dict["starts_at"][0]
    session.day = datetime.date(2025, 5, 14)
    session.full_clean()


def test_session_day_must_be_within_the_conference_dates():
    session = SessionFactory.build(
        conference=ConferenceFactory(), day=datetime.date(2025, 6, 1), starts_at=None
    )
    with pytest.raises(ValidationError) as error:
        session.full_clean()
    assert "outside" in error.value.message_dict["day"][0]


def test_session_room_must_belong_to_the_sessions_conference():
    conference, other = ConferenceFactory(), ConferenceFactory()
    session = SessionFactory.build(conference=conference, room=RoomFactory(conference=other))
    with pytest.raises(ValidationError) as error:
        session.full_clean()
    assert f"belongs to {other}" in error.value.message_dict["room"][0]


def test_room_names_are_unique_within_a_conference_only():
    conference = ConferenceFactory()
    RoomFactory(conference=conference, name="Mission City Ballroom")
    RoomFactory(name="Mission City Ballroom")  # another conference
    with pytest.raises(IntegrityError), transaction.atomic():
        RoomFactory(conference=conference, name="Mission City Ballroom")


def test_poster_takes_time_and_room_from_its_session_unless_set():
    room = RoomFactory()
    session = SessionFactory(
        conference=room.conference, room=room, starts_at=pacific(13, 15), ends_at=pacific(14, 40)
    )
    poster = PosterFactory(session=session)
    assert poster.effective_room == room
    assert poster.effective_starts_at == pacific(13, 15)
    assert poster.effective_ends_at == pacific(14, 40)
    assert poster.conference == room.conference

    own_room = RoomFactory(conference=room.conference, name="Hall B")
    poster.room, poster.starts_at, poster.ends_at = own_room, pacific(13, 30), None
    assert poster.effective_room == own_room
    assert poster.effective_starts_at == pacific(13, 30)
    assert poster.effective_ends_at is None  # the session's end says nothing about the new time


def test_poster_room_of_another_conference_is_refused():
    poster = PosterFactory.build(session=SessionFactory(), room=RoomFactory())
    with pytest.raises(ValidationError) as error:
        poster.full_clean()
    assert "room" in error.value.message_dict


def test_poster_end_before_start_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        PosterFactory(starts_at=pacific(10), ends_at=pacific(9))


def test_author_positions_are_unique_and_one_person_is_listed_once_per_poster():
    ana = PersonFactory(name="Ana Klimovic")
    poster = make_poster(SessionFactory(conference=ana.conference), authors=[ana, "Max Böther"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Authorship.objects.create(
            contribution=poster.contribution, person=PersonFactory(), position=1
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Authorship.objects.create(contribution=poster.contribution, person=ana, position=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        Authorship.objects.create(
            contribution=poster.contribution, person=PersonFactory(), position=0
        )


def test_speaker_positions_are_unique_and_one_person_is_listed_once_per_talk():
    ling = PersonFactory(name="Ling Liu")
    talk = make_talk(SessionFactory(conference=ling.conference), speakers=[ling])
    with pytest.raises(IntegrityError), transaction.atomic():
        Authorship.objects.create(
            contribution=talk.contribution, person=PersonFactory(), position=1
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Authorship.objects.create(contribution=talk.contribution, person=ling, position=2)


def test_a_person_is_one_record_linked_to_all_their_papers_and_talks():
    ana = PersonFactory(name="Ana Klimovic")
    session = SessionFactory(conference=ana.conference)
    first = make_poster(session, authors=["Maximilian Böther", ana])
    second = make_poster(session, authors=["YOUHE JIANG", ana])
    talk = make_talk(SessionFactory(conference=ana.conference), speakers=[ana])
    assert set(ana.contributions.all()) == {
        first.contribution,
        second.contribution,
        talk.contribution,
    }
    assert set(Poster.objects.with_person(ana)) == {first, second}
    assert list(Talk.objects.with_person(ana)) == [talk]


def test_a_person_with_papers_cannot_be_deleted_from_under_them():
    ana = PersonFactory(name="Ana Klimovic")
    make_poster(SessionFactory(conference=ana.conference), authors=[ana])
    with pytest.raises(IntegrityError), transaction.atomic():
        ana.delete()


def test_natural_keys_are_slugs_and_uids():
    room = RoomFactory(name="Mission City Ballroom")
    poster = make_poster(authors=["Ana Klimovic"])
    assert room.natural_key() == (room.conference.slug, "Mission City Ballroom")
    assert Conference.objects.get_by_natural_key(room.conference.slug) == room.conference
    assert poster.natural_key() == (str(poster.uid),)
    paper = poster.contribution
    assert paper.natural_key() == (str(paper.uid),)
    assert Contribution.objects.get_by_natural_key(str(paper.uid)) == paper
    authorship = paper.authorships.get()
    assert authorship.natural_key() == (str(paper.uid), 1)
    assert Authorship.objects.get_by_natural_key(str(paper.uid), 1) == authorship


def test_a_heading_never_says_its_kind_twice():
    keynote = SessionFactory.build(kind=SessionKind.KEYNOTE, title="Keynote: Building Systems")
    assert keynote.heading == "Keynote: Building Systems"
    shouting = SessionFactory.build(kind=SessionKind.KEYNOTE, title="KEYNOTE: Building Systems")
    assert shouting.heading == "KEYNOTE: Building Systems"
    # A title that merely begins with the word keeps its label.
    assert (
        SessionFactory.build(kind=SessionKind.KEYNOTE, title="Keynotes we loved").heading
        == "Keynote: Keynotes we loved"
    )
