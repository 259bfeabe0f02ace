"""One candidate -> one result row; runs in the worker processes (local pool or Dask).

:func:`run_candidate` is the mode switch (``check`` or ``size``) on a validated site;
:func:`evaluate_candidate` wraps it with loading, timing and error capture (a bad
candidate becomes a row with status ``error``, never an exception); :func:`run_chunk`
evaluates a chunk of candidates in one task.

Worker-side caches (per process, so each worker reads each file once): the base site
YAML (:mod:`gdc.screen.candidates`), the CSV tables (:mod:`gdc.profiles.series`) and the checked
:class:`~gdc.profiles.series.Profiles` of a site as read (:func:`gdc.profiles.life.series_key`), all
keyed by path and modification time.
"""

from __future__ import annotations

import math
import os
import time
from typing import Any

from gdc.screen.candidates import Candidate, load_site, one_line
from gdc.site.errors import InfeasibleError, InputError

MODES = ("check", "size")
#: Ranking order of statuses, best first.
STATUSES = ("pass", "review", "fail", "infeasible", "error")
#: Message of every candidate in size mode until gdc.optimise.size exists.
NO_SIZE = "size mode needs gdc.optimise.size (not installed)"
#: Environment of worker processes: one thread per process (HiGHS, BLAS, OpenMP).
WORKER_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
              "NUMEXPR_NUM_THREADS": "1", "VECLIB_MAXIMUM_THREADS": "1"}

_SETUP = {"done": False}


def setup_worker() -> None:
    """Make this process single-threaded for numerical libraries imported from now on."""
    if _SETUP["done"]:
        return
    os.environ.update(WORKER_ENV)
    _SETUP["done"] = True


def init_local_worker() -> None:
    """Initialiser of local pool processes: Ctrl-C is the parent's business; warm imports."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    setup_worker()
    import gdc.check  # noqa: F401 - import once, before the first chunk


# ----------------------------------------------------------------------------- profiles cache

def cached_profiles(site: Any) -> Any:
    """:func:`gdc.profiles.series.get_profiles`: the series as read are cached per process
    (:func:`gdc.profiles.life.series_key`: every field they depend on, the files' modification
    times), so candidates naming the same series read them once; each candidate's year of life is
    applied to them afresh."""
    from gdc.profiles.series import get_profiles

    return get_profiles(site)


# ----------------------------------------------------------------------------- rows


def _num(x: Any) -> float | None:
    if x is None or isinstance(x, bool):
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def site_columns(site: Any) -> dict[str, Any]:
    """Columns describing a site (known before any evaluation)."""
    return {
        "name": site.name,
        "jurisdiction": site.jurisdiction,
        "year": int(site.year),
        "voltage_kv": _num(site.connection.voltage_kv),
        "connection_mw": _num(site.connection.capacity_mw),
        "max_distance_km": _num(max(s.distance_km for s in site.sources)),
    }


def check_row(result: Any) -> dict[str, Any]:
    """The row of a :class:`~gdc.check.CheckResult`: status, binding rule, ratios, capacities, margins, finance."""
    site, m, d, verdicts = result.site, result.metrics, result.design, result.verdicts
    b = result.binding
    types = {s.name: s.type for s in site.sources}
    row = site_columns(site)
    row.update({
        "status": result.status,
        "rule_set": result.rule_set.key,
        "binding_rule": b.rule.id if b else None,
        "binding_margin": _num(b.margin) if b else None,
        "failing": ",".join(v.rule.id for v in verdicts if v.status == "fail") or None,
        "to_review": ",".join(v.rule.id for v in verdicts if v.status == "review") or None,
        "self_use_share": _num(m.self_use_share),
        "load_share": _num(m.load_share),
        "export_share": _num(m.export_share),
        "utilisation": _num(m.utilisation),
        "A_mwh": _num(m.A), "S_mwh": _num(m.S), "L_mwh": _num(m.L), "E_mwh": _num(m.E),
        "I_mwh": _num(m.I), "C_mwh": _num(m.C),
        "max_exchange_mw": _num(m.max_exchange_mw),
        "pv_mw": sum(float(c) for n, c in d.capacities_mw.items() if types.get(n) == "pv"),
        "wind_mw": sum(float(c) for n, c in d.capacities_mw.items() if types.get(n) == "wind"),
        "storage_power_mw": float(d.storage_power_mw),
        "storage_energy_mwh": float(d.storage_energy_mwh),
    })
    for v in verdicts:
        if v.margin is not None:
            row[f"margin_{v.rule.id}"] = _num(v.margin)
    from gdc.finance.cashflow import finance_columns  # NPV, IRRs, composite price (issue 14)

    row.update({k: _num(v) for k, v in finance_columns(result).items()})
    return row


def size_row(result: Any) -> dict[str, Any]:
    """The row of :func:`gdc.optimise.size.size_site`'s result: the sized design's check, plus its cost.

    The result is a :class:`~gdc.check.CheckResult` whose ``extra["cost"]`` holds
    ``total_cny_per_year`` and ``cny_per_mwh_load`` (:func:`gdc.operation.prices.cost_breakdown`):
    they become the columns ``cost_cny_per_year`` and ``cost_cny_per_mwh`` (per MWh of load).
    """
    row = check_row(result)
    cost = result.extra.get("cost") or {}
    row["cost_cny_per_year"] = _num(cost.get("total_cny_per_year"))
    row["cost_cny_per_mwh"] = _num(cost.get("cny_per_mwh_load"))
    td = result.extra.get("typical_days")
    # the exact LP is solved on the full year itself; typical-day designs say so when certified
    row["sizing"] = f"typical days ({td['n_days']})" if td and not td.get("fallback") else "full-year LP"
    row["certified_full_year"] = bool(td["certified"]) if td else True
    return row


def run_candidate(site: Any, mode: str) -> dict[str, Any]:
    """Evaluate one validated site: the mode switch.

    Parameters
    ----------
    site : Site
    mode : {'check', 'size', 'size:N'}
        ``check``: :func:`gdc.check.check_site` of the site's own capacities. ``size``: the
        pre-screen (:mod:`gdc.screen.prescreen`), then ``gdc.optimise.size.size_site(site)``;
        ``size:N``: the same on N typical days, certified on the full year
        (:func:`gdc.optimise.typical.size_site_typical`).

    Returns
    -------
    dict
        The row (without id, run time and error); ``status`` is ``pass``, ``review``,
        ``fail``, ``infeasible`` (with the reason in ``error``) or ``error``.

    Raises
    ------
    InputError, InfeasibleError
        Caught by :func:`evaluate_candidate`.
    """
    if ":years=" in mode:  # gdc screen --years: the candidate over years of its life (gdc.screen.life)
        from gdc.screen.life import run_years

        return run_years(site, mode)
    if mode == "check":
        from gdc.check import check_site

        if site.needs_sizing():
            raise InputError("capacities are given as {min, max} bounds", file=site.path, field="sources / storage",
                             fix="screen it with --mode size, or give fixed capacities to check a design")
        return check_row(check_site(site, profiles=cached_profiles(site)))
    if mode == "size" or mode.startswith("size:"):
        import importlib

        from gdc.screen.prescreen import prescreen

        reasons = prescreen(site, cached_profiles(site))
        if reasons:
            return {**site_columns(site), "status": "infeasible", "error": "; ".join(reasons)}
        try:
            size = importlib.import_module("gdc.optimise.size")
        except ModuleNotFoundError as exc:
            if exc.name not in ("gdc.optimise.size",):
                raise
            return {**site_columns(site), "status": "error", "error": NO_SIZE}
        if mode.startswith("size:") and int(mode.split(":", 1)[1]) > 0:
            from gdc.optimise.typical import size_site_typical

            row = size_row(size_site_typical(site, n_days=int(mode.split(":", 1)[1]), profiles=cached_profiles(site)))
            return row
        return size_row(size.size_site(site, profiles=cached_profiles(site)))
    raise ValueError(f"unknown mode {mode!r}: one of {', '.join(MODES)}")


def evaluate_candidate(cand: Candidate, mode: str) -> dict[str, Any]:
    """The result row of one candidate; never raises for a bad candidate."""
    t0 = time.perf_counter()
    row: dict[str, Any] = {"id": cand.id}
    try:
        row.update(run_candidate(load_site(cand), mode))
    except InputError as exc:
        row.update(status="error", error=one_line(exc))
    except InfeasibleError as exc:
        row.update(status="infeasible", error=str(exc).replace("\n", " "))
    except Exception as exc:  # noqa: BLE001 - one broken candidate must not stop the batch
        row.update(status="error", error=f"internal error: {type(exc).__name__}: {exc}".replace("\n", " "))
    row["base"] = cand.base
    row["run_time_s"] = time.perf_counter() - t0
    return row


def run_chunk(chunk: list[Candidate], mode: str) -> list[dict[str, Any]]:
    """Evaluate a chunk of candidates in this worker process (one task)."""
    setup_worker()
    return [evaluate_candidate(c, mode) for c in chunk]
