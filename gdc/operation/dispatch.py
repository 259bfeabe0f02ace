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

:func:`gdc.rules.export_caps.dispatch_within_caps` (what ``gdc check`` runs) keeps the
year's exports within every annual export cap of the rule set, as an operator does, through
this module's ``export_budget_mwh`` (:func:`limit_exports`); this module knows no rule set. The budget is
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

from dataclasses import dataclass

import numpy as np

from gdc.operation.balance import Balance, StorageParams
from gdc.profiles.series import Profiles
from gdc.site.schema import Site


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
            from gdc.site.errors import InputError

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


def storage_params(site: Site, design: Design, profiles: Profiles | None = None) -> StorageParams:
    """Storage parameters of a design on a site, in the year of life the profiles are.

    The energy capacity stays the design's (installed) ``energy_mwh``; the year's usable energy
    factor f (``profiles.life.storage_energy``, :func:`gdc.profiles.life.year_profiles`; 1 without a
    year) scales both state-of-charge limits, so the battery works between ``f soc_min E`` and
    ``f soc_max E`` [MWh]: the same fractions of its faded capacity ``f E``.
    """
    st = site.storage
    if st is None or design.storage_power_mw <= 0 or design.storage_energy_mwh <= 0:
        return StorageParams()
    fade = profiles.life.storage_energy if profiles is not None and profiles.life is not None else 1.0
    return StorageParams(
        power_mw=design.storage_power_mw, energy_mwh=design.storage_energy_mwh,
        charge_efficiency=st.charge_efficiency, discharge_efficiency=st.discharge_efficiency,
        soc_min=st.soc_min * fade, soc_max=st.soc_max * fade, self_discharge_per_h=st.self_discharge_per_h,
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


def dispatch(site: Site, profiles: Profiles, design: Design, spot_market: str | None = None,
             export_budget_mwh: float | None = None, export_price: np.ndarray | None = None) -> Balance:
    """Renewable-first hourly dispatch of a fixed design (the order in the module docstring).

    Parameters
    ----------
    site : Site
        Sources (names, types), storage efficiencies and state-of-charge limits, the
        connection capacity [MW] and the project type.
    profiles : Profiles
        Load [MW] and per-unit profiles of the sources, row weights [h], export-forbidden hours.
    design : Design
        Capacities [MW, MWh].
    spot_market : {'continuous', 'not-continuous', None}
        Spot-market status; ``not-continuous`` forbids every export, None allows it.
    export_budget_mwh : float, optional [MWh/yr]
        Keep the year's exports within this budget (weighted, ``sum(weights x export)``) and
        curtail the rest: how an operator keeps an export cap. Default: no budget.
    export_price : ndarray [CNY/MWh], optional
        Export price of each row; with ``export_budget_mwh`` the best-paid hours export first
        (equal prices: the earlier hour first). Default: every hour the same price.

    Returns
    -------
    Balance
        ``source="dispatch"``; the storage is cyclic over each period.

    Examples
    --------
    Two hours, 50 MW of PV at 0.6 then 0.0 per unit, a 10 MW load, a 10 MW / 10 MWh
    lossless battery and a 5 MW connection:

    >>> import numpy as np
    >>> from gdc.operation.dispatch import Design, dispatch
    >>> from gdc.profiles.series import Profiles
    >>> from gdc.site.read import parse_site
    >>> site = parse_site({"name": "two hours", "jurisdiction": "shandong", "year": 2026,
    ...     "load": {"file": "load.csv", "column": "load_mw", "unit": "MW"},
    ...     "sources": [{"name": "PV", "type": "pv", "capacity_mw": 50}],
    ...     "storage": {"power_mw": 10, "energy_mwh": 10, "charge_efficiency": 1.0,
    ...                 "discharge_efficiency": 1.0, "soc_min": 0.0, "self_discharge_per_h": 0.0},
    ...     "connection": {"voltage_kv": 110, "capacity_mw": 5}})
    >>> profiles = Profiles(load_mw=np.array([10.0, 10.0]), pu={"PV": np.array([0.6, 0.0])},
    ...     weights=np.ones(2), period_hours=2, export_forbidden=np.zeros(2, bool),
    ...     hour_of_day=np.array([12, 13]), month=None, index=None)
    >>> b = dispatch(site, profiles, Design.from_site(site))

    Hour 1: the 30 MW of PV serve 10 MW of load, charge 10 MW (the battery's power), export
    5 MW (the connection) and curtail the last 5 MW; hour 2: the battery serves the load.

    >>> b.re_to_load.tolist(), b.re_to_storage.tolist(), b.re_export.tolist(), b.curtailment.tolist()
    ([10.0, 0.0], [10.0, 0.0], [5.0, 0.0], [5.0, 0.0])
    >>> b.storage_to_load.tolist(), b.grid_to_load.tolist(), b.soc.tolist()   # [MW], [MW], [MWh]
    ([0.0, 10.0], [0.0, 0.0], [10.0, 0.0])

    An export budget of 2 MWh keeps 2 of the 5 MW and curtails the other 3:

    >>> b = dispatch(site, profiles, Design.from_site(site), export_budget_mwh=2.0)
    >>> b.re_export.tolist(), b.curtailment.tolist()
    ([2.0, 0.0], [8.0, 0.0])
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

    st = storage_params(site, design, profiles)
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
