"""Synthetic industrial loads: peak, holidays, Spring Festival shutdown, shapes."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from gdc.profiles.calendar import get_day_types, get_hourly_index, get_lunar_new_year
from gdc.profiles.load import ARCHETYPES, synth_load
from gdc.site.errors import InputError


@pytest.mark.parametrize("archetype", ARCHETYPES)
def test_peak_and_index(archetype):
    s = synth_load(archetype, 50.0, 2026, seed=1)
    assert len(s) == 8760
    assert s.max() == pytest.approx(50.0, abs=1e-9)
    assert s.min() > 0.0
    assert s.name == "load_mw"
    assert str(s.index.tz) == "Asia/Shanghai"


def test_leap_year_length():
    assert len(synth_load("continuous", 10, 2028)) == 8784
    assert len(get_hourly_index(2024)) == 8784


def test_load_factors():
    lf = {a: synth_load(a, 100, 2026, 3).mean() / 100 for a in ARCHETYPES}
    assert 0.90 <= lf["continuous"] <= 0.97        # aluminium / polysilicon 0.9-0.97
    assert 0.85 <= lf["chemicals"] <= 0.95
    assert 0.75 <= lf["data-centre"] <= 0.9
    assert 0.45 <= lf["two-shift"] <= 0.7
    assert lf["arc-steel"] < 0.7


def test_two_shift_spring_festival_shutdown_and_holidays():
    s = synth_load("two-shift", 50, 2026, seed=1)
    daily = s.groupby(s.index.date).mean()
    lny = get_lunar_new_year(2026)
    assert lny == dt.date(2026, 2, 17)
    # the shutdown covers New Year's Day and lasts 1-3 weeks at low load
    assert daily[lny] < 0.2 * 50
    low = daily[(daily.index >= lny - dt.timedelta(days=25))
                & (daily.index <= lny + dt.timedelta(days=25))] < 0.2 * 50
    assert 7 <= low.sum() <= 21
    days = get_day_types(2026)
    work_mean = daily[days["workday"].to_numpy()].mean()
    # National Day week (1-7 October 2026) is a holiday: clearly lower
    national = daily[[dt.date(2026, 10, d) for d in range(1, 8)]].mean()
    assert national < 0.6 * work_mean
    # weekends lower than working days
    weekend = daily[(days["weekend"] & ~days["workday"] & ~days["holiday"]).to_numpy()].mean()
    assert weekend < 0.75 * work_mean
    # shifted working Saturday (chinesecalendar): 2026-01-04 is a working Sunday
    assert days.loc[dt.date(2026, 1, 4), "workday"]


def test_two_shift_daily_shape():
    s = synth_load("two-shift", 50, 2026, seed=2)
    days = get_day_types(2026)
    work = s[days["workday"].reindex(s.index.date).to_numpy()]
    by_hour = work.groupby(work.index.hour).mean() / 50
    assert by_hour[[9, 10, 15, 20]].min() > 0.8
    assert 0.25 <= by_hour[[1, 2, 3, 4]].mean() <= 0.4


def test_data_centre_summer_higher():
    s = synth_load("data-centre", 20, 2026, seed=0)
    m = s.groupby(s.index.month).mean()
    assert m[7] > 1.08 * m[1]


def test_arc_steel_in_valley_hours():
    s = synth_load("arc-steel", 80, 2026, seed=0)
    by_hour = s.groupby(s.index.hour).mean()
    assert by_hour[[0, 1, 2, 3, 4, 5]].mean() > 2.5 * by_hour[[18, 19, 20, 21]].mean()


def test_reproducible():
    a = synth_load("battery-cell", 30, 2026, seed=7)
    pd.testing.assert_series_equal(a, synth_load("battery-cell", 30, 2026, seed=7))
    assert not np.allclose(a, synth_load("battery-cell", 30, 2026, seed=8))


def test_aliases_and_errors():
    assert synth_load("aluminium", 5, 2026).mean() > 4.5
    with pytest.raises(InputError, match="archetype"):
        synth_load("bakery", 5, 2026)
    with pytest.raises(InputError):
        synth_load("continuous", -5, 2026)


def test_years_beyond_chinesecalendar_use_holidays():
    """2030 comes from ``holidays``: Spring Festival on 3 February 2030 (lunar New Year), the
    Dragon Boat Festival on 5 June and Mid-Autumn on 12 September (lunar 5/5 and 8/15, as in
    published lunar calendars), National Day 1-3 October; the two-shift load is at most about
    33 % of peak on a holiday (30 % + 3 % noise) against 85-100 % on working days."""
    days = get_day_types(2030)
    assert (days["source"] == "holidays").all()
    assert get_lunar_new_year(2030) == dt.date(2030, 2, 3)
    for d in (dt.date(2030, 2, 3), dt.date(2030, 6, 5), dt.date(2030, 9, 12), dt.date(2030, 10, 3)):
        assert days.loc[d, "holiday"], d
    s = synth_load("two-shift", 50, 2030, seed=0)
    assert s.max() == pytest.approx(50)
    daily = s.groupby(s.index.date).max()
    for d in (dt.date(2030, 6, 5), dt.date(2030, 9, 12)):
        assert daily[d] <= 0.33 * 50 + 1e-9, d
