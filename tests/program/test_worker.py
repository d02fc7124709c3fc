"""The task worker (program/worker.py, ``manage.py db_worker``): a task left running by a worker
that died is taken again by the next one, once; one that stopped three workers is failed; a
real worker previews the admin's large upload."""

import datetime
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils.timezone import now
from django_tasks_db.models import DBTaskResult

from program import worker
from tests.worker_tasks import count_a_run
from web.models import RateCounter

BASE_DIR = Path(__file__).resolve().parents[2]
TASKS_TABLE = DBTaskResult._meta.db_table
DEMOCON = BASE_DIR / "tests" / "data" / "c3voc" / "pretalx-democon.json"


def running(task_id, *worker_ids, started=None):
    DBTaskResult.objects.filter(pk=task_id).update(
        status="RUNNING", worker_ids=list(worker_ids), started_at=started or now()
    )


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


@pytest.mark.django_db(transaction=True)
def test_a_task_whose_worker_died_runs_again_and_one_still_running_waits():
    here = worker.host()
    died = count_a_run.enqueue("died", 0).id
    alive = count_a_run.enqueue("alive", 0).id
    elsewhere = count_a_run.enqueue("elsewhere", 0).id
    stuck = count_a_run.enqueue("stuck", 0).id
    running(died, f"{here}:{dead_pid()}:a")
    running(alive, f"{here}:{os.getppid()}:b")  # the process that started these tests
    running(elsewhere, "other-host:12:c")
    running(stuck, "other-host:13:d", started=now() - datetime.timedelta(hours=2))

    assert worker.recover_stopped_tasks("default") == (2, 0)

    status = {str(pk): value for pk, value in DBTaskResult.objects.values_list("pk", "status")}
    assert status[died] == status[stuck] == "READY"
    assert status[alive] == status[elsewhere] == "RUNNING"
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert set(RateCounter.objects.values_list("key", "count")) == {("died", 1), ("stuck", 1)}


@pytest.mark.django_db(transaction=True)
def test_a_task_that_stopped_three_workers_is_failed_not_tried_again():
    here = worker.host()
    task_id = count_a_run.enqueue("deadly", 0).id
    running(task_id, *(f"{here}:{dead_pid()}:{n}" for n in range(worker.MAX_ATTEMPTS)))
    assert worker.recover_stopped_tasks("default") == (0, 1)
    result = count_a_run.get_result(task_id)
    assert result.status == "FAILED"
    assert result.errors[0].exception_class_path == "program.worker.WorkerStopped"
    assert not RateCounter.objects.exists()


def manage(env, *args, **kwargs):
    return subprocess.Popen([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, **kwargs)


def wait_for_status(database, status, seconds=60):
    deadline = time.monotonic() + seconds
    while True:
        with sqlite3.connect(database) as connection:
            found = connection.execute(f"SELECT status FROM {TASKS_TABLE}").fetchall()
        if found == [(status,)]:
            return
        assert time.monotonic() < deadline, f"the task is {found}, not {status}"
        time.sleep(0.1)


def site_environment(data: Path) -> dict:
    """The site's settings on an SQLite file under ``data``, as ``make run`` would have them."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {"DATABASE_URL", "DEBUG", "TASKS_IMMEDIATE", "DJANGO_SETTINGS_MODULE", "REDIS_URL"}
    }
    env.update(DATA_DIR=str(data), SECRET_KEY="worker-test")
    return env


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    """An SQLite file with every migration applied, made once and copied for each test."""
    data = tmp_path_factory.mktemp("migrated")
    migrate = manage(site_environment(data), "migrate", "--noinput", stdout=subprocess.DEVNULL)
    assert migrate.wait() == 0
    return data / "db.sqlite3"


@pytest.fixture
def site(tmp_path, migrated) -> dict:
    shutil.copyfile(migrated, tmp_path / "db.sqlite3")
    return site_environment(tmp_path)


@pytest.mark.slow
def test_a_worker_killed_mid_task_leaves_it_to_the_next_which_does_it_once(tmp_path, site):
    """A real ``manage.py db_worker`` on an SQLite file, killed (SIGKILL) while its task sleeps;
    a new worker does the task, and its effect counts one."""
    database = tmp_path / "db.sqlite3"
    env = site
    enqueue = "from tests.worker_tasks import count_a_run; count_a_run.enqueue('killed', 3)"
    assert manage(env, "shell", "-c", enqueue).wait() == 0

    log = (tmp_path / "worker.log").open("w")
    arguments = ("db_worker", "--no-startup-delay", "--interval", "0.1")
    first = manage(env, *arguments, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_status(database, "RUNNING")
        time.sleep(0.5)  # well inside the task's 3 s
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    time.sleep(1)
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT count(*) FROM web_ratecounter").fetchone() == (0,)
    wait_for_status(database, "RUNNING", seconds=0)  # left so: no worker takes it

    second = manage(env, *arguments, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_status(database, "SUCCESSFUL")
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(10)
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT key, count FROM web_ratecounter").fetchall() == [
            ("killed", 1)
        ]
        (workers,) = connection.execute(f"SELECT worker_ids FROM {TASKS_TABLE}")
    assert str(first.pid) in workers[0] and str(second.pid) in workers[0]
    assert "ready again" in (tmp_path / "worker.log").read_text()


@pytest.mark.slow
def test_a_real_worker_previews_a_large_upload_for_the_admin(tmp_path, site):
    """The admin's large upload (program/importing/background.py) through a real worker: the
    preview's state is there for the import page to show."""
    queue = (
        "from accounts.models import User;"
        "from program.importing import background;"
        "from program.models import PendingImport;"
        f"data = open({str(DEMOCON)!r}, 'rb').read();"
        "user = User.objects.create(username='root', is_staff=True, is_superuser=True);"
        "pending = PendingImport.objects.create(user=user, conference_slug='democon',"
        " format='frab-json', file_name='schedule.json', data=data);"
        "background.start(pending);"
        "print(pending.token)"
    )
    enqueue = manage(site, "shell", "-c", queue, stdout=subprocess.PIPE, text=True)
    token = enqueue.communicate()[0].split()[-1]
    assert enqueue.returncode == 0
    state = tmp_path / "imports" / f"{token}.json"
    assert json.loads(state.read_text())["stage"] == "queued"
    worker = manage(site, "db_worker", "--batch", "--no-startup-delay", stdout=subprocess.DEVNULL)
    assert worker.wait(120) == 0
    previewed = json.loads(state.read_text())
    assert previewed["stage"] == "previewed"
    assert "36 talks added" in previewed["preview"]["report"]["summary"]
    with sqlite3.connect(tmp_path / "db.sqlite3") as connection:
        assert connection.execute("SELECT count(*) FROM program_talk").fetchone() == (0,)
