"""Database-level rule: an author or speaker is a person of the poster's or talk's conference.

``PersonAtPosition.clean()`` says so first with a friendlier message (the admin, the API, fixture
loads); these triggers catch every other path (bulk writes, raw SQL), as migration 0002's do for
rooms. A person's conference cannot change while they are on items of it either.

Later migrations that make SQLite rebuild program_authorship, program_speakership or
program_person must run ``uninstall`` first and ``install`` last, as 0007 and 0008 do for 0002.
"""

from django.db import migrations

from program.migrations._triggers import Triggers

MESSAGE = "a person and the poster or talk they are on must belong to the same conference"

# (link table, item table, item column)
LINKS = (("authorship", "poster", "poster_id"), ("speakership", "talk", "talk_id"))

SQLITE = [
    *[
        f"""
        CREATE TRIGGER program_{link}_person_conference_{event.lower()}
        BEFORE {event} ON program_{link} FOR EACH ROW
        WHEN (SELECT conference_id FROM program_person WHERE id = NEW.person_id)
          != (SELECT s.conference_id FROM program_{item} i
              JOIN program_session s ON s.id = i.session_id WHERE i.id = NEW.{column})
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
        """
        for link, item, column in LINKS
        for event in ("INSERT", "UPDATE")
    ],
    f"""
    CREATE TRIGGER program_person_conference_update
    BEFORE UPDATE OF conference_id ON program_person FOR EACH ROW
    WHEN EXISTS (SELECT 1 FROM program_authorship a JOIN program_poster p ON p.id = a.poster_id
                 JOIN program_session s ON s.id = p.session_id
                 WHERE a.person_id = NEW.id AND s.conference_id != NEW.conference_id)
      OR EXISTS (SELECT 1 FROM program_speakership k JOIN program_talk t ON t.id = k.talk_id
                 JOIN program_session s ON s.id = t.session_id
                 WHERE k.person_id = NEW.id AND s.conference_id != NEW.conference_id)
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """,
]

SQLITE_DROP = [
    *[
        f"DROP TRIGGER IF EXISTS program_{link}_person_conference_{event}"
        for link, _, _ in LINKS
        for event in ("insert", "update")
    ],
    "DROP TRIGGER IF EXISTS program_person_conference_update",
]

POSTGRESQL = [
    *[
        statement
        for link, item, column in LINKS
        for statement in (
            f"""
            CREATE OR REPLACE FUNCTION program_check_{link}_person() RETURNS trigger AS $$
            BEGIN
                IF (SELECT conference_id FROM program_person WHERE id = NEW.person_id)
                   <> (SELECT s.conference_id FROM program_{item} i
                       JOIN program_session s ON s.id = i.session_id WHERE i.id = NEW.{column})
                THEN
                    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
                END IF;
                RETURN NEW;
            END $$ LANGUAGE plpgsql
            """,
            f"""
            CREATE TRIGGER program_{link}_person_conference
            BEFORE INSERT OR UPDATE ON program_{link}
            FOR EACH ROW EXECUTE FUNCTION program_check_{link}_person()
            """,
        )
    ],
    f"""
    CREATE OR REPLACE FUNCTION program_check_person_move() RETURNS trigger AS $$
    BEGIN
        IF NEW.conference_id <> OLD.conference_id AND (
            EXISTS (SELECT 1 FROM program_authorship a JOIN program_poster p ON p.id = a.poster_id
                    JOIN program_session s ON s.id = p.session_id
                    WHERE a.person_id = NEW.id AND s.conference_id <> NEW.conference_id)
            OR EXISTS (SELECT 1 FROM program_speakership k JOIN program_talk t ON t.id = k.talk_id
                       JOIN program_session s ON s.id = t.session_id
                       WHERE k.person_id = NEW.id AND s.conference_id <> NEW.conference_id)
        ) THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER program_person_conference_move
    BEFORE UPDATE ON program_person
    FOR EACH ROW EXECUTE FUNCTION program_check_person_move()
    """,
]

POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS program_person_conference_move ON program_person",
    *[
        f"DROP TRIGGER IF EXISTS program_{link}_person_conference ON program_{link}"
        for link, _, _ in LINKS
    ],
    "DROP FUNCTION IF EXISTS program_check_person_move()",
    *[f"DROP FUNCTION IF EXISTS program_check_{link}_person()" for link, _, _ in LINKS],
]

TRIGGERS = Triggers({"sqlite": (SQLITE, SQLITE_DROP), "postgresql": (POSTGRESQL, POSTGRESQL_DROP)})
# Later migrations that make SQLite rebuild a table with triggers call these again.
install, uninstall = TRIGGERS.install, TRIGGERS.uninstall


class Migration(migrations.Migration):
    dependencies = [("program", "0010_typed_links")]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
