"""Rule sets: loading, inheritance, threshold schedules by year, site-attribute rules."""

from __future__ import annotations

import pytest
from conftest import base_site

from gdc.check import check_file
from gdc.rules.ruleset import ThresholdContext, available_rule_sets, load_rule_set, models_dir
from gdc.site.errors import InputError


def _threshold(jurisdiction: str, rule: str, year: int, start: int | None = None):
    r = load_rule_set(jurisdiction).get(rule)
    return r.threshold_at(ThresholdContext(year, start or year, lambda p: None))


def test_every_shipped_rule_set_loads():
    sets = available_rule_sets()
    assert {"national", "shandong", "ningxia", "hunan", "inner-mongolia-draft"} <= set(sets)
    for name in sets:
        rs = load_rule_set(name)
        assert rs.rules and all(r.source.doc for r in rs.rules if r.kind != "off")
    assert (models_dir() / "rules" / "national").is_dir()


def test_province_extends_national():
    sd = load_rule_set("shandong")
    assert sd.chain == ("national/2026-05", "shandong/2025-10")
    # overridden fields come from Shandong, the rest from the national rule
    assert sd.get("export_share").kind == "hard" and sd.get("export_share").source.doc == "sd-2025"
    assert sd.get("exchange_power").source.doc == "ndrc-650"
    assert {"same_county", "offshore", "utilisation"} <= {r.id for r in sd.rules}
    assert sd.defaults["spot_market"] == "continuous"


@pytest.mark.parametrize("year, expected", [(2025, 30), (2029, 30), (2030, 35), (2035, 35)])
def test_national_load_share_schedule(year, expected):
    """650/1192 as encoded: 30 % until 2029, 35 % from 2030."""
    assert _threshold("national", "load_share", year) == expected


@pytest.mark.parametrize("start, year, expected", [
    (2026, 2026, 30.0), (2026, 2027, 31.5), (2026, 2028, 33.0),
    (2026, 2029, 34.5),  # the ramp: '2030年前不低于35%' read as 35 % from 2030, as nationally
    (2026, 2030, 36.0), (2026, 2032, 39.0),
    (2028, 2029, 31.5), (2028, 2030, 35.0), (2025, 2028, 34.5),
])
def test_ningxia_ramp(start, year, expected):
    """Ningxia: max(30 + 1.5 (y - start), 35 from 2030)."""
    assert _threshold("ningxia", "load_share", year, start) == pytest.approx(expected)


def test_inner_mongolia_hydrogen_export_steps():
    assert _threshold("inner-mongolia-draft", "export_share_hydrogen", 2027) == 40
    assert _threshold("inner-mongolia-draft", "export_share_hydrogen", 2028) == 20


def test_unknown_and_fallback_jurisdictions():
    with pytest.raises(InputError) as e:
        load_rule_set("shangdong")
    assert "shandong" in str(e.value)
    js = load_rule_set("jiangsu")
    assert js.chain == ("national/2026-05",) and "national rules apply" in js.note
    assert load_rule_set("山东").jurisdiction == "shandong"


def _verdict(make_site, site, rule):
    r = check_file(make_site(site))
    return {v.rule.id: v for v in r.verdicts}[rule]


@pytest.mark.parametrize("jur, kv, grid330, status", [
    ("national", 110, False, "pass"), ("national", 220, False, "review"), ("national", 330, False, "fail"),
    ("national", 330, True, "review"), ("national", 500, True, "fail"),
    ("shandong", 110, False, "pass"), ("shandong", 220, False, "review"), ("shandong", 330, False, "fail"),
    ("ningxia", 35, False, "pass"), ("ningxia", 110, False, "pass"), ("ningxia", 220, False, "review"),
    ("ningxia", 330, True, "review"), ("ningxia", 330, False, "fail"), ("ningxia", 150, False, "fail"),
])
def test_voltage_paths(make_site, jur, kv, grid330, status):
    site = base_site(jurisdiction=jur, connection={"voltage_kv": kv, "capacity_mw": 100,
                                                   "spot_market": "continuous", "grid_330kv": grid330})
    v = _verdict(make_site, site, "voltage_level")
    assert v.status == status


@pytest.mark.parametrize("kv, km, status, margin", [
    (35, 20, "pass", 0.0), (35, 25, "fail", -5.0), (10, 21, "fail", -1.0),
    (110, 50, "pass", 0.0), (110, 55, "fail", -5.0), (220, 80, "n/a", None),
])
def test_ningxia_distance_paths(make_site, kv, km, status, margin):
    site = base_site(jurisdiction="ningxia",
                     connection={"voltage_kv": kv, "capacity_mw": 100, "spot_market": "continuous"})
    site["sources"][0]["distance_km"] = km
    v = _verdict(make_site, site, "line_distance")
    assert v.status == status
    assert v.margin == margin
    if status == "fail":
        assert "wf" in v.detail


@pytest.mark.parametrize("same, status", [(True, "pass"), (False, "review"), (None, "review")])
def test_shandong_same_county(make_site, same, status):
    site = base_site(jurisdiction="shandong")
    site["sources"][0]["same_county"] = same
    v = _verdict(make_site, site, "same_county")
    assert v.status == status
    if same is None:
        assert "not stated" in v.detail


def test_shandong_offshore_is_review(make_site):
    site = base_site(jurisdiction="shandong")
    site["sources"][0]["offshore"] = True
    assert _verdict(make_site, site, "offshore").status == "review"


@pytest.mark.parametrize("same, status", [(True, "pass"), (False, "fail")])
def test_ningxia_same_city(make_site, same, status):
    site = base_site(jurisdiction="ningxia")
    site["sources"][1]["same_city"] = same
    assert _verdict(make_site, site, "same_city").status == status


def test_shandong_utilisation_threshold_weighted(make_site):
    """Wind 48 MWh, PV 80 MWh a day: (96.4 x 48 + 96.3 x 80) / 128 = 96.3375 %."""
    v = _verdict(make_site, base_site(jurisdiction="shandong"), "utilisation")
    assert v.threshold == pytest.approx((96.4 * 48 + 96.3 * 80) / 128)
    assert v.status == "pass"


def test_site_override_changes_threshold_and_is_reported(make_site):
    """Load share is 46.67 %: an override to 50 % makes it fail, and says so."""
    site = base_site(overrides={"load_share": {"threshold": 50, "note": "stricter reading"}})
    v = _verdict(make_site, site, "load_share")
    assert v.status == "fail" and v.threshold == 50
    assert "site override" in v.rule.overridden


def test_unknown_override_names_the_rule(make_site):
    site = base_site(overrides={"load_shar": {"threshold": 50}})
    with pytest.raises(InputError) as e:
        check_file(make_site(site))
    assert "load_share" in str(e.value) and e.value.field == "overrides.load_shar"


def test_spot_market_unknown_gives_review_only_when_exporting(make_site):
    """National rules have no spot-market default: exporting without stating it is review."""
    site = base_site(connection={"voltage_kv": 110, "capacity_mw": 100})
    v = _verdict(make_site, site, "no_export_without_spot")
    assert v.status == "review" and "spot_market" in v.detail
