"""manage.py benchmark_pages: every page it measures answers, on the seed."""

import io

import pytest
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
    assert "first import" in text and "same file again" in text and "moved" in text
    assert "Holds 60 contributions" in text and "250 authorships" in text
    # Unchanged, the second import changes nothing; the third moves some papers.
    assert " 0 changes" in text.splitlines()[2]
    assert not Conference.objects.filter(slug="import-benchmark").exists()
