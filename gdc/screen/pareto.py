"""What a stricter (or looser) rule costs: the least cost at each level of one rule's threshold
(``gdc size --pareto load_share=30:60:5``).

The rule is named by its id (``gdc rules`` lists them) or by the metric it tests, when one
rule of the site's rule set tests it. Each level is the site file with that rule's threshold
overridden (``overrides: {RULE: {threshold: LEVEL}}``, the override the site file already
supports; a ``kind`` the site sets for the rule is kept) and is sized like a plain ``gdc size``.
A level no design within the bounds meets is reported as ``infeasible``, with the least change
of a capacity bound that would make it feasible where the sizing computed one (it always does
when the exact LP finds no design: :func:`gdc.optimise.size.explain_infeasible`).

Only an annual energy rule that ``gdc size`` writes into its LP (kind ``hard`` or ``param``, an
annual ratio or energy) moves the least cost: any other is refused before anything runs.
"""

from __future__ import annotations

import difflib
import math
from typing import Any

from gdc.screen.points import HowToSize, Study, StudyPoint, run_points
from gdc.site.errors import InputError

#: Most levels of one Pareto run.
MAX_LEVELS = 200


def parse_pareto(text: str) -> tuple[str, list[float]]:
    """``"load_share=30:60:5"`` -> ``('load_share', [30, 35, ..., 60])``; ``"x=30,40,45"`` lists levels.

    ``start:stop:step`` includes ``stop`` when it is a whole number of steps from ``start``.

    Raises
    ------
    InputError
        A malformed spec, an empty range or more than :data:`MAX_LEVELS` levels.

    Examples
    --------
    >>> parse_pareto("load_share=30:40:5")
    ('load_share', [30.0, 35.0, 40.0])
    """
    fix = "write RULE=START:STOP:STEP (e.g. load_share=30:60:5) or RULE=L1,L2,... in the rule's unit"
    key, sep, spec = str(text).partition("=")
    key, spec = key.strip(), spec.strip()
    if not sep or not key or not spec:
        raise InputError(f"'{text}' is not RULE=START:STOP:STEP", field="--pareto", fix=fix)
    try:
        if ":" in spec:
            parts = [float(x) for x in spec.split(":")]
            if len(parts) != 3:
                raise ValueError
            start, stop, step = parts
            if not all(math.isfinite(x) for x in parts):
                raise ValueError
            if step <= 0 or stop < start:
                raise InputError(f"'{spec}': the step must be positive and STOP at least START", field="--pareto",
                                 fix=fix)
            n = int((stop - start) / step + 1e-9)
            if n + 1 > MAX_LEVELS:  # counted before the list is built: 0:1e12:1 would fill the memory
                raise InputError(f"{n + 1:,} levels", field="--pareto", fix=f"at most {MAX_LEVELS}: a larger step")
            levels = [round(start + i * step, 10) for i in range(n + 1)]
        else:
            levels = [float(x) for x in spec.split(",") if x.strip()]
            if not all(math.isfinite(x) for x in levels):
                raise ValueError
    except ValueError as exc:
        raise InputError(f"'{spec}' is not a list of finite numbers", field="--pareto", fix=fix) from exc
    if not levels:
        raise InputError("no level", field="--pareto", fix=fix)
    if len(levels) > MAX_LEVELS:
        raise InputError(f"{len(levels)} levels", field="--pareto", fix=f"at most {MAX_LEVELS}: a larger step")
    if len(set(levels)) != len(levels):
        raise InputError("a level is given twice", field="--pareto", fix="give each level once")
    return key, levels


def resolve_rule(site: Any, key: str) -> Any:
    """The rule of the site's rule set that ``key`` names (its id, or the metric only it tests).

    Raises
    ------
    InputError
        No such rule, a metric several rules test, or a rule ``gdc size`` does not constrain.
    """
    from gdc.check import get_rule_set
    from gdc.rules.linear import rule_constraints

    rule_set, _ = get_rule_set(site)
    constrained, _ = rule_constraints(rule_set, site)
    usable = [rc.rule.id for rc in constrained]
    ids = [r.id for r in rule_set.active()]
    if key in ids:
        rule = rule_set.get(key)
    else:
        by_metric = [r for r in rule_set.active() if r.metric == key and r.kind != "checklist"]
        if len(by_metric) > 1:
            names = [r.id for r in by_metric]
            pick = [n for n in names if n in usable] or names
            raise InputError(f"rules {', '.join(names)} all test '{key}'", field="--pareto",
                             fix=f"name one by its id, e.g. --pareto {pick[0]}=...")
        if not by_metric:
            metrics = sorted({r.metric for r in rule_set.active() if r.metric})
            close = difflib.get_close_matches(key, ids + metrics, n=1)
            raise InputError(f"no rule or metric '{key}' in rule set {rule_set.key}", field="--pareto",
                             fix=(f"did you mean '{close[0]}'? " if close else "")
                             + f"rules gdc size constrains here: {', '.join(usable) or 'none'}")
        rule = by_metric[0]
    if rule.id not in usable:
        raise InputError(f"gdc size does not constrain rule '{rule.id}' on this site (kind {rule.kind}, "
                         f"metric {rule.metric}): its threshold does not move the least cost", field="--pareto",
                         fix=f"choose one of {', '.join(usable) or '(none)'}; a review rule becomes one with "
                             f"overrides: {{{rule.id}: {{kind: hard}}}} in the site file")
    return rule


def site_threshold(site: Any, rule_id: str) -> float | None:
    """The rule's threshold in the site's evaluated year, as the LP uses it (None when it has none)."""
    from gdc.check import get_rule_set
    from gdc.rules.linear import rule_constraints

    rule_set, _ = get_rule_set(site)
    for rc in rule_constraints(rule_set, site)[0]:
        if rc.rule.id == rule_id:
            return rc.threshold if rc.threshold == rc.threshold else None  # NaN: a utilisation split
    return None


def pareto_points(site: Any, rule_id: str, levels: list[float], year: int | None = None) -> list[StudyPoint]:
    """One point a level: the site file with the rule's threshold overridden."""
    if site.path is None:
        raise InputError("a Pareto run needs the site as a file", field="site",
                         fix="read the site with gdc.site.schema.read_site(path)")
    base = str(site.path.resolve())
    return [StudyPoint(i + 1, f"{rule_id}={lv:g}", base,
                       ((f"overrides.{rule_id}.threshold", lv),
                        (f"overrides.{rule_id}.note", f"gdc size --pareto level {lv:g}")), (), year,
                       (("rule", rule_id), ("level", lv)))
            for i, lv in enumerate(levels)]


def run_pareto(site: Any, spec: str, *, how: HowToSize | None = None, year: int | None = None,
               workers: int | None = None, scheduler: str | None = None, dask_local: int | None = None,
               progress: bool = False, keep_base: bool = False) -> Study:
    """The least cost at each level of one rule's threshold; see the module docstring.

    Parameters
    ----------
    site : Site
        Read from a file.
    spec : str
        ``RULE=START:STOP:STEP`` or ``RULE=L1,L2,..`` (levels in the rule's unit, % for shares).
    how : HowToSize, optional
        How each level is sized (default: the exact LP).
    year, workers, scheduler, dask_local, progress
        As :func:`gdc.screen.sensitivity.run_sensitivity`.
    keep_base : bool
        Also size the site as it is (its own threshold) in this process and keep the result
        (``Study.base`` / ``Study.base_result``, for the report).

    Returns
    -------
    Study
        ``rows``: one per level, in the order given; ``spec``: ``rule``, ``metric``, ``op``,
        ``unit``, ``levels``, ``site_threshold``.
    """
    from gdc.rules.indicators import INDICATORS
    from gdc.screen.sensitivity import base_point

    how = how or HowToSize()
    key, levels = parse_pareto(spec)
    rule = resolve_rule(site, key)
    unit = getattr(INDICATORS.get(rule.metric), "unit", "")
    if unit == "%" and any(not 0.0 <= x <= 100.0 for x in levels):
        raise InputError(f"{rule.id} is a share: levels from 0 to 100 %, not {min(levels):g} to {max(levels):g}",
                         field="--pareto", fix=f"give levels in percent, e.g. {rule.id}=30:60:5")
    points = pareto_points(site, rule.id, levels, year)
    parent = base_point(site, year) if keep_base else None
    run = run_points(points, how, workers=workers, scheduler=scheduler, dask_local=dask_local, progress=progress,
                     label="pareto", in_parent=parent)
    rows = [r for r in run.rows if r["id"] != "base"]
    base = next((r for r in run.rows if r["id"] == "base"), None)
    ind = INDICATORS.get(rule.metric)
    info = {"rule": rule.id, "rule_name_en": rule.name_en, "rule_name_zh": rule.name_zh, "metric": rule.metric,
            "op": rule.op, "unit": ind.unit if ind else "", "levels": levels,
            "site_threshold": site_threshold(site, rule.id)}
    return Study("pareto", site.name, str(site.path), how, info, rows, base, run.parent_result,
                 {"elapsed_s": run.elapsed_s, "backend": run.backend, "workers": run.workers,
                  "interrupted": run.interrupted, "points": len(run.rows)})


__all__ = ["MAX_LEVELS", "pareto_points", "parse_pareto", "resolve_rule", "run_pareto", "site_threshold"]
