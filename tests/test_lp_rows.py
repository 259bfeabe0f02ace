"""The sizing LP row by row on a two-hour model: every constraint family against rows written by hand.

The model is built from :class:`gdc.optimise.model.LPData` directly (two hours, one period,
weights 2 and 3 h), written to an LP file exactly as handed to HiGHS
(:func:`gdc.optimise.solve.write_lp`, what ``gdc size --save-lp`` writes), read back and
compared row by row. Each row is normalised: ``<=`` rows are multiplied by -1, equality rows
scaled so that their first coefficient (by name) is positive. A family of
:data:`gdc.optimise.model.CONSTRAINT_FAMILIES` without expected rows here fails the test.

Data (all hand-picked): load L = (10, 20) MW; PV free in [0, 100] MW with p = (0.5, 0);
wind fixed at 10 MW with p = (0.2, 0.4), so the fixed wind power (2, 4) MW is a constant;
storage power P in [0, 50] MW, energy E in [0, 200] MWh, eta_c 0.9, eta_d 0.8
(1/eta_d = 1.25), self-discharge 0.01/h (keep 0.99), soc 0.1..0.9, duration 1..4 h, grid
charging on, import cap 30 MW, export cap 100 MW; import price (300, 600), export price
(400, 200) CNY/MWh; PV 1000 CNY/MW/yr, wind 500 (fixed: 5000 CNY/yr), P 100, E 10, fixed 7.
"""

from __future__ import annotations

import types

import numpy as np
import pytest

from gdc.optimise.model import (
    CONSTRAINT_FAMILIES,
    CapacityBounds,
    LPData,
    RuleConstraint,
    build_model,
)
from gdc.optimise.solve import compile_model, solve, write_lp


def rule(rid: str, terms: dict[str, float], op: str) -> RuleConstraint:
    return RuleConstraint(types.SimpleNamespace(id=rid), terms, op, float("nan"))  # type: ignore[arg-type]


def two_hours() -> LPData:
    return LPData(
        weights=np.array([2.0, 3.0]), period_hours=2, load=np.array([10.0, 20.0]),
        pu={"pv": np.array([0.5, 0.0]), "wind": np.array([0.2, 0.4])},
        source_type={"pv": "pv", "wind": "wind"},
        bounds=CapacityBounds(sources={"pv": (0.0, 100.0), "wind": (10.0, 10.0)},
                              storage_power=(0.0, 50.0), storage_energy=(0.0, 200.0)),
        cost_per_mw={"pv": 1000.0, "wind": 500.0}, storage_cost_per_mw=100.0, storage_cost_per_mwh=10.0,
        constant_cost=7.0, import_price=np.array([300.0, 600.0]), export_price=np.array([400.0, 200.0]),
        export_cap=np.array([100.0, 100.0]), import_cap=30.0, eta_c=0.9, eta_d=0.8, soc_min=0.1, soc_max=0.9,
        sigma=0.01, duration_min=1.0, duration_max=4.0, grid_charging=True,
        rules=[rule("self_use_share", {"S": 1.0, "A": -0.6}, ">="), rule("load_share", {"S": 1.0, "L": -0.3}, ">="),
               rule("export_share", {"E": 1.0, "A": -0.2}, "<="), rule("utilisation", {"A": 0.05, "C": -1.0}, ">=")],
    )


#: The expected rows, by Pyomo component: {row name: (coefficients, sense, rhs)} as written by hand.
#: Annual totals: S = 2 (u0 + d0) + 3 (u1 + d1); A = (2 x 0.5 + 3 x 0) pv + (2 x 0.2 + 3 x 0.4) 10
#: = pv + 16; E = 2 e0 + 3 e1; C = 2 q0 + 3 q1; L = 2 x 10 + 3 x 20 = 80 MWh.
EXPECTED: dict[str, dict[str, tuple[dict[str, float], str, float]]] = {
    # 0.5 pv + 2 = u0 + c0 + e0 + q0;  0 pv + 4 = u1 + c1 + e1 + q1
    "re_balance": {
        "re_balance(0)": ({"cap(pv)": 0.5, "u(0)": -1, "c(0)": -1, "e(0)": -1, "q(0)": -1}, "=", -2.0),
        "re_balance(1)": ({"u(1)": -1, "c(1)": -1, "e(1)": -1, "q(1)": -1}, "=", -4.0),
    },
    # u + d + m + dg = L
    "load_balance": {
        "load_balance(0)": ({"u(0)": 1, "d(0)": 1, "m(0)": 1, "dg(0)": 1}, "=", 10.0),
        "load_balance(1)": ({"u(1)": 1, "d(1)": 1, "m(1)": 1, "dg(1)": 1}, "=", 20.0),
    },
    # s_t = 0.99 s_prev + 0.9 c_t - 1.25 d_t, prev(0) = 1 (cyclic period of 2 h)
    "soc_dyn": {
        "soc_dyn(0)": ({"s(0)": 1, "s(1)": -0.99, "c(0)": -0.9, "d(0)": 1.25}, "=", 0.0),
        "soc_dyn(1)": ({"s(1)": 1, "s(0)": -0.99, "c(1)": -0.9, "d(1)": 1.25}, "=", 0.0),
    },
    "soc_grid": {
        "soc_grid(0)": ({"sg(0)": 1, "sg(1)": -0.99, "g(0)": -0.9, "dg(0)": 1.25}, "=", 0.0),
        "soc_grid(1)": ({"sg(1)": 1, "sg(0)": -0.99, "g(1)": -0.9, "dg(1)": 1.25}, "=", 0.0),
    },
    # s + sg <= 0.9 E  ->  -s - sg + 0.9 E >= 0
    "soc_max": {f"soc_max({t})": ({f"s({t})": -1, f"sg({t})": -1, "E": 0.9}, ">=", 0.0) for t in (0, 1)},
    "soc_min": {f"soc_min({t})": ({f"s({t})": 1, f"sg({t})": 1, "E": -0.1}, ">=", 0.0) for t in (0, 1)},
    # c + g <= P, d + dg <= P
    "charge_max": {f"charge_max({t})": ({f"c({t})": -1, f"g({t})": -1, "P": 1}, ">=", 0.0) for t in (0, 1)},
    "discharge_max": {f"discharge_max({t})": ({f"d({t})": -1, f"dg({t})": -1, "P": 1}, ">=", 0.0) for t in (0, 1)},
    # E <= 4 P, E >= 1 P
    "duration_max": {"duration_max": ({"E": -1, "P": 4}, ">=", 0.0)},
    "duration_min": {"duration_min": ({"E": 1, "P": -1}, ">=", 0.0)},
    # m + g <= 30
    "grid_max": {f"grid_max({t})": ({f"m({t})": -1, f"g({t})": -1}, ">=", -30.0) for t in (0, 1)},
    # hour 0: a0 = 0.5 pv + 2 in [2, 52] straddles L0 = 10: secant of min(10, a0),
    # u0 >= 2 + (a0 - 2) (10 - 2) / (52 - 2) = 0.08 pv + 2, with u0 + z0 on the left (in a
    # deficit hour u0 + c0 = a0, the storage taking renewables for its standing loss: z0).
    "self_use_first": {"self_use_first(0)": ({"u(0)": 1, "z(0)": 1, "cap(pv)": -0.08}, ">=", 2.0)},
    # hour 1: a1 = 4 < L1 = 20 whatever the PV: renewables go to the load, e1 = q1 = 0 (bounds),
    # and over the period the storage takes at most its standing loss: c1 + z0 <= 0.01 / 0.9 (s0 + s1)
    "standing_loss": {"standing_loss(0)": ({"c(1)": -1, "z(0)": -1, "s(0)": 0.01 / 0.9, "s(1)": 0.01 / 0.9},
                                           ">=", 0.0)},
    # S/A >= 60 %: S - 0.6 pv >= 0.6 x 16 = 9.6;  S/L >= 30 %: S >= 24;  E/A <= 20 %: -E + 0.2 pv >= -3.2;
    # (A - C)/A >= 95 %: 0.05 pv - C >= -0.05 x 16 = -0.8
    "rule_rows": {
        "rule_rows(1)": ({"u(0)": 2, "d(0)": 2, "u(1)": 3, "d(1)": 3, "cap(pv)": -0.6}, ">=", 9.6),
        "rule_rows(2)": ({"u(0)": 2, "d(0)": 2, "u(1)": 3, "d(1)": 3}, ">=", 24.0),
        "rule_rows(3)": ({"e(0)": -2, "e(1)": -3, "cap(pv)": 0.2}, ">=", -3.2),
        "rule_rows(4)": ({"cap(pv)": 0.05, "q(0)": -2, "q(1)": -3}, ">=", -0.8),
    },
}

#: Objective: 1000 pv + 100 P + 10 E + 2 (300 m0 - 400 e0) + 3 (600 m1 - 200 e1) + 2 x 300 g0 + 3 x 600 g1
#: + 5000 (fixed wind) + 7.
OBJECTIVE = ({"cap(pv)": 1000, "P": 100, "E": 10, "m(0)": 600, "e(0)": -800, "m(1)": 1800, "e(1)": -600,
              "g(0)": 600, "g(1)": 1800}, 5007.0)


def parse_lp(text: str) -> tuple[dict[str, float], float, dict[str, tuple[dict[str, float], str, float]],
                                 dict[str, tuple[float, float]]]:
    """Objective, rows and bounds of a HiGHS-written LP file (one row per line)."""
    section, obj, offset, rows, bounds = None, {}, 0.0, {}, {}
    for line in text.splitlines():
        s = line.strip()
        if not s or s.startswith("\\"):
            continue
        low = s.lower()
        if low in ("min", "minimize", "max", "st", "subject to", "bounds", "end"):
            section = low
            continue
        if section in ("min", "minimize") and ":" in s:
            tok = s.split(":", 1)[1].split()
            i = 0
            while i < len(tok):
                if i + 1 < len(tok) and not _num(tok[i + 1]):
                    obj[tok[i + 1]] = float(tok[i])
                    i += 2
                else:
                    offset += float(tok[i])
                    i += 1
        elif section in ("st", "subject to"):
            name, rest = s.split(":", 1)
            tok = rest.split()
            k = next(i for i, t in enumerate(tok) if t in ("<=", ">=", "="))
            coefs = {tok[i + 1]: float(tok[i]) for i in range(0, k, 2)}
            rows[name.strip()] = (coefs, tok[k], float(tok[k + 1]))
        elif section == "bounds":
            tok = s.split()
            if len(tok) == 5:  # lo <= x <= hi
                bounds[tok[2]] = (float(tok[0]), float(tok[4]))
            elif len(tok) == 3 and tok[1] == "=":
                bounds[tok[0]] = (float(tok[2]), float(tok[2]))
            elif len(tok) == 3 and tok[1] == "<=":
                bounds[tok[0]] = (0.0, float(tok[2]))
            elif len(tok) == 3 and tok[1] == ">=":
                bounds[tok[0]] = (float(tok[2]), np.inf)
    return obj, offset, rows, bounds


def _num(tok: str) -> bool:
    try:
        float(tok)
    except ValueError:
        return False
    return True


def normal(row: tuple[dict[str, float], str, float]) -> tuple[dict[str, float], str, float]:
    coefs, sense, rhs = row
    if sense == "<=":
        return {k: -v for k, v in coefs.items()}, ">=", -rhs
    if sense == "=":
        first = coefs[min(coefs)]
        f = 1.0 / abs(first) * (1 if first > 0 else -1)
        return {k: v * f for k, v in coefs.items()}, "=", rhs * f
    return row


@pytest.fixture(scope="module")
def lp_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("lp") / "two_hours.lp"
    model = build_model(two_hours())  # kept alive: Pyomo names components through their parent block
    lp = compile_model(model)
    write_lp(lp, path)
    return path, lp, model


@pytest.fixture(scope="module")
def parsed(lp_file):
    return parse_lp(lp_file[0].read_text())


def test_every_family_has_expected_rows():
    """A constraint family of the model without a hand-written expectation here fails."""
    families = {c for group in CONSTRAINT_FAMILIES.values() for c in group}
    assert families == set(EXPECTED), f"untested: {families - set(EXPECTED)}; unknown: {set(EXPECTED) - families}"


def test_every_row_belongs_to_a_tested_family(parsed):
    _, _, rows, _ = parsed
    for name in rows:
        assert name.split("(")[0] in EXPECTED, f"row {name} is in no tested family"


@pytest.mark.parametrize("family", sorted(EXPECTED))
def test_family_rows(parsed, family):
    """Each row of the family equals the hand-written row (coefficients, sense, right-hand side)."""
    _, _, rows, _ = parsed
    got = {name: row for name, row in rows.items() if name.split("(")[0] == family}
    assert set(got) == set(EXPECTED[family])
    for name, want in EXPECTED[family].items():
        gc, gs, gr = normal(got[name])
        wc, ws, wr = normal(want)
        assert gs == ws, name
        assert set(gc) == set(wc), (name, gc, wc)
        for k in wc:
            assert gc[k] == pytest.approx(wc[k], rel=1e-12), (name, k)
        assert gr == pytest.approx(wr, rel=1e-12, abs=1e-12), name


def test_objective_and_bounds(parsed):
    """The objective's coefficients and constant, and the bounds the exchange rules set.

    Hour 1's renewables (4 MW of fixed wind) fall short of the load (L1 = 20): nothing is
    exported or curtailed (e1, q1 in [0, 0]), u1 <= 4;
    e0 <= min(largest generation 52 MW, export cap 100) = 52; m0 <= min(L0 = 10, import cap 30) = 10;
    g0 <= min(P max 50, import cap 30) = 30; pv in [0, 100].
    """
    obj, offset, _, bounds = parsed
    want, const = OBJECTIVE
    assert set(obj) == set(want)
    for k, v in want.items():
        assert obj[k] == pytest.approx(v, rel=1e-12)
    assert offset == pytest.approx(const)
    assert bounds["u(1)"] == (0.0, 4.0)
    assert bounds["e(1)"] == (0.0, 0.0)
    assert bounds["q(1)"] == (0.0, 0.0)
    assert bounds["e(0)"] == (0.0, 52.0)
    assert bounds["m(0)"] == (0.0, 10.0)
    assert bounds["g(0)"] == (0.0, 30.0)
    assert bounds["cap(pv)"] == (0.0, 100.0)


@pytest.mark.parametrize("suffix", [".lp", ".mps"])
def test_written_file_solves_to_the_same_objective(lp_file, tmp_path, suffix):
    """highspy reads the written file back and finds gdc's optimum."""
    import highspy

    _, lp, _ = lp_file
    path = tmp_path / f"again{suffix}"
    write_lp(lp, path)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    assert h.readModel(str(path)) == highspy.HighsStatus.kOk
    h.run()
    assert h.modelStatusToString(h.getModelStatus()) == "Optimal"
    ours = solve(lp)
    assert ours.optimal
    assert h.getInfo().objective_function_value == pytest.approx(ours.objective, rel=1e-9)


def test_cli_save_lp_writes_the_lp_handed_to_highs(tmp_path):
    """``gdc size --save-lp``: the written LP and MPS files solve, in highspy, to the optimum of
    the sizing LP gdc solved (the PV-only two-day site of test_size: 32 MW, where the LP's
    optimum already serves the load first, so it is gdc's answer too)."""
    import json

    import highspy
    from click.testing import CliRunner
    from test_size import two_days

    from gdc.cli.main import main

    site = two_days(tmp_path)
    for suffix in (".lp", ".mps"):
        out, js = tmp_path / f"size{suffix}", tmp_path / f"size{suffix}.json"
        r = CliRunner().invoke(main, ["size", str(site), "--save-lp", str(out), "--json", str(js)])
        assert r.exit_code == 0, r.output
        opt = json.loads(js.read_text())["optimiser"]
        assert opt["self_use_first"]["status"] == "exact"
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        assert h.readModel(str(out)) == highspy.HighsStatus.kOk
        h.run()
        assert h.getInfo().objective_function_value == pytest.approx(opt["objective_cny_per_year"], rel=1e-9)
    r = CliRunner().invoke(main, ["size", str(site), "--save-lp", str(tmp_path / "size.txt")])
    assert r.exit_code == 2 and ".mps" in r.output
