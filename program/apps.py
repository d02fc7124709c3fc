from django.apps import AppConfig


class ProgramConfig(AppConfig):
    name = "program"
    verbose_name = "Program"

    def ready(self) -> None:
        from program import changes, search, tasks

        search.install()
        changes.connect()
        tasks.connect()
