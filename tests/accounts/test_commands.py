"""The commands behind the run command: first-start set-up and organizer accounts."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from accounts.organizers import GROUP_NAME
from program.models import Conference, Poster, Session

pytestmark = pytest.mark.django_db


def run(*args, **options) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


def test_organizers_group_covers_the_program_and_nothing_else():
    from django.contrib.auth.models import Group

    permissions = Group.objects.get(name=GROUP_NAME).permissions.all()
    labels = {p.content_type.app_label for p in permissions}
    codenames = {p.codename for p in permissions}
    assert labels == {"program"}
    for model in ("conference", "room", "session", "poster", "talk", "person", "authorship"):
        for action in ("add", "change", "delete", "view"):
            assert f"{action}_{model}" in codenames


def test_create_organizer_makes_a_staff_account_in_the_organizers_group(monkeypatch):
    monkeypatch.delenv("ORGANIZER_PASSWORD", raising=False)
    output = run("create_organizer", "grace", email="grace@example.org")
    user = get_user_model().objects.get(username="grace")
    password = output.split("Password (shown once, change it after logging in): ")[1].strip()
    assert user.is_staff and not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == [GROUP_NAME]
    assert user.check_password(password)
    assert user.has_perm("program.change_poster")
    assert not user.has_perm("accounts.view_user")


def test_create_organizer_takes_the_password_from_the_environment_and_never_prints_it(monkeypatch):
    monkeypatch.setenv("ORGANIZER_PASSWORD", "a-long-Passphrase-2025")
    output = run("create_organizer", "ada")
    assert "a-long-Passphrase-2025" not in output
    assert get_user_model().objects.get(username="ada").check_password("a-long-Passphrase-2025")


def test_create_organizer_refuses_a_taken_name_or_a_weak_password_and_changes_nothing(monkeypatch):
    monkeypatch.delenv("ORGANIZER_PASSWORD", raising=False)
    run("create_organizer", "grace")
    with pytest.raises(CommandError, match='"Grace" already exists'):
        run("create_organizer", "Grace")
    monkeypatch.setenv("ORGANIZER_PASSWORD", "123")
    with pytest.raises(CommandError, match="too short"):
        run("create_organizer", "weak")
    assert not get_user_model().objects.filter(username="weak").exists()


def test_prepare_site_loads_the_program_once_and_creates_one_organizer(monkeypatch):
    monkeypatch.delenv("ORGANIZER_PASSWORD", raising=False)
    monkeypatch.delenv("ORGANIZER_USERNAME", raising=False)
    first = run("prepare_site")
    assert "Fixture: loaded mlsys2025.json" in first
    assert 'Organizer account "organizer" created.' in first
    assert Conference.objects.get().slug == "mlsys2025"
    assert (Session.objects.count(), Poster.objects.count()) == (7, 20)

    # An organizer deletes a poster; a restart must not bring it back nor make a second account.
    Poster.objects.filter(contribution__title__startswith="TileLink").delete()
    second = run("prepare_site")
    assert "not loaded again" in second
    assert "created" not in second
    assert Poster.objects.count() == 19
    assert get_user_model().objects.count() == 1


def test_prepare_site_uses_the_organizer_credentials_from_the_environment(monkeypatch):
    monkeypatch.setenv("ORGANIZER_USERNAME", "chair")
    monkeypatch.setenv("ORGANIZER_PASSWORD", "chair-Passphrase-2025")
    output = run("prepare_site", no_fixture=True)
    assert "chair-Passphrase-2025" not in output
    assert not Conference.objects.exists()
    assert get_user_model().objects.get(username="chair").check_password("chair-Passphrase-2025")
