from django.apps import AppConfig


class WebConfig(AppConfig):
    """The site's web infrastructure: for now the API's rate limits (web/throttling.py)."""

    name = "web"
    verbose_name = "Web"

    def ready(self) -> None:
        from django.core import checks

        from web.checks import rate_limit_counters

        checks.register(rate_limit_counters)
