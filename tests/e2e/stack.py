"""The deployment of deploy/, started for a test run: a certificate made for it, nginx from
deploy/nginx/readiness.conf (ports, certificate, log folder and app servers changed for the run,
nothing else), gunicorn app servers, the deliverer and a webhook receiver over HTTPS.

nginx runs from a configuration in a folder of its own (`nginx -c <file> -p <folder>`, pid, logs
and temporary files there, in the foreground): the machine's nginx service is never touched.
"""

import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from tests.conftest import PROJECT_ROOT, server_environment
from tests.support.certificate import make_certificate  # noqa: F401  (the run's certificate)
from tests.support.receiver import Receiver

NGINX_SITE = PROJECT_ROOT / "deploy" / "nginx" / "readiness.conf"
# The app servers the site's upstream names, replaced by the run's.
SITE_APP_PORTS = (8000, 8001)


def replace_once(text: str, pattern: str, replacement: str) -> str:
    """Change exactly one thing in the site file: if it moved, the test says so."""
    changed, count = re.subn(pattern, replacement, text, flags=re.MULTILINE)
    assert count == 1, f"{pattern!r} found {count} times in {NGINX_SITE}"
    return changed


def site_for_run(folder: Path, https_port, http_port, cert, key, app_ports,
                 probe_bytes: Path | None = None) -> str:  # fmt: skip
    """deploy/nginx/readiness.conf with this run's ports, certificate, logs and app servers,
    and the download test's bytes in probe_bytes (see probe_bytes_folder())."""
    site = NGINX_SITE.read_text()
    site = replace_once(
        site, r"^    listen 443 ssl http2;$", f"    listen 127.0.0.1:{https_port} ssl http2;"
    )
    site = replace_once(site, r"^    listen \[::\]:443 ssl http2;\n", "")
    site = replace_once(site, r"^    listen 80;$", f"    listen 127.0.0.1:{http_port};")
    site = replace_once(site, r"^    listen \[::\]:80;\n", "")
    site = replace_once(site, r"ssl_certificate +/\S+;", f"ssl_certificate {cert};")
    site = replace_once(site, r"ssl_certificate_key +/\S+;", f"ssl_certificate_key {key};")
    for ours, theirs in zip(SITE_APP_PORTS, app_ports, strict=True):
        site = replace_once(site, rf"server 127\.0\.0\.1:{ours} ", f"server 127.0.0.1:{theirs} ")
    site = replace_once(
        site,
        r"alias /var/lib/readiness/probe-bytes/;",
        f"alias {probe_bytes or folder / 'probe-bytes'}/;",
    )
    return site.replace("/var/log/nginx/", f"{folder}/logs/")


PROBE_BYTES = 32 * 1024 * 1024  # READINESS_PROBE_MAX_DOWNLOAD_BYTES' default


def probe_bytes_folder() -> Path:
    """The random bytes nginx sends for the download test (X-Accel-Redirect), in a folder of
    the system's temporary one that nginx's workers can read (another user when we are root;
    pytest's own folders are the user's alone). Made once per run; remove_probe_bytes() ends it."""
    bytes_folder = probe_bytes_folder_path()
    bytes_folder.mkdir(mode=0o755, exist_ok=True)
    bytes_folder.chmod(0o755)
    payload = bytes_folder / f"random-{PROBE_BYTES}.bin"
    payload.write_bytes(os.urandom(PROBE_BYTES))
    payload.chmod(0o644)
    return bytes_folder


def probe_bytes_folder_path() -> Path:
    return Path(tempfile.gettempdir()) / f"readiness-e2e-probe-bytes-{os.getpid()}"


def remove_probe_bytes():
    shutil.rmtree(probe_bytes_folder_path(), ignore_errors=True)


def nginx_config(folder: Path, site: str) -> Path:
    """A main configuration around the site, everything in `folder`."""
    for name in ("logs", "temp"):
        (folder / name).mkdir(parents=True, exist_ok=True)
        (folder / name).chmod(0o777)  # nginx's workers run as another user when we are root
    (folder / "readiness.conf").write_text(site)
    temp = folder / "temp"
    main = folder / "nginx.conf"
    main.write_text(
        f"""daemon off;
worker_processes 2;
pid {folder}/nginx.pid;
error_log {folder}/logs/main-error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {folder}/readiness.conf;
}}
"""
    )
    return main


def nginx_test(main: Path, folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["nginx", "-t", "-c", str(main), "-p", str(folder)], capture_output=True, text=True
    )


def start_nginx(main: Path, folder: Path) -> subprocess.Popen:
    return subprocess.Popen(["nginx", "-c", str(main), "-p", str(folder)])


def insecure_context() -> ssl.SSLContext:
    """Our certificate is made for the run: the client trusts it without a chain."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def wait_for(url: str, process: subprocess.Popen, seconds: float = 30, statuses=(200,)) -> None:
    deadline = time.monotonic() + seconds
    context = insecure_context() if url.startswith("https") else None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2, context=context) as answer:
                if answer.status in statuses:
                    return
        except urllib.error.HTTPError as error:
            if error.code in statuses:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"nothing answered at {url}")


def app_environment(database_url: str, settings: dict) -> dict:
    env = server_environment(
        database_url, **{f"READINESS_{k}": str(v) for k, v in settings.items()}
    )
    return env


def start_app_server(database_url: str, port: int, settings: dict, folder: Path):
    """One app server as deploy/systemd/readiness-web@.service starts it (2 workers here)."""
    metrics = folder / f"metrics-{port}"
    metrics.mkdir(parents=True, exist_ok=True)
    env = app_environment(database_url, settings)
    env["PROMETHEUS_MULTIPROC_DIR"] = str(metrics)
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--worker-class", "gthread", "--workers", "2",
         "--threads", "16", "--bind", f"127.0.0.1:{port}", "--no-control-socket", "wsgi:app"],
        cwd=PROJECT_ROOT, env=env, start_new_session=True,
    )  # fmt: skip


def start_deliverer(database_url: str, settings: dict, ca_file: Path) -> subprocess.Popen:
    """flask handoff deliver --loop, as deploy/systemd/readiness-deliver.service runs it."""
    env = app_environment(database_url, settings)
    env["SSL_CERT_FILE"] = str(ca_file)  # the receiver's certificate, made for the run
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "handoff", "deliver", "--loop"],
        cwd=PROJECT_ROOT, env=env, start_new_session=True,
    )  # fmt: skip


def kill_server(process: subprocess.Popen) -> None:
    """Kill an app server at once, master and workers (a crash, not a graceful stop)."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def stop(process: subprocess.Popen | None, seconds: float = 15) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


class TLSReceiver(Receiver):
    """The scheduling module's webhook endpoint over HTTPS (production refuses http://)."""

    def __init__(self, port: int, cert: Path, key: Path):
        super().__init__(port)
        self.cert, self.key = cert, key

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}/hooks/readiness"

    def start(self) -> "TLSReceiver":
        import threading
        from http.server import ThreadingHTTPServer

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, self.key)
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), self.handler())
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self


def have_nginx() -> bool:
    return shutil.which("nginx") is not None
