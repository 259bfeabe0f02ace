"""One count of the verdicts everywhere: the terminal's result line, the JSON ``counts``, the HTML
report and the workbook agree, and each counts what it shows (issue 10 §1, "the summary counts
shown must match the rows shown")."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from conftest import SAMPLES

from gdc.check import check_file
from gdc.cli.main import main
from gdc.rules.verdicts import counts, in_rule_table, shown_checklist

SITE = SAMPLES / "shandong-export-battery" / "site.yaml"

#: shandong-export-battery in 2026 (Shandong's rules extend the national ones). Rule table, 12 rows:
#: self_use_share, load_share, export_share, no_export_difficult_hours, exchange_power,
#: voltage_level, same_county, offshore, utilisation pass (9); no_export_without_spot (the spot
#: market runs continuously), off_grid_adequacy (grid-connected) and exchange_peak_valley (no
#: plan value stated) are n/a (3). Checklist: the several-users items do not apply (single user),
#: 10 are listed to confirm (8 national incl. 1192's two fee items, 2 Shandong).
EXPECTED = {"pass": 9, "fail": 0, "review": 0, "n/a": 3, "confirm": 10}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    out = tmp_path_factory.mktemp("counts")
    res = CliRunner().invoke(main, ["check", str(SITE), "--json", str(out / "r.json"), "--report",
                                    str(out / "r.html"), "--xlsx", str(out / "r.xlsx")])
    assert res.exit_code == 0, res.output
    return res.output, json.loads((out / "r.json").read_text(encoding="utf-8")), \
        (out / "r.html").read_text(encoding="utf-8"), out / "r.xlsx"


def test_counts_of_the_sample_by_hand():
    result = check_file(SITE)
    assert counts(result.verdicts) == EXPECTED
    assert sum(in_rule_table(v) for v in result.verdicts) == 12
    assert len(shown_checklist(result.verdicts)) == 10
    not_applicable_items = [v.rule.id for v in result.verdicts if v.rule.kind == "checklist" and v.status == "n/a"]
    # the several-users items (688号) are not listed for a single user
    assert all((v.rule.applies_if or {}).get("users") == "multiple" for v in result.verdicts
               if v.rule.id in not_applicable_items)
    assert not {"several_users_hourly_matching", "outside_mechanism_price",
                "curtailment_outside_statistics", "connection_capacity_change"} & {
        v.rule.id for v in shown_checklist(result.verdicts)}


def test_terminal_json_html_and_workbook_agree(outputs):
    terminal, data, html, xlsx = outputs
    assert "Result: PASS (9 pass, 3 n/a; 10 to confirm)" in terminal
    assert data["counts"] == EXPECTED
    # the HTML counts line, and the rows and items it shows
    assert "<dd>9 pass, 3 n/a; 10 to confirm</dd>" in html
    rows = re.findall(r'<tr class="verdict status-(\w+)"', html)
    assert {s: rows.count(s.replace("/", "")) for s in ("pass", "fail", "review", "n/a")} == \
        {k: v for k, v in EXPECTED.items() if k != "confirm"}
    checklist = html.split('<ul class="checklist">', 1)[1].split("</ul>", 1)[0]
    assert checklist.count("<li>") == 10
    # the workbook's summary sheet
    openpyxl = pytest.importorskip("openpyxl")
    ws = openpyxl.load_workbook(xlsx, read_only=True).worksheets[0]
    cells = {str(r[0]): r[1] for r in ws.iter_rows(values_only=True) if r and r[0]}
    assert {s: cells[f"verdicts: {s}"] for s in EXPECTED} == EXPECTED
