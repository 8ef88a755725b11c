"""A small picture of a participant's ratings and scores over the past weeks or months."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from xml.sax.saxutils import escape, quoteattr

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT, MARGIN = 720, 400, 48
WEEKS = 8
COLOURS = ("#c0392b", "#2471a3", "#229954", "#7d3c98")  # the first is always cravings


@dataclass(frozen=True)
class Series:
    """One line on the chart: a name for the legend and (when, value) points."""

    name: str
    points: Sequence[tuple[datetime, int]]


@dataclass(frozen=True)
class Chart:
    """What a chart shows: its lines, its title, from when, and the top of its scale."""

    series: Sequence[Series]
    title: str
    since: datetime
    top: int


Place = Callable[[datetime, int], tuple[float, float]]
TIME_TICKS = 5  # dates along the bottom, first to last


def _time_ticks(start: datetime, now: datetime) -> list[tuple[float, str]]:
    """Evenly spaced dates along the time axis, as (share of the width, "Nov 3")."""
    spaced = [(tick / (TIME_TICKS - 1), start + (now - start) * tick / (TIME_TICKS - 1))
              for tick in range(TIME_TICKS)]  # fmt: skip
    return [(share, f"{when:%b} {when.day}") for share, when in spaced]


def _scale(start: datetime, now: datetime, top: int) -> Place:
    """Where a (when, value) point goes on the picture: time across, value up from 0."""
    left, top_y, right, bottom = MARGIN, MARGIN, WIDTH - MARGIN // 2, HEIGHT - MARGIN

    def place(when: datetime, value: int) -> tuple[float, float]:
        share = min(max((when - start) / (now - start), 0.0), 1.0)
        return left + (right - left) * share, bottom - (bottom - top_y) * value / top

    return place


def ratings_svg(chart: Chart, *, now: datetime) -> str:
    """The chart as SVG markup for a web page, drawn here: no script, no outside fonts, its
    colours set by the page's stylesheet and the attributes below. Screen readers get the
    title; the values themselves are in the timeline's text."""
    left, top_y, right, bottom = MARGIN, MARGIN, WIDTH - MARGIN // 2, HEIGHT - MARGIN
    place = _scale(chart.since, now, chart.top)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label={quoteattr(chart.title)} class="chart">',
        f'<text x="{left}" y="24" class="title">{escape(chart.title)}</text>',
    ]
    for value in range(0, chart.top + 1, max(chart.top // 5, 1)):
        y = bottom - (bottom - top_y) * value / chart.top
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" class="grid"/>')
        out.append(f'<text x="{left - 8}" y="{y + 4:.1f}" class="tick">{value}</text>')
    out.append(f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" class="axis"/>')
    for share, label in _time_ticks(chart.since, now):
        x = left + (right - left) * share
        out.append(f'<text x="{x:.1f}" y="{bottom + 14}" class="date">{label}</text>')
    for index, line in enumerate(chart.series):
        colour = COLOURS[index % len(COLOURS)]
        points = [place(w, v) for w, v in sorted(line.points) if w >= chart.since]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        out.append(f'<polyline points="{path}" stroke="{colour}" class="line"/>')
        out += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>' for x, y in points]
        legend_x = left + index * min(160, (right - left) // len(chart.series))
        out.append(
            f'<rect x="{legend_x}" y="{bottom + 26}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{legend_x + 18}" y="{bottom + 37}">{escape(line.name)}</text>'
        )
    out.append("</svg>")
    return "\n".join(out)


def ratings_chart(
    series: Sequence[Series],
    *,
    now: datetime,
    title: str,
    since: datetime | None = None,
    top: int = 10,
) -> bytes:
    """A PNG: one line per series from `since` (the past weeks) to now, 0 at the bottom."""
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=14)
    left, top_y, right, bottom = MARGIN, MARGIN, WIDTH - MARGIN // 2, HEIGHT - MARGIN
    start = since or now - timedelta(weeks=WEEKS)
    draw.text((left, 12), title, fill="black", font=font)
    for value in range(0, top + 1, max(top // 5, 1)):
        y = bottom - (bottom - top_y) * value / top
        draw.line((left, y, right, y), fill="#e5e5e5")
        draw.text((left - 24, y - 8), str(value), fill="#555555", font=font)
    for share, label in _time_ticks(start, now):
        x = left + (right - left) * share
        draw.line((x, bottom, x, bottom + 4), fill="#555555")
        draw.text((x, bottom + 4), label, fill="#555555", font=font, anchor="ma")
    draw.line((left, bottom, right, bottom), fill="#555555")

    place = _scale(start, now, top)
    for index, line in enumerate(series):
        colour = COLOURS[index % len(COLOURS)]
        points = [place(when, value) for when, value in sorted(line.points) if when >= start]
        if len(points) > 1:
            draw.line(points, fill=colour, width=3)
        for x, y in points:
            draw.ellipse((x - 4, y - 4, x + 4, y + 4), fill=colour)
        legend_x = left + index * min(220, (right - left) // len(series))
        draw.rectangle((legend_x, bottom + 26, legend_x + 12, bottom + 38), fill=colour)
        draw.text((legend_x + 18, bottom + 24), line.name, fill="black", font=font)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
