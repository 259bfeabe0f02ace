"""Renewable-first dispatch of a fixed design: the hourly balance ``gdc check`` uses.

In every hour, in this order:

1. renewables serve the load;
2. the surplus charges the storage (renewable energy only), within power, energy and
   charge efficiency;
3. the storage discharges to meet the remaining load;
4. the remaining surplus is exported, within the connection capacity, outside the
   forbidden hours, and only where exports are allowed (spot market);
5. the rest is curtailed; the remaining load is imported (nothing for off-grid
   projects: that load is unserved).

:func:`dispatch_within_caps` (what ``gdc check`` runs) then keeps the year's exports
within every annual export cap of the rule set, as an operator does: the budget is
derived from each rule's own indicator (``E <= c x A`` for the export share,
``E <= c x S / (1 - c)`` for ``E / (E + S)``, ``E <= 0`` for a no-export rule); the
budget fills the best-paid hours first (export price, ties: earlier hour first) and the
rest of the surplus is curtailed. Self-use, storage and imports are decided before the
exports and do not change.

Imports are not capped: an import above the declared connection capacity is what
the ``exchange_power`` rule reports. The storage is cyclic: the simulation is repeated
from the previous end state until the state at the end of each period equals the
state at its start (to 1e-6 MWh), so no energy comes free from an initial charge.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from gdc.balance import Balance, StorageParams
from gdc.profiles import Profiles
from gdc.site import Site

if TYPE_CHECKING:
    from gdc.optimise.model import RuleConstraint
    from gdc.rules import Rule, RuleSet

#: Annual totals the renewable-first dispatch has fixed before it decides the exports: a
#: rule whose other terms are all among them gives an exact export budget.
KNOWN_BEFORE_EXPORTS = ("A", "A_wind", "A_pv", "S", "L")


@dataclass(frozen=True)
class Design:
    """Capacities of one design [MW, MWh]."""

    capacities_mw: dict[str, float]
    storage_power_mw: float = 0.0
    storage_energy_mwh: float = 0.0

    @classmethod
    def from_site(cls, site: Site) -> Design:
        """The design a site file states (fixed capacities only)."""
        if site.needs_sizing():
            from gdc.errors import InputError

            raise InputError(
                "capacities are given as {min, max} bounds", file=site.path, field="sources / storage",
                fix="run 'gdc size' to choose them, or give fixed numbers to check a design",
            )
        st = site.storage
        return cls(
            capacities_mw={s.name: float(s.capacity_mw) for s in site.sources},
            storage_power_mw=float(st.power_mw) if st else 0.0,
            storage_energy_mwh=float(st.energy_mwh) if st else 0.0,
        )


def storage_params(site: Site, design: Design) -> StorageParams:
    """Storage parameters of a design on a site."""
    st = site.storage
    if st is None or design.storage_power_mw <= 0 or design.storage_energy_mwh <= 0:
        return StorageParams()
    return StorageParams(
        power_mw=design.storage_power_mw, energy_mwh=design.storage_energy_mwh,
        charge_efficiency=st.charge_efficiency, discharge_efficiency=st.discharge_efficiency,
        soc_min=st.soc_min, soc_max=st.soc_max, self_discharge_per_h=st.self_discharge_per_h,
    )


def export_cap(site: Site, profiles: Profiles, spot_market: str | None) -> np.ndarray:
    """Largest export in each hour [MW]: connection capacity, zero where forbidden."""
    cap = np.full(profiles.hours, site.connection.capacity_mw)
    if site.project_type == "off-grid" or spot_market == "not-continuous":
        cap[:] = 0.0
    cap[profiles.export_forbidden] = 0.0
    return cap


def _storage_pass_scalar(surplus, deficit, st: StorageParams, soc0: float):
    """One pass of the storage recurrence over a whole year (Python floats: fastest here)."""
    n = len(surplus)
    charge = [0.0] * n
    dis = [0.0] * n
    socs = [0.0] * n
    keep = 1.0 - st.self_discharge_per_h
    eta_c, eta_d = st.charge_efficiency, st.discharge_efficiency
    lo, hi, p = st.soc_min * st.energy_mwh, st.soc_max * st.energy_mwh, st.power_mw
    soc = soc0
    for t, (s, d) in enumerate(zip(surplus, deficit, strict=True)):
        soc *= keep
        if s > 0.0:
            room = (hi - soc) / eta_c
            c = s if s < p else p
            if c > room:
                c = room if room > 0.0 else 0.0
            soc += c * eta_c
            charge[t] = c
        elif d > 0.0:
            avail = (soc - lo) * eta_d
            x = d if d < p else p
            if x > avail:
                x = avail if avail > 0.0 else 0.0
            soc -= x / eta_d
            dis[t] = x
        socs[t] = soc
    return charge, dis, socs


def _storage_pass_periods(surplus, deficit, st: StorageParams, soc0: np.ndarray):
    """One pass over representative days, all days at once (arrays of shape days x 24)."""
    keep = 1.0 - st.self_discharge_per_h
    eta_c, eta_d = st.charge_efficiency, st.discharge_efficiency
    lo, hi, p = st.soc_min * st.energy_mwh, st.soc_max * st.energy_mwh, st.power_mw
    charge = np.zeros_like(surplus)
    dis = np.zeros_like(surplus)
    socs = np.zeros_like(surplus)
    soc = soc0.copy()
    for h in range(surplus.shape[1]):
        soc = soc * keep
        c = np.clip(np.minimum(surplus[:, h], p), 0.0, np.maximum((hi - soc) / eta_c, 0.0))
        x = np.clip(np.minimum(deficit[:, h], p), 0.0, np.maximum((soc - lo) * eta_d, 0.0))
        soc = soc + c * eta_c - x / eta_d
        charge[:, h], dis[:, h], socs[:, h] = c, x, soc
    return charge, dis, socs


def limit_exports(re_export: np.ndarray, weights: np.ndarray, price: np.ndarray | None,
                  budget_mwh: float) -> np.ndarray:
    """Exports kept within an annual budget, the best-paid hours first; the rest is curtailed.

    Parameters
    ----------
    re_export : ndarray [MW]
        Export in each hour before the budget (already within the hourly limits).
    weights : ndarray [h]
        Hours of the year each row stands for (1 for a full year; day weights for
        representative days): the budget is in weighted MWh, ``sum(w x export)``.
    price : ndarray [CNY/MWh] or None
        Export price in each hour; None: every hour the same price.
    budget_mwh : float [MWh/yr]

    Returns
    -------
    ndarray [MW]
        The kept export: hours in order of falling price (equal prices: earlier row first)
        are kept whole while the budget lasts; the hour where it runs out keeps the rest of
        the budget; later hours export nothing.
    """
    total = float(np.dot(weights, re_export))
    if total <= budget_mwh:
        return re_export
    order = np.argsort(-(price if price is not None else np.zeros_like(re_export)), kind="stable")
    energy = (weights * re_export)[order]
    kept_cum = np.cumsum(energy)
    keep = np.zeros_like(re_export)
    full = kept_cum <= budget_mwh
    keep[order[full]] = re_export[order[full]]
    nxt = np.flatnonzero(~full)
    if len(nxt):
        i = order[nxt[0]]
        room = budget_mwh - (kept_cum[nxt[0] - 1] if nxt[0] > 0 else 0.0)
        keep[i] = max(0.0, room) / weights[i]
    return keep


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
    from gdc.indicators import INDICATORS
    from gdc.optimise.model import rule_constraints
    from gdc.verdicts import _applies

    constraints, _ = rule_constraints(rule_set, site)
    no_export = [r for r in rule_set.active() if r.kind in ("hard", "param") and r.metric == "exported_energy_mwh"
                 and r.op in ("<=", "<") and _applies(r, site, spot_market) is True]
    caps, skipped = export_caps(constraints, known, no_export)
    for r in rule_set.active():
        if r.metric is None or "E" not in (INDICATORS[r.metric].num or {}):
            continue
        if r.kind == "review":
            skipped.append(f"{r.id}: kind review (exceeding it asks for a special assessment), not a cap")
        elif r.kind in ("hard", "param") and _applies(r, site, spot_market) is None:
            skipped.append(f"{r.id}: applies only if {', '.join(f'{k} = {v}' for k, v in r.applies_if.items())}, "
                           "which the site does not state")
    return caps, skipped


def dispatch(site: Site, profiles: Profiles, design: Design, spot_market: str | None = None,
             export_budget_mwh: float | None = None, export_price: np.ndarray | None = None) -> Balance:
    """Renewable-first hourly dispatch of a fixed design.

    Parameters
    ----------
    site : Site
    profiles : Profiles
    design : Design
        Capacities [MW, MWh].
    spot_market : {'continuous', 'not-continuous', None}
        Spot-market status; ``not-continuous`` forbids every export, None allows it.
    export_budget_mwh : float, optional [MWh/yr]
        Keep the year's exports within this budget (the best-paid hours by ``export_price``
        first) and curtail the rest: how an operator keeps an export cap. Default: no budget
        (the renewable-first dispatch of ``gdc check``).

    Returns
    -------
    Balance
    """
    n = profiles.hours
    wind = np.zeros(n)
    pv = np.zeros(n)
    for src in site.sources:
        out = profiles.pu[src.name] * design.capacities_mw[src.name]
        if src.type == "wind":
            wind += out
        else:
            pv += out
    load = profiles.load_mw
    avail = wind + pv
    re_to_load = np.minimum(avail, load)
    surplus = avail - re_to_load
    deficit = load - re_to_load

    st = storage_params(site, design)
    period = profiles.period_hours
    nper = n // period
    if st.exists:
        if nper == 1:
            s_list, d_list = surplus.tolist(), deficit.tolist()
            start = st.soc_min * st.energy_mwh
            for _ in range(6):
                charge, dis, socs = _storage_pass_scalar(s_list, d_list, st, start)
                if abs(socs[-1] - start) < 1e-6:
                    break
                start = socs[-1]
            charge, dis, soc = np.array(charge), np.array(dis), np.array(socs)
            soc_start = np.array([start])
        else:
            s2, d2 = surplus.reshape(nper, period), deficit.reshape(nper, period)
            start = np.full(nper, st.soc_min * st.energy_mwh)
            for _ in range(12):
                charge, dis, socs = _storage_pass_periods(s2, d2, st, start)
                if np.max(np.abs(socs[:, -1] - start)) < 1e-6:
                    break
                start = socs[:, -1].copy()
            charge, dis, soc = charge.ravel(), dis.ravel(), socs.ravel()
            soc_start = start
    else:
        charge = dis = soc = np.zeros(n)
        soc_start = np.zeros(nper)

    surplus = surplus - charge
    deficit = deficit - dis
    spot = spot_market
    cap = export_cap(site, profiles, spot)
    re_export = np.minimum(surplus, cap)
    if export_budget_mwh is not None:
        re_export = limit_exports(re_export, profiles.weights, export_price, export_budget_mwh)
    curtailment = surplus - re_export
    if site.project_type == "off-grid":
        grid_to_load = np.zeros(n)
        unserved = deficit
    else:
        grid_to_load = deficit
        unserved = np.zeros(n)
    return Balance(
        weights=profiles.weights, period_hours=period, load=load, wind=wind, pv=pv,
        re_to_load=re_to_load, re_to_storage=charge, re_export=re_export, curtailment=curtailment,
        grid_to_load=grid_to_load, storage_to_load=dis, soc=soc, soc_start=soc_start,
        export_forbidden=profiles.export_forbidden, storage=st, unserved=unserved, source="dispatch",
    )


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
        Export price per hour; default the site's tariff (:func:`gdc.economics.get_costs`),
        read only when a budget binds.

    Returns
    -------
    balance : Balance
    caps : ExportCapResult
    """
    from gdc.metrics import compute_metrics

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
        from gdc.economics import get_costs

        export_price = get_costs(site, profiles).export_price
    # 1e-12 below the budget: the share computed from the kept exports stays at or under the
    # threshold in floating point (no -0.00 pp margin from rounding)
    kept = limit_exports(plain.re_export, w, export_price, budget * (1.0 - 1e-12))
    balance = replace(plain, re_export=kept, curtailment=plain.curtailment + (plain.re_export - kept))
    return balance, ExportCapResult(caps, budget, before, before - float(np.dot(w, kept)), skipped)
