"""The pre-screen of ``gdc screen --mode size``: its bounds hold for every design, and it drops what cannot pass."""

from __future__ import annotations

import itertools
import sys

import pytest
from conftest import base_site

from gdc.check import check_site
from gdc.operation.dispatch import Design
from gdc.profiles.series import get_profiles
from gdc.screen.evaluate import NO_SIZE, run_candidate
from gdc.screen.prescreen import bounds, prescreen
from gdc.screen.runner import screen
from gdc.site.schema import read_site


def sized_site(make_site, wind=(0, 30), pv=(0, 40), power=(0, 5), energy=(0, 20), **changes):
    data = base_site(**changes)
    data["sources"][0]["capacity_mw"] = {"min": wind[0], "max": wind[1]}
    data["sources"][1]["capacity_mw"] = {"min": pv[0], "max": pv[1]}
    if power is not None:
        data["storage"] = {"power_mw": {"min": power[0], "max": power[1]},
                           "energy_mwh": {"min": energy[0], "max": energy[1]}}
    return read_site(make_site(data))


def test_bound_is_hand_derived(make_site):
    # hand day: load 10 MW; wind 0.2 pu all day; PV 0.5 pu in hours 8-15. With wind <= 5 MW (1 MW),
    # PV <= 4 MW (2 MW) and no storage: S <= 16 h x 1 + 8 h x 3 = 40 MWh of 240 -> 16.67 %.
    site = sized_site(make_site, wind=(0, 5), pv=(0, 4), power=None)
    b = bounds(site, get_profiles(site))
    assert b.load_share_max == pytest.approx(100 * 40 / 240)
    assert b.self_use_share_max is None  # minimum capacities generate nothing
    assert b.min_import_peak_mw == pytest.approx(9.0)  # 10 - 1 in the night hours
    # storage power 2 MW: every hour could get 2 MW more, but the energy bound (A <= 40 MWh) binds
    site = sized_site(make_site, wind=(0, 5), pv=(0, 4), power=(0, 2), energy=(0, 100))
    assert bounds(site, get_profiles(site)).load_share_max == pytest.approx(100 * 40 / 240)
    site = sized_site(make_site, wind=(0, 60), pv=(0, 4), power=(0, 2), energy=(0, 100))
    # wind 12 MW: every hour min(10, 12 + ...) = 10 -> 100 %
    assert bounds(site, get_profiles(site)).load_share_max == pytest.approx(100.0)


def test_bound_holds_for_every_design_tried(make_site):
    site = sized_site(make_site, wind=(0, 50), pv=(0, 40), power=(0, 5), energy=(0, 20))
    profiles = get_profiles(site)
    b = bounds(site, profiles)
    assert b.load_share_max == pytest.approx(100.0)  # wind 50 MW gives 10 MW in every hour
    achieved = []
    for w, p, (pw, e) in itertools.product((0, 5, 10, 30, 50), (0, 10, 20, 40), ((0, 0), (2, 8), (5, 20))):
        if w == p == 0:
            continue  # A = 0: S/A undefined, check_site refuses it as bad input (issue 10)
        r = check_site(site, design=Design({"wf": w, "pv": p}, pw, e), profiles=profiles)
        achieved.append(r.metrics.load_share)
        assert r.metrics.load_share <= b.load_share_max + 1e-9
    assert max(achieved) == pytest.approx(b.load_share_max)  # reached: the bound is tight here
    # a tighter site: wind at most 10 MW (2 MW), PV at most 20 (10 MW in 8 h), storage 5 MW / 20 MWh
    site = sized_site(make_site, wind=(0, 10), pv=(0, 20), power=(0, 5), energy=(0, 20))
    b = bounds(site, profiles)
    assert b.load_share_max == pytest.approx(100 * min(16 * 7 + 8 * 10, 16 * 2 + 8 * 12) / 240)
    for w, p, pw, e in itertools.product((0, 5, 10), (0, 10, 20), (0, 2.5, 5), (0, 10, 20)):
        if w == p == 0:
            continue  # A = 0 (see above)
        r = check_site(site, design=Design({"wf": w, "pv": p}, pw, e), profiles=profiles)
        assert r.metrics.load_share <= b.load_share_max + 1e-9


def test_bound_holds_for_the_optimiser(make_site):
    size = pytest.importorskip("gdc.optimise.size")
    site = sized_site(make_site, wind=(0, 10), pv=(0, 20), power=(0, 5), energy=(0, 20))
    b = bounds(site, get_profiles(site))
    r = size.size_site(site)
    assert r.metrics.load_share <= b.load_share_max + 1e-6


def test_self_use_bound_with_large_minimum_capacities(make_site):
    # an existing 100 MW wind farm (20 MW all day) on a 10 MW load: S/A <= 240 / 480 = 50 % < 60 %
    site = sized_site(make_site, wind=(100, 120), pv=(0, 10), power=(0, 5), energy=(0, 10))
    profiles = get_profiles(site)
    b = bounds(site, profiles)
    assert b.self_use_share_max == pytest.approx(50.0)
    for w, p in itertools.product((100, 110, 120), (0, 10)):
        r = check_site(site, design=Design({"wf": w, "pv": p}, 5, 10), profiles=profiles)
        assert r.metrics.self_use_share <= b.self_use_share_max + 1e-9
    reasons = prescreen(site, profiles)
    assert any(x.startswith("self_use_share:") for x in reasons)


def test_prescreen_drops_what_cannot_pass_and_keeps_what_can(make_site):
    small = sized_site(make_site, wind=(0, 5), pv=(0, 4), power=None)
    reasons = prescreen(small, get_profiles(small))
    assert any(x.startswith("load_share:") and "16.67 %" in x and ">= 30 %" in x for x in reasons)
    assert any(x.startswith("exchange_power:") for x in reasons) is False  # 9 MW < 100 MW connection
    ok = sized_site(make_site)
    assert prescreen(ok, get_profiles(ok)) == []
    # a site attribute that fails whatever is built: 330 kV under the national rules
    hv = sized_site(make_site, connection={"voltage_kv": 330, "capacity_mw": 100, "spot_market": "continuous"})
    (reason,) = prescreen(hv, get_profiles(hv))
    assert reason.startswith("voltage_level:") and "330" in reason
    # a small connection: the import peak cannot stay within it
    tight = sized_site(make_site, wind=(0, 5), pv=(0, 4), power=None,
                       connection={"voltage_kv": 110, "capacity_mw": 5, "spot_market": "continuous"})
    assert any(x.startswith("exchange_power:") for x in prescreen(tight, get_profiles(tight)))


def test_size_batch_reports_infeasible_with_the_reason(make_site, tmp_path):
    sized_site(make_site)  # writes site.yaml with bounds and p.csv
    csv = tmp_path / "c.csv"
    csv.write_text("id,base,sources[0].capacity_mw,sources[1].capacity_mw,jurisdiction,sources[0].distance_km\n"
                   "small,site.yaml,\"{min: 0, max: 5}\",\"{min: 0, max: 4}\",,\n"
                   "far,site.yaml,,,ningxia,60\n"
                   "fine,site.yaml,,,,\n")
    res = screen(csv, tmp_path / "out", mode="size", workers=1, progress=False)
    df = res.table.set_index("id")
    assert df.loc["small", "status"] == "infeasible" and "load share S/L can reach at most 16.67 %" in df.loc["small", "error"]
    assert df.loc["far", "status"] == "infeasible" and df.loc["far", "error"].startswith("line_distance:")
    if "gdc.optimise.size" in sys.modules or _has_size():
        assert df.loc["fine", "status"] in ("pass", "review")
        assert df.loc["fine", "cost_cny_per_mwh"] > 0
    else:
        assert df.loc["fine", "error"] == NO_SIZE


def _has_size() -> bool:
    import importlib.util

    return importlib.util.find_spec("gdc.optimise.size") is not None


def test_size_mode_without_gdc_size(make_site, monkeypatch):
    site = sized_site(make_site)
    monkeypatch.setitem(sys.modules, "gdc.optimise.size", None)  # as if not installed
    row = run_candidate(site, "size")
    assert row["status"] == "error" and row["error"] == NO_SIZE
