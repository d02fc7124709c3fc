"""A task the worker was running when it died (killed, out of memory, the machine restarted)
stays "running" in the database, and no worker takes it again. ``manage.py db_worker``
(program/management/commands/db_worker.py) calls ``recover_stopped_tasks`` when it starts: a
task whose worker is known dead (a process of this machine that no longer exists) is ready again
at once, and one running longer than ``RUNNING_TIMEOUT`` on any machine too; one that stopped
``MAX_ATTEMPTS`` workers is marked failed rather than tried forever. Tasks must be idempotent."""

from __future__ import annotations

import datetime
import os
import socket

from django.db import transaction
from django.tasks import TaskResultStatus
from django.utils.crypto import get_random_string
from django.utils.timezone import now
from django_tasks_db.models import DBTaskResult

# Longer than any task takes (similar papers for a large program: under a minute).
RUNNING_TIMEOUT = datetime.timedelta(hours=1)
MAX_ATTEMPTS = 3


class WorkerStopped(Exception):
    """Recorded on a task whose workers stopped ``MAX_ATTEMPTS`` times while running it."""


def host() -> str:
    return socket.gethostname()[:40]


def new_worker_id() -> str:
    """The machine and process (so that a worker started later knows whether this one still
    runs), and a random part (unique across machines that share a name)."""
    return f"{host()}:{os.getpid()}:{get_random_string(8)}"


def process_gone(worker_id: str) -> bool:
    """Whether the worker is a process of this machine that no longer runs (this process, as it
    has not started anything yet, counts as a new life of a stopped one: a container restarted
    gives the same process id)."""
    parts = worker_id.split(":")
    if len(parts) != 3 or parts[0] != host() or not parts[1].isdigit():
        return False
    pid = int(parts[1])
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False


def recover_stopped_tasks(backend_name: str) -> tuple[int, int]:
    """Ready again the running tasks whose worker stopped; (how many, how many failed)."""
    cutoff = now() - RUNNING_TIMEOUT
    with transaction.atomic():
        running = DBTaskResult.objects.running().filter(backend_name=backend_name)
        stopped = [
            (task.pk, len(task.worker_ids))
            for task in running.select_for_update().only("pk", "started_at", "worker_ids")
            if (task.started_at and task.started_at < cutoff)
            or process_gone(task.worker_ids[-1] if task.worker_ids else "")
        ]
        given_up = [pk for pk, attempts in stopped if attempts >= MAX_ATTEMPTS]
        again = [pk for pk, attempts in stopped if attempts < MAX_ATTEMPTS]
        DBTaskResult.objects.filter(pk__in=again).update(status=TaskResultStatus.READY)
        DBTaskResult.objects.filter(pk__in=given_up).update(
            status=TaskResultStatus.FAILED,
            finished_at=now(),
            exception_class_path=f"{__name__}.{WorkerStopped.__qualname__}",
            traceback=f"{WorkerStopped.__qualname__}: {MAX_ATTEMPTS} workers stopped while"
            " running it",
        )
    return len(again), len(given_up)
