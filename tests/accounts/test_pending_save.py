"""A star pressed before logging in (issue 30): only the log-in it led to saves it; a link from
another site, a later log-in, or another person at the same browser saves nothing."""

from urllib.parse import parse_qs, urlsplit

import pytest

from accounts.models import AgendaItem
from accounts.services import PENDING_SAVE
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

DAY = "/mlsys2025/2025-05-15/"


def star(client, poster):
    """The cross-site link (or an anonymous page's star): a GET of the save URL."""
    response = client.get("/agenda/save/", {"save": f"poster:{poster.pk}", "next": DAY})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    return response["Location"]


def log_in(client, username, next_url="", **extra):
    return client.post(
        "/accounts/login/", {"username": username, "password": PASSWORD, "next": next_url}, **extra
    )


def next_of(login_url: str) -> str:
    return parse_qs(urlsplit(login_url).query)["next"][0]


def test_a_cross_site_star_then_a_later_normal_log_in_saves_nothing(client, agenda_program):
    UserFactory(username="bob")
    star(client, agenda_program["poster"])  # followed from another site; bob leaves
    assert log_in(client, "bob").status_code == 302  # later, a log-in of his own
    assert client.session.get(PENDING_SAVE) is None
    response = client.get("/agenda/resume/")  # any link from any site
    assert response.status_code == 302 and response["Location"] == "/agenda/"
    assert not AgendaItem.objects.exists()


def test_the_log_in_a_star_led_to_saves_it_once_and_the_resume_page_writes_nothing(
    client, agenda_program
):
    bob = UserFactory(username="bob")
    poster = agenda_program["poster"]
    login_url = star(client, poster)
    resume = next_of(login_url)
    assert resume.startswith("/agenda/resume/?wish=") and len(resume) > 30
    page = client.get(login_url).content.decode()
    assert f"to save “{poster.title}” to your agenda" in page
    response = log_in(client, "bob", resume)
    # The log-in itself (a POST with its form token) saves; its message waits for the page.
    assert response["Location"] == resume
    assert [a.poster for a in AgendaItem.objects.filter(user=bob)] == [poster]
    changed = bob.__class__.objects.get(pk=bob.pk).agenda_changed_at
    back = client.get(resume, follow=True)
    assert back.redirect_chain == [(f"{DAY}#poster-{poster.pk}", 302)]
    assert f"Saved to your agenda: {poster}." in back.content.decode()
    # Again, or once more by a link: the same page, nothing written.
    assert client.get(resume)["Location"] == f"{DAY}#poster-{poster.pk}"
    assert AgendaItem.objects.count() == 1
    assert bob.__class__.objects.get(pk=bob.pk).agenda_changed_at == changed


def test_a_wish_older_than_the_sessions_log_in_expires(client, agenda_program):
    bob = UserFactory(username="bob")
    resume = next_of(star(client, agenda_program["poster"]))
    log_in(client, "bob", "/agenda/")  # a log-in that did not come from the star
    # Its own URL later, even through a second log-in, finds nothing left to save.
    assert log_in(client, "bob", resume)["Location"] == resume
    assert client.get(resume)["Location"] == "/agenda/"
    # A wish still in a logged-in session (kept from before this release) is never saved by
    # the resume page.
    session = client.session
    session[PENDING_SAVE] = {
        "item_type": "poster",
        "item_id": str(agenda_program["poster"].pk),
        "next": DAY,
    }
    session.save()
    assert client.get("/agenda/resume/")["Location"] == "/agenda/"
    assert not AgendaItem.objects.filter(user=bob).exists()


def test_another_persons_wish_does_not_follow_a_different_log_in_and_log_out_clears_it(
    client, agenda_program
):
    bob, carol = UserFactory(username="bob"), UserFactory(username="carol")
    poster = agenda_program["poster"]
    # Someone stars at a shared computer and walks away; Carol logs in, even on the old resume
    # address: the wish is not hers.
    resume = next_of(star(client, poster))
    log_in(client, "carol", "/agenda/resume/", follow=True)
    assert not AgendaItem.objects.exists()
    client.logout()
    # Bob's own star and log-in save for Bob; after he logs out, nothing of it is left for
    # Carol, even on his resume address.
    resume = next_of(star(client, poster))
    log_in(client, "bob", resume)
    client.logout()
    assert dict(client.session) == {}
    assert log_in(client, "carol", resume)["Location"] == resume
    assert client.get(resume)["Location"] == "/agenda/"
    assert [a.user for a in AgendaItem.objects.all()] == [bob]
    assert not AgendaItem.objects.filter(user=carol).exists()
