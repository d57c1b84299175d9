"""The chart and the map checked as images: PNG of the promised size, not blank, and the
expected number of marks of each type's colour (bar segments, place markers, legend keys)."""

from __future__ import annotations

import io
from collections import deque
from datetime import date

import numpy as np
import pytest

from bot.domain.editions.pictures import DayCounts, MapPoint, PictureData
from bot.render.environment import Renderer, create_environment
from bot.render.pictures import DPI, SIZE_INCHES, colours, picture_labels, render_chart, render_map

TYPES = ("Battles", "Protests", "Riots")
DATA = PictureData(
    title="Darfur",
    period="1 – 4 May 2024",
    chart=DayCounts(
        days=tuple(date(2024, 5, d) for d in range(1, 5)),
        types=TYPES,
        counts=((2, 0, 1), (0, 0, 0), (3, 1, 0), (1, 0, 0)),
    ),
    points=(
        MapPoint(13.6, 25.3, "El Fasher", 4, "Battles"),
        MapPoint(12.0, 24.9, "Nyala", 2, "Protests"),
        MapPoint(15.6, 32.5, "Khartoum", 1, "Riots"),
        MapPoint(11.0, 31.0, "Kadugli", 1, "Battles"),
    ),
    types=TYPES,
    unplaced=1,
)


def _pixels(png: bytes) -> np.ndarray:
    from matplotlib.image import imread

    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    return (imread(io.BytesIO(png), format="png")[:, :, :3] * 255).round().astype(np.int16)


def _marks(image: np.ndarray, colour: str) -> int:
    """Connected patches of exactly this colour, bigger than a few pixels (4-neighbour)."""
    rgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)], dtype=np.int16)
    mask = np.all(np.abs(image - rgb) <= 2, axis=2)
    seen = np.zeros_like(mask)
    height, width = mask.shape
    patches = 0
    for y, x in zip(*np.nonzero(mask), strict=True):
        if seen[y, x]:
            continue
        size, queue = 0, deque([(y, x)])
        seen[y, x] = True
        while queue:
            cy, cx = queue.popleft()
            size += 1
            for ny, nx in ((cy + 1, cx), (cy - 1, cx), (cy, cx + 1), (cy, cx - 1)):
                if 0 <= ny < height and 0 <= nx < width and mask[ny, nx] and not seen[ny, nx]:
                    seen[ny, nx] = True
                    queue.append((ny, nx))
        patches += size >= 12
    return patches


@pytest.fixture(scope="module")
def labels() -> object:
    return picture_labels(Renderer(create_environment()), DATA)


def test_chart_has_one_segment_per_day_and_type(labels: object) -> None:
    image = _pixels(render_chart(DATA, labels))  # type: ignore[arg-type]
    assert image.shape[:2] == (SIZE_INCHES[1] * DPI, SIZE_INCHES[0] * DPI)
    assert len(np.unique(image.reshape(-1, 3), axis=0)) > 20  # drawn, not blank
    palette = colours(TYPES)
    image = image[::2, ::2]  # bars are big: every other pixel is plenty, and 4x faster
    # bar segments with a count, plus one legend key per type drawn
    assert _marks(image, palette["Battles"]) == 3 + 1
    assert _marks(image, palette["Protests"]) == 1 + 1
    assert _marks(image, palette["Riots"]) == 1 + 1


def test_map_has_one_marker_per_place(labels: object) -> None:
    image = _pixels(render_map(DATA, labels))  # type: ignore[arg-type]
    assert image.shape[:2] == (SIZE_INCHES[1] * DPI, SIZE_INCHES[0] * DPI)
    palette = colours(TYPES)
    # places drawn in their most frequent type's colour, plus one legend key per type
    assert _marks(image, palette["Battles"]) == 2 + 1
    assert _marks(image, palette["Protests"]) == 1 + 1
    assert _marks(image, palette["Riots"]) == 1 + 1


def test_pictures_words_come_from_the_template(labels: object) -> None:
    assert labels.chart_title == "Darfur: events per day by type, 1 – 4 May 2024"  # type: ignore[attr-defined]
    assert labels.unplaced == "1 event without a known place not shown"  # type: ignore[attr-defined]


def test_map_is_drawn_on_country_and_first_level_boundaries(labels: object) -> None:
    from matplotlib.collections import LineCollection, PolyCollection

    from bot.render.boundaries import country
    from bot.render.pictures import draw_map

    fig = draw_map(DATA, labels)  # type: ignore[arg-type]
    [ax] = fig.axes
    [ground] = ax.child_axes  # under the markers, the same place and limits
    drawn = {c.get_gid(): c for c in ground.collections}
    home, around, admin1 = drawn["home"], drawn["countries"], drawn["admin1"]
    assert isinstance(home, PolyCollection) and isinstance(around, PolyCollection)
    assert isinstance(admin1, LineCollection)
    # every place lies in Sudan: its rings are the white ones; Chad, South Sudan, … around it
    sudan, chad = country("SD"), country("TD")
    assert sudan is not None and sudan.name == "Sudan" and chad is not None
    assert 1 <= len(home.get_paths()) <= len(sudan.rings)  # its rings in view (not islands)
    assert len(around.get_paths()) >= 3
    assert len(admin1.get_paths()) >= 20  # Sudan's states and its neighbours' provinces
    # and on the image: inside Sudan white, inside Chad the grey of other land
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)  # drawn: the axes now sit where the PNG has them
    image = _pixels(buf.getvalue())
    ax_box = ax.get_window_extent()
    height = image.shape[0]

    def colour_at(lon: float, lat: float) -> tuple[int, ...]:
        x, y = ax.transData.transform((lon, lat))
        assert ax_box.x0 < x < ax_box.x1 and ax_box.y0 < y < ax_box.y1
        return tuple(int(v) for v in image[height - round(y), round(x)])

    assert colour_at(29.5, 14.5) == (255, 255, 255)  # North Kordofan, Sudan
    assert colour_at(33.3, 10.5) == (0xEE, 0xEE, 0xEA)  # Upper Nile, South Sudan
