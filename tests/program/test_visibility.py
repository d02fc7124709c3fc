"""Who may see what: one rule (Conference.objects.visible_to) that every queryset narrows to."""

import copy

import pytest
from django.contrib.auth import get_user_model

from accounts.models import AgendaItem
from accounts.services import save_to_agenda
from program.models import Conference, Person, Poster, Room, Session, Talk
from tests.factories import ConferenceFactory, RoomFactory, SessionFactory, make_poster, make_talk

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_conferences():
    """A published conference and a draft, each with a room, a session, a poster and a talk."""
    made = {}
    for name, published in (("shown", True), ("draft", False)):
        conference = ConferenceFactory(slug=name, is_published=published)
        room = RoomFactory(conference=conference)
        session = SessionFactory(conference=conference, room=room)
        made[name] = {
            "conference": conference,
            "room": room,
            "session": session,
            "poster": make_poster(session, authors=[f"{name} author"]),
            "talk": make_talk(session, speakers=[f"{name} speaker"]),
        }
    # One name in both: two records, one per conference (people are per conference).
    make_poster(made["shown"]["session"], authors=["shared person"])
    make_poster(made["draft"]["session"], authors=["shared person"])
    return made


def users():
    User = get_user_model()
    return {
        "visitor": None,
        "attendee": User.objects.create_user("attendee"),
        "inactive organizer": User.objects.create_user("gone", is_staff=True, is_active=False),
        "organizer": User.objects.create_user("organizer", is_staff=True),
    }


@pytest.mark.parametrize(
    ("who", "sees_drafts"),
    [("visitor", False), ("attendee", False), ("inactive organizer", False), ("organizer", True)],
)
def test_every_model_follows_the_conference_rule(two_conferences, who, sees_drafts):
    user = users()[who]
    expected = {"shown", "draft"} if sees_drafts else {"shown"}
    assert {c.slug for c in Conference.objects.visible_to(user)} == expected
    assert {r.conference.slug for r in Room.objects.visible_to(user)} == expected
    assert {s.conference.slug for s in Session.objects.visible_to(user)} == expected
    for model in (Poster, Talk):
        assert {i.session.conference.slug for i in model.objects.visible_to(user)} == expected
    people = set(Person.objects.visible_to(user).values_list("conference__slug", "name"))
    shown_people = {("shown", name) for name in ("shown author", "shown speaker", "shared person")}
    draft_people = {("draft", name) for name in ("draft author", "draft speaker", "shared person")}
    assert people == (shown_people | draft_people if sees_drafts else shown_people)


def test_people_seen_only_in_a_draft_are_hidden_from_search_pages_and_the_api(
    client, two_conferences
):
    assert client.get("/api/v1/people/", {"q": "draft author"}).json()["results"] == []
    (shared,) = client.get("/api/v1/people/", {"q": "shared person"}).json()["results"]
    # The name is in both conferences: only the published conference's record is listed.
    assert shared["conference"] == "shown"
    assert {p["conference"] for p in shared["posters"]} == {"shown"}
    assert [p["id"] for p in shared["posters"]] == list(
        Poster.objects.filter(
            session__conference__slug="shown", contribution__authorships__person=shared["id"]
        ).values_list("pk", flat=True)
    )
    draft_author = Person.objects.get(name="draft author")
    assert client.get(f"/shown/people/{draft_author.slug}/").status_code == 404
    assert client.get(f"/draft/people/{draft_author.slug}/").status_code == 404
    poster_filter = client.get("/api/v1/posters/", {"person": draft_author.pk})
    assert poster_filter.status_code == 400
    assert "person" in poster_filter.json()


def test_agendas_show_saved_items_of_conferences_their_owner_may_see(two_conferences):
    User = get_user_model()
    attendee = User.objects.create_user("attendee")
    organizer = User.objects.create_user("organizer", is_staff=True)
    for user in (attendee, organizer):
        for name in ("shown", "draft"):
            save_to_agenda(user=user, item=two_conferences[name]["poster"])
    assert AgendaItem.objects.visible_to(attendee).count() == 1
    assert AgendaItem.objects.visible_to(organizer).count() == 2
    # Nobody sees another person's agenda, whatever they may see of the program.
    assert not AgendaItem.objects.visible_to(organizer).filter(user=attendee).exists()


def test_program_pages_render_without_the_accounts_hook(client, two_conferences, settings):
    """The program knows nothing of accounts: without its context processor, no save buttons."""
    templates = copy.deepcopy(settings.TEMPLATES)
    processors = templates[0]["OPTIONS"]["context_processors"]
    processors.remove("accounts.context_processors.agenda")
    settings.TEMPLATES = templates
    session = two_conferences["shown"]["session"]
    page = client.get(session.get_absolute_url())
    assert page.status_code == 200
    assert b'form="agenda-save"' not in page.content
    assert session.title.encode() in page.content


def test_program_pages_show_save_buttons_through_the_accounts_hook(client, two_conferences):
    poster = two_conferences["shown"]["poster"]
    page = client.get(poster.get_absolute_url()).content.decode()
    assert page.count('form="agenda-save"') == 1
    assert f'value="poster:{poster.pk}"' in page
