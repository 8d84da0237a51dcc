"""Debian's nginx beside the app, serving the same bytes and reading the same uploads.

The bench starts nginx itself: its own configuration, pid file, logs and temporary paths in a
temporary directory (its workers run as root, the bench's own user, to read them), listening
on an unprivileged port in the same namespace as the app. It serves a file of the probe's
random bytes, and reads each upload whole before answering:

- download: `location = /download.bin` serves the file (Debian's defaults: sendfile on,
  tcp_nopush on);
- upload: `echo_read_request_body` (the echo module, which Debian's nginx-light ships) reads
  the whole body into memory (client_body_buffer_size above the body, so never to disk) before
  the answer is sent. A bare `return 204` would answer at once and drop the body as it comes,
  and a proxy to a `return 204` server answers before the body has crossed: neither reads it.
"""

import shutil
import time
from contextlib import contextmanager
from pathlib import Path

from .namespace import Background, Namespace

NGINX = "/usr/sbin/nginx"
ECHO_MODULE = "/usr/lib/nginx/modules/ngx_http_echo_module.so"
PORT = 8081
READY_SECONDS = 10

CONFIG = """\
load_module {echo_module};
user root;
worker_processes {workers};
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    keepalive_requests 10000;
    types {{ }}
    default_type application/octet-stream;
    client_body_temp_path {root}/body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    server {{
        listen {host}:{port};
        root {root}/www;
        location = /download.bin {{
            add_header Cache-Control "no-store, no-transform";
        }}
        location = /upload {{
            client_max_body_size {body_limit};
            client_body_buffer_size {body_limit};
            echo_read_request_body;
            echo "received";
        }}
    }}
{deployed}}}
"""

# The probe as deployed: nginx in front of the app with the probe's locations copied from
# deploy/nginx/readiness.conf (download answered by X-Accel-Redirect and sent by nginx, upload
# passed on unbuffered). The site's per-address limits are left out (their zones live in the
# site's http block), and a stream's pretend X-Forwarded-For is passed on instead of nginx's
# own view of the address (table 5's curls are all 127.0.0.1); without one, the address nginx
# saw, as deployed (table 6's clients each have their own).
DEPLOY_SITE = Path(__file__).resolve().parent.parent / "deploy" / "nginx" / "readiness.conf"
PROBE_LOCATIONS = ("location /probe/ {", "location = /probe/upload {",
                   "location /_probe_bytes/ {")  # fmt: skip
DEPLOYED_PORT = PORT + 1
DEPLOYED = """\
    upstream readiness_app {{ server {app}; keepalive 16; }}
    upstream nginx_sink {{ server {sink}:{sink_port}; keepalive 16; }}
    map $http_x_forwarded_for $bench_client {{ "" $remote_addr; default $http_x_forwarded_for; }}
    server {{
        listen {host}:{port};
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $http_host;
        proxy_set_header X-Forwarded-For $bench_client;
        location / {{ proxy_pass http://readiness_app; }}  # the pages, as the site's
{locations}
{proxied_upload}
    }}
"""
# nginx's own figure for a proxied upload: the deployed /probe/upload location word for word,
# passing the body on (unbuffered, the same buffer, the same keep-alive upstream) to nginx's
# own /upload, which reads it whole. Any proxy hop copies each byte twice more than nginx
# reading it itself; this is what the app behind nginx can at best reach.
PROXIED_UPLOAD = "/nginx-proxied-upload"


def has_nginx() -> bool:
    return Path(NGINX).exists() and Path(ECHO_MODULE).exists()


def config_text(root: Path, host: str, port: int, workers: int, body_limit: int,
                deployed: str = "") -> str:  # fmt: skip
    return CONFIG.format(echo_module=ECHO_MODULE, workers=workers, root=root, host=host,
                         port=port, body_limit=body_limit, deployed=deployed)  # fmt: skip


def site_locations(site: str, bytes_folder: Path) -> str:
    """The probe's location blocks from the deployed site, as written there, less limit_req
    lines and with the random bytes' folder moved to `bytes_folder`."""
    blocks = []
    for opening in PROBE_LOCATIONS:
        lines = location_block(site, opening).splitlines()
        blocks.append("\n".join(line for line in lines if "limit_req" not in line))
    text = "\n".join("        " + line.strip() if line.strip() else "" for block in blocks
                     for line in block.splitlines())  # fmt: skip
    return text.replace("alias /var/lib/readiness/probe-bytes/;", f"alias {bytes_folder}/;")


def location_block(text: str, opening: str) -> str:
    """The block that starts with `opening`, up to its own closing brace."""
    start = text.index(opening)
    depth, end = 0, start
    for end in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[end], 0)
        if depth == 0 and text[end] == "}":
            break
    return text[start : end + 1]


def proxied_upload_block(locations: str) -> str:
    """The deployed upload location, sending the body to nginx's /upload instead of the app."""
    opening = "location = /probe/upload {"
    proxied = location_block(locations, opening).replace(opening, f"location = {PROXIED_UPLOAD} {{")
    return proxied.replace(
        "proxy_pass http://readiness_app;", "proxy_pass http://nginx_sink/upload;"
    )


def deployed_block(root: Path, host: str, app: str) -> str:
    """nginx in front of the app on DEPLOYED_PORT, the probe's locations as deployed, and the
    same upload location in front of nginx itself (PROXIED_UPLOAD)."""
    locations = site_locations(DEPLOY_SITE.read_text(), root / "www" / "probe-bytes")
    sink = "127.0.0.1" if host == "0.0.0.0" else host
    return DEPLOYED.format(
        app=app,
        host=host,
        port=DEPLOYED_PORT,
        locations=locations,
        sink=sink,
        sink_port=PORT,
        proxied_upload=proxied_upload_block(locations),
    )


@contextmanager
def nginx_server(ns: Namespace, workdir: Path, body: Path, *, workers: int,
                 host: str = "127.0.0.1", app: str | None = None):  # fmt: skip
    """nginx inside ns on host:PORT serving `body` at /download.bin, uploads at /upload; with
    `app` (host:port), also in front of it on DEPLOYED_PORT as deploy/nginx deploys the probe,
    `body` as the random bytes it sends for the app (random-<size>.bin)."""
    root = workdir / "nginx"
    (root / "www" / "probe-bytes").mkdir(parents=True)
    shutil.copyfile(body, root / "www" / "download.bin")
    size = body.stat().st_size
    shutil.copyfile(body, root / "www" / "probe-bytes" / f"random-{size}.bin")
    config = root / "nginx.conf"
    deployed = deployed_block(root, host, app) if app else ""
    config.write_text(config_text(root, host, PORT, workers, body_limit=size + 1024 * 1024,
                                  deployed=deployed))  # fmt: skip
    command = ns.command(NGINX, "-p", str(root), "-e", str(root / "error.log"),
                         "-c", str(config), "-g", "daemon off;")  # fmt: skip
    server = Background(command, log=root / "stdout.log")
    base = f"http://{host}:{PORT}"
    try:
        wait_until_ready(ns, server, f"{base}/download.bin")
        yield base
    finally:
        server.stop()


def wait_until_ready(ns: Namespace, server: Background, url: str):
    import subprocess

    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if not server.running():
            raise RuntimeError(f"nginx stopped at start:\n{server.tail()}")
        done = subprocess.run(
            ns.command("curl", "-sf", "-o", "/dev/null", "--max-time", "2", "-r", "0-0", url),
            capture_output=True,
            timeout=10,
        )
        if done.returncode == 0:
            return
        time.sleep(0.1)
    raise RuntimeError(f"nginx did not answer within {READY_SECONDS} s:\n{server.tail()}")
