"""manage.py benchmark_pages: every page it measures answers, on the seed."""

import io

import pytest
from django.core.management import call_command

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


def test_the_search_benchmark_runs_each_query_and_reports_its_matches(seed, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    out = io.StringIO()
    call_command("benchmark_search", "mlsys2025", repeat=1, query=["ling liu", "'"], stdout=out)
    lines = out.getvalue().splitlines()
    (ling,) = [line for line in lines if line.startswith("ling liu")]
    assert ling.split()[3] == "1"  # one talk: Ling Liu's
    assert any(line.startswith("page: p50") for line in lines)
