"""Solving a Pyomo LP with the embedded HiGHS (highspy): no solver binary.

The model is compiled by Pyomo's ``LinearStandardFormCompiler`` (mixed form: rows keep
their sense) into scipy arrays, handed to HiGHS as a ``HighsLp``, and the solution is
mapped back by column. This is 4x faster than Pyomo's persistent ``appsi`` interface to
translate (solver-notes.md) and gives direct control of HiGHS's options.
"""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: HiGHS options gdc uses by default. The interior point with crossover proves the same
#: optimum as the default dual simplex many times faster on a full-year sizing LP
#: (bench/README.md); crossover stays on: it returns a basic solution HiGHS certifies optimal.
#: ``"ipm"`` means the best interior point available (:func:`ipm_solver`).
DEFAULT_OPTIONS: dict[str, Any] = {"solver": "ipm", "run_crossover": "on"}

_IPM_SOLVER: str | None = None


def ipm_solver() -> str:
    """The interior point gdc uses for ``solver="ipm"``: ``"hipo"`` or ``"ipx"``.

    HiGHS's HiPO (a sparse direct-factorisation interior point) comes with the
    ``highspy-extras`` package (``highspy[extras]``, a dependency of gdc). On the V3 sizing
    LP (61,324 columns) HiPO + crossover took 10.9 s, IPX + crossover 43.3 s in an earlier
    run (bench/README.md). Without the
    extras HiGHS silently runs the simplex instead of HiPO, so this probes it once on a
    tiny LP and falls back to IPX when HiPO does not run.
    """
    global _IPM_SOLVER
    if _IPM_SOLVER is None:
        _IPM_SOLVER = "ipx"
        try:
            import importlib.util

            if importlib.util.find_spec("highspy_extras") is not None:
                with quiet_stdout():
                    import highspy

                    h = highspy.Highs()
                h.setOptionValue("output_flag", False)
                h.setOptionValue("solver", "hipo")
                h.setOptionValue("threads", 1)
                h.setOptionValue("presolve", "off")  # else presolve alone solves the probe
                inf = highspy.kHighsInf
                h.addVars(2, np.zeros(2), np.array([inf, inf]))
                h.changeColsCost(2, np.array([0, 1], dtype=np.int32), np.array([1.0, 2.0]))
                h.addRow(1.0, inf, 2, np.array([0, 1], dtype=np.int32), np.array([1.0, 1.0]))
                h.run()
                info = h.getInfo()
                if info.ipm_iteration_count > 0 and info.simplex_iteration_count == 0:
                    _IPM_SOLVER = "hipo"
        except Exception:  # noqa: BLE001 - any trouble with the extras: IPX
            _IPM_SOLVER = "ipx"
    return _IPM_SOLVER

#: Below this many columns the dual simplex is the default instead: on a 16-typical-day
#: sizing LP (2,692 columns) it takes 0.085 s against 0.16 s for IPX + crossover (same
#: optimum; measured 2026-11-24). The interior point pays off on the full hourly year.
SMALL_LP_COLUMNS = 10_000


def default_options(n_columns: int) -> dict[str, Any]:
    """gdc's HiGHS options for an LP with ``n_columns`` columns."""
    if n_columns < SMALL_LP_COLUMNS:
        return {"solver": "simplex"}
    return dict(DEFAULT_OPTIONS)


@contextlib.contextmanager
def quiet_stdout():
    """Silence file descriptor 1 (highspy prints a banner on stdout at construction)."""
    try:
        fd = os.dup(1)
    except OSError:  # pragma: no cover - no stdout
        yield
        return
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            yield
    finally:
        os.dup2(fd, 1)
        os.close(fd)


@dataclass
class CompiledLP:
    """A Pyomo model in standard form, ready for HiGHS."""

    c: np.ndarray
    offset: float
    A: Any  # scipy.sparse csc
    row_lower: np.ndarray
    row_upper: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    columns: list[Any]
    rows: list[Any]
    index: dict[int, int] = field(default_factory=dict)  # id(VarData) -> column
    row_index: dict[int, int] = field(default_factory=dict)  # id(ConstraintData) -> row

    def col(self, var: Any) -> int:
        return self.index[id(var)]


@dataclass
class LPSolution:
    """HiGHS's answer: status, objective, primal values and row duals by column/row."""

    status: str
    objective: float
    x: np.ndarray
    row_dual: np.ndarray
    col_dual: np.ndarray
    seconds: float
    iterations: int = 0
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def optimal(self) -> bool:
        return self.status == "Optimal"


def compile_model(model: Any) -> CompiledLP:
    """Compile a Pyomo LP into arrays with fixed variables removed."""
    from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

    info = LinearStandardFormCompiler().write(model, mixed_form=True)
    n = len(info.columns)
    lower = np.array([v.lb if v.lb is not None else -np.inf for v in info.columns], dtype=float)
    upper = np.array([v.ub if v.ub is not None else np.inf for v in info.columns], dtype=float)
    rhs = np.asarray(info.rhs, dtype=float)
    mult = np.array([r[1] for r in info.rows], dtype=int)
    row_lower = np.where(mult >= 0, np.where(mult == 0, rhs, -np.inf), rhs)
    row_upper = np.where(mult <= 0, np.where(mult == 0, rhs, np.inf), rhs)
    c = info.c.toarray().ravel() if info.c.shape[0] else np.zeros(n)
    offset = float(info.c_offset[0]) if len(info.c_offset) else 0.0
    A = info.A.tocsc()
    lp = CompiledLP(c=c, offset=offset, A=A, row_lower=row_lower, row_upper=row_upper, col_lower=lower,
                    col_upper=upper, columns=info.columns, rows=[r[0] for r in info.rows])
    lp.index = {id(v): i for i, v in enumerate(info.columns)}
    lp.row_index = {}
    for i, r in enumerate(lp.rows):
        lp.row_index.setdefault(id(r), i)
    return lp


def make_highs(lp: CompiledLP, options: dict[str, Any] | None = None, threads: int | None = 1):
    """A ``highspy.Highs`` holding the LP (quiet)."""
    with quiet_stdout():
        import highspy

        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    if threads:
        h.setOptionValue("threads", int(threads))
    for k, v in (options if options is not None else default_options(len(lp.c))).items():
        h.setOptionValue(k, ipm_solver() if (k, v) == ("solver", "ipm") else v)
    hl = highspy.HighsLp()
    hl.num_col_ = len(lp.c)
    hl.num_row_ = lp.A.shape[0]
    hl.col_cost_ = lp.c
    hl.col_lower_ = lp.col_lower
    hl.col_upper_ = lp.col_upper
    hl.row_lower_ = lp.row_lower
    hl.row_upper_ = lp.row_upper
    hl.offset_ = lp.offset
    hl.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    hl.a_matrix_.start_ = lp.A.indptr
    hl.a_matrix_.index_ = lp.A.indices
    hl.a_matrix_.value_ = lp.A.data
    if h.passModel(hl) == highspy.HighsStatus.kError:
        raise RuntimeError("HiGHS rejected the LP (passModel)")
    return h


#: File formats :func:`write_lp` writes, by suffix (HiGHS's own writers).
LP_FORMATS = (".lp", ".mps")


def _file_name(name: str) -> str:
    """A Pyomo component name as an LP/MPS name: ASCII letters, digits and ``_().,``
    (``u[12]`` -> ``u(12)``, ``cap[PV Dongying]`` -> ``cap(PV_Dongying)``)."""
    name = name.replace("[", "(").replace("]", ")")
    return "".join(ch if (ch.isascii() and (ch.isalnum() or ch in "_().,")) else "_" for ch in name)


def write_lp(lp: CompiledLP, path: str | os.PathLike[str]) -> None:
    """Write the LP exactly as gdc hands it to HiGHS, as a CPLEX-LP (``.lp``) or MPS (``.mps``) file.

    The rows and columns carry the model's names (``re_balance(0)``, ``u(0)``, ``cap(pv)``,
    ``rule_rows(1)``, ...; the Pyomo model must still be alive), made file-safe by
    :func:`_file_name` and made unique with a
    ``#<index>`` suffix where two collide. Fixed variables are constants (not columns), as in
    the solve; the objective's constant is kept (HiGHS writes it as the offset). Any LP solver
    that reads the format finds the same optimum [CNY/yr].

    Raises
    ------
    InputError
        When the suffix is neither ``.lp`` nor ``.mps``.
    """
    from pathlib import Path

    from gdc.site.errors import InputError

    path = Path(path)
    if path.suffix.lower() not in LP_FORMATS:
        raise InputError(f"cannot write an LP as '{path.suffix or path.name}'", file=str(path), field="--save-lp",
                         fix="name the file *.lp (CPLEX LP format) or *.mps (MPS)")
    h = make_highs(lp, {})
    seen: set[str] = set()

    def unique(name: str, i: int) -> str:
        out = _file_name(name)
        if out in seen or not out:
            out = f"{out}#{i}"
        seen.add(out)
        return out

    for j, v in enumerate(lp.columns):
        h.passColName(j, unique(v.name, j))
    seen.clear()
    for i, r in enumerate(lp.rows):
        h.passRowName(i, unique(r.name, i))
    import highspy

    if h.writeModel(str(path)) == highspy.HighsStatus.kError:
        raise InputError(f"HiGHS could not write {path}", file=str(path), field="--save-lp",
                         fix="choose a writable file in an existing folder")


def run_highs(h: Any) -> LPSolution:
    """Run HiGHS and collect the solution.

    HiGHS keeps one global thread pool per process; a ``threads`` option that differs from
    the pool another HiGHS instance already started makes ``run`` fail. Then the pool is
    reset and the run repeated once.
    """
    import highspy

    t0 = time.perf_counter()
    status = h.run()
    if status == highspy.HighsStatus.kError:
        highspy.Highs.resetGlobalScheduler(True)
        status = h.run()
        if status == highspy.HighsStatus.kError:
            raise RuntimeError("HiGHS could not run the LP (status kError)")
    seconds = time.perf_counter() - t0
    status = h.modelStatusToString(h.getModelStatus())
    sol = h.getSolution()
    info = h.getInfo()
    return LPSolution(
        status=status, objective=float(info.objective_function_value),
        x=np.asarray(sol.col_value, dtype=float), row_dual=np.asarray(sol.row_dual, dtype=float),
        col_dual=np.asarray(sol.col_dual, dtype=float), seconds=seconds,
        iterations=int(info.simplex_iteration_count) + int(info.ipm_iteration_count),
        info={"simplex_iterations": int(info.simplex_iteration_count),
              "ipm_iterations": int(info.ipm_iteration_count), "solver": _option(h, "solver")},
    )


def _option(h: Any, name: str) -> str:
    """An option's value (highspy returns ``(status, value)`` in some versions, the value in others)."""
    v = h.getOptionValue(name)
    return str(v[1] if isinstance(v, tuple) else v)


#: Statuses that claim the LP has no solution.
NOT_SOLVABLE = ("Infeasible", "Primal infeasible or unbounded", "Unbounded")


def solve(lp: CompiledLP, options: dict[str, Any] | None = None, threads: int | None = 1,
          confirm_infeasible: bool = True) -> LPSolution:
    """Solve a compiled LP with HiGHS.

    An interior-point claim that the LP is infeasible is confirmed with the dual simplex
    before it is believed (``confirm_infeasible``): HiGHS 1.16's presolve + IPX has reported
    feasible, badly scaled LPs (an elastic LP with large penalties) as infeasible. A caller
    that follows an infeasible answer with an elastic LP anyway can skip it.
    """
    opts = {**default_options(len(lp.c)), **(options or {})}
    sol = run_highs(make_highs(lp, opts, threads))
    if sol.status == "Unknown" and opts.get("solver") == "ipm" and ipm_solver() == "hipo":
        # HiPO can stall on badly scaled LPs (an elastic LP's large penalties): IPX then
        again = run_highs(make_highs(lp, {**opts, "solver": "ipx"}, threads))
        again.seconds += sol.seconds
        again.info["hipo_claimed"] = sol.status
        sol = again
    if confirm_infeasible and sol.status in NOT_SOLVABLE and opts.get("solver") in ("ipm", "ipx", "hipo"):
        again = run_highs(make_highs(lp, {**opts, "solver": "simplex"}, threads))
        again.seconds += sol.seconds
        again.info["ipm_claimed"] = sol.status
        return again
    return sol


def values(lp: CompiledLP, x: np.ndarray, var: Any, index: Any) -> np.ndarray:
    """Values of an indexed Pyomo variable at the given indices (fixed ones at their value)."""
    out = np.empty(len(index))
    for i, j in enumerate(index):
        v = var[j]
        col = lp.index.get(id(v))
        out[i] = x[col] if col is not None else (v.value or 0.0)
    return out
