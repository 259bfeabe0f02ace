"""The hourly time index of a year and Chinese public holidays.

Holidays come from ``chinesecalendar`` (offline; it covers the years it ships data for,
2004-2026 in version 1.11). For other years gdc falls back to an approximation: weekends,
New Year's Day, the Spring Festival week (from a table of lunar New Year dates), Qingming
(4-6 April), Labour Day (1-5 May) and National Day (1-7 October); the Dragon Boat and
Mid-Autumn festivals and the shifted working weekends are then missing.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

TZ_CHINA = "Asia/Shanghai"

#: Chinese (lunar) New Year's Day, Gregorian date [year -> (month, day)].
LUNAR_NEW_YEAR = {
    2004: (1, 22), 2005: (2, 9), 2006: (1, 29), 2007: (2, 18), 2008: (2, 7),
    2009: (1, 26), 2010: (2, 14), 2011: (2, 3), 2012: (1, 23), 2013: (2, 10),
    2014: (1, 31), 2015: (2, 19), 2016: (2, 8), 2017: (1, 28), 2018: (2, 16),
    2019: (2, 5), 2020: (1, 25), 2021: (2, 12), 2022: (2, 1), 2023: (1, 22),
    2024: (2, 10), 2025: (1, 29), 2026: (2, 17), 2027: (2, 6), 2028: (1, 26),
    2029: (2, 13), 2030: (2, 3), 2031: (1, 23), 2032: (2, 11), 2033: (1, 31),
    2034: (2, 19), 2035: (2, 8), 2036: (1, 28), 2037: (2, 15), 2038: (2, 4),
    2039: (1, 24), 2040: (2, 12), 2041: (2, 1), 2042: (1, 22), 2043: (2, 10),
    2044: (1, 30), 2045: (2, 17), 2046: (2, 6), 2047: (1, 26), 2048: (2, 14),
    2049: (2, 2), 2050: (1, 23),
}


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
    """
    start = pd.Timestamp(year=int(year), month=1, day=1)
    end = pd.Timestamp(year=int(year) + 1, month=1, day=1)
    idx = pd.date_range(start, end, freq="h", inclusive="left", name="timestamp")
    return idx.tz_localize(tz)


def get_lunar_new_year(year: int) -> dt.date:
    """Gregorian date of the Chinese (lunar) New Year's Day.

    Parameters
    ----------
    year : int
        Gregorian year, 2004-2050.

    Returns
    -------
    datetime.date
    """
    from gdc.errors import InputError

    if year not in LUNAR_NEW_YEAR:
        raise InputError(
            f"no Spring Festival date known for year {year}",
            field="year",
            fix=f"use a year between {min(LUNAR_NEW_YEAR)} and {max(LUNAR_NEW_YEAR)}",
        )
    month, day = LUNAR_NEW_YEAR[year]
    return dt.date(year, month, day)


def _approx_holidays(year: int) -> set[dt.date]:
    days: set[dt.date] = {dt.date(year, 1, 1)}
    lny = get_lunar_new_year(year)
    days |= {lny + dt.timedelta(days=i) for i in range(-1, 7)}
    days |= {dt.date(year, 4, d) for d in (4, 5, 6)}
    days |= {dt.date(year, 5, d) for d in range(1, 6)}
    days |= {dt.date(year, 10, d) for d in range(1, 8)}
    return days


def get_day_types(year: int) -> pd.DataFrame:
    """Working days, weekends and public holidays of one year in mainland China.

    Parameters
    ----------
    year : int
        Calendar year.

    Returns
    -------
    pd.DataFrame
        One row per day (index: ``datetime.date``), boolean columns ``workday`` (an
        ordinary or shifted working day), ``holiday`` (a statutory public holiday, incl.
        the days off around it), ``weekend`` and the str column ``source``
        (``"chinesecalendar"`` or ``"approximate"``).
    """
    days = pd.date_range(f"{year}-01-01", f"{year}-12-31", freq="D").date
    try:
        import chinese_calendar as cc

        workday = np.array([cc.is_workday(d) for d in days])
        holiday = np.array([cc.get_holiday_detail(d)[1] is not None and not w
                            for d, w in zip(days, workday, strict=True)])
        source = "chinesecalendar"
    except (NotImplementedError, ImportError):
        approx = _approx_holidays(year)
        holiday = np.array([d in approx for d in days])
        workday = np.array([(d.weekday() < 5) and (d not in approx) for d in days])
        source = "approximate"
    weekend = np.array([d.weekday() >= 5 for d in days])
    return pd.DataFrame(
        {"workday": workday, "holiday": holiday, "weekend": weekend, "source": source},
        index=pd.Index(days, name="date"),
    )
