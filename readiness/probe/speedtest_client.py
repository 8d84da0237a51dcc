"""Measure the link to a readiness server with speedtest-cli, against its Speedtest Mini endpoints.

No Flask here: `flask probe speedtest` is a thin wrapper around measure().
"""

import http.client
import re
import urllib.error
from dataclasses import dataclass
from urllib.parse import urlsplit

import speedtest

MINI_PATH = "/probe/mini/"

# The mini page names the upload script's extension; speedtest-cli looks for the same thing.
MINI_PAGE_MARK = re.compile(r'upload_?[Ee]xtension: "([^"]+)"')

# speedtest-cli's own sizes. random<N>x<N>.jpg holds 2*N*N bytes, so the largest (N=4000) is
# 32,000,000 bytes: under the server's PROBE_MAX_DOWNLOAD_BYTES (32 MiB), which answers larger
# requests with 413, and speedtest-cli would silently count a refused request as 0 bytes.
DOWNLOAD_SIZES = [350, 500, 750, 1000, 1500, 2000, 2500, 3000, 3500, 4000]
# speedtest.net's usual upload sizes (its "ratio" 5); the largest, 7 MiB, is under the server's
# PROBE_MAX_UPLOAD_BYTES (32 MiB).
UPLOAD_SIZES = [524288, 1048576, 7340032]

# A failed latency sample counts as 3600 s in speedtest-cli, so its ping (sum / 6, in ms) is at
# least this much as soon as one sample failed.
FAILED_PING_MS = 3600 / 6 * 1000


class SpeedtestError(Exception):
    """The measurement could not be made; the message says why, for the person running it."""


@dataclass(frozen=True)
class SpeedtestResult:
    """What speedtest-cli measured: speeds in Mbit/s, ping in ms, bytes each way."""

    server: str
    download_mbps: float
    upload_mbps: float
    # speedtest-cli's ping: half the mean time of three latency.txt requests, each on a new
    # connection (its sum / 6), as `speedtest-cli --mini` reports it.
    ping_ms: float
    bytes_received: int
    bytes_sent: int


class LocalConfigSpeedtest(speedtest.Speedtest):
    """speedtest-cli's Speedtest with its configuration made here, not fetched from speedtest.net.

    Speedtest.__init__ always calls get_config(), which downloads speedtest-config.php: a
    readiness server must be measurable without reaching speedtest.net.
    """

    def get_config(self):
        """The keys that download(), upload() and SpeedtestResults read, with speedtest.net's
        usual values (4 requests per download size, 50 upload requests, 10 s each way)."""
        upload_count = 17  # ceil(50 / len(UPLOAD_SIZES)), as speedtest-cli computes it
        self.config.update(
            {
                # No client location or ISP: we never choose among speedtest.net's servers.
                "client": {"ip": "", "isp": "", "lat": "0", "lon": "0", "country": ""},
                "ignore_servers": [],
                "sizes": {"download": list(DOWNLOAD_SIZES), "upload": list(UPLOAD_SIZES)},
                "counts": {"download": 4, "upload": upload_count},
                # download() raises the upload threads to 8 once the link is faster than 100 kbit/s.
                "threads": {"download": 8, "upload": 2},
                "length": {"download": 10, "upload": 10},
                "upload_max": upload_count * len(UPLOAD_SIZES),
            }
        )
        self.lat_lon = (0.0, 0.0)
        return self.config


def mini_url(server_url: str) -> str:
    """The Speedtest Mini page of the readiness server at server_url (its site root)."""
    parts = urlsplit(server_url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{server_url!r} is not an http:// or https:// address")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}{MINI_PATH}"


def describe(error) -> str:
    """An OS error in words ("Connection refused"), without its errno."""
    return getattr(error, "strerror", None) or str(error)


def check_mini_page(opener, url: str, timeout: float) -> None:
    """Fetch the mini page ourselves: speedtest-cli reports a refused connection and a page
    that does not exist with the same exception, and the two need different advice."""
    try:
        with opener.open(url) as response:
            page = response.read(64 * 1024).decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        raise SpeedtestError(
            f"{url} answered HTTP {error.code}: this is not a readiness server "
            "(no Speedtest Mini page at /probe/mini/)."
        ) from None
    except (TimeoutError, urllib.error.URLError) as error:
        reason = getattr(error, "reason", error)
        if isinstance(reason, TimeoutError):
            raise SpeedtestError(f"{url} did not answer within {timeout:g} s.") from None
        raise SpeedtestError(f"Could not reach {url} ({describe(reason)}).") from None
    except http.client.HTTPException as error:
        raise SpeedtestError(
            f"{url} did not answer in HTTP ({type(error).__name__}): "
            "this is not a readiness server."
        ) from None
    except OSError as error:
        raise SpeedtestError(f"Could not reach {url} ({describe(error)}).") from None
    if not MINI_PAGE_MARK.search(page):
        raise SpeedtestError(
            f"{url} is not a readiness server: its page is not a Speedtest Mini page."
        )


def measure(server_url: str, timeout: float = 10.0) -> SpeedtestResult:
    """Run speedtest-cli against the readiness server at server_url (its site root): latency,
    then download, then upload. timeout is each request's socket timeout, in seconds."""
    url = mini_url(server_url)
    tester = LocalConfigSpeedtest(timeout=timeout)
    check_mini_page(tester._opener, url, timeout)
    try:
        servers = tester.set_mini_server(url)
    except speedtest.SpeedtestException as error:
        raise SpeedtestError(f"{url} is not a usable Speedtest Mini server: {error}.") from None
    # Pass the mini server explicitly: without it, get_best_server() looks for speedtest.net's
    # list of servers, which set_mini_server() does not build.
    tester.get_best_server(servers)
    results = tester.results
    if results.ping >= FAILED_PING_MS:
        raise SpeedtestError(f"{url}speedtest/latency.txt did not answer test=test in time.")
    # speedtest-cli counts a failed request as 0 bytes rather than raising.
    tester.download()
    if not results.bytes_received:
        raise SpeedtestError(f"The download test received nothing from {url}.")
    # Upload bodies are built as each request starts, not all at once up front (speedtest-cli's
    # --no-pre-allocate): 17 rounds of its sizes would hold about 150 MB in memory.
    tester.upload(pre_allocate=False)
    if not results.bytes_sent:
        raise SpeedtestError(f"The upload test could not send anything to {url}.")
    return SpeedtestResult(
        server=url,
        download_mbps=results.download / 1e6,
        upload_mbps=results.upload / 1e6,
        ping_ms=results.ping,
        bytes_received=results.bytes_received,
        bytes_sent=results.bytes_sent,
    )
