"""The dashboard's trend chart as plain numbers for an inline SVG (no script, no CDN): lines of
the good, bad and unrated rates over light bars of the review count."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from onewindow.evaluation.selectors import TrendPoint

WIDTH = 640
HEIGHT = 230
LEFT, RIGHT, TOP, BOTTOM = 44, 630, 12, 190  # the plot area
MAX_LABELS = 12


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    count: int


@dataclass(frozen=True)
class Series:
    name: str
    colour: str
    dashed: bool
    segments: list[str]  # SVG ``points`` of each unbroken run (a gap where the rate is null)
    dots: list[tuple[float, float, str]]  # x, y, tooltip


@dataclass(frozen=True)
class Row:
    label: str
    count: int
    good: float | None
    bad: float | None
    unrated: float | None


@dataclass(frozen=True)
class TrendChart:
    width: int
    height: int
    left: int
    right: int
    bucket: str
    bars: list[Bar]
    series: list[Series]
    grid: list[tuple[float, str]]  # y, label
    labels: list[tuple[float, str]]  # x, label (every k-th bucket)
    rows: list[Row]
    max_count: int


def _label(point: TrendPoint, bucket: str) -> str:
    return f"{point.start:%Y-%m}" if bucket == "month" else f"{point.start:%m-%d}"


def _percent(rate: float | None) -> float | None:
    return None if rate is None else round(rate * 100, 1)


def _y(rate: float) -> float:
    return round(BOTTOM - rate * (BOTTOM - TOP), 1)


def trend_chart(points: Sequence[TrendPoint], bucket: str) -> TrendChart:
    """Lay out ``points`` (see selectors.get_review_trend) on a WIDTH × HEIGHT canvas."""
    step = (RIGHT - LEFT) / max(1, len(points))
    centres = [round(LEFT + step * (i + 0.5), 1) for i in range(len(points))]
    labels = [_label(p, bucket) for p in points]
    top = max((p.count for p in points), default=0)
    bars = []
    for x, label, p in zip(centres, labels, points, strict=True):
        height = p.count / top * (BOTTOM - TOP) if top else 0.0
        bars.append(
            Bar(
                x=round(x - step * 0.3, 1),
                y=round(BOTTOM - height, 1),
                width=round(step * 0.6, 1),
                height=round(height, 1),
                label=label,
                count=p.count,
            )
        )
    series = []
    for name, colour, dashed, attr in (
        ("好评率", "#2e7d32", False, "good_rate"),
        ("差评率", "#c62828", False, "bad_rate"),
        ("未评率", "#6d6d6d", True, "unrated_rate"),
    ):
        segments: list[list[str]] = [[]]
        dots = []
        for x, label, p in zip(centres, labels, points, strict=True):
            rate = getattr(p, attr)
            if rate is None:
                if segments[-1]:
                    segments.append([])
                continue
            segments[-1].append(f"{x},{_y(rate)}")
            dots.append((x, _y(rate), f"{label} {name} {_percent(rate)}%"))
        series.append(Series(name, colour, dashed, [" ".join(s) for s in segments if s], dots))
    every = max(1, math.ceil(len(points) / MAX_LABELS))
    return TrendChart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=RIGHT,
        bucket=bucket,
        bars=bars,
        series=series,
        grid=[(_y(v / 100), f"{v}%") for v in (0, 25, 50, 75, 100)],
        labels=[(centres[i], labels[i]) for i in range(0, len(points), every)],
        rows=[
            Row(
                label,
                p.count,
                _percent(p.good_rate),
                _percent(p.bad_rate),
                _percent(p.unrated_rate),
            )
            for label, p in zip(labels, points, strict=True)
        ],
        max_count=top,
    )
