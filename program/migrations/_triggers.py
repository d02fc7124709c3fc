"""Raw SQL triggers per database vendor, installed and removed by migrations 0002 and 0011.

Not a migration (the migration loader skips modules whose names start with "_"). ``install``
drops the triggers first, so running it again (after SQLite rebuilt a table, which drops the
table's triggers) is safe; a vendor with no statements gets none.
"""

from __future__ import annotations


class Triggers:
    def __init__(self, statements: dict[str, tuple[list[str], list[str]]]):
        #: vendor -> (create statements, drop statements)
        self.statements = statements

    def _run(self, schema_editor, index: int) -> None:
        for statement in self.statements.get(schema_editor.connection.vendor, ((), ()))[index]:
            schema_editor.execute(statement)

    def install(self, apps, schema_editor) -> None:
        self._run(schema_editor, 1)
        self._run(schema_editor, 0)

    def uninstall(self, apps, schema_editor) -> None:
        self._run(schema_editor, 1)
