"""Generated requests against every operation of our own schema, as an anonymous visitor, an
attendee and an organizer: no 5xx, and every response matches what the schema says.

Three phases, as schemathesis runs them (strategies driven by hypothesis, derandomized, so the
same requests every run):

- positive: requests that fit the schema;
- negative: requests that break it (wrong types, missing fields, out-of-range values), which
  must be refused with a documented 4xx;
- stateful: sequences that feed one answer into the next request (a created room's id into its
  GET, PATCH and DELETE; a listed session into a poster's POST), from the links schemathesis
  infers from the schema (our schema declares none itself).

The default run is a quick subset (a few examples per operation and credential, short
sequences); ``pytest --slow -m slow`` runs the long one (a few minutes). The schemathesis pytest
plugin does not run under this pytest, so each operation is a plain parametrized test that asks
schemathesis for its request strategy.
"""

from unittest import mock

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from conference.wsgi import application
from web import caching, throttling

SCHEMA_PATH = "/api/v1/schema/?format=json"
CREDENTIALS = ["anonymous", "attendee", "organizer"]
POSITIVE_CHECKS = (not_a_server_error, status_code_conformance, response_schema_conformance)
NEGATIVE_CHECKS = (*POSITIVE_CHECKS, negative_data_rejection)
# Operations that no negative request can reach: a slug is any string, so nothing can break the
# schema there (the odd-input tests send NUL and friends to them instead).
# GET me/ takes no parameter at all.
NOTHING_TO_BREAK = {"/api/v1/conferences/{slug}/", "/api/v1/me/"}


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


@pytest.fixture
def generous_throttles(monkeypatch):
    """The long runs send thousands of requests a minute; a 429 would hide what follows."""
    from rest_framework.throttling import SimpleRateThrottle

    rates = {"anon": "100000/min", "user": "100000/min"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)


@pytest.fixture
def headers_for(attendee, organizer):
    """The headers of each kind of caller: its DRF token, and no compression (schemathesis's
    WSGI transport asks for gzip and br, as requests does, but does not decode the answer)."""
    plain = {"Accept-Encoding": "identity"}

    def token(user) -> dict:
        return {**plain, "Authorization": f"Token {Token.objects.create(user=user).key}"}

    every = {"anonymous": plain, "attendee": token(attendee), "organizer": token(organizer)}
    return every.__getitem__


def load_schema():
    # Read at collection time, before any test database exists: the schema view's throttle
    # must not count in the database then (it counts in every test that calls the API), and
    # the kept answers in front of the stack must not read the site's version.
    with (
        mock.patch.object(throttling, "count", lambda *args, **kwargs: (True, 0.0)),
        mock.patch.object(caching, "storable_request", lambda request: False),
    ):
        return schemathesis.openapi.from_wsgi(SCHEMA_PATH, application)


def operations() -> list:
    return [result.ok() for result in load_schema().get_all_operations()]


def operation_label(operation) -> str:
    return f"{operation.method.upper()} {operation.path}"


def check_generated_requests(
    operation, *, mode=GenerationMode.POSITIVE, examples: int, checks, headers: dict
) -> None:
    """Up to ``examples`` requests generated from the operation's schema (or, NEGATIVE, against
    it), the same every run: every check must pass on every response."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @hypothesis_settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        case.call_and_validate(checks=list(checks), headers=headers)

    check()


def check_both_phases(operation, headers: dict, *, positive: int, negative: int) -> None:
    check_generated_requests(operation, examples=positive, checks=POSITIVE_CHECKS, headers=headers)
    try:
        check_generated_requests(
            operation,
            mode=GenerationMode.NEGATIVE,
            examples=negative,
            checks=NEGATIVE_CHECKS,
            headers=headers,
        )
    except Unsatisfiable:
        assert operation.path in NOTHING_TO_BREAK, operation_label(operation)


def run_workflows(headers: dict, *, scenarios: int, steps: int) -> None:
    """The stateful phase: ``scenarios`` sequences of up to ``steps`` linked requests."""
    base = load_schema().as_state_machine()

    class Workflow(base):
        def get_call_kwargs(self, case):
            return {"headers": headers}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(
                response, checks=list(POSITIVE_CHECKS), headers=headers, transport_kwargs=kwargs
            )

    Workflow.run(
        settings=hypothesis_settings(
            max_examples=scenarios,
            stateful_step_count=steps,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )


# The quick subset, in every run.


@pytest.mark.django_db
@pytest.mark.parametrize("operation", operations(), ids=operation_label)
def test_no_input_gives_a_server_error_and_responses_match_the_schema(seed, headers_for, operation):
    # Anonymous gets the most positive examples: most operations are public reads.
    check_both_phases(operation, headers_for("anonymous"), positive=12, negative=2)
    check_both_phases(operation, headers_for("attendee"), positive=2, negative=2)
    check_both_phases(operation, headers_for("organizer"), positive=3, negative=2)


def write_operations() -> list:
    return [op for op in operations() if op.method.upper() in ("POST", "PUT", "PATCH", "DELETE")]


@pytest.mark.django_db
@pytest.mark.parametrize("operation", write_operations(), ids=operation_label)
def test_organizer_writes_with_generated_payloads_never_give_a_server_error(
    seed, headers_for, operation
):
    check_generated_requests(
        operation, examples=20, checks=POSITIVE_CHECKS, headers=headers_for("organizer")
    )


@pytest.mark.django_db
@pytest.mark.parametrize("credentials", CREDENTIALS)
def test_linked_sequences_of_requests_give_no_server_error(seed, headers_for, credentials):
    run_workflows(headers_for(credentials), scenarios=5, steps=5)


# The long run: pytest --slow -m slow


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("credentials", CREDENTIALS)
@pytest.mark.parametrize("operation", operations(), ids=operation_label)
def test_many_generated_requests_per_operation_and_credential(
    seed, headers_for, generous_throttles, credentials, operation
):
    check_both_phases(operation, headers_for(credentials), positive=100, negative=50)


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("credentials", CREDENTIALS)
def test_many_linked_sequences_of_requests(seed, headers_for, generous_throttles, credentials):
    run_workflows(headers_for(credentials), scenarios=100, steps=10)
