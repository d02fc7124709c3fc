"""Log-in lock-outs (django-axes) aimed at the attacker, not at everyone behind one address.

Three counts of failed log-ins in the cool-off time, in the database so every worker sees them:
one username from one address (``AXES_FAILURE_LIMIT``, 5), one username from anywhere
(``AXES_USERNAME_FAILURE_LIMIT``, 10) and one address (``AXES_ADDRESS_FAILURE_LIMIT``, 100), so a
conference's shared NAT address is no kill switch. While locked, the log-in page and the API
token endpoint return 429 with ``Retry-After``.
"""

from __future__ import annotations

import math

from axes.attempts import get_cool_off_threshold
from axes.conf import settings
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.db.models import Sum
from django.shortcuts import render

LOCKED_MESSAGE = "Too many failed log-ins; try again later or reset your password."


def retry_after_seconds(request=None) -> int:
    """The cool-off, for Retry-After: a failure during a lock-out starts it again."""
    cool_off = get_cool_off(request)
    return max(1, int(cool_off.total_seconds())) if cool_off else 3600


class AttackerAimedHandler(AxesDatabaseHandler):
    def failure_counts(self, request, credentials=None) -> dict[str, tuple[int, int]]:
        """(failures, own limit) for each thing that can be locked, by the kind of lock-out:
        ``address``, ``username_and_address`` and ``username`` (only with a username)."""
        attempts = AccessAttempt.objects.all()
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))

        def failures(**filters) -> int:
            found = attempts.filter(**filters).aggregate(total=Sum("failures_since_start"))
            return found["total"] or 0

        address = request.axes_ip_address
        username = get_client_username(request, credentials)
        counts = {"address": (failures(ip_address=address), settings.AXES_ADDRESS_FAILURE_LIMIT)}
        if username is not None:
            counts["username_and_address"] = (
                failures(username=username, ip_address=address),
                get_failure_limit(request, credentials),
            )
            counts["username"] = (failures(username=username), settings.AXES_USERNAME_FAILURE_LIMIT)
        return counts

    def get_failures(self, request, credentials=None) -> int:
        """The worst count, scaled to ``AXES_FAILURE_LIMIT``: django-axes compares one number
        with one limit, and ``count * limit // own_limit`` reaches ``limit`` exactly when the
        count reaches its own limit."""
        limit = get_failure_limit(request, credentials)
        return max(
            count * limit // max(1, own_limit)
            for count, own_limit in self.failure_counts(request, credentials).values()
        )

    def locked_kinds(self, request, credentials=None) -> set[str]:
        """Which of the three lock-outs hold for this request now."""
        return {
            kind
            for kind, (count, own_limit) in self.failure_counts(request, credentials).items()
            if count >= own_limit
        }


def lockout_response(request, original_response=None, credentials=None):
    """The HTML lock-out page (AXES_LOCKOUT_CALLABLE): 429 with Retry-After, saying which
    lock-out holds (the account, the account from this address, or this address)."""
    seconds = retry_after_seconds(request)
    locked = AttackerAimedHandler().locked_kinds(request, credentials)
    response = render(
        request,
        settings.AXES_LOCKOUT_TEMPLATE,
        {
            "address_locked": "address" in locked,
            "username_locked": "username" in locked,
            "username_and_address_locked": "username_and_address" in locked,
            "minutes": math.ceil(seconds / 60),
        },
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response
