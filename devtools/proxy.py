"""nginx in front of the benchmark's gunicorn, configured from the deployment's own file.

For ``manage.py benchmark_server --proxy``: ``find_nginx()`` finds the binary (or says what to
install), ``site_config()`` turns ``deploy/nginx.conf`` into the benchmark's server block (its
TLS lines out, a loopback port, its own cache folder, gunicorn's port and the static folder in),
and ``proxied_site()`` runs nginx with it as this user, in a temporary prefix (its pid file,
error log, temporary files and cache there, ``daemon off``), stopped however the block ends.
"""

from __future__ import annotations

import contextlib
import getpass
import grp
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

from devtools import loadtest

DEPLOY_CONFIG = Path(settings.BASE_DIR) / "deploy" / "nginx.conf"
# Lines of deploy/nginx.conf that only make sense with a certificate: the benchmark leaves them
# out and speaks plain HTTP.
TLS_MARK = "# tls"
# What deploy/nginx.conf names that the benchmark has its own of.
CACHE_FOLDER = "/var/cache/nginx/conference"
UPSTREAM = "127.0.0.1:8000"
STATIC_FOLDER = "/srv/conference/staticfiles/"
BROTLI_MODULES = ("ngx_http_brotli_filter_module.so", "ngx_http_brotli_static_module.so")
INSTALL = (
    "Debian: apt-get install nginx libnginx-mod-http-brotli-filter libnginx-mod-http-brotli-static"
)


class NginxMissing(Exception):
    pass


def find_nginx() -> str:
    """nginx's path: $NGINX, else nginx on PATH."""
    named = os.environ.get("NGINX")
    found = shutil.which(named or "nginx")
    if found is None:
        where = f"NGINX={named} is not an executable" if named else "nginx is not on PATH"
        raise NginxMissing(
            f"--proxy runs nginx in front of gunicorn, but {where}. {INSTALL} (it installs"
            " /usr/sbin/nginx: put /usr/sbin on PATH or set NGINX=/usr/sbin/nginx)."
        )
    return found


def build_options(nginx: str) -> dict[str, str]:
    """``nginx -V``'s configure options (--conf-path, --modules-path ...)."""
    result = subprocess.run([nginx, "-V"], capture_output=True, text=True, check=False)
    return dict(re.findall(r"--([a-z-]+)=(\S+)", result.stderr + result.stdout))


def brotli_modules(nginx: str) -> list[Path]:
    """The brotli modules' files beside this nginx (Debian's libnginx-mod-http-brotli-*), or []."""
    folder = Path(build_options(nginx).get("modules-path", "/usr/lib/nginx/modules"))
    modules = [folder / name for name in BROTLI_MODULES]
    return modules if all(module.exists() for module in modules) else []


def site_config(
    text: str, *, port: int, upstream_port: int, static_root: Path, cache: Path, brotli: bool
) -> str:
    """deploy/nginx.conf as the benchmark runs it. Raises ValueError when the file no longer
    names what is replaced, outside its comments (edit this function with it)."""
    replaced = {
        CACHE_FOLDER: str(cache),
        UPSTREAM: f"127.0.0.1:{upstream_port}",
        STATIC_FOLDER: f"{static_root}/",
    }
    found = set()
    lines = []
    for line in text.splitlines():
        if line.rstrip().endswith(TLS_MARK) or (not brotli and "brotli" in line):
            continue
        if not line.lstrip().startswith("#"):
            for old, new in replaced.items():
                if old in line:
                    line = line.replace(old, new)
                    found.add(old)
        if line.strip().startswith("server_name"):
            lines.append(f"{line[: len(line) - len(line.lstrip())]}listen 127.0.0.1:{port};")
        lines.append(line)
    if missing := set(replaced) - found:
        raise ValueError(f"{DEPLOY_CONFIG} no longer names {', '.join(sorted(missing))}.")
    if sum(line.strip().startswith("listen ") for line in lines) != 1:
        raise ValueError(f"{DEPLOY_CONFIG}: expected one server block without '{TLS_MARK}'.")
    return "\n".join(lines) + "\n"


def main_config(nginx: str, prefix: Path, site: str, *, modules: list[Path]) -> str:
    """The whole nginx.conf: what Debian's own sets around the sites it includes, then the
    site; everything nginx writes goes under ``prefix``."""
    conf_dir = Path(build_options(nginx).get("conf-path", "/etc/nginx/nginx.conf")).parent
    # Run as root (a container), nginx would start its workers as nobody, who may not read
    # the temporary folders; as anyone else it runs as that user and ignores the directive.
    user = (
        f"user {getpass.getuser()} {grp.getgrgid(os.getgid()).gr_name};\n"
        if os.geteuid() == 0
        else ""
    )
    temp = "\n".join(
        f"    {kind}_temp_path {prefix / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        "# Written by benchmark_server --proxy from deploy/nginx.conf (devtools/proxy.py).\n"
        + "".join(f"load_module {module};\n" for module in modules)
        + user
        + f"""worker_processes auto;
daemon off;
pid {prefix / "nginx.pid"};
error_log {prefix / "error.log"} warn;
events {{
    worker_connections 1024;
}}
http {{
    # As Debian's /etc/nginx/nginx.conf (gzip on too, which the site turns off for the app).
    sendfile on;
    tcp_nopush on;
    types_hash_max_size 2048;
    include {conf_dir / "mime.types"};
    default_type application/octet-stream;
    gzip on;
    access_log off;
{temp}

{site}}}
"""
    )


@contextlib.contextmanager
def proxied_site(
    nginx: str, upstream: loadtest.Site, static_root: Path, *, startup_timeout: float = 30.0
) -> Iterator[tuple[loadtest.Site, str]]:
    """nginx on a free loopback port in front of ``upstream``, configured from
    deploy/nginx.conf; yields the site and a note on what was left out. Stopped, with its
    workers, however the block ends."""
    modules = brotli_modules(nginx)
    note = "" if modules else f"no brotli modules ({INSTALL}): their lines left out"
    with tempfile.TemporaryDirectory(prefix="benchmark-nginx-") as folder:
        prefix = Path(folder)
        port = loadtest.free_port()
        site = site_config(
            DEPLOY_CONFIG.read_text(),
            port=port,
            upstream_port=upstream.port,
            static_root=static_root,
            cache=prefix / "cache",
            brotli=bool(modules),
        )
        config = prefix / "nginx.conf"
        config.write_text(main_config(nginx, prefix, site, modules=modules))
        log = prefix / "error.log"
        command = [nginx, "-p", str(prefix), "-c", str(config), "-e", str(log)]
        checked = subprocess.run(
            [*command, "-t", "-q"], capture_output=True, text=True, check=False
        )
        if checked.returncode:
            raise RuntimeError(f"nginx refused its configuration:\n{checked.stderr.strip()}")
        with (prefix / "nginx.out").open("wb") as output:
            process = subprocess.Popen(
                command, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
            )
        proxy = loadtest.Site(host="127.0.0.1", port=port, pid=process.pid, log=log)
        try:
            wait_until_ready(proxy, process, startup_timeout)
            yield proxy, note
        finally:
            loadtest.stop(process)


def wait_until_ready(site: loadtest.Site, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited ({process.returncode}):\n{loadtest.tail(site.log)}")
        with contextlib.suppress(OSError):
            if loadtest.fetch(site, "/healthz").status == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(
        f"nginx did not answer /healthz within {timeout:.0f} s:\n{loadtest.tail(site.log)}"
    )
