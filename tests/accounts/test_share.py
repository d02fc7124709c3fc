"""Sharing an agenda by link (accounts/sharing.py): making, renaming, rotating and revoking the
link, what the shared page, feed and QR code show and to whom, and copying from it."""

import io

import icalendar
import pytest
import segno
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import AgendaItem
from accounts.services import save_to_agenda, share_agenda
from program.models import Conference
from tests.factories import (
    PASSWORD,
    ConferenceFactory,
    SessionFactory,
    UserFactory,
    make_poster,
    pacific,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sharer(agenda_program):
    """Grace, who saved the morning session, its poster and the untimed talk, and shares them
    under no name."""
    grace = UserFactory(username="grace", email="grace@example.org")
    for item in ("morning", "poster", "talk"):
        save_to_agenda(user=grace, item=agenda_program[item])
    share_agenda(user=grace)
    return grace


def page_of(user) -> str:
    return f"/agenda/shared/{user.share_token}/"


def saved_by(user) -> set[tuple[str, int]]:
    return {(a.item_type, a.item_id) for a in AgendaItem.objects.filter(user=user)}


# The owner's controls


def test_my_agenda_offers_to_share_and_then_shows_the_link_and_its_qr_code(
    attendee_client, attendee, agenda_program
):
    page = attendee_client.get("/agenda/").content.decode()
    assert "Share my agenda</button>" in page
    # (the QR codes there are those of the agenda's own files, for its owner's apps)
    assert "Stop sharing" not in page and "Scan to open your shared agenda" not in page
    response = attendee_client.post("/agenda/share/", {"action": "share", "share_name": ""})
    assert response.status_code == 302
    assert response["Location"] == "/agenda/#share-title"
    attendee.refresh_from_db()
    assert attendee.share_token and len(attendee.share_token) >= 20
    page = attendee_client.get("/agenda/").content.decode()
    url = f"http://testserver{page_of(attendee)}"
    assert f'value="{url}"' in page
    assert (
        segno.make(url, error="m").svg_inline(
            omitsize=True, border=4, dark="#000", light="#fff", svgclass="qr-code", lineclass=None
        )
        in page
    )
    assert "Stop sharing</button>" in page and "New link</button>" in page


def test_sharing_again_keeps_the_link_and_only_sets_the_name(attendee_client, attendee):
    attendee_client.post("/agenda/share/", {"action": "share", "share_name": ""})
    attendee.refresh_from_db()
    token = attendee.share_token
    attendee_client.post("/agenda/share/", {"action": "share", "share_name": "  Ada L. "})
    attendee.refresh_from_db()
    assert attendee.share_token == token
    assert attendee.share_name == "Ada L."


def test_a_name_too_long_is_refused_and_nothing_is_shared(attendee_client, attendee):
    response = attendee_client.post(
        "/agenda/share/", {"action": "share", "share_name": "x" * 81}, follow=True
    )
    assert "notice-error" in response.content.decode()
    attendee.refresh_from_db()
    assert attendee.share_token is None and attendee.share_name == ""


def test_stop_sharing_makes_every_address_of_the_link_404_at_once(client, sharer):
    token = sharer.share_token
    addresses = [
        f"/agenda/shared/{token}/",
        f"/agenda/shared/{token}.ics",
        f"/agenda/shared/{token}/qr.svg",
    ]
    assert [client.get(a).status_code for a in addresses] == [200, 200, 200]
    client.force_login(sharer)
    client.post("/agenda/share/", {"action": "stop"})
    sharer.refresh_from_db()
    assert sharer.share_token is None
    assert [client.get(a).status_code for a in addresses] == [404, 404, 404]
    assert client.post(f"/agenda/shared/{token}/copy/").status_code == 404
    assert "Share my agenda</button>" in client.get("/agenda/").content.decode()


def test_a_new_link_retires_the_old_one(client, sharer):
    old = sharer.share_token
    client.force_login(sharer)
    client.post("/agenda/share/", {"action": "new-link"})
    sharer.refresh_from_db()
    assert sharer.share_token not in (None, old)
    assert client.get(f"/agenda/shared/{old}/").status_code == 404
    assert client.get(page_of(sharer)).status_code == 200


def test_sharing_needs_a_log_in_and_a_csrf_token(client, attendee):
    response = client.post("/agenda/share/", {"action": "share"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(attendee)
    assert strict.post("/agenda/share/", {"action": "share"}).status_code == 403
    attendee.refresh_from_db()
    assert attendee.share_token is None


def test_stopping_touches_only_ones_own_link(client, sharer):
    client.force_login(UserFactory(username="mallory"))
    client.post("/agenda/share/", {"action": "stop", "user": sharer.pk})
    client.post("/agenda/share/", {"action": "new-link", "user": sharer.pk})
    token = sharer.share_token
    sharer.refresh_from_db()
    assert sharer.share_token == token
    assert client.get(page_of(sharer)).status_code == 200


def test_an_unknown_action_changes_nothing(attendee_client, attendee):
    response = attendee_client.post("/agenda/share/", {"action": "explode"}, follow=True)
    assert "notice-error" in response.content.decode()
    attendee.refresh_from_db()
    assert attendee.share_token is None


# The shared page, feed and QR code


@pytest.mark.parametrize("token", ["nope", "x" * 300, "..", "ñandú", "YL8K5V95Hk9357_luZPZiw"])
def test_unknown_tokens_are_404_never_500(client, sharer, token):
    for address in (
        f"/agenda/shared/{token}/",
        f"/agenda/shared/{token}.ics",
        f"/agenda/shared/{token}/qr.svg",
    ):
        assert client.get(address).status_code == 404
    assert client.post(f"/agenda/shared/{token}/copy/").status_code == 404
    # A NUL byte is refused before any view: a 400, still no 500.
    assert client.get("/agenda/shared/%00/").status_code == 400


def test_an_inactive_owners_link_is_404(client, sharer):
    sharer.is_active = False
    sharer.save()
    assert client.get(page_of(sharer)).status_code == 404


def test_the_shared_page_lists_the_items_by_day_read_only_and_privately(client, sharer):
    response = client.get(page_of(sharer))
    assert response.status_code == 200
    page = response.content.decode()
    thursday = page.index("Thursday 15 May 2025")
    assert thursday < page.index("Poster: Session 9") < page.index("Time to be announced")
    assert page.index("Time to be announced") < page.index("Responsible Finetuning")
    assert "Subsets" in page and "America/Los_Angeles" in page
    # Owner-only parts stay on My agenda.
    assert "/remove/" not in page and "Changed" not in page and "Clash" not in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    # Not "no-referrer": the page's own forms would post with "Origin: null" (sharing.py).
    assert response["Referrer-Policy"] == "same-origin"
    assert "private" in response["Cache-Control"]
    assert '<meta name="robots" content="noindex, nofollow">' in page


def test_times_follow_the_zone_the_visitor_picked(client, sharer):
    client.post("/timezone/", {"timezone": "Europe/Berlin", "next": "/"})
    page = client.get(page_of(sharer)).content.decode()
    assert "Europe/Berlin" in page
    assert "5:30 p.m." in page  # 08:30 in California


def test_the_page_shows_no_username_or_email_unless_a_name_is_chosen(client, sharer):
    page = client.get(page_of(sharer)).content.decode()
    assert "grace" not in page.lower()
    assert "<h1>A shared agenda</h1>" in page
    feed = client.get(f"/agenda/shared/{sharer.share_token}.ics").content.decode()
    assert "grace" not in feed.lower()
    share_agenda(user=sharer, name="Grace H.")
    page = client.get(page_of(sharer)).content.decode()
    assert "<h1>Grace H.’s agenda</h1>" in page
    assert "grace@example.org" not in page and "grace</" not in page


def test_items_of_unpublished_conferences_are_never_shared(client, sharer, agenda_program):
    draft = ConferenceFactory(slug="draft2026", name="Draft 2026", is_published=False)
    secret = SessionFactory(conference=draft, title="Secret session", starts_at=pacific(9))
    save_to_agenda(user=sharer, item=secret)
    # Even an organizer's shared agenda shows only what a visitor may see.
    sharer.is_staff = True
    sharer.save()
    page = client.get(page_of(sharer)).content.decode()
    feed = client.get(f"/agenda/shared/{sharer.share_token}.ics").content.decode()
    assert "Secret session" not in page and "Draft 2026" not in page
    assert "Secret session" not in feed
    assert "Add all" not in page  # an anonymous visitor: asked to log in instead
    reader = UserFactory(username="reader")
    client.force_login(reader)
    assert "Add all 3 to my agenda" in client.get(page_of(sharer)).content.decode()
    client.post(f"/agenda/shared/{sharer.share_token}/copy/")
    assert ("session", secret.pk) not in saved_by(reader)
    assert len(saved_by(reader)) == 3
    # Unpublishing the conference empties the shared page.
    Conference.objects.filter(pk=agenda_program["conference"].pk).update(is_published=False)
    page = client.get(page_of(sharer)).content.decode()
    assert "Subsets" not in page and "Nothing is on this agenda yet." in page


def test_the_shared_feed_is_icalendar_with_the_timed_items(client, sharer):
    share_agenda(user=sharer, name="Grace H.")
    response = client.get(f"/agenda/shared/{sharer.share_token}.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "no-referrer"
    feed = icalendar.Calendar.from_ical(response.content)
    assert str(feed["x-wr-calname"]) == "Agenda of Grace H."
    events = feed.walk("VEVENT")
    # The talk has no time yet; the session and its poster do.
    assert sorted(str(e["summary"]) for e in events) == ["Poster: Session 9", "Poster: Subsets"]
    assert all(e["dtstart"].dt == pacific(8, 30) for e in events)


def test_the_qr_code_is_the_svg_of_the_shared_link(client, sharer):
    response = client.get(f"/agenda/shared/{sharer.share_token}/qr.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Referrer-Policy"] == "no-referrer"
    body = response.content.decode()
    assert "<svg" in body and body.rstrip().endswith("</svg>")
    # segno cannot read a QR code back; the same link through segno gives the same picture,
    # and another link a different one.
    url = f"http://testserver{page_of(sharer)}"
    expected = segno.make(url, error="m")
    buffer = io.BytesIO()
    expected.save(buffer, kind="svg", scale=8, border=4, dark="#000", light="#fff")
    assert response.content == buffer.getvalue()
    other = io.BytesIO()
    segno.make(url + "x", error="m").save(
        other, kind="svg", scale=8, border=4, dark="#000", light="#fff"
    )
    assert response.content != other.getvalue()
    # The page shows the same code inline, with the link written out.
    page = client.get(page_of(sharer)).content.decode()
    assert (
        expected.svg_inline(
            omitsize=True, border=4, dark="#000", light="#fff", svgclass="qr-code", lineclass=None
        )
        in page
    )
    assert url in page


def test_the_shared_page_answers_304_until_the_agenda_changes(client, sharer, agenda_program):
    first = client.get(page_of(sharer))
    etag = first["ETag"]
    assert client.get(page_of(sharer), headers={"if-none-match": etag}).status_code == 304
    save_to_agenda(user=sharer, item=agenda_program["overlapping"])
    changed = client.get(page_of(sharer), headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert "Orals" in changed.content.decode()


def test_the_shared_page_runs_the_same_queries_for_3_items_and_30(
    client, sharer, agenda_program, django_assert_num_queries
):
    reader = UserFactory(username="reader")
    reader_client = Client()
    reader_client.force_login(reader)
    addresses = [page_of(sharer), f"/agenda/shared/{sharer.share_token}.ics"]
    counts = {}
    for name, visitor in (("anonymous", client), ("signed in", reader_client)):
        for address in addresses:
            with CaptureQueriesContext(connection) as queries:
                assert visitor.get(address).status_code == 200
            counts[name, address] = len(queries)
    for number in range(27):
        save_to_agenda(
            user=sharer, item=make_poster(agenda_program["morning"], authors=[f"P{number}"])
        )
    for (name, address), expected in counts.items():
        visitor = client if name == "anonymous" else reader_client
        with django_assert_num_queries(expected):
            response = visitor.get(address)
        assert response.status_code == 200
    assert client.get(page_of(sharer)).content.decode().count('class="agenda-entry"') == 30
    # Pinned too: the program's version (web/caching.py reads it for every anonymous
    # GET), the session, the owner, the ETag's two reads, the items, the header's conference
    # and days; for a signed-in visitor also their user and their saved items.
    assert counts["anonymous", page_of(sharer)] <= 7
    assert counts["signed in", page_of(sharer)] <= 9
    assert max(counts["anonymous", addresses[1]], counts["signed in", addresses[1]]) <= 10


def test_add_all_runs_the_same_queries_for_3_items_and_30(
    sharer, agenda_program, django_assert_num_queries
):
    few, many = Client(), Client()
    few.force_login(UserFactory(username="few"))
    many.force_login(UserFactory(username="many"))
    copy = f"/agenda/shared/{sharer.share_token}/copy/"
    with CaptureQueriesContext(connection) as three:
        few.post(copy)
    for number in range(27):
        save_to_agenda(
            user=sharer, item=make_poster(agenda_program["morning"], authors=[f"P{number}"])
        )
    with django_assert_num_queries(len(three)):
        many.post(copy)
    assert len(three) <= 9
    assert AgendaItem.objects.filter(user__username="many").count() == 30


# Copying from a shared agenda


def test_a_signed_in_visitor_copies_one_item_with_its_star(client, sharer, agenda_program):
    reader = UserFactory(username="reader")
    client.force_login(reader)
    poster = agenda_program["poster"]
    page = client.get(page_of(sharer)).content.decode()
    assert f'name="save" value="poster:{poster.pk}"' in page
    assert page.count('<form id="agenda-save"') == 1
    response = client.post(
        "/agenda/save/", {"save": f"poster:{poster.pk}", "next": page_of(sharer)}
    )
    assert response["Location"] == f"{page_of(sharer)}#poster-{poster.pk}"
    assert saved_by(reader) == {("poster", poster.pk)}
    page = client.get(page_of(sharer)).content.decode()
    assert f'name="remove" value="poster:{poster.pk}"' in page
    assert "Add all 2 to my agenda" in page
    assert "The other 1 are in your agenda already." in page


def test_add_all_copies_what_is_missing_once_and_says_how_many(client, sharer, agenda_program):
    reader = UserFactory(username="reader")
    save_to_agenda(user=reader, item=agenda_program["poster"])
    client.force_login(reader)
    copy = f"/agenda/shared/{sharer.share_token}/copy/"
    response = client.post(copy, follow=True)
    assert response.redirect_chain[-1][0] == page_of(sharer)
    page = response.content.decode()
    assert "Added 2 items to your agenda." in page
    assert "All 3 are in" in page and "Add all" not in page
    assert saved_by(reader) == saved_by(sharer)
    # The copies remember the time and room they were copied with, as a save does.
    copied = AgendaItem.objects.get(user=reader, session=agenda_program["morning"])
    assert copied.saved_starts_at == pacific(8, 30) and not copied.changed_since_saved
    response = client.post(copy, follow=True)
    assert "nothing was added" in response.content.decode()
    assert AgendaItem.objects.filter(user=reader).count() == 3


def test_copying_needs_csrf(sharer):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(UserFactory(username="reader"))
    assert strict.post(f"/agenda/shared/{sharer.share_token}/copy/").status_code == 403
    assert not AgendaItem.objects.filter(user__username="reader").exists()


def test_the_owner_sees_their_page_without_copy_buttons(client, sharer):
    client.force_login(sharer)
    page = client.get(page_of(sharer)).content.decode()
    assert "This is your agenda as others see it." in page
    assert "Add all" not in page and 'form="agenda-save"' not in page


def test_an_anonymous_visitor_is_asked_to_log_in_to_copy(client, sharer, agenda_program):
    page = client.get(page_of(sharer)).content.decode()
    assert f'href="/accounts/login/?next={page_of(sharer)}"' in page.replace("%2F", "/")
    assert "Add all" not in page
    response = client.post(f"/agenda/shared/{sharer.share_token}/copy/")
    assert response["Location"] == f"/accounts/login/?next={page_of(sharer)}"
    assert AgendaItem.objects.count() == 3
    # A star saves after logging in, through the same resume step as on any page.
    UserFactory(username="bob")
    poster = agenda_program["poster"]
    response = client.post(
        "/agenda/save/", {"save": f"poster:{poster.pk}", "next": page_of(sharer)}
    )
    login_url = response["Location"]
    assert login_url.startswith("/accounts/login/?next=/agenda/resume/%3Fwish%3D")
    resume = login_url.split("next=", 1)[1].replace("%3F", "?").replace("%3D", "=")
    response = client.post(
        login_url, {"username": "bob", "password": PASSWORD, "next": resume}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"{page_of(sharer)}#poster-{poster.pk}"
    assert AgendaItem.objects.filter(user__username="bob", poster=poster).exists()
