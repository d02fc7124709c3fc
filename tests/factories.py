"""Small factories for program data and users; tests build exactly what they need.

The fixtures that several modules share (a small program, the seed conference, an organizer, an
attendee) are in tests/conftest.py, built from these.
"""

import datetime
import zoneinfo

import factory

from accounts.models import User
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

PACIFIC = zoneinfo.ZoneInfo("America/Los_Angeles")
PASSWORD = "Agenda-Passphrase-2025"  # every UserFactory user's password


def pacific(hour: int, minute: int = 0, day: int = 15) -> datetime.datetime:
    """A time in May 2025 in Santa Clara, the factories' conference zone."""
    return datetime.datetime(2025, 5, day, hour, minute, tzinfo=PACIFIC)


class ConferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conference
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"conf{n}")
    name = factory.Sequence(lambda n: f"Conference {n}")
    timezone = "America/Los_Angeles"
    city = "Santa Clara"
    start_date = datetime.date(2025, 5, 12)
    end_date = datetime.date(2025, 5, 15)
    is_published = True


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    conference = factory.SubFactory(ConferenceFactory)
    name = factory.Sequence(lambda n: f"Room {n}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    # People belong to a conference; the factories' default is the one most tests use.
    conference = factory.LazyFunction(
        lambda: ConferenceFactory(slug="mlsys2025", name="MLSys 2025")
    )
    name = factory.Sequence(lambda n: f"Person {n}")
    slug = factory.Sequence(lambda n: f"person-{n}")


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    conference = factory.SubFactory(ConferenceFactory)
    kind = SessionKind.POSTER_SESSION
    title = factory.Sequence(lambda n: f"Session {n}")
    day = datetime.date(2025, 5, 15)
    position = factory.Sequence(lambda n: n)
    starts_at = factory.LazyAttribute(
        lambda o: datetime.datetime.combine(o.day, datetime.time(8, 30), tzinfo=PACIFIC)
    )
    ends_at = None
    room = None


class ContributionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contribution

    conference = factory.LazyFunction(
        lambda: ConferenceFactory(slug="mlsys2025", name="MLSys 2025")
    )
    title = factory.Sequence(lambda n: f"Paper {n}")
    abstract = "An abstract."


class SessionItemFactory(factory.django.DjangoModelFactory):
    """A poster or talk; ``title``, ``abstract``, ``links``, ``external_url``, ``track`` and
    ``keywords`` make its contribution (in the session's conference) unless one is given."""

    class Meta:
        abstract = True

    class Params:
        abstract = "An abstract."
        links = factory.LazyFunction(list)
        external_url = ""
        track = None
        keywords = factory.LazyFunction(list)

    position = factory.Sequence(lambda n: n)
    contribution = factory.LazyAttribute(
        lambda o: ContributionFactory(
            conference=o.session.conference,
            title=o.title,
            abstract=o.abstract,
            links=o.links,
            external_url=o.external_url,
            track=o.track,
            keywords=o.keywords,
        )
    )


class PosterFactory(SessionItemFactory):
    class Meta:
        model = Poster

    class Params:
        title = factory.Sequence(lambda n: f"Poster {n}")

    session = factory.SubFactory(SessionFactory)


class TalkFactory(SessionItemFactory):
    class Meta:
        model = Talk

    class Params:
        title = factory.Sequence(lambda n: f"Talk {n}")
        abstract = "A talk."

    session = factory.SubFactory(SessionFactory, kind=SessionKind.INVITED_TALK)


class UserFactory(factory.django.DjangoModelFactory):
    """A plain account (no staff rights) whose password is PASSWORD."""

    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password(PASSWORD)


def with_people(item, people):
    """Gives a contribution (or a poster's or talk's) its ordered people, as names or Person
    objects (1 = first)."""
    contribution = item if isinstance(item, Contribution) else item.contribution
    for position, someone in enumerate(people, start=1):
        person = (
            someone
            if isinstance(someone, Person)
            else PersonFactory(name=someone, conference=contribution.conference)
        )
        Authorship.objects.create(contribution=contribution, person=person, position=position)
    return item


def make_poster(session=None, authors=(), **fields) -> Poster:
    """A poster with people as its ordered authors, given as names or Person objects."""
    poster = PosterFactory(session=session, **fields) if session else PosterFactory(**fields)
    return with_people(poster, authors)


def make_talk(session=None, speakers=(), **fields) -> Talk:
    talk = TalkFactory(session=session, **fields) if session else TalkFactory(**fields)
    return with_people(talk, speakers)
