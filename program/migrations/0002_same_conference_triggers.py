"""Database-level rule: a room used by a session, poster or talk belongs to that item's conference.

A foreign key cannot say this on its own, so triggers do, in SQLite and PostgreSQL dialects. The
admin and API check the same rule in ``clean()`` first, with a friendlier message; these triggers
catch every other path (raw SQL, bulk writes, fixtures).

SQLite rebuilds a table when a later migration alters it and drops its triggers on the way; the
tests in tests/program/test_integrity.py fail if that ever happens, and a later migration must
then run ``install`` again.
"""

from django.db import migrations

from program.migrations._triggers import Triggers

MESSAGE = "room and session must belong to the same conference"

SQLITE = [
    # Session's own room.
    *[
        f"""
        CREATE TRIGGER program_session_room_conference_{event.lower()}
        BEFORE {event} ON program_session FOR EACH ROW
        WHEN NEW.room_id IS NOT NULL
         AND (SELECT conference_id FROM program_room WHERE id = NEW.room_id) != NEW.conference_id
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
        """
        for event in ("INSERT", "UPDATE")
    ],
    # A poster's or talk's own room, against its session's conference.
    *[
        f"""
        CREATE TRIGGER program_{table}_room_conference_{event.lower()}
        BEFORE {event} ON program_{table} FOR EACH ROW
        WHEN NEW.room_id IS NOT NULL
         AND (SELECT conference_id FROM program_room WHERE id = NEW.room_id)
          != (SELECT conference_id FROM program_session WHERE id = NEW.session_id)
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
        """
        for table in ("poster", "talk")
        for event in ("INSERT", "UPDATE")
    ],
    # Moving a session to another conference while its posters or talks use rooms of the old one.
    f"""
    CREATE TRIGGER program_session_items_conference_update
    BEFORE UPDATE OF conference_id ON program_session FOR EACH ROW
    WHEN EXISTS (SELECT 1 FROM program_poster p JOIN program_room r ON r.id = p.room_id
                 WHERE p.session_id = NEW.id AND r.conference_id != NEW.conference_id)
      OR EXISTS (SELECT 1 FROM program_talk t JOIN program_room r ON r.id = t.room_id
                 WHERE t.session_id = NEW.id AND r.conference_id != NEW.conference_id)
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """,
    # Moving a room to another conference while items of the old one use it.
    f"""
    CREATE TRIGGER program_room_conference_update
    BEFORE UPDATE OF conference_id ON program_room FOR EACH ROW
    WHEN EXISTS (SELECT 1 FROM program_session s
                 WHERE s.room_id = NEW.id AND s.conference_id != NEW.conference_id)
      OR EXISTS (SELECT 1 FROM program_poster p JOIN program_session s ON s.id = p.session_id
                 WHERE p.room_id = NEW.id AND s.conference_id != NEW.conference_id)
      OR EXISTS (SELECT 1 FROM program_talk t JOIN program_session s ON s.id = t.session_id
                 WHERE t.room_id = NEW.id AND s.conference_id != NEW.conference_id)
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """,
]

SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in (
        "program_session_room_conference_insert",
        "program_session_room_conference_update",
        "program_poster_room_conference_insert",
        "program_poster_room_conference_update",
        "program_talk_room_conference_insert",
        "program_talk_room_conference_update",
        "program_session_items_conference_update",
        "program_room_conference_update",
    )
]

POSTGRESQL = [
    f"""
    CREATE OR REPLACE FUNCTION program_check_session_room() RETURNS trigger AS $$
    BEGIN
        IF NEW.room_id IS NOT NULL AND
           (SELECT conference_id FROM program_room WHERE id = NEW.room_id) <> NEW.conference_id THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
        END IF;
        IF TG_OP = 'UPDATE' AND NEW.conference_id <> OLD.conference_id AND (
            EXISTS (SELECT 1 FROM program_poster p JOIN program_room r ON r.id = p.room_id
                    WHERE p.session_id = NEW.id AND r.conference_id <> NEW.conference_id)
            OR EXISTS (SELECT 1 FROM program_talk t JOIN program_room r ON r.id = t.room_id
                       WHERE t.session_id = NEW.id AND r.conference_id <> NEW.conference_id)
        ) THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER program_session_room_conference
    BEFORE INSERT OR UPDATE ON program_session
    FOR EACH ROW EXECUTE FUNCTION program_check_session_room()
    """,
    f"""
    CREATE OR REPLACE FUNCTION program_check_item_room() RETURNS trigger AS $$
    BEGIN
        IF NEW.room_id IS NOT NULL AND
           (SELECT conference_id FROM program_room WHERE id = NEW.room_id)
           <> (SELECT conference_id FROM program_session WHERE id = NEW.session_id) THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER program_poster_room_conference
    BEFORE INSERT OR UPDATE ON program_poster
    FOR EACH ROW EXECUTE FUNCTION program_check_item_room()
    """,
    """
    CREATE TRIGGER program_talk_room_conference
    BEFORE INSERT OR UPDATE ON program_talk
    FOR EACH ROW EXECUTE FUNCTION program_check_item_room()
    """,
    f"""
    CREATE OR REPLACE FUNCTION program_check_room_move() RETURNS trigger AS $$
    BEGIN
        IF NEW.conference_id <> OLD.conference_id AND (
            EXISTS (SELECT 1 FROM program_session s
                    WHERE s.room_id = NEW.id AND s.conference_id <> NEW.conference_id)
            OR EXISTS (SELECT 1 FROM program_poster p JOIN program_session s ON s.id = p.session_id
                       WHERE p.room_id = NEW.id AND s.conference_id <> NEW.conference_id)
            OR EXISTS (SELECT 1 FROM program_talk t JOIN program_session s ON s.id = t.session_id
                       WHERE t.room_id = NEW.id AND s.conference_id <> NEW.conference_id)
        ) THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER program_room_conference_move
    BEFORE UPDATE ON program_room
    FOR EACH ROW EXECUTE FUNCTION program_check_room_move()
    """,
]

POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS program_room_conference_move ON program_room",
    "DROP TRIGGER IF EXISTS program_talk_room_conference ON program_talk",
    "DROP TRIGGER IF EXISTS program_poster_room_conference ON program_poster",
    "DROP TRIGGER IF EXISTS program_session_room_conference ON program_session",
    "DROP FUNCTION IF EXISTS program_check_room_move()",
    "DROP FUNCTION IF EXISTS program_check_item_room()",
    "DROP FUNCTION IF EXISTS program_check_session_room()",
]

TRIGGERS = Triggers({"sqlite": (SQLITE, SQLITE_DROP), "postgresql": (POSTGRESQL, POSTGRESQL_DROP)})
# Later migrations that make SQLite rebuild a table with triggers call these again.
install, uninstall = TRIGGERS.install, TRIGGERS.uninstall


class Migration(migrations.Migration):
    dependencies = [("program", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
