"""Rule files are validated by a schema when they load: every shipped file passes, every typo is an InputError.

The typo tests copy the shipped national and Ningxia files to a temporary folder, break
one thing, and load them through the same loader (``load_rule_set(..., root=folder)``).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from conftest import REPO, base_site

from gdc.check import check_file
from gdc.rules import ruleset as rules_module
from gdc.rules.ruleset import (
    RuleFile,
    ThresholdContext,
    available_rule_sets,
    load_rule_set,
    parse_threshold,
    resolve_threshold,
    rules_json_schema,
)
from gdc.site.errors import InputError
from gdc.site.schema import parse_site

SHIPPED = REPO / "models" / "rules"
NATIONAL = yaml.safe_load((SHIPPED / "national" / "2026-05.yaml").read_text(encoding="utf-8"))
NINGXIA = yaml.safe_load((SHIPPED / "ningxia" / "2025-12.yaml").read_text(encoding="utf-8"))


def test_every_shipped_rule_file_validates():
    """Every file under models/rules, every version (not only the latest), loads and validates."""
    files = sorted(SHIPPED.rglob("*.yaml"))
    sets = available_rule_sets()
    assert len(files) == sum(len(v) for v in sets.values()) == 8  # no file outside <jurisdiction>/<version>.yaml
    for f in files:
        RuleFile.model_validate(yaml.safe_load(f.read_text(encoding="utf-8")))
        rs = load_rule_set(f.parent.name, f.stem)
        assert rs.key == f"{f.parent.name}/{f.stem}" and rs.rules


def _rule(data: dict[str, Any], rid: str) -> dict[str, Any]:
    return next(r for r in data["rules"] if r["id"] == rid)


def _write(root: Path, national: dict[str, Any], ningxia: dict[str, Any] | None = None) -> Path:
    (root / "national").mkdir(parents=True)
    (root / "national" / "2026-05.yaml").write_text(yaml.safe_dump(national, allow_unicode=True), encoding="utf-8")
    if ningxia is not None:
        (root / "ningxia").mkdir()
        (root / "ningxia" / "2025-12.yaml").write_text(yaml.safe_dump(ningxia, allow_unicode=True), encoding="utf-8")
    return root


def test_an_unbroken_copy_loads_the_same(tmp_path):
    """The copies load from their folder to the same rules as the shipped files."""
    root = _write(tmp_path, NATIONAL, NINGXIA)
    assert load_rule_set("ningxia", root=root).rules == load_rule_set("ningxia").rules


# (what breaks, which set is loaded, file named, field named, in the message, in the fix)
TYPOS = [
    ("unknown key", lambda n, x: _rule(n, "load_share").update(treshold=35), "national",
     "national/2026-05.yaml", "rules.load_share.treshold", "unknown key 'treshold'", "did you mean 'threshold'?"),
    ("threshold as text", lambda n, x: _rule(n, "self_use_share").update(threshold="60"), "national",
     "national/2026-05.yaml", "rules.self_use_share.threshold", "cannot be text", "without quotes"),
    ("ramp without per_year", lambda n, x: _rule(x, "load_share").update(threshold={"ramp": {"base": 30}}), "ningxia",
     "ningxia/2025-12.yaml", "rules.load_share.threshold.ramp.per_year", "'per_year' is missing",
     "{ramp: {base: 30, per_year: 1.5}"),
    ("unknown threshold form", lambda n, x: _rule(n, "load_share").update(threshold={"step": {2025: 30}}), "national",
     "national/2026-05.yaml", "rules.load_share.threshold", "unknown threshold form", "did you mean 'steps'?"),
    ("step as text", lambda n, x: _rule(n, "load_share").update(threshold={"steps": {2025: "30"}}), "national",
     "national/2026-05.yaml", "rules.load_share.threshold.steps.2025", "valid number", "without quotes"),
    ("floor misspelt", lambda n, x: _rule(x, "load_share")["threshold"].update(flor={2029: 35}), "ningxia",
     "ningxia/2025-12.yaml", "rules.load_share.threshold.flor", "unknown key 'flor'", "did you mean 'floor'?"),
    ("lookup row without a condition", lambda n, x: _rule(n, "voltage_level")["threshold"]["table"][0].pop("equals"),
     "national", "national/2026-05.yaml", "rules.voltage_level.threshold.table[0]", "exactly one of 'up_to'",
     "{up_to: 35, value: 20}"),
    ("grid rate without its year",
     lambda n, x: _rule(n, "self_use_share").update(threshold={"grid_utilisation": {"wind": 96.4, "pv": 96.3}}),
     "national", "national/2026-05.yaml", "rules.self_use_share.threshold.grid_utilisation.year", "'year' is missing",
     "year: 2024"),
    ("unknown site attribute", lambda n, x: _rule(n, "exchange_power").update(threshold={"site": "connection.capacty_mw"}),
     "national", "national/2026-05.yaml", "rules.exchange_power.threshold.site", "not a site attribute",
     "did you mean 'connection.capacity_mw'?"),
    ("unknown metric", lambda n, x: _rule(n, "load_share").update(metric="load_shares"), "national",
     "national/2026-05.yaml", "rules.load_share.metric", "unknown metric 'load_shares'", "did you mean 'load_share'?"),
    ("confidence letter", lambda n, x: _rule(x, "same_city").update(confidence="X"), "ningxia",
     "ningxia/2025-12.yaml", "rules.same_city.confidence", "'O', 'P', 'R' or 'D'", "O official text read"),
    ("unknown kind", lambda n, x: _rule(n, "fees").update(kind="hardd"), "national",
     "national/2026-05.yaml", "rules.fees.kind", "(got 'hardd')", "hard, review, param, checklist or off"),
    ("operator", lambda n, x: _rule(n, "voltage_level")["review_if"].update(op="="), "national",
     "national/2026-05.yaml", "rules.voltage_level.review_if.op", "(got '=')", '">="'),
    ("applies_if value", lambda n, x: _rule(n, "off_grid_adequacy").update(applies_if={"project_type": "offgrid"}),
     "national", "national/2026-05.yaml", "rules.off_grid_adequacy.applies_if", "never 'offgrid'",
     "did you mean 'off-grid'?"),
    ("applies_if key", lambda n, x: _rule(n, "off_grid_adequacy").update(applies_if={"projecttype": "off-grid"}),
     "national", "national/2026-05.yaml", "rules.off_grid_adequacy.applies_if", "'projecttype' is not a site attribute",
     "did you mean 'project_type'?"),
    ("review_if_unknown", lambda n, x: _rule(n, "no_export_without_spot").update(review_if_unknown="spotmarket"),
     "national", "national/2026-05.yaml", "rules.no_export_without_spot.review_if_unknown",
     "not a connection attribute", "did you mean 'spot_market'?"),
    ("extends a missing set", lambda n, x: x.update(extends="national/2026-04"), "ningxia",
     "ningxia/2025-12.yaml", "extends", "no rule set 'national/2026-04'", "did you mean 'national/2026-05'?"),
    ("extends in a loop", lambda n, x: n.update(extends="ningxia/2025-12"), "ningxia",
     "national/2026-05.yaml", "extends", "loop: ningxia/2025-12 -> national/2026-05 -> ningxia/2025-12", "must not"),
    ("duplicate rule id", lambda n, x: n["rules"].append(copy.deepcopy(_rule(n, "fees"))), "national",
     "national/2026-05.yaml", "rules.fees.id", f"appears twice in this file (rules[{[r['id'] for r in NATIONAL['rules']].index('fees')}] and "
     f"rules[{len(NATIONAL['rules'])}])", "merge"),
    ("rule without an id", lambda n, x: n["rules"].append({"name_en": "x"}), "national",
     "national/2026-05.yaml", f"rules[{len(NATIONAL['rules'])}].id", "'id' is missing", "add 'id'"),
    ("unknown document", lambda n, x: _rule(n, "metering")["source"].update(doc="ndrc-65"), "national",
     "national/2026-05.yaml", "rules.metering.source.doc", "unknown document 'ndrc-65'", "did you mean 'ndrc-650'?"),
    ("document without a title", lambda n, x: n["documents"]["ndrc-650"].pop("zh"), "national",
     "national/2026-05.yaml", "documents.ndrc-650.zh", "'zh' is missing", "add 'zh'"),
    ("defaults misspelt", lambda n, x: x.update(defaults={"spot_markt": None}), "ningxia",
     "ningxia/2025-12.yaml", "defaults.spot_markt", "unknown key", "did you mean 'spot_market'?"),
    ("version as a number", lambda n, x: x.update(version=2025), "ningxia",
     "ningxia/2025-12.yaml", "version", "valid string (got 2025)", 'quote it'),
    ("version not the file name", lambda n, x: x.update(version="2025-11"), "ningxia",
     "ningxia/2025-12.yaml", "version", "named '2025-12' but says version '2025-11'", 'version: "2025-12"'),
    ("jurisdiction not the folder", lambda n, x: x.update(jurisdiction="ningxia-2"), "ningxia",
     "ningxia/2025-12.yaml", "jurisdiction", "folder 'ningxia'", "jurisdiction: ningxia"),
    ("hard rule without a metric", lambda n, x: _rule(n, "metering").update(kind="hard"), "national",
     "national/2026-05.yaml", "rules.metering.metric", "of kind hard needs a 'metric'", "kind: checklist"),
    ("a province's rule missing a threshold", lambda n, x: x["rules"].append(
        {"id": "new_cap", "name_zh": "新", "name_en": "new", "metric": "export_share", "op": "<=",
         "source": {"doc": "nx-784"}, "confidence": "P"}), "ningxia",
     "ningxia/2025-12.yaml", "rules.new_cap.threshold", "needs a 'threshold'", "add 'threshold'"),
    ("yes/no rule with a number", lambda n, x: _rule(x, "same_city").update(threshold=1), "ningxia",
     "ningxia/2025-12.yaml", "rules.same_city.threshold", "yes/no quantity (all_sources_same_city)", "threshold: true"),
    ("numeric rule with true/false", lambda n, x: _rule(n, "self_use_share").update(threshold=True), "national",
     "national/2026-05.yaml", "rules.self_use_share.threshold", "cannot be true/false", "a number"),
    ("a rule without its confidence", lambda n, x: _rule(n, "fees").pop("confidence"), "national",
     "national/2026-05.yaml", "rules.fees.confidence", "has no 'confidence'", "states its confidence"),
]


@pytest.mark.parametrize("what, mutate, which, file, field, message, fix", TYPOS, ids=[t[0] for t in TYPOS])
def test_typo_is_a_load_time_input_error(tmp_path, what, mutate, which, file, field, message, fix):
    national, ningxia = copy.deepcopy(NATIONAL), copy.deepcopy(NINGXIA)
    mutate(national, ningxia)
    root = _write(tmp_path, national, ningxia)
    with pytest.raises(InputError) as e:
        load_rule_set(which, root=root)
    err = e.value
    assert Path(err.file).resolve() == (root / file).resolve(), str(err)
    assert err.field == field, str(err)
    assert message in err.message and fix in err.fix, str(err)
    rid = field.split(".")[1] if field.startswith("rules.") else None
    if rid:  # the message names the rule too
        assert f"rule '{rid}'" in err.message


def test_several_problems_report_the_first_and_count_the_rest(tmp_path):
    national = copy.deepcopy(NATIONAL)
    _rule(national, "metering").update(kind="x")    # rules[10]
    _rule(national, "fees").update(confidence="Q")  # rules[11]
    with pytest.raises(InputError) as e:
        load_rule_set("national", root=_write(tmp_path, national))
    assert e.value.field == "rules.metering.kind" and "(and 1 more problem in this file)" in e.value.message


def test_not_yaml_and_not_a_rule_file(tmp_path):
    (tmp_path / "national").mkdir()
    f = tmp_path / "national" / "2026-05.yaml"
    f.write_text("rules: [\n", encoding="utf-8")
    with pytest.raises(InputError, match="not valid YAML at line 2"):
        load_rule_set("national", root=tmp_path)
    f.write_text("- a list\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_rule_set("national", root=tmp_path)
    assert e.value.field == "rules"


# ----------------------------------------------------------------------------- threshold forms


@pytest.mark.parametrize("spec, year, start, expected", [
    (60, 2026, 2026, 60),
    (True, 2026, 2026, True),
    ({"steps": {2025: 30, 2030: 35}}, 2029, 2026, 30),  # latest step at or before 2029: 2025's
    ({"steps": {2025: 30, 2030: None}}, 2031, 2026, None),  # null: no threshold from 2030
    ({"ramp": {"base": 30, "per_year": 1.5}}, 2028, 2026, 33.0),  # 30 + 1.5 x 2
    ({"ramp": {"base": 30, "per_year": 1.5}, "floor": {2029: 35}}, 2029, 2026, 35),  # 34.5 < floor 35
    ({"site": "connection.capacity_mw"}, 2026, 2026, 100),
    ({"lookup": "connection.voltage_kv", "table": [{"up_to": 35, "value": 20}, {"up_to": 110, "value": 50}]},
     2026, 2026, 50),  # 110 kV: the first row with 110 <= up_to
    ({"lookup": "connection.grid_330kv", "table": [{"equals": False, "value": 220}, {"equals": True, "value": 330}]},
     2026, 2026, 220),
    ({"grid_utilisation": {"wind": 96.4, "pv": 96.3, "year": 2024}}, 2026, 2026, 96.4),  # no generation: the larger
])
def test_every_threshold_form_validates_and_resolves(spec, year, start, expected):
    """Each form of the module docstring passes the schema and resolves as documented (site: 110 kV, 100 MW)."""
    attrs = {"connection.capacity_mw": 100, "connection.voltage_kv": 110, "connection.grid_330kv": False}
    assert parse_threshold(spec) is spec
    assert resolve_threshold(spec, ThresholdContext(year, start, attrs.get)) == expected


def test_a_malformed_threshold_is_an_input_error_not_a_key_error():
    """The issue's example: a ramp without per_year was KeyError 'per_year' (exit 3) at evaluation."""
    with pytest.raises(InputError) as e:
        parse_threshold({"ramp": {"base": 30}})
    assert e.value.field == "threshold.ramp.per_year"
    with pytest.raises(ValueError, match="malformed threshold"):  # unvalidated: still not a KeyError
        resolve_threshold({"ramp": {"base": 30}}, ThresholdContext(2026, 2026, lambda p: None))


def test_a_broken_rule_file_exits_2_in_the_cli(tmp_path, monkeypatch, make_site):
    """gdc check and gdc rules on a broken shipped file: one message, exit code 2, no traceback."""
    from gdc.cli.main import main

    ningxia = copy.deepcopy(NINGXIA)
    _rule(ningxia, "load_share").update(threshold={"ramp": {"base": 30}})
    _write(tmp_path / "models" / "rules", copy.deepcopy(NATIONAL), ningxia)
    monkeypatch.setattr(rules_module, "models_dir", lambda: tmp_path / "models")
    load_rule_set.cache_clear()
    try:
        for args in (["rules", "ningxia"], ["check", str(make_site(base_site(jurisdiction="ningxia")))]):
            res = CliRunner().invoke(main, args)
            assert res.exit_code == 2, res.output
            assert "rules.load_share.threshold.ramp.per_year" in res.output and "Traceback" not in res.output
    finally:
        load_rule_set.cache_clear()


# ----------------------------------------------------------------------------- site overrides


@pytest.mark.parametrize("jurisdiction, overrides, field, message", [
    ("national", {"metering": {"kind": "hard"}}, "overrides.metering.kind", "of kind hard needs a 'metric'"),
    ("national", {"metering": {"threshold": 3}}, "overrides.metering.threshold", "checklist item"),
    ("shandong", {"same_county": {"threshold": 1}}, "overrides.same_county.threshold", "yes/no quantity"),
])
def test_site_overrides_are_validated_like_rule_files(make_site, jurisdiction, overrides, field, message):
    site = make_site(base_site(jurisdiction=jurisdiction, overrides=overrides))
    with pytest.raises(InputError) as e:
        check_file(site)
    assert e.value.field == field and message in e.value.message
    assert Path(e.value.file).name == "site.yaml"


def test_overrides_given_as_mappings_are_validated_and_applied():
    """A mapping override takes any threshold form: steps {2025: 50} in 2026 gives 50."""
    rs = load_rule_set("national")
    with pytest.raises(InputError) as e:
        rs.with_overrides({"load_share": {"threshold": {"ramp": {"base": 30}}}}, file="s.yaml")
    assert e.value.field == "overrides.load_share.threshold.ramp.per_year"
    with pytest.raises(InputError) as e:
        rs.with_overrides({"load_share": {"treshold": 50}}, file="s.yaml")
    assert e.value.field == "overrides.load_share.treshold" and "did you mean 'threshold'" in e.value.fix
    r = rs.with_overrides({"load_share": {"threshold": {"steps": {2025: 50}}, "note": "stricter"}}).get("load_share")
    assert r.threshold_at(ThresholdContext(2026, 2026, lambda p: None)) == 50
    assert r.overridden == "site override: threshold {'steps': {2025: 50}} (stricter)"


# ----------------------------------------------------------------------------- Rule.applies


@pytest.mark.parametrize("rule_id, changes, spot, expected", [
    ("load_share", {}, None, True),                                         # no condition
    ("off_grid_adequacy", {}, "continuous", False),                          # grid-connected site
    ("off_grid_adequacy", {"project_type": "off-grid"}, "continuous", True),
    ("several_users_hourly_matching", {"users": "multiple"}, None, True),
    ("no_export_without_spot", {}, "not-continuous", True),
    ("no_export_without_spot", {}, "continuous", False),
    ("no_export_without_spot", {}, None, None),                              # spot market not stated
])
def test_rule_applies(rule_id, changes, spot, expected):
    site = parse_site(base_site(**changes))
    rule = load_rule_set("national").get(rule_id)
    assert rule.applies(site, spot) is expected


def test_bad_id_and_extends_say_how_to_write_them(tmp_path):
    national, ningxia = copy.deepcopy(NATIONAL), copy.deepcopy(NINGXIA)
    ningxia["extends"] = "national"
    _rule(ningxia, "same_city")["id"] = "Same-City"
    root = _write(tmp_path, national, ningxia)
    with pytest.raises(InputError) as e:
        load_rule_set("ningxia", root=root)
    assert e.value.field == "extends" and "national/2026-05" in e.value.fix
    ningxia["extends"] = "national/2026-05"
    (root / "ningxia" / "2025-12.yaml").write_text(yaml.safe_dump(ningxia, allow_unicode=True), encoding="utf-8")
    load_rule_set.cache_clear()
    with pytest.raises(InputError) as e:
        load_rule_set("ningxia", root=root)
    assert e.value.field == "rules.Same-City.id" and "lower-case" in e.value.fix


# ----------------------------------------------------------------------------- JSON Schema


def test_published_rules_schema_is_current():
    """models/rules.schema.json (for editors) matches the pydantic model."""
    published = json.loads((REPO / "models" / "rules.schema.json").read_text(encoding="utf-8"))
    assert published == json.loads(json.dumps(rules_json_schema(), ensure_ascii=False)), (
        "run: python -c \"from gdc.rules.ruleset import write_rules_json_schema as w; w('models/rules.schema.json')\"")


def test_shipped_rule_files_pass_the_json_schema_as_an_editor_reads_them():
    """An editor sees years as string keys and dates as text: the JSON Schema still accepts every file."""
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(rules_json_schema())
    for f in sorted(SHIPPED.rglob("*.yaml")):
        data = json.loads(json.dumps(yaml.safe_load(f.read_text(encoding="utf-8")), default=str))
        assert not list(validator.iter_errors(data)), f
    broken = json.loads(json.dumps(NINGXIA, default=str))
    _rule(broken, "load_share")["threshold"] = {"ramp": {"base": 30}}
    assert list(validator.iter_errors(broken))
