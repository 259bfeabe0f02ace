"""Readers for local weather files -> a standard hourly weather DataFrame.

Supported kinds (never downloads anything; pvlib's ``iotools.get_*`` are not used):

=================  ==========================================  ======================
kind               reader                                      timestamps in the file
=================  ==========================================  ======================
``epw``            ``pvlib.iotools.read_epw``                  hour 1-24, local standard
                                                               time (pvlib labels the
                                                               hour start)
``tmy3``           ``pvlib.iotools.read_tmy3``                 hour END, local standard
``pvgis_tmy``      ``pvlib.iotools.read_pvgis_tmy`` (csv/json)  UTC, taken as hour start
``pvgis_hourly``   ``pvlib.iotools.read_pvgis_hourly``          UTC ``HH:10``, floored to
                   (csv/json, horizontal plane)                the hour start
``csv``            plain CSV (see :func:`read_weather_csv`)    hour start by default
=================  ==========================================  ======================

The result always has hour-START labels in a time-zone-aware local index named
``timestamp`` and these columns where the file has them: ``ghi``, ``dni``, ``dhi``
[W/m^2], ``temp_air`` [C], ``wind_speed`` [m/s], ``pressure`` [Pa]. File metadata go to
``DataFrame.attrs``: ``latitude``, ``longitude``, ``altitude`` (when the file has them),
``kind``, ``source`` and ``wind_height_m`` (10 m for EPW, TMY3 and PVGIS).
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from gdc.site.errors import InputError

KINDS = ("epw", "tmy3", "pvgis_tmy", "pvgis_hourly", "csv")
STANDARD_COLUMNS = ("ghi", "dni", "dhi", "temp_air", "wind_speed", "pressure")

_CSV_ALIASES = {
    "ghi": "ghi", "global_horizontal": "ghi", "g_h": "ghi", "g(h)": "ghi", "ghi_w_m2": "ghi",
    "global": "ghi", "swdown": "ghi", "ssrd": "ghi",
    "dni": "dni", "direct_normal": "dni", "gb(n)": "dni", "bni": "dni",
    "dhi": "dhi", "diffuse_horizontal": "dhi", "gd(h)": "dhi", "dif": "dhi",
    "temp_air": "temp_air", "temperature": "temp_air", "temp": "temp_air", "t2m": "temp_air",
    "air_temperature": "temp_air", "tamb": "temp_air", "t_air": "temp_air",
    "dry_bulb": "temp_air",
    "wind_speed": "wind_speed", "ws": "wind_speed", "wind": "wind_speed",
    "ws10m": "wind_speed", "wind_speed_10m": "wind_speed", "windspeed": "wind_speed",
    "pressure": "pressure", "sp": "pressure", "air_pressure": "pressure",
    "surface_pressure": "pressure", "pres": "pressure",
}
_TIME_COLUMNS = ("timestamp", "time", "datetime", "date_time", "date", "time(utc)",
                 "timestamp_utc", "time_utc")


def detect_kind(path: str | Path) -> str:
    """Guess the kind of a weather file from its name and first lines.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    str
        One of :data:`KINDS`.
    """
    path = Path(path)
    if path.suffix.lower() == ".epw":
        return "epw"
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            head = [fh.readline() for _ in range(40)]
    except OSError as exc:
        raise InputError(f"cannot open weather file: {exc.strerror}", file=path,
                         fix="give the path of an existing weather file") from exc
    text = "".join(head)
    if path.suffix.lower() == ".json":
        return "pvgis_hourly" if '"hourly"' in text else "pvgis_tmy"
    if head[0].startswith("Latitude (decimal degrees)"):
        return "pvgis_tmy" if "time(UTC)" in text or "months selected" in text.lower() \
            or "Irradiance Time Offset" in text else "pvgis_hourly"
    if len(head) > 1 and head[1].startswith("Date (MM/DD/YYYY)"):
        return "tmy3"
    return "csv"


def _standardise_tz(index: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """Use Asia/Shanghai for UTC+8 (identical offsets since 1991, and readable)."""
    off = index[0].utcoffset() if len(index) else None
    if off == dt.timedelta(hours=8) and str(index.tz) != "Asia/Shanghai":
        return index.tz_convert("Asia/Shanghai")
    return index


def coerce_year(weather: pd.DataFrame, year: int) -> pd.DataFrame:
    """Move a typical-year or other one-year series onto the calendar of ``year``.

    Keeps each row's local month, day and hour. 29 February is dropped for a normal
    year; for a leap year without it, 28 February is repeated.

    Parameters
    ----------
    weather : DataFrame
        Hour-start, time-zone-aware index covering one year (possibly of mixed years,
        as in TMY files).
    year : int

    Returns
    -------
    DataFrame
        8760 or 8784 rows, index ``timestamp`` in the same time zone.
    """
    tz = weather.index.tz
    naive = weather.index.tz_localize(None)
    keep = ~((naive.month == 2) & (naive.day == 29)) if not pd.Timestamp(
        year=year, month=1, day=1).is_leap_year else np.ones(len(naive), bool)
    df = weather.loc[keep].copy()
    naive = naive[keep]
    new = pd.to_datetime({"year": year, "month": naive.month, "day": naive.day,
                          "hour": naive.hour})
    df.index = pd.DatetimeIndex(new)
    if df.index.has_duplicates:
        raise InputError("the weather file has more than one year of data",
                         field="timestamp",
                         fix="choose one of the years in the file with the year option")
    if pd.Timestamp(year=year, month=1, day=1).is_leap_year \
            and not ((df.index.month == 2) & (df.index.day == 29)).any():
        feb28 = df[(df.index.month == 2) & (df.index.day == 28)].copy()
        feb28.index = feb28.index + pd.Timedelta(days=1)
        df = pd.concat([df, feb28])
    df = df.sort_index()
    full = pd.date_range(pd.Timestamp(year=year, month=1, day=1),
                         pd.Timestamp(year=year + 1, month=1, day=1), freq="h",
                         inclusive="left")
    missing = full.difference(df.index)
    if len(missing) > 0:
        raise InputError(f"{len(missing)} hours of {year} are missing from the weather "
                         f"(first: {missing[0]})", field="timestamp",
                         fix="give a complete hourly year")
    df = df.reindex(full)
    df.index = df.index.tz_localize(tz)
    df.index.name = "timestamp"
    df.attrs = dict(weather.attrs)
    return df


def _select_or_coerce(df: pd.DataFrame, year: int | None, typical: bool) -> pd.DataFrame:
    years = pd.Index(df.index.year).unique()
    if year is None:
        if typical:
            first = int(df.index[0].year)
            normal = not pd.Timestamp(year=first, month=1, day=1).is_leap_year
            return coerce_year(df, first if normal else 2001)
        return df
    if len(years) > 1 and not typical and year in set(years):
        sel = df[df.index.year == year]
        sel.attrs = dict(df.attrs)
        return coerce_year(sel, year)
    return coerce_year(df, int(year))


def _finish(df: pd.DataFrame, attrs: dict, path: Path) -> pd.DataFrame:
    cols = [c for c in STANDARD_COLUMNS if c in df.columns]
    out = df[cols].apply(pd.to_numeric, errors="coerce").astype(float)
    out.index = _standardise_tz(pd.DatetimeIndex(out.index))
    out.index.name = "timestamp"
    if out.index.has_duplicates or not out.index.is_monotonic_increasing:
        raise InputError("timestamps are duplicated or out of order", file=path,
                         field="timestamp", fix="give one row per hour, in time order")
    step = np.diff(out.index.asi8)
    if len(step) and not np.all(step == step[0]) or (
            len(step) and pd.Timedelta(int(step[0]), unit=out.index.unit) != pd.Timedelta("1h")):
        raise InputError("the weather is not a regular hourly series", file=path,
                         field="timestamp", fix="give one row per hour without gaps")
    for col in ("ghi", "dni", "dhi"):
        if col in out and out[col].isna().any():
            raise InputError(f"{int(out[col].isna().sum())} values of {col} are missing",
                             file=path, field=col, fix="fill the gaps (night = 0)")
    out.attrs = {**attrs, "source": str(path)}
    return out


def read_weather(path: str | Path, kind: str | None = None, year: int | None = None,
                 tz: str = "Asia/Shanghai", label: str = "start") -> pd.DataFrame:
    """Read a local weather file into gdc's standard hourly weather frame.

    Parameters
    ----------
    path : str or Path
    kind : str, optional
        One of :data:`KINDS`; detected from the file when ``None``.
    year : int, optional
        Put the data on this calendar year (typical-year files), or pick this year
        from a multi-year file. Typical-year files (EPW, TMY3, PVGIS TMY) are otherwise
        put on the year of their first row, or on 2001 if that is a leap year (typical
        years have 8760 hours).
    tz : str, default ``"Asia/Shanghai"``
        Time zone for UTC files (PVGIS) and for plain CSV timestamps without an offset.
        EPW and TMY3 files keep their own standard-time offset (Chinese files: UTC+8,
        shown as Asia/Shanghai).
    label : {"start", "end"}
        For plain CSV files: whether a timestamp labels the start or the end of its hour.

    Returns
    -------
    DataFrame
        Standard columns (see the module docstring), hour-start local index, metadata in
        ``.attrs``.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("weather file not found", file=path,
                         fix="give the path of an EPW, TMY3, PVGIS or CSV weather file")
    kind = kind or detect_kind(path)
    if kind not in KINDS:
        raise InputError(f"unknown weather kind '{kind}'", file=path, field="kind",
                         fix=f"use one of {', '.join(KINDS)}")
    if kind == "csv":
        return read_weather_csv(path, year=year, tz=tz, label=label)
    import pvlib

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if kind == "epw":
                data, meta = pvlib.iotools.read_epw(path)
                data = data.rename(columns={"atmospheric_pressure": "pressure"})
                attrs = {"latitude": meta["latitude"], "longitude": meta["longitude"],
                         "altitude": meta["altitude"]}
                typical = True
            elif kind == "tmy3":
                data, meta = pvlib.iotools.read_tmy3(path, map_variables=True)
                # hour-start labels from the file's own date and hour-ending 1..24 (pvlib
                # maps 24:00 of 28 February in a leap year to 1 March)
                start = pd.to_datetime(data["Date (MM/DD/YYYY)"], format="%m/%d/%Y") + \
                    pd.to_timedelta(data["Time (HH:MM)"].str[:2].astype(int) - 1, unit="h")
                data.index = pd.DatetimeIndex(start).tz_localize(data.index.tz)
                data["pressure"] = data["pressure"] * 100.0        # mbar -> Pa
                attrs = {"latitude": meta["latitude"], "longitude": meta["longitude"],
                         "altitude": meta["altitude"]}
                typical = True
            elif kind == "pvgis_tmy":
                data, meta = pvlib.iotools.read_pvgis_tmy(path, map_variables=True)
                inputs = meta.get("inputs", {}) if isinstance(meta, dict) else {}
                loc = inputs.get("location", inputs)
                attrs = {"latitude": loc.get("latitude"), "longitude": loc.get("longitude"),
                         "altitude": loc.get("elevation")}
                data.index = data.index.floor("h").tz_convert(tz)
                typical = True
            else:
                data, meta = pvlib.iotools.read_pvgis_hourly(path, map_variables=True)
                inputs = meta.get("inputs", {}) if isinstance(meta, dict) else {}
                loc = inputs.get("location", inputs)
                attrs = {"latitude": loc.get("latitude"), "longitude": loc.get("longitude"),
                         "altitude": loc.get("elevation")}
                data = _pvgis_hourly_to_horizontal(data, inputs, path)
                data.index = data.index.floor("h").tz_convert(tz)
                typical = False
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - a parse failure is the user's file
        raise InputError(f"cannot read as {kind}: {exc}", file=path, field="kind",
                         fix="check the file kind (--kind) and that the file is complete") \
            from exc
    attrs = {k: (float(v) if v is not None else None) for k, v in attrs.items()}
    attrs.update(kind=kind, wind_height_m=10.0)
    data.attrs = attrs
    data = _select_or_coerce(data, year, typical)
    return _finish(data, attrs, path)


def _pvgis_hourly_to_horizontal(data: pd.DataFrame, inputs: dict, path: Path) -> pd.DataFrame:
    slope = None
    mounting = inputs.get("mounting_system", {}) if isinstance(inputs, dict) else {}
    try:
        slope = float(mounting["fixed"]["slope"]["value"])
    except (KeyError, TypeError, ValueError):
        for key, val in (inputs or {}).items():
            if str(key).lower().startswith("slope"):
                m = re.search(r"-?\d+(\.\d+)?", str(val))
                slope = float(m.group()) if m else None
    if slope not in (None, 0.0):
        raise InputError(f"the PVGIS hourly file is for a {slope} deg plane, not horizontal",
                         file=path, field="slope",
                         fix="export PVGIS hourly data for slope 0 with components")
    out = pd.DataFrame(index=data.index)
    if {"poa_direct", "poa_sky_diffuse"} <= set(data.columns):
        ground = data["poa_ground_diffuse"] if "poa_ground_diffuse" in data else 0.0
        out["ghi"] = data["poa_direct"] + data["poa_sky_diffuse"] + ground
        out["dhi"] = data["poa_sky_diffuse"]
    elif "poa_global" in data.columns:
        out["ghi"] = data["poa_global"]
    for col in ("temp_air", "wind_speed", "pressure"):
        if col in data.columns:
            out[col] = data[col]
    return out


def _norm(name: str) -> str:
    n = str(name).strip().lower()
    n = re.sub(r"\s*[\[(][^\])]*[\])]\s*$", "", n) if n not in ("g(h)", "gb(n)", "gd(h)",
                                                              "time(utc)") else n
    return re.sub(r"[\s\-]+", "_", n)


def read_weather_csv(path: str | Path, year: int | None = None, tz: str = "Asia/Shanghai",
                     label: str = "start") -> pd.DataFrame:
    """Read a plain hourly weather CSV.

    Lines starting with ``#`` are comments. Column names are matched case-insensitively,
    ignoring a trailing unit in brackets (``GHI (W/m2)``): ``ghi`` (required for PV),
    ``dni``, ``dhi`` [W/m^2], ``temp_air``/``temperature``/``t2m`` [C],
    ``wind_speed``/``ws``/``ws10m`` [m/s], ``pressure`` [Pa, or hPa if below 2000]. A time
    column (``timestamp``, ``time``, ``datetime``, ``date``) is parsed as local time in
    ``tz`` unless it carries an offset (or its name says UTC). Without a time column the
    file must have exactly 8760/8784 rows and ``year`` must be given.

    Parameters
    ----------
    path : str or Path
    year : int, optional
    tz : str
    label : {"start", "end"}
        Whether each timestamp labels the start (default) or the end of its hour.

    Returns
    -------
    DataFrame
    """
    path = Path(path)
    if label not in ("start", "end"):
        raise InputError(f"unknown label '{label}'", field="label", fix="use start or end")
    try:
        raw = pd.read_csv(path, comment="#")
    except Exception as exc:  # noqa: BLE001
        raise InputError(f"cannot read CSV: {exc}", file=path,
                         fix="save the weather as a comma-separated file") from exc
    names = {c: _norm(c) for c in raw.columns}
    time_col = next((c for c, n in names.items() if n in _TIME_COLUMNS), None)
    data = pd.DataFrame(index=raw.index)
    for col, n in names.items():
        std = _CSV_ALIASES.get(n)
        if std and std not in data.columns:
            data[std] = pd.to_numeric(raw[col], errors="coerce")
    if not ({"ghi", "wind_speed"} & set(data.columns)):
        raise InputError("no GHI or wind-speed column found", file=path,
                         field=", ".join(map(str, raw.columns[:6])),
                         fix="name the columns ghi, dni, dhi, temp_air, wind_speed, pressure")
    if time_col is not None:
        utc = "utc" in str(time_col).lower()
        try:
            ts = pd.to_datetime(raw[time_col], utc=utc)
        except (ValueError, TypeError) as exc:
            raise InputError(f"cannot parse timestamps: {exc}", file=path, field=str(time_col),
                             fix="use ISO timestamps such as 2026-01-01T00:00") from exc
        idx = pd.DatetimeIndex(ts)
        idx = idx.tz_localize(tz) if idx.tz is None else idx.tz_convert(tz) if utc else idx
        if label == "end":
            idx = idx - pd.Timedelta(hours=1)
    else:
        from gdc.profiles.calendar import get_hourly_index

        if year is None:
            raise InputError("the weather CSV has no time column", file=path,
                             field="timestamp",
                             fix="add a timestamp column or give the year of the 8760 rows")
        idx = get_hourly_index(int(year), tz)
        if len(idx) != len(raw):
            raise InputError(f"{len(raw)} rows, but {year} has {len(idx)} hours", file=path,
                             fix="give one row per hour of the year")
    data.index = idx
    if "pressure" in data and data["pressure"].median() < 2000:
        data["pressure"] = data["pressure"] * 100.0  # hPa -> Pa
    data.attrs = {"kind": "csv", "latitude": None, "longitude": None, "altitude": None,
                  "wind_height_m": None}
    if year is not None and time_col is not None:
        data = _select_or_coerce(data, year, typical=False)
    return _finish(data, data.attrs, path)
