"""Large uploads in the admin (over ``LARGE_BYTES``) are previewed and imported by the task
worker, not in the request: ``preview_import`` and ``apply_import`` write their progress, then
the preview or the outcome, to a ``state`` the import page reads and refreshes. The state lives
in Redis when the site has one, else in a file under DATA_DIR: the import's transaction holds
SQLite's write lock, so it cannot be a row. Both tasks may run twice safely."""

from __future__ import annotations

import datetime
import json
import os
import time
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.core.cache import caches
from django.tasks import task
from django.utils.formats import localize
from django_redis.cache import RedisCache

from program.importing.applying import ImportProblem, RemovalsNotConfirmed
from program.importing.files import import_file
from program.importing.readers import ReadError
from program.models import PendingImport
from program.models.imports import KEPT_FOR

# Files larger than this go to the task worker (a 2 MB frab file holds about 4,000 events, whose
# preview takes seconds; 50,000 take minutes).
LARGE_BYTES = 2 * 1024 * 1024
# Rows of changes and removals the preview lists; the totals count them all.
SHOWN = 300
# How often the tasks write their progress, at most.
EVERY = 0.5


def _path(token) -> Path:
    return Path(settings.DATA_DIR) / "imports" / f"{token}.json"


def save_state(token, **state) -> None:
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        cache.set(f"import-state:{token}", state, int(KEPT_FOR.total_seconds()))
        return
    path = _path(token)
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_suffix(".part")
    part.write_text(json.dumps(state))
    os.replace(part, path)  # a reader sees the old state or the new one, never half


def state(token) -> dict | None:
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        return cache.get(f"import-state:{token}")
    try:
        return json.loads(_path(token).read_text())
    except FileNotFoundError:
        return None


def forget_stale_states() -> None:
    """State files older than an upload is kept (a page never opened again)."""
    cutoff = time.time() - KEPT_FOR.total_seconds()
    for path in (Path(settings.DATA_DIR) / "imports").glob("*.json"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def forget_state(token) -> None:
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        cache.delete(f"import-state:{token}")
    else:
        _path(token).unlink(missing_ok=True)


def problems_of(error: Exception) -> list[str]:
    return list(getattr(error, "problems", [str(error)]))


def _shown(value) -> str:
    return str(localize(value))


def _row(change) -> dict:
    return {
        "day": change.day.isoformat() if change.day else None,
        "room": change.room,
        "action": change.action,
        "record": change.record,
        "title": change.title,
        "fields": {name: [_shown(a), _shown(b)] for name, (a, b) in change.fields.items()},
    }


def preview_of(report) -> dict:
    """What the preview page shows of a dry run's report, as JSON."""
    changes = report.by_day()
    removals = [change for change in changes if change.action == "remove"][:SHOWN]
    shown = [change for change in changes if change.action != "remove"][:SHOWN]
    return {
        "report": {
            "conference": report.conference,
            "created_conference": report.created_conference,
            "summary": report.summary(),
            "summary_by_day": [(day.isoformat(), text) for day, text in report.summary_by_day()],
            "removals": report.removals,
            "existing": report.existing,
            "removals_need_yes": report.removals_need_yes,
            "removal_summary": report.removal_summary(),
            "notes": report.notes[:50],
            "skipped": report.skipped[:100],
        },
        "removals": [_row(change) for change in removals],
        "shown": [_row(change) for change in shown],
        "change_count": len(changes),
        "skipped_count": len(report.skipped),
        "not_shown": len(changes) - len(removals) - len(shown),
    }


def preview_context(preview: dict) -> dict:
    """The preview page's context from ``preview_of``'s JSON (dates made dates again)."""

    def day(text):
        return datetime.date.fromisoformat(text) if text else None

    def rows(items):
        return [{**item, "day": day(item["day"])} for item in items]

    report = dict(preview["report"])
    report["summary_by_day"] = [(day(text), summary) for text, summary in report["summary_by_day"]]
    return {
        **preview,
        "report": SimpleNamespace(**report),
        "removals": rows(preview["removals"]),
        "shown": rows(preview["shown"]),
    }


class Progress:
    """``import_program``'s ``progress``: counts the records of each long loop into the state."""

    def __init__(self, pending: PendingImport, stage: str):
        self.token, self.user, self.stage = pending.token, pending.user_id, stage
        self.written = 0.0

    def note(self, what: str, done: int = 0, total: int = 0, force: bool = False) -> None:
        if force or time.monotonic() - self.written >= EVERY:
            save_state(
                self.token, user=self.user, stage=self.stage, what=what, done=done, total=total
            )
            self.written = time.monotonic()

    def __call__(self, items, *, total: int, description: str):
        self.note(description, 0, total, force=True)
        for done, item in enumerate(items, 1):
            yield item
            self.note(description, done, total)
        self.note(description, total, total, force=True)


def _import(pending: PendingImport, progress: Progress, **options):
    progress.note("Reading the file", force=True)
    return import_file(
        bytes(pending.data),
        pending.format,
        slug=pending.conference_slug,
        calendar=bytes(pending.calendar) if pending.calendar is not None else None,
        zone=pending.timezone,
        progress=progress,
        **options,
    )


def _failed(pending: PendingImport, error: Exception) -> None:
    save_state(
        pending.token,
        user=pending.user_id,
        stage="failed",
        problems=problems_of(error),
        file=pending.file_name,
    )


@task
def preview_import(token: str) -> str:
    """The dry run of an upload waiting in a ``PendingImport``; its preview into the state."""
    pending = PendingImport.objects.filter(token=token).first()
    if pending is None:
        return "gone"
    try:
        report = _import(pending, Progress(pending, "reading"), dry_run=True)
    except (ReadError, ImportProblem) as error:
        _failed(pending, error)
        pending.delete()
        return "failed"
    save_state(token, user=pending.user_id, stage="previewed", preview=preview_of(report))
    return "previewed"


@task
def apply_import(token: str, allow_removals: bool) -> str:
    """The import itself; its outcome into the state. Run twice, the second finds the upload
    gone (or, had it not been deleted yet, imports the same file again: nothing changes)."""
    pending = PendingImport.objects.filter(token=token).first()
    if pending is None:
        return "gone"
    try:
        report = _import(
            pending, Progress(pending, "importing"), dry_run=False, allow_removals=allow_removals
        )
    except RemovalsNotConfirmed as error:
        _failed(pending, error)
        return "failed"
    except (ReadError, ImportProblem) as error:
        _failed(pending, error)
        pending.delete()
        return "failed"
    save_state(
        token,
        user=pending.user_id,
        stage="imported",
        message=f"Imported {pending.file_name} into {report.conference}:"
        f" {len(report.changes)} change(s).",
    )
    pending.delete()
    return "imported"


def start(pending: PendingImport, *, apply: bool = False, allow_removals: bool = False) -> None:
    """Queue the preview (or the import) of a large upload for the task worker."""
    if not isinstance(caches["default"], RedisCache):
        forget_stale_states()
    save_state(
        pending.token, user=pending.user_id, stage="queued", what="Waiting for the task worker"
    )
    if apply:
        apply_import.enqueue(str(pending.token), allow_removals)
    else:
        preview_import.enqueue(str(pending.token))
