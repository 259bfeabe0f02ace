"""Synthetic hourly industrial load archetypes (China).

No public hourly industrial load data for Shandong or Ningxia exist; these archetypes
(confidence L/M: shapes from published sector descriptions, not metered data) stand in until a user brings a metered
8760 h load. All use Chinese public holidays and shifted working days: from
``chinesecalendar`` for the years it covers, from ``holidays`` after (offline; see
:mod:`gdc.profiles.calendar`).

=================  ==========================================================  ==========
archetype          shape                                                       load factor
=================  ==========================================================  ==========
``two-shift``      08:00-24:00 at 85-100 % of peak, 25-40 % at night, about     ~0.5
                   45 % on weekends and 30 % on public holidays; a Spring
                   Festival shutdown of 1-3 weeks (seeded) at about 12 %
``continuous``     flat process (electrolytic aluminium, polysilicon), +-1.5 %   0.93-0.96
                   noise
``data-centre``    flat IT load times a PUE of 1.2 + 0.01/K above 10 C (higher   ~0.85
                   in summer and in the afternoon)
``battery-cell``   near-flat with process steps per 8 h shift (80-100 %), a     ~0.85
                   5-day Spring Festival reduction to 60 %
``chemicals``      flat, +-2 %, one 10-14-day maintenance turnaround at 25 %     ~0.88
                   in spring or autumn (seeded)
``arc-steel``      electric-arc furnaces run in the valley hours (23:00-07:00     ~0.6
                   and the midday solar valley 11:00-14:00), little in the
                   peak hours; strongly cyclic hour to hour; 7 days at 40 %
                   at the Spring Festival
=================  ==========================================================  ==========
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from gdc.profiles.calendar import get_day_types, get_hourly_index, get_lunar_new_year
from gdc.profiles.synth import _ar1_filter
from gdc.site.errors import InputError

_STREAM_LOAD = 303

ARCHETYPES = ("two-shift", "continuous", "data-centre", "battery-cell", "chemicals",
              "arc-steel")

_ALIASES = {
    "two_shift": "two-shift", "twoshift": "two-shift", "manufacturing": "two-shift",
    "aluminium": "continuous", "aluminum": "continuous", "polysilicon": "continuous",
    "flat": "continuous", "data-center": "data-centre", "datacentre": "data-centre",
    "datacenter": "data-centre", "data_centre": "data-centre", "data_center": "data-centre",
    "battery": "battery-cell", "battery_cell": "battery-cell", "chemical": "chemicals",
    "eaf": "arc-steel", "arc_steel": "arc-steel", "steel": "arc-steel",
}


def resolve_archetype(archetype: str) -> str:
    """Canonical archetype name (accepts aliases such as ``aluminium``, ``eaf``).

    Parameters
    ----------
    archetype : str

    Returns
    -------
    str
        One of :data:`ARCHETYPES`.
    """
    key = str(archetype).strip().lower()
    key = _ALIASES.get(key, key)
    if key not in ARCHETYPES:
        raise InputError(f"unknown load archetype '{archetype}'", field="archetype",
                         fix=f"use one of {', '.join(ARCHETYPES)}")
    return key


def get_spring_festival_shutdown(year: int, days: int, before: int | None = None) -> tuple:
    """First and last day of a Spring Festival shutdown.

    Parameters
    ----------
    year : int
    days : int
        Length of the shutdown [d].
    before : int, optional
        Days of it before the lunar New Year's Day; default about a third.

    Returns
    -------
    (datetime.date, datetime.date)
        First and last day, inclusive.

    Examples
    --------
    The lunar New Year of 2026 is 17 February; a 15-day shutdown starts round(15 / 3) = 5
    days before it and ends 14 days after its first day:

    >>> get_spring_festival_shutdown(2026, 15)
    (datetime.date(2026, 2, 12), datetime.date(2026, 2, 26))
    """
    lny = get_lunar_new_year(year)
    before = round(days / 3) if before is None else before
    first = lny - dt.timedelta(days=before)
    return first, first + dt.timedelta(days=days - 1)


def _ar1(rng: np.random.Generator, n: int, phi: float) -> np.ndarray:
    e = rng.standard_normal(n)
    e[0] /= np.sqrt(1 - phi ** 2)
    return _ar1_filter(e, phi)


def synth_load(archetype: str, peak_mw: float, year: int, seed: int = 0) -> pd.Series:
    """Synthetic hourly load of an industrial archetype.

    Parameters
    ----------
    archetype : str
        One of :data:`ARCHETYPES` (or an alias: ``aluminium``, ``polysilicon``,
        ``data-center``, ``eaf`` ...).
    peak_mw : float [MW]
        The annual maximum of the returned series (exactly).
    year : int
    seed : int

    Returns
    -------
    Series [MW]
        ``load_mw`` on the hour-start index of ``year`` in Asia/Shanghai time.

    Examples
    --------
    >>> load = synth_load("steel", peak_mw=100.0, year=2026, seed=1)
    >>> len(load), load.name, float(load.max())   # 365 x 24 h; the peak is exact [MW]
    (8760, 'load_mw', 100.0)
    >>> str(load.index[0])
    '2026-01-01 00:00:00+08:00'
    """
    kind = resolve_archetype(archetype)
    if not 0.0 < float(peak_mw) < 1e5:
        raise InputError(f"peak {peak_mw} MW is outside (0, 100000)", field="peak_mw",
                         fix="give the annual peak load in MW")
    if not 1990 <= int(year) <= 2100:
        raise InputError(f"year {year} is outside 1990-2100", field="year",
                         fix="give a four-digit calendar year")
    rng = np.random.default_rng([int(seed), _STREAM_LOAD])
    idx = get_hourly_index(int(year))
    n = len(idx)
    hour = idx.hour.to_numpy()
    dates = idx.date
    days = get_day_types(int(year))
    workday = days["workday"].reindex(dates).to_numpy(bool)
    holiday = days["holiday"].reindex(dates).to_numpy(bool)
    day_codes, day_uniques = pd.factorize(pd.Index(dates))
    n_days = len(day_uniques)

    d64 = idx.tz_localize(None).normalize().to_numpy().astype("datetime64[D]")

    def in_window(first: dt.date, last: dt.date) -> np.ndarray:
        return (d64 >= np.datetime64(first)) & (d64 <= np.datetime64(last))

    if kind == "two-shift":
        day_level = rng.uniform(0.88, 1.0, n_days)[day_codes]
        night_level = rng.uniform(0.25, 0.40, n_days)[day_codes]
        shape = np.where((hour >= 8), day_level, night_level)
        shape = np.where(hour == 7, 0.5 * (day_level + night_level), shape)
        shape = np.where(hour == 12, 0.92 * shape, shape)  # lunch break
        shape = shape * (1 + 0.02 * _ar1(rng, n, 0.7))
        off = ~workday
        shape = np.where(off & ~holiday, np.minimum(shape, 0.45 + 0.05 * rng.random(n)), shape)
        shape = np.where(holiday, np.minimum(shape, 0.30 + 0.03 * rng.random(n)), shape)
        length = int(rng.integers(7, 22))
        first, last = get_spring_festival_shutdown(int(year), length)
        sf = in_window(first, last)
        shape = np.where(sf, 0.12 * (1 + 0.05 * rng.standard_normal(n)), shape)
        ramp = in_window(first - dt.timedelta(days=1), first - dt.timedelta(days=1)) | \
            in_window(last + dt.timedelta(days=1), last + dt.timedelta(days=1))
        shape = np.where(ramp, 0.5 * shape, shape)
    elif kind == "continuous":
        shape = 0.95 * (1 + 0.015 * _ar1(rng, n, 0.9))
    elif kind == "data-centre":
        from gdc.profiles.resources import get_region
        from gdc.profiles.synth import synth_temperature

        reg = get_region(None)["pv"]
        temp = synth_temperature(idx, reg["temp_air_monthly_c"],
                                 reg["temp_air_diurnal_amplitude_c"],
                                 daily_anomaly=2.5 * _ar1(rng, n, 0.97)).to_numpy()
        it = 0.8 * (1 + 0.03 * np.cos(2 * np.pi * (hour - 15) / 24)) * \
            (1 + 0.01 * _ar1(rng, n, 0.8))
        pue = 1.2 + 0.01 * np.maximum(temp - 10.0, 0.0)
        shape = it * pue
    elif kind == "battery-cell":
        shift = (np.arange(n) // 8)
        steps = rng.uniform(0.80, 1.0, shift.max() + 1)[shift]
        shape = steps * (1 + 0.02 * _ar1(rng, n, 0.6))
        first, last = get_spring_festival_shutdown(int(year), 5, before=1)
        shape = np.where(in_window(first, last), 0.6 * shape, shape)
    elif kind == "chemicals":
        shape = 0.92 * (1 + 0.02 * _ar1(rng, n, 0.9))
        length = int(rng.integers(10, 15))
        start_month = int(rng.choice([4, 5, 9, 10]))
        first = dt.date(int(year), start_month, int(rng.integers(1, 15)))
        shape = np.where(in_window(first, first + dt.timedelta(days=length - 1)),
                         0.25 * (1 + 0.05 * rng.standard_normal(n)), shape)
    else:  # arc-steel
        level = np.full(n, 0.25)                       # peak hours: rolling mill, auxiliaries
        level[(hour >= 23) | (hour < 7)] = 0.95        # night valley
        level[(hour >= 11) & (hour < 14)] = 0.80       # midday solar valley
        level[(hour == 7) | (hour == 14)] = 0.55       # shoulders
        heats = rng.uniform(0.55, 1.0, n)              # furnace cycles within each hour
        shape = np.where(level > 0.3, level * heats, level * rng.uniform(0.8, 1.2, n))
        first, last = get_spring_festival_shutdown(int(year), 7, before=1)
        shape = np.where(in_window(first, last), 0.4 * shape, shape)

    shape = np.clip(shape, 0.01, None)
    mw = shape / shape.max() * float(peak_mw)
    out = pd.Series(mw, index=idx, name="load_mw")
    out.index.name = "timestamp"
    return out
