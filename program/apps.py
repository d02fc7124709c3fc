from django.apps import AppConfig


class ProgramConfig(AppConfig):
    name = "program"
    verbose_name = "Program"

    def ready(self) -> None:
        from program import search, signals

        search.install()
        signals.connect()
