"""The arithmetic of the bench's server tables: the probe against nginx, and capacity."""

from pathlib import Path

from bench.capacity import held, largest_held
from bench.namespace import Namespace
from bench.nginx import config_text, deployed_block
from bench.server_compare import curl_command, summarize, transferred


def test_only_complete_transfers_count_toward_the_aggregate():
    output = "200 25000000 0\n200 25000000 0\n503 95 0\n200 1000 0\n"
    assert transferred("download", output, 25_000_000) == 50_000_000


def test_uploads_count_the_bytes_curl_sent():
    output = "200 26 25000000\n413 80 25000000\n"
    assert transferred("upload", output, 25_000_000) == 25_000_000


def test_each_stream_makes_its_transfers_on_one_curl_process_with_its_own_address():
    ns = Namespace("unit")
    command = curl_command(ns, "http://x/probe/upload", "upload", 3, Path("/tmp/body"), 4)
    assert command[:4] == ["ip", "netns", "exec", ns.name]
    assert command.count("http://x/probe/upload") == 3
    assert command.count("-T") == 3
    assert "X-Forwarded-For: 198.51.100.5" in command
    assert "Expect:" in command  # no 100-continue round trip before each body


def test_ratio_is_of_the_medians_of_the_rounds():
    runs = {
        "probe": [{"mbps": 900, "failed": 0}, {"mbps": 1000, "failed": 0},
                  {"mbps": 100, "failed": 1}],
        "deployed": [{"mbps": 1050, "failed": 0}, {"mbps": 990, "failed": 0},
                     {"mbps": 1020, "failed": 0}],
        "nginx": [{"mbps": 1000, "failed": 0}, {"mbps": 1200, "failed": 0},
                  {"mbps": 1100, "failed": 0}],
    }  # fmt: skip
    case = summarize(20, 2, "download", runs)
    assert case["probe_mbps"] == 900
    assert case["deployed_mbps"] == 1020
    assert case["nginx_mbps"] == 1100
    # The target is the app as deployed (behind nginx) against nginx alone.
    assert round(case["ratio"], 3) == 0.927
    assert round(case["probe_ratio"], 3) == 0.818
    assert case["failed"] == {"probe": 1, "deployed": 0, "nginx": 0}
    # Without the deployed column (an older run), no target ratio.
    del runs["deployed"]
    assert summarize(20, 2, "download", runs)["ratio"] is None


def test_nginx_reads_the_whole_upload_into_memory_before_answering():
    text = config_text(Path("/tmp/n"), "127.0.0.1", 8081, 2, body_limit=26_000_000)
    upload = text[text.index("location = /upload") :]
    assert "echo_read_request_body;" in upload
    assert "client_body_buffer_size 26000000;" in upload  # never spilled to a file
    assert "return 204" not in upload  # would answer before the body is read
    assert "pid /tmp/n/nginx.pid;" in text
    assert "listen 127.0.0.1:8081;" in text


def test_the_proxied_upload_is_the_deployed_location_in_front_of_nginx_itself():
    text = deployed_block(Path("/tmp/n"), "0.0.0.0", "127.0.0.1:8090")

    def block(opening):
        start = text.index(opening)
        return text[start : text.index("}", start) + 1]

    deployed = block("location = /probe/upload {")
    proxied = block("location = /nginx-proxied-upload {")
    assert "proxy_request_buffering off;" in proxied
    assert (
        proxied.replace("/nginx-proxied-upload", "/probe/upload").replace(
            "http://nginx_sink/upload", "http://readiness_app"
        )
        == deployed
    )
    assert "upstream nginx_sink { server 127.0.0.1:8081; keepalive 16; }" in text


def test_the_upload_is_also_judged_against_nginx_behind_the_same_location():
    runs = {
        "probe": [{"mbps": 900, "failed": 0}],
        "deployed": [{"mbps": 800, "failed": 0}],
        "nginx": [{"mbps": 1600, "failed": 0}],
        "proxied": [{"mbps": 850, "failed": 0}],
    }
    case = summarize(1, 2, "upload", runs)
    assert case["ratio"] == 0.5
    assert round(case["proxied_ratio"], 3) == 0.941
    del runs["proxied"]
    assert summarize(1, 2, "upload", runs)["proxied_ratio"] is None


def test_a_step_holds_only_when_both_directions_are_within_two_percent():
    assert held({"download_error": -1.9, "upload_error": 2.0})
    assert not held({"download_error": -2.1, "upload_error": 0.0})
    assert not held({"download_error": None, "upload_error": 0.0})


def test_capacity_is_the_last_step_before_the_first_miss():
    steps = [{"k": 0, "held": True}, {"k": 8, "held": True}, {"k": 4, "held": True},
             {"k": 16, "held": False}, {"k": 24, "held": True}]  # fmt: skip
    assert largest_held(steps) == 8
    assert largest_held([{"k": 0, "held": False}]) is None
    assert largest_held([]) is None


def test_the_load_and_the_browser_each_give_their_own_figure():
    steps = [{"k": 0, "held": False, "load_held": True},
             {"k": 4, "held": True, "load_held": True},
             {"k": 8, "held": True, "load_held": False}]  # fmt: skip
    assert largest_held(steps, "load_held") == 4
    assert largest_held(steps, "held") is None
