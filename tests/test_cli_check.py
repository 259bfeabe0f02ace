"""``gdc check`` from the command line: outputs, exit codes, and every class of bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import SAMPLES, base_site, day_profiles

from gdc.cli.main import main


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_pass_exit_0_and_report_parts(make_site):
    res = run("check", str(make_site()))
    assert res.exit_code == 0, res.output
    out = res.output
    for part in ("national/2026-05", "Definitions", "available generation", "Annual energy",
                 "Self-consumed share of available generation", "自发自用电量占总可用发电量比例",
                 "87.50 %", "≥ 60 %", "+27.50 pp", "NDRC 650", "Result: PASS"):
        assert part in out, part


def test_fail_exit_1(make_site):
    # S/A = 87.5 % < 95 % (an export-share override would be kept by curtailing: no fail)
    site = base_site(overrides={"self_use_share": {"threshold": 95}})
    res = run("check", str(make_site(site)))
    assert res.exit_code == 1
    assert "FAIL" in res.output


def test_json_and_hourly_outputs(make_site, tmp_path):
    js, hourly = tmp_path / "r.json", tmp_path / "h.csv"
    res = run("check", str(make_site()), "--json", str(js), "--hourly", str(hourly))
    assert res.exit_code == 0, res.output
    data = json.loads(js.read_text(encoding="utf-8"))
    assert data["status"] == "pass" and data["rule_set"] == "national/2026-05"
    v = {x["id"]: x for x in data["verdicts"]}
    assert v["self_use_share"]["value"] == pytest.approx(87.5)
    assert v["self_use_share"]["margin"] == pytest.approx(27.5)
    assert set(data["definitions"]) == {"A", "G", "S", "L", "E", "I", "C"}
    df = pd.read_csv(hourly)
    assert len(df) == 24
    for col in ("load [MW]", "available wind [MW]", "available PV [MW]", "renewable to load [MW]",
                "renewable to storage [MW]", "storage to load [MW]", "export [MW]", "import [MW]",
                "curtailment [MW]", "state of charge [MWh]"):
        assert col in df.columns, col
    assert df["export [MW]"].sum() == pytest.approx(16.0)


def test_json_to_stdout_is_pure_json(make_site):
    res = run("check", str(make_site()), "--json", "-")
    assert json.loads(res.output)["status"] == "pass"


def test_lang_zh(make_site):
    res = run("check", str(make_site()), "--lang", "zh")
    assert "口径定义" in res.output and "结论: 通过" in res.output


def test_definitions_all(make_site):
    res = run("check", str(make_site()), "--definitions", "all")
    assert "L - E - I" in res.output


def _bad(make_site, tmp_path, site=None, profiles=None):
    res = run("check", str(make_site(site, profiles)))
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    return res.output


def test_missing_column(make_site, tmp_path):
    site = base_site()
    site["sources"][1]["profile"]["column"] = "pv"
    out = _bad(make_site, tmp_path, site)
    assert "sources[1].profile.column" in out and "no column 'pv'" in out and "pv_pu" in out


def test_8759_rows(make_site, tmp_path):
    site = base_site()
    del site["days"]
    prof = pd.DataFrame({"load_mw": np.full(8759, 10.0), "wind_pu": 0.2, "pv_pu": 0.1})
    out = _bad(make_site, tmp_path, site, prof)
    assert "8759 rows" in out and "a row is missing" in out and "field 'load'" in out


def test_nan(make_site, tmp_path):
    prof = day_profiles()
    prof.loc[5, "wind_pu"] = np.nan
    out = _bad(make_site, tmp_path, None, prof)
    assert "sources[0].profile.column" in out and "CSV line 7" in out


def test_negative_load(make_site, tmp_path):
    prof = day_profiles()
    prof.loc[3, "load_mw"] = -1
    out = _bad(make_site, tmp_path, None, prof)
    assert "negative load" in out and "load.column" in out


def test_kw_where_mw_was_meant(make_site, tmp_path):
    prof = day_profiles()
    prof["load_mw"] = 10_000.0 * 1000 / 1000 * 1.0 + 20_000  # 30,000 'MW': a kW column
    out = _bad(make_site, tmp_path, None, prof)
    assert "load.unit" in out and "unit: kW" in out


def test_profile_not_per_unit(make_site, tmp_path):
    prof = day_profiles()
    prof["pv_pu"] = prof["pv_pu"] * 20  # MW, not per-unit
    out = _bad(make_site, tmp_path, None, prof)
    assert "not per-unit" in out


def test_unknown_province(make_site, tmp_path):
    out = _bad(make_site, tmp_path, base_site(jurisdiction="shangdong"))
    assert "unknown jurisdiction 'shangdong'" in out and "did you mean 'shandong'" in out
    assert "field 'jurisdiction'" in out


def test_typo_in_key(make_site, tmp_path):
    site = base_site()
    site["connection"]["capacity_mv"] = site["connection"].pop("capacity_mw")
    out = _bad(make_site, tmp_path, site)
    assert "connection.capacity_mv" in out and "did you mean 'capacity_mw'" in out


def test_negative_capacity(make_site, tmp_path):
    site = base_site()
    site["sources"][0]["capacity_mw"] = -5
    out = _bad(make_site, tmp_path, site)
    assert "sources[0].capacity_mw" in out


def test_missing_site_file(tmp_path):
    res = run("check", str(tmp_path / "nope.yaml"))
    assert res.exit_code == 2 and "file not found" in res.output


def test_bad_yaml(tmp_path):
    p = tmp_path / "s.yaml"
    p.write_text("name: x\n  jurisdiction: : national\n")
    res = run("check", str(p))
    assert res.exit_code == 2 and "not valid YAML" in res.output


def test_debug_shows_traceback(make_site, tmp_path):
    site = base_site(jurisdiction="atlantis")
    path = make_site(site)
    quiet = subprocess.run([sys.executable, "-m", "gdc.cli.main", "check", str(path)], capture_output=True, text=True)
    assert quiet.returncode == 2 and "Traceback" not in quiet.stderr and "atlantis" in quiet.stderr
    loud = subprocess.run([sys.executable, "-m", "gdc.cli.main", "--debug", "check", str(path)],
                          capture_output=True, text=True)
    assert loud.returncode != 0 and "Traceback" in loud.stderr and "InputError" in loud.stderr


def test_rules_command():
    res = run("rules", "ningxia", "--year", "2030", "--start-year", "2026")
    assert res.exit_code == 0
    assert "≥ 36 %" in res.output and "line_distance" in res.output  # 30 + 1.5 x 4 (floor 35 from 2030)


def test_schema_command(tmp_path):
    out = tmp_path / "schema.json"
    res = run("schema", "-o", str(out))
    assert res.exit_code == 0
    schema = json.loads(out.read_text())
    assert "sources" in schema["properties"] and schema["additionalProperties"] is False


@pytest.mark.parametrize("site", sorted(p.parent.name for p in SAMPLES.glob("*/site.yaml")))
def test_sample_sites_run(site):
    res = run("check", str(SAMPLES / site / "site.yaml"))
    assert res.exit_code in (0, 1), res.output


def test_chinese_report_has_no_english_details():
    """--lang zh: readings, details, notes and booleans in Chinese (rule names in both languages)."""
    res = run("check", str(SAMPLES / "shandong-offshore-wind" / "site.yaml"), "--lang", "zh", "--definitions", "all")
    out = res.output
    assert "涉海：Offshore wind Muping" in out and "不在同一县：Offshore wind Muping" in out
    assert "否       = 是" in out.replace("否  ", "否  ")  # booleans as 是/否
    assert "688号：实际发电量（含储能放电）减上网电量" in out and "自发自用电量占总可用发电量比例" in out
    for english in ("does not apply to this site", "peak import", "gdc default", " yes ", " no "):
        assert english not in out
    rules_zh = run("rules", "ningxia", "--lang", "zh", "--year", "2029").output
    # the reading of "2030年前不低于35%" (models/rules/ningxia/2025-12.yaml, since 668df4b): 35 % from 2030
    # at the latest, so a 2026 start needs 30 + 1.5 x 3 = 34.5 % in 2029; shown in Chinese
    assert "至迟自2030年起35%" in rules_zh and "2029年为34.5%" in rules_zh
