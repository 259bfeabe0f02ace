"""Sensitivity of the least-cost design to one parameter at a time (``gdc size --sensitivity``).

Each parameter alone is changed by ``-range .. +range`` percent in steps of ``step`` (25 and 5:
ten changes a parameter, -25 % .. +25 %), every other input as in the site file, and each point
is re-sized (or, with ``fixed_design``, the base design is re-dispatched). The base point (no
change) is the plain ``gdc size`` of the site file and is shared by every parameter.

The parameters (a change of ``c`` percent multiplies by ``f = 1 + c/100``):

``capex_pv``
    The investment per kW of every PV source: ``economics.pv.capex_cny_per_kw`` (the site's,
    else the technology preset's). The fixed O&M, a percentage of the investment, follows it.
``capex_wind``
    The investment per kW of every wind source: ``economics.wind.capex_cny_per_kw`` and
    ``economics.offshore_wind.capex_cny_per_kw`` (site, else preset); O&M follows.
``capex_storage``
    The storage investment, both parts: ``economics.storage.capex_cny_per_kw`` (power) and
    ``economics.storage.capex_cny_per_kwh`` (energy) (site, else preset); O&M follows. The
    battery replacement (``finance.storage_replacement_cny_per_kwh``, a forecast of its own) is
    not changed.
``import_price``
    The price of every kWh bought from the grid, hour by hour: energy price x time-of-use
    multiplier plus every fee, as gdc computes it from ``tariff.import_price`` and
    ``tariff.import_fees`` or the tariff preset. Not the export price, not the 1192号 capacity charge.
``export_price``
    The price of every exported kWh, hour by hour (``tariff.export_price`` or the preset's).
``discount_rate``
    The discount rate of the annualised cost (``economics.discount_rate``, else the technology
    preset's) and of the NPV (``finance.discount_rate``, else ``economics.discount_rate``, else
    the finance preset's), both multiplied: 5 % at +20 % is 6 %.

Every point is one :class:`~gdc.screen.points.StudyPoint` (the site file with overrides) run on
the screen machinery (:func:`~gdc.screen.points.run_points`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gdc.screen.points import (
    HowToSize,
    Study,
    StudyPoint,
    design_overrides,
    evaluate_point,
    run_points,
)
from gdc.site.errors import InfeasibleError, InputError


@dataclass(frozen=True)
class Parameter:
    """A sensitivity parameter: its name, labels, the unit of its value, and what it multiplies."""

    name: str
    label_en: str
    label_zh: str
    unit: str
    multiplies: str

    def label(self, lang: str = "en") -> str:
        return self.label_zh if lang == "zh" else self.label_en


PARAMETERS: dict[str, Parameter] = {p.name: p for p in (
    Parameter("capex_pv", "PV investment", "光伏单位投资", "CNY/kW",
              "economics.pv.capex_cny_per_kw (site, else preset)"),
    Parameter("capex_wind", "wind investment", "风电单位投资", "CNY/kW",
              "economics.wind and offshore_wind capex_cny_per_kw (site, else preset)"),
    Parameter("capex_storage", "storage investment", "储能单位投资", "CNY/kWh",
              "economics.storage.capex_cny_per_kw and capex_cny_per_kwh (site, else preset); not the replacement"),
    Parameter("import_price", "grid import price", "下网电价", "x",
              "every hour's import price: energy x time-of-use + fees (tariff or preset)"),
    Parameter("export_price", "export price", "上网电价", "x", "every hour's export price (tariff or preset)"),
    Parameter("discount_rate", "discount rate", "折现率", "%",
              "economics.discount_rate (annualised cost) and the finance discount rate (NPV)"),
)}
#: The parameters of a sensitivity run when none are named (the Chinese planning tools' table).
DEFAULT_PARAMETERS = ("capex_pv", "capex_wind", "capex_storage", "import_price", "discount_rate")


def help_text() -> str:
    """One line per parameter: name and the fields it multiplies (for ``gdc size --help``)."""
    return "; ".join(f"{p.name}: {p.multiplies}" for p in PARAMETERS.values())


def parse_parameters(text: str) -> list[str]:
    """``"capex_pv, import_price"`` -> ``['capex_pv', 'import_price']`` (``all``: every parameter).

    Raises
    ------
    InputError
        An unknown or repeated name, with the known ones.
    """
    import difflib

    names = [t.strip() for t in str(text).split(",") if t.strip()]
    if names == ["all"]:
        return list(PARAMETERS)
    if not names:
        raise InputError("no parameter named", field="--sensitivity", fix=f"e.g. --sensitivity {','.join(DEFAULT_PARAMETERS)}")
    for n in names:
        if n not in PARAMETERS:
            close = difflib.get_close_matches(n, list(PARAMETERS), n=1)
            raise InputError(f"unknown sensitivity parameter '{n}'", field="--sensitivity",
                             fix=(f"did you mean '{close[0]}'? " if close else "")
                             + f"known: {', '.join(PARAMETERS)} (or 'all')")
    if len(set(names)) != len(names):
        raise InputError("a parameter is named twice", field="--sensitivity", fix="name each parameter once")
    return names


def changes(range_pct: float, step_pct: float) -> list[float]:
    """The non-zero changes [%]: ``-range, -range + step, .., -step, step, .., range``.

    Raises
    ------
    InputError
        A range outside (0, 100], a step outside (0, range], or a range that is not a whole
        number of steps.

    Examples
    --------
    >>> changes(25, 5)
    [-25.0, -20.0, -15.0, -10.0, -5.0, 5.0, 10.0, 15.0, 20.0, 25.0]
    """
    if not 0 < range_pct <= 100:
        raise InputError(f"a range of {range_pct:g} %", field="--range",
                         fix="give a range above 0 and at most 100 (percent of each parameter's value)")
    if not 0 < step_pct <= range_pct:
        raise InputError(f"a step of {step_pct:g} % for a range of {range_pct:g} %", field="--step",
                         fix="give a step above 0 and at most the range")
    n = range_pct / step_pct
    k = round(n)
    if abs(n - k) > 1e-9 * max(1.0, n):
        raise InputError(f"a range of {range_pct:g} % is not a whole number of {step_pct:g} % steps",
                         field="--step", fix=f"e.g. --range {k * step_pct:g} --step {step_pct:g}")
    up = [float(round(step_pct * i, 10)) for i in range(1, k + 1)]
    return [-c for c in reversed(up)] + up


def _tech(site: Any, key: str) -> dict[str, Any] | None:
    """A technology's cost spec: the preset's, with the site's ``economics.<key>`` overrides."""
    from gdc.operation.prices import load_technology

    base = load_technology(site.economics.preset)["technologies"].get(key)
    if base is None:
        return None
    spec = dict(base)
    over = getattr(site.economics, key, None)
    if over is not None:
        spec.update({k: v for k, v in over.model_dump().items() if v is not None})
    return spec


def parameter_change(site: Any, name: str, factor: float) -> tuple[tuple[tuple[str, Any], ...],
                                                                 tuple[tuple[str, float], ...], float | None]:
    """What a parameter times ``factor`` changes in the site file.

    Returns
    -------
    overrides : tuple of (dotted path, value)
    prices : tuple of (kind, factor)
    value : float or None
        The parameter's new value in its :class:`Parameter` unit (the factor for prices; the
        onshore wind's for ``capex_wind``; the energy part's for ``capex_storage``).
    """
    f = float(factor)
    if name in ("capex_pv", "capex_wind"):
        keys = ("pv",) if name == "capex_pv" else ("wind", "offshore_wind")
        over, value = [], None
        for key in keys:
            spec = _tech(site, key)
            if spec is None or spec.get("capex_cny_per_kw") is None:
                continue
            v = round(float(spec["capex_cny_per_kw"]) * f, 9)
            over.append((f"economics.{key}.capex_cny_per_kw", v))
            value = v if value is None else value
        return tuple(over), (), value
    if name == "capex_storage":
        spec = _tech(site, "storage") or {}
        over, value = [], None
        for part in ("capex_cny_per_kw", "capex_cny_per_kwh"):
            if spec.get(part) is not None:
                over.append((f"economics.storage.{part}", round(float(spec[part]) * f, 9)))
        value = round(float(spec.get("capex_cny_per_kwh") or 0.0) * f, 9)
        return tuple(over), (), value
    if name in ("import_price", "export_price"):
        return (), ((name.split("_")[0], f),), f
    if name == "discount_rate":
        from gdc.finance.params import finance_params
        from gdc.operation.prices import load_technology

        eco = site.economics.discount_rate
        eco = float(eco) if eco is not None else float(load_technology(site.economics.preset)["discount_rate"])
        fin = finance_params(site).discount_rate
        return (("economics.discount_rate", round(eco * f, 12)), ("finance.discount_rate", round(fin * f, 12))), (), \
            100.0 * eco * f
    raise KeyError(name)


def base_value(site: Any, name: str) -> float | None:
    """The parameter's value in the site file (its unit as :data:`PARAMETERS` says)."""
    return parameter_change(site, name, 1.0)[2]


def sensitivity_points(site: Any, parameters: list[str], range_pct: float, step_pct: float,
                       fixed: tuple[tuple[str, Any], ...] = (), year: int | None = None) -> list[StudyPoint]:
    """The points of a sensitivity run, parameter by parameter, -range .. +range (the base excluded)."""
    if site.path is None:
        raise InputError("a sensitivity run needs the site as a file", field="site",
                         fix="read the site with gdc.site.schema.read_site(path)")
    base = str(site.path.resolve())
    points = []
    for name in parameters:
        for c in changes(range_pct, step_pct):
            over, prices, value = parameter_change(site, name, 1.0 + c / 100.0)
            points.append(StudyPoint(len(points) + 1, f"{name}{c:+g}", base, fixed + over, prices, year,
                                     (("parameter", name), ("change_pct", c), ("value", value))))
    return points


def base_point(site: Any, year: int | None = None, fixed: tuple[tuple[str, Any], ...] = ()) -> StudyPoint:
    """The point of the site file as it is (with ``fixed``: its capacities fixed at a design)."""
    return StudyPoint(0, "base", str(site.path.resolve()), fixed, (), year,
                      (("parameter", "base"), ("change_pct", 0.0), ("value", None)))


def add_changes(rows: list[dict[str, Any]], base: dict[str, Any] | None) -> None:
    """``cost_change_pct`` (against the base cost) and ``irr_change_pp`` (against the base project IRR), in place."""
    cost0 = (base or {}).get("cost_cny_per_year")
    irr0 = (base or {}).get("project_irr_pct")
    for r in rows:
        c, i = r.get("cost_cny_per_year"), r.get("project_irr_pct")
        r["cost_change_pct"] = 100.0 * (c - cost0) / abs(cost0) if c is not None and cost0 else None
        r["irr_change_pp"] = i - irr0 if i is not None and irr0 is not None else None


def run_sensitivity(site: Any, parameters: list[str] | tuple[str, ...] = DEFAULT_PARAMETERS, range_pct: float = 25.0,
                    step_pct: float = 5.0, *, how: HowToSize | None = None, fixed_design: bool = False,
                    year: int | None = None, workers: int | None = None, scheduler: str | None = None,
                    dask_local: int | None = None, progress: bool = False, keep_base: bool = False) -> Study:
    """Re-size (or re-dispatch) the site with each parameter alone changed in steps; see the module docstring.

    Parameters
    ----------
    site : Site
        Read from a file (the points are that file with overrides).
    parameters : sequence of str
        Names of :data:`PARAMETERS`.
    range_pct, step_pct : float [%]
        Each parameter from ``-range_pct`` to ``+range_pct`` in ``step_pct`` steps.
    how : HowToSize, optional
        How a point is sized (default: the exact LP).
    fixed_design : bool
        Re-evaluate the base design (sized first when the site has bounds) instead of re-sizing:
        the least-cost full-year dispatch of its capacities under every rule.
    year : int, optional
        Evaluation year (``gdc size --year``).
    workers, scheduler, dask_local, progress
        As :func:`gdc.screen.points.run_points`.
    keep_base : bool
        Evaluate the base point in this process and keep its full result (``Study.base_result``,
        for the HTML report).

    Returns
    -------
    Study
        ``rows``: the base first, then each parameter's changes in order; ``cost_change_pct``
        and ``irr_change_pp`` against the base.

    Raises
    ------
    InputError
        Bad parameters or steps.
    InfeasibleError
        With ``fixed_design``, when the base site itself has no compliant design.
    """
    how = how or HowToSize()
    names = list(parameters)
    for n in names:
        if n not in PARAMETERS:
            parse_parameters(n)  # raises with the known names
    changes(range_pct, step_pct)
    fixed: tuple[tuple[str, Any], ...] = ()
    base_row, base_result = None, None
    if fixed_design:
        row, base_result = evaluate_point(base_point(site, year), how, keep_result=True)
        if base_result is None:
            if row["status"] == "infeasible":
                raise InfeasibleError(f"--fixed-design: the site has no compliant design to re-evaluate "
                                      f"({row['error']})" + (f"; {row['advice']}" if row.get("advice") else ""))
            raise InputError(f"--fixed-design: the base design could not be evaluated: {row.get('error')}")
        base_row = row
        fixed = design_overrides(site, base_result.design)
        how = HowToSize("dispatch", certificate=how.certificate)
    points = sensitivity_points(site, names, range_pct, step_pct, fixed, year)
    parent = None if base_row is not None or not keep_base else base_point(site, year)
    if base_row is None and not keep_base:
        points = [base_point(site, year)] + points
    run = run_points(points, how, workers=workers, scheduler=scheduler, dask_local=dask_local, progress=progress,
                     label="sensitivity", in_parent=parent)
    rows = run.rows
    if base_row is not None:
        rows = [base_row] + rows
    if run.parent_result is not None:
        base_result = run.parent_result
    base = next((r for r in rows if r.get("parameter") == "base"), None)
    add_changes(rows, base)
    spec = {"parameters": [{"name": n, "label_en": PARAMETERS[n].label_en, "label_zh": PARAMETERS[n].label_zh,
                            "unit": PARAMETERS[n].unit, "multiplies": PARAMETERS[n].multiplies,
                            "base_value": base_value(site, n)} for n in names],
            "range_pct": float(range_pct), "step_pct": float(step_pct), "fixed_design": bool(fixed_design)}
    return Study("sensitivity", site.name, str(site.path), how, spec, rows, base, base_result if keep_base else None,
                 {"elapsed_s": run.elapsed_s, "backend": run.backend, "workers": run.workers,
                  "interrupted": run.interrupted, "points": len(rows)})


__all__ = ["DEFAULT_PARAMETERS", "PARAMETERS", "Parameter", "add_changes", "base_point", "base_value", "changes",
           "help_text", "parameter_change", "parse_parameters", "run_sensitivity", "sensitivity_points"]
