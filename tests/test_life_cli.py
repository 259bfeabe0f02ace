"""`gdc check --years` and `gdc screen --years` (issue 13): text, exit codes, JSON, report, workbook.

sample_sites/ningxia-ramp passes 2026 (load share 31.84 % >= 30 %) and first fails in 2027
(31.43 % < 31.5 %: Ningxia's 30 % + 1.5 pp a year, PV x 0.99 and wind x 0.984 in year 2; see
tests/test_life_path.py for the arithmetic).
"""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import SAMPLES

from gdc.cli.main import main

RAMP = SAMPLES / "ningxia-ramp" / "site.yaml"


def _run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_a_passing_year_exits_0():
    out = _run("check", RAMP, "--years", "2026")
    assert out.exit_code == 0, out.output
    assert "passes every year 2026" in out.output
    assert "tightest: load_share +1.84 pp (2026)" in out.output


def test_a_failing_year_exits_1_and_names_year_and_rule():
    out = _run("check", RAMP, "--years", "2026-2029")
    assert out.exit_code == 1, out.output
    text = out.output
    assert "Every year of the life: years 2026-2029, start year 2026" in text
    assert "first failing year: 2027 (year 2 of the life); binding rule: load_share" in text
    assert "31.43 %, required ≥ 31.50 % (-0.07 pp)" in text
    assert "failing years: 2027-2029 (3/4)" in text
    lines = {ln.split()[0]: ln for ln in text.splitlines() if ln.strip()[:4] in ("2026", "2027", "2028", "2029")}
    assert "0.990   0.984" in lines["2027"] and "31.43 ≥ 31.50 fail" in lines["2027"]
    assert "31.84 ≥ 30 pass" in lines["2026"]
    zh = _run("check", RAMP, "--years", "2026-2029", "--lang", "zh")
    assert zh.exit_code == 1 and "首个不通过年份: 2027 (运行第 2 年)" in zh.output


def test_json_shape():
    out = _run("check", RAMP, "--years", "2026,2030", "--json")
    assert out.exit_code == 1
    d = json.loads(out.output)
    assert {"path", "first_failing_year", "failing_years", "binding", "weather_pass_share", "rules", "years",
            "weathers", "status", "design"} <= set(d)
    assert d["years"] == [2026, 2030] and d["weathers"] == [None] and d["first_failing_year"] == 2030
    row = d["path"][1]
    assert set(row) == {"year", "weather", "status", "life", "binding_rule", "metrics", "verdicts"}
    assert set(row["life"]) == {"year", "year_of_life", "weather", "pv", "wind", "storage_energy", "load",
                                "storage_replaced"}
    # 2030 is year 5: PV x 0.99 x 0.996^3, wind x 0.984^4
    assert row["life"]["pv"] == pytest.approx(0.99 * 0.996 ** 3) and row["life"]["wind"] == pytest.approx(0.984 ** 4)
    assert d["weather_pass_share"]["2026"]["all_rules"] == 1.0 and d["weather_pass_share"]["2030"]["all_rules"] == 0.0
    assert d["rules"]["load_share"]["source_en"].startswith("Ningxia 784")


@pytest.mark.parametrize(("args", "message"), [
    (["--years", "2020"], "outside the project's life"),
    (["--years", "soon"], "not a year"),
    (["--years", "2030-2026"], "runs backwards"),
    (["--years", "2026-2030", "--year", "2027"], "not both"),
    (["--years", "2026", "--hourly", "h.csv"], "--hourly"),
    (["--years", "2026", "--dispatch", "optimal"], "--dispatch"),
])
def test_bad_years_exit_2(args, message, tmp_path):
    out = CliRunner().invoke(main, ["check", str(RAMP), *[str(tmp_path / a) if a.endswith(".csv") else a
                                                          for a in args]])
    assert out.exit_code == 2, out.output
    assert message in out.output


def test_bounds_site_exit_2():
    out = _run("check", SAMPLES / "park-2026-day-types" / "size.yaml", "--years", "2026")
    assert out.exit_code == 2 and "bounds" in out.output


def test_report_and_workbook(tmp_path, make_site):
    """On the 24-hour weather-year site of tests/test_life_path.py (load share 40 / 35 / 25 % in the
    bright / normal / dull weather years in 2026): the HTML report is the first failing year's (2026,
    the dull year fails) with the path table, the weather shares (2/3 in 2026, 1/3 in 2030) and the
    figure; the workbook has the "Life path" sheet, one row per year and weather year with the
    factors (2030 is year 5: PV x 0.99 x 0.996^3 = 0.978166) and every rule."""
    from openpyxl import load_workbook
    from test_life_path import _weather_site

    site = _weather_site(make_site)
    html, xlsx = tmp_path / "r.html", tmp_path / "r.xlsx"
    out = _run("check", site.path, "--years", "2026,2030", "--report", html, "--xlsx", xlsx)
    assert out.exit_code == 1, out.output
    assert "first failing year: 2026 (year 1 of the life)" in out.output and "fails in 1 of 3 weather years" in out.output
    text = html.read_text(encoding="utf-8")
    assert 'id="life-path"' in text and "Every year of the life" in text
    assert "Share of weather years in which each rule passes" in text and "2/3 (67 %)" in text and "1/3 (33 %)" in text
    assert "The sections below are year 2026 (the first failing year)." in text
    assert "Rule values by year against their thresholds" in text and "min-max across weather years" in text
    ws = load_workbook(xlsx)["Life path"]
    head = [c.value for c in ws[1]]
    assert head[:10] == ["year", "year of life", "weather year", "PV output factor", "wind output factor",
                         "storage energy factor", "load factor", "storage replaced", "verdict", "binding rule"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2, max_row=7)]
    assert [(r[0], r[2]) for r in rows] == [(y, w) for y in (2026, 2030) for w in ("bright", "normal", "dull")]
    assert rows[3][1] == 5 and rows[3][3] == pytest.approx(0.99 * 0.996 ** 3)
    col = head.index("load_share threshold [%]")
    assert [r[col] for r in rows] == pytest.approx([30.0] * 3 + [35.0] * 3)
    assert [r[head.index("load_share verdict")] for r in rows] == ["pass", "pass", "fail", "pass", "fail", "fail"]
    assert any(str(c.value or "").startswith("first failing year: 2026") for c in ws["A"])


def test_screen_years_columns(tmp_path):
    """gdc screen --years 2026-2030 on the ramp: first failing year 2027, 4 failing years of 5."""
    folder = tmp_path / "cands"
    shutil.copytree(SAMPLES / "ningxia-ramp", folder / "ningxia-ramp")
    out = _run("screen", folder, "-o", tmp_path / "out", "--years", "2026-2030", "--workers", "1", "-q",
               "--no-plot", "--xlsx", tmp_path / "s.xlsx")
    assert out.exit_code == 0, out.output
    assert "Over the years" in out.output
    df = pd.read_csv(tmp_path / "out" / "results.csv")
    r = df.iloc[0]
    assert r["status"] == "fail" and int(r["first_failing_year"]) == 2027 and int(r["failing_years"]) == 4
    assert r["path_binding_rule"] == "load_share" and r["failing_year_list"] == "2027-2030"
    assert int(r["years_checked"]) == 5 and r["years"] == "2026-2030"
    xl = pd.read_excel(tmp_path / "s.xlsx", sheet_name="results")
    assert int(xl.iloc[0]["first_failing_year"]) == 2027


def test_screen_years_mode_string():
    """The years ride in the mode string (so --resume refuses another horizon), in check and size mode."""
    from gdc.screen import life

    life.check_years_mode("size", "2026-2030")
    life.check_years_mode("check", "2026-2030")
    assert life.years_of(life.life_mode("size:8", "2026-2030")) == "2026-2030"


def test_data_of_a_later_year_of_the_life(tmp_path):
    """Profiles with 2027 timestamps on a site evaluated in 2027 with the life starting in 2026:
    every year of the life reuses the 2027 hours, so the path also evaluates 2026 (it used to stop
    with 'the series describe 2026'). Its row for 2026 is `gdc check --year 2026` of that site, and
    timestamps before the start year (2025) stay bad input."""
    for f in ("site.yaml", "profiles.csv"):
        shutil.copy(RAMP.parent / f, tmp_path / f)
    csv = tmp_path / "profiles.csv"
    csv.write_text("".join(ln.replace("2026-", "2027-", 1) if ln.startswith("2026-") else ln
                           for ln in csv.read_text(encoding="utf-8").splitlines(keepends=True)), encoding="utf-8")
    site = tmp_path / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8").replace("\nyear: 2026", "\nyear: 2027"), encoding="utf-8")
    path = _run("check", site, "--years", "2026-2027", "--json")
    assert path.exit_code == 1, path.output
    d = json.loads(path.output)
    one = json.loads(_run("check", site, "--year", "2026", "--json").output)
    row = d["path"][0]
    assert row["year"] == 2026 and row["life"]["year_of_life"] == 1
    share = next(v["value"] for v in row["verdicts"] if v["id"] == "load_share")
    assert share == pytest.approx(next(v["value"] for v in one["verdicts"] if v["id"] == "load_share"), abs=1e-9)
    assert d["first_failing_year"] == 2027
    csv.write_text(csv.read_text(encoding="utf-8").replace("\n2027-", "\n2025-"), encoding="utf-8")
    bad = _run("check", site, "--years", "2026-2027")
    assert bad.exit_code == 2 and "timestamps are of 2025" in bad.output
