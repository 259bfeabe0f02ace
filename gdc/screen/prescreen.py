"""Pre-screen: candidates that cannot comply whatever is built, found from the profiles alone.

Used in size mode (``gdc screen --mode size``), before the sizing optimiser runs: a
candidate dropped here gets status ``infeasible`` and the reason. In check mode the
capacities are fixed and the check itself is cheap (and gives every margin), so nothing
is pre-screened.

Every test below is a *necessary* condition for compliance, so the pre-screen never
drops a candidate that some capacities within its bounds (and some dispatch) could make
comply. It is not sufficient: a candidate that passes the pre-screen may still have no
compliant design.

Notation (rows ``t`` of the profiles, weights ``w_t`` in hours; all profiles >= 0 as
:func:`gdc.profiles.series.get_profiles` clips them):

* ``L_t`` load [MW]; ``p_kt`` per-unit output of source ``k``;
* ``c_k`` capacity of source ``k`` within ``[cmin_k, cmax_k]`` (a fixed capacity is both);
* ``P`` storage power within ``[0, Pmax]`` (``Pmax = 0`` without storage, or when the
  largest energy capacity is 0);
* ``R_t(c) = sum_k c_k p_kt`` renewable output; ``Rmax_t = sum_k cmax_k p_kt``,
  ``Rmin_t = sum_k cmin_k p_kt``; ``A(c) = sum_t w_t R_t(c)``.

**Load share bound.** For any capacities ``c`` within bounds and any dispatch (the
check's renewable-first rule or the optimiser's LP),

    S(c) <= S_ub := min( sum_t w_t min(L_t, Rmax_t + Pmax),  sum_t w_t Rmax_t ).

Proof. Self-consumed energy in row ``t`` is ``s_t = d_t + x_t``, renewable output going
straight to the load ``d_t`` plus renewable storage discharge to the load ``x_t``. (i) The
load is served at most once: ``s_t <= L_t``. (ii) ``d_t <= R_t(c) <= Rmax_t`` because
``p_kt >= 0`` and ``c_k <= cmax_k``, and ``x_t <= P <= Pmax`` (the power rating bounds
discharge in every hour). So ``s_t <= min(L_t, Rmax_t + Pmax)``; weighting by ``w_t > 0``
and summing gives the first term. (iii) Renewable energy reaching the load cannot exceed
the renewable energy available: the storage is cyclic (state of charge at the end of the
year, or of each representative day, equals the start), its efficiencies are <= 1 and its
self-discharge >= 0, so renewable discharge <= renewable charge, and ``d_t + charge_t <=
R_t(c)``; hence ``S <= A(c) <= sum_t w_t Rmax_t``, the second term. Grid energy stored in
the battery never counts as renewable, so grid charging does not change this. Hence
``S/L <= S_ub / L`` for every design; when a hard load-share rule requires more, no design
complies. The export cap, the self-use share and the other constraints only shrink the
feasible set, so the bound holds with them too (it is a relaxation).

**Self-use share bound.** ``A(c) >= A_min := sum_t w_t Rmin_t`` and ``S(c) <= S_ub``, and
``S <= A``, so for ``A_min > 0``: ``S/A <= min(1, S_ub / A_min)``. This drops candidates
whose *minimum* capacities already generate far more than the load can use (e.g. an
existing 500 MW wind farm on a 20 MW load) with too little storage.

**Exchange power (import) bound.** In a grid-connected project the import in row ``t``
is at least ``L_t - R_t(c) - x_t >= L_t - Rmax_t - Pmax``; if that exceeds the declared
connection capacity in some row, the hard ``exchange_power`` rule fails for every design.

**Off-grid adequacy.** An off-grid project serves its whole load from renewables and
storage: ``L_t = s_t <= Rmax_t + Pmax`` in every row and ``L <= sum_t w_t Rmax_t`` (by
(iii)); if either fails, load is unserved for every design.

**Site attributes.** Rules on the connection voltage, the line distances, the county or
city and the number of users test attributes of the site, not of the capacities (a source
counts even if the optimiser would give it 0 MW, exactly as in ``gdc check``): a hard fail
of such a rule is a fail for every design. ``review`` outcomes are not dropped.

Only hard rules (kinds ``hard`` and ``param``) that apply to the site for certain
(``applies_if`` met, not unknown) are used; the energy bounds skip rules with a
``review_if`` escape, and site-attribute rules are judged by :func:`gdc.rules.verdicts.evaluate_rule`
itself (so an escape to ``review`` is honoured). Thresholds are the ones ``gdc check``
would use in the site's year, with the site's overrides.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

#: Slack on energy comparisons [pp, MW]: never drop a candidate on rounding noise.
TOL = 1e-6


@dataclass(frozen=True)
class ScreenBounds:
    """Bounds valid for every design of a site within its capacity bounds.

    Attributes
    ----------
    load_share_max : float
        Upper bound on S/L [%].
    self_use_share_max : float or None
        Upper bound on S/A [%], None when the minimum capacities generate nothing.
    min_import_peak_mw : float
        Lower bound on the largest import of any row [MW] (grid-connected projects).
    unserved_hours : int
        Rows whose load exceeds the largest renewable output plus storage power.
    energy_short_mwh : float
        Load energy minus the largest available generation, when positive [MWh].
    """

    load_share_max: float
    self_use_share_max: float | None
    min_import_peak_mw: float
    unserved_hours: int
    energy_short_mwh: float


def _hi_lo(value: Any) -> tuple[float, float]:
    """(max, min) of a capacity given as a number or as {min, max} bounds."""
    if hasattr(value, "max") and hasattr(value, "min") and not isinstance(value, int | float):
        return float(value.max), float(value.min)
    return float(value), float(value)


def bounds(site: Any, profiles: Any) -> ScreenBounds:
    """The bounds of the module docstring for a site and its profiles."""
    w = profiles.weights
    load = profiles.load_mw
    rmax = np.zeros(profiles.hours)
    rmin = np.zeros(profiles.hours)
    for src in site.sources:
        hi, lo = _hi_lo(src.capacity_mw)
        pu = profiles.pu.get(src.name)
        if pu is None:
            continue
        rmax += hi * pu
        rmin += lo * pu
    pmax = 0.0
    if site.storage is not None:
        p_hi, _ = _hi_lo(site.storage.power_mw)
        e_hi, _ = _hi_lo(site.storage.energy_mwh)
        pmax = p_hi if e_hi > 0 else 0.0
    L = float(w @ load)
    a_max = float(w @ rmax)
    a_min = float(w @ rmin)
    s_ub = min(float(w @ np.minimum(load, rmax + pmax)), a_max)
    load_share_max = 100.0 * s_ub / L if L > 0 else float("nan")
    self_use_max = 100.0 * min(1.0, s_ub / a_min) if a_min > 0 else None
    short = load - rmax - pmax
    return ScreenBounds(
        load_share_max=load_share_max,
        self_use_share_max=self_use_max,
        min_import_peak_mw=float(max(short.max(initial=0.0), 0.0)),
        unserved_hours=int((short > TOL).sum()),
        energy_short_mwh=max(L - a_max, 0.0),
    )


def _hard_rules(rule_set: Any, site: Any, spot: str | None) -> list[Any]:

    return [r for r in rule_set.active()
            if r.kind in ("hard", "param") and r.metric and r.applies(site, spot) is True]


def prescreen(site: Any, profiles: Any) -> list[str]:
    """Reasons why no design of a site can comply (empty: it may comply).

    Parameters
    ----------
    site : Site
        Capacities fixed or given as ``{min, max}`` bounds.
    profiles : Profiles
        The site's profiles (:func:`gdc.profiles.series.get_profiles`).

    Returns
    -------
    list of str
        One sentence per necessary condition that fails, naming the rule.
    """
    from gdc.check import get_rule_set
    from gdc.rules.indicators import INDICATORS
    from gdc.rules.ruleset import ThresholdContext, resolve_threshold
    from gdc.rules.verdicts import evaluate_rule, site_attr, spot_market_status

    if site.meters is not None:
        return []  # an operating project: nothing to size
    rule_set, _ = get_rule_set(site)
    spot = spot_market_status(site, rule_set)
    ctx = ThresholdContext(year=site.year, start_year=site.effective_start_year, site_attr=site_attr(site, spot))
    b = bounds(site, profiles)
    reasons: list[str] = []
    for rule in _hard_rules(rule_set, site, spot):
        ind = INDICATORS[rule.metric]
        if ind.scope == "site":
            v = evaluate_rule(rule, None, site, ctx, spot)  # site indicators never read the metrics
            if v.status == "fail":
                value = f"{v.value:g} {v.unit}".strip() if isinstance(v.value, int | float) and not isinstance(
                    v.value, bool) else str(v.value)
                reasons.append(f"{rule.id}: {rule.name_en}: {value}, required {rule.op} {v.threshold}"
                               + (f" ({v.detail})" if v.detail else "") + " — a site attribute, fails for any capacities")
            continue
        if rule.review_if:
            continue  # a miss may be a review, not a fail
        threshold = resolve_threshold(rule.threshold, ctx)
        if threshold is None or isinstance(threshold, bool):
            continue
        thr = float(threshold)
        if rule.metric == "load_share" and rule.op in (">=", ">") and b.load_share_max < thr - TOL:
            reasons.append(
                f"{rule.id}: load share S/L can reach at most {b.load_share_max:.2f} % (every source at its "
                f"maximum capacity, storage discharging its maximum power whenever the load needs it), "
                f"required {rule.op} {thr:g} %")
        elif (rule.metric == "self_use_share" and rule.op in (">=", ">") and b.self_use_share_max is not None
              and b.self_use_share_max < thr - TOL):
            reasons.append(
                f"{rule.id}: self-use share S/A can reach at most {b.self_use_share_max:.2f} % (the minimum "
                f"capacities already generate more than the load and storage can use), required {rule.op} {thr:g} %")
        elif (rule.metric == "max_exchange_mw" and rule.op in ("<=", "<") and site.project_type == "grid-connected"
              and b.min_import_peak_mw > thr + TOL):
            reasons.append(
                f"{rule.id}: the import peaks at least at {b.min_import_peak_mw:.1f} MW (load minus the largest "
                f"renewable output and storage power), above the {thr:g} MW connection capacity")
        elif rule.metric == "unserved_energy_mwh" and (b.unserved_hours > 0 or b.energy_short_mwh > TOL):
            reasons.append(
                f"{rule.id}: off-grid load cannot be served: "
                + (f"{b.unserved_hours} hour(s) with load above the largest renewable output plus storage power"
                   if b.unserved_hours else f"the load exceeds the largest available generation by "
                                            f"{b.energy_short_mwh:,.0f} MWh"))
    return reasons
