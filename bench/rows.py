"""The links the bench measures, written DOWN[/UP]@RTT[+LOSS%][qQUEUE]: 25/3@40 is 25 Mbit/s
down, 3 up, 40 ms round trip; 20@40+2 the same 20 both ways with 2 % random loss each way;
4@20q200 a 4 Mbit/s link whose tbf queue holds 200 ms (a home router's deep queue) instead of
the usual 50 ms."""

import re

from .link import Shape

# Rates 1-100 at a phone's usual round trip; delays 0-150 ms and one 600 ms row (a satellite
# or far region, where the test must fail clearly rather than read wrong); asymmetric links;
# random loss. Issue 19, "Targets".
DEFAULT_ROWS = [
    "1@20", "3@20", "10@20", "25@20", "50@20", "100@20",
    "10@0", "10@60", "10@150", "10@600",
    "25/3@40", "10/1@40", "50/10@40",
    "20@40+0.5", "20@40+2",
    # Deep queues at the slow end (issue 29): the upload's requests and the latency probes wait
    # in the queue the transfer fills.
    "1@20q200", "3@20q200", "5/1@20q200",
]  # fmt: skip
# A bounded subset that still shows every kind of row: make bench ROWS=quick.
QUICK_ROWS = ["3@20", "3@20q200", "25@60", "10@150", "10@600", "25/3@40", "20@40+2"]
NAMED = {"all": DEFAULT_ROWS, "quick": QUICK_ROWS}

SPEC = re.compile(
    r"^(?P<down>\d+(?:\.\d+)?)(?:/(?P<up>\d+(?:\.\d+)?))?"
    r"@(?P<rtt>\d+(?:\.\d+)?)(?:\+(?P<loss>\d+(?:\.\d+)?)%?)?(?:q(?P<queue>\d+(?:\.\d+)?))?$"
)


def parse_row(text: str) -> Shape:
    """One row's link from its spec; ValueError says what a spec looks like."""
    found = SPEC.match(text.strip())
    if not found:
        raise ValueError(
            f"{text!r}: a row is DOWN[/UP]@RTT[+LOSS][qQUEUE], e.g. 10@20, 25/3@40, 20@40+2, "
            "4@20q200"
        )
    down = float(found["down"])
    up = float(found["up"]) if found["up"] else down
    loss = float(found["loss"] or 0)
    queue = float(found["queue"]) if found["queue"] else None
    if down <= 0 or up <= 0 or loss >= 50 or (queue is not None and queue <= 0):
        raise ValueError(f"{text!r}: rates and queue must be positive and loss under 50 %")
    return Shape(down, up, rtt_ms=float(found["rtt"]), loss_percent=loss, queue_ms=queue)


def parse_rows(text: str) -> list[tuple[str, Shape]]:
    """A comma-separated list of specs or of the names all / quick."""
    specs = []
    for part in (p.strip() for p in text.split(",")):
        if part:
            specs.extend(NAMED.get(part, [part]))
    return [(spec, parse_row(spec)) for spec in specs]
