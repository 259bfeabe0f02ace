"""``gdc screen`` inputs: directory and CSV candidates, overrides, the journal and the ranking."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from conftest import SAMPLES, base_site

from gdc.check import check_site
from gdc.screen.candidates import (
    apply_overrides,
    convert_cell,
    leaf_types,
    load_site,
    read_candidates,
)
from gdc.screen.evaluate import evaluate_candidate
from gdc.screen.store import Journal, build_table
from gdc.screen.summary import rank, render_summary
from gdc.site.errors import InputError
from gdc.site.schema import parse_site, read_site


def write_csv(path, header, rows):
    path.write_text("\n".join([",".join(header)] + [",".join(map(str, r)) for r in rows]) + "\n", encoding="utf-8")
    return path


def test_directory_ids_and_paths():
    cands = read_candidates(SAMPLES)
    ids = [c.id for c in cands]
    assert "shandong-export-battery" in ids and "ningxia-ramp" in ids
    assert len(ids) == len(set(ids))
    sd = next(c for c in cands if c.id == "shandong-export-battery")
    assert sd.base == str((SAMPLES / "shandong-export-battery" / "site.yaml").resolve())
    assert sd.overrides == () and sd.error is None


def test_csv_overrides_are_applied_before_validation(make_site, tmp_path):
    site_file = make_site()
    csv = write_csv(tmp_path / "c.csv",
                    ["id", "base", "sources[1].capacity_mw", "connection.voltage_kv", "name", "# note"],
                    [["a", "site.yaml", 40, "", "", "first"], ["b", "site.yaml", "", 35, "2026", "x"]])
    a, b = read_candidates(csv)
    assert a.overrides == (("sources[1].capacity_mw", 40),)
    assert b.overrides == (("connection.voltage_kv", 35), ("name", "2026"))  # text field keeps the text
    sa, sb = load_site(a), load_site(b)
    assert sa.sources[1].capacity_mw == 40 and sb.sources[1].capacity_mw == 20
    assert sb.connection.voltage_kv == 35 and sb.name == "2026"
    assert sa.path == site_file.resolve()  # profiles still resolve against the base file
    # the same numbers as a hand-edited site file
    data = base_site()
    data["sources"][1]["capacity_mw"] = 40
    by_hand = check_site(parse_site(data, site_file))
    row = evaluate_candidate(a, "check")
    assert row["load_share"] == pytest.approx(by_hand.metrics.load_share, abs=1e-12)
    assert row["status"] == by_hand.status
    assert row["margin_self_use_share"] == pytest.approx(
        next(v.margin for v in by_hand.verdicts if v.rule.id == "self_use_share"), abs=1e-12)
    assert row["pv_mw"] == 40 and row["wind_mw"] == 10


def test_csv_unknown_column_stops_before_the_batch(make_site, tmp_path):
    make_site()
    csv = write_csv(tmp_path / "c.csv", ["id", "base", "sources[0].capacity_MW"], [["a", "site.yaml", 5]])
    with pytest.raises(InputError) as e:
        read_candidates(csv)
    assert e.value.field == "sources[0].capacity_MW"
    assert "sources[0].capacity_mw" in str(e.value)  # the suggestion
    csv = write_csv(tmp_path / "d.csv", ["id", "base", "conection.voltage_kv"], [["a", "site.yaml", 5]])
    with pytest.raises(InputError, match="connection.voltage_kv"):
        read_candidates(csv)


@pytest.mark.parametrize("column", ["sources.capacity_mw", "year[0]", "sources[0].profile.fil", "x"])
def test_impossible_columns(column):
    with pytest.raises(ValueError):
        leaf_types(column)


@pytest.mark.parametrize("column", ["sources[3].capacity_mw.max", "storage.energy_mwh", "load.file",
                                    "sources[0].profile.file", "overrides.load_share.threshold",
                                    "export_forbidden.hours_of_day", "schema", "meters.import"])
def test_possible_columns(column):
    assert leaf_types(column)


def test_cells_are_yaml_except_text_fields():
    num = leaf_types("sources[0].capacity_mw")
    assert convert_cell("80", num) == 80
    assert convert_cell("{min: 0, max: 200}", num) == {"min": 0, "max": 200}
    assert convert_cell("[8, 9]", leaf_types("export_forbidden.hours_of_day")) == [8, 9]
    assert convert_cell("yes", leaf_types("sources[0].same_county")) == "yes"  # pydantic decides
    assert convert_cell("true", leaf_types("sources[0].same_county")) is True
    assert convert_cell("007", leaf_types("sources[0].county")) == "007"


def test_override_that_the_base_cannot_take_names_the_column(make_site):
    data = base_site()
    with pytest.raises(InputError, match=r"sources\[2\].capacity_mw.*2 item"):
        apply_overrides(data, [("sources[2].capacity_mw", 5)], file="c.csv")
    with pytest.raises(InputError, match="not a mapping"):
        apply_overrides(base_site(), [("sources[0].capacity_mw.max", 5)])
    d = apply_overrides(base_site(), [("storage.power_mw", 5), ("storage.energy_mwh", 10)])
    assert d["storage"] == {"power_mw": 5, "energy_mwh": 10}


def test_csv_level_errors(make_site, tmp_path):
    make_site()
    with pytest.raises(InputError, match="no 'base' column"):
        read_candidates(write_csv(tmp_path / "a.csv", ["id", "bse"], [["a", "site.yaml"]]))
    with pytest.raises(InputError, match="duplicate candidate id"):
        read_candidates(write_csv(tmp_path / "b.csv", ["id", "base"], [["a", "site.yaml"], ["a", "site.yaml"]]))
    with pytest.raises(InputError, match="no candidates"):
        read_candidates(write_csv(tmp_path / "c.csv", ["id", "base"], []))
    cands = read_candidates(write_csv(tmp_path / "d.csv", ["base", "year"], [["site.yaml", 2027], ["", 2027]]))
    assert [c.id for c in cands] == ["row1", "row2"]
    assert cands[1].error and "empty 'base' cell" in cands[1].error


def test_journal_tolerates_a_torn_last_line_and_repairs_it(tmp_path):
    j = Journal(tmp_path / "journal.jsonl")
    j.open_for_append()
    j.append([{"id": "a", "status": "pass"}, {"id": "b", "status": "fail"}])
    j.close()
    with open(j.path, "ab") as fh:
        fh.write(b'{"id": "c", "sta')  # killed in the middle of a write
    assert [r["id"] for r in j.read()] == ["a", "b"]
    j.open_for_append()
    j.append([{"id": "c", "status": "pass"}])
    j.close()
    lines = j.path.read_text().splitlines()
    assert [json.loads(x)["id"] for x in lines] == ["a", "b", "c"]


def test_ranking_best_first():
    rows = [{"id": "e", "status": "error", "error": "x"}, {"id": "f1", "status": "fail", "binding_margin": -9.0},
            {"id": "p1", "status": "pass", "binding_margin": 1.0}, {"id": "f2", "status": "fail", "binding_margin": -1.0},
            {"id": "r", "status": "review", "binding_margin": 5.0}, {"id": "p2", "status": "pass", "binding_margin": 3.0},
            {"id": "i", "status": "infeasible", "error": "why"}]
    df = build_table(rows)
    assert list(rank(df)["id"]) == ["p2", "p1", "r", "f2", "f1", "i", "e"]
    text = render_summary(df)
    assert "2 pass, 1 review, 2 fail, 1 infeasible, 1 error" in text
    assert "i: why" in text and "e: x" in text
    costs = build_table([{"id": "a", "status": "pass", "cost_cny_per_mwh": 300.0},
                         {"id": "b", "status": "pass", "cost_cny_per_mwh": 200.0}])
    assert list(rank(costs)["id"]) == ["b", "a"]


def test_table_columns_and_types():
    df = build_table([{"id": "a", "status": "pass", "year": 2026, "margin_x": 1.0, "load_share": 40.0},
                      {"id": "b", "status": "error", "error": "bad"}], order={"b": 0, "a": 1})
    assert list(df["id"]) == ["b", "a"]
    assert list(df.columns[:3]) == ["id", "status", "load_share"]
    assert df["year"].dtype == "Int64" and pd.isna(df["margin_x"][0])


def test_single_site_file_is_a_batch_of_one(tmp_path):
    (c,) = read_candidates(SAMPLES / "ningxia-ramp" / "site.yaml")
    assert c.id == "ningxia-ramp"
    assert load_site(c).name == read_site(SAMPLES / "ningxia-ramp" / "site.yaml").name
    (tmp_path / "x.txt").write_text("")
    with pytest.raises(InputError):
        read_candidates(tmp_path / "x.txt")


def test_csv_comments_quoted_cells_and_line_numbers(make_site, tmp_path):
    make_site()
    p = tmp_path / "c.csv"
    p.write_text('# made in Excel\nid,base,name,_note\na,site.yaml,"multi\nline, with comma",n\n# c2\nb,site.yaml,,\n',
                 encoding="utf-8-sig")
    a, b = read_candidates(p)
    assert a.overrides == (("name", "multi\nline, with comma"),) and a.origin == "c.csv line 3"
    assert b.origin == "c.csv line 6" and b.overrides == ()
    assert load_site(a).name == "multi\nline, with comma"
