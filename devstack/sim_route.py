"""Where a simulated ambulance is, second by second: a street-grid path between two points and a
speed profile along it. Pure geometry: no clock, no I/O; randomness only from the given `rng`."""

from __future__ import annotations

import math
import random
from itertools import pairwise
from typing import NamedTuple

from chalicelib.core.geo import EARTH_RADIUS_M

RAMP_S = 5.0  # standstill to cruise (and back): scaling with the cruise speed lets a test drive fast
CORNER_SHARE = 0.35  # speed through a turn, as a share of the cruise speed
CRAWL_MS = 0.5  # floor while moving, so the braking curve reaches the kerb in finite time
SUBSTEPS = 10  # integration steps per tick: a smooth profile sampled once a tick
STRAIGHT_M = 60.0  # shorter trips go straight: no block to drive round
JITTER_M = 3.0  # corners are not surveyed points


class Point(NamedTuple):
    lat: float
    lon: float


class Fix(NamedTuple):
    lat: float
    lon: float
    speed_kmh: float
    heading_deg: float  # [0, 360), clockwise from north


class _Plane:
    """Equirectangular metres east/north of an origin: exact enough over a county for 1 Hz fixes."""

    def __init__(self, origin: Point) -> None:
        self.origin = origin
        self.m_lat = math.radians(1.0) * EARTH_RADIUS_M
        self.m_lon = self.m_lat * math.cos(math.radians(origin.lat))

    def xy(self, p: Point) -> tuple[float, float]:
        return (p.lon - self.origin.lon) * self.m_lon, (p.lat - self.origin.lat) * self.m_lat

    def point(self, x: float, y: float) -> Point:
        return Point(self.origin.lat + y / self.m_lat, self.origin.lon + x / self.m_lon)


def heading(dx: float, dy: float) -> float:
    h = math.degrees(math.atan2(dx, dy)) % 360.0
    return 0.0 if h >= 360.0 else h  # -1e-15 % 360 is 360.0


def street_path(origin: Point, dest: Point, rng: random.Random) -> list[Point]:
    """A staircase along a street grid at a random bearing: one or two dog-legs, corners jittered."""
    plane = _Plane(origin)
    dx, dy = plane.xy(dest)
    if math.hypot(dx, dy) < STRAIGHT_M:
        return [origin, dest]
    theta = math.radians(rng.uniform(-30.0, 30.0))
    c, s = math.cos(theta), math.sin(theta)
    u, v = dx * c + dy * s, -dx * s + dy * c  # the destination in grid axes
    splits = [rng.uniform(0.2, 0.8), 1.0] if rng.random() < 0.5 else [1.0]  # one dog-leg or two
    corners: list[tuple[float, float]] = []
    along_first = rng.random() < 0.5
    prev = 0.0
    for f in splits:
        a, b = (f * u, prev * v) if along_first else (prev * u, f * v)
        corners += [(a, b), (f * u, f * v)]
        prev = f
    corners.pop()  # the last corner is the destination itself
    points = [origin]
    for a, b in corners:
        a, b = a + rng.gauss(0.0, JITTER_M), b + rng.gauss(0.0, JITTER_M)
        points.append(plane.point(a * c - b * s, a * s + b * c))
    return [*points, dest]


def drive(path: list[Point], cruise_kmh: float, tick_s: float = 1.0) -> list[Fix]:
    """One fix per tick from the first point (standing) to the last (stopped), never faster than
    `cruise_kmh`, slowing for each turn and braking to a stop at the end."""
    plane = _Plane(path[0])
    pts = [plane.xy(p) for p in path]
    pts = [p for i, p in enumerate(pts) if i == 0 or math.dist(p, pts[i - 1]) > 1e-6]
    if len(pts) < 2:  # already there (to within a micrometre): stand, and end exactly at the destination
        start, end = Fix(path[0].lat, path[0].lon, 0.0, 0.0), Fix(path[-1].lat, path[-1].lon, 0.0, 0.0)
        return [start] if start == end else [start, end]
    ends = [0.0]
    for a, b in pairwise(pts):
        ends.append(ends[-1] + math.dist(a, b))
    total, v_max = ends[-1], cruise_kmh / 3.6
    accel, v_turn, h = v_max / RAMP_S, CORNER_SHARE * v_max, tick_s / SUBSTEPS

    def limit(s: float, seg: int) -> float:
        room = min(v_max, math.sqrt(2 * accel * (total - s)))
        if seg + 1 < len(ends) - 1:  # a turn ahead
            room = min(room, math.sqrt(v_turn**2 + 2 * accel * (ends[seg + 1] - s)))
        return room

    fixes = [Fix(path[0].lat, path[0].lon, 0.0, heading(*_delta(pts, 0)))]
    s, v, seg = 0.0, 0.0, 0
    while s < total:
        for _ in range(SUBSTEPS):
            v = min(v_max, max(CRAWL_MS, min(v + accel * h, limit(s, seg))))
            s = min(total, s + v * h)
            while seg < len(ends) - 2 and s >= ends[seg + 1]:
                seg += 1
            if s >= total:
                break
        fixes.append(_fix(plane, pts, ends, seg, s, 0.0 if s >= total else v * 3.6))
    return [*fixes[:-1], fixes[-1]._replace(lat=path[-1].lat, lon=path[-1].lon)]


def plan(origin: Point, dest: Point, cruise_kmh: float, rng: random.Random, tick_s: float = 1.0) -> list[Fix]:
    return drive(street_path(origin, dest, rng), cruise_kmh, tick_s)


def _delta(pts: list[tuple[float, float]], seg: int) -> tuple[float, float]:
    (x0, y0), (x1, y1) = pts[seg], pts[seg + 1]
    return x1 - x0, y1 - y0


def _fix(plane: _Plane, pts: list[tuple[float, float]], ends: list[float], seg: int, s: float, kmh: float) -> Fix:
    dx, dy = _delta(pts, seg)
    t = (s - ends[seg]) / (ends[seg + 1] - ends[seg])
    p = plane.point(pts[seg][0] + t * dx, pts[seg][1] + t * dy)
    return Fix(p.lat, p.lon, kmh, heading(dx, dy))
