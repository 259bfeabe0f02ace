"""The rule set's energy rules as linear forms over annual totals: one source for the checker's
export budgets (:mod:`gdc.rules.export_caps`) and the optimiser's rule rows (:mod:`gdc.optimise.model`).

An annual ratio rule ``100 x num / den  op  threshold`` becomes ``num - threshold/100 x den  op  0``
(the totals ``A, S, L, E, C, A_wind, A_pv, E_forbidden`` of :class:`~gdc.operation.metrics.Metrics`);
hourly rules become flags the optimiser turns into bounds.
"""

from __future__ import annotations

from dataclasses import dataclass

from gdc.rules.indicators import INDICATORS
from gdc.rules.ruleset import Rule, RuleSet, ThresholdContext
from gdc.rules.verdicts import site_attr, spot_market_status
from gdc.site.schema import Site


@dataclass(frozen=True)
class RuleConstraint:
    """An annual rule as a linear constraint ``sum(coef x symbol) op 0`` over annual totals."""

    rule: Rule
    terms: dict[str, float]  # symbol (A, S, E, C, L, A_wind, A_pv, E_forbidden) -> coefficient
    op: str  # ">=" or "<="
    threshold: float



def rule_constraints(rule_set: RuleSet, site: Site,
                     tighten: dict[str, float] | None = None) -> tuple[list[RuleConstraint], dict[str, bool]]:
    """The rule set's hard energy rules as LP constraints, and the hourly restrictions.

    ``tighten`` moves annual ratio thresholds inward by that many percentage points (used by
    the typical-day sizing's repair loop; never by the exact model).

    Returns
    -------
    constraints : list of RuleConstraint
        Annual rules.
    hourly : dict
        ``no_export`` (all hours), ``no_export_forbidden`` (forbidden hours),
        ``exchange_cap`` (connection capacity on import and export), ``no_unserved``.
    """
    spot = spot_market_status(site, rule_set)
    ctx = ThresholdContext(site.year, site.effective_start_year, site_attr(site, spot))
    out: list[RuleConstraint] = []
    hourly = {"no_export": False, "no_export_forbidden": False, "exchange_cap": False, "no_unserved": False}
    for rule in rule_set.active():
        if rule.kind not in ("hard", "param") or rule.metric is None:
            continue
        ind = INDICATORS[rule.metric]
        if ind.scope in ("site", "dispatch") or rule.applies(site, spot) is not True:
            continue
        if ind.scope == "hourly":
            key = {"exported_energy_mwh": "no_export", "export_in_forbidden_hours_mwh": "no_export_forbidden",
                   "max_exchange_mw": "exchange_cap", "unserved_energy_mwh": "no_unserved"}[rule.metric]
            hourly[key] = True
            continue
        op = ">=" if rule.op in (">=", ">") else "<="
        shift = (tighten or {}).get(rule.id, 0.0) * (1.0 if op == ">=" else -1.0)
        spec = rule.threshold
        if isinstance(spec, dict) and "grid_utilisation" in spec:
            # threshold x A = (g_wind A_wind + g_pv A_pv): linear in the capacities
            g = spec["grid_utilisation"]
            terms = {k: v for k, v in ind.num.items()}
            terms["A_wind"] = terms.get("A_wind", 0.0) - (g["wind"] + shift) / 100.0
            terms["A_pv"] = terms.get("A_pv", 0.0) - (g["pv"] + shift) / 100.0
            out.append(RuleConstraint(rule, terms, op, float("nan")))
            continue
        thr = rule.threshold_at(ctx)
        if thr is None:
            continue
        thr = float(thr) + shift
        terms = dict(ind.num)
        for k, v in (ind.den or {}).items():
            terms[k] = terms.get(k, 0.0) - float(thr) / 100.0 * v
        out.append(RuleConstraint(rule, terms, op, float(thr)))
    return out, hourly
