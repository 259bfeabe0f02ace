"""Issue 10 §1-2: nothing undefined or implausible ever passes; every case is exit 2 with a fix.

Each test runs the real CLI (``gdc check`` through click's CliRunner) on a copy of a sample
site or on the hand-checkable day of conftest, and asserts exit code 2 and a message naming
the file, the field and the fix.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner
from conftest import SAMPLES, base_site

from gdc.cli.main import main

SHANDONG = SAMPLES / "shandong-export-battery"


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def bad(res, *parts: str) -> str:
    """Assert exit 2, no traceback, and every part in the message; return the message."""
    out = res.output
    assert res.exit_code == 2, out
    assert "Traceback" not in out and "internal error" not in out, out
    assert "fix:" in out, out
    for p in parts:
        assert p in out, (p, out)
    return out


@pytest.fixture
def shandong(tmp_path: Path):
    """A copy of the Shandong sample; ``edit(old, new)`` writes site.yaml with one text replaced."""
    for f in ("site.yaml", "profiles.csv"):
        shutil.copy(SHANDONG / f, tmp_path / f)
    text = (tmp_path / "site.yaml").read_text(encoding="utf-8")

    def edit(old: str, new: str, name: str = "t.yaml") -> Path:
        assert old in text
        p = tmp_path / name
        p.write_text(text.replace(old, new, 1), encoding="utf-8")
        return p

    return edit


# ----------------------------------------------------------------------------- numbers in the site file

@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan", "1.0e400", ".Inf"])
def test_non_finite_capacity_is_bad_input(shandong, value):
    """``.inf``, ``.nan`` and 1.0e400 (beyond the largest double, 1.8e308: YAML reads it as inf)."""
    p = shandong("capacity_mw: 80", f"capacity_mw: {value}")
    bad(run("check", str(p)), "t.yaml", "sources[0].capacity_mw", "not a finite number")


@pytest.mark.parametrize("old,new,field", [
    ("energy_mwh: 40", "energy_mwh: .inf", "storage.energy_mwh"),
    ("capacity_mw: 70", "capacity_mw: .inf", "connection.capacity_mw"),
    ("distance_km: 6", "distance_km: .nan", "sources[0].distance_km"),
])
def test_non_finite_anywhere_is_bad_input(shandong, old, new, field):
    bad(run("check", str(shandong(old, new))), field, "not a finite number")


def test_boolean_capacity_is_not_one_mw(shandong):
    """``capacity_mw: true`` was read as 1.0 MW; a number is expected."""
    out = bad(run("check", str(shandong("capacity_mw: 80", "capacity_mw: true"))), "sources[0].capacity_mw")
    assert "not the yes/no value true" in out


def test_integers_and_exponents_are_numbers():
    """An int is a valid float field; ``1.5e1`` is the number 15 (YAML 1.1 would read it as text)."""
    from gdc.site.schema import load_yaml_text, parse_site

    site = base_site()
    site["sources"][0]["capacity_mw"] = load_yaml_text("1.5e1")
    s = parse_site(site)
    assert s.sources[0].capacity_mw == 15.0 and s.sources[1].capacity_mw == 20.0
    assert load_yaml_text("40") == 40 and isinstance(load_yaml_text("40"), int)
    assert load_yaml_text("1.0e400") == float("inf")


# ----------------------------------------------------------------------------- plausible ranges

def test_huge_capacity_is_short_and_refused(shandong):
    """1e308 MW is refused without printing 300 digits."""
    out = bad(run("check", str(shandong("capacity_mw: 80", "capacity_mw: 1e308"))), "sources[0].capacity_mw",
              "1e+308 MW", "outside the plausible range 0 to 10,000 MW", "plausible-ranges.yaml")
    assert "0000000000" not in out


def test_80000_mw_of_pv_asks_for_kw(shandong):
    """80,000 MW of PV is 80 MW given in kW: 80,000 / 1000 = 80 lies in 0-10,000 MW."""
    bad(run("check", str(shandong("capacity_mw: 80", "capacity_mw: 80000"))), "sources[0].capacity_mw",
        "80,000 MW", "is this kW instead of MW?")


@pytest.mark.parametrize("old,new,field,hint", [
    ("energy_mwh: 40", "energy_mwh: 40000", "storage.energy_mwh", "kWh instead of MWh"),
    ("power_mw: 20", "power_mw: 20000", "storage.power_mw", "kW instead of MW"),
    ("voltage_kv: 110", "voltage_kv: 110000", "connection.voltage_kv", "V instead of kV"),
    ("distance_km: 6", "distance_km: 6000", "sources[0].distance_km", "m instead of km"),
    ("capacity_mw: 70", "capacity_mw: 70000", "connection.capacity_mw", "kW instead of MW"),
])
def test_unit_slips_are_named(shandong, old, new, field, hint):
    bad(run("check", str(shandong(old, new))), field, hint)


def test_sizing_bounds_are_checked():
    """The max of {min, max} bounds is a capacity too."""
    from gdc.site.errors import InputError
    from gdc.site.schema import parse_site

    site = base_site()
    site["sources"][1]["capacity_mw"] = {"min": 0, "max": 50000}
    with pytest.raises(InputError) as e:
        parse_site(site)
    assert e.value.field == "sources[1].capacity_mw.max" and "kW instead of MW" in e.value.fix


def test_ranges_table_is_documented():
    """Every row of models/plausible-ranges.yaml has a date, a confidence letter and a reason."""
    from gdc.site.plausible import ranges

    rows = ranges()
    for key in ("pv_capacity_mw", "wind_capacity_mw", "offshore_wind_capacity_mw", "storage_power_mw",
                "storage_energy_mwh", "distance_km", "voltage_kv", "connection_capacity_mw", "load_peak_mw",
                "day_weight_days", "day_weights_sum_days", "evaluation_year", "start_year"):
        r = rows[key]
        assert r.confidence in ("H", "M", "L") and len(r.date) == 10 and r.reason and r.min < r.max


def test_samples_are_plausible():
    """Every sample site stays valid under the table."""
    from gdc.site.schema import read_site

    for f in sorted(SAMPLES.glob("*/*.yaml")):
        read_site(f)


# ----------------------------------------------------------------------------- the YAML file itself

def test_duplicate_key_names_key_and_lines(shandong):
    out = bad(run("check", str(shandong("year: 2026\n", "year: 2026\nyear: 2027\n"))),
              "t.yaml", "duplicate key 'year'", "line 8", "line 9")
    assert "keep the last" in out


def test_duplicate_nested_key(shandong):
    bad(run("check", str(shandong("  voltage_kv: 110\n", "  voltage_kv: 110\n  voltage_kv: 35\n"))),
        "duplicate key 'voltage_kv'")


def test_binary_site_file_is_bad_input(tmp_path):
    p = tmp_path / "site.yaml"
    p.write_bytes((SAMPLES / "v3-tool-flat-load" / "template.xlsx").read_bytes()[:400])
    bad(run("check", str(p)), "site.yaml", "not UTF-8", "save the file as UTF-8")


def test_gbk_site_file_is_bad_input(tmp_path):
    p = tmp_path / "site.yaml"
    p.write_bytes("name: 东营\n".encode("gbk"))
    bad(run("check", str(p)), "not UTF-8", "line 1")


def test_read_yaml_directory_says_so(tmp_path):
    from gdc.site.errors import InputError
    from gdc.site.schema import read_yaml

    with pytest.raises(InputError) as e:
        read_yaml(tmp_path)
    assert "is a directory" in e.value.message


# ----------------------------------------------------------------------------- CSV files and the time axis

@pytest.fixture
def full_year(tmp_path: Path):
    """The Shandong sample's site and CSV lines; ``write(lines, **site_changes)`` writes both."""
    lines = (SHANDONG / "profiles.csv").read_text(encoding="utf-8").split("\n")
    site = yaml.safe_load((SHANDONG / "site.yaml").read_text(encoding="utf-8"))

    def write(new_lines: list[str], **changes) -> Path:
        (tmp_path / "profiles.csv").write_text("\n".join(new_lines), encoding="utf-8")
        s = {**site, **changes}
        p = tmp_path / "site.yaml"
        p.write_text(yaml.safe_dump(s, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return p

    return lines, write


def test_nan_is_reported_on_its_own_line(full_year):
    """The file has 5 comment lines and a header: data row 100 is line 107 (5 + 1 + 101)."""
    lines, write = full_year
    assert lines[106].startswith("2026-01-05 04:00")  # line 107 of the file (1-based)
    lines = list(lines)
    lines[106] = lines[106].replace(lines[106].split(",")[1], "", 1)
    bad(run("check", str(write(lines))), "profiles.csv", "load.column", "CSV line 107")


def test_infinite_value_in_csv(full_year):
    lines, write = full_year
    lines = list(lines)
    cells = lines[10].split(",")
    lines[10] = ",".join([cells[0], cells[1], "inf", cells[3]])
    bad(run("check", str(write(lines))), "sources[0].profile.column", "infinite", "CSV line 11")


def test_duplicate_timestamp(full_year):
    lines, write = full_year
    lines = list(lines)
    lines[200] = lines[199].split(",")[0] + "," + lines[200].split(",", 1)[1]
    bad(run("check", str(write(lines))), "profiles.csv", "load.file", "duplicate timestamp",
        "CSV lines 200 and 201")


def test_swapped_rows(full_year):
    lines, write = full_year
    lines = list(lines)
    lines[300], lines[301] = lines[301], lines[300]
    bad(run("check", str(write(lines))), "out of order", "line 301", "sort the rows")


def test_timestamps_of_another_year(full_year):
    """2025 timestamps under year 2026 (start 2026): the series are not of the site's years."""
    lines, write = full_year
    lines = [x.replace("2026-", "2025-", 1) if x[:5] == "2026-" else x for x in lines]
    bad(run("check", str(write(lines))), "timestamps are of 2025", "describe 2026", "load.file")


def _without_timestamps(lines: list[str]) -> list[str]:
    return [x.split(",", 1)[1] if x and not x.startswith("#") else x for x in lines]


def test_leap_year_given_8760_rows(full_year):
    """year 2028 (leap: 366 x 24 = 8784 h), no timestamp column, 8760 rows."""
    lines, write = full_year
    bad(run("check", str(write(_without_timestamps(lines), year=2028, start_year=2028))),
        "8760 rows", "2028", "leap year with 8784", "load.file")


def test_non_leap_year_given_8784_rows(full_year):
    lines, write = full_year
    body = [x for x in _without_timestamps(lines) if x]
    body = body + body[-24:]  # one more day: 8784 rows
    assert sum(1 for x in body if x and not x.startswith("#")) - 1 == 8784
    bad(run("check", str(write(body))), "8784 rows", "2026", "has 8760 hours")


def test_leap_timestamps_of_8760_rows(full_year):
    """8760 rows of 2028 timestamps stop on 30 December: a leap year has 8784 hours."""
    lines, write = full_year
    lines = [x.replace("2026-", "2028-", 1) if x[:5] == "2026-" else x for x in lines]
    bad(run("check", str(write(lines, year=2028, start_year=2028))), "not one hour apart")


def test_later_evaluation_year_reuses_the_data_year(full_year):
    """--year 2028 (a leap year) on 2026 series: start_year stays 2026, the 8760 rows are reused."""
    lines, write = full_year
    p = write(lines)
    for args in (["--year", "2028"], ["--year", "2029"]):
        res = run("check", str(p), *args)
        assert res.exit_code in (0, 1), res.output
    res = run("check", str(write(_without_timestamps(lines))), "--year", "2028")
    assert res.exit_code in (0, 1), res.output


def test_ningxia_ramp_2029_on_2026_series():
    res = run("check", str(SAMPLES / "ningxia-ramp" / "site.yaml"), "--year", "2029")
    assert res.exit_code == 1, res.output


def test_profile_path_is_a_directory(full_year, tmp_path):
    lines, write = full_year
    p = write(lines)
    (tmp_path / "adir").mkdir()
    text = p.read_text(encoding="utf-8").replace("file: profiles.csv\n  column: load_mw", "file: adir\n  column: load_mw")
    p.write_text(text, encoding="utf-8")
    bad(run("check", str(p)), "is a directory", "load.file")


def test_kw_load_declared_as_mw(full_year):
    """The V3 tool's 64,000 kW load declared as MW: 64,000 MW / 1000 = 64 MW is plausible."""
    from gdc.profiles.series import get_profiles
    from gdc.site.errors import InputError
    from gdc.site.schema import parse_site

    v3 = SAMPLES / "v3-tool-flat-load"
    data = yaml.safe_load((v3 / "site.yaml").read_text(encoding="utf-8"))
    data["load"]["unit"] = "MW"
    with pytest.raises(InputError) as e:
        get_profiles(parse_site(data, v3 / "site.yaml"))
    assert e.value.field == "load.unit" and "64,000 MW" in e.value.message and "unit: kW" in e.value.fix


# ----------------------------------------------------------------------------- representative days

@pytest.fixture
def day_types(tmp_path: Path):
    """The park-2026-day-types sample with its weights.csv column replaced."""
    src = SAMPLES / "park-2026-day-types"
    for f in ("site.yaml", "day_types.csv"):
        shutil.copy(src / f, tmp_path / f)
    w = pd.read_csv(src / "weights.csv", comment="#")

    def write(weights) -> Path:
        w.assign(weight_days=weights).to_csv(tmp_path / "weights.csv", index=False)
        return tmp_path / "site.yaml"

    return write


def test_day_types_sample_360_days_passes(day_types):
    """24 day types x 15 days = 360 days: accepted."""
    res = run("check", str(day_types(15.0)))
    assert res.exit_code in (0, 1), res.output


@pytest.mark.parametrize("weights,parts", [
    (0.0, ["day weight (CSV line 2) is 0", "above 0 and at most 366"]),
    (30.0, ["sum of the day weights is 720 days", "366"]),
    ("neg", ["day weight (CSV line 3) is -15"]),
    (360.0, ["sum of the day weights is 8,640 days", "are these hours instead of days?"]),
])
def test_bad_day_weights(day_types, weights, parts):
    """All zero: no day; 24 x 30 = 720 days is two years; a weight of -15; 24 x 360 = 8640 = hours."""
    if weights == "neg":
        weights = np.full(24, 15.0)
        weights[1] = -15.0
    bad(run("check", str(day_types(weights))), "weights.csv", "days.weights", *parts)


def test_listed_day_weights(make_site):
    for weights, part in (([0], "is 0"), ([-15], "is -15"), ([400], "is 400")):
        bad(run("check", str(make_site(base_site(days={"weights": weights})))), "days.weights", part)


# ----------------------------------------------------------------------------- undefined ratios, verdicts

def test_all_capacities_zero_is_bad_input(make_site):
    """A = 0: S/A, E/A and (A-C)/A are 0/0; the project is its sources: exit 2, not a PASS."""
    site = base_site()
    for s in site["sources"]:
        s["capacity_mw"] = 0
    bad(run("check", str(make_site(site))), "site.yaml", "sources[].capacity_mw", "A = 0", "installed capacity")


def test_all_profiles_zero_is_bad_input(make_site):
    from conftest import day_profiles

    df = day_profiles().assign(wind_pu=0.0, pv_pu=0.0)
    bad(run("check", str(make_site(profiles=df))), "sources[].profile", "no source produces")


def test_zero_load_is_bad_input(make_site):
    """L = 0: S/L is 0/0; a direct-connection project needs a load."""
    from conftest import day_profiles

    bad(run("check", str(make_site(profiles=day_profiles().assign(load_mw=0.0)))), "load.column", "L = 0")


def test_supply_share_with_nothing_delivered_fails(make_site):
    """Inner Mongolia's E/(E+S) with A > 0, L > 0 and E = S = 0 (PV only while the load sleeps,
    export forbidden in those hours): the rule's intent (self-use first) is violated: fail."""
    from conftest import day_profiles

    from gdc.check import check_file

    df = day_profiles()
    df["load_mw"] = np.where(df["pv_pu"] > 0, 0.0, 10.0)
    site = base_site(jurisdiction="inner-mongolia-draft", export_forbidden={"hours_of_day": list(range(8, 16))},
                     overrides={"no_export": {"kind": "off"}, "export_share_hydrogen": {"kind": "hard"}})
    site["sources"][0]["capacity_mw"] = 0
    r = check_file(make_site(site, df))
    assert r.metrics.A == pytest.approx(20 * 0.5 * 8)  # 80 MWh of PV, all curtailed
    assert r.metrics.E == 0 and r.metrics.S == 0 and r.metrics.L == pytest.approx(10 * 16)
    v = next(v for v in r.verdicts if v.rule.metric == "export_share_of_supply")
    assert v.status == "fail" and "E + S = 0" in v.detail
    assert r.exit_code == 1


def test_every_ratio_says_what_undefined_means():
    from gdc.rules.indicators import INDICATORS

    for name, ind in INDICATORS.items():
        if ind.den is not None:
            assert ind.undefined is not None, name


def test_summary_counts_match_the_rows_shown():
    """ningxia-ramp: 3 rule rows are n/a (spot-market export, off-grid, the exchange peak-valley
    rate with no plan value); the checklist items that do not apply (several users) are neither
    shown nor counted; 9 checklist items are listed."""
    res = run("check", str(SAMPLES / "ningxia-ramp" / "site.yaml"))
    assert res.exit_code == 0, res.output
    out = res.output
    table = out.split("\nRules\n", 1)[1].split("\nTo confirm", 1)[0]
    shown_na = sum(1 for line in table.splitlines() if "  n/a  " in line)
    listed = out.count("  [ ] ")
    assert shown_na == 3 and listed == 9
    assert f"({8} pass, {shown_na} n/a; {listed} to confirm)" in out


def test_no_negative_zero_in_reports():
    from gdc.report.text import fmt_energy, fmt_margin, fmt_value

    assert fmt_margin(-1e-9, "%") == "+0.00 pp"
    assert fmt_margin(-0.0, "km") == "+0 km"
    assert fmt_margin(-0.004, "MW") == "+0.0 MW"
    assert fmt_value(-1e-12, "%") == "0.00 %"
    assert fmt_energy(-0.3) == "0"
    assert fmt_margin(-0.006, "%") == "-0.01 pp"  # a real negative margin keeps its sign


def test_screen_infinite_candidate_is_an_error_row(make_site, tmp_path):
    """A CSV candidate with capacity .inf (or inf) becomes an input-error row; the others run."""
    from gdc.screen.candidates import read_candidates
    from gdc.screen.evaluate import evaluate_candidate

    make_site()
    csv = tmp_path / "c.csv"
    csv.write_text("id,base,sources[1].capacity_mw\nok,site.yaml,30\ninf,site.yaml,.inf\nbig,site.yaml,1e400\n"
                   "yes,site.yaml,true\n", encoding="utf-8")
    rows = {c.id: evaluate_candidate(c, "check") for c in read_candidates(csv)}
    assert rows["ok"]["status"] in ("pass", "review", "fail")
    for cid in ("inf", "big", "yes"):
        assert rows[cid]["status"] == "error", rows[cid]
        assert "sources[1].capacity_mw" in rows[cid]["error"] and "column 'sources[1].capacity_mw'" in rows[cid]["error"]
    assert "finite" in rows["inf"]["error"] and "finite" in rows["big"]["error"]


def test_screen_cli_does_not_rank_an_infinite_site_first(make_site, tmp_path):
    """gdc screen on a folder: the site with capacity .inf is an error, not #1."""
    folder = tmp_path / "sites"
    folder.mkdir()
    make_site()
    good = (tmp_path / "site.yaml").read_text(encoding="utf-8").replace("file: p.csv", "file: ../p.csv")
    (folder / "a.yaml").write_text(good, encoding="utf-8")
    (folder / "b.yaml").write_text(good.replace("capacity_mw: 20", "capacity_mw: .inf"), encoding="utf-8")
    res = run("screen", str(folder), "-o", str(tmp_path / "out"), "-q", "--workers", "1", "--no-plot")
    assert res.exit_code in (0, 1, 2), res.output
    from gdc.screen.store import read_table

    df = read_table(tmp_path / "out").set_index("id")
    assert df.loc["b", "status"] == "error" and "not a finite number" in df.loc["b", "error"]
    assert df.loc["a", "status"] != "error"


# ----------------------------------------------------------------------------- issue 11: schema descriptions

def _models_reachable_from_site():
    import typing

    from pydantic import BaseModel

    from gdc.site.schema import Site

    seen: list[type] = []

    def walk(t) -> None:
        for a in typing.get_args(t):
            walk(a)
        if isinstance(t, type) and issubclass(t, BaseModel) and t not in seen:
            seen.append(t)
            for f in t.model_fields.values():
                walk(f.annotation)

    walk(Site)
    return seen


def test_every_site_field_has_a_description():
    """Every field of every model reachable from Site says what it is (and its unit)."""
    models = _models_reachable_from_site()
    assert len(models) >= 20
    missing = [f"{m.__name__}.{name}" for m in models for name, f in m.model_fields.items() if not f.description]
    assert not missing, missing


def test_schema_file_is_current():
    """models/site.schema.json is what `gdc schema` writes (regenerate with gdc schema -o ...)."""
    import json

    from gdc.site.schema import site_json_schema

    shipped = json.loads((SAMPLES.parent / "models" / "site.schema.json").read_text(encoding="utf-8"))
    assert shipped == json.loads(json.dumps(site_json_schema(), ensure_ascii=False))


def test_computed_profile_is_of_the_data_year(tmp_path):
    """A synthetic profile on a 2026 load (8760 rows, no timestamps), evaluated with --year 2028
    (a leap year, 8784 h): synthesised for the data year 2026, so the 8760 rows still match; 2028 is
    year 3 of the life, so its PV output is the 2026 one x (1 - 1 %)(1 - 0.4 %) = 0.98604 (the life
    preset's n-type degradation)."""
    from gdc.profiles.series import get_profiles
    from gdc.site.schema import read_site, with_year

    pd.DataFrame({"load_mw": np.full(8760, 50.0)}).to_csv(tmp_path / "load.csv", index=False)
    site = {"name": "computed", "jurisdiction": "national", "year": 2026, "location": {"latitude": 37.4,
            "longitude": 118.6}, "load": {"file": "load.csv", "column": "load_mw", "unit": "MW"},
            "sources": [{"name": "pv", "type": "pv", "capacity_mw": 60, "synth": {"seed": 1, "region": "shandong"}}],
            "connection": {"voltage_kv": 110, "capacity_mw": 60, "spot_market": "continuous"}}
    (tmp_path / "site.yaml").write_text(yaml.safe_dump(site), encoding="utf-8")
    base = read_site(tmp_path / "site.yaml")
    p26, p28 = get_profiles(base), get_profiles(with_year(base, 2028))
    assert len(p28.pu["pv"]) == 8760 and np.allclose(p28.pu["pv"], p26.pu["pv"] * 0.98604, rtol=0, atol=1e-12)
    assert p28.index[0].year == 2026


def test_zero_design_of_a_sizing_site_names_the_capacities(make_site):
    from gdc.check import check_site
    from gdc.operation.dispatch import Design
    from gdc.site.errors import InputError
    from gdc.site.schema import read_site

    site = base_site()
    site["sources"][1]["capacity_mw"] = {"min": 0, "max": 40}
    s = read_site(make_site(site))
    with pytest.raises(InputError) as e:
        check_site(s, design=Design({"wf": 0.0, "pv": 0.0}, 0.0, 0.0))
    assert e.value.field == "sources[].capacity_mw" and "design checked has no generation" in e.value.message
