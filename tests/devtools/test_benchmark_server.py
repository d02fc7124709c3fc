"""benchmark_server's signed-in visitor (made for the run, removed after it) and its --proxy when
nginx is not installed. The whole command runs in test_benchmark_command.py."""

import datetime
import io
import shutil
import subprocess

import pytest
from axes.models import AccessLog
from django.conf import settings
from django.contrib.sessions.models import Session as LoginSession
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.models import AgendaItem, User
from devtools import proxy
from devtools.management.commands.benchmark_server import (
    BENCHMARK_USER_PREFIX,
    items_to_save,
    signed_in_visitor,
)
from web import session_marker

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 5, 15)


def test_the_signed_in_visitor_is_logged_in_with_five_saved_items_and_removed_after(seed):
    with signed_in_visitor(seed, DAY, host="testserver") as visitor:
        user = visitor.user
        assert user.username.startswith(BENCHMARK_USER_PREFIX)
        assert not user.has_usable_password()
        assert AgendaItem.objects.filter(user=user).count() == 5 == len(visitor.saved)
        # One item from each of five sessions of the day, in program order.
        assert len({item.session_id for item in visitor.saved}) == 5
        assert {item.session.day for item in visitor.saved} == {DAY}
        cookies = dict(part.split("=", 1) for part in visitor.cookie.split("; "))
        assert set(cookies) == {
            settings.SESSION_COOKIE_NAME,
            settings.CSRF_COOKIE_NAME,
            session_marker.COOKIE,
        }
        assert LoginSession.objects.filter(pk=cookies[settings.SESSION_COOKIE_NAME]).exists()
        # A client that only sends the Cookie header (as the load test does) is signed in.
        agenda = Client().get("/agenda/", headers={"Cookie": visitor.cookie})
        assert agenda.status_code == 200
        assert user.username.encode() in agenda.content
        feed = Client().get(visitor.feed_path)
        assert feed.status_code == 200 and b"BEGIN:VEVENT" in feed.content  # (items with a time)
        assert f"My agenda ({user.username})".encode() in feed.content
    assert not User.objects.filter(pk=user.pk).exists()
    assert not AgendaItem.objects.filter(user_id=user.pk).exists()
    assert not LoginSession.objects.filter(pk=cookies[settings.SESSION_COOKIE_NAME]).exists()
    assert not AccessLog.objects.filter(username=user.username).exists()


def test_the_signed_in_visitor_is_removed_when_the_run_fails(seed):
    with pytest.raises(KeyboardInterrupt), signed_in_visitor(seed, DAY, host="testserver"):
        raise KeyboardInterrupt
    assert not User.objects.filter(username__startswith=BENCHMARK_USER_PREFIX).exists()
    assert not LoginSession.objects.exists()


def test_items_to_save_take_one_per_session_before_a_second(seed):
    items = items_to_save(seed, DAY, count=40)
    sessions = [item.session_id for item in items]
    firsts = list(dict.fromkeys(sessions))
    assert sessions[: len(firsts)] == firsts  # every session once, then the rest
    assert items_to_save(seed, datetime.date(2025, 5, 12)) == []  # a day without sessions


def test_proxy_without_nginx_says_what_to_install_and_starts_nothing(seed, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # nothing there, nginx least of all
    monkeypatch.delenv("NGINX", raising=False)
    out = io.StringIO()
    # A CommandError: manage.py prints its message alone ("CommandError: ..."), no traceback.
    with pytest.raises(CommandError) as refused:
        call_command("benchmark_server", "mlsys2025", "--proxy", stdout=out)
    assert str(refused.value).startswith("--proxy runs nginx in front of gunicorn, but nginx")
    assert "apt-get install nginx" in str(refused.value)
    assert out.getvalue() == ""  # refused before collecting static files or starting anything


def test_proxy_names_a_missing_nginx_given_by_path(seed, monkeypatch):
    monkeypatch.setenv("NGINX", "/nonexistent/nginx")
    with pytest.raises(CommandError, match="NGINX=/nonexistent/nginx is not an executable"):
        call_command("benchmark_server", "mlsys2025", "--proxy", stdout=io.StringIO())


def test_the_proxy_config_is_the_deployed_one_without_tls_on_a_loopback_port(tmp_path):
    deployed = proxy.DEPLOY_CONFIG.read_text()
    site = proxy.site_config(
        deployed,
        port=18080,
        upstream_port=18000,
        static_root=tmp_path / "static",
        cache=tmp_path / "cache",
        brotli=False,
    )
    lines = [line.strip() for line in site.splitlines()]
    assert [line for line in lines if line.startswith("listen")] == ["listen 127.0.0.1:18080;"]
    assert not any(line.startswith(("ssl_", "return 301")) or "brotli" in line for line in lines)
    assert "server 127.0.0.1:18000;" in lines
    assert f"alias {tmp_path / 'static'}/;" in lines
    assert f"proxy_cache_path {tmp_path / 'cache'} levels=1:2" in site
    # Every other line is the deployed file's, the cache rules among them.
    kept = [line for line in deployed.splitlines() if not line.rstrip().endswith(proxy.TLS_MARK)]
    for rule in (
        "proxy_cache_bypass $cookie_sessionid $http_authorization $conference_private_path;",
        "proxy_no_cache $cookie_sessionid $http_authorization $conference_private_path;",
        "proxy_cache_revalidate on;",
        "proxy_cache_lock on;",
        "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "proxy_set_header X-Forwarded-Proto $scheme;",
        "gzip off;",
    ):
        assert rule in lines, rule
    assert len(site.splitlines()) == len(kept) + 1 - sum("brotli" in line for line in kept)
    with pytest.raises(ValueError, match=r"127\.0\.0\.1:8000"):
        proxy.site_config(
            deployed.replace("server 127.0.0.1:8000;", "server unix:/run/gunicorn.sock;"),
            port=1,
            upstream_port=2,
            static_root=tmp_path,
            cache=tmp_path,
            brotli=True,
        )


@pytest.mark.skipif(not shutil.which("nginx"), reason="nginx is not installed")
def test_nginx_accepts_the_generated_configuration(tmp_path):
    nginx = proxy.find_nginx()
    modules = proxy.brotli_modules(nginx)
    site = proxy.site_config(
        proxy.DEPLOY_CONFIG.read_text(),
        port=18080,
        upstream_port=18000,
        static_root=tmp_path / "static",
        cache=tmp_path / "cache",
        brotli=bool(modules),
    )
    config = tmp_path / "nginx.conf"
    config.write_text(proxy.main_config(nginx, tmp_path, site, modules=modules))
    checked = subprocess.run(
        [nginx, "-p", str(tmp_path), "-c", str(config), "-e", str(tmp_path / "e.log"), "-t"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert checked.returncode == 0, checked.stderr
