from django.db import models


class RateCounter(models.Model):
    """One client's requests under one rate limit in its current window, when there is no Redis
    (web/throttling.py). The key names the limit and the client; a request in a later window
    starts the count again in the same row. Rows whose window is over are deleted now and
    then."""

    key = models.CharField(max_length=200, primary_key=True)
    # The number of the window (the time divided by the rate's period) that count is for.
    window = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)
    # The end of that window.
    expires = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.count} in window {self.window}"
