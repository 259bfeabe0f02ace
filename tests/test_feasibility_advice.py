"""Issue 10 section 6: "what would make it feasible" is the least change of one bound.

Each advised value is checked the only way that proves it is the least: the sizing LP is
re-solved with that bound at the advised value (feasible, and the checker passes the design)
and 0.1 % short of it (infeasible). The sites are the 2026 Electrician Cup park on its 24
weighted day types (``sample_sites/park-2026-day-types/size.yaml``), with one bound tightened.

Numbers used below, from the sample's files (weights x 24 hours of ``day_types.csv``):
load L = 201,139.2 MWh/yr; one MW of wind yields 2,335.458 MWh/yr, one MW of PV 1,217.7 MWh/yr.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace

import pytest
import yaml
from conftest import SAMPLES

from gdc.optimise.model import CapacityBounds
from gdc.optimise.size import size_site
from gdc.site.errors import InfeasibleError
from gdc.site.schema import read_site

PARK = SAMPLES / "park-2026-day-types"
L_MWH = 201_139.2
WIND_MWH_PER_MW = 2_335.458
PV_MWH_PER_MW = 1_217.7


def park(tmp_path, edit) -> object:
    """The park's sizing site with ``edit(data)`` applied, written next to copies of its CSVs."""
    for f in ("day_types.csv", "weights.csv"):
        shutil.copy(PARK / f, tmp_path / f)
    data = yaml.safe_load((PARK / "size.yaml").read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "size.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return read_site(path)


def source(data: dict, name: str) -> dict:
    return next(s for s in data["sources"] if s["name"] == name)


def explanation(site):
    with pytest.raises(InfeasibleError) as e:
        size_site(site)
    return e.value.explanation


def advice(exp, name: str) -> dict:
    return next(a for a in exp.advice if a["name"] == name)


def with_bound(site, name: str, side: str, value: float) -> CapacityBounds:
    """The site's capacity bounds with one bound (``side`` of ``name``) set to ``value``."""
    b = CapacityBounds.from_site(site)
    if name in b.sources:
        lo, hi = b.sources[name]
        return replace(b, sources={**b.sources, name: (lo, value) if side == "max" else (value, hi)})
    lo, hi = getattr(b, name)
    return replace(b, **{name: (lo, value) if side == "max" else (value, hi)})


def assert_least(site, name: str, side: str, advised: float) -> object:
    """Feasible and passing at ``advised``; infeasible 0.1 % beyond it on the wrong side."""
    res = size_site(site, bounds=with_bound(site, name, side, advised))
    assert res.status == "pass"
    short = advised * (1 - 1e-3) if side == "max" else advised * (1 + 1e-3)
    with pytest.raises(InfeasibleError):
        size_site(site, bounds=with_bound(site, name, side, short))
    return res


@pytest.fixture(scope="module")
def wind10(tmp_path_factory):
    """Wind at most 10 MW and PV at most 30 MW (wind at most 10 MW alone still complies:
    PV and storage make up for it)."""
    def edit(d):
        source(d, "wind")["capacity_mw"] = {"min": 0, "max": 10}
        source(d, "pv")["capacity_mw"] = {"min": 0, "max": 30}

    site = park(tmp_path_factory.mktemp("wind10"), edit)
    return site, explanation(site)


def test_wind_advice_is_the_least_wind(wind10):
    """The load share (S/L >= 30 %) falls 0.43 pp short: 0.0043 x 201,139 = 865 MWh (the
    residual LP: 862.3 MWh). Each extra MW of wind yields 2,335.5 MWh, so at least
    862.3 / 2,335.5 = 0.369 MW more wind is needed; the LP needs 0.3747 MW (98.5 % of the
    extra wind's energy self-consumed): wind >= 10.3747 MW, where the previous advice said
    127.1 MW (the least-cost design with every bound opened, not the least change).
    PV alone needs 30.7732 MW (862.3 / 1,217.7 = 0.708 MW is the same lower bound for PV).
    Storage cannot fix it: the residual LP's reduced cost of storage power and energy is 0."""
    site, exp = wind10
    assert [s["rule"] for s in exp.shortfalls] == ["load_share"]
    assert exp.shortfalls[0]["shortfall"] * L_MWH / 100 == pytest.approx(862.3, abs=5.0)
    wind, pv = advice(exp, "wind"), advice(exp, "pv")
    assert wind["bound"] == "sources.wind.capacity_mw.max" and wind["current"] == 10.0 and wind["unit"] == "MW"
    assert wind["advised"] == pytest.approx(10.3747, abs=1e-3)
    assert wind["advised"] - 10.0 > 862.3 / WIND_MWH_PER_MW
    assert pv["advised"] == pytest.approx(30.7732, abs=1e-3)
    assert pv["advised"] - 30.0 > 862.3 / PV_MWH_PER_MW
    assert [r["id"] for r in wind["rules"]] == ["load_share"]
    assert advice(exp, "storage_power")["advised"] is None
    assert advice(exp, "storage_energy")["advised"] is None
    res = assert_least(site, "wind", "max", wind["advised"])
    load_share = next(v for v in res.verdicts if v.rule.id == "load_share")
    assert load_share.margin == pytest.approx(0.0, abs=1e-4)  # the rule that holds the advice binds
    assert "127.1" not in exp.text()


def test_pv_advice_re_solves(wind10):
    """The PV advice, checked the same way (30.7732 MW feasible, 0.1 % less infeasible)."""
    site, exp = wind10
    assert_least(site, "pv", "max", advice(exp, "pv")["advised"])


def test_advice_in_words_and_as_data(wind10):
    """The sentence names the rule in its own words and threshold, in English and Chinese,
    rounded outward (10.3747 -> 10.4 MW); the JSON carries the exact numbers."""
    _, exp = wind10
    en, zh = exp.text("en"), exp.text("zh")
    assert ("wind: at least 10.4 MW (the site allows at most 10 MW); below it “Self-consumed renewables "
            "as share of total consumption ≥ 30 %” cannot be met") in en
    assert "storage power: no value of this bound alone makes it feasible" in en
    assert "wind：至少 10.4 MW（场址允许至多 10 MW）；低于此值时“自发自用电量占总用电量比例 ≥ 30 %”无法满足" in zh
    assert "储能功率：仅调整此项" in zh
    data = json.loads(json.dumps(exp.as_dict(), ensure_ascii=False))
    first = data["advice"][0]
    assert {"bound", "current", "advised", "unit", "rules"} <= set(first)
    assert first["rules"][0]["id"] == "load_share" and first["rules"][0]["threshold"] == 30.0


@pytest.fixture(scope="module")
def pv_only_2030(tmp_path_factory):
    """The park with PV only, in 2030 (load share >= 35 %), storage energy at most 20 MWh."""
    def edit(d):
        d["year"] = 2030
        d["sources"] = [s for s in d["sources"] if s["name"] != "wind"]
        d["storage"]["energy_mwh"] = {"min": 0, "max": 20}

    site = park(tmp_path_factory.mktemp("pv2030"), edit)
    return site, explanation(site)


def test_storage_advice_where_two_rules_conflict(pv_only_2030):
    """PV alone must give S >= 35 % of L = 70,398.7 MWh with S >= 60 % of A: A <= S / 0.6.
    Without enough storage the midday surplus is lost and the two conflict; with the least
    storage both bind: A = 0.35 L / 0.6 = 117,331 MWh, PV = 117,331 / 1,217.7 = 96.355 MW.
    The LP's least storage energy is 53.8215 MWh; at 53.77 MWh nothing complies. More PV or
    more storage power alone cannot fix it (the residual's reduced costs are 0)."""
    site, exp = pv_only_2030
    energy = advice(exp, "storage_energy")
    assert energy["bound"] == "storage.energy_mwh.max" and energy["current"] == 20.0 and energy["unit"] == "MWh"
    assert energy["advised"] == pytest.approx(53.8215, abs=1e-3)
    assert {r["id"] for r in energy["rules"]} == {"self_use_share", "load_share"}
    assert advice(exp, "pv")["advised"] is None and advice(exp, "storage_power")["advised"] is None
    res = assert_least(site, "storage_energy", "max", energy["advised"])
    assert res.design.capacities_mw["pv"] == pytest.approx(0.35 * L_MWH / 0.6 / PV_MWH_PER_MW, rel=1e-4)
    assert ("storage energy: at least 53.9 MWh (the site allows at most 20 MWh); below it "
            "“Self-consumed share of available generation ≥ 60 %” and “Self-consumed renewables as share "
            "of total consumption ≥ 35 %” conflict") in exp.text()


def test_a_fixed_capacity_too_large_is_lowered(tmp_path):
    """PV fixed at 200 MW (243,540 MWh/yr), no storage: the self-use share (S >= 60 % of A)
    cannot be met, as S <= L = 201,139 MWh < 0.6 x 243,540 = 146,124 MWh is not the limit but
    the daytime load is. The advice lowers the fixed value to the largest that complies
    (91.2 MW shown, rounded down); 0.1 % more is infeasible."""
    def edit(d):
        source(d, "wind")["capacity_mw"] = {"min": 0, "max": 10}
        source(d, "pv")["capacity_mw"] = 200
        del d["storage"]

    site = park(tmp_path, edit)
    exp = explanation(site)
    pv = advice(exp, "pv")
    assert pv["bound"] == "sources.pv.capacity_mw" and pv["side"] == "min" and pv["fixed"]
    assert 91.2 <= pv["advised"] < 91.3
    assert "pv: at most 91.2 MW (the site fixes it at 200 MW)" in exp.text()
    b = CapacityBounds.from_site(site)
    res = size_site(site, bounds=replace(b, sources={**b.sources, "pv": (pv["advised"],) * 2}))
    assert res.status == "pass"
    more = pv["advised"] * (1 + 1e-3)
    with pytest.raises(InfeasibleError):
        size_site(site, bounds=replace(b, sources={**b.sources, "pv": (more, more)}))
