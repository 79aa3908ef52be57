"""Where a radar writes its ring labels (Early ... Mature): beside the radial axis, drawn
halfway between two neighbouring axes and on the side where the labels are clearest of the
data lines. Plane geometry in units of the radar's radius; no plotly here."""

from __future__ import annotations

import math

RADAR_RANGE = (0.5, 4.0)  # the radial range: a little room inside Early, Mature at the rim
STEEP_SINE = 0.7  # the ring labels' axis is at least this steep (|sin| of its angle)


def _display_point(r: float, degrees: float) -> tuple[float, float]:
    """A radar point in units of the radar's radius (the radial range starts at its centre)."""
    rho = (r - RADAR_RANGE[0]) / (RADAR_RANGE[1] - RADAR_RANGE[0])
    return rho * math.cos(math.radians(degrees)), rho * math.sin(math.radians(degrees))


def _point_segment(p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    t = 0.0 if not length else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def _crosses(a, b, c, d) -> bool:
    def side(p, q, r) -> float:
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    return side(a, b, c) * side(a, b, d) < 0 and side(c, d, a) * side(c, d, b) < 0


def _segment_gap(first, second) -> float:
    """The distance between two segments (0 where they cross)."""
    (a, b), (c, d) = first, second
    if _crosses(a, b, c, d):
        return 0.0
    return min(
        _point_segment(a, c, d),
        _point_segment(b, c, d),
        _point_segment(c, a, b),
        _point_segment(d, a, b),
    )


RING_LABEL_HALF_WIDTH = 0.17  # half a ring label's width ("Developing"), in radar radii
RING_LABEL_CLEAR = 0.04  # a label this far (in radii) from every data line is clear of it


RING_LABEL_HALF_HEIGHT = 0.04  # half a ring label's height, in radar radii


def _label_strokes(
    angle: float, side: str, rings: list[int], widths: list[float]
) -> list[list[tuple[tuple[float, float], tuple[float, float]]]]:
    """Each ring label as the outline of a box as wide and tall as its text, beside its ring
    on the radial axis's `side` (clockwise or counterclockwise), where plotly writes it."""
    sign = 1 if side == "clockwise" else -1
    across = (sign * math.sin(math.radians(angle)), -sign * math.cos(math.radians(angle)))
    boxes = []
    for ring, half in zip(rings, widths, strict=True):
        x, y = _display_point(ring, angle)
        away = half * abs(across[0]) + RING_LABEL_HALF_HEIGHT * abs(across[1]) + 0.02
        x, y = x + across[0] * away, y + across[1] * away
        low, high = y - RING_LABEL_HALF_HEIGHT, y + RING_LABEL_HALF_HEIGHT
        left, right = x - half, x + half
        boxes.append(
            [
                ((left, low), (right, low)),
                ((left, high), (right, high)),
                ((left, low), (left, high)),
                ((right, low), (right, high)),
            ]
        )
    return boxes


GAP_COUNTED = 0.15  # a label farther than this from every line scores as this far


def _bounds(points) -> tuple[float, float, float, float]:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def _box_gap(box, segments, bounds) -> float:
    """The distance from a label's box to the nearest data line, where it is under
    `GAP_COUNTED` (otherwise `GAP_COUNTED`): segments whose bounding box is that far from the
    label's are not measured (no point of them can be nearer)."""
    x0, y0, x1, y1 = _bounds([point for edge in box for point in edge])
    gap = GAP_COUNTED
    for segment, (sx0, sy0, sx1, sy1) in zip(segments, bounds, strict=True):
        if math.hypot(max(0.0, sx0 - x1, x0 - sx1), max(0.0, sy0 - y1, y0 - sy1)) >= gap:
            continue
        gap = min(gap, min(_segment_gap(edge, segment) for edge in box))
    return gap


AXIS_NAME_RADIUS = 1.15  # where an axis's name sits, in radar radii from the centre
# the outermost ring label keeps this far (in radii) from every name: on a phone's radar (a
# radius of about 80 px) a label and a name are each about half a radius wide
AXIS_NAME_CLEAR = 0.6


def _clear_of_axis_names(box: list, count: int) -> bool:
    """True when the outermost ring label's box keeps clear of every axis name (taken as a
    point just outside the rim, at its axis), as it must on a small radar."""
    xs = [x for stroke in box for x, _ in stroke]
    ys = [y for stroke in box for _, y in stroke]
    for k in range(count):
        angle = math.radians(90 - k * 360 / count)
        ax, ay = AXIS_NAME_RADIUS * math.cos(angle), AXIS_NAME_RADIUS * math.sin(angle)
        dx = max(min(xs) - ax, 0.0, ax - max(xs))
        dy = max(min(ys) - ay, 0.0, ay - max(ys))
        if math.hypot(dx, dy) < AXIS_NAME_CLEAR:
            return False
    return True


def ring_labels(
    lines: list[list[float | None]], rings: list[int], names: list[str] | None = None
) -> tuple[float, str]:
    """(angle, side) of the radar's ring labels (Early ... Mature): the radial axis is drawn
    halfway between two neighbouring axes (clear of the axis names; angle in degrees,
    counter-clockwise from east, within -180..180) and its labels on one side of it, chosen so
    that as many labels as possible are clear of every data line drawn, then the farthest from
    them (the first such on a tie). Each label is taken as a box as wide as its
    text (`names`, about 10 characters when not given). Axes run clockwise from the top, one per
    value of each line."""
    count = max((len(line) for line in lines), default=0)
    if count < 3:
        return 90 - 180 / max(1, count), "clockwise"
    step = 360 / count
    segments = []
    for line in lines:
        for i in range(count):
            a, b = line[i], line[(i + 1) % count]
            if a is not None and b is not None:
                segments.append(
                    (_display_point(a, 90 - i * step), _display_point(b, 90 - (i + 1) * step))
                )
    labels = names or ["Developing"] * len(rings)
    widths = [RING_LABEL_HALF_WIDTH * len(name) / 10 for name in labels]
    bounds = [_bounds(s) for s in segments]
    angles = [90 - (k + 0.5) * step for k in range(count)]
    # labels are upright text stacked along the axis: on an axis within 45 degrees of the
    # vertical they sit one above another, never side by side on a small (phone) radar
    steep = [a for a in angles if abs(math.sin(math.radians(a))) >= STEEP_SINE]
    best, best_score = ((steep or angles)[0], "clockwise"), (False, -1, -1.0)
    for angle in steep or angles:
        for side in ("clockwise", "counterclockwise"):
            boxes = _label_strokes(angle, side, rings, widths)
            gaps = [_box_gap(box, segments, bounds) for box in boxes]
            names_clear = _clear_of_axis_names(boxes[-1], count) if boxes else True
            score = (names_clear, sum(g >= RING_LABEL_CLEAR for g in gaps), sum(gaps))
            if score > best_score:
                best, best_score = (angle, side), score
    angle, side = best
    return (angle + 180) % 360 - 180, side
