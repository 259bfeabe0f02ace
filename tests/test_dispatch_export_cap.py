"""The default (renewable-first) dispatch keeps the rule set's annual export caps (issue 10 §4).

Hand case (one day, weight 1): load 14 MW in hours 10-14 and 2 MW in the other 19 hours;
wind 20 MW x 0.1 pu = 2 MW in every hour; PV 100 MW with 0.28, 0.18, 0.23, 0.08, 0.13 pu in
hours 10-14 (0 otherwise). Available in hours 10-14: 30, 20, 25, 10, 15 MW; elsewhere 2 MW,
exactly the load.

    A = 100 + 2 x 19 = 138 MWh;  S = 14 x 4 + 10 + 2 x 19 = 104;  L = 14 x 5 + 2 x 19 = 108
    surplus in hours 10-14: 16, 6, 11, 0, 1 (34 MWh); the 12 MW connection keeps hour 10 at 12,
    so at most 12 + 6 + 11 + 0 + 1 = 30 MWh can be exported (4 MWh curtailed for the connection).

Export prices [CNY/kWh] in hours 10-14: 0.3, 0.5, 0.5, 0.8, 0.3 (0.3 elsewhere): the order
in which the budget is filled is hour 13 (0.8, nothing to export), hours 11 and 12 (0.5, tie:
11 first), hours 10 and 14 (0.3, tie: 10 first).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import SAMPLES, base_site

from gdc.check import check_file, check_site
from gdc.operation.dispatch import Design
from gdc.site.schema import read_site

HOURS = slice(10, 15)


def profiles() -> pd.DataFrame:
    h = np.arange(24)
    load = np.where((h >= 10) & (h <= 14), 14.0, 2.0)
    pv = np.zeros(24)
    pv[HOURS] = [0.28, 0.18, 0.23, 0.08, 0.13]
    price = np.full(24, 0.3)
    price[HOURS] = [0.3, 0.5, 0.5, 0.8, 0.3]
    return pd.DataFrame({"hour": h, "load_mw": load, "wind_pu": 0.1, "pv_pu": pv, "export_price": price})


def site(**changes):
    s = base_site(**changes)
    s["sources"][0]["capacity_mw"] = 20
    s["sources"][1]["capacity_mw"] = 100
    s["connection"] = {"voltage_kv": 110, "capacity_mw": 12, "spot_market": "continuous"}
    s["tariff"] = {"export_price": {"file": "p.csv", "column": "export_price"}}
    return s


def test_budget_fills_best_paid_hours_first_ties_by_hour_rest_curtailed(make_site):
    """National rules: E <= 20 % x A = 27.6 MWh.

    Hour 13 has nothing to export; hours 11 and 12 export 6 + 11 = 17 in full; the 0.3 tie
    goes to hour 10 first, which keeps the remaining 27.6 - 17 = 10.6 of its 12 MW; hour 14
    (same price, later) exports nothing. Exports 10.6, 6, 11, 0, 0 (E = 27.6, E/A = 20 %).
    Curtailment 16 - 10.6 = 5.4 in hour 10 and 1 in hour 14: C = 6.4 = 34 - 27.6.
    Self-use and imports do not change: S = 104, I = 108 - 104 = 4 (hour 13).
    """
    r = check_file(make_site(site(), profiles()))
    b, m = r.balance, r.metrics
    assert b.re_export[HOURS].tolist() == pytest.approx([10.6, 6.0, 11.0, 0.0, 0.0], abs=1e-9)
    assert b.curtailment[HOURS].tolist() == pytest.approx([5.4, 0.0, 0.0, 0.0, 1.0], abs=1e-9)
    assert (m.A, m.S, m.L, m.E, m.C, m.I) == pytest.approx((138.0, 104.0, 108.0, 27.6, 6.4, 4.0), abs=1e-9)
    assert m.export_share == pytest.approx(20.0, abs=1e-9) and m.export_share <= 20.0
    assert r.status == "pass"
    cap = r.extra["export_cap"]
    assert cap["budget_mwh"] == pytest.approx(27.6) and cap["exports_before_mwh"] == pytest.approx(30.0)
    assert cap["curtailed_mwh"] == pytest.approx(2.4, abs=1e-9)  # 30 - 27.6
    assert [c["rule"] for c in cap["caps"]] == ["export_share"]
    assert any("keeps the annual export cap (export_share: E <= 0.2 x A = 27.6 MWh" in n
               and "2.4 MWh of surplus beyond the cap is curtailed" in n for n in r.notes)
    assert not any("exports every surplus" in n for n in r.notes)


def test_overridden_threshold_and_the_tie_between_equal_prices(make_site):
    """Site override export_share 10 %: E <= 13.8 MWh. Hour 11 (0.5, earlier) keeps its 6 MW,
    hour 12 (0.5, later) the remaining 7.8 of 11, hours 10 and 14 (0.3) nothing:
    exports 0, 6, 7.8, 0, 0; curtailment 16, 0, 3.2, 0, 1 (C = 34 - 13.8 = 20.2)."""
    r = check_file(make_site(site(overrides={"export_share": {"threshold": 10}}), profiles()))
    assert r.balance.re_export[HOURS].tolist() == pytest.approx([0.0, 6.0, 7.8, 0.0, 0.0], abs=1e-9)
    assert r.balance.curtailment[HOURS].tolist() == pytest.approx([16.0, 0.0, 3.2, 0.0, 1.0], abs=1e-9)
    assert r.metrics.C == pytest.approx(20.2, abs=1e-9)
    assert r.status == "pass"


def test_review_rule_is_not_a_cap(make_site):
    """export_share as kind review: exceeding it asks for a special assessment, so the dispatch
    exports all it can (30 MWh, E/A = 21.74 %) and the verdict is review; the note says why."""
    r = check_file(make_site(site(overrides={"export_share": {"kind": "review"}}), profiles()))
    assert r.metrics.E == pytest.approx(30.0, abs=1e-9)
    assert r.metrics.export_share == pytest.approx(100 * 30 / 138, abs=1e-9)
    assert r.status == "review"
    assert any("export_share: kind review" in n for n in r.notes)


def test_export_share_of_supply_is_solved_exactly(make_site):
    """Inner Mongolia draft, hydrogen project (no_export off, E/(E+S) <= 20 % from 2028):
    S = 104 is fixed before exports, so E / (E + 104) <= 0.2 gives E <= 0.2 x 104 / 0.8 = 26.0.
    Hours 11, 12 export 17; hour 10 keeps 9 of 12. E/(E+S) = 26 / 130 = 20 % exactly.
    In 2026 the cap is 40 %: E <= 0.4 x 104 / 0.6 = 69.33 > 30, nothing curtailed for it."""
    over = {"no_export": {"kind": "off"}, "export_share_hydrogen": {"kind": "hard"}}
    s = site(jurisdiction="inner-mongolia-draft", year=2028, overrides=over)
    r = check_file(make_site(s, profiles()))
    assert r.extra["export_cap"]["budget_mwh"] == pytest.approx(26.0, abs=1e-9)
    assert r.balance.re_export[HOURS].tolist() == pytest.approx([9.0, 6.0, 11.0, 0.0, 0.0], abs=1e-9)
    assert r.metrics.export_share_of_supply == pytest.approx(20.0, abs=1e-9)
    assert r.status == "pass"
    s["year"] = 2026
    r = check_file(make_site(s, profiles()))
    assert r.extra["export_cap"]["budget_mwh"] == pytest.approx(0.4 * 104 / 0.6, abs=1e-9)
    assert r.metrics.E == pytest.approx(30.0, abs=1e-9) and r.extra["export_cap"]["curtailed_mwh"] == 0.0


def test_no_export_rule_curtails_every_surplus(make_site):
    """Inner Mongolia draft, ordinary project: no_export (E <= 0) is a budget of 0: the 34 MWh
    surplus is curtailed, E = 0, and the rule passes."""
    r = check_file(make_site(site(jurisdiction="inner-mongolia-draft"), profiles()))
    assert r.metrics.E == pytest.approx(0.0, abs=1e-12)
    assert r.metrics.C == pytest.approx(34.0, abs=1e-9)
    assert {v.rule.id: v.status for v in r.verdicts}["no_export"] == "pass"


def test_weighted_days_budget_in_weighted_mwh(make_site):
    """The same day with weight 3: every total triples (A = 414, budget 82.8 weighted MWh) and
    the hourly exports are the same as with weight 1."""
    r = check_file(make_site(site(days={"weights": [3]}), profiles()))
    assert r.extra["export_cap"]["budget_mwh"] == pytest.approx(3 * 27.6)
    assert r.balance.re_export[HOURS].tolist() == pytest.approx([10.6, 6.0, 11.0, 0.0, 0.0], abs=1e-9)
    assert r.metrics.E == pytest.approx(82.8, abs=1e-9)


def test_v3_tool_design_keeps_the_export_cap_as_the_tool_reports():
    """The V3 planning tool's own optimum on its own curves (sample_sites/v3-tool-flat-load):
    wind 192.725 MW, PV 78.372 MW, storage 22.739 MW / 45.477 MWh. The tool publishes
    (drshare/directopt-tauri, src-tauri/src/compute/v3_expected.json and
    docs/example/绿电直连新能源优化配置计算结果V3.0.md): 余电上网比例 20.0 %, 绿电比 (S/L)
    72.474 %, 下网电量 154,321.7 MWh, 弃电量 103,131.9 MWh (弃电率 16.12 %), 全年新能源最大发电量
    639,781.9 MWh, 自发自用占总可用电量比例 63.88 % (= (G - E) / A: it counts storage losses as
    self-use; gdc's S/A excludes them). Before the cap the renewable-first dispatch exported
    208,061 MWh, E/A = 32.5 %, fail.

    gdc: E = 20 % x 639,781.85 = 127,956.4 MWh; the tool's own numbers agree to 0.01 pp:
    S/L 72.473 %, I 154,327.6 MWh (+6 MWh, 0.004 %), C 103,112 MWh (-20 MWh; C/A 16.117 %),
    (G - E)/A 63.883 %.
    """
    site = read_site(SAMPLES / "v3-tool-flat-load" / "site.yaml")
    tool = Design({"wind": 192.7250104744364, "pv": 78.37249949366642}, 22.73862359098355, 45.47724718196709)
    r = check_site(site, design=tool)
    m = r.metrics
    assert m.A == pytest.approx(639_781.86, abs=0.1)
    assert m.export_share == pytest.approx(20.0, abs=1e-9)
    assert m.E == pytest.approx(0.2 * m.A, rel=1e-9)
    assert r.extra["export_cap"]["exports_before_mwh"] == pytest.approx(208_061, abs=1)
    assert m.load_share == pytest.approx(72.474, abs=0.01)
    assert m.I == pytest.approx(154_321.7, rel=1e-4)
    assert 100 * m.C / m.A == pytest.approx(16.12, abs=0.01)
    assert 100 * (m.G - m.E) / m.A == pytest.approx(63.88, abs=0.01)
    assert r.status == "pass"
