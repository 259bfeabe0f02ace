"""Several users behind one connection (688号): site schema, allocation, per-user results, eligibility.

The hand case (every allocation method): three users over 24 hours, no storage.

    hour      a [MW]  b [MW]  c [MW]  L_t   S_t (PV to load)  export
    0-5       2       4       2       8     0                 0
    6-11      2       4       2       8     4                 0
    12-17     2       2       6       10    10                2
    18-23     2       2       6       10    0                 0

    L_a = 48, L_b = 6 x (4+4) + 6 x (2+2) = 72, L_c = 12 x 2 + 12 x 6 = 96, L = 216 MWh;
    S = 6 x 4 + 6 x 10 = 84 MWh; grid supply L - S = 132 MWh.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from gdc.operation.allocation import allocate, linear_shares
from gdc.operation.balance import Balance
from gdc.site.errors import InputError
from gdc.site.schema import FixedAllocation, PriorityAllocation

REPO = Path(__file__).resolve().parent.parent
PARK = REPO / "sample_sites" / "park-688-multi-user"


def _hand_case():
    h = np.arange(24)
    a = np.full(24, 2.0)
    b = np.where(h < 12, 4.0, 2.0)
    c = np.where(h < 12, 2.0, 6.0)
    load = a + b + c
    s = np.where((h >= 6) & (h < 12), 4.0, np.where((h >= 12) & (h < 18), 10.0, 0.0))
    export = np.where((h >= 12) & (h < 18), 2.0, 0.0)
    z = np.zeros(24)
    bal = Balance(weights=np.ones(24), period_hours=24, load=load, wind=z, pv=s + export, re_to_load=s,
                  re_to_storage=z, re_export=export, curtailment=z, grid_to_load=load - s, storage_to_load=z,
                  soc=z, soc_start=np.zeros(1), export_forbidden=np.zeros(24, bool))
    assert max(bal.residuals().values()) < 1e-12
    return bal, {"a": a, "b": b, "c": c}


def _by_user(alloc):
    """{user: [S_u, import_u]} [MWh], flattened for pytest.approx: {'a.S': .., 'a.I': ..}."""
    return {f"{u.name}.{k}": v for u in alloc.users for k, v in (("S", u.self_use_mwh), ("I", u.import_mwh))}


def _flat(d):
    return {f"{n}.{k}": v for n, (s, i) in d.items() for k, v in (("S", s), ("I", i))}


def _assert_totals(alloc, bal):
    """Per-user self-use and import add up to the project's S and grid supply; L_u = S_u + I_u."""
    s = float(bal.weights @ (bal.re_to_load + bal.storage_to_load_re))
    assert sum(u.self_use_mwh for u in alloc.users) == pytest.approx(s, abs=1e-9)
    assert sum(u.import_mwh for u in alloc.users) + alloc.storage_grid_mwh == pytest.approx(
        float(bal.weights @ bal.import_), abs=1e-9)
    for u in alloc.users:
        assert u.self_use_mwh + u.import_mwh + u.unserved_mwh == pytest.approx(u.load_mwh, abs=1e-9)


def test_hourly_share_by_hand():
    """688号 §(十一): S_u,t = S_t x L_u,t / L_t.

    hours 6-11 (L_t 8, S_t 4): a 2/8 x 4 = 1, b 4/8 x 4 = 2, c 1  -> x 6 h: 6, 12, 6
    hours 12-17 (L_t 10, S_t 10): a 2, b 2, c 6                    -> x 6 h: 12, 12, 36
    S_a = 18, S_b = 24, S_c = 42 (sum 84); import = L_u - S_u = 30, 48, 54 (sum 132);
    green shares 18/48 = 37.5 %, 24/72 = 33.33 %, 42/96 = 43.75 %.
    """
    bal, loads = _hand_case()
    alloc = allocate(bal, loads, "hourly-share")
    assert _by_user(alloc) == pytest.approx(_flat({"a": (18, 30), "b": (24, 48), "c": (42, 54)}))
    assert [round(u.green_share_pct, 2) for u in alloc.users] == [37.5, 33.33, 43.75]
    assert alloc.self_use_mw["b"][6] == pytest.approx(2.0) and alloc.self_use_mw["c"][12] == pytest.approx(6.0)
    assert "688" in alloc.source("en") and "每个时段用电量占比" in alloc.source("zh")
    _assert_totals(alloc, bal)


def test_annual_share_by_hand():
    """S_u = S x L_u / L: 84 x 48/216 = 18.667, 84 x 72/216 = 28, 84 x 96/216 = 37.333 MWh;
    import L_u - S_u = 29.333, 44, 58.667 MWh (sum 132).

    In hours 12-17 a gets 10 x 48/216 = 2.222 MW for a 2 MW load: its 0.222 MW excess is c's import.
    """
    bal, loads = _hand_case()
    alloc = allocate(bal, loads, "annual-share")
    assert _by_user(alloc) == pytest.approx(_flat({"a": (56 / 3, 88 / 3), "b": (28, 44), "c": (112 / 3, 176 / 3)}))
    assert alloc.import_mw["a"][12] == pytest.approx(2 - 10 * 48 / 216)
    _assert_totals(alloc, bal)


def test_fixed_by_hand():
    """fixed {a: 50, b: 30, c: 20}: S_u = 84 x pct: 42, 25.2, 16.8; import 48-42 = 6, 72-25.2 = 46.8, 96-16.8 = 79.2."""
    bal, loads = _hand_case()
    alloc = allocate(bal, loads, FixedAllocation(fixed={"a": 50.0, "b": 30.0, "c": 20.0}))
    assert _by_user(alloc) == pytest.approx(_flat({"a": (42, 6), "b": (25.2, 46.8), "c": (16.8, 79.2)}))
    _assert_totals(alloc, bal)


def test_priority_by_hand():
    """priority [c, a, b]: hours 6-11 (S_t 4): c 2, a 2, b 0; hours 12-17 (S_t 10): c 6, a 2, b 2.

    S_c = 6 x 2 + 6 x 6 = 48, S_a = 12 + 12 = 24, S_b = 12; import a 24, b 60, c 48; shares 50 %, 16.67 %, 50 %.
    """
    bal, loads = _hand_case()
    alloc = allocate(bal, loads, PriorityAllocation(priority=["c", "a", "b"]))
    assert _by_user(alloc) == pytest.approx(_flat({"a": (24, 24), "b": (12, 60), "c": (48, 48)}))
    assert [u.name for u in alloc.users] == ["a", "b", "c"]  # the site's order, not the priority order
    _assert_totals(alloc, bal)


def test_linear_shares_reproduce_the_allocation():
    """For the linear methods S_u = sum_t S_t x share_u,t (what sizing with min_green_share writes)."""
    bal, loads = _hand_case()
    s_t = bal.re_to_load
    for method in ("hourly-share", "annual-share", FixedAllocation(fixed={"a": 50.0, "b": 30.0, "c": 20.0})):
        shares = linear_shares(method, loads, bal.weights)
        np.testing.assert_allclose(np.sum(list(shares.values()), axis=0), 1.0)
        alloc = allocate(bal, loads, method)
        for u in alloc.users:
            assert float(bal.weights @ (s_t * shares[u.name])) == pytest.approx(u.self_use_mwh)
    with pytest.raises(ValueError, match="not linear"):
        linear_shares(PriorityAllocation(priority=["a", "b", "c"]), loads, bal.weights)


def test_random_case_sums_to_the_project():
    """A random 3-day, 4-user balance with storage: the users' sums equal the project totals for every method."""
    rng = np.random.default_rng(7)
    n = 72
    loads = {f"u{i}": rng.uniform(0, 5, n) for i in range(4)}
    load = np.sum(list(loads.values()), axis=0)
    direct = load * rng.uniform(0, 0.6, n)
    from_store = (load - direct) * rng.uniform(0, 0.5, n)
    store_grid = from_store * rng.uniform(0, 0.3, n)
    grid = load - direct - from_store
    z = np.zeros(n)
    bal = Balance(weights=rng.uniform(0.5, 2, n), period_hours=n, load=load, wind=direct, pv=z, re_to_load=direct,
                  re_to_storage=z, re_export=z, curtailment=z, grid_to_load=grid, storage_to_load=from_store,
                  storage_to_load_grid=store_grid, grid_to_storage=store_grid * 1.2, soc=z,
                  soc_start=np.zeros(1), export_forbidden=np.zeros(n, bool))
    for method in ("hourly-share", "annual-share", FixedAllocation(fixed={"u0": 10.0, "u1": 20.0, "u2": 30.0,
                                                                          "u3": 40.0}),
                   PriorityAllocation(priority=["u3", "u1", "u0", "u2"])):
        alloc = allocate(bal, loads, method)
        _assert_totals(alloc, bal)
        # grid energy charged into storage and not delivered: 0.2 x store_grid
        assert alloc.storage_grid_mwh == pytest.approx(float(bal.weights @ (0.2 * store_grid)))


# ----------------------------------------------------------------------------- the site file

def _write_site(tmp_path: Path, users: str, extra: str = "") -> Path:
    shutil.copy(PARK / "profiles.csv", tmp_path / "profiles.csv")
    text = f"""name: t
jurisdiction: national
year: 2026
users:
{users}
sources:
  - {{name: pv, type: pv, capacity_mw: 150, profile: {{file: profiles.csv, column: pv_pu}}}}
  - {{name: wind, type: wind, capacity_mw: 120, profile: {{file: profiles.csv, column: wind_pu}}}}
storage: {{power_mw: 40, energy_mwh: 160}}
connection: {{voltage_kv: 110, capacity_mw: 110, spot_market: continuous}}
{extra}"""
    p = tmp_path / "site.yaml"
    p.write_text(text, encoding="utf-8")
    return p


TWO = """  - {name: cell, entity: E1, load: {file: profiles.csv, column: cell_mw, unit: MW}}
  - {name: dc, entity: E2, category: data-centre, load: {file: profiles.csv, column: dc_mw, unit: MW}}"""
OPERATOR = "operator: {independent_legal_person: true, is_grid_company: false}\n"


@pytest.mark.parametrize("users, extra, field, message", [
    (TWO.replace("name: dc", "name: cell"), "", "", "user names must be unique; repeated: cell"),
    (TWO.replace("data-centre", "datacentr"), "", "users[1].category", "unknown user category 'datacentr'"),
    (TWO, "allocation: {fixed: {cell: 60, dc: 30}}\n", "", "shares sum to 90 %, not 100 %"),
    (TWO, "allocation: {fixed: {cell: 60, dcc: 40}}\n", "", "unknown dcc; missing dc"),
    (TWO, "allocation: {priority: [cell]}\n", "", "must name every user once: missing dc"),
    (TWO.replace("unit: MW}}\n", "unit: MWh}}\n", 1), "", "users[0].load.unit", "'MW' or 'kW'"),
    (TWO, "load: {file: profiles.csv, column: cell_mw, unit: MW}\n", "", "either 'load:' (one user) or 'users:'"),
])
def test_bad_users_are_input_errors(tmp_path, users, extra, field, message):
    """Each bad users/allocation entry is one InputError naming what to fix."""
    from gdc.site.read import read_site

    with pytest.raises(InputError) as e:
        read_site(_write_site(tmp_path, users, extra))
    assert message in e.value.message, str(e.value)
    if field:
        assert e.value.field == field


def test_loads_of_unequal_length_are_an_input_error(tmp_path):
    from gdc.check import check_file

    p = _write_site(tmp_path, TWO.replace("file: profiles.csv, column: dc_mw", "file: short.csv, column: dc_mw"))
    (tmp_path / "short.csv").write_text("dc_mw\n" + "1\n" * 100, encoding="utf-8")
    with pytest.raises(InputError) as e:
        check_file(p)
    assert e.value.field == "users[1].load" and "100 rows, but the load has 8760" in e.value.message


def test_old_users_single_and_one_user_list_read_as_one_user(tmp_path):
    """users: single (the old form) and a one-user list are the single-user (650号) path."""
    from gdc.site.read import read_site

    one = read_site(_write_site(tmp_path, "  - {name: cell, load: {file: profiles.csv, column: cell_mw, unit: MW}}"))
    assert one.user_mode == "single" and one.load is None and [u.name for u in one.user_list] == ["cell"]
    text = (REPO / "sample_sites" / "shandong-export-battery" / "site.yaml").read_text(encoding="utf-8")
    old = tmp_path / "old" / "site.yaml"
    old.parent.mkdir()
    shutil.copy(REPO / "sample_sites" / "shandong-export-battery" / "profiles.csv", old.parent)
    old.write_text(text + "users: single\n", encoding="utf-8")
    s = read_site(old)
    assert s.user_mode == "single" and s.user_list == []


# ----------------------------------------------------------------------------- gdc check on the samples

MULTI_SAMPLES = [PARK / "site.yaml", PARK / "one-user-short.yaml"]


@pytest.fixture(scope="module")
def park_results():
    from gdc.check import check_file

    return {p.name: check_file(p) for p in MULTI_SAMPLES}


@pytest.mark.parametrize("name", [p.name for p in MULTI_SAMPLES])
def test_per_user_values_sum_to_the_project_totals(park_results, name):
    """JSON users[]: load, self-use and import add up to L, S and I; each L_u = S_u + import_u."""
    res = park_results[name]
    d = json.loads(json.dumps(res.as_dict()))
    users, m = d["users"], d["metrics"]
    assert [u["name"] for u in users] == ["cell-plant", "data-centre", "chemical-plant", "logistics-hub"]
    assert sum(u["load_mwh"] for u in users) == pytest.approx(m["L"], rel=1e-12)
    assert sum(u["self_use_mwh"] for u in users) == pytest.approx(m["S"], rel=1e-12)
    assert sum(u["import_mwh"] for u in users) + d["allocation"]["storage_grid_mwh"] == pytest.approx(m["I"], rel=1e-12)
    for u in users:
        assert u["self_use_mwh"] + u["import_mwh"] + u["unserved_mwh"] == pytest.approx(u["load_mwh"], rel=1e-12)
        assert u["green_share_pct"] == pytest.approx(100 * u["self_use_mwh"] / u["load_mwh"])
    assert d["allocation"]["method"] == "hourly-share" and "688" in d["allocation"]["source_en"]


def test_park_passes_and_the_variant_fails_on_one_user_only(park_results):
    """site.yaml passes (every user's minimum holds); one-user-short.yaml: the project rules all pass or are n/a,
    only the cell plant's own 60 % fails, and its verdict cites the site's requirement."""
    ok, short = park_results["site.yaml"], park_results["one-user-short.yaml"]
    assert ok.status == "pass" and ok.exit_code == 0
    mine = [v for v in ok.verdicts if v.rule.id.startswith("user_green_share:")]
    assert [v.rule.id for v in mine] == ["user_green_share:cell-plant", "user_green_share:data-centre"]
    assert all(v.status == "pass" for v in mine)
    assert short.status == "fail" and short.exit_code == 1
    fails = [v for v in short.verdicts if v.status == "fail"]
    assert [v.rule.id for v in fails] == ["user_green_share:cell-plant"]
    v = fails[0]
    cell = next(u for u in short.allocation.users if u.name == "cell-plant")
    assert v.value == pytest.approx(cell.green_share_pct) and v.threshold == 60
    assert v.margin == pytest.approx(cell.green_share_pct - 60) and "site" in v.rule.source.doc
    # the project is the same in both files
    assert short.metrics.S == pytest.approx(ok.metrics.S) and ok.metrics.load_share >= 30


def test_park_eligibility_rules_pass_and_the_650_spot_rule_is_replaced(park_results):
    res = park_results["site.yaml"]
    by_id = {v.rule.id: v for v in res.verdicts}
    for rid in ("multi_user_distinct_entities", "multi_user_no_residential_agricultural", "multi_user_operator"):
        assert by_id[rid].status == "pass", rid
    assert by_id["multi_user_distinct_entities"].value == 4
    assert "no_export_without_spot" not in by_id  # the single-user (650号) path
    assert by_id["multi_user_no_export_without_spot"].rule.confidence == "D"
    assert by_id["multi_user_metering"].status == "confirm"


def _park_variant(tmp_path, changes: dict[str, str]):
    from gdc.check import check_file

    text = (PARK / "site.yaml").read_text(encoding="utf-8")
    for old, new in changes.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    shutil.copy(PARK / "profiles.csv", tmp_path / "profiles.csv")
    (tmp_path / "site.yaml").write_text(text, encoding="utf-8")
    return check_file(tmp_path / "site.yaml")


ONE_ENTITY = {f"entity: 91370700MA0000{x}": "entity: 91370700MA0000CELL1" for x in ("DATA2", "CHEM3", "LOGI4")}


@pytest.mark.parametrize("changes, rule, detail", [
    (ONE_ENTITY, "multi_user_distinct_entities", "cell-plant, data-centre, chemical-plant, logistics-hub are one entity"),
    ({"category: commercial": "category: residential"}, "multi_user_no_residential_agricultural",
     "logistics-hub (residential)"),
    ({"is_grid_company: false": "is_grid_company: true"}, "multi_user_operator", "the operator is a grid company"),
], ids=["one-entity", "residential", "grid-company"])
def test_eligibility_failures(tmp_path, changes, rule, detail):
    """One legal entity behind all four users -> fail (1 < 2 entities); a residential user -> fail (the rule's
    verdict citing 688号, not an input error: the file is well formed, the project is not eligible); a
    grid-company operator -> fail."""
    res = _park_variant(tmp_path, changes)
    v = next(v for v in res.verdicts if v.rule.id == rule)
    assert v.status == "fail" and res.exit_code == 1 and v.rule.source.doc == "ndrc-688"
    assert detail in v.detail


def test_two_users_of_one_entity_still_leave_three_entities(tmp_path):
    """The data centre taking the cell plant's entity: 3 distinct entities >= 2, a pass that names the pair."""
    res = _park_variant(tmp_path, {"entity: 91370700MA0000DATA2": "entity: 91370700MA0000CELL1"})
    v = next(v for v in res.verdicts if v.rule.id == "multi_user_distinct_entities")
    assert v.status == "pass" and v.value == 3 and "cell-plant, data-centre are one entity" in v.detail


def test_operator_not_stated_is_a_review(tmp_path):
    from gdc.check import check_file

    text = (PARK / "site.yaml").read_text(encoding="utf-8")
    a, b = text.index("operator:"), text.index("sources:")
    shutil.copy(PARK / "profiles.csv", tmp_path / "profiles.csv")
    (tmp_path / "site.yaml").write_text(text[:a] + text[b:], encoding="utf-8")
    res = check_file(tmp_path / "site.yaml")
    v = next(v for v in res.verdicts if v.rule.id == "multi_user_operator")
    assert v.status == "review" and res.status == "review"


def test_cli_check_hourly_xlsx_and_html(tmp_path):
    """--hourly: one 'self-use <name> [MW]' column per user, summing to the hourly S; the workbook has a Users
    sheet whose rows match the JSON; the HTML report has the per-user section with its chart."""
    import pandas as pd
    from click.testing import CliRunner
    from openpyxl import load_workbook

    from gdc.cli.main import main

    out = {k: tmp_path / f"r.{k}" for k in ("json", "csv", "xlsx", "html")}
    r = CliRunner().invoke(main, ["check", str(PARK / "site.yaml"), "--json", str(out["json"]), "--hourly",
                                  str(out["csv"]), "--xlsx", str(out["xlsx"]), "--report", str(out["html"])])
    assert r.exit_code == 0, r.output
    assert "Users" in r.output and "688" in r.output and "cell-plant" in r.output
    df = pd.read_csv(out["csv"], comment="#")
    cols = [f"self-use {n} [MW]" for n in ("cell-plant", "data-centre", "chemical-plant", "logistics-hub")]
    assert all(c in df.columns for c in cols)
    d = json.loads(out["json"].read_text(encoding="utf-8"))
    assert df[cols].to_numpy().sum() == pytest.approx(d["metrics"]["S"], rel=1e-6)
    wb = load_workbook(out["xlsx"], read_only=True)
    rows = list(wb["Users"].iter_rows(min_row=2, max_row=5, max_col=5, values_only=True))
    assert [(x[0], round(x[4], 3)) for x in rows] == [(u["name"], round(u["self_use_mwh"], 3)) for u in d["users"]]
    html = out["html"].read_text(encoding="utf-8")
    assert "<h2>Users</h2>" in html and html.count("<svg") >= 5


def test_single_user_sites_have_no_users_table():
    from gdc.check import check_file

    res = check_file(REPO / "sample_sites" / "shandong-export-battery" / "site.yaml")
    assert res.allocation is None and "users" not in res.as_dict()
    assert not any(v.rule.id.startswith("multi_user_") for v in res.verdicts)


def test_screen_accepts_multi_user_sites(tmp_path):
    """Two candidates on the park (the cell plant's minimum 50 % and 60 %): pass and fail, same load share."""
    from click.testing import CliRunner

    from gdc.cli.main import main
    from gdc.screen.store import read_table

    cands = tmp_path / "cands.csv"
    base = PARK / "site.yaml"
    cands.write_text(f"id,base,users[0].min_green_share\nask50,{base},50\nask60,{base},60\n", encoding="utf-8")
    out = tmp_path / "res"
    r = CliRunner().invoke(main, ["screen", str(cands), "-o", str(out), "-q", "--workers", "1", "--no-plot"])
    assert r.exit_code == 0, r.output
    df = read_table(out).set_index("id")
    assert df.loc["ask50", "status"] == "pass" and df.loc["ask60", "status"] == "fail"
    assert df.loc["ask60", "failing"] == "user_green_share:cell-plant"
    assert df.loc["ask50", "load_share"] == pytest.approx(df.loc["ask60", "load_share"])


def test_old_users_multiple_with_one_load_is_the_688_path_under_review(tmp_path):
    """users: multiple with one (total) load, the older form: the 688号 rules apply; those needing the users
    (entities, categories) are a review naming 'users:', and there is no per-user table."""
    from gdc.check import check_file

    folder = REPO / "sample_sites" / "shandong-export-battery"
    shutil.copy(folder / "profiles.csv", tmp_path)
    text = (folder / "site.yaml").read_text(encoding="utf-8").replace("jurisdiction: shandong", "jurisdiction: national")
    (tmp_path / "site.yaml").write_text(text + "users: multiple\n", encoding="utf-8")
    res = check_file(tmp_path / "site.yaml")
    by_id = {v.rule.id: v for v in res.verdicts}
    assert by_id["multi_user_distinct_entities"].status == "review"
    assert "users:" in by_id["multi_user_distinct_entities"].detail
    assert res.allocation is None and "no_export_without_spot" not in by_id
