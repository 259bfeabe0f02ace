"""The rule set's annual export caps, and the renewable-first dispatch that keeps them.

An operator keeps an annual export cap by curtailing: the renewable-first dispatch
(:func:`gdc.operation.dispatch.dispatch`) fixes self-use, storage and imports; each cap of the
rule set (its own indicator and threshold, from :func:`gdc.rules.linear.rule_constraints`)
then gives an export budget [MWh/yr] from the totals already known (``E <= c A`` for E/A,
``E <= c S / (1 - c)`` for E/(E+S), 0 for a no-export rule); the exports are kept within the
smallest budget, the best-paid hours first (:func:`gdc.operation.dispatch.limit_exports`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from gdc.operation.balance import Balance
from gdc.operation.dispatch import Design, dispatch, limit_exports
from gdc.operation.metrics import compute_metrics
from gdc.operation.prices import get_costs
from gdc.profiles.series import Profiles
from gdc.rules.indicators import INDICATORS
from gdc.rules.linear import RuleConstraint, rule_constraints
from gdc.rules.ruleset import Rule, RuleSet
from gdc.site.schema import Site

#: Annual totals the renewable-first dispatch has fixed before it decides the exports: a
#: rule whose other terms are all among them gives an exact export budget.
KNOWN_BEFORE_EXPORTS = ("A", "A_wind", "A_pv", "S", "L")


@dataclass(frozen=True)
class ExportCap:
    """One annual export cap of a rule set, as a budget for the evaluated year.

    Attributes
    ----------
    rule : Rule
    budget_mwh : float [MWh/yr]
        The largest annual export (weighted MWh) the rule allows, given the totals fixed
        before exports.
    formula : str
        How the budget follows from the rule, e.g. ``E <= 20 % x A = 20 % x 639,782``.
    """

    rule: Rule
    budget_mwh: float
    formula: str


@dataclass(frozen=True)
class ExportCapResult:
    """What :func:`dispatch_within_caps` did about the annual export caps.

    Attributes
    ----------
    caps : list of ExportCap
        Every annual export cap of the rule set that applies to the site.
    budget_mwh : float or None [MWh/yr]
        The smallest budget (None: no cap).
    exports_before_mwh : float [MWh/yr]
        The renewable-first dispatch's exports before the budget.
    curtailed_mwh : float [MWh/yr]
        Surplus curtailed to keep the budget (0 when the budget does not bind).
    skipped : list of str
        Export rules not turned into a budget, and why.
    """

    caps: list[ExportCap] = field(default_factory=list)
    budget_mwh: float | None = None
    exports_before_mwh: float = 0.0
    curtailed_mwh: float = 0.0
    skipped: list[str] = field(default_factory=list)

    @property
    def binding(self) -> ExportCap | None:
        """The cap whose budget is the smallest."""
        return min(self.caps, key=lambda c: c.budget_mwh) if self.caps else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "budget_mwh": self.budget_mwh, "exports_before_mwh": self.exports_before_mwh,
            "curtailed_mwh": self.curtailed_mwh,
            "caps": [{"rule": c.rule.id, "budget_mwh": c.budget_mwh, "formula": c.formula} for c in self.caps],
            "not_applied": list(self.skipped),
            "order": "best export price first; equal prices: earlier hour first",
        }


def _budget_text(e: float, others: dict[str, float], known: dict[str, float], limit: float) -> str:
    """``E <= 0.2 x A = 127,956.4 MWh`` (``E <= 0.2 x S / 0.8 = ...`` when E's coefficient is not 1)."""
    parts = []
    for k, v in others.items():
        c = f"{abs(v):.6g}"
        parts.append(("+ " if -v > 0 else "- ") + ("" if c == "1" else c + " x ") + k)
    rhs = " ".join(parts)
    rhs = rhs[2:] if rhs.startswith("+ ") else rhs
    if f"{e:.6g}" != "1":
        rhs = f"({rhs}) / {e:.6g}" if len(parts) > 1 else f"{rhs} / {e:.6g}"
    values = ", ".join(f"{k} = {known[k]:,.1f}" for k in others)
    return f"E <= {rhs} = {limit:,.1f} MWh ({values} MWh)"


def export_caps(constraints: list[RuleConstraint], known: dict[str, float],
                no_export_rules: Sequence[Rule] = ()) -> tuple[list[ExportCap], list[str]]:
    """Annual export budgets from a rule set's annual rules written as linear constraints.

    Each constraint is ``sum(coef x symbol) op 0`` over annual totals (the same form the
    sizing LP uses, :func:`gdc.optimise.model.rule_constraints`). A constraint that bounds
    ``E`` from above, and whose other symbols are all fixed before exports (``known``),
    gives ``E <= -rest / coef_E``: for ``E / A <= c`` that is ``c x A``; for
    ``E / (E + S) <= c`` it is ``c x S / (1 - c)``, exact because ``S`` is fixed before
    exports. A strict inequality keeps the budget 1e-9 (relative) below the limit.

    Parameters
    ----------
    constraints : list of RuleConstraint
    known : dict of str to float [MWh/yr]
        Annual totals fixed before exports (:data:`KNOWN_BEFORE_EXPORTS`).
    no_export_rules : sequence of Rule
        Rules that forbid every export (``exported_energy_mwh <= 0``): a budget of 0.

    Returns
    -------
    caps : list of ExportCap
    skipped : list of str
        Rules with an ``E`` term that gave no budget, and why.
    """
    caps = [ExportCap(r, 0.0, "E <= 0") for r in no_export_rules]
    skipped: list[str] = []
    for rc in constraints:
        e = rc.terms.get("E", 0.0)
        if e == 0.0:
            continue
        sign = 1.0 if rc.op == "<=" else -1.0
        others = {k: v for k, v in rc.terms.items() if k != "E"}
        unknown = sorted(set(others) - set(known))
        if sign * e <= 0:
            skipped.append(f"{rc.rule.id}: bounds the export from below, not a cap")
            continue
        if unknown:
            skipped.append(f"{rc.rule.id}: depends on {', '.join(unknown)}, decided with the exports")
            continue
        rest = sum(v * known[k] for k, v in others.items())
        limit = max(0.0, -rest / e)
        if rc.rule.op in ("<", ">"):
            limit *= 1.0 - 1e-9
        caps.append(ExportCap(rc.rule, limit, _budget_text(e, others, known, limit)))
    return caps, skipped


def rule_export_caps(rule_set: RuleSet, site: Site, known: dict[str, float],
                     spot_market: str | None) -> tuple[list[ExportCap], list[str]]:
    """The annual export caps of a rule set for a site and its evaluated year.

    The rules are those the sizing LP keeps too (:func:`gdc.optimise.model.rule_constraints`):
    kind ``hard`` or ``param`` (a breach fails), applying to the site for certain, with the
    site's overrides (threshold, kind) already in ``rule_set`` and the threshold of
    ``site.year``. A ``review`` rule is not a cap: exceeding it asks for a special
    assessment, which the verdict reports; a rule that applies only under an unknown site
    attribute (e.g. the spot market) neither.

    Parameters
    ----------
    rule_set : RuleSet
        With the site's overrides applied.
    site : Site
    known : dict of str to float [MWh/yr]
        Annual totals fixed before exports (:data:`KNOWN_BEFORE_EXPORTS`).
    spot_market : str or None

    Returns
    -------
    caps : list of ExportCap
    skipped : list of str
    """
    constraints, _ = rule_constraints(rule_set, site)
    no_export = [r for r in rule_set.active() if r.kind in ("hard", "param") and r.metric == "exported_energy_mwh"
                 and r.op in ("<=", "<") and r.applies(site, spot_market) is True]
    caps, skipped = export_caps(constraints, known, no_export)
    for r in rule_set.active():
        if r.metric is None or "E" not in (INDICATORS[r.metric].num or {}):
            continue
        if r.applies(site, spot_market) is False:
            continue  # not this site's rule (e.g. the several-users path of a single-user site)
        if r.kind == "review":
            skipped.append(f"{r.id}: kind review (exceeding it asks for a special assessment), not a cap")
        elif r.kind in ("hard", "param") and r.applies(site, spot_market) is None:
            skipped.append(f"{r.id}: applies only if {', '.join(f'{k} = {v}' for k, v in r.applies_if.items())}, "
                           "which the site does not state")
    return caps, skipped


def dispatch_within_caps(site: Site, profiles: Profiles, design: Design, spot_market: str | None,
                         rule_set: RuleSet, export_price: np.ndarray | None = None,
                         ) -> tuple[Balance, ExportCapResult]:
    """Renewable-first dispatch with the year's exports kept within the rule set's export caps.

    The renewable-first dispatch (:func:`dispatch`) fixes self-use, storage and imports; its
    exports are then kept within the smallest annual budget of :func:`rule_export_caps`,
    filling the best-paid hours first (:func:`limit_exports`); the surplus beyond it is
    curtailed.

    Parameters
    ----------
    site, profiles, design, spot_market
        As for :func:`dispatch`.
    rule_set : RuleSet
        With the site's overrides applied.
    export_price : ndarray [CNY/MWh], optional
        Export price per hour; default the site's tariff (:func:`gdc.operation.prices.get_costs`),
        read only when a budget binds.

    Returns
    -------
    balance : Balance
    caps : ExportCapResult
    """
    plain = dispatch(site, profiles, design, spot_market)
    w = profiles.weights
    before = float(np.dot(w, plain.re_export))
    if before <= 0.0:
        return plain, ExportCapResult()
    m = compute_metrics(plain)
    known = {k: float(getattr(m, k)) for k in KNOWN_BEFORE_EXPORTS}
    caps, skipped = rule_export_caps(rule_set, site, known, spot_market)
    if not caps:
        return plain, ExportCapResult(exports_before_mwh=before, skipped=skipped)
    budget = min(c.budget_mwh for c in caps)
    if before <= budget:
        return plain, ExportCapResult(caps, budget, before, 0.0, skipped)
    if export_price is None:
        export_price = get_costs(site, profiles).export_price
    # 1e-12 below the budget: the share computed from the kept exports stays at or under the
    # threshold in floating point (no -0.00 pp margin from rounding)
    kept = limit_exports(plain.re_export, w, export_price, budget * (1.0 - 1e-12))
    balance = replace(plain, re_export=kept, curtailment=plain.curtailment + (plain.re_export - kept))
    return balance, ExportCapResult(caps, budget, before, before - float(np.dot(w, kept)), skipped)
