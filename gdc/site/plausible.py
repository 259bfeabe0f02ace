"""Plausible ranges of site values, read from ``models/plausible-ranges.yaml``.

A value outside its range is bad input (:class:`~gdc.site.errors.InputError`, exit 2): no
direct-connection project has 80,000 MW of PV or a 110,000 kV connection, so such a value is
a unit slip or a typo, and checking it would only print a confident but meaningless verdict.
The table is data (dated, with a confidence letter and a reason per row), read once per
process; :func:`check_range` is the one place that applies it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from gdc.site.errors import InputError

FILE_NAME = "plausible-ranges.yaml"


@dataclass(frozen=True)
class Range:
    """One row of the table: ``min <= value <= max`` (``min < value`` when ``min_exclusive``)."""

    key: str
    field: str
    min: float
    max: float
    unit: str
    reason: str
    confidence: str
    date: str
    min_exclusive: bool = False
    high_hint: str | None = None
    low_hint: str | None = None
    hint_factor: float = 1000.0

    def contains(self, value: float) -> bool:
        """True when ``value`` is finite and within the range."""
        if not math.isfinite(value):
            return False
        low_ok = value > self.min if self.min_exclusive else value >= self.min
        return low_ok and value <= self.max

    def describe(self) -> str:
        """The range as text, e.g. ``0 to 10,000 MW``."""
        unit = f" {self.unit}" if self.unit else ""
        if self.min_exclusive:
            return f"above {self.min:,g} and at most {self.max:,g}{unit}"
        return f"{self.min:,g} to {self.max:,g}{unit}"


def _table_path() -> Path:
    from gdc.site.datafiles import models_path

    return models_path(FILE_NAME)


@lru_cache(maxsize=1)
def ranges() -> dict[str, Range]:
    """The table of plausible ranges, keyed by row name (read once per process)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml where installed: start-up speed
    data = yaml.load(_table_path().read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 - a safe loader
    out = {}
    for key, row in data["ranges"].items():
        out[key] = Range(
            key=key, field=str(row["field"]), min=float(row["min"]), max=float(row["max"]),
            unit=str(row.get("unit") or ""), reason=str(row["reason"]), confidence=str(row["confidence"]),
            date=str(row["date"]), min_exclusive=bool(row.get("min_exclusive", False)),
            high_hint=row.get("high_hint"), low_hint=row.get("low_hint"),
            hint_factor=float(row.get("hint_factor", 1000.0)),
        )
    return out


def fmt_number(value: float) -> str:
    """A number for a message: never 300 digits (``1e+308``), thousands separated otherwise."""
    if not math.isfinite(value):
        return str(value)
    if value != 0 and (abs(value) >= 1e9 or abs(value) < 1e-3):
        return f"{value:.3g}"
    return f"{value:,.6g}" if abs(value) >= 1000 else f"{value:g}"


def range_error(key: str, value: float, file: str | Path | None, field: str, what: str | None = None) -> InputError:
    """The :class:`InputError` for a value outside row ``key`` (with the unit hint where it applies)."""
    r = ranges()[key]
    unit = f" {r.unit}" if r.unit else ""
    shown = fmt_number(value)
    message = f"{what or 'value'} is {shown}{unit}, outside the plausible range {r.describe()}: {r.reason}"
    hint = None
    if value > r.max and r.high_hint and r.contains(value / r.hint_factor):
        hint = r.high_hint
    elif value < r.min and r.low_hint and r.contains(value * r.hint_factor):
        hint = r.low_hint
    fix = (f"{hint} " if hint else "") + (
        f"give a value of {r.describe()} (if a real project lies outside, widen the row "
        f"'{key}' of models/{FILE_NAME})")
    return InputError(message, file=file, field=field, fix=fix)


def check_range(key: str, value: float, file: str | Path | None, field: str, what: str | None = None) -> None:
    """Raise :func:`range_error` when ``value`` is outside row ``key`` of the table.

    Parameters
    ----------
    key : str
        Row of ``models/plausible-ranges.yaml``, e.g. ``pv_capacity_mw``.
    value : float
        In the row's unit.
    file, field : str
        Named in the message.
    what : str, optional
        What the value is, e.g. ``"load peak"`` (default ``"value"``).
    """
    if not ranges()[key].contains(float(value)):
        raise range_error(key, float(value), file, field, what)
