"""Benchmark reference LP for ``gdc size``: arrays straight into HiGHS.

The sizing LP (the formulation gdc's Pyomo model implements; objectives must match):

Hours ``t = 0..T-1`` with weights ``w_t``; sources ``k`` with per-unit profile ``p_kt`` and
capacity ``x_k`` [MW] in ``[lo_k, hi_k]``; storage power ``P`` in ``[0, Pmax]`` and energy
``Emax`` in ``[0, Emax_max]``; load ``L_t`` [MW].  Hourly variables (all >= 0, MW over 1 h):
``u`` renewable->load, ``c`` renewable->storage, ``e`` export, ``q`` curtailment,
``d`` storage->load, ``m`` import, ``s`` state of charge [MWh].

* renewable balance   ``sum_k x_k p_kt = u_t + c_t + e_t + q_t``
* load balance        ``L_t = u_t + d_t + m_t``
* storage             ``s_t = (1 - sigma) s_{t-1} + eta_c c_t - d_t / eta_d`` (cyclic)
* ``soc_min Emax <= s_t <= soc_max Emax``, ``c_t <= P``, ``d_t <= P``,
  optional ``dur_min P <= Emax <= dur_max P``
* grid                ``e_t <= X_t``, ``m_t <= Icap`` (bounds)
* annual rules with ``S = sum w (u + d)``, ``A = sum w sum_k x_k p_k``, ``E = sum w e``,
  ``L = sum w L_t``, ``C = sum w q``:
  ``S >= gen_share A``, ``S >= load_share L``, ``E <= export_share A``,
  ``A - C >= util_min A`` (optional).
* objective [CNY/yr] ``sum_k a_k x_k + a_P P + a_E Emax + sum_t w_t (pi_t m_t - rho_t e_t)``.

Costs, financing and the v3-tool case data are set in ONE place: :data:`ECONOMICS` and
:func:`load_v3_case`.  ``stack(inp, n)`` tiles the year ``n`` times with weights ``1/n`` so
the stacked LP has the same optimum as the single year (a built-in consistency check).

Public API
----------
* :class:`SizingInput` -- arrays + parameters (any caller, including gdc, can fill it).
* :func:`load_v3_case` -- the v3-tool case (``/work/shared/cases/v3-tool``).
* :func:`stack` -- tile the horizon n times.
* :func:`build_reference_arrays` -> :class:`LPArrays` (CSC matrix, bounds, costs).
* :func:`solve_reference` -> :class:`SolveResult` (objective, capacities, timings).

Over the project's life (issue 13): :class:`LifeInput` holds one :class:`YearBlock` per year
(and weather year), each with its own hourly arrays, its own annual rule rows and its own
usable-storage factor; the capacities are shared. :func:`build_life_arrays` writes it as one
stacked LP, :func:`solve_life` solves it (HiGHS HiPO by default), :func:`v3_life_input` fills
it for the V3 case year by year. ``stack()`` stays for the old benchmark (one annual rule over
the tiled hours).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import scipy.sparse as sp

CASE_DIR = Path("/work/shared/cases/v3-tool")


# --------------------------------------------------------------------------- economics
def crf(rate: float, life: float) -> float:
    """Capital recovery factor."""
    return rate / (1.0 - (1.0 + rate) ** (-life))


#: The one place where financing and cost assumptions live (CNY, MW, MWh, years).
ECONOMICS = {
    "rate": 0.05,  # discount rate (the tool's params say 3 %; the brief fixes 5 %)
    "life_gen": 25.0,  # PV / wind life [y]
    "life_storage": 15.0,  # storage life [y]
    "om_share": 0.01,  # fixed O&M per year, share of capex
    "capex_pv": 2700e3,  # CNY/MW   (params.json pvInvest 2700 CNY/kW)
    "capex_wind": 3600e3,  # CNY/MW (params.json windInvest 3600 CNY/kW)
    "capex_storage_energy": 600e3,  # CNY/MWh (params.json essInvest 600 CNY/kWh)
    "capex_storage_power": 300e3,  # CNY/MW (assumption of the brief: 300 CNY/kW)
    "export_price": 394.9,  # CNY/MWh (0.3949 CNY/kWh)
}


def annualised(capex: float, life: float, eco: dict | None = None) -> float:
    """capex x CRF(r, life) + fixed O&M  [CNY per unit per year]."""
    eco = eco or ECONOMICS
    return capex * (crf(eco["rate"], life) + eco["om_share"])


# --------------------------------------------------------------------------- input
@dataclass
class SizingInput:
    """Everything the sizing LP needs, as arrays (length T) and scalars.

    Units: MW, MWh, CNY/MWh, CNY/(MW yr), CNY/(MWh yr).  ``profiles`` has shape (K, T).
    """

    load: np.ndarray  # L_t [MW]
    profiles: np.ndarray  # p_kt [MW/MW], shape (K, T)
    import_price: np.ndarray  # pi_t [CNY/MWh]
    export_price: np.ndarray  # rho_t [CNY/MWh]
    export_cap: np.ndarray  # X_t [MW] (0 in forbidden hours)
    weights: np.ndarray  # w_t [-]
    cost_source: np.ndarray  # a_k [CNY/(MW yr)], shape (K,)
    cap_lo: np.ndarray  # shape (K,)
    cap_hi: np.ndarray  # shape (K,)
    cost_power: float  # a_P [CNY/(MW yr)]
    cost_energy: float  # a_E [CNY/(MWh yr)]
    source_names: tuple[str, ...] = ("pv", "wind")
    import_cap: float = np.inf  # Icap [MW]
    p_max: float = 500.0
    e_max: float = 2000.0
    eta_c: float = 0.93
    eta_d: float = 0.92
    sigma: float = 1e-4
    soc_min: float = 0.15
    soc_max: float = 1.0
    dur_min: float | None = None  # Emax >= dur_min * P  (hours)
    dur_max: float | None = None  # Emax <= dur_max * P  (hours)
    gen_share: float = 0.60  # S >= gen_share * A
    load_share: float = 0.35  # S >= load_share * L
    export_share: float = 0.20  # E <= export_share * A
    util_min: float | None = 0.95  # A - C >= util_min * A  (None: rule off)
    meta: dict = field(default_factory=dict)

    @property
    def T(self) -> int:
        return int(self.load.shape[0])

    @property
    def K(self) -> int:
        return int(self.profiles.shape[0])


def load_v3_case(load_share: float = 0.35, case_dir: Path = CASE_DIR, **overrides) -> SizingInput:
    """The v3-tool case: curves.csv + params.json with :data:`ECONOMICS`.

    Load kW -> MW; import price = price + lossFee + tduFee + systemFee + fundFee
    (CNY/kWh -> CNY/MWh); export at the flat export price; 80 MW connection both ways.
    """
    import pandas as pd

    cur = pd.read_csv(case_dir / "curves.csv")
    par = json.loads((case_dir / "params.json").read_text())
    tech = par["tech"]
    T = len(cur)
    eco = ECONOMICS
    pi = (cur["price"] + cur["lossFee"] + cur["tduFee"] + cur["systemFee"] + cur["fundFee"]).to_numpy(
        float
    ) * 1000.0
    inp = SizingInput(
        load=cur["load"].to_numpy(float) / 1000.0,
        profiles=np.vstack([cur["pvPu"].to_numpy(float), cur["windPu"].to_numpy(float)]),
        source_names=("pv", "wind"),
        import_price=pi,
        export_price=np.full(T, eco["export_price"]),
        export_cap=np.full(T, tech["feedPower"] / 1000.0),
        import_cap=tech["gridCapacity"] / 1000.0,
        weights=np.ones(T),
        cost_source=np.array(
            [
                annualised(eco["capex_pv"], eco["life_gen"]),
                annualised(eco["capex_wind"], eco["life_gen"]),
            ]
        ),
        cap_lo=np.zeros(2),
        cap_hi=np.full(2, 500.0),
        cost_power=annualised(eco["capex_storage_power"], eco["life_storage"]),
        cost_energy=annualised(eco["capex_storage_energy"], eco["life_storage"]),
        p_max=500.0,
        e_max=2000.0,
        eta_c=tech["chargeEff"] / 100.0,
        eta_d=tech["dischargeEff"] / 100.0,
        sigma=1e-4,
        soc_min=1.0 - tech["dod"] / 100.0,
        soc_max=1.0,
        load_share=load_share,
        meta={"case": str(case_dir)},
    )
    return replace(inp, **overrides) if overrides else inp


def stack(inp: SizingInput, n: int) -> SizingInput:
    """Tile the horizon ``n`` times with weights ``w/n`` (same optimum as one year)."""
    if n == 1:
        return inp
    t = lambda a: np.tile(a, n)  # noqa: E731
    return replace(
        inp,
        load=t(inp.load),
        profiles=np.tile(inp.profiles, (1, n)),
        import_price=t(inp.import_price),
        export_price=t(inp.export_price),
        export_cap=t(inp.export_cap),
        weights=t(inp.weights) / n,
        meta={**inp.meta, "stacked": n},
    )


# --------------------------------------------------------------------------- LP arrays
@dataclass
class LPArrays:
    """min c'x + offset  s.t.  row_lo <= A x <= row_hi,  col_lo <= x <= col_hi."""

    c: np.ndarray
    A: sp.csc_matrix
    row_lo: np.ndarray
    row_hi: np.ndarray
    col_lo: np.ndarray
    col_hi: np.ndarray
    offset: float = 0.0
    index: dict = field(default_factory=dict)  # name -> slice/int of columns
    row_index: dict = field(default_factory=dict)  # name -> slice/int of rows

    @property
    def shape(self):
        return self.A.shape


class _Triplets:
    """Collects COO triplets block by block."""

    def __init__(self):
        self.r, self.c, self.v = [], [], []

    def add(self, rows, cols, vals):
        rows = np.asarray(rows, dtype=np.int64)
        n = rows.shape[0]
        self.r.append(rows)
        self.c.append(np.broadcast_to(np.asarray(cols, dtype=np.int64), (n,)))
        self.v.append(np.broadcast_to(np.asarray(vals, dtype=float), (n,)))

    def csc(self, nrow, ncol):
        r = np.concatenate(self.r)
        c = np.concatenate(self.c)
        v = np.concatenate(self.v)
        keep = v != 0.0
        return sp.csc_matrix((v[keep], (r[keep], c[keep])), shape=(nrow, ncol))


def build_reference_arrays(inp: SizingInput) -> LPArrays:
    """The LP exactly as written in the module docstring (block-major column order)."""
    T, K = inp.T, inp.K
    w = inp.weights
    ar = np.arange(T)
    # columns
    ix = {}
    n = 0
    ix["x"] = slice(0, K)
    n = K
    ix["P"] = n
    ix["E"] = n + 1
    n += 2
    for name in ("u", "c", "e", "q", "d", "m", "s"):
        ix[name] = slice(n, n + T)
        n += T
    ncol = n
    col = lambda name: ar + ix[name].start  # noqa: E731

    c = np.zeros(ncol)
    c[ix["x"]] = inp.cost_source
    c[ix["P"]] = inp.cost_power
    c[ix["E"]] = inp.cost_energy
    c[ix["m"]] = w * inp.import_price
    c[ix["e"]] = -w * inp.export_price

    col_lo = np.zeros(ncol)
    col_hi = np.full(ncol, np.inf)
    col_lo[ix["x"]] = inp.cap_lo
    col_hi[ix["x"]] = inp.cap_hi
    col_hi[ix["P"]] = inp.p_max
    col_hi[ix["E"]] = inp.e_max
    col_hi[ix["e"]] = inp.export_cap
    col_hi[ix["m"]] = inp.import_cap

    tr = _Triplets()
    lo, hi = [], []
    rix = {}
    nr = 0

    def rows(name, lo_v, hi_v, count=T):
        nonlocal nr
        rix[name] = slice(nr, nr + count)
        lo.append(np.broadcast_to(np.asarray(lo_v, float), (count,)))
        hi.append(np.broadcast_to(np.asarray(hi_v, float), (count,)))
        nr += count
        return np.arange(rix[name].start, rix[name].stop)

    # renewable balance: sum_k p_kt x_k - u - c - e - q = 0
    r = rows("ren", 0.0, 0.0)
    for k in range(K):
        tr.add(r, k, inp.profiles[k])
    for name in ("u", "c", "e", "q"):
        tr.add(r, col(name), -1.0)
    # load balance: u + d + m = L
    r = rows("load", inp.load, inp.load)
    for name in ("u", "d", "m"):
        tr.add(r, col(name), 1.0)
    # storage: s_t - (1-sigma) s_{t-1} - eta_c c_t + d_t/eta_d = 0, cyclic
    r = rows("soc", 0.0, 0.0)
    tr.add(r, col("s"), 1.0)
    tr.add(r, np.roll(col("s"), 1), -(1.0 - inp.sigma))
    tr.add(r, col("c"), -inp.eta_c)
    tr.add(r, col("d"), 1.0 / inp.eta_d)
    # c_t - P <= 0 ; d_t - P <= 0
    for name in ("c", "d"):
        r = rows(f"{name}_le_P", -np.inf, 0.0)
        tr.add(r, col(name), 1.0)
        tr.add(r, ix["P"], -1.0)
    # s_t - soc_max E <= 0 ; s_t - soc_min E >= 0
    r = rows("s_max", -np.inf, 0.0)
    tr.add(r, col("s"), 1.0)
    tr.add(r, ix["E"], -inp.soc_max)
    if inp.soc_min > 0:
        r = rows("s_min", 0.0, np.inf)
        tr.add(r, col("s"), 1.0)
        tr.add(r, ix["E"], -inp.soc_min)
    # duration bounds
    if inp.dur_max is not None:
        r = rows("dur_max", -np.inf, 0.0, 1)
        tr.add(r, ix["E"], 1.0)
        tr.add(r, ix["P"], -inp.dur_max)
    if inp.dur_min is not None:
        r = rows("dur_min", 0.0, np.inf, 1)
        tr.add(r, ix["E"], 1.0)
        tr.add(r, ix["P"], -inp.dur_min)
    # annual rules; A = sum_k x_k * (sum_t w p_kt)
    Ak = inp.profiles @ w
    Ltot = float(w @ inp.load)
    r = rows("rule_gen", 0.0, np.inf, 1)  # S - gen_share A >= 0
    tr.add(np.repeat(r, T), col("u"), w)
    tr.add(np.repeat(r, T), col("d"), w)
    tr.add(np.repeat(r, K), np.arange(K), -inp.gen_share * Ak)
    r = rows("rule_load", inp.load_share * Ltot, np.inf, 1)  # S >= load_share L
    tr.add(np.repeat(r, T), col("u"), w)
    tr.add(np.repeat(r, T), col("d"), w)
    r = rows("rule_export", -np.inf, 0.0, 1)  # E - export_share A <= 0
    tr.add(np.repeat(r, T), col("e"), w)
    tr.add(np.repeat(r, K), np.arange(K), -inp.export_share * Ak)
    if inp.util_min is not None:  # C - (1 - util_min) A <= 0
        r = rows("rule_util", -np.inf, 0.0, 1)
        tr.add(np.repeat(r, T), col("q"), w)
        tr.add(np.repeat(r, K), np.arange(K), -(1.0 - inp.util_min) * Ak)

    A = tr.csc(nr, ncol)
    return LPArrays(
        c=c,
        A=A,
        row_lo=np.concatenate(lo),
        row_hi=np.concatenate(hi),
        col_lo=col_lo,
        col_hi=col_hi,
        index=ix,
        row_index=rix,
    )


# --------------------------------------------------------------------------- HiGHS
def new_highs(options: dict | None = None, quiet: bool = True):
    """A ``highspy.Highs`` with output off (the constructor's banner still goes to stdout)."""
    import highspy

    h = highspy.Highs()
    if quiet:
        h.setOptionValue("output_flag", False)
    for k, v in (options or {}).items():
        h.setOptionValue(k, v)
    return h


def to_highs_lp(lp: LPArrays):
    """LPArrays -> ``highspy.HighsLp`` (CSC)."""
    import highspy

    hl = highspy.HighsLp()
    ncol = lp.A.shape[1]
    nrow = lp.A.shape[0]
    inf = highspy.kHighsInf
    hl.num_col_ = ncol
    hl.num_row_ = nrow
    hl.col_cost_ = lp.c
    hl.offset_ = lp.offset
    hl.col_lower_ = np.where(np.isfinite(lp.col_lo), lp.col_lo, -inf)
    hl.col_upper_ = np.where(np.isfinite(lp.col_hi), lp.col_hi, inf)
    hl.row_lower_ = np.where(np.isfinite(lp.row_lo), lp.row_lo, -inf)
    hl.row_upper_ = np.where(np.isfinite(lp.row_hi), lp.row_hi, inf)
    A = lp.A.tocsc()
    A.sort_indices()
    hl.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    hl.a_matrix_.start_ = A.indptr.astype(np.int32)
    hl.a_matrix_.index_ = A.indices.astype(np.int32)
    hl.a_matrix_.value_ = A.data
    hl.a_matrix_.num_col_ = ncol
    hl.a_matrix_.num_row_ = nrow
    return hl


@dataclass
class SolveResult:
    """Objective [CNY/yr], capacities and timings [s] of one solve."""

    method: str
    objective: float
    capacities: dict  # {"pv": MW, "wind": MW, "storage_power": MW, "storage_energy": MWh}
    status: str
    t_build: float
    t_pass: float
    t_solve: float
    info: dict = field(default_factory=dict)
    x: np.ndarray | None = field(default=None, repr=False)

    @property
    def t_total(self) -> float:
        return self.t_build + self.t_pass + self.t_solve

    def summary(self) -> dict:
        return {
            "method": self.method,
            "objective": self.objective,
            "capacities": self.capacities,
            "status": self.status,
            "t_build": self.t_build,
            "t_pass": self.t_pass,
            "t_solve": self.t_solve,
            "t_total": self.t_total,
            "info": self.info,
        }


def capacities_from(x: np.ndarray, index: dict, names) -> dict:
    caps = {n: float(v) for n, v in zip(names, x[index["x"]], strict=True)}
    caps["storage_power"] = float(np.ravel(x[index["P"]])[0])
    caps["storage_energy"] = float(np.ravel(x[index["E"]])[0])
    return caps


def solve_lp_arrays(lp: LPArrays, options: dict | None = None, time_limit: float | None = None):
    """Pass ``lp`` to a fresh Highs and run.  Returns (highs, t_pass, t_solve)."""
    h = new_highs(options)
    if time_limit is not None:
        h.setOptionValue("time_limit", float(time_limit))
    t0 = time.perf_counter()
    h.passModel(to_highs_lp(lp))
    t1 = time.perf_counter()
    h.run()
    t2 = time.perf_counter()
    return h, t1 - t0, t2 - t1


def solve_reference(inp: SizingInput, options: dict | None = None, keep_x: bool = False) -> SolveResult:
    """Build the reference LP as arrays, pass a HighsLp, solve with (default) HiGHS options."""
    t0 = time.perf_counter()
    lp = build_reference_arrays(inp)
    t_build = time.perf_counter() - t0
    h, t_pass, t_solve = solve_lp_arrays(lp, options)
    status = h.modelStatusToString(h.getModelStatus())
    sol = h.getSolution()
    x = np.asarray(sol.col_value)
    info = h.getInfo()
    return SolveResult(
        method="reference" + ("" if not options else f" {options}"),
        objective=float(info.objective_function_value),
        capacities=capacities_from(x, lp.index, inp.source_names),
        status=status,
        t_build=t_build,
        t_pass=t_pass,
        t_solve=t_solve,
        info={
            "simplex_iterations": int(info.simplex_iteration_count),
            "ipm_iterations": int(info.ipm_iteration_count),
            "rows": lp.shape[0],
            "cols": lp.shape[1],
            "nnz": int(lp.A.nnz),
        },
        x=x if keep_x else None,
    )


def annual_metrics(inp: SizingInput, x: np.ndarray, index: dict) -> dict:
    """The four ratios and the rule slacks of a reference-layout solution."""
    w = inp.weights
    g = lambda n: x[index[n]]  # noqa: E731
    A = float(w @ (inp.profiles.T @ x[index["x"]]))
    S = float(w @ (g("u") + g("d")))
    E = float(w @ g("e"))
    C = float(w @ g("q"))
    L = float(w @ inp.load)
    M = float(w @ g("m"))
    return {
        "A_MWh": A,
        "S_MWh": S,
        "E_MWh": E,
        "C_MWh": C,
        "L_MWh": L,
        "import_MWh": M,
        "self_use_of_gen": S / A if A else float("nan"),
        "self_use_of_load": S / L,
        "export_share": E / A if A else float("nan"),
        "utilisation": (A - C) / A if A else float("nan"),
        "storage_throughput_MWh": float(w @ g("d")),
        "import_cost_CNY": float(w @ (inp.import_price * g("m"))),
        "export_revenue_CNY": float(w @ (inp.export_price * g("e"))),
    }


# --------------------------------------------------------------------------- the life (issue 13)
#: Symbols an annual rule row may use (the form of ``gdc.rules.linear.RuleConstraint.terms``):
#: ``sum(coef x symbol) op 0`` over the block's weighted annual totals [MWh/yr]:
#: ``A`` available generation, ``A_pv``/``A_wind`` that of the PV/wind sources, ``S`` self-use
#: ``sum w (u + d)``, ``E`` export, ``E_forbidden`` export in the block's forbidden hours, ``C``
#: curtailment, ``L`` load (a number: it moves to the right-hand side).
RULE_SYMBOLS = ("A", "A_pv", "A_wind", "S", "E", "E_forbidden", "C", "L")

#: What the life objective is (the same words go into every result).
LIFE_OBJECTIVE = ("annualised equivalent [CNY/yr]: capacity annuities + fixed O&M (sum_k a_k x_k + a_P P + "
                  "a_E E) + sum_b weight_b x (import cost - export revenue of block b), the block weights "
                  "summing to 1 (the discount-weighted mean of the years' energy costs)")


@dataclass
class YearBlock:
    """One year (and weather year) of the life LP: its own hours, factors and annual rule rows.

    Units as :class:`SizingInput` (MW, MWh, CNY/MWh). ``profiles`` (K, T) already carry the
    year's output factors and ``load`` its load factor; ``storage_energy`` [-] scales the usable
    energy window (``soc_min f E <= s_t <= soc_max f E``). ``weight`` [-] multiplies the block's
    energy cost in the objective (the blocks of a :class:`LifeInput` sum to 1). ``rules`` are
    ``(terms, op)`` pairs over :data:`RULE_SYMBOLS` (``sum coef x symbol  op  0``).
    """

    year: int
    load: np.ndarray
    profiles: np.ndarray
    import_price: np.ndarray
    export_price: np.ndarray
    export_cap: np.ndarray
    hour_weights: np.ndarray
    rules: list[tuple[dict[str, float], str]]
    weight: float = 1.0
    storage_energy: float = 1.0
    weather: str | None = None
    export_forbidden: np.ndarray | None = None
    factors: dict = field(default_factory=dict)
    #: Hours of one cyclic storage period (e.g. 24 for representative days); None: the whole block.
    period_hours: int | None = None

    @property
    def T(self) -> int:
        return int(self.load.shape[0])


@dataclass
class LifeInput:
    """The life LP: shared capacities and technology, one :class:`YearBlock` per year x weather."""

    blocks: list[YearBlock]
    source_names: tuple[str, ...]
    source_types: tuple[str, ...]  # "pv" | "wind" per source
    cost_source: np.ndarray  # a_k [CNY/(MW yr)]
    cap_lo: np.ndarray
    cap_hi: np.ndarray
    cost_power: float
    cost_energy: float
    import_cap: float = np.inf
    p_max: float = 500.0
    e_max: float = 2000.0
    eta_c: float = 0.93
    eta_d: float = 0.92
    sigma: float = 1e-4
    soc_min: float = 0.15
    soc_max: float = 1.0
    dur_min: float | None = None
    dur_max: float | None = None
    meta: dict = field(default_factory=dict)

    @property
    def K(self) -> int:
        return int(len(self.source_names))

    @property
    def hours(self) -> int:
        return int(sum(b.T for b in self.blocks))


def sizing_rules(inp: SizingInput) -> list[tuple[dict[str, float], str]]:
    """The four annual rules of a :class:`SizingInput` as life rule rows."""
    rows = [({"S": 1.0, "A": -inp.gen_share}, ">="), ({"S": 1.0, "L": -inp.load_share}, ">="),
            ({"E": 1.0, "A": -inp.export_share}, "<=")]
    if inp.util_min is not None:  # C - (1 - util_min) A <= 0
        rows.append(({"C": 1.0, "A": -(1.0 - inp.util_min)}, "<="))
    return rows


def year_block(inp: SizingInput, year: int, pv: float = 1.0, wind: float = 1.0, load: float = 1.0,
               storage_energy: float = 1.0, rules: list | None = None, weight: float = 1.0,
               weather: str | None = None, source_types: tuple[str, ...] | None = None) -> YearBlock:
    """One block from a single-year :class:`SizingInput` and the year's factors [-].

    ``rules`` default to the input's own four rules (:func:`sizing_rules`).
    """
    types = source_types or tuple("pv" if n == "pv" else "wind" for n in inp.source_names)
    f = np.array([pv if t == "pv" else wind for t in types])
    return YearBlock(year=year, load=inp.load * load, profiles=inp.profiles * f[:, None],
                     import_price=inp.import_price, export_price=inp.export_price,
                     export_cap=inp.export_cap, hour_weights=inp.weights,
                     rules=sizing_rules(inp) if rules is None else rules, weight=weight,
                     storage_energy=storage_energy, weather=weather,
                     factors={"pv": pv, "wind": wind, "load": load, "storage_energy": storage_energy})


def life_input(inp: SizingInput, blocks: list[YearBlock], source_types: tuple[str, ...] | None = None,
               **meta) -> LifeInput:
    """A :class:`LifeInput` with ``inp``'s capacities, costs and technology, and ``blocks``."""
    types = source_types or tuple("pv" if n == "pv" else "wind" for n in inp.source_names)
    return LifeInput(blocks=blocks, source_names=inp.source_names, source_types=types,
                     cost_source=inp.cost_source, cap_lo=inp.cap_lo, cap_hi=inp.cap_hi,
                     cost_power=inp.cost_power, cost_energy=inp.cost_energy, import_cap=inp.import_cap,
                     p_max=inp.p_max, e_max=inp.e_max, eta_c=inp.eta_c, eta_d=inp.eta_d, sigma=inp.sigma,
                     soc_min=inp.soc_min, soc_max=inp.soc_max, dur_min=inp.dur_min, dur_max=inp.dur_max,
                     meta={**inp.meta, **meta})


def build_life_arrays(life: LifeInput) -> LPArrays:
    """The stacked life LP (block-major columns: capacities, then each block's u c e q d m s).

    Per block ``b`` with hours ``t`` and hour weights ``w_t``: the hourly rows of the module
    docstring (renewable and load balance, the storage balance cyclic over each of the block's
    periods of ``period_hours`` (default the whole block),
    ``c, d <= P``, ``soc_min f_b E <= s_t <= soc_max f_b E``), and the block's own annual rule
    rows over its weighted totals; the capacities ``x, P, E`` are shared. Objective
    (:data:`LIFE_OBJECTIVE`): ``sum_k a_k x_k + a_P P + a_E E + sum_b weight_b sum_t w_t (pi_t m_t
    - rho_t e_t)``. ``index["blocks"][b]`` maps a variable name to its column slice in block b.
    """
    K = life.K
    ix: dict = {"x": slice(0, K), "P": K, "E": K + 1, "blocks": []}
    n = K + 2
    for b in life.blocks:
        d = {}
        for name in ("u", "c", "e", "q", "d", "m", "s"):
            d[name] = slice(n, n + b.T)
            n += b.T
        ix["blocks"].append(d)
    ncol = n
    c = np.zeros(ncol)
    c[ix["x"]] = life.cost_source
    c[ix["P"]] = life.cost_power
    c[ix["E"]] = life.cost_energy
    col_lo = np.zeros(ncol)
    col_hi = np.full(ncol, np.inf)
    col_lo[ix["x"]] = life.cap_lo
    col_hi[ix["x"]] = life.cap_hi
    col_hi[ix["P"]] = life.p_max
    col_hi[ix["E"]] = life.e_max

    tr = _Triplets()
    lo: list[np.ndarray] = []
    hi: list[np.ndarray] = []
    rix: dict = {"blocks": []}
    nr = 0

    def rows(lo_v, hi_v, count):
        nonlocal nr
        lo.append(np.broadcast_to(np.asarray(lo_v, float), (count,)))
        hi.append(np.broadcast_to(np.asarray(hi_v, float), (count,)))
        r = np.arange(nr, nr + count)
        nr += count
        return r

    for b, bix in zip(life.blocks, ix["blocks"], strict=True):
        T, w = b.T, b.hour_weights
        ar = np.arange(T)
        col = lambda name, bix=bix, ar=ar: ar + bix[name].start  # noqa: E731
        c[bix["m"]] = b.weight * w * b.import_price
        c[bix["e"]] = -b.weight * w * b.export_price
        col_hi[bix["e"]] = b.export_cap
        col_hi[bix["m"]] = life.import_cap
        br: dict = {}
        r = rows(0.0, 0.0, T)  # sum_k p_kt x_k - u - c - e - q = 0
        br["ren"] = slice(r[0], r[-1] + 1)
        for k in range(K):
            tr.add(r, k, b.profiles[k])
        for name in ("u", "c", "e", "q"):
            tr.add(r, col(name), -1.0)
        r = rows(b.load, b.load, T)  # u + d + m = L
        br["load"] = slice(r[0], r[-1] + 1)
        for name in ("u", "d", "m"):
            tr.add(r, col(name), 1.0)
        r = rows(0.0, 0.0, T)  # s_t - (1-sigma) s_{t-1} - eta_c c_t + d_t/eta_d = 0, cyclic per period
        ph = b.period_hours or T
        if T % ph:
            raise ValueError(f"block {b.year}: {T} hours is not a whole number of {ph}-hour periods")
        tr.add(r, col("s"), 1.0)
        tr.add(r, np.roll(col("s").reshape(-1, ph), 1, axis=1).ravel(), -(1.0 - life.sigma))
        tr.add(r, col("c"), -life.eta_c)
        tr.add(r, col("d"), 1.0 / life.eta_d)
        for name in ("c", "d"):  # c_t - P <= 0 ; d_t - P <= 0
            r = rows(-np.inf, 0.0, T)
            tr.add(r, col(name), 1.0)
            tr.add(r, ix["P"], -1.0)
        r = rows(-np.inf, 0.0, T)  # s_t - soc_max f E <= 0
        tr.add(r, col("s"), 1.0)
        tr.add(r, ix["E"], -life.soc_max * b.storage_energy)
        if life.soc_min > 0:  # s_t - soc_min f E >= 0
            r = rows(0.0, np.inf, T)
            tr.add(r, col("s"), 1.0)
            tr.add(r, ix["E"], -life.soc_min * b.storage_energy)
        a_k = b.profiles @ w  # A_k per MW [MWh/yr]
        L = float(w @ b.load)
        forb = b.export_forbidden if b.export_forbidden is not None else np.zeros(T, dtype=bool)
        br["rules"] = []
        for terms, op in b.rules:
            unknown = set(terms) - set(RULE_SYMBOLS)
            if unknown:
                raise ValueError(f"rule row with unknown symbols {sorted(unknown)}")
            const = terms.get("L", 0.0) * L
            if op == ">=":
                r = rows(-const, np.inf, 1)
            elif op == "<=":
                r = rows(-np.inf, -const, 1)
            else:
                raise ValueError(f"rule op {op!r}")
            br["rules"].append(int(r[0]))
            coef_x = np.zeros(K)
            for k, t in enumerate(life.source_types):
                coef_x[k] = (terms.get("A", 0.0) + terms.get(f"A_{t}", 0.0)) * a_k[k]
            tr.add(np.repeat(r, K), np.arange(K), coef_x)
            for sym, names, mask in (("S", ("u", "d"), None), ("E", ("e",), None), ("C", ("q",), None),
                                     ("E_forbidden", ("e",), forb)):
                v = terms.get(sym, 0.0)
                if v == 0.0:
                    continue
                for name in names:
                    cols, ww = col(name), v * w
                    if mask is not None:
                        cols, ww = cols[mask], ww[mask]
                    tr.add(np.repeat(r, len(cols)), cols, ww)
        rix["blocks"].append(br)
    if life.dur_max is not None:
        r = rows(-np.inf, 0.0, 1)
        tr.add(r, ix["E"], 1.0)
        tr.add(r, ix["P"], -life.dur_max)
    if life.dur_min is not None:
        r = rows(0.0, np.inf, 1)
        tr.add(r, ix["E"], 1.0)
        tr.add(r, ix["P"], -life.dur_min)
    return LPArrays(c=c, A=tr.csc(nr, ncol), row_lo=np.concatenate(lo), row_hi=np.concatenate(hi),
                    col_lo=col_lo, col_hi=col_hi, index=ix, row_index=rix)


#: HiGHS configurations of the reference, by name (``hipo``: the best plain one on V3;
#: ``hipo-amd``: HiPO with the AMD ordering gdc's stacked full-year LP uses, so the reference
#: gets the same configuration; ``hipo-amd-nox`` without crossover, as gdc runs it).
REFERENCE_SOLVERS = {"hipo": {"solver": "hipo"}, "hipo-amd": {"solver": "hipo", "hipo_ordering": "amd"},
                     "hipo-amd-nox": {"solver": "hipo", "hipo_ordering": "amd", "run_crossover": "off"},
                     "ipx": {"solver": "ipx"}, "defaults": {}}


def solve_life(life: LifeInput, solver: str = "hipo", options: dict | None = None,
               time_limit: float | None = None, keep_x: bool = False) -> SolveResult:
    """Build the stacked life LP as arrays and solve it with one plain HiGHS configuration.

    Parameters
    ----------
    life : LifeInput
    solver : str
        A key of :data:`REFERENCE_SOLVERS` (``hipo`` HiGHS HiPO + crossover, ``ipx`` IPX +
        crossover, ``defaults`` HiGHS's defaults: the dual simplex on these LPs).
    options : dict, optional
        Extra HiGHS options on top (e.g. ``{"threads": 1}``).

    Returns
    -------
    SolveResult
        ``objective`` [CNY/yr] as :data:`LIFE_OBJECTIVE`; ``info["blocks"]``: each block's
        year, weather, rule values and energy cost [CNY/yr].
    """
    t0 = time.perf_counter()
    lp = build_life_arrays(life)
    t_build = time.perf_counter() - t0
    opts = {**REFERENCE_SOLVERS[solver], **(options or {})}
    h, t_pass, t_solve = solve_lp_arrays(lp, opts, time_limit)
    info = h.getInfo()
    x = np.asarray(h.getSolution().col_value)
    res = SolveResult(
        method=f"reference-life {solver}", objective=float(info.objective_function_value),
        capacities=capacities_from(x, lp.index, life.source_names),
        status=h.modelStatusToString(h.getModelStatus()), t_build=t_build, t_pass=t_pass, t_solve=t_solve,
        info={"solver": solver, "options": opts, "simplex_iterations": int(info.simplex_iteration_count),
              "ipm_iterations": int(info.ipm_iteration_count), "rows": lp.shape[0], "cols": lp.shape[1],
              "nnz": int(lp.A.nnz), "blocks": len(life.blocks), "hours": life.hours,
              "objective_basis": LIFE_OBJECTIVE},
        x=x if keep_x else None,
    )
    if res.status == "Optimal":
        res.info["block_results"] = life_block_metrics(life, x, lp.index)
    return res


def life_block_metrics(life: LifeInput, x: np.ndarray, index: dict) -> list[dict]:
    """Each block's annual totals [MWh/yr], ratios [%] and energy cost [CNY/yr] at solution ``x``."""
    out = []
    cap = x[index["x"]]
    for b, bix in zip(life.blocks, index["blocks"], strict=True):
        w = b.hour_weights
        g = lambda n, bix=bix: x[bix[n]]  # noqa: E731
        A = float(w @ (b.profiles.T @ cap))
        S = float(w @ (g("u") + g("d")))
        E = float(w @ g("e"))
        C = float(w @ g("q"))
        L = float(w @ b.load)
        out.append({"year": b.year, "weather": b.weather, "weight": b.weight, "factors": b.factors,
                    "A_MWh": A, "S_MWh": S, "E_MWh": E, "C_MWh": C, "L_MWh": L,
                    "self_use_of_gen_pct": 100 * S / A if A else float("nan"),
                    "self_use_of_load_pct": 100 * S / L, "export_share_pct": 100 * E / A if A else float("nan"),
                    "energy_cost_cny": float(w @ (b.import_price * g("m") - b.export_price * g("e")))})
    return out


# ------------------------------------------------------------ the V3 case over its life
#: Year-to-year factors when ``gdc.profiles.life`` is not importable (FALLBACK, not gdc's
#: presets): the formulas of the life model's contract with these illustrative rates [%/yr].
FALLBACK_DEGRADATION = {"pv_first_year_pct": 1.0, "pv_per_year_pct": 0.4, "wind_per_year_pct": 0.5,
                        "storage_per_year_pct": 2.0, "storage_replacement_year": 11,
                        "storage_end_of_life_pct": 70.0, "load_growth_pct_per_year": 0.0}


def fallback_factors(year_of_life: int, deg: dict | None = None) -> dict:
    """FALLBACK year factors [-] (used only without ``gdc.profiles.life``): PV
    ``(1-first)(1-per)^(n-2)`` from year 2, wind ``(1-per)^(n-1)``, storage ``(1-per)^(n-1-n_r)``
    since the last replacement ``n_r`` (in the replacement year or below the end-of-life
    share), load ``(1+g)^(n-1)``."""
    d = {**FALLBACK_DEGRADATION, **(deg or {})}
    n = year_of_life
    pv = 1.0 if n == 1 else (1 - d["pv_first_year_pct"] / 100) * (1 - d["pv_per_year_pct"] / 100) ** (n - 2)
    wind = (1 - d["wind_per_year_pct"] / 100) ** (n - 1)
    n_r, replaced = 0, False
    for k in range(2, n + 1):
        f = (1 - d["storage_per_year_pct"] / 100) ** (k - 1 - n_r)
        if k == d["storage_replacement_year"] or f < d["storage_end_of_life_pct"] / 100:
            n_r, replaced = k - 1, k == n
    st = (1 - d["storage_per_year_pct"] / 100) ** (n - 1 - n_r)
    return {"pv": pv, "wind": wind, "storage_energy": st, "storage_replaced": replaced,
            "load": (1 + d["load_growth_pct_per_year"] / 100) ** (n - 1), "source": "fallback formulas"}


def gdc_year_factors(site, year: int, weather: str | None = None) -> dict:
    """The factors gdc's year model applies in ``year`` (``gdc.profiles.life.life_year``), or the
    FALLBACK formulas (:func:`fallback_factors`) when that module is missing."""
    try:
        from gdc.profiles.life import life_year
    except ImportError:
        start = site.start_year or site.year
        return fallback_factors(year - start + 1)
    ly = life_year(site, year, weather)
    return {"pv": ly.pv, "wind": ly.wind, "storage_energy": ly.storage_energy, "load": ly.load,
            "storage_replaced": ly.storage_replaced, "year_of_life": ly.year_of_life,
            "source": "gdc.profiles.life.life_year"}


def gdc_year_rules(site, year: int) -> list[tuple[dict[str, float], str]]:
    """The annual rule rows of ``year`` from the site's rule set (thresholds of that year)."""
    from gdc.check import get_rule_set
    from gdc.rules.linear import rule_constraints
    from gdc.site.read import with_year

    sy = with_year(site, year)
    rule_set, _ = get_rule_set(sy)
    rcs, _ = rule_constraints(rule_set, sy)
    return [(dict(rc.terms), rc.op) for rc in rcs]


def discount_weights(years: list[int], rate: float, start: int) -> np.ndarray:
    """``d_y / sum d`` with ``d_y = (1 + rate)^-(y - start)``: the discount-weighted mean [-]."""
    d = np.array([(1.0 + rate) ** -(y - start) for y in years])
    return d / d.sum()


def v3_life_input(years: list[int], site_path: Path | str | None = None, case_dir: Path = CASE_DIR,
                  weights: np.ndarray | None = None) -> LifeInput:
    """The V3 case over ``years`` (calendar years): one block per year.

    Arrays from the case's own CSV (:func:`load_v3_case`, no utilisation rule); each year's PV,
    wind, load and usable-storage factors from :func:`gdc_year_factors`, its rule rows (that
    year's thresholds) from :func:`gdc_year_rules` on the site file (default
    ``bench/sites/v3-size.yaml``); block weights by :func:`discount_weights` at
    ``ECONOMICS["rate"]`` from the first of ``years`` unless ``weights`` is given: the weights of
    ``gdc.optimise.horizon.year_weights`` for contiguous years (its annualised-equivalent objective).
    """
    from gdc.site.read import read_site

    site = read_site(site_path or Path(__file__).resolve().parent / "sites" / "v3-size.yaml")
    base = load_v3_case(util_min=None, case_dir=case_dir)
    wts = discount_weights(years, ECONOMICS["rate"], years[0]) if weights is None else np.asarray(weights, float)
    blocks = []
    for y, wt in zip(years, wts, strict=True):
        f = gdc_year_factors(site, y)
        b = year_block(base, y, pv=f["pv"], wind=f["wind"], load=f["load"], storage_energy=f["storage_energy"],
                       rules=gdc_year_rules(site, y), weight=float(wt))
        b.factors = f
        blocks.append(b)
    return life_input(base, blocks, site=str(site.path), years=list(years))


if __name__ == "__main__":  # quick check: python bench/reference_lp.py
    import sys

    inp = load_v3_case()
    res = solve_reference(inp, keep_x=True)
    lp_ix = build_reference_arrays(inp).index
    out = res.summary()
    out["metrics"] = annual_metrics(inp, res.x, lp_ix)
    sys.stderr.write(json.dumps(out, indent=2) + "\n")
