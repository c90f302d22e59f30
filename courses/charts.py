"""Small server-side SVG bar charts: no JavaScript, no CDN, no style attributes.

A chart is inline markup (templates/courses/reports/_percent_bar_chart.html, drawn by
the percent_bar_chart tag), so a strict Content-Security-Policy is not in the way;
colours and sizes are SVG presentation attributes. Each chart is an image with a title
and a description for screen readers, and the page shows the same numbers in a table.
"""

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 520
ROW = 44  # a label line, then the bar
BAR = 14
TOP = 22  # room for the guide labels
VALUE_ROOM = 200  # right of the bar track, for "87% · D 0.67 · review"
TRACK = WIDTH - VALUE_ROOM
INK, ALERT, TRACK_FILL, MUTED = "#1d3557", "#b02a37", "#e9ecef", "#495057"
MAX_LABEL = 56


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # a percentage, 0-100; None when there is nothing to show
    note: str = ""  # printed after the value, e.g. "D 0.67"
    alert: bool = False  # drawn in the alert colour; say why in the note as well


@dataclass(frozen=True)
class PercentBarChart:
    """Horizontal bars on a 0-100% scale, one row per bar, with optional dashed guides."""

    chart_id: str
    title: str
    description: str
    bars: Sequence[Bar]
    guides: Sequence[float] = ()
    empty_text: str = "no data"

    width = WIDTH
    track = TRACK
    bar_height = BAR
    track_fill, muted = TRACK_FILL, MUTED
    empty_y = TOP + 20
    value_x = TRACK + 6

    @property
    def height(self) -> int:
        return TOP + ROW * max(len(self.bars), 1) + 4

    @property
    def guide_marks(self) -> list[tuple[str, str]]:
        """(x, label) of each guide."""
        return [(f"{TRACK * guide / 100:.1f}", f"{guide:g}") for guide in self.guides]

    @property
    def rows(self) -> list[dict]:
        rows = []
        for index, bar in enumerate(self.bars):
            y = TOP + index * ROW
            value = self.empty_text if bar.value is None else f"{bar.value:.0f}%"
            length = 0 if bar.value is None else TRACK * max(0.0, min(bar.value, 100.0)) / 100
            label = bar.label
            short = label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1].rstrip() + "…"
            rows.append(
                {
                    "label": label,
                    "short": short,
                    "text": f"{value} · {bar.note}" if bar.note else value,
                    "colour": ALERT if bar.alert else (MUTED if bar.value is None else INK),
                    "length": f"{length:.1f}",
                    "label_y": y + 13,
                    "bar_y": y + 19,
                    "value_y": y + 31,
                    # Guides sit on the track, behind the bar, clear of the label line.
                    "guide_top": y + 16,
                    "guide_bottom": y + 19 + BAR + 3,
                }
            )
        return rows
