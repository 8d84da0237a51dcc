"""An IPv6 client cannot multiply its allowance by changing address inside its /64 (security
review 3, F20; issue 23, item 6). Over HTTP against gunicorn with 2 workers, behind one proxy
(PROXY_COUNT=1), which is how the app sees IPv6 clients: nginx passes their address on."""

import secrets

from .attacker import Browser
from .records import audit
from .test_limits import wrong_code


def test_forty_wrong_codes_from_forty_addresses_of_one_ipv6_64_let_ten_through(limited_server):
    url = limited_server(PROXY_COUNT=1, CODE_RATE_LIMIT="10 per minute;60 per hour")
    attacker = Browser(url)
    statuses = [
        attacker.post(
            "/en/code",
            {"code": wrong_code("HJKM", n)},
            address=f"2001:db8:77:1:{secrets.randbits(16):x}:{n:x}::{n + 1:x}",
        ).status
        for n in range(40)
    ]
    assert statuses.count(400) == 10
    assert statuses.count(429) == 30
    assert len(audit(limited_server.app, "code.failed")) == 10
    # A neighbour in the next /64 is another client, with its own allowance.
    neighbour = Browser(url)
    answer = neighbour.post("/en/code", {"code": wrong_code("HJKN", 1)}, address="2001:db8:77:2::5")
    assert answer.status == 400
