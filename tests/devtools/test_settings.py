"""Production does not load the development app; the suite (devtools.settings) does."""

from django.conf import settings
from django.core.management import get_commands

import conference.settings

DEV_COMMANDS = (
    "benchmark_server",
    "benchmark_pages",
    "benchmark_import",
    "benchmark_search",
    "generate_program",
    "build_program_fixture",
)


def test_production_settings_do_not_install_the_development_app():
    assert "devtools" not in conference.settings.INSTALLED_APPS
    assert "devtools" in settings.INSTALLED_APPS
    assert [app for app in settings.INSTALLED_APPS if app != "devtools"] == list(
        conference.settings.INSTALLED_APPS
    )


def test_the_development_commands_come_from_the_development_app():
    commands = get_commands()
    for name in DEV_COMMANDS:
        assert commands[name] == "devtools", name
