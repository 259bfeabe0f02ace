"""The hourly time index of a year and Chinese public holidays.

Two libraries, both offline, give the days of a year in mainland China:

- ``chinesecalendar`` for the years it ships the State Council's notices for (2004-2026 in
  version 1.11): public holidays, the days off around them and the shifted working weekends
  (调休), as announced.
- ``holidays`` (``holidays.China``) for every other year: the statutory public holidays of the
  Regulations on National Annual Leisure and Memorial Days (全国年节及纪念日放假办法, 2024
  revision: New Year's Day, the Spring Festival's eve and first three days, Qingming, Labour Day
  1-2 May, Dragon Boat, Mid-Autumn, National Day 1-3 October), lunar dates included, with a
  holiday on a weekend made up on the next working day. Shifted working weekends are known only
  for years whose notice the package has; for later years (not announced yet) there are none.

``holidays`` lists only the weekdays off; a weekend joined to them (a Saturday between a Friday
holiday and a Monday made-up day) counts here as holiday, as in ``chinesecalendar``.
Both are imported lazily, only when load archetypes are synthesised.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

TZ_CHINA = "Asia/Shanghai"

#: The ``holidays`` name of the Spring Festival days (English, exact: not the made-up days).
_SPRING_FESTIVAL = "Chinese New Year (Spring Festival)"


def get_hourly_index(year: int, tz: str = TZ_CHINA) -> pd.DatetimeIndex:
    """Hour-start timestamps of one calendar year in local time.

    Parameters
    ----------
    year : int
        Calendar year.
    tz : str, default ``"Asia/Shanghai"``
        Time zone of the labels (China has no daylight saving time since 1991).

    Returns
    -------
    pd.DatetimeIndex
        8760 hourly labels (8784 in a leap year), each the start of its hour.

    Examples
    --------
    >>> idx = get_hourly_index(2024)   # a leap year: 366 x 24 h
    >>> len(idx), str(idx[0]), str(idx[-1])
    (8784, '2024-01-01 00:00:00+08:00', '2024-12-31 23:00:00+08:00')
    """
    start = pd.Timestamp(year=int(year), month=1, day=1)
    end = pd.Timestamp(year=int(year) + 1, month=1, day=1)
    idx = pd.date_range(start, end, freq="h", inclusive="left", name="timestamp")
    return idx.tz_localize(tz)


def _china_holidays(years: range):
    """``holidays.China`` (public holidays, English names) for ``years``."""
    import holidays

    return holidays.China(years=years, language="en_US")


def get_lunar_new_year(year: int) -> dt.date:
    """Gregorian date of the Chinese (lunar) New Year's Day (春节, 正月初一).

    Parameters
    ----------
    year : int
        Gregorian year, 1950-2100 (the range of ``holidays.China``).

    Returns
    -------
    datetime.date

    Examples
    --------
    >>> get_lunar_new_year(2031)
    datetime.date(2031, 1, 23)
    """
    from gdc.site.errors import InputError

    year = int(year)
    days = sorted(_china_holidays(range(year, year + 1)).get_named(_SPRING_FESTIVAL, lookup="exact")) \
        if 1950 <= year <= 2100 else []
    if not days:
        raise InputError(f"no Spring Festival date known for year {year}", field="year",
                         fix="use a year between 1950 and 2100")
    return days[0]


def _holidays_day_types(days: np.ndarray, year: int) -> tuple[np.ndarray, np.ndarray]:
    """Working days and holidays of ``days`` (one year) from ``holidays.China``.

    A holiday is a day off in a run of consecutive days off that holds at least one public
    holiday or made-up day of ``holidays``; the neighbouring years are read too, so a run across
    New Year's Day is seen whole.
    """
    cn = _china_holidays(range(year - 1, year + 2))
    span = pd.date_range(f"{year - 1}-12-01", f"{year + 1}-01-31", freq="D").date
    off = np.array([not cn.is_working_day(d) for d in span])
    public = np.array([d in cn for d in span])
    run = np.cumsum(np.r_[True, off[1:] != off[:-1]])  # id of each run of equal ``off``
    run_public = np.bincount(run, weights=public & off) > 0
    holiday_span = off & run_public[run]
    pos = {d: i for i, d in enumerate(span)}
    rows = np.array([pos[d] for d in days])
    return ~off[rows], holiday_span[rows]


def get_day_types(year: int) -> pd.DataFrame:
    """Working days, weekends and public holidays of one year in mainland China.

    Parameters
    ----------
    year : int
        Calendar year (``holidays.China`` covers 1950-2100; earlier years have weekends only).

    Returns
    -------
    pd.DataFrame
        One row per day (index: ``datetime.date``), boolean columns ``workday`` (an
        ordinary or shifted working day), ``holiday`` (a statutory public holiday, incl.
        the days off around it), ``weekend`` and the str column ``source``
        (``"chinesecalendar"`` or ``"holidays"``).

    Examples
    --------
    >>> d = get_day_types(2031)
    >>> bool(d.loc[dt.date(2031, 6, 24), "holiday"])  # Dragon Boat Festival
    True
    """
    days = pd.date_range(f"{year}-01-01", f"{year}-12-31", freq="D").date
    try:
        import chinese_calendar as cc

        workday = np.array([cc.is_workday(d) for d in days])
        holiday = np.array([cc.get_holiday_detail(d)[1] is not None and not w
                            for d, w in zip(days, workday, strict=True)])
        source = "chinesecalendar"
    except (NotImplementedError, ImportError):
        workday, holiday = _holidays_day_types(days, int(year))
        source = "holidays"
    weekend = np.array([d.weekday() >= 5 for d in days])
    return pd.DataFrame(
        {"workday": workday, "holiday": holiday, "weekend": weekend, "source": source},
        index=pd.Index(days, name="date"),
    )
