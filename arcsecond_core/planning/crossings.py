"""When a sampled curve crosses a level: found on a grid, then refined by regula falsi.

Each row of ``values`` is one curve sampled at ``seconds``. The first crossing per row is
bracketed by two samples, interpolated linearly, then refined by evaluating the curve at the
estimate (one vectorised call for all rows) and interpolating again within the sub-bracket.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

#: ``evaluate(rows, seconds) -> values``: each row's curve at one time per row.
Evaluate = Callable[[np.ndarray, np.ndarray], np.ndarray]
REFINEMENTS = 2


def first_crossing(seconds: np.ndarray, values: np.ndarray, level: Any, rising: Any,
                   evaluate: Evaluate | None = None) -> np.ndarray:
    """Per row, the time (seconds) of the first crossing of ``level``, or NaN when there is none.

    ``level`` and ``rising`` are one value or one per row; ``rising`` picks upward crossings
    (below, then at or above), else downward ones.
    """
    values = np.atleast_2d(values)
    count = values.shape[0]
    levels = np.broadcast_to(np.asarray(level, dtype=float), (count,))
    upward = np.broadcast_to(np.asarray(rising, dtype=bool), (count,))
    low, high = values[:, :-1], values[:, 1:]
    lv, up = levels[:, None], upward[:, None]
    hits = np.where(up, (low < lv) & (high >= lv), (low >= lv) & (high < lv))
    found = hits.any(axis=1)
    index = hits.argmax(axis=1)
    result = np.full(values.shape[0], np.nan)
    rows = np.nonzero(found)[0]
    if rows.size == 0:
        return result
    i = index[rows]
    t0, t1 = seconds[i], seconds[i + 1]
    v0, v1 = values[rows, i], values[rows, i + 1]
    level, rising = levels[rows], upward[rows]
    estimate = _interpolate(t0, v0, t1, v1, level)
    if evaluate is not None:
        for _ in range(REFINEMENTS):
            ve = np.asarray(evaluate(rows, estimate), dtype=float)
            before = np.where(rising, ve < level, ve >= level)
            # the crossing is after the estimate when the curve is still on the starting side
            t0, v0 = np.where(before, estimate, t0), np.where(before, ve, v0)
            t1, v1 = np.where(before, t1, estimate), np.where(before, v1, ve)
            estimate = _interpolate(t0, v0, t1, v1, level)
    result[rows] = estimate
    return result


def _interpolate(t0: np.ndarray, v0: np.ndarray, t1: np.ndarray, v1: np.ndarray,
                 level: Any) -> np.ndarray:
    span = v1 - v0
    with np.errstate(divide="ignore", invalid="ignore"):
        fraction = np.where(span != 0, (level - v0) / span, 0.5)
    return t0 + np.clip(fraction, 0.0, 1.0) * (t1 - t0)


def cubic(seconds: np.ndarray, values: np.ndarray, when: np.ndarray) -> np.ndarray:
    """Row ``i`` of ``values`` (sampled at ``seconds``) at ``when[i]``: 4-point Lagrange."""
    count = seconds.size
    if count < 4:
        return np.array([np.interp(w, seconds, v) for v, w in zip(values, when, strict=True)])
    right = np.clip(np.searchsorted(seconds, when), 2, count - 2)
    index = right[:, None] + np.arange(-2, 2)[None, :]
    xs = seconds[index]
    ys = np.take_along_axis(values, index, axis=1)
    result = np.zeros(when.size)
    for j in range(4):
        term = ys[:, j].copy()
        for k in range(4):
            if k != j:
                term *= (when - xs[:, k]) / (xs[:, j] - xs[:, k])
        result += term
    return result
