"""deploy/: the files an operator installs are complete, load, and keep their promises."""

import ipaddress
import json
import re
import shutil
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

from readiness import create_app
from readiness.config import DefaultConfig
from readiness.data_keys import new_key
from tests.conftest import PROJECT_ROOT, free_port
from tests.e2e import stack

DEPLOY = PROJECT_ROOT / "deploy"
ENV_EXAMPLE = DEPLOY / "readiness.env.example"
SETTINGS = [name for name in vars(DefaultConfig) if name.isupper()]


def env_lines() -> dict[str, tuple[bool, str]]:
    """READINESS_ name -> (set, value); commented-out lines count as listed, not set."""
    found = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        match = re.match(r"^(#?)READINESS_([A-Z0-9_]+)=(.*)$", line)
        if match:
            found[match[2]] = (match[1] == "", match[3])
    return found


def test_the_environment_file_lists_every_setting():
    listed = env_lines()
    missing = [name for name in SETTINGS if name not in listed]
    assert not missing, f"add to deploy/readiness.env.example: {missing}"
    unknown = [name for name in listed if name not in SETTINGS and name != "RATELIMIT_ENABLED"]
    assert not unknown, f"not settings of readiness/config.py: {unknown}"


def test_the_environment_file_sets_what_production_requires():
    listed = env_lines()
    for name in ("ENV", "SECRET_KEY", "DATA_KEYS", "DATABASE_URL", "RATELIMIT_STORAGE_URI",
                 "PROXY_COUNT", "SCHEDULING_WEBHOOK_URL", "SCHEDULING_WEBHOOK_SECRET"):  # fmt: skip
        assert listed[name][0], f"READINESS_{name} should be set, not commented out"
    text = ENV_EXAMPLE.read_text()
    assert text.count("REQUIRED") >= 8


def test_the_environment_file_with_its_secrets_filled_in_starts_in_production(monkeypatch):
    filled = {
        "SECRET_KEY": "s" + new_key(),
        "DATA_KEYS": new_key(),
        "SCHEDULING_WEBHOOK_SECRET": "w" + new_key(),
    }
    for name, (is_set, value) in env_lines().items():
        if is_set:
            monkeypatch.setenv(f"READINESS_{name}", filled.get(name, value))
    app = create_app()
    assert app.config["ENV"] == "production" and app.config["SESSION_COOKIE_SECURE"]
    assert app.config["RATELIMIT_STORAGE_URI"].startswith("redis://")
    assert app.config["PROXY_COUNT"] == 1


def exposed_metric_names(client) -> set[str]:
    text = client.get("/metrics").text
    return set(re.findall(r"^# TYPE (\w+) ", text, flags=re.MULTILINE))


def metric_names_in(expression: str) -> set[str]:
    unquoted = re.sub(r'"[^"]*"', "", expression)  # label values name jobs, not metrics
    names = set(re.findall(r"\breadiness_[a-z_]+", unquoted))
    return {re.sub(r"_(bucket|sum|count|total)$", "", name) for name in names}


def test_alert_rules_watch_metrics_the_app_exposes(client):
    exposed = {re.sub(r"_total$", "", name) for name in exposed_metric_names(client)}
    rules = yaml.safe_load((DEPLOY / "prometheus" / "readiness-rules.yml").read_text())
    alerts = {rule["alert"]: rule["expr"] for group in rules["groups"] for rule in group["rules"]}
    assert {"ReadinessOutboxStalled", "ReadinessServerErrors", "ReadinessMediaPathNone",
            "ReadinessNotReady"} <= set(alerts)  # fmt: skip
    assert "> 900" in alerts["ReadinessOutboxStalled"]  # 15 minutes
    assert "> 0.01" in alerts["ReadinessServerErrors"]
    assert (
        'route="none"' in alerts["ReadinessMediaPathNone"]
        and "> 0.5" in alerts["ReadinessMediaPathNone"]
    )
    for name, expression in alerts.items():
        assert metric_names_in(expression) <= exposed, name


def test_the_dashboard_draws_metrics_the_app_exposes(client):
    exposed = {re.sub(r"_total$", "", name) for name in exposed_metric_names(client)}
    dashboard = json.loads((DEPLOY / "grafana" / "readiness-dashboard.json").read_text())
    expressions = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    used = set().union(*(metric_names_in(e) for e in expressions))
    assert used <= exposed
    assert {"readiness_outbox_oldest_pending_seconds", "readiness_media_route"} <= used


def test_systemd_units_run_as_their_own_user_with_hardening():
    for unit in ("readiness-web@.service", "readiness-deliver.service"):
        text = (DEPLOY / "systemd" / unit).read_text()
        for line in ("User=readiness", "NoNewPrivileges=yes", "ProtectSystem=strict",
                     "ProtectHome=yes", "PrivateTmp=yes", "CapabilityBoundingSet=",
                     "EnvironmentFile=/etc/readiness.env"):  # fmt: skip
            assert re.search(rf"^{re.escape(line)}$", text, flags=re.MULTILINE), (unit, line)
    web = (DEPLOY / "systemd" / "readiness-web@.service").read_text()
    assert "PROMETHEUS_MULTIPROC_DIR=/run/readiness-web-%i" in web
    assert "--bind 127.0.0.1:%i" in web


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze not installed")
def test_systemd_units_verify(tmp_path):
    venv = Path(shutil.which("python3")).parent  # any real executables stand in for the venv's
    for unit in ("readiness-web@.service", "readiness-deliver.service"):
        text = (DEPLOY / "systemd" / unit).read_text()
        text = text.replace("/srv/readiness/.venv/bin/", f"{venv}/")
        target = tmp_path / unit.replace("@.", "@8000.")
        for tool in ("gunicorn", "flask"):
            text = text.replace(f"{venv}/{tool}", shutil.which("true"))
        target.write_text(text)
        result = subprocess.run(
            ["systemd-analyze", "verify", "--man=no", str(target)], capture_output=True, text=True
        )
        assert result.returncode == 0 and not result.stderr.strip(), result.stderr


PRIVATE_RANGES = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8",
                  "169.254.0.0/16", "100.64.0.0/10")  # fmt: skip


def test_coturn_relays_udp_to_the_media_hosts_only():
    conf = (DEPLOY / "coturn" / "turnserver.conf").read_text()
    lines = {line.strip() for line in conf.splitlines() if line and not line.startswith("#")}
    assert {"no-tcp-relay", "no-multicast-peers", "use-auth-secret", "no-cli"} <= lines
    denied = {line.split("=", 1)[1] for line in lines if line.startswith("denied-peer-ip=")}
    # Private ranges, our own hosts and everything else: denied, in IPv4 and IPv6...
    assert {"0.0.0.0-255.255.255.255", "::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"} <= denied
    # ...but the app hosts' media addresses, none of them private or loopback.
    allowed = [line.split("=", 1)[1] for line in lines if line.startswith("allowed-peer-ip=")]
    private = [ipaddress.ip_network(net) for net in PRIVATE_RANGES]
    assert allowed
    assert not [a for a in allowed if any(ipaddress.ip_address(a) in net for net in private)]
    assert "allow-loopback-peers" not in lines


def test_nginx_site_keeps_its_promises():
    site = stack.NGINX_SITE.read_text()
    directives = [line.split("#")[0].strip() for line in site.splitlines()]
    assert "http2 on;" not in directives  # nginx 1.22 (Debian 12) does not know it
    assert "listen 443 ssl http2;" in directives
    assert directives.count("server_tokens off;") == 2
    assert "proxy_request_buffering on;" in directives
    # Unbuffered request bodies only where the upload is timed.
    unbuffered = re.findall(r"location ([^{]+)\{[^}]*proxy_request_buffering off;", site)
    assert [place.strip() for place in unbuffered] == ["= /probe/upload"]
    assert re.search(r"limit_conn_zone \$binary_remote_addr", site)
    assert re.search(r"limit_req_zone \$binary_remote_addr", site)
    assert len(re.findall(r"^\s+server \S+ max_fails=\d+ fail_timeout=\d+s;", site, re.M)) >= 2
    assert "$request " not in site and "$request_uri" not in site.split("log_format")[1][:200]


needs_nginx = pytest.mark.skipif(not stack.have_nginx(), reason="nginx and openssl needed")


@needs_nginx
def test_nginx_loads_the_site(tmp_path):
    cert, key = stack.make_certificate(tmp_path)
    site = stack.site_for_run(
        tmp_path, free_port(), free_port(), cert, key, (free_port(), free_port())
    )
    main = stack.nginx_config(tmp_path, site)
    result = stack.nginx_test(main, tmp_path)
    assert result.returncode == 0, result.stderr


@needs_nginx
def test_nginx_keeps_invitation_tokens_out_of_its_error_log(tmp_path):
    """Both app servers down: every request fails upstream; only invitation paths go unlogged."""
    cert, key = stack.make_certificate(tmp_path)
    https = free_port()
    site = stack.site_for_run(tmp_path, https, free_port(), cert, key, (free_port(), free_port()))
    main = stack.nginx_config(tmp_path, site)
    nginx = stack.start_nginx(main, tmp_path)
    try:
        stack.wait_for(f"https://127.0.0.1:{https}/healthz", nginx, statuses=(502,))
        token = "BEQaLghqs4mW-7Evdx2amhejIgORCxkOtI-d_ZT-uYY"
        handover = "K7PM4QX9K7PM4QX9K7PM4QX9K7PM"
        for path in (
            f"/fr/i/{token}",
            f"/en/i/{token}",
            f"/en/h/{handover}",
            "/en/check?after-token",
        ):
            request = urllib.request.Request(f"https://127.0.0.1:{https}{path}")
            with pytest.raises(urllib.error.HTTPError) as failed:
                urllib.request.urlopen(request, context=stack.insecure_context(), timeout=10)
            assert failed.value.code == 502
            assert "nginx/" not in (failed.value.headers.get("Server") or "")  # server_tokens off
            failed.value.close()
    finally:
        stack.stop(nginx)
    logs = "".join(path.read_text() for path in (tmp_path / "logs").glob("*.log"))
    assert "after-token" in logs  # upstream failures are logged...
    assert token not in logs  # ...but not an invitation's path
    assert handover not in logs  # ...nor a handover link's
