"""Who gets into the organizers' admin, and who is sent to log in."""

import pytest

from tests.program.admin.admin_forms import change_url

pytestmark = pytest.mark.django_db


def program_urls(program) -> list[str]:
    objects = [
        program["conference"],
        program["room"],
        program["poster"].contribution.people.first(),
        program["session"],
        program["poster"].contribution,
        program["poster"],
        program["talk"],
    ]
    return [
        url
        for obj in objects
        for url in (
            f"/admin/program/{obj._meta.model_name}/",
            f"/admin/program/{obj._meta.model_name}/add/",
            change_url(obj),
        )
    ]


def test_organizer_opens_every_program_changelist_add_form_and_change_form(
    organizer_client, admin_program
):
    for url in program_urls(admin_program):
        assert organizer_client.get(url).status_code == 200, url


def test_organizer_cannot_reach_users_or_groups(organizer_client):
    assert organizer_client.get("/admin/accounts/user/").status_code == 403
    assert organizer_client.get("/admin/auth/group/").status_code == 403


@pytest.mark.parametrize("visitor", ["anonymous", "attendee"])
def test_visitors_and_attendees_are_sent_to_the_admin_login(
    client, attendee, admin_program, visitor
):
    if visitor == "attendee":
        client.force_login(attendee)
    for url in program_urls(admin_program):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/"), url
