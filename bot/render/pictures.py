"""Pictures for editions and /chart: events per day by type (stacked bars) and a map of the
period's events, drawn offline with matplotlib's Agg backend into PNG bytes.

matplotlib is imported inside the drawing functions, only when a picture is made (start-up time
and idle memory stay as they were). Colours are the Okabe-Ito palette (safe for the common
colour-vision deficiencies); texts are big enough to read on a phone. The words come from
`briefings/pictures.html`, like every other text the bot sends.
"""

from __future__ import annotations

import io
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.domain.editions.model import EditionFile
from bot.domain.editions.pictures import OTHER, PictureData
from bot.render.environment import Renderer

log = logging.getLogger(__name__)

# Okabe & Ito (2008), "Color Universal Design"; grey for everything else.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442")
OTHER_COLOUR = "#7F7F7F"
# The map's ground: pale water, light grey land, the countries with events white; borders
# mid grey, first-level boundaries thin and lighter (greys and a pale blue read the same to
# every colour vision, and leave the Okabe-Ito markers the only colours on the map).
WATER = "#E3EDF5"
LAND = "#EEEEEA"
HOME_LAND = "#FFFFFF"
BORDER = "#6E6E6E"
ADMIN1 = "#A8A8A8"
DETAIL = 0.01  # degrees: the boundaries are thinned to about this per pixel of the map
ADMIN1_UP_TO = 0.04  # degrees a pixel: first-level lines on maps up to ~50 degrees wide
SIZE_INCHES = (8.0, 5.0)
DPI = 150  # 1200 x 750 pixels: sharp on a phone, well under Telegram's photo limits
LABELLED_PLACES = 6


@dataclass(frozen=True, slots=True)
class PictureLabels:
    """The words on the pictures (rendered from briefings/pictures.html)."""

    chart_title: str
    map_title: str
    y_axis: str
    unplaced: str
    empty: str


def picture_labels(renderer: Renderer, data: PictureData) -> PictureLabels:
    """The pictures' words for this data, from the template."""

    def say(macro: str, **values: Any) -> str:
        return renderer.render_plain("pictures.html", macro, d=data, **values)

    return PictureLabels(
        chart_title=say("chart_title"),
        map_title=say("map_title"),
        y_axis=say("y_axis"),
        unplaced=say("unplaced", n=data.unplaced),
        empty=say("empty"),
    )


def colours(types: tuple[str, ...]) -> dict[str, str]:
    """A fixed colour per type, in the order given ("Other" grey)."""
    out: dict[str, str] = {}
    for i, t in enumerate(x for x in types if x != OTHER):
        out[t] = PALETTE[i % len(PALETTE)]
    out[OTHER] = OTHER_COLOUR
    return out


def _figure() -> tuple[Any, Any]:
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib.figure import Figure

    fig = Figure(figsize=SIZE_INCHES, dpi=DPI)
    ax = fig.add_subplot(1, 1, 1)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig, ax


def _png(fig: Any) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return buf.getvalue()


def render_chart(data: PictureData, labels: PictureLabels) -> bytes:
    """Events per day, stacked by type, as a PNG."""
    fig, ax = _figure()
    chart = data.chart
    palette = colours(data.types)
    xs = list(range(len(chart.days)))
    bottoms = [0] * len(xs)
    for j, kind in enumerate(chart.types):
        heights = [row[j] for row in chart.counts]
        if not any(heights):
            continue
        ax.bar(xs, heights, bottom=bottoms, width=0.7, color=palette[kind], label=kind,
               linewidth=0)  # fmt: skip
        bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    step = max(1, math.ceil(len(xs) / 10))
    ax.set_xticks(xs[::step], [f"{d.day} {d:%b}" for d in chart.days[::step]], fontsize=11)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.tick_params(axis="y", labelsize=11)
    ax.set_ylabel(labels.y_axis, fontsize=12)
    ax.set_title(labels.chart_title, fontsize=14, loc="left")
    if chart.total:
        ax.legend(fontsize=10, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    else:
        ax.text(0.5, 0.5, labels.empty, transform=ax.transAxes, ha="center", fontsize=13)
    fig.subplots_adjust(left=0.07, right=0.66, top=0.9, bottom=0.1)
    return _png(fig)


def _extent(data: PictureData) -> tuple[float, float, float, float]:
    lats = [p.lat for p in data.points] or [0.0]
    lons = [p.lon for p in data.points] or [0.0]
    pad = max(1.0, 0.15 * max(max(lats) - min(lats), max(lons) - min(lons)))
    return min(lons) - pad, max(lons) + pad, min(lats) - pad, max(lats) + pad


def _ground(ax: Any, data: PictureData, view: tuple[float, float, float, float]) -> int:
    """Draw the countries in view (their outlines, filled) and their first-level boundaries
    under the markers. Returns how many countries were drawn."""
    from matplotlib.collections import LineCollection, PolyCollection

    from bot.render.boundaries import countries_in_view, holding

    west, east, south, north = view
    per_pixel = (east - west) / (SIZE_INCHES[0] * DPI)  # degrees a pixel spans, about
    step = max(1, int(per_pixel / DETAIL))  # wide views keep one point in `step`

    def fit(parts: tuple[Any, ...]) -> list[Any]:
        """The parts in view and bigger than two pixels, thinned to the view's detail."""
        out = []
        for part in parts:
            low, high = part.min(axis=0), part.max(axis=0)
            if (low[0] > east or high[0] < west or low[1] > north or high[1] < south
                    or max(high - low) < 2 * per_pixel):  # fmt: skip
                continue
            out.append(part if step == 1 or len(part) < 3 * step else part[::step])
        return out

    shapes = countries_in_view(west, east, south, north)
    home = holding(shapes, [p.lon for p in data.points], [p.lat for p in data.points])
    for focus in (False, True):
        rings = [r for c in shapes if (c.code in home) == focus for r in fit(c.rings)]
        if rings:
            ax.add_collection(PolyCollection(rings, facecolors=HOME_LAND if focus else LAND,
                                             edgecolors=BORDER, linewidths=0.9, zorder=1,
                                             gid="home" if focus else "countries"))  # fmt: skip
    if per_pixel <= ADMIN1_UP_TO:  # a continent or less: the first-level lines
        lines = [line for c in shapes for line in fit(c.lines)]
        if lines:
            ax.add_collection(LineCollection(lines, colors=ADMIN1, linewidths=0.5, zorder=1.5,
                                             gid="admin1"))  # fmt: skip
    return len(shapes)


def render_map(data: PictureData, labels: PictureLabels) -> bytes:
    """The period's events by place, one marker per place (area by count, colour by its most
    frequent type), on the countries and first-level areas around them, as a PNG."""
    return _png(draw_map(data, labels))


def draw_map(data: PictureData, labels: PictureLabels) -> Any:
    """The map as a matplotlib Figure (render_map makes it a PNG)."""
    fig, ax = _figure()
    palette = colours(data.types)
    west, east, south, north = _extent(data)
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_aspect(1 / max(0.2, math.cos(math.radians((south + north) / 2))))
    # the ground on an axes of its own under the markers: the legend's "best" place then weighs
    # the markers and labels only, not thousands of boundary paths (seconds on a world map)
    ground = ax.inset_axes((0.0, 0.0, 1.0, 1.0), zorder=0.6)
    ground.set_xlim(west, east)
    ground.set_ylim(south, north)
    ground.set_axis_off()
    ax.set_facecolor(WATER)
    _ground(ground, data, (west, east, south, north))
    ax.set_axisbelow(True)
    ax.grid(True, color="#C9D7E3", linewidth=0.6)  # over the water only: the land covers it
    ax.tick_params(labelsize=10)
    biggest = max((p.count for p in data.points), default=1)
    for kind in data.types:  # one collection per type, biggest markers first
        mine = sorted((p for p in data.points if p.event_type == kind), key=lambda p: -p.count)
        if mine:
            ax.scatter([p.lon for p in mine], [p.lat for p in mine],
                       s=[80 + 520 * p.count / biggest for p in mine], color=palette[kind],
                       edgecolors="white", linewidths=1.0, zorder=3, label=kind)  # fmt: skip
    placed: list[tuple[float, float]] = []
    span_x, span_y = east - west, north - south
    for p in data.points:  # biggest first; a label never sits on another's
        x, y = (p.lon - west) / span_x, (p.lat - south) / span_y
        if len(placed) >= LABELLED_PLACES or any(
            abs(x - px) < 0.18 and abs(y - py) < 0.06 for px, py in placed
        ):
            continue
        placed.append((x, y))
        ax.annotate(f"{p.label} ({p.count})", (p.lon, p.lat), xytext=(9, 7),
                    textcoords="offset points", fontsize=10, zorder=4)  # fmt: skip
    ax.set_title(labels.map_title, fontsize=14, loc="left")
    if data.points:
        ax.legend(fontsize=10, frameon=True, loc="best", markerscale=0.5, framealpha=0.9)
    else:
        ax.text(0.5, 0.5, labels.empty, transform=ax.transAxes, ha="center", fontsize=13)
    if data.unplaced:
        ax.text(0.0, -0.12, labels.unplaced, transform=ax.transAxes, fontsize=10)
    fig.subplots_adjust(left=0.07, right=0.97, top=0.9, bottom=0.13)
    return fig


def edition_drawer(renderer: Renderer) -> Callable[[PictureData], list[EditionFile]]:
    """What the tick calls once per weekly audience: its chart and map as PNG files with their
    captions (Telegram HTML; the template keeps them well under 1024 characters)."""

    def draw(data: PictureData) -> list[EditionFile]:
        labels = picture_labels(renderer, data)
        chart = renderer.render_macro("pictures.html", "chart_caption", d=data)
        where = renderer.render_macro("pictures.html", "map_caption", d=data)
        return [
            EditionFile("chart.png", render_chart(data, labels), chart),
            EditionFile("map.png", render_map(data, labels), where),
        ]

    return draw
