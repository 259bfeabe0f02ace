"""Hourly profiles of a site: load [MW], per-unit source output, weights, export mask.

:func:`get_profiles` reads every time series a :class:`~gdc.site.Site` names, checks
them (length, NaN, sign, units, per-unit range) and returns one :class:`Profiles`.
CSV files are read once per process and cached by path and modification time, so a
batch of sites sharing profiles reads each file once.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from gdc.errors import InputError
from gdc.site import SeriesRef, Site

#: A per-unit profile above this is not per-unit (e.g. MW or kW by mistake). Real profiles
#: exceed 1 slightly (PV above STC on cold clear days: the v3 tool's pvPu reaches 1.039).
PU_MAX = 1.2
#: A load above this [MW] is larger than any single direct-connection user: probably kW.
LOAD_MW_SUSPICIOUS = 5000.0
#: Full-year lengths [h].
YEAR_LENGTHS = (8760, 8784)


@dataclass(frozen=True)
class Profiles:
    """Hourly inputs of one site, aligned row by row.

    Attributes
    ----------
    load_mw : ndarray [MW]
    pu : dict of str to ndarray [MW/MW]
        Per-unit output of each source, keyed by source name.
    weights : ndarray [h]
        Hours of the year each row stands for.
    period_hours : int [h]
        Storage cycle: the whole horizon for a year, 24 for representative days.
    export_forbidden : ndarray of bool
    hour_of_day, month : ndarray of int
    index : DatetimeIndex or None
        Local China time of each row's start, for a full year.
    """

    load_mw: np.ndarray
    pu: dict[str, np.ndarray]
    weights: np.ndarray
    period_hours: int
    export_forbidden: np.ndarray
    hour_of_day: np.ndarray
    month: np.ndarray | None
    index: pd.DatetimeIndex | None

    @property
    def hours(self) -> int:
        return len(self.load_mw)

    @property
    def is_full_year(self) -> bool:
        return self.period_hours == self.hours and self.hours in YEAR_LENGTHS


@lru_cache(maxsize=256)
def _read_csv_cached(path: str, mtime_ns: int) -> pd.DataFrame:
    return pd.read_csv(path, comment="#", skipinitialspace=True)


def read_table(path: Path, field: str) -> pd.DataFrame:
    """Read a CSV file (``#`` comment lines skipped), cached by path and modification time."""
    if not path.is_file():
        raise InputError("file not found", file=path, field=field,
                         fix="check the path; paths are relative to the site file")
    try:
        return _read_csv_cached(str(path.resolve()), path.stat().st_mtime_ns)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"cannot read as CSV: {exc}", file=path, field=field,
                         fix="save the sheet as CSV (UTF-8, comma-separated)") from exc


def read_column(site: Site, ref: SeriesRef, field: str) -> tuple[np.ndarray, pd.DataFrame, Path]:
    """One numeric column of a CSV named in the site file, checked for NaN and text."""
    path = site.resolve(ref.file)
    df = read_table(path, f"{field}.file")
    if ref.column not in df.columns:
        close = difflib.get_close_matches(ref.column, [str(c) for c in df.columns], n=1)
        raise InputError(
            f"no column '{ref.column}' in the CSV", file=path, field=f"{field}.column",
            fix=(f"did you mean '{close[0]}'? " if close else "")
            + f"columns are: {', '.join(map(str, df.columns))}",
        )
    col = pd.to_numeric(df[ref.column], errors="coerce")
    bad = col.isna().to_numpy()
    if bad.any():
        rows = np.flatnonzero(bad)
        shown = ", ".join(str(r + 2) for r in rows[:5]) + (" ..." if len(rows) > 5 else "")
        raise InputError(
            f"column '{ref.column}' has {len(rows)} empty or non-numeric value(s) (CSV line {shown})",
            file=path, field=f"{field}.column", fix="fill the gaps (e.g. interpolate) before checking",
        )
    return col.to_numpy(dtype=float), df, path


def _check_length(n: int, expected: int | None, path: Path, field: str, days: bool) -> None:
    if expected is not None and n != expected:
        raise InputError(
            f"{n} rows, but the load has {expected}", file=path, field=field,
            fix="every series of a site must cover the same hours",
        )
    if days:
        if n % 24:
            raise InputError(f"{n} rows is not a whole number of days", file=path, field=field,
                             fix="representative days need 24 rows each")
    elif n not in YEAR_LENGTHS:
        hint = "a row is missing" if n in (8759, 8783) else "a row too many" if n in (8761, 8785) else ""
        raise InputError(
            f"{n} rows: a full year needs 8760 (or 8784 in a leap year)" + (f" ({hint})" if hint else ""),
            file=path, field=field,
            fix="give one row per hour of the year, or declare representative days with 'days:' in the site",
        )


def _time_index(df: pd.DataFrame, n: int, year: int) -> pd.DatetimeIndex:
    for name in ("timestamp", "time", "datetime", "date"):
        if name in df.columns:
            try:
                idx = pd.DatetimeIndex(pd.to_datetime(df[name]))
            except (ValueError, TypeError):
                break
            if idx.tz is not None:
                idx = idx.tz_convert("Asia/Shanghai").tz_localize(None)
            return idx
    return pd.date_range(f"{year}-01-01", periods=n, freq="h")


def get_profiles(site: Site) -> Profiles:
    """Read and check every hourly series a site names.

    Parameters
    ----------
    site : Site

    Returns
    -------
    Profiles

    Raises
    ------
    InputError
        Missing file or column, wrong length, NaN, negative load, per-unit values that
        are not per-unit, a load in kW declared as MW.
    """
    days = site.days is not None
    load, load_df, load_path = read_column(site, site.load, "load")
    n = len(load)
    _check_length(n, None, load_path, "load", days)
    if (load < 0).any():
        t = int(np.flatnonzero(load < 0)[0])
        raise InputError(
            f"negative load ({load[t]:g} at CSV line {t + 2})", file=load_path, field="load.column",
            fix="the load is consumption only; put on-site generation under 'sources'",
        )
    if site.load.unit == "kW":
        load = load / 1000.0
    elif load.max() > LOAD_MW_SUSPICIOUS:
        raise InputError(
            f"load peaks at {load.max():,.0f} MW, larger than any single user: is the column in kW?",
            file=load_path, field="load.unit", fix="set 'unit: kW' under 'load' if the column is in kW",
        )
    load = load * site.load.scale

    pu: dict[str, np.ndarray] = {}
    for i, src in enumerate(site.sources):
        field = f"sources[{i}].profile"
        if src.profile is None and src.weather is None and src.synth is None:
            if site.meters is not None:
                continue  # an operating project's meters replace the profiles
            raise InputError(f"source '{src.name}' has no profile", file=site.path, field=field,
                             fix="give 'profile: {file: ..., column: ...}' with per-unit output, "
                             "or 'weather:' or 'synth:' to compute one")
        if src.profile is None:
            if days:
                raise InputError("computed profiles need a full-year load, not representative days",
                                 file=site.path, field=f"sources[{i}]", fix="give a CSV profile per day instead")
            from gdc.computed_profiles import compute_profile

            pu[src.name] = compute_profile(site, src, i, n)
            continue
        values, _, path = read_column(site, src.profile, field)
        _check_length(len(values), n, path, field, days)
        if (values < -1e-9).any():
            raise InputError(f"negative per-unit output in column '{src.profile.column}'", file=path,
                             field=f"{field}.column", fix="per-unit output is in [0, 1]")
        if values.max() > PU_MAX:
            raise InputError(
                f"column '{src.profile.column}' peaks at {values.max():g}: not per-unit "
                f"(MW per MW installed)", file=path, field=f"{field}.column",
                fix="divide the output by the installed capacity, or point at the per-unit column",
            )
        pu[src.name] = np.clip(values, 0.0, None)

    if days:
        nd = n // 24
        w = site.days.weights
        if w is None:
            day_w = np.full(nd, 365.0 / nd)
        elif isinstance(w, SeriesRef):
            day_w, _, wpath = read_column(site, w, "days.weights")
            if len(day_w) != nd:
                raise InputError(f"{len(day_w)} weights for {nd} days", file=wpath, field="days.weights",
                                 fix="one weight (days in the year) per representative day")
        else:
            day_w = np.asarray(w, dtype=float)
            if len(day_w) != nd:
                raise InputError(f"{len(day_w)} weights for {nd} days", file=site.path,
                                 field="days.weights", fix="one weight (days in the year) per representative day")
        weights = np.repeat(day_w, 24)
        period = 24
        index = None
        hour_of_day = np.tile(np.arange(24), nd)
        month = None
    else:
        weights = np.ones(n)
        period = n
        index = _time_index(load_df, n, site.year)
        hour_of_day = index.hour.to_numpy()
        month = index.month.to_numpy()

    forbidden = np.zeros(n, dtype=bool)
    ef = site.export_forbidden
    if ef is not None:
        if ef.hours_of_day:
            mask = np.isin(hour_of_day, ef.hours_of_day)
            if ef.months:
                if month is None:
                    raise InputError("months need a full year of hourly data", file=site.path,
                                     field="export_forbidden.months",
                                     fix="with representative days give a file/column mask instead")
                mask &= np.isin(month, ef.months)
            forbidden |= mask
        if ef.file is not None:
            values, _, path = read_column(site, SeriesRef(file=ef.file, column=ef.column),
                                          "export_forbidden")
            _check_length(len(values), n, path, "export_forbidden", days)
            forbidden |= values > 0.5

    return Profiles(load_mw=load, pu=pu, weights=weights, period_hours=period,
                    export_forbidden=forbidden, hour_of_day=hour_of_day, month=month, index=index)
