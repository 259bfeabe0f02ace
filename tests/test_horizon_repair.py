"""The repair round of ``gdc size --years`` on typical days (gdc.optimise.horizon._fast).

Three typical days of sample_sites/ningxia-ramp (PV and wind free in 0-400 MW) under-state the
full year's self-use share (tests/test_typical_days.py shows it for one year). Over 2026-2027 the
first stacked design fails self_use_share (S / A >= 60 %) on a full year; the repair moves that
block's typical-day threshold to its typical-day margin + 1.1 x the full-year shortfall + 0.02 pp
(:func:`gdc.optimise.typical.repaired_tightening`), and the next design is certified on both full
years without falling back to the stacked full-year LP.
"""

from __future__ import annotations

from gdc.optimise.horizon import size_horizon
from gdc.optimise.typical import repaired_tightening
from tests.test_typical_days import ramp_sizing_site


def test_tightening_beats_the_typical_margin():
    """A rule slack on the typical days (margin 2 pp, shift so far 0.1 pp) that the full year misses
    by 0.5 pp: the new shift is 2 + 1.1 x 0.5 + 0.02 = 2.57 pp; a binding one (margin 0.1) gets
    0.1 + 0.57 = 0.67 pp; a rule not failing keeps its shift."""
    t = repaired_tightening({"self_use_share": 0.1, "load_share": 0.3}, {"self_use_share": 0.5},
                            {"self_use_share": 2.0, "load_share": 5.0})
    assert t == {"self_use_share": 2.57, "load_share": 0.3}
    assert repaired_tightening({"self_use_share": 0.1}, {"self_use_share": 0.5},
                               {"self_use_share": 0.1}) == {"self_use_share": 0.67}


def test_two_years_on_three_typical_days_are_repaired_and_certified(tmp_path):
    """Measured 2026-12-01: round 1 misses self_use_share by 12.12 pp (2026) and 11.58 pp (2027) on
    the full years; round 2's shifts are at least 1.1 x 12.12 + 0.02 = 13.35 pp and 1.1 x 11.58 +
    0.02 = 12.76 pp (plus each block's margin on its typical days: 13.35 and 13.24 pp), and its
    design (PV 64.8, wind 108.3 MW: the one-year repair's design in tests/test_typical_days.py) is
    certified on both full years."""
    site = ramp_sizing_site(tmp_path)
    r = size_horizon(site, [2026, 2027], n_days=3)
    h = r.extra["horizon"]
    assert h["certified"] and "fallback" not in h and h["rounds"] == 2
    first, second = h["history"]
    short = {f["year"]: f["rules"]["self_use_share"] for f in first["failing"]}
    assert set(short) == {2026, 2027} and not second["failing"]
    for year, pp in short.items():
        assert second["tighten_pp"][f"{year}/None"]["self_use_share"] >= 1.1 * pp + 0.02 - 1e-9
    built = h["build_plan"][0]["in_service"]
    assert abs(built["PV Lingwu"] - 64.8) < 0.1 and abs(built["Wind Helan"] - 108.3) < 0.1


def test_certificates_in_parallel_give_the_serial_result():
    """``workers=2`` certifies the blocks in two processes (the default of ``gdc size --years`` from
    4 blocks): the same design, cost and certificates as one process."""
    from pathlib import Path

    from gdc.site.read import read_site

    site = read_site(Path(__file__).resolve().parents[1] / "sample_sites" / "staged-storage" / "size.yaml")
    years = [2026, 2027, 2028, 2029, 2030]
    one = size_horizon(site, years, workers=1).extra["horizon"]
    two = size_horizon(site, years, workers=2).extra["horizon"]
    assert two["objective_cny_per_yr"] == one["objective_cny_per_yr"]
    assert two["build_plan"] == one["build_plan"] and two["certified"] and one["certified"]
