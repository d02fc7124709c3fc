"""Result pages that take their count from the page query (program/views/paging.py): the same pages
and counts as Django's paginator, in one query on PostgreSQL."""

import pytest
from django.core.paginator import Paginator
from django.db import connection

from program.models import Person
from program.views.paging import OneQueryPaginator
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    for number in range(7):
        PersonFactory(name=f"Person {number}")
    return Person.objects.order_by("name")


@pytest.mark.parametrize("number", [1, 2, 3, "2", "", None, "x", 0, -4, 4, 99])
def test_pages_and_counts_are_those_of_djangos_paginator(people, number):
    ours = OneQueryPaginator(people, 3).get_page(number)
    django = Paginator(people, 3).get_page(number)
    assert ours.number == django.number
    assert [p.name for p in ours] == [p.name for p in django]
    assert ours.paginator.count == django.paginator.count == 7
    assert (ours.has_next(), ours.has_previous()) == (django.has_next(), django.has_previous())


def test_an_empty_list_has_one_empty_page(db):
    page = OneQueryPaginator(Person.objects.none(), 3).get_page(1)
    assert page.number == 1 and list(page) == [] and page.paginator.count == 0
    page = OneQueryPaginator(Person.objects.order_by("name"), 3).get_page(2)
    assert page.number == 1 and list(page) == [] and page.paginator.count == 0


def test_a_page_and_its_count_are_one_query_on_postgresql(people, django_assert_num_queries):
    expected = 1 if connection.vendor == "postgresql" else 2  # SQLite: count, then the page
    with django_assert_num_queries(expected):
        page = OneQueryPaginator(people, 3).get_page(2)
        assert page.paginator.count == 7 and page.paginator.num_pages == 3
        assert [p.name for p in page] == ["Person 3", "Person 4", "Person 5"]
