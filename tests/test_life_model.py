"""The year model of the project's life (gdc.profiles.life, issue 13): factors by hand on the 24-hour site.

The hand day (tests/conftest.py): load 10 MW flat (240 MWh), wind 10 MW at 0.2 pu all day (48 MWh),
PV 20 MW at 0.5 pu in hours 8-15 (80 MWh), one day of weight 1. Life preset models/life/china-2025.yaml:
PV 1 % in the first year then 0.4 %/yr, wind 1.6 %/yr, storage 2 %/yr, replaced in year 10, end of
life 80 %.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner
from conftest import base_site, day_profiles

from gdc.check import check_site
from gdc.cli.main import main
from gdc.operation.dispatch import Design, storage_params
from gdc.profiles.life import (
    life_span,
    life_year,
    life_years,
    load_factor,
    parse_years,
    storage_schedule,
    weather_names,
    year_profiles,
)
from gdc.profiles.series import get_profiles
from gdc.site.errors import InputError
from gdc.site.read import read_site, with_year

PV4 = 0.99 * 0.996 ** 2     # year 4 of life: (1 - 1 %)(1 - 0.4 %)^(4 - 2) = 0.98209584
WIND4 = 0.984 ** 3          # (1 - 1.6 %)^(4 - 1) = 0.952763904
STORAGE4 = 0.98 ** 3        # (1 - 2 %)^(4 - 1) = 0.941192


def _site(make_site, **changes):
    site = base_site(start_year=2026, **changes)
    return read_site(make_site(site))


def test_factors_of_year_4_by_hand(make_site):
    """2029 is year 4 of a life starting in 2026: PV x 0.98209584, wind x 0.952763904, storage x 0.941192.

    A = 80 x 0.98209584 + 48 x 0.952763904 = 78.5676672 + 45.732667392 = 124.300334592 MWh;
    the start year is unchanged: A = 80 + 48 = 128 MWh.
    """
    site = _site(make_site)
    assert life_span(site) == (2026, 25) and life_years(site)[-1] == 2050
    y1 = life_year(site, 2026)
    assert (y1.year_of_life, y1.pv, y1.wind, y1.storage_energy, y1.load) == (1, 1.0, 1.0, 1.0, 1.0)
    y4 = life_year(site, 2029)
    assert y4.year_of_life == 4 and not y4.storage_replaced
    assert y4.pv == pytest.approx(0.98209584, abs=1e-12) == pytest.approx(PV4)
    assert y4.wind == pytest.approx(0.952763904, abs=1e-12)
    assert y4.storage_energy == pytest.approx(0.941192, abs=1e-12)
    r26 = check_site(site)
    r29 = check_site(with_year(site, 2029))
    assert r26.metrics.A == pytest.approx(128.0, abs=1e-9)
    assert r29.metrics.A_pv == pytest.approx(78.5676672, abs=1e-9)
    assert r29.metrics.A_wind == pytest.approx(45.732667392, abs=1e-9)
    assert r29.metrics.A == pytest.approx(124.300334592, abs=1e-9)
    assert r29.metrics.L == pytest.approx(240.0)
    assert r29.as_dict()["life"] == y4.as_dict()
    assert "year 4 of life" in y4.describe() and "运营第4年" in y4.describe("zh")


def test_overridden_degradation(make_site):
    """degradation: pv 2 % first then 1 %/yr, wind 0: year 3 PV = 0.98 x 0.99 = 0.9702, A = 80 x 0.9702 + 48 = 125.616."""
    site = _site(make_site, degradation={"pv_first_year_pct": 2, "pv_per_year_pct": 1, "wind_per_year_pct": 0})
    r = check_site(with_year(site, 2028))
    assert r.profiles.life.pv == pytest.approx(0.9702) and r.profiles.life.wind == 1.0
    assert r.metrics.A == pytest.approx(125.616, abs=1e-9)


def test_storage_fade_in_the_dispatch(make_site):
    """Surplus 30 x 1 - 10 = 20 MW in hours 10-13 (80 MWh) into a 20 MW / 20 MWh lossless battery (soc 0-1).

    Year 1 it stores 20 MWh and returns them (S_storage = 20 MWh); year 4 only 20 x 0.941192 = 18.82384 MWh
    (the PV surplus, 30 x 0.98209584 - 10 = 19.46 MW an hour, still fills it).
    """
    prof = pd.DataFrame({"load_mw": np.full(24, 10.0), "wind_pu": 0.0,
                         "pv_pu": np.where((np.arange(24) >= 10) & (np.arange(24) <= 13), 1.0, 0.0)})
    site = base_site(start_year=2026, storage={"power_mw": 20, "energy_mwh": 20, "charge_efficiency": 1.0,
                                               "discharge_efficiency": 1.0, "soc_min": 0.0, "soc_max": 1.0,
                                               "self_discharge_per_h": 0.0})
    site["sources"][1]["capacity_mw"] = 30
    site = read_site(make_site(site, prof))
    assert check_site(site).metrics.S_storage == pytest.approx(20.0, abs=1e-6)
    site4 = with_year(site, 2029)
    p4 = get_profiles(site4)
    st = storage_params(site4, Design.from_site(site4), p4)
    assert st.energy_mwh == 20 and st.soc_max * st.energy_mwh == pytest.approx(18.82384)
    assert check_site(site4).metrics.S_storage == pytest.approx(18.82384, abs=1e-6)
    # the LP sees the same faded window: soc_min 0 and soc_max 1 x 0.941192 of the installed 20 MWh
    from gdc.check import get_rule_set
    from gdc.operation.prices import get_costs
    from gdc.optimise.model import lp_data

    data = lp_data(site4, p4, get_costs(site4, p4), get_rule_set(site4)[0])
    assert (data.soc_min, data.soc_max) == (0.0, pytest.approx(STORAGE4))


def test_replacement_schedule(make_site):
    """Preset: 2 %/yr, replaced in year 10 (factor 1, flagged), end of life 80 %.

    Year 9: 0.98^8 = 0.850763; year 10: 1 (replaced); year 11: 0.98. The new battery would reach
    0.98^12 = 0.784717 < 0.8 in year 22, so it is replaced then (0.98^11 = 0.800731 in year 21 is not).
    With end of life 90 % and no scheduled replacement (year 99 > life): 0.98^5 = 0.903921 in year 6,
    0.98^6 = 0.885842 < 0.9 so year 7 is a replacement.
    """
    site = _site(make_site)
    sched = storage_schedule(site)
    assert len(sched) == 25
    assert sched[8] == (pytest.approx(0.98 ** 8), False) and sched[8][0] == pytest.approx(0.850763, abs=1e-6)
    assert sched[9] == (1.0, True) and sched[10] == (pytest.approx(0.98), False)
    assert sched[20] == (pytest.approx(0.800731, abs=1e-6), False) and sched[21] == (1.0, True)
    assert [n + 1 for n, (_, r) in enumerate(sched) if r] == [10, 22]
    y10 = life_year(site, 2035)
    assert y10.storage_replaced and y10.storage_energy == 1.0
    eol = _site(make_site, life={"years": 30},
                degradation={"storage_replacement_year": 60, "storage_end_of_life_pct": 90})
    sched = storage_schedule(eol)
    assert sched[5][0] == pytest.approx(0.903921, abs=1e-6) and sched[6] == (1.0, True)
    # without degradation.storage_replacement_year the year the cash flow pays for it (finance:) applies
    paid = _site(make_site, finance={"storage_replacement_year": 8})
    assert [n + 1 for n, (_, r) in enumerate(storage_schedule(paid)) if r] == [8, 20]


def test_load_by_year_and_growth(make_site):
    """load by_year {2026: 0.6, 2027: 0.85, 2028: 1.0}, growth 1 %/yr.

    2026: 0.6 (L = 240 x 0.6 = 144 MWh); 2027: 0.85; 2028: 1.0; 2030: 1.0 x 1.01^2 = 1.0201
    (L = 244.824 MWh). Without a table, growth 2 %/yr from the start year: 2029 = 1.02^3 = 1.061208.
    """
    load = {"file": "p.csv", "column": "load_mw", "unit": "MW", "by_year": {2026: 0.6, 2027: 0.85, 2028: 1.0},
            "growth_pct_per_year": 1.0}
    site = _site(make_site, load=load)
    assert [life_year(site, y).load for y in (2026, 2027, 2028)] == [0.6, 0.85, 1.0]
    assert check_site(site).metrics.L == pytest.approx(144.0)
    r30 = check_site(with_year(site, 2030))
    assert r30.profiles.life.load == pytest.approx(1.0201)
    assert r30.metrics.L == pytest.approx(244.824, abs=1e-9)
    grow = _site(make_site, load={"file": "p.csv", "column": "load_mw", "unit": "MW", "growth_pct_per_year": 2})
    assert life_year(grow, 2029).load == pytest.approx(1.061208)
    assert load_factor(grow.load, 2026, 2026, 0.0) == 1.0


def test_users_loads_have_their_own_factors(make_site):
    """Two users on the same 10 MW series: A ramps {2026: 0.5}, B grows 10 %/yr. 2027: A 0.5, B 1.1.

    Total L = 240 x 0.5 + 240 x 1.1 = 384 MWh, the total's factor 384 / 480 = 0.8.
    """
    users = [{"name": "A", "load": {"file": "p.csv", "column": "load_mw", "unit": "MW", "by_year": {2026: 0.5}}},
             {"name": "B", "load": {"file": "p.csv", "column": "load_mw", "unit": "MW", "growth_pct_per_year": 10}}]
    site = base_site(start_year=2026, users=users)
    del site["load"]
    site = read_site(make_site(site))
    p = year_profiles(site, 2027)
    assert p.user_loads_mw["A"].sum() == pytest.approx(120.0) and p.user_loads_mw["B"].sum() == pytest.approx(264.0)
    assert p.load_mw.sum() == pytest.approx(384.0) and p.life.load == pytest.approx(0.8)
    assert life_year(site, 2027).load == pytest.approx(0.8)


def test_check_year_json_shows_the_factors(make_site):
    """gdc check --year 2029 --json: life {year 2029, year_of_life 4, pv 0.98209584, ...} and A = 124.300334592 MWh."""
    path = make_site(base_site(start_year=2026))
    res = CliRunner().invoke(main, ["check", str(path), "--year", "2029", "--json", "-"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["life"]["year"] == 2029 and data["life"]["year_of_life"] == 4 and data["life"]["weather"] is None
    assert data["life"]["pv"] == pytest.approx(PV4) and data["life"]["wind"] == pytest.approx(WIND4)
    assert data["life"]["storage_energy"] == pytest.approx(STORAGE4)
    assert data["metrics"]["A"] == pytest.approx(124.300334592, abs=1e-9)


def test_terminal_states_the_year_of_life(make_site):
    """The report header: 'year 2029, year 4 of life: PV x 0.9821, wind x 0.9528, storage energy x 0.9412, load x 1.0000'."""
    path = make_site(base_site(start_year=2026))
    out = CliRunner().invoke(main, ["check", str(path), "--year", "2029"]).output
    assert "year 4 of life: PV x 0.9821, wind x 0.9528, storage energy x 0.9412, load x 1.0000" in out
    zh = CliRunner().invoke(main, ["check", str(path), "--year", "2029", "--lang", "zh"]).output
    assert "运营第4年：光伏出力 ×0.9821" in zh


def test_parse_years(make_site):
    site = _site(make_site, life={"years": 10})
    assert parse_years("all", site) == list(range(2026, 2036))
    assert parse_years("2026-2028, 2031", site) == [2026, 2027, 2028, 2031]
    assert parse_years("2029", site) == [2029]
    for bad in ("2020-2030", "2030-2027", "soon", "2036"):
        with pytest.raises(InputError):
            parse_years(bad, site)


def _weather_csvs(tmp_path: Path) -> None:
    """Two weather years as per-unit CSVs: 'calm' (wind 0.1, PV 0.5 in hours 8-15) and 'dull' (wind 0.2, PV 0.25)."""
    pv = day_profiles()["pv_pu"].to_numpy()
    pd.DataFrame({"wind_pu": 0.1, "pv_pu": pv}).to_csv(tmp_path / "calm.csv", index=False)
    pd.DataFrame({"w": 0.2, "pv_pu": pv / 2}).to_csv(tmp_path / "dull.csv", index=False)


def test_weather_years_from_files(make_site, tmp_path):
    """Year 1: 'calm' A = 10 x 0.1 x 24 + 80 = 104 MWh; 'dull' (wind column 'w') A = 48 + 40 = 88 MWh.

    Year 4 'dull': 48 x 0.952763904 + 40 x 0.98209584 = 45.732667392 + 39.2838336 = 85.016500992 MWh.
    """
    _weather_csvs(tmp_path)
    site = _site(make_site, weather_years=[{"name": "calm", "file": "calm.csv"},
                                           {"name": "dull", "file": "dull.csv", "columns": {"wf": "w"}}])
    assert weather_names(site) == ["calm", "dull"]
    a = {w: check_site(site, profiles=year_profiles(site, 2026, w)).metrics.A for w in ("calm", "dull")}
    assert a == {"calm": pytest.approx(104.0), "dull": pytest.approx(88.0)}
    p = year_profiles(site, 2029, "dull")
    assert p.life.weather == "dull"
    assert check_site(with_year(site, 2029), profiles=p).metrics.A == pytest.approx(85.016500992, abs=1e-9)
    assert weather_names(_site(make_site)) == [None]
    with pytest.raises(InputError, match="no weather year 'windy'"):
        year_profiles(site, 2026, "windy")


def test_weather_years_from_a_folder(tmp_path):
    """Two copies of pvlib's Greensboro TMY3 in a folder: two weather years, each the profile of a weather: source."""
    import pvlib

    tmy3 = Path(pvlib.__file__).parent / "data" / "723170TYA.CSV"
    (tmp_path / "wx").mkdir()
    for name in ("y1.csv", "y2.csv"):
        shutil.copy(tmy3, tmp_path / "wx" / name)
    pd.DataFrame({"load_mw": np.full(8760, 10.0), "pv": 0.0}).to_csv(tmp_path / "load.csv", index=False)
    site = {"name": "folder", "jurisdiction": "national", "year": 2026,
            "location": {"latitude": 36.1, "longitude": -79.95, "altitude_m": 273},
            "load": {"file": "load.csv", "column": "load_mw", "unit": "MW"},
            "sources": [{"name": "pv", "type": "pv", "capacity_mw": 10, "profile": {"file": "load.csv", "column": "pv"}}],
            "connection": {"voltage_kv": 110, "capacity_mw": 60, "spot_market": "continuous"},
            "weather_years": {"folder": "wx"}}
    (tmp_path / "site.yaml").write_text(yaml.safe_dump(site))
    s = read_site(tmp_path / "site.yaml")
    assert weather_names(s) == ["y1", "y2"]
    p1 = year_profiles(s, 2026, "y1")
    ref = dict(site, sources=[dict(site["sources"][0], profile=None, weather={"file": str(tmy3)})])
    del ref["weather_years"]
    (tmp_path / "ref.yaml").write_text(yaml.safe_dump(ref))
    expected = get_profiles(read_site(tmp_path / "ref.yaml")).pu["pv"]
    assert 1200 < expected.sum() < 1900
    np.testing.assert_allclose(p1.pu["pv"], expected)
    np.testing.assert_allclose(year_profiles(s, 2027, "y1").pu["pv"], expected * 0.99)  # year 2: x (1 - 1 %)


def _year_site(tmp_path: Path, n: int, seed: int = 0) -> Path:
    """A full-year site: PV 0.6 pu in hours 9-14 with a 2-day cycle of cloud, wind 0.3 + 0.2 sin(hour)."""
    hours = np.arange(8760)
    pv = np.where((hours % 24 >= 9) & (hours % 24 <= 14), 0.6, 0.0) * (1.0 - 0.5 * ((hours // 24) % 2))
    wind = 0.3 + 0.2 * np.sin(hours / 7.0)
    pd.DataFrame({"load_mw": np.full(8760, 20.0), "pv_pu": pv, "wind_pu": wind}).to_csv(tmp_path / "y.csv", index=False)
    site = {"name": "synth", "jurisdiction": "national", "year": 2026,
            "load": {"file": "y.csv", "column": "load_mw", "unit": "MW"},
            "sources": [{"name": "pv", "type": "pv", "capacity_mw": 10, "profile": {"file": "y.csv", "column": "pv_pu"}},
                        {"name": "wf", "type": "wind", "capacity_mw": 10,
                         "profile": {"file": "y.csv", "column": "wind_pu"}}],
            "connection": {"voltage_kv": 110, "capacity_mw": 60, "spot_market": "continuous"},
            "weather_years": {"synthesise": n, "seed": seed}}
    path = tmp_path / f"synth-{n}-{seed}.yaml"
    path.write_text(yaml.safe_dump(site))
    return path


def test_synthetic_weather_years(tmp_path):
    """200 synthetic years: the PV and wind annual energies spread by the preset's CV (4 %, 8 %) within sampling error.

    The standard error of a sample CV of 200 normal draws is about CV / sqrt(2 x 199) = 5 % of it
    (0.2 pp for PV, 0.4 pp for wind): the tolerances are 3 of them. The seed fixes the years; the
    days are shuffled within each month (same days of the month, another order), and the monthly
    energy of a year is the base month's x the year's factor.
    """
    site = read_site(_year_site(tmp_path, 200))
    base = get_profiles(site)
    names = weather_names(site)
    assert names[0] == "synth-1" and len(names) == 200
    pv = np.array([year_profiles(site, 2026, w).pu["pv"].sum() for w in names]) / base.pu["pv"].sum()
    wind = np.array([year_profiles(site, 2026, w).pu["wf"].sum() for w in names]) / base.pu["wf"].sum()
    assert pv.mean() == pytest.approx(1.0, abs=0.01) and wind.mean() == pytest.approx(1.0, abs=0.02)
    assert 100 * pv.std(ddof=1) == pytest.approx(4.0, abs=0.6)
    assert 100 * wind.std(ddof=1) == pytest.approx(8.0, abs=1.2)
    y1 = year_profiles(site, 2026, "synth-1")
    other = read_site(_year_site(tmp_path, 3, seed=0))
    np.testing.assert_array_equal(year_profiles(other, 2026, "synth-1").pu["wf"], y1.pu["wf"])  # same seed, same year
    reseeded = read_site(_year_site(tmp_path, 3, seed=7))
    assert not np.array_equal(year_profiles(reseeded, 2026, "synth-1").pu["wf"], y1.pu["wf"])
    assert not np.array_equal(y1.pu["wf"], base.pu["wf"] * (y1.pu["wf"].sum() / base.pu["wf"].sum()))  # hours moved
    k = int(np.flatnonzero(pv < 1)[0])  # a year below 1: a plain product (above, rated hours stay at the maximum)
    yk = year_profiles(site, 2026, names[k])
    for m in (1, 7):
        ratio = yk.pu["pv"][base.month == m].sum() / base.pu["pv"][base.month == m].sum()
        assert ratio == pytest.approx(pv[k], rel=1e-9)
    assert y1.pu["pv"].max() <= base.pu["pv"].max() and y1.pu["wf"].max() <= base.pu["wf"].max()


@pytest.mark.parametrize("changes, field", [
    ({"life": {"start_year": 2025}}, "start_year"),
    ({"life": {"years": 2}, "year": 2030}, "year"),
    ({"stages": [2029, 2026]}, "stages"),
    ({"stages": [2027, 2029]}, "stages"),
    ({"degradation": {"pv_per_year_pct": 30}}, "degradation.pv_per_year_pct"),
    ({"load": {"file": "p.csv", "column": "load_mw", "unit": "MW", "by_year": {2026: 60}}}, "load.by_year.2026"),
    ({"weather_years": [{"name": "a", "file": "p.csv"}, {"name": "a", "file": "p.csv"}]}, "weather_years"),
    ({"weather_years": [{"name": "a", "file": "p.csv", "columns": {"PV": "pv_pu"}}]}, "weather_years[0].columns"),
    ({"weather_years": {"synthesise": 0}}, "weather_years"),
    ({"life": {"preset": "mars-2099"}}, "life.preset"),
])
def test_bad_life_input_exits_2(make_site, changes, field):
    """Each bad life field is one message naming the field, exit code 2."""
    path = make_site(base_site(start_year=2026, **changes))
    res = CliRunner().invoke(main, ["check", str(path)])
    assert res.exit_code == 2, res.output
    assert field in res.output and "Traceback" not in res.output


def test_check_year_outside_the_life_exits_2(make_site):
    path = make_site(base_site(start_year=2026, life={"years": 3}))
    res = CliRunner().invoke(main, ["check", str(path), "--year", "2029"])
    assert res.exit_code == 2 and "after the project's life (2026-2028" in res.output


def test_users_load_factor_weighs_representative_days(make_site):
    """Two representative days weighted 300 and 65: user A loads 10 MW on day 1 only and ramps
    {2026: 0.5}, user B 10 MW on day 2 only. 2026's energy: A 240 x 300 x 0.5 = 36,000 MWh, B
    240 x 65 = 15,600 MWh, against 72,000 + 15,600 = 87,600 MWh at full load: the total's factor is
    51,600 / 87,600 = 0.589041, not the unweighted (120 + 240) / 480 = 0.75."""
    day = day_profiles()
    two = pd.concat([day, day], ignore_index=True)
    two["a_mw"] = [10.0] * 24 + [0.0] * 24
    two["b_mw"] = [0.0] * 24 + [10.0] * 24
    users = [{"name": "A", "load": {"file": "p.csv", "column": "a_mw", "unit": "MW", "by_year": {2026: 0.5}}},
             {"name": "B", "load": {"file": "p.csv", "column": "b_mw", "unit": "MW"}}]
    site = base_site(start_year=2026, users=users, days={"weights": [300, 65]})
    del site["load"]
    site = read_site(make_site(site, two))
    assert year_profiles(site, 2026).life.load == pytest.approx(51600 / 87600)
    assert life_year(site, 2026).load == pytest.approx(51600 / 87600)
