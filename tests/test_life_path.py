"""The yearly path of a design (gdc.life.path.check_path, issue 13): every year is `gdc check --year Y`.

Life preset models/life/china-2025.yaml: PV loses 1 % in its first year, then 0.4 %/yr; wind 1.6 %/yr;
the first year of life is unchanged.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import SAMPLES, base_site

from gdc.cli.main import main
from gdc.life.path import VERDICT_KEYS, check_path
from gdc.site.errors import InputError
from gdc.site.read import read_site

RAMP = SAMPLES / "ningxia-ramp" / "site.yaml"


@pytest.fixture(scope="module")
def ramp_path():
    return check_path(read_site(RAMP), range(2026, 2031))


def test_rows_are_the_year_checks():
    """Each row of `gdc check --years` is exactly `gdc check --year Y` (one model of year Y): the same
    metrics, the same verdicts (value, threshold, margin, status), the same life factors, for
    2026 (year 1), 2027, 2029 and 2035 (year 10)."""
    runner = CliRunner()
    years = [2026, 2027, 2029, 2035]
    out = runner.invoke(main, ["check", str(RAMP), "--years", ",".join(map(str, years)), "--json"])
    assert out.exit_code == 1, out.output
    path = json.loads(out.output)
    assert [r["year"] for r in path["path"]] == years
    for row in path["path"]:
        one = runner.invoke(main, ["check", str(RAMP), "--year", str(row["year"]), "--json"])
        single = json.loads(one.output)
        assert row["metrics"] == single["metrics"]
        table = [{k: v[k] for k in VERDICT_KEYS} for v in single["verdicts"] if v["kind"] != "checklist"
                 and v["status"] != "confirm"]
        assert row["verdicts"] == table
        assert row["status"] == single["status"] and row["binding_rule"] == single["binding_rule"]
        assert row["life"] == single["life"]
        assert one.exit_code == (1 if row["status"] == "fail" else 0)


def test_ningxia_ramp_passes_2026_and_fails_in_2027(ramp_path):
    """The threshold path is Ningxia 784's 30 % + 1.5 pp a year from the 2026 start (36 % in 2030: the
    national 35 % is reached and the ramp goes on); the design's load share falls with degradation.

    2026 (year 1, factors 1): S/L = 105,904.1 / 332,665.1 MWh = 31.84 % >= 30 %: pass.
    2027 (year 2): PV x 0.99, wind x (1 - 1.6 %) = 0.984, so A = 0.99 x 45,000.06 + 0.984 x 61,504.12
    = 44,550.06 + 60,520.05 = 105,070.11 MWh (-1.35 %); there is no storage and no curtailment, so
    S = A - E = 105,070.11 - 521.36 = 104,548.75 MWh and S/L = 104,548.75 / 332,665.05 = 31.43 % < 31.5 %: the first failing year is 2027, by
    0.07 pp, on the load share (without degradation the design would have held until 2028, 33 %).
    """
    p = ramp_path
    rows = {r.year: r for r in p.rows}
    thresholds = [rows[y].verdict("load_share")["threshold"] for y in range(2026, 2031)]
    assert thresholds == pytest.approx([30.0, 31.5, 33.0, 34.5, 36.0])
    m1, m2 = rows[2026].metrics, rows[2027].metrics
    assert m2["A_pv"] == pytest.approx(0.99 * m1["A_pv"]) and m2["A_wind"] == pytest.approx(0.984 * m1["A_wind"])
    assert m2["A"] == pytest.approx(105_070.11, abs=0.05)
    assert m2["C"] == pytest.approx(0.0) and m2["S"] == pytest.approx(m2["A"] - m2["E"])
    assert m2["L"] == pytest.approx(m1["L"])
    assert rows[2026].status == "pass" and rows[2026].verdict("load_share")["value"] == pytest.approx(31.835, abs=1e-3)
    assert rows[2027].verdict("load_share")["value"] == pytest.approx(31.43, abs=5e-3)
    assert p.first_failing_year == 2027 and p.failing_years == [2027, 2028, 2029, 2030]
    b = p.binding
    assert (b["year"], b["rule"], b["status"]) == (2027, "load_share", "fail")
    assert b["margin"] == pytest.approx(-0.072, abs=2e-3)
    assert p.exit_code == 1 and p.status == "fail"
    assert p.result.site.year == 2027  # the reported row: the first failing year
    assert p.weather_pass_share[2026] == {"all_rules": 1.0, **{k: 1.0 for k in p.weather_pass_share[2026]
                                                               if k != "all_rules"}}
    assert p.weather_pass_share[2027]["load_share"] == 0.0


def _weather_site(make_site):
    """24 h, load 10 MW flat (240 MWh), PV 20 MW in hours 6-17 at 0.40 / 0.35 / 0.25 pu in the
    weather years bright / normal / dull (8, 7, 5 MW: all below the load, all self-used)."""
    hours = np.arange(24)
    day = (hours >= 6) & (hours <= 17)
    df = pd.DataFrame({"hour": hours, "load_mw": 10.0, "pv_pu": np.where(day, 0.40, 0.0),
                       "pv_normal": np.where(day, 0.35, 0.0), "pv_dull": np.where(day, 0.25, 0.0)})
    site = base_site(start_year=2026)
    site["sources"] = [s for s in site["sources"] if s["type"] == "pv"]
    site["weather_years"] = [{"name": "bright", "file": "p.csv"},
                             {"name": "normal", "file": "p.csv", "columns": {"pv": "pv_normal"}},
                             {"name": "dull", "file": "p.csv", "columns": {"pv": "pv_dull"}}]
    return read_site(make_site(site, df))


def test_weather_year_pass_shares_by_hand(make_site):
    """Load share S/L with S = 20 MW x pu x 12 h (all self-used), L = 240 MWh, national threshold 30 % up
    to 2029 and 35 % from 2030:

    2026 (year 1): bright 96/240 = 40 %, normal 84/240 = 35 %, dull 60/240 = 25 %: 2 of 3 pass.
    2030 (year 5): PV x 0.99 x 0.996^3 = 0.978166: bright 39.13 %, normal 34.24 % < 35 %, dull
    24.45 %: 1 of 3 passes.
    """
    site = _weather_site(make_site)
    p = check_path(site, [2026, 2030])
    assert p.weathers == ["bright", "normal", "dull"] and len(p.rows) == 6
    pv5 = 0.99 * 0.996 ** 3
    values = {(r.year, r.weather): r.verdict("load_share")["value"] for r in p.rows}
    assert values[(2026, "bright")] == pytest.approx(40.0)
    assert values[(2026, "normal")] == pytest.approx(35.0)
    assert values[(2026, "dull")] == pytest.approx(25.0)
    assert values[(2030, "normal")] == pytest.approx(35.0 * pv5)
    share = p.weather_pass_share
    assert share[2026]["load_share"] == pytest.approx(2 / 3) and share[2026]["all_rules"] == pytest.approx(2 / 3)
    assert share[2030]["load_share"] == pytest.approx(1 / 3) and share[2030]["self_use_share"] == 1.0
    assert p.first_failing_year == 2026
    b = p.binding
    assert (b["rule"], b["weather"], b["failing_weathers"]) == ("load_share", "dull", 1)
    assert b["margin"] == pytest.approx(-5.0)
    d = p.as_dict()
    assert d["weather_pass_share"]["2030"]["load_share"] == pytest.approx(1 / 3)
    assert [r["weather"] for r in d["path"]] == ["bright", "normal", "dull"] * 2
    assert d["path"][3]["life"]["pv"] == pytest.approx(pv5) and d["path"][3]["life"]["year_of_life"] == 5


def test_passing_path_names_the_tightest_rule(make_site):
    """The bright weather year alone passes 2026-2029 (40 %, then 39.6 % ... above 30 %): no failing
    year; the binding entry is the tightest row: the least load-share margin, 2029 (year 4):
    40 x 0.99 x 0.996^2 - 30 = 39.2838 - 30 = +9.28 pp."""
    site = _weather_site(make_site)
    p = check_path(site, range(2026, 2030), weathers=["bright"])
    assert p.first_failing_year is None and p.failing_years == [] and p.exit_code == 0
    b = p.binding
    assert b["year"] == 2029 and b["rule"] == "load_share"
    assert b["margin"] == pytest.approx(40 * 0.99 * 0.996 ** 2 - 30)
    assert p.result.site.year == 2026  # nothing fails: the first year is reported


def test_bad_paths(make_site):
    site = read_site(SAMPLES / "park-2026-day-types" / "size.yaml")
    with pytest.raises(InputError, match="bounds"):
        check_path(site, [2026])
    with pytest.raises(InputError, match="no year"):
        check_path(read_site(RAMP), [])
