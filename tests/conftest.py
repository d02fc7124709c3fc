"""What every test shares: its settings, and the one way to make each kind of test data.

- ``seed``: the MLSys 2025 conference as committed (settings.PROGRAM_FIXTURE).
- ``organizer`` / ``organizer_client``: a staff user in the Organizers group; the second is
  ``client`` logged in as them.
- ``attendee`` / ``attendee_client``: a plain user (username "ada", password factories.PASSWORD);
  the second is ``client`` logged in as them.
"""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command

from accounts.organizers import GROUP_NAME
from program.models import Conference
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    # The manifest storage needs collectstatic first; tests that want it say so themselves.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashing is deliberately slow; the tests check behaviour, not the hash's strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_cache():
    # Throttle counters and other cached state must not leak from one test into the next.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


# The seed conference


@pytest.fixture
def seed(db) -> Conference:
    """The committed MLSys 2025 program: Thursday 15 May with 7 sessions and 20 posters.

    Tests that also use ``live_server`` (the browser tests) get a transactional database from
    pytest-django, so the server's thread sees what was loaded.
    """
    call_command("loaddata", str(settings.PROGRAM_FIXTURE), verbosity=0)
    return Conference.objects.get(slug="mlsys2025")


# People


@pytest.fixture
def organizer(db):
    """A staff user in the Organizers group, as create_organizer makes them; not logged in."""
    user = UserFactory(username="chair", is_staff=True)
    user.groups.add(Group.objects.get(name=GROUP_NAME))
    return user


@pytest.fixture
def organizer_client(client, organizer):
    """``client``, logged in as ``organizer``."""
    client.force_login(organizer)
    return client


@pytest.fixture
def attendee(db):
    """A plain user, "ada", with no staff rights; not logged in."""
    return UserFactory(username="ada")


@pytest.fixture
def attendee_client(client, attendee):
    """``client``, logged in as ``attendee``."""
    client.force_login(attendee)
    return client
