"""Hourly profiles of a site: load [MW], per-unit source output, weights, export mask.

:func:`get_profiles` reads every time series a :class:`~gdc.site.schema.Site` names, checks
them (length, NaN, sign, units, per-unit range) and returns one :class:`Profiles`.
CSV files are read once per process and cached by path and modification time, so a
batch of sites sharing profiles reads each file once.
"""

from __future__ import annotations

import calendar
import dataclasses
import difflib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from gdc.site.errors import InputError
from gdc.site.plausible import check_range, range_error, ranges
from gdc.site.schema import Load, SeriesRef, Site, check_day_weights

if TYPE_CHECKING:
    from gdc.profiles.life import LifeYear

#: A per-unit profile above this is not per-unit (e.g. MW or kW by mistake). Real profiles
#: exceed 1 slightly (PV above STC on cold clear days: the v3 tool's pvPu reaches 1.039).
PU_MAX = 1.2
#: Full-year lengths [h].
YEAR_LENGTHS = (8760, 8784)
#: Column names read as the hour-start timestamps of a full-year CSV, in order of preference.
TIME_COLUMNS = ("timestamp", "time", "datetime", "date")


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
        Local China time of each row's start, for a full year: the data year's hours
        (see :func:`data_year`), not necessarily the evaluation year's.
    user_loads_mw : dict of str to ndarray [MW]
        Each user's load, keyed by user name in the site's order, for a site that lists
        ``users:``; empty otherwise. ``load_mw`` is then their sum (the project total).
    life : LifeYear or None
        The year of the project's life these profiles are (:func:`gdc.profiles.life.year_profiles`):
        the PV and wind per-unit output and the load already carry its factors, and its
        ``storage_energy`` scales the usable storage energy in the dispatch and the LP. None for
        profiles read as they are (:func:`read_profiles`).
    """

    load_mw: np.ndarray
    pu: dict[str, np.ndarray]
    weights: np.ndarray
    period_hours: int
    export_forbidden: np.ndarray
    hour_of_day: np.ndarray
    month: np.ndarray | None
    index: pd.DatetimeIndex | None
    user_loads_mw: dict[str, np.ndarray] = dataclasses.field(default_factory=dict)
    life: LifeYear | None = None

    @property
    def users(self) -> list[str]:
        """The users' names, in the site's order (empty for a site with one ``load:``)."""
        return list(self.user_loads_mw)

    @property
    def hours(self) -> int:
        return len(self.load_mw)

    @property
    def is_full_year(self) -> bool:
        return self.period_hours == self.hours and self.hours in YEAR_LENGTHS


def _physical_lines(text: str) -> np.ndarray:
    """The 1-based line number in the file of each data row (after the header).

    Blank lines and ``#`` comment lines are skipped by the CSV reader but count here, so a
    message names the line an editor shows.
    """
    lines = [i for i, line in enumerate(text.split("\n"), start=1)
             if line.strip() and not line.lstrip().startswith("#")]
    return np.asarray(lines[1:], dtype=int)


@lru_cache(maxsize=256)
def _read_csv_cached(path: str, mtime_ns: int) -> tuple[pd.DataFrame, np.ndarray | None]:
    import io

    text = Path(path).read_bytes().decode("utf-8-sig")
    df = pd.read_csv(io.StringIO(text), comment="#", skipinitialspace=True)
    lines = _physical_lines(text)
    return df, (lines if len(lines) == len(df) else None)


def _check_readable(path: Path, field: str) -> None:
    if path.is_dir():
        raise InputError("is a directory, not a CSV file", file=path, field=field,
                         fix="name the CSV file itself; paths are relative to the site file")
    if not path.is_file():
        raise InputError("file not found", file=path, field=field,
                         fix="check the path; paths are relative to the site file")


def _read(path: Path, field: str) -> tuple[pd.DataFrame, np.ndarray | None]:
    _check_readable(path, field)
    try:
        return _read_csv_cached(str(path.resolve()), path.stat().st_mtime_ns)
    except UnicodeDecodeError as exc:
        raise InputError("not UTF-8 text: a binary file or another encoding", file=path, field=field,
                         fix="save the sheet as CSV (UTF-8, comma-separated)") from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"cannot read as CSV: {exc}", file=path, field=field,
                         fix="save the sheet as CSV (UTF-8, comma-separated)") from exc


def read_table(path: Path, field: str) -> pd.DataFrame:
    """Read a CSV file (``#`` comment lines skipped), cached by path and modification time."""
    return _read(path, field)[0]


def csv_line(path: Path, row: int) -> int:
    """The line of the file (1-based, counting the header, comment and blank lines) of data row ``row``."""
    _, lines = _read(path, "")
    return int(lines[row]) if lines is not None and 0 <= row < len(lines) else row + 2


def _lines_text(path: Path, rows: np.ndarray) -> str:
    shown = ", ".join(str(csv_line(path, int(r))) for r in rows[:5])
    return shown + (" ..." if len(rows) > 5 else "")


def read_column(site: Site, ref: SeriesRef, field: str) -> tuple[np.ndarray, pd.DataFrame, Path]:
    """One numeric column of a CSV named in the site file, checked for NaN, infinities and text."""
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
        raise InputError(
            f"column '{ref.column}' has {len(rows)} empty or non-numeric value(s) (CSV line "
            f"{_lines_text(path, rows)})",
            file=path, field=f"{field}.column", fix="fill the gaps (e.g. interpolate) before checking",
        )
    values = col.to_numpy(dtype=float)
    infinite = ~np.isfinite(values)
    if infinite.any():
        rows = np.flatnonzero(infinite)
        raise InputError(
            f"column '{ref.column}' has {len(rows)} infinite value(s) (CSV line {_lines_text(path, rows)})",
            file=path, field=f"{field}.column", fix="give finite numbers (inf is not a measurement)",
        )
    return values, df, path


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


def _hours_in(year: int) -> int:
    return 8784 if calendar.isleap(year) else 8760


def _timestamps(df: pd.DataFrame, path: Path, field: str) -> tuple[str, pd.DatetimeIndex] | None:
    """The hour-start timestamps of a CSV (local China time, naive), or None without a time column.

    A ``date`` column holding days only (every time 00:00) is not an hourly axis.
    """
    for name in TIME_COLUMNS:
        if name not in df.columns:
            continue
        try:
            idx = pd.DatetimeIndex(pd.to_datetime(df[name], format="mixed"))
        except (ValueError, TypeError) as exc:
            if name == "date":
                return None
            raise InputError(f"column '{name}' holds values that are not dates and times ({exc})", file=path,
                             field=f"{field}.file", fix="give hour-start times such as 2026-01-01 00:00, "
                             "or rename the column if it is not a time axis") from exc
        if idx.tz is not None:
            idx = idx.tz_convert("Asia/Shanghai").tz_localize(None)
        if name == "date" and (idx.normalize() == idx).all():
            return None
        if idx.isna().any():
            row = int(np.flatnonzero(idx.isna())[0])
            raise InputError(f"column '{name}' has an empty time (CSV line {csv_line(path, row)})", file=path,
                             field=f"{field}.file", fix="give one hour-start time per row")
        return name, idx
    return None


def data_year(site: Site) -> int:
    """The calendar year a site's full-year series describe when no timestamp column says it.

    The start year (default: the evaluation year). ``gdc check --year Y`` and
    :func:`gdc.site.read.with_year` keep the start year, so a later evaluation year reuses the
    data year's hours row by row.
    """
    return site.effective_start_year


def last_series_year(site: Site) -> int:
    """The latest year a full-year series with timestamps may be of: the life's last year (or the
    evaluation year when later) [calendar year]."""
    from gdc.site.read import life_span_of

    start, years = life_span_of(site)
    return max(site.year, start + years - 1)


def check_time_axis(site: Site, df: pd.DataFrame, path: Path, field: str, n: int) -> pd.DatetimeIndex:
    """The hour-start times of a full-year CSV, checked against the site's years.

    The rule (also in :class:`~gdc.site.schema.Site` and README "Bad input"): a full-year series
    describes one calendar year, its data year Y. With a timestamp column, Y is the
    timestamps' year: they must be hour-start times from Y-01-01 00:00, one hour apart, in
    order, without duplicates, covering Y's hours (8784 in a leap year, else 8760), and
    ``start_year <= Y <= `` the life's last year (:func:`last_series_year`: every year of the life
    reuses these hours, so ``gdc check --years all`` also evaluates the years before ``Y``). Without one, Y is :func:`data_year` and the rows must be its
    hours. A later evaluation year reuses these hours whatever its own length.

    Returns
    -------
    DatetimeIndex
        Local China time of each row's start.

    Raises
    ------
    InputError
        Naming the file, the column, the CSV line and the fix.
    """
    found = _timestamps(df, path, field)
    lo, hi = site.effective_start_year, site.year
    if found is None:
        y = data_year(site)
        if n != _hours_in(y):
            leap = calendar.isleap(y)
            raise InputError(
                f"{n} rows, but the data year {y} (the start year{'' if site.start_year else ' = year'}) "
                f"{'is a leap year with 8784' if leap else 'has 8760'} hours", file=path, field=f"{field}.file",
                fix=f"give {_hours_in(y)} rows, or add a 'timestamp' column (hour-start, local time) of the "
                "year the data were measured in")
        return pd.date_range(f"{y}-01-01", periods=n, freq="h")
    name, idx = found
    values = idx.as_unit("ns").asi8
    step = np.diff(values)
    hour = pd.Timedelta("1h").value
    dup = np.flatnonzero(step == 0)
    if len(dup):
        r = int(dup[0]) + 1
        raise InputError(
            f"duplicate timestamp {idx[r]:%Y-%m-%d %H:%M} in column '{name}' (CSV lines {csv_line(path, r - 1)} "
            f"and {csv_line(path, r)})", file=path, field=f"{field}.file",
            fix="give each hour once (a clock change or a copied row?)")
    back = np.flatnonzero(step < 0)
    if len(back):
        r = int(back[0]) + 1
        raise InputError(
            f"timestamps out of order in column '{name}': {idx[r]:%Y-%m-%d %H:%M} (CSV line {csv_line(path, r)}) "
            f"comes after {idx[r - 1]:%Y-%m-%d %H:%M} (line {csv_line(path, r - 1)})", file=path,
            field=f"{field}.file", fix="sort the rows by time")
    gap = np.flatnonzero(step != hour)
    if len(gap):
        r = int(gap[0]) + 1
        raise InputError(
            f"timestamps not one hour apart in column '{name}': {idx[r - 1]:%Y-%m-%d %H:%M} (CSV line "
            f"{csv_line(path, r - 1)}) then {idx[r]:%Y-%m-%d %H:%M} (line {csv_line(path, r)})", file=path,
            field=f"{field}.file", fix="give one row per hour of the year, hour-start times")
    first = idx[0]
    y = first.year
    if (first.month, first.day, first.hour, first.minute) != (1, 1, 0, 0):
        raise InputError(
            f"the first timestamp is {first:%Y-%m-%d %H:%M} (CSV line {csv_line(path, 0)}), not the start of a "
            f"year", file=path, field=f"{field}.file",
            fix="a full year starts at YYYY-01-01 00:00 (hour-start times; hour-ending data: shift by one hour)")
    if n != _hours_in(y):
        raise InputError(
            f"{n} rows of {y} timestamps: {y} {'is a leap year with 8784' if calendar.isleap(y) else 'has 8760'} "
            f"hours (column '{name}')", file=path, field=f"{field}.file",
            fix=f"give the {_hours_in(y)} hours of {y}" + (" (29 February included)" if calendar.isleap(y) else ""))
    if y > hi:  # a later year of the life is the data year too (each year of the life reuses these hours)
        hi = last_series_year(site)
    if not lo <= y <= hi:
        span = f"{lo}" if lo == hi else f"{lo} to {hi}"
        raise InputError(
            f"the timestamps are of {y}, but the site's series describe {span} (start_year to the life's last "
            "year)", file=path,
            field=f"{field}.file",
            fix=f"use data of {span}, or set the site's year / start_year to the data year, or drop the "
            f"'{name}' column to reuse the rows as the hours of {data_year(site)}")
    return idx


def check_range_ok(key: str, value: float) -> bool:
    """True when ``value`` lies in row ``key`` of the plausible ranges."""
    return ranges()[key].contains(value)


def _read_load(site: Site, ref: Load, field: str, expected: int | None,
               days: bool) -> tuple[np.ndarray, pd.DataFrame, Path]:
    """One load column [MW]: read, length-checked, non-negative, unit-converted and scaled.

    ``field`` is the site field (``load`` or ``users[i].load``); ``expected`` the rows of the
    first load read (every user's load covers the same hours), None for the first.
    """
    load, df, path = read_column(site, ref, field)
    _check_length(len(load), expected, path, field, days)
    if (load < 0).any():
        t = int(np.flatnonzero(load < 0)[0])
        raise InputError(
            f"negative load ({load[t]:g} at CSV line {csv_line(path, t)})", file=path,
            field=f"{field}.column", fix="the load is consumption only; put on-site generation under 'sources'",
        )
    if ref.unit == "kW":
        load = load / 1000.0
    load = load * ref.scale
    peak = float(load.max(initial=0.0))
    if ref.unit == "MW":
        check_range("load_peak_mw", peak, path, f"{field}.unit", "load peak")
    elif not check_range_ok("load_peak_mw", peak):
        err = range_error("load_peak_mw", peak, path, f"{field}.column", "load peak (after kW -> MW)")
        err.fix = f"check the column's unit and 'scale' under '{field}'; " + (err.fix or "").split("? ", 1)[-1]
        raise err
    return load, df, path


def get_profiles(site: Site) -> Profiles:
    """The site's hourly profiles in its evaluation year: year ``site.year`` of the project's life.

    :func:`gdc.profiles.life.year_profiles` of the site's own year and its own profiles: the series
    as read (:func:`read_profiles`) with the PV and wind output x the year's degradation factors,
    the load x the year's load factor, and ``Profiles.life`` set (its storage-energy factor is
    applied by the dispatch and the LP). In the start year every factor is 1.

    Raises
    ------
    InputError
        As :func:`read_profiles`, and for a year outside the project's life.
    """
    from gdc.profiles.life import year_profiles

    return year_profiles(site, site.year, None)


def read_profiles(site: Site) -> Profiles:
    """Read and check every hourly series a site names, as they are (year 1 of the life).

    Parameters
    ----------
    site : Site

    Returns
    -------
    Profiles

    Raises
    ------
    InputError
        Missing file or column, wrong length, NaN or infinite values, negative load,
        per-unit values that are not per-unit, a load peak outside the plausible range (a kW
        column declared as MW), day weights outside their range, a time axis with duplicate,
        missing or unordered hours or of another year (:func:`check_time_axis`).
    """
    days = site.days is not None
    if site.load is not None:
        load, load_df, load_path = _read_load(site, site.load, "load", None, days)
        user_loads: dict[str, np.ndarray] = {}
    else:
        user_loads = {}
        load_df = load_path = None
        for i, user in enumerate(site.user_list):
            field = f"users[{i}].load"
            values, df, path = _read_load(site, user.load, field, None if load_path is None else len(load), days)
            user_loads[user.name] = values
            if load_path is None:
                load, load_df, load_path = values.copy(), df, path
            else:
                load = load + values
        check_range("load_peak_mw", float(load.max(initial=0.0)), load_path, "users[].load",
                    "peak of the users' total load")
    n = len(load)
    # the time axis of every full-year CSV is checked once, and all must be of one data year
    axes: dict[Path, pd.DatetimeIndex] = {}

    def time_axis(df: pd.DataFrame, path: Path, field: str) -> None:
        if days or path in axes:
            return
        idx = check_time_axis(site, df, path, field, n)
        if axes:
            (p0, i0), = list(axes.items())[:1]
            if idx[0].year != i0[0].year:
                raise InputError(f"the rows are the hours of {idx[0].year}, those of {p0.name} of {i0[0].year}",
                                 file=path, field=f"{field}.file",
                                 fix="give every series of a site for the same year")
        axes[path] = idx

    time_axis(load_df, load_path, "load" if site.load is not None else "users[0].load")
    for i, user in enumerate(site.user_list[1:], start=1):
        path = site.resolve(user.load.file)
        time_axis(read_table(path, f"users[{i}].load.file"), path, f"users[{i}].load")

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
            from gdc.profiles.computed import compute_profile

            pu[src.name] = compute_profile(site, src, i, n, year=int(axes[load_path][0].year))
            continue
        values, df, path = read_column(site, src.profile, field)
        _check_length(len(values), n, path, field, days)
        time_axis(df, path, field)
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
            check_day_weights(day_w, wpath, "days.weights.column",
                              lines=[csv_line(wpath, k) for k in range(len(day_w))])
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
        index = axes[load_path]
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
            values, df, path = read_column(site, SeriesRef(file=ef.file, column=ef.column),
                                           "export_forbidden")
            _check_length(len(values), n, path, "export_forbidden", days)
            time_axis(df, path, "export_forbidden")
            forbidden |= values > 0.5

    return Profiles(load_mw=load, pu=pu, weights=weights, period_hours=period,
                    export_forbidden=forbidden, hour_of_day=hour_of_day, month=month, index=index,
                    user_loads_mw=user_loads)
