"""The benchmark commands: every page they measure answers, on the seed, and they clean up."""

import io
import os
import re
import shutil
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command

from program.models import Conference

pytestmark = pytest.mark.django_db


def test_it_measures_every_kind_of_page_and_each_answers(seed, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    out = io.StringIO()
    call_command("benchmark_pages", "mlsys2025", repeat=1, stdout=out)
    rows = [line.split() for line in out.getvalue().splitlines()[1:]]
    pages = [row[0] for row in rows]
    assert {row[1] for row in rows} == {"200"}, rows
    for part in ("/posters/", "/talks/", "/people/", "/papers/", "schedule.xml", "schedule.json"):
        assert any(part in page for page in pages), part


def test_the_import_benchmark_imports_three_times_and_leaves_nothing(db):
    out = io.StringIO()
    call_command("benchmark_import", papers=60, author_slots=250, stdout=out)
    text = out.getvalue()
    steps = {line.split(":")[0].strip(): line for line in text.splitlines() if " s (" in line}
    assert list(steps) == ["first import", "same file again", "5% of papers moved"]
    assert "Holds 60 contributions" in text and "250 authorships" in text
    # Unchanged, the second import changes nothing; the third moves some papers.
    assert " 0 changes" in steps["same file again"]
    assert " 0 changes" not in steps["5% of papers moved"]
    assert not Conference.objects.filter(slug="import-benchmark").exists()


def test_the_import_benchmark_times_a_real_file_and_its_unchanged_re_import(db):
    out = io.StringIO()
    democon = settings.BASE_DIR / "tests" / "data" / "c3voc" / "pretalx-democon.json"
    call_command("benchmark_import", file=str(democon), stdout=out)
    text = out.getvalue()
    assert "frab-json" in text and "max RSS before importing" in text
    first, again = (line for line in text.splitlines() if " s (reading " in line)
    for line in (first, again):
        for figure in ("queries", "writes", "max RSS", "changes", "tracemalloc peak"):
            assert figure in line, (figure, line)
    assert first.strip().startswith("first import") and " 0 changes" not in first
    assert again.strip().startswith("same file again") and " 0 changes" in again
    assert "(0 writes)" in again  # unchanged: read and compared, nothing written
    assert "36 talks" in text
    assert not Conference.objects.filter(slug="import-benchmark").exists()


def seeded_file_database(tmp_path):
    """``manage(...)`` in a subprocess on a database file holding the seed: gunicorn cannot see
    the suite's in-memory database."""
    environment = {
        **{k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CACHE_URL")},
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "devtools.settings",
    }

    def manage(*arguments, timeout=120):
        return subprocess.run(
            [sys.executable, str(settings.BASE_DIR / "manage.py"), *arguments],
            env=environment,
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
            timeout=timeout,
        ).stdout

    manage("migrate", "--noinput", "--verbosity", "0")
    manage("prepare_site")  # the seed program
    return manage


def test_the_server_benchmark_measures_each_page_against_its_ceiling_and_stops_the_server(
    tmp_path,
):
    manage = seeded_file_database(tmp_path)
    out = manage("benchmark_server", "mlsys2025", "--duration", "0.2", "--connections", "2")

    lines = out.splitlines()
    header = next(number for number, line in enumerate(lines) if line.startswith("page "))
    rows = lines[header + 1 : header + 23]
    pages, ceilings = rows[0::2], rows[1::2]
    names = " ".join(pages)
    for part in ("overview", "busiest day", "session", "poster", "person", "search", "papers"):
        assert part in names, part
    for part in ("schedule.ics", "schedule.json", "schedule.xml", "API posters, 50"):
        assert part in names, part
    for page, ceiling in zip(pages, ceilings, strict=True):
        assert page.split("|")[0].split()[-5] == "200", page
        assert ceiling.startswith("  ceiling: static file"), ceiling
        assert ceiling.split()[3] == "200", ceiling
        assert page.split("|")[-1].strip() == "0", page  # no errors
    # The signed-in visitor's rows: their pages as they see them (the day in gzipped pieces,
    # web/splicing.py), compared with the anonymous day; the visitor is removed at the end.
    header = next(number for number, line in enumerate(lines) if line.startswith("signed in "))
    assert "vs anon" in lines[header]
    rows = lines[header + 1 : header + 7]
    names = [row.split("  ")[0] for row in rows[0::2]]
    assert names == ["signed-in busiest day", "My agenda", "private feed (no cookie)"], rows
    for page, ceiling in zip(rows[0::2], rows[1::2], strict=True):
        assert page.split("|")[0].split()[-5] == "200", page
        assert page.split("|")[-1].strip() == "0", page
        assert ceiling.startswith("  ceiling: static file"), ceiling
        assert page.split("|")[1].split()[-1].endswith("%"), page  # vs anon
    assert rows[0].split("|")[0].split()[-3] == "gzip", rows[0]
    assert "the new title shows on the next request: yes" in out
    username = re.search(r"removed (benchmark-visitor-\w+)\.", out).group(1)
    check = (
        "from accounts.models import User;"
        " print(User.objects.filter(username__startswith='benchmark-visitor-').count())"
    )
    assert manage("shell", "--no-imports", "-c", check).strip() == "0", username
    pid = int(re.search(r"gunicorn pid (\d+)", out).group(1))
    with pytest.raises(ProcessLookupError):
        os.killpg(pid, 0)  # neither the server nor any of its workers is left


def test_the_search_benchmark_runs_each_query_and_reports_its_matches(seed, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    out = io.StringIO()
    call_command("benchmark_search", "mlsys2025", repeat=2, query=["ling liu", "'"], stdout=out)
    lines = out.getvalue().splitlines()
    (ling,) = [line for line in lines if line.startswith("ling liu")]
    assert ling.split()[3] == "1"  # one talk: Ling Liu's
    # The second request rendered the page too (its searches), not its kept copy.
    assert int(ling.split()[-1]) > 10
    assert any(line.startswith("page: p50") for line in lines)


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("nginx"), reason="nginx is not installed")
def test_the_server_benchmark_through_nginx_keeps_public_answers_and_passes_signed_in_ones(
    tmp_path,
):
    manage = seeded_file_database(tmp_path)
    out = manage(
        "benchmark_server", "mlsys2025", "--duration", "0.2", "--connections", "2", "--proxy"
    )
    assert "Measuring through nginx on http://127.0.0.1:" in out
    lines = out.splitlines()
    header = next(number for number, line in enumerate(lines) if line.startswith("page "))
    rows = lines[header + 1 : header + 23]
    for row in rows:
        assert row.split("|")[0].split()[-5 if "ceiling" not in row else 3] == "200", row
        assert row.split("|")[-1].strip() == "0", row
    (statuses,) = [line for line in lines if line.startswith("nginx's X-Cache-Status")]
    for kept in ("overview HIT", "schedule.json HIT", "API posters, 50 HIT"):
        assert kept in statuses, statuses
    assert re.search(r"busiest day \(\d+ items\) HIT", statuses), statuses
    assert "signed-in busiest day BYPASS" in statuses and "My agenda BYPASS" in statuses
    assert "private feed (no cookie) BYPASS" in statuses  # a private address: never kept
    # gunicorn shows an edit at once; nginx keeps the public day up to its max-age.
    assert "the new title shows on the next request: yes" in out
    assert "Through nginx the next request shows it: 0 of 9" in out
    nginx, gunicorn = (int(pid) for pid in re.findall(r"\(pid (\d+)\)", out.splitlines()[-1]))
    for pid in (nginx, gunicorn):
        with pytest.raises(ProcessLookupError):
            os.killpg(pid, 0)
