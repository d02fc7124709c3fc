"""accounts 0003/0004: rows saved before agenda items outlived their items get what they need
to be shown once their item is gone."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.models import AgendaItem
from program.models import Poster
from tests.factories import SessionFactory, UserFactory, make_poster, make_talk, pacific

BEFORE = [("accounts", "0002_user_share_link")]


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.fixture
def before_0003(transactional_db):
    yield
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_saved_rows_get_their_conference_kind_uid_title_and_end(before_0003):
    session = SessionFactory(title="Session 9", starts_at=pacific(8, 30), ends_at=pacific(10))
    poster = make_poster(session, authors=["A"], title="Subsets")
    moved = make_talk(session, speakers=["B"], title="Moved", starts_at=pacific(9))
    user = UserFactory(username="ada")
    apps = migrate(BEFORE)
    OldItem = apps.get_model("accounts", "AgendaItem")
    saved = {
        "session": OldItem.objects.create(
            user_id=user.pk, session_id=session.pk, saved_starts_at=pacific(8, 30)
        ),
        "poster": OldItem.objects.create(
            user_id=user.pk, poster_id=poster.pk, saved_starts_at=pacific(8, 30)
        ),
        "talk": OldItem.objects.create(  # saved at 08:30, since moved to 09:00
            user_id=user.pk, talk_id=moved.pk, saved_starts_at=pacific(8, 30)
        ),
    }

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    rows = {kind: AgendaItem.objects.get(pk=old.pk) for kind, old in saved.items()}
    for kind, item in (("session", session), ("poster", poster), ("talk", moved)):
        assert rows[kind].item_type == kind and rows[kind].item_uid == item.uid
        assert rows[kind].conference_id == session.conference_id
        assert rows[kind].removed_at is None
    assert [rows[k].saved_title for k in ("session", "poster", "talk")] == [
        "Session 9",
        "Subsets",
        "Moved",
    ]
    assert rows["poster"].saved_ends_at == pacific(10)  # its session's, not moved
    assert rows["talk"].saved_ends_at is None  # moved since: its saved end is not known

    Poster.objects.filter(pk=poster.pk).delete()
    assert AgendaItem.objects.get(pk=rows["poster"].pk).status == "removed"
