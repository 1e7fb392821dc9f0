"""A scan turned a little on the scanner: how much, and the page set upright.

The angle comes from the page's long horizontal ruling lines when it has a table (the slope of
their pixels), else from its text: the turn that makes the rows of ink sharpest. Neither RapidOCR
nor OpenCV does this; RapidOCR's angle classifier only tells upright lines from upside-down ones.
Reading works on a slightly turned page too, but cell crops of a turned page cut into the
neighbouring rules, and the crop a reviewer sees should be upright."""

from __future__ import annotations

import math

import cv2
import numpy as np

from .ink import Gray, ink_mask

MAX_ANGLE = 4.0  # degrees searched from the text; a page turned more than this was scanned carelessly
_RULE_SHARE = 4  # a horizontal rule is at least a quarter of the page wide
_MIN_TURN = 0.05  # degrees: less is left as it is (rotating blurs the image a little)


def skew_angle(gray: Gray) -> float:
    """Degrees the page is turned, counter-clockwise positive (as ``PIL.Image.rotate`` turns)."""
    ink = ink_mask(gray)
    from_rules = _angle_from_rules(ink)
    return from_rules if from_rules is not None else _angle_from_text(ink)


def upright(gray: Gray, angle: float) -> Gray:
    """The page turned back by ``angle``; the corners turned in are white."""
    if abs(angle) < _MIN_TURN:
        return gray
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), -angle, 1.0)
    return np.asarray(cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_CUBIC, borderValue=(255,)), dtype=np.uint8)


def _angle_from_rules(ink: Gray) -> float | None:
    w = ink.shape[1]
    rules = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(20, w // 25), 1)))
    # a turned rule is cut into steps by the opening: join the steps again
    rules = cv2.dilate(rules, cv2.getStructuringElement(cv2.MORPH_RECT, (15, 3)))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(rules)
    angles: list[float] = []
    weights: list[float] = []
    for i in range(1, n):
        x, y, cw, ch = (int(v) for v in stats[i][:4])
        if cw < w // _RULE_SHARE:
            continue
        ys, xs = np.nonzero((labels[y:y + ch, x:x + cw] == i) & (ink[y:y + ch, x:x + cw] > 0))
        if len(xs) < 2:
            continue
        slope = float(np.polyfit(xs.astype(np.float64), ys.astype(np.float64), 1)[0])
        angles.append(math.degrees(math.atan(slope)))
        weights.append(float(cw))
    if len(angles) < 2:
        return None
    # image rows grow downwards: a rule rising to the right (turned counter-clockwise) has a negative slope
    return -float(np.average(angles, weights=weights))


def _angle_from_text(ink: Gray) -> float:
    small = cv2.resize(ink, (ink.shape[1] // 2, ink.shape[0] // 2), interpolation=cv2.INTER_AREA)
    if not small.any():
        return 0.0
    centre = (small.shape[1] / 2, small.shape[0] / 2)
    size = (small.shape[1], small.shape[0])

    def sharpness(a: float) -> float:
        m = cv2.getRotationMatrix2D(centre, a, 1.0)
        rows = cv2.warpAffine(small, m, size, flags=cv2.INTER_NEAREST).sum(axis=1, dtype=np.float64)
        return float(np.sum(np.diff(rows) ** 2))

    best = 0.0
    for step, span in ((0.5, MAX_ANGLE), (0.1, 0.5), (0.02, 0.1)):
        candidates = np.arange(best - span, best + span + step / 2, step)
        best = float(max(candidates, key=sharpness))
    # the turn that straightens the rows undoes the page's own turn
    return -round(best, 2)
