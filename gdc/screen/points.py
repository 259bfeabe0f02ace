"""The points of a study (sensitivity, Pareto): one site variant each, run on the screen machinery.

A :class:`StudyPoint` is small and picklable, like a screen :class:`~gdc.screen.candidates.Candidate`:
the base site file, dotted-path overrides of its YAML mapping (applied before validation, as a
screen CSV's columns are), price factors and the evaluation year. :func:`evaluate_point` turns one
into a result row (sized or re-dispatched design, its cost and its finance); it never raises for
a bad point: an input error, an infeasible point or a solver failure is a row with its status
and message, so one failing point never loses the others. :func:`run_points` runs the points on
the local process pool or the Dask cluster of :mod:`gdc.screen.runner` (one point a task; a
point that kills its worker is retried alone, as ``gdc screen`` does), or in this process
(``workers=0``).

Price factors scale the hourly price series gdc computes from the site's tariff (the preset's
energy price x time-of-use multiplier + fees, or the site's own columns): the worker writes the
scaled series to a CSV in a temporary folder of its own, points the site's ``tariff`` at it for
the evaluation, and deletes it afterwards.
"""

from __future__ import annotations

import math
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gdc.site.errors import InfeasibleError, InputError

#: Column of the scaled price CSVs a worker writes [CNY/kWh].
PRICE_COLUMNS = {"import": "import_cny_per_kwh", "export": "export_cny_per_kwh"}


@dataclass(frozen=True)
class HowToSize:
    """How every point of a study is evaluated.

    Attributes
    ----------
    kind : {'size', 'dispatch'}
        ``size``: the least-cost compliant design (the exact LP, or typical days);
        ``dispatch``: the least-cost dispatch of the point's fixed capacities under every rule
        (:func:`gdc.optimise.size.optimal_dispatch`).
    typical_days : int
        With ``size``: size on this many typical days and certify on the full year (0: exact LP).
    certificate : {'lp', 'dispatch'}
        The typical-day certificate (:func:`gdc.optimise.typical.size_site_typical`).
    gap : float or None
        The exact LP's self-use-first gap (None: gdc's default).
    objective : str
        What the sizing minimises (``gdc size --objective``; ``cost`` the default).
    """

    kind: str = "size"
    typical_days: int = 0
    certificate: str = "lp"
    gap: float | None = None
    objective: str = "cost"

    def describe(self) -> str:
        if self.kind == "dispatch":
            return "the base design re-dispatched (least-cost full-year dispatch, capacities fixed)"
        if self.typical_days:
            how = f"re-sized on {self.typical_days} typical days, certified on the full year"
        else:
            how = "re-sized by the exact full-year LP"
        return how + (f" (objective {self.objective})" if self.objective != "cost" else "")


@dataclass(frozen=True)
class StudyPoint:
    """One variant of the base site.

    Attributes
    ----------
    index : int
        Position in the study (the table's order).
    id : str
        Unique id, e.g. ``capex_pv-10``.
    base : str
        Absolute path of the base site file.
    overrides : tuple of (str, any)
        Dotted-path overrides of the base file's mapping (``economics.pv.capex_cny_per_kw``).
    prices : tuple of (str, float)
        ``("import", f)`` / ``("export", f)``: the hourly import / export price times ``f``.
    year : int or None
        Evaluation year (:func:`gdc.site.read.with_year`); None: the file's.
    labels : tuple of (str, any)
        Columns copied into the row (``parameter``, ``change_pct``, ``level``, ...).
    """

    index: int
    id: str
    base: str
    overrides: tuple[tuple[str, Any], ...] = ()
    prices: tuple[tuple[str, float], ...] = ()
    year: int | None = None
    labels: tuple[tuple[str, Any], ...] = ()


def _load(point: StudyPoint, extra: tuple[tuple[str, Any], ...] = ()) -> Any:
    from gdc.screen.candidates import Candidate, load_site
    from gdc.site.read import with_year

    site = load_site(Candidate(point.index, point.id, point.base, point.overrides + extra, origin=point.id))
    return with_year(site, point.year) if point.year is not None and point.year != site.year else site


def point_site(point: StudyPoint, folder: str | Path | None = None) -> Any:
    """The validated site of a point; with price factors, its tariff points at scaled series in ``folder``.

    Raises
    ------
    InputError
        An override the base site cannot take (e.g. a discount rate above the schema's 0.3).
    """
    site = _load(point)
    if not point.prices:
        return site
    if folder is None:
        raise ValueError("a point with price factors needs a folder for its price series")
    import pandas as pd

    from gdc.operation.prices import get_costs
    from gdc.screen.evaluate import cached_profiles

    costs = get_costs(site, cached_profiles(site))
    path = Path(folder) / f"prices-{point.index}.csv"
    table, extra = {}, []
    for kind, factor in point.prices:
        col = PRICE_COLUMNS[kind]
        table[col] = (costs.import_price if kind == "import" else costs.export_price) * float(factor) / 1000.0
        ref = {"file": str(path), "column": col}
        extra += [("tariff.import_price", ref), ("tariff.import_fees", [])] if kind == "import" else \
            [("tariff.export_price", ref)]
    pd.DataFrame(table).to_csv(path, index=False, float_format="%.10g")
    return _load(point, tuple(extra))


def _num(x: Any) -> float | None:
    if x is None or isinstance(x, bool):
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def result_row(result: Any, finance: Any) -> dict[str, Any]:
    """The row of an evaluated point: the screen's size row (status, capacities, ratios, cost) and the finance."""
    from gdc.screen.evaluate import size_row

    row = size_row(result)
    f = finance.as_dict()
    row.update({
        "initial_investment_cny": _num(f["initial_investment_cny"]),
        "npv_cny": _num(f["npv_cny"]),
        "project_irr_pct": _num(f["project_irr_pct"]),
        "equity_irr_pct": _num(f["equity_irr_pct"]),
        "payback_years": _num(f["payback_years"]),
        "lcoe_cny_per_mwh": _num(f["lcoe_cny_per_mwh"]),
        "composite_price_cny_per_kwh": _num(f["composite_price_cny_per_kwh"]),
        "green_power_price_cny_per_kwh": _num(f["green_power_price_cny_per_kwh"]),
    })
    return row


def _solve(site: Any, profiles: Any, how: HowToSize) -> Any:
    if how.kind == "dispatch":
        from gdc.optimise.size import optimal_dispatch

        return optimal_dispatch(site, profiles)
    if how.typical_days:
        from gdc.optimise.typical import size_site_typical

        extra = {"objective": how.objective} if how.objective != "cost" else {}
        return size_site_typical(site, n_days=how.typical_days, profiles=profiles, certificate=how.certificate,
                                 **extra)
    from gdc.optimise.size import SELF_USE_GAP, size_site

    extra = {"objective": how.objective} if how.objective != "cost" else {}
    return size_site(site, profiles, gap=SELF_USE_GAP if how.gap is None else how.gap, **extra)


def _advice(exc: InfeasibleError) -> str | None:
    """The least-change advice of an infeasible point, one line (the bounds that alone make it feasible)."""
    exp = exc.explanation
    items = getattr(exp, "advice", None) or []
    if not items:
        return None
    from gdc.optimise.advice import advice_sentence

    useful = [advice_sentence(a) for a in items if a.get("advised") is not None]
    return "; ".join(useful) if useful else "no single capacity bound makes it feasible"


def evaluate_point(point: StudyPoint, how: HowToSize, keep_result: bool = False) -> tuple[dict[str, Any], Any]:
    """One point's row (and, with ``keep_result``, its :class:`~gdc.check.CheckResult` with ``extra['finance']``).

    Never raises for a bad point: ``status`` is the design's (``pass``, ``review``, ``fail``),
    ``infeasible`` (``error``: why; ``advice``: the least change of a bound that would help) or
    ``error`` (bad input, or an internal error, with the message).
    """
    t0 = time.perf_counter()
    row: dict[str, Any] = {"id": point.id, **dict(point.labels)}
    result = None
    try:
        from gdc.finance.cashflow import finance_of
        from gdc.screen.evaluate import cached_profiles

        with tempfile.TemporaryDirectory(prefix="gdc-study-") as tmp:  # scaled prices, read until the row is made
            site = point_site(point, tmp)
            result = _solve(site, cached_profiles(site), how)
            fin = finance_of(result)
            row.update(result_row(result, fin))
        if keep_result:
            result.extra["finance"] = fin.as_dict()
    except InputError as exc:
        from gdc.screen.candidates import one_line

        row.update(status="error", error=one_line(exc))
        result = None
    except InfeasibleError as exc:
        items = [a for a in (getattr(exc.explanation, "advice", None) or []) if a.get("advised") is not None]
        row.update(status="infeasible", error=str(exc).split("\n", 1)[0], advice=_advice(exc), advice_items=items)
        result = None
    except Exception as exc:  # noqa: BLE001 - one broken point must not stop the study
        row.update(status="error", error=f"internal error: {type(exc).__name__}: {exc}".replace("\n", " "))
        result = None
    row["run_time_s"] = time.perf_counter() - t0
    return row, result


def run_point_chunk(chunk: list[StudyPoint], how: HowToSize) -> list[dict[str, Any]]:
    """Evaluate a chunk of points in a worker process (one task): the rows."""
    from gdc.screen.evaluate import setup_worker

    setup_worker()
    return [evaluate_point(p, how)[0] for p in chunk]


@dataclass
class PointsRun:
    """What :func:`run_points` produced."""

    rows: list[dict[str, Any]]  #: one per point, in the points' order
    elapsed_s: float
    backend: str
    workers: int
    interrupted: bool = False
    parent_result: Any = None  #: the CheckResult of the point run in this process (``in_parent``)
    timings: dict[str, float] = field(default_factory=dict)


def run_points(points: list[StudyPoint], how: HowToSize, *, workers: int | None = None,
               scheduler: str | None = None, dask_local: int | None = None, progress: bool = False,
               label: str = "study", in_parent: StudyPoint | None = None, task: Any = run_point_chunk) -> PointsRun:
    """Evaluate every point: on a local process pool, a Dask cluster, or in this process.

    Parameters
    ----------
    points : list of StudyPoint
        Evaluated in the workers.
    how : HowToSize
    workers : int, optional
        Local worker processes (default: the cores available); 0 evaluates the points one after
        the other in this process (no pool).
    scheduler, dask_local : optional
        Run on a Dask cluster, as ``gdc screen --scheduler / --dask-local`` does.
    progress : bool
        The progress line on stderr.
    in_parent : StudyPoint, optional
        One more point evaluated in this process while the workers run, its CheckResult kept
        (the base design, for the report); its row comes first.
    task : callable
        ``task(chunk, how) -> rows``, importable by the workers (tests pass one that crashes).

    Returns
    -------
    PointsRun
    """
    from gdc.screen.progress import Progress
    from gdc.screen.runner import DaskBackend, LocalBackend, default_workers, run_chunks

    if scheduler and dask_local:
        raise InputError("give --scheduler or --dask-local, not both", field="--scheduler")
    t0 = time.perf_counter()
    total = len(points) + (in_parent is not None)
    bar = Progress(total, enabled=progress, label=label)
    rows: dict[str, dict[str, Any]] = {}
    parent_result = None
    backend: Any = None
    interrupted = False
    labels = {p.id: dict(p.labels) for p in points}

    def record(new: list[dict[str, Any]]) -> None:
        for r in new:
            rows[r["id"]] = {"id": r["id"], **labels.get(r["id"], {}), **r}
        bar.update(len(new), errors=sum(r.get("status") == "error" for r in new))

    def parent() -> None:
        nonlocal parent_result
        if in_parent is not None:
            row, parent_result = evaluate_point(in_parent, how, keep_result=True)
            rows[row["id"]] = row
            bar.update(1, errors=row["status"] == "error")

    try:
        if not points or workers == 0 and not (scheduler or dask_local):
            parent()
            for p in points:
                record(task([p], how))
        else:
            if scheduler or dask_local:
                backend = DaskBackend(scheduler, dask_local)
            else:
                backend = LocalBackend(max(1, min(workers or default_workers(), len(points))))
            queue = [[p] for p in reversed(points)]  # one point a task: each takes seconds
            # the base point runs here while the workers are busy
            for new, ok in run_chunks(backend, task, queue, how, on_busy=parent):
                if not ok:
                    for r in new:
                        r.pop("base", None)
                if new:
                    record(new)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        if backend is not None:
            backend.close(kill=interrupted)
        bar.close()
    order = ([in_parent] if in_parent is not None else []) + points
    out = [rows[p.id] for p in order if p.id in rows]
    return PointsRun(rows=out, elapsed_s=time.perf_counter() - t0, backend=backend.name if backend else "this process",
                     workers=backend.workers if backend else 1, interrupted=interrupted, parent_result=parent_result)


@dataclass
class Study:
    """A finished sensitivity or Pareto study: its points' rows and what they were.

    Attributes
    ----------
    kind : {'sensitivity', 'pareto'}
    site : str
        The base site's name.
    site_file : str
    how : HowToSize
    spec : dict
        What was varied (the parameters and steps, or the rule and its levels), plain data.
    rows : list of dict
        One per point (the base first in a sensitivity), with the columns of :func:`result_row`
        and the labels (``parameter``, ``change_pct``, ``value``; ``level``).
    base : dict or None
        The base site's row (the plain ``gdc size`` of the site file).
    base_result : CheckResult or None
        Its full result, when it was kept for a report.
    run : dict
        ``elapsed_s``, ``backend``, ``workers``, ``interrupted``, ``points``.
    """

    kind: str
    site: str
    site_file: str
    how: HowToSize
    spec: dict[str, Any]
    rows: list[dict[str, Any]]
    base: dict[str, Any] | None = None
    base_result: Any = None
    run: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-serialisable data (``gdc size --sensitivity ... --json``)."""
        from gdc import __version__

        return {"gdc_version": __version__, "study": self.kind, "site": self.site, "site_file": self.site_file,
                "evaluation": self.how.describe(), "typical_days": self.how.typical_days or None,
                **self.spec, "base": self.base, "points": self.rows, "run": self.run}


def design_overrides(site: Any, design: Any) -> tuple[tuple[str, Any], ...]:
    """Dotted-path overrides that fix a site's capacities at a design's (``--fixed-design``)."""
    out: list[tuple[str, Any]] = [(f"sources[{i}].capacity_mw", float(design.capacities_mw[s.name]))
                                  for i, s in enumerate(site.sources)]
    if site.storage is not None:
        out += [("storage.power_mw", float(design.storage_power_mw)),
                ("storage.energy_mwh", float(design.storage_energy_mwh))]
    return tuple(out)


__all__ = ["HowToSize", "PointsRun", "Study", "StudyPoint", "design_overrides", "evaluate_point", "point_site", "result_row", "run_point_chunk",
           "run_points"]
