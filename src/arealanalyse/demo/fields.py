"""Raster fields of the SYNTHETIC demo: a grid, land masks, density, DEM and noise.

The generator works on one regular grid (25 m cells, EPSG:25832) covering the study area. Land
masks (Marka forest, farmland belts, inside/outside) are rasterised from vector anchors; the
settlement density is a sum of Gaussian cores around the real centres; the DEM rises from the
fjord into Marka; the noise raster (Lden) decays with distance from E18, E16, the railway and the
main roads. All fields are deterministic functions of the anchors and the seed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import rasterio.features
import shapely
from affine import Affine
from scipy import ndimage

__all__ = ["LEVEL_CENTRE", "Grid", "dem_field", "density_field", "level_field", "noise_field"]

#: Lattice line spacing multiplier of each level (1 = every lattice line is a street).
LEVEL_CENTRE, LEVEL_URBAN, LEVEL_SUBURBAN, LEVEL_FARM, LEVEL_MARKA = 1, 2, 4, 8, 16


@dataclass(frozen=True)
class Grid:
    """A north-up raster grid: ``nx`` × ``ny`` cells of ``cell`` metres, lower-left ``(x0, y0)``.

    Examples
    --------
    >>> g = Grid(0.0, 0.0, 25.0, 4, 2)
    >>> g.transform.c, g.transform.f, g.shape
    (0.0, 50.0, (2, 4))
    >>> [int(v) for v in g.index([30.0], [10.0])[0]], [int(v) for v in g.index([30.0], [10.0])[1]]
    ([1], [1])
    """

    x0: float
    y0: float
    cell: float
    nx: int
    ny: int

    @classmethod
    def around(cls, bounds: Sequence[float], cell: float, margin: float) -> Grid:
        """Grid aligned to multiples of ``cell`` covering ``bounds`` plus ``margin``."""
        minx, miny, maxx, maxy = bounds
        x0 = np.floor((minx - margin) / cell) * cell
        y0 = np.floor((miny - margin) / cell) * cell
        nx = int(np.ceil((maxx + margin - x0) / cell))
        ny = int(np.ceil((maxy + margin - y0) / cell))
        return cls(float(x0), float(y0), float(cell), nx, ny)

    @property
    def shape(self) -> tuple[int, int]:
        """Array shape (rows, cols)."""
        return (self.ny, self.nx)

    @property
    def transform(self) -> Affine:
        """Affine transform of the north-up array (row 0 at the top)."""
        return Affine(self.cell, 0.0, self.x0, 0.0, -self.cell, self.y0 + self.ny * self.cell)

    def centres(self) -> tuple[np.ndarray, np.ndarray]:
        """Cell-centre coordinates as two 2-D arrays (x, y)."""
        xs = self.x0 + (np.arange(self.nx) + 0.5) * self.cell
        ys = self.y0 + self.ny * self.cell - (np.arange(self.ny) + 0.5) * self.cell
        return np.meshgrid(xs, ys)

    def index(self, x: object, y: object) -> tuple[np.ndarray, np.ndarray]:
        """Row and column of points (clipped to the grid)."""
        col = np.floor((np.asarray(x, dtype=float) - self.x0) / self.cell).astype(np.int64)
        top = self.y0 + self.ny * self.cell
        row = np.floor((top - np.asarray(y, dtype=float)) / self.cell).astype(np.int64)
        return np.clip(row, 0, self.ny - 1), np.clip(col, 0, self.nx - 1)

    def sample(self, arr: np.ndarray, x: object, y: object) -> np.ndarray:
        """Values of ``arr`` at points (nearest cell)."""
        r, c = self.index(x, y)
        return arr[r, c]

    def burn(self, geoms: Sequence[shapely.Geometry], *, all_touched: bool = False) -> np.ndarray:
        """Boolean mask of cells whose centre is covered by ``geoms``."""
        geoms = [g for g in geoms if g is not None and not g.is_empty]
        if not geoms:
            return np.zeros(self.shape, dtype=bool)
        out = rasterio.features.rasterize(
            [(g, 1) for g in geoms],
            out_shape=self.shape,
            transform=self.transform,
            fill=0,
            all_touched=all_touched,
            dtype="uint8",
        )
        return out.astype(bool)


def density_field(grid: Grid, centres: Sequence[tuple[float, float, float, float]]) -> np.ndarray:
    """Settlement density 0..1: the strongest Gaussian core ``peak * exp(-(d/r)^2)``.

    ``centres`` holds ``(x, y, peak, radius_m)`` in grid coordinates.
    """
    gx, gy = grid.centres()
    out = np.zeros(grid.shape)
    for x, y, peak, r in centres:
        d2 = (gx - x) ** 2 + (gy - y) ** 2
        np.maximum(out, peak * np.exp(-d2 / (r * r)), out=out)
    return out


def level_field(
    inside: np.ndarray, marka: np.ndarray, farm: np.ndarray, density: np.ndarray
) -> np.ndarray:
    """Street-lattice level of each cell: 0 outside, else the line spacing multiplier."""
    lev = np.full(inside.shape, LEVEL_SUBURBAN, dtype=np.int64)
    lev[density >= 0.22] = LEVEL_URBAN
    lev[density >= 0.5] = LEVEL_CENTRE
    lev[farm] = LEVEL_FARM
    lev[marka] = LEVEL_MARKA
    lev[~inside] = 0
    return lev


def _smooth_noise(rng: np.random.Generator, shape: tuple[int, int], sigma: float) -> np.ndarray:
    """Gaussian-filtered white noise scaled to unit standard deviation."""
    field = ndimage.gaussian_filter(rng.standard_normal(shape), sigma=sigma, mode="reflect")
    return field / (field.std() or 1.0)


def dem_field(
    grid: Grid,
    sea: np.ndarray,
    hills: Sequence[tuple[float, float, float, float]],
    valley: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Terrain height (m): 0 at sea, rising with distance from the fjord to ~450 m in Marka.

    ``hills`` holds ``(x, y, height_m, radius_m)``; ``valley`` is a boolean mask that is lowered
    (Lommedalen). A smooth random field adds relief. Rounded to the decimetre.
    """
    dist = ndimage.distance_transform_edt(~sea) * grid.cell
    h = 470.0 * (1.0 - np.exp(-dist / 7000.0))
    gx, gy = grid.centres()
    for x, y, height, r in hills:
        h += height * np.exp(-((gx - x) ** 2 + (gy - y) ** 2) / (r * r))
    low = ndimage.gaussian_filter(valley.astype(float), sigma=12)
    h -= 110.0 * low
    h += 18.0 * _smooth_noise(rng, grid.shape, 20) * np.clip(dist / 500.0, 0, 1)
    h[sea] = 0.0
    return np.round(np.clip(h, 0.0, None), 1).astype(np.float32)


def noise_field(
    grid: Grid, sources: Sequence[tuple[Sequence[shapely.Geometry], float]]
) -> np.ndarray:
    """Road and rail noise Lden (dB): each source ``(lines, lden_at_10m)`` decays with distance.

    ``L(d) = L10 - 10 log10(d / 10) - 0.008 d`` (line source, cylindrical spreading plus ground and
    screening losses), summed energetically over sources with a 35 dB background; rounded to
    0.1 dB.

    Examples
    --------
    >>> g = Grid(0.0, 0.0, 25.0, 40, 40)
    >>> n = noise_field(g, [([shapely.LineString([(0, 500), (1000, 500)])], 77.0)])
    >>> bool(n.max() >= 65.0), bool(n.min() < 60.0)
    (True, True)
    """
    energy = np.full(grid.shape, 10 ** (35.0 / 10.0))
    for lines, l10 in sources:
        mask = grid.burn(list(lines), all_touched=True)
        if not mask.any():
            continue
        d = np.maximum(ndimage.distance_transform_edt(~mask) * grid.cell, 10.0)
        level = l10 - 10.0 * np.log10(d / 10.0) - 0.008 * d
        energy += 10 ** (level / 10.0)
    return np.round(10.0 * np.log10(energy), 1).astype(np.float32)
