from django.apps import AppConfig


class WebConfig(AppConfig):
    """The site's web infrastructure: for now the API's rate limits (web/throttling.py)."""

    name = "web"
    verbose_name = "Web"
