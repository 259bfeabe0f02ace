"""Chinese public holidays: chinesecalendar where it has the notices, ``holidays`` after."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from gdc.profiles.calendar import _holidays_day_types, get_day_types, get_lunar_new_year
from gdc.site.errors import InputError

cc = pytest.importorskip("chinese_calendar")


@pytest.mark.parametrize("year", [2025, 2026])
def test_holidays_agrees_with_chinesecalendar(year):
    """Both libraries hold the State Council notices of 2025 and 2026: the day types agree.

    2025 (notice of November 2024): 28 January-4 February off with 26 January and 8 February
    worked, 4-6 April, 1-5 May with 27 April worked, 31 May-2 June, 1-8 October with 28 September
    and 11 October worked. ``holidays`` lists only the weekdays off; the weekends inside those
    runs (e.g. 1-2 February 2025) count as holiday here, as in chinesecalendar. Every one of the
    365 days has the same ``workday`` and ``holiday`` flag from both sources.
    """
    ref = get_day_types(year)
    assert (ref["source"] == "chinesecalendar").all()
    workday, holiday = _holidays_day_types(ref.index.to_numpy(), year)
    assert list(ref.index[ref["workday"].to_numpy() != workday]) == []
    assert list(ref.index[ref["holiday"].to_numpy() != holiday]) == []
    # 2025: 1 Jan + 28 Jan-4 Feb (8) + 4-6 Apr (3) + 1-5 May (5) + 31 May-2 Jun (3) + 1-8 Oct (8)
    # = 28; 2026: 1-3 Jan (3) + 15-23 Feb (9) + 4-6 Apr (3) + 1-5 May (5) + 19-21 Jun (3)
    # + 25-27 Sep (3) + 1-7 Oct (7) = 33
    assert int(holiday.sum()) == {2025: 28, 2026: 33}[year]


def test_differences_on_older_years_are_joined_weekends_only():
    """From 2020 to 2026 the working days agree every day; the holiday flag differs only on
    8-9 June 2024, the weekend before the Dragon Boat Festival (Monday 10 June): the notice says
    "6月10日放假，与周末连休" and chinesecalendar keeps that weekend an ordinary one, while here a
    weekend joined to a holiday counts as holiday (a load of 30 % instead of 45 % of peak on two
    days)."""
    diffs = []
    for year in range(2020, 2027):
        ref = get_day_types(year)
        workday, holiday = _holidays_day_types(ref.index.to_numpy(), year)
        assert list(ref.index[ref["workday"].to_numpy() != workday]) == [], year
        diffs += list(ref.index[ref["holiday"].to_numpy() != holiday])
    assert diffs == [dt.date(2024, 6, 8), dt.date(2024, 6, 9)]


def test_2031_lunar_festivals_after_chinesecalendar():
    """2031, beyond chinesecalendar: the four festivals whose date moves.

    Checked independently by an astronomical computation (PyEphem, Beijing time UTC+8) and
    against the lunardate package (tables of the Hong Kong Observatory): new moons on
    23 Jan 12:31, 21 Feb, 23 Mar, 22 Apr, 21 May 15:17, 20 Jun 06:25, ..., 17 Sep 02:47; the
    winter solstice of 2030 (22 Dec) lies in the month from 25 Nov 2030 (month 11), so month 1
    starts on 23 January (Spring Festival). The month from 22 April holds no principal term
    (谷雨 20 Apr, 小满 21 May 13:25, the day the next month starts): it is the leap month 闰三月,
    so month 5 starts on 20 June (Dragon Boat, 5/5 = 24 June) and month 8 on 17 September
    (Mid-Autumn, 8/15 = 1 October, the same day as National Day). Qingming is the solar term of
    apparent solar longitude 15 deg: 5 April 2031 07:26 Beijing time.
    """
    assert get_lunar_new_year(2031) == dt.date(2031, 1, 23)
    days = get_day_types(2031)
    assert (days["source"] == "holidays").all()
    for festival in (dt.date(2031, 1, 23), dt.date(2031, 4, 5), dt.date(2031, 6, 24),
                     dt.date(2031, 10, 1)):
        assert days.loc[festival, "holiday"] and not days.loc[festival, "workday"], festival
    # Spring Festival: eve (22 Jan, Wed) + days 1-3 (23-25 Jan) + Sunday + Monday 27 Jan made up
    # for Saturday 25 Jan: six days off in a row
    sf = [dt.date(2031, 1, d) for d in range(22, 28)]
    assert days.loc[sf, "holiday"].all()
    assert days.loc[dt.date(2031, 1, 21), "workday"] and days.loc[dt.date(2031, 1, 28), "workday"]
    # an ordinary weekend is not a holiday; nothing announced, so no shifted working weekend
    assert not days.loc[dt.date(2031, 3, 1), "holiday"] and not days.loc[dt.date(2031, 3, 1), "workday"]
    assert not (days["workday"] & days["weekend"]).any()


def test_lunar_new_year_matches_chinesecalendar_years():
    """Spring Festival dates where chinesecalendar names them (its "Spring Festival" days start
    on New Year's Eve or Day): 2004-01-22, 2020-01-25, 2026-02-17."""
    assert get_lunar_new_year(2004) == dt.date(2004, 1, 22)
    assert get_lunar_new_year(2020) == dt.date(2020, 1, 25)
    assert get_lunar_new_year(2026) == dt.date(2026, 2, 17)
    assert cc.get_holiday_detail(dt.date(2026, 2, 17))[1] == cc.Holiday.spring_festival.value


def test_lunar_new_year_out_of_range():
    with pytest.raises(InputError, match="Spring Festival"):
        get_lunar_new_year(1949)


def test_holidays_is_imported_lazily():
    """Importing the load archetypes does not import ``holidays`` (start-up of ``gdc check``)."""
    code = "import sys, gdc.profiles.load, gdc.check; print('holidays' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
