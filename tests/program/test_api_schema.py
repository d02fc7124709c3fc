"""Generated requests against every endpoint of our own schema: no 5xx, and every response
matches what the schema says (schemathesis strategies driven by hypothesis, bounded examples).

The schemathesis pytest plugin does not run under this pytest, so each operation is a plain
parametrized test that asks schemathesis for its request strategy.
"""

from unittest import mock

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance

from conference import throttling
from conference.wsgi import application

SCHEMA_PATH = "/api/v1/schema/?format=json"
EXAMPLES = 20


@pytest.fixture(autouse=True)
def keep_the_test_connection_open():
    """Requests go straight to the WSGI app, which closes the database connection after each
    one; inside a test's transaction that would end the test's connection (as Django's own
    test client avoids in the same way)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def operations() -> list:
    # Read at collection time, before any test database exists: the schema view's throttle
    # must not count in the database then (it counts in every test that calls the API).
    with mock.patch.object(throttling, "count", lambda key, timeout: None):
        schema = schemathesis.openapi.from_wsgi(SCHEMA_PATH, application)
        return [result.ok() for result in schema.get_all_operations()]


def operation_label(operation) -> str:
    return f"{operation.method.upper()} {operation.path}"


def check_generated_requests(
    operation,
    mode=GenerationMode.POSITIVE,
    examples=EXAMPLES,
    checks=(not_a_server_error, response_schema_conformance),
    **call_options,
) -> None:
    """Up to ``examples`` requests generated from the operation's schema (or, NEGATIVE, against
    it), the same every run: none may give a server error, and every response must match the
    schema."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @hypothesis_settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        case.call_and_validate(checks=list(checks), **call_options)

    check()


@pytest.mark.django_db
@pytest.mark.parametrize("operation", operations(), ids=operation_label)
def test_no_input_gives_a_server_error_and_responses_match_the_schema(
    seed, attendee, organizer, operation
):
    from rest_framework.authtoken.models import Token

    # Anonymous, then as an attendee (one seed load for all three phases).
    check_generated_requests(operation)
    attendee_token = {"Authorization": f"Token {Token.objects.create(user=attendee).key}"}
    check_generated_requests(operation, examples=5, headers=attendee_token)
    # Negative generation, as an organizer: wrong types, missing fields, out-of-range values.
    organizer_token = {"Authorization": f"Token {Token.objects.create(user=organizer).key}"}
    try:
        check_generated_requests(
            operation,
            mode=GenerationMode.NEGATIVE,
            examples=5,
            checks=(not_a_server_error,),
            headers=organizer_token,
        )
    except Unsatisfiable:
        # Only GET and DELETE /conferences/{slug}/: a slug is any string, so nothing can break
        # the schema there (the odd-input tests send NUL and friends to them instead).
        assert operation.path == "/api/v1/conferences/{slug}/", operation_label(operation)


def write_operations() -> list:
    return [op for op in operations() if op.method.upper() in ("POST", "PUT", "PATCH", "DELETE")]


@pytest.mark.django_db
@pytest.mark.parametrize("operation", write_operations(), ids=operation_label)
def test_organizer_writes_with_generated_payloads_never_give_a_server_error(
    seed, organizer, operation
):
    from rest_framework.authtoken.models import Token

    headers = {"Authorization": f"Token {Token.objects.create(user=organizer).key}"}
    check_generated_requests(operation, headers=headers)
