"""Development tools: load tests, benchmarks and generated programs. Production does not load
this app: run its commands with ``DJANGO_SETTINGS_MODULE=devtools.settings`` (the test suite
does)."""
