"""A slow task for the real task worker in tests/program/test_worker.py: it waits, then counts
one run under its key (a row of web's RateCounter), in one transaction."""

import datetime
import time

from django.db import transaction
from django.db.models import F
from django.tasks import task
from django.utils.timezone import now

from web.models import RateCounter


@task
def count_a_run(key: str, seconds: float) -> int:
    time.sleep(seconds)
    with transaction.atomic():
        RateCounter.objects.get_or_create(
            key=key, defaults={"window": 0, "expires": now() + datetime.timedelta(days=1)}
        )
        RateCounter.objects.filter(key=key).update(count=F("count") + 1)
    return RateCounter.objects.get(key=key).count
