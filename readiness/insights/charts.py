"""The charts' geometry: where each bar, whisker and tick goes in an SVG viewBox. Pure.

The template (templates/admin/insights/_charts.html) draws them with the page's words, so every
label is translated and escaped by Jinja; nothing here knows a language. Horizontal bars: long
labels (weeks, reasons, bands) stay readable on a narrow screen.
"""

from dataclasses import dataclass, field

WIDTH = 640
LABEL_WIDTH = 190  # room for the row's label on the left
VALUE_ROOM = 70  # room for the figure after the longest bar
ROW = 28
BAR = 18
TOP = 8
AXIS_ROOM = 24
PLOT = WIDTH - LABEL_WIDTH - VALUE_ROOM


@dataclass
class Segment:
    key: str  # what the segment counts (a verdict, "held"...): its fill pattern
    value: float
    x: float
    width: float


@dataclass
class Row:
    label: str  # a key the template turns into words
    total: float
    y: float
    segments: list[Segment]
    interval: tuple[float, float] | None = None  # x of a whisker's two ends
    text_x: float = 0.0  # where the row's figure is written


@dataclass
class Chart:
    rows: list[Row]
    height: float
    ticks: list[tuple[float, float]] = field(default_factory=list)  # (x, value)
    keys: tuple[str, ...] = ()

    @property
    def view_box(self) -> str:
        return f"0 0 {WIDTH} {self.height:g}"

    @property
    def axis_y(self) -> float:
        return self.height - AXIS_ROOM + 4


def nice_maximum(largest: float) -> float:
    """A round top for the scale: 1, 2, 5, 10, 20, 50...; at least 1."""
    if largest <= 1:
        return 1
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= largest:
                return step * factor
        step *= 10


def scale(value: float, maximum: float) -> float:
    return round(PLOT * value / maximum, 2) if maximum else 0.0


def stacked_bars(rows: list[tuple[str, list[tuple[str, float]]]], keys: tuple[str, ...]) -> Chart:
    """One bar per row, split into its (key, value) segments, on a common count scale."""
    maximum = nice_maximum(max((sum(v for _, v in parts) for _, parts in rows), default=0))
    drawn = []
    for index, (label, parts) in enumerate(rows):
        x = float(LABEL_WIDTH)
        segments = []
        for key, value in parts:
            width = scale(value, maximum)
            segments.append(Segment(key, value, round(x, 2), width))
            x += width
        total = sum(value for _, value in parts)
        drawn.append(Row(label, total, TOP + index * ROW, segments, text_x=round(x + 6, 2)))
    ticks = [
        (round(LABEL_WIDTH + scale(maximum * step / 4, maximum), 2), maximum * step / 4)
        for step in range(5)
    ]
    return Chart(drawn, TOP + len(rows) * ROW + AXIS_ROOM, ticks, keys)


def share_bars(rows: list[tuple[str, float | None, list[float] | None]]) -> Chart:
    """Shares from 0 to 1 with their 95 % intervals as whiskers; None: nothing to show."""
    drawn = []
    for index, (label, value, interval) in enumerate(rows):
        y = TOP + index * ROW
        if value is None:
            drawn.append(Row(label, 0, y, [], text_x=LABEL_WIDTH + 6))
            continue
        width = scale(value, 1)
        whisker = None
        if interval:
            whisker = (LABEL_WIDTH + scale(interval[0], 1), LABEL_WIDTH + scale(interval[1], 1))
        right = max(LABEL_WIDTH + width, whisker[1] if whisker else 0)
        drawn.append(
            Row(
                label,
                value,
                y,
                [Segment("held", value, LABEL_WIDTH, width)],
                interval=whisker,
                text_x=round(right + 6, 2),
            )
        )
    ticks = [(LABEL_WIDTH + scale(step / 4, 1), step / 4) for step in range(5)]
    return Chart(drawn, TOP + len(rows) * ROW + AXIS_ROOM, ticks, ("held",))
