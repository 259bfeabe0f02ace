"""Rule verdicts: one :class:`Verdict` type for every rule of every rule set.

A verdict is ``pass``, ``fail``, ``review`` (allowed only after a special assessment),
``n/a`` (the rule does not apply to this site) or ``confirm`` (a checklist item with no
number, to be confirmed by the user). A ratio whose denominator is zero or not finite is
never ``n/a``: it is bad input (:class:`~gdc.site.errors.InputError`) or a ``fail``, as its
indicator says (:data:`gdc.rules.indicators.INDICATORS`). The margin is in the rule's own unit
(percentage points for shares, km, kV, MWh) and positive when the rule holds with room
to spare.
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass
from typing import Any

from gdc.operation.metrics import Metrics
from gdc.rules.indicators import INDICATORS
from gdc.rules.ruleset import Rule, RuleSet, ThresholdContext, resolve_threshold
from gdc.site.errors import InputError
from gdc.site.schema import Site

STATUSES = ("pass", "fail", "review", "n/a", "confirm")
_OPS = {">=": operator.ge, "<=": operator.le, "<": operator.lt, ">": operator.gt, "==": operator.eq}
#: Tolerance on energy comparisons [percentage points, MWh, MW]: an LP optimum sits exactly
#: on a threshold and floating-point noise must not turn it into a fail.
TOL = 1e-6


@dataclass(frozen=True)
class Verdict:
    """The outcome of one rule for one site."""

    rule: Rule
    status: str
    value: Any = None
    threshold: Any = None
    margin: float | None = None
    unit: str = ""
    detail: str = ""

    def as_dict(self) -> dict[str, Any]:
        r = self.rule
        return {
            "id": r.id, "name_zh": r.name_zh, "name_en": r.name_en, "kind": r.kind, "status": self.status,
            "metric": r.metric, "op": r.op, "value": _json_num(self.value), "threshold": _json_num(self.threshold),
            "margin": _json_num(self.margin), "unit": self.unit, "detail": self.detail,
            "source": {"doc": r.source.doc, "zh": r.source.doc_zh, "en": r.source.doc_en,
                       "clause": r.source.clause, "ref": r.source.ref},
            "confidence": r.confidence, "reading": r.reading, "overridden": r.overridden,
        }


def _json_num(x: Any) -> Any:
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


def site_attr(site: Site, spot_market: str | None) -> Any:
    """A getter of dotted site attributes for thresholds (``connection.capacity_mw``)."""

    def get(path: str) -> Any:
        if path == "connection.spot_market":
            return spot_market
        obj: Any = site
        for part in path.split("."):
            obj = getattr(obj, part)
        return obj

    return get


def spot_market_status(site: Site, rule_set: RuleSet) -> str | None:
    """The site's spot-market status, else the rule set's default, else None (unknown)."""
    return site.connection.spot_market or rule_set.defaults.get("spot_market")


def _margin(value: float, threshold: float, op: str) -> float:
    return value - threshold if op in (">=", ">") else threshold - value


def evaluate_rule(rule: Rule, metrics: Metrics, site: Site, ctx: ThresholdContext, spot: str | None) -> Verdict:
    """The verdict of one rule."""
    if rule.kind == "checklist":
        applies = rule.applies(site, spot)
        return Verdict(rule, "confirm" if applies is not False else "n/a")
    ind = INDICATORS[rule.metric]
    value, detail = ind.value(metrics, site)
    applies = rule.applies(site, spot)
    if applies is False:
        return Verdict(rule, "n/a", value, None, None, ind.unit, "does not apply to this site")
    threshold = resolve_threshold(rule.threshold, ctx)
    if threshold is None:
        return Verdict(rule, "n/a", value, None, None, ind.unit,
                       detail or "no threshold for this site in the rule set")
    if value is None:
        return Verdict(rule, "review", None, threshold, None, ind.unit, detail)
    if isinstance(value, float) and not math.isfinite(value):
        # a zero or non-finite denominator is never an n/a that passes (indicators.INDICATORS)
        if ind.undefined is None:
            raise InputError(f"{ind.name_en} is undefined ({value})", file=site.path, field=rule.metric,
                             fix="check the site's sources, load and profiles")
        und = ind.undefined(metrics, site)
        if und.kind == "input":
            raise und.error(site)
        return Verdict(rule, "fail", value, threshold, None, ind.unit, und.reason)
    ok = _OPS[rule.op](value, threshold)
    margin = None
    if not isinstance(value, bool) and not isinstance(threshold, bool):
        margin = _margin(float(value), float(threshold), rule.op)
        if not ok and rule.op in (">=", "<=") and ind.scope != "site" and margin > -TOL:
            ok = True
    if ok:
        status = "pass"
    else:
        status = "review" if rule.kind == "review" else "fail"
        if status == "fail" and rule.review_if:
            ref = rule.review_if.get("value")
            ref = threshold if ref == "threshold" else resolve_threshold(ref, ctx)
            rop = rule.review_if.get("op", "==")
            if ref is not None and _OPS[rop](value, ref):
                status = "review"
    if applies is None:
        # depends on an unknown attribute (e.g. spot market): a pass is still a pass
        if status != "pass":
            status = "review"
            detail = (detail + "; " if detail else "") + f"state connection.{rule.review_if_unknown or 'spot_market'}"
    return Verdict(rule, status, value, threshold, margin, ind.unit, detail)


def evaluate(rule_set: RuleSet, site: Site, metrics: Metrics) -> list[Verdict]:
    """Verdicts of every active rule of a rule set, in the rule set's order.

    Parameters
    ----------
    rule_set : RuleSet
        With the site's overrides already applied (:meth:`RuleSet.with_overrides`).
    site : Site
    metrics : Metrics
    """
    spot = spot_market_status(site, rule_set)
    ctx = ThresholdContext(
        year=site.year, start_year=site.effective_start_year, site_attr=site_attr(site, spot),
        available_wind_mwh=metrics.A_wind, available_pv_mwh=metrics.A_pv,
    )
    # a rule written for the other path (applies_if users: single for 650号, multiple for 688号) is
    # not part of this site's rule table: one user or several decides which text applies
    mode = site.user_mode
    return [evaluate_rule(r, metrics, site, ctx, spot) for r in rule_set.active()
            if (r.applies_if or {}).get("users", mode) == mode]


def overall(verdicts: list[Verdict]) -> str:
    """``fail`` if any rule fails, else ``review`` if any needs review, else ``pass``."""
    statuses = {v.status for v in verdicts}
    if "fail" in statuses:
        return "fail"
    if "review" in statuses:
        return "review"
    return "pass"


def binding(verdicts: list[Verdict]) -> Verdict | None:
    """The failing rule with the worst margin, else the numeric rule with the least margin."""
    numeric = [v for v in verdicts if v.margin is not None and v.status in ("pass", "fail", "review")]
    if not numeric:
        return None
    fails = [v for v in numeric if v.status == "fail"]
    pool = fails or [v for v in numeric if v.unit == "%"] or numeric
    return min(pool, key=lambda v: v.margin)


def in_rule_table(v: Verdict) -> bool:
    """True for a verdict shown as a row of the rule table (checklist items are listed apart)."""
    return v.status != "confirm" and v.rule.kind != "checklist"


def shown_checklist(verdicts: list[Verdict]) -> list[Verdict]:
    """The checklist items listed under "To confirm": those that apply to the site."""
    return [v for v in verdicts if v.rule.kind == "checklist" and v.status != "n/a"]


def counts(verdicts: list[Verdict]) -> dict[str, int]:
    """The verdicts by status, counting what the reports show; one definition for every report.

    ``pass``, ``fail``, ``review`` and ``n/a`` count the rows of the rule table
    (:func:`in_rule_table`); ``confirm`` counts the checklist items listed to confirm
    (:func:`shown_checklist`). A checklist item that does not apply to the site is neither
    shown nor counted. The terminal's result line, the JSON ``counts``, the HTML report and the
    workbook all use this.

    Parameters
    ----------
    verdicts : list of Verdict

    Returns
    -------
    dict
        Status -> number, every status of :data:`STATUSES` present (0 where none).
    """
    rows = [v for v in verdicts if in_rule_table(v)]
    out = {s: sum(v.status == s for v in rows) for s in STATUSES}
    out["confirm"] = len(shown_checklist(verdicts))
    return out
