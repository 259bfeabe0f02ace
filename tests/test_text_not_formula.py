"""User text in workbooks and CSV files is text, never a formula (issue 10, section 3).

Workbooks: every string cell of user text has openpyxl data type ``"s"`` (a string; ``"f"``
would be a formula) and its value unchanged; the only formulas are the ones gdc writes itself at
fixed cells of the Cash flow sheet (issue 14: NPV, IRR and the yearly nets, for an auditor). CSV: OWASP's CSV-injection guidance, a text cell that
starts with ``=``, ``+``, ``-``, ``@``, tab or CR gets a leading ``'``; numbers, negative ones
included, are left alone.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner
from conftest import SAMPLES, base_site
from openpyxl import load_workbook

from gdc.cli.main import main
from gdc.exchange.cells import csv_text
from gdc.exchange.xlsx_export import export_template
from gdc.finance.cashflow import COLUMNS
from gdc.profiles.series import get_profiles
from gdc.screen.report import write_batch_xlsx
from gdc.screen.store import build_table, write_tables
from gdc.site.schema import read_site

#: A live link if it were a formula, and one name per dangerous first character.
NAMES = ['=HYPERLINK("http://x","y")', "+1+2", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


def stored(text: str) -> str:
    """What a workbook reads back: XML turns a carriage return into a line feed (not a formula either)."""
    return text.replace("\r", "\n")


def all_cells(path):
    wb = load_workbook(path)
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


def formula_cells(path) -> dict[tuple[str, str], str]:
    """(sheet, address) -> formula of every formula cell of a workbook."""
    wb = load_workbook(path)
    return {(ws.title, c.coordinate): c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if c.data_type == "f"}


def assert_only_cash_flow_formulas(path) -> None:
    """gdc's own formulas, and nothing else, are live: the Cash flow sheet's yearly nets and NPV/IRR.

    With years t = 0..N in column A from row 5, the sheet holds 2 (N + 1) + 3 formulas: per year
    the net to project ``=SUM(...)`` and the net to equity, then one ``=NPV(B2,...)`` and two
    ``=IRR(...)`` (25 evaluation years: 52 + 3 = 55).
    """
    found = formula_cells(path)
    assert {sheet for sheet, _ in found} == {"Cash flow"}, sorted(found)[:5]
    ws = load_workbook(path)["Cash flow"]
    years = [ws.cell(r, 1).value for r in range(5, ws.max_row + 1) if isinstance(ws.cell(r, 1).value, int)]
    assert years == list(range(len(years))) and len(years) >= 2
    values = list(found.values())
    assert len(values) == 2 * len(years) + 3
    assert sum(v.startswith("=SUM(") for v in values) == len(years)
    assert sum(v.startswith("=NPV(B2,") for v in values) == 1
    assert sum(v.startswith("=IRR(") for v in values) == 2


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.mark.parametrize("name", NAMES)
def test_check_workbook_keeps_names_and_notes_as_text(make_site, tmp_path, name):
    """The Summary's site name and the Verdicts' override text (a user's note) are strings; the
    only formulas are the ones gdc writes itself on the Cash flow sheet (a banker audits them)."""
    site = base_site(name=name, overrides={"export_share": {"threshold": 15, "note": name}})
    res = run("check", make_site(site), "--xlsx", tmp_path / "r.xlsx")
    assert res.exit_code in (0, 1), res.output
    cells = all_cells(tmp_path / "r.xlsx")
    assert_only_cash_flow_formulas(tmp_path / "r.xlsx")
    assert all(c.data_type == "s" for c in cells if isinstance(c.value, str) and stored(name) in c.value)
    summary = load_workbook(tmp_path / "r.xlsx").worksheets[0]
    assert summary["B2"].value == stored(name) and summary["B2"].data_type == "s"
    notes = [c for c in cells if isinstance(c.value, str) and c.value.startswith("site override:")]
    assert notes and all(c.value.endswith(f"({stored(name)})") and c.data_type == "s" for c in notes)


@pytest.mark.parametrize("name", NAMES)
def test_exported_template_keeps_names_as_text(tmp_path, name):
    site = read_site(SAMPLES / "shandong-export-battery" / "site.yaml")
    site = site.model_copy(update={"name": name})
    export_template(site, get_profiles(site), tmp_path / "t.xlsx")
    ws = load_workbook(tmp_path / "t.xlsx")["参数"]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "项目名称")
    assert row[1].value == stored(name) and row[1].data_type == "s"


def test_guard_keeps_only_the_cells_gdc_wrote_as_formulas():
    """A user string on the cash-flow sheet itself is text; the sheet's own formulas stay formulas."""
    from openpyxl import Workbook

    from gdc.exchange.cells import text_only
    from gdc.finance.workbook import cash_flow_sheet

    rows = [{k: 0.0 for k in COLUMNS} | {"year": t} for t in range(3)]
    fin = {"discount_rate_pct": 5.0, "cash_flows": rows, "npv_cny": 0.0, "project_irr_pct": None,
           "equity_irr_pct": None}
    wb = Workbook()
    cells = cash_flow_sheet(wb, fin)
    ws = wb[cells["sheet"]]
    ws["A30"] = NAMES[0]  # user text where gdc also writes formulas
    wb.active["A1"] = NAMES[0]
    text_only(wb, formulas={cells["sheet"]: cells["formula_cells"]})
    assert ws["A30"].data_type == "s" and wb.active["A1"].data_type == "s"
    # 3 years x 2 nets + NPV + 2 IRR, at the addresses returned
    assert len(cells["formula_cells"]) == 9
    assert all(ws[a].data_type == "f" for a in cells["formula_cells"])
    assert ws[cells["npv"]].value.startswith("=NPV(B2,") and ws[cells["equity_irr"]].value.startswith("=IRR(")


def batch_rows():
    rows = []
    for i, name in enumerate(NAMES):
        rows.append({"id": name, "status": "pass", "name": name, "error": None, "base": name + ".yaml",
                     "binding_margin": -1.5 + i, "load_share": 40.0, "pv_mw": 10.0})
    return rows


def test_batch_workbook_and_csv(tmp_path):
    """screen's --xlsx: text cells are strings; results.csv: the quote prefix, numbers untouched."""
    table = build_table(batch_rows())
    write_batch_xlsx(table, tmp_path / "b.xlsx", {"input": NAMES[0], "mode": "check", "candidates": 6})
    cells = all_cells(tmp_path / "b.xlsx")
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    ws = load_workbook(tmp_path / "b.xlsx")["results"]
    head = [c.value for c in ws[1]]
    ids = [ws.cell(row=r, column=head.index("id") + 1) for r in range(2, 8)]
    assert sorted(c.value for c in ids) == sorted(stored(n) for n in NAMES)
    assert all(c.data_type == "s" for c in ids)

    _, csv = write_tables(table, tmp_path)
    back = pd.read_csv(csv, encoding="utf-8-sig", dtype={"id": str, "name": str, "base": str})
    assert list(back["id"]) == ["'" + n for n in NAMES]
    assert list(back["name"]) == ["'" + n for n in NAMES]
    assert back["base"].iloc[0] == "'" + NAMES[0] + ".yaml"
    # a genuine negative number stays a number: margins -1.5, -0.5, 0.5, ...
    assert list(back["binding_margin"]) == [-1.5 + i for i in range(6)]
    # the Parquet table keeps the values as given
    if (tmp_path / "results.parquet").is_file():
        assert list(pd.read_parquet(tmp_path / "results.parquet")["id"]) == NAMES


def test_csv_text_rules():
    assert csv_text("-12.5") == "-12.5" and csv_text("+3") == "+3"  # numbers written as text
    assert csv_text("-") == "'-" and csv_text("- 1") == "'- 1"
    assert csv_text(" =1") == " =1"  # a leading space is not a formula start
    assert csv_text(-3.0) == -3.0 and csv_text(None) is None
    for n in NAMES:
        assert csv_text(n) == "'" + n


def test_screen_end_to_end(tmp_path):
    """A real batch of two sites whose folder names (ids) and site names start like formulas."""
    cands = tmp_path / "cands"
    for folder, name in (('=HYPERLINK("x","y")', "@evil"), ("-x", '=HYPERLINK("http://x","y")')):
        d = cands / folder
        d.mkdir(parents=True)
        src = SAMPLES / "shandong-export-battery"
        data = yaml.safe_load((src / "site.yaml").read_text(encoding="utf-8"))
        data["name"] = name
        for f in src.glob("*.csv"):
            shutil.copy(f, d / f.name)
        (d / "site.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    res = run("screen", cands, "-o", tmp_path / "out", "--workers", "1", "--no-plot", "-q",
              "--xlsx", tmp_path / "out" / "b.xlsx")
    assert res.exit_code == 0, res.output
    cells = all_cells(tmp_path / "out" / "b.xlsx")
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert {'=HYPERLINK("x","y")', "-x", "@evil", '=HYPERLINK("http://x","y")'} <= {c.value for c in cells}
    back = pd.read_csv(tmp_path / "out" / "results.csv", encoding="utf-8-sig", dtype=str)
    assert set(back["id"]) == {"'=HYPERLINK(\"x\",\"y\")", "'-x"}
    assert set(back["name"]) == {"'@evil", "'=HYPERLINK(\"http://x\",\"y\")"}


def test_hourly_csv_guards_source_names(make_site, tmp_path):
    """--hourly: a source named like a formula is quoted in the header; the numbers stay numbers."""
    site = base_site()
    site["sources"][0]["name"] = "=wf"
    res = run("check", make_site(site), "--hourly", tmp_path / "h.csv")
    assert res.exit_code in (0, 1), res.output
    text = (tmp_path / "h.csv").read_text(encoding="utf-8-sig")
    header = text.splitlines()[0].split(",")
    assert not any(h.startswith(("=", "+", "-", "@")) for h in header)
    body = pd.read_csv(tmp_path / "h.csv", encoding="utf-8-sig")
    assert len(body) == 24 and body.select_dtypes("number").shape[1] >= 5
