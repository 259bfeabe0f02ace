"""Sharing a multi-user project's self-use among its users (688号).

A multi-user project (发改能源〔2026〕688号) has one connection, one renewable plant and
several users, each a legal entity with its own load ``L_u,t`` [MW]. The project's hourly
self-use ``S_t`` [MW] (renewable energy delivered to the users' total load, directly and from
storage: :class:`~gdc.operation.balance.Balance`) is shared among them by an allocation method:

===============  ============================================================  ==========
method           self-use of user u in hour t, ``S_u,t`` [MW]                   linear
===============  ============================================================  ==========
hourly-share     ``S_t x L_u,t / L_t`` (688号 §(十一): users "可按照每个时段用电量     yes
                 占比确定自发自用电量", hourly matching); 0 where ``L_t = 0``
annual-share     ``S_t x L_u / L`` with the users' annual loads                 yes
fixed            ``S_t x pct_u / 100``, the site's fixed percentages            yes
priority         users served in order: ``min(L_u,t, S_t - sum of earlier)``    no
===============  ============================================================  ==========

The linear methods are ``S_u,t = S_t x share_u,t`` with shares that do not depend on the
design (:func:`linear_shares`): what a sizing model needs to bound a user's green share
``sum_t w_t S_t share_u,t >= g_u sum_t w_t L_u,t`` linearly. In every method the users'
self-use adds up to ``S_t`` in every hour. ``annual-share`` and ``fixed`` are accounting
methods: a user's ``S_u,t`` may exceed its load in an hour (its annual green share is what
they define); ``hourly-share`` and ``priority`` never do.

Per user, the energy not self-supplied, ``L_u,t - S_u,t``, is grid supply: imported energy
(directly or through grid-charged storage) and, off-grid, unserved load, split in each hour
in the project's proportions, so that ``L_u = S_u + import_u + unserved_u`` for every user
(under ``annual-share`` and ``fixed`` an hour's ``L_u,t - S_u,t`` may be negative: the user's
excess allocation is another user's import). The users' loads, self-use, grid supply and
unserved load add up to the project's ``L``, ``S``, ``grid_to_load + storage_to_load_grid``
and unserved energy. The project's import ``I``
also counts grid energy charged into storage and lost there, which belongs to no user
(:attr:`Allocation.storage_grid_mwh`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from gdc.operation.balance import Balance
from gdc.site.schema import FixedAllocation, PriorityAllocation

__all__ = ["METHODS", "Allocation", "UserShare", "allocate", "linear_shares", "method_name"]

#: Allocation methods: name -> (source in Chinese, source in English, description in English).
METHODS: dict[str, tuple[str, str, str]] = {
    "hourly-share": ("发改能源〔2026〕688号 §(十一)：可按照每个时段用电量占比确定自发自用电量",
                     "NDRC 688 (2026) §(十一): users may take each hour's self-use in proportion to that hour's "
                     "consumption (hourly matching)",
                     "each hour's self-use shared by that hour's loads: S_u,t = S_t x L_u,t / L_t"),
    "annual-share": ("本工具口径：按全年用电量占比分摊（D）",
                     "gdc's method (D): the year's self-use shared by the users' annual consumption",
                     "S_u,t = S_t x L_u / L"),
    "fixed": ("站点文件约定的固定比例（allocation.fixed）",
              "the site's agreed fixed percentages (allocation.fixed)",
              "S_u,t = S_t x pct_u / 100"),
    "priority": ("站点文件约定的优先顺序（allocation.priority）",
                 "the site's agreed priority order (allocation.priority)",
                 "each hour's self-use serves the users in order, each up to its load"),
}


def method_name(method: str | FixedAllocation | PriorityAllocation) -> str:
    """The method's key of :data:`METHODS` (``fixed`` and ``priority`` for the two mappings)."""
    if isinstance(method, FixedAllocation):
        return "fixed"
    if isinstance(method, PriorityAllocation):
        return "priority"
    if method not in METHODS:
        raise ValueError(f"unknown allocation method {method!r}; methods: {', '.join(METHODS)}")
    return method


@dataclass(frozen=True)
class UserShare:
    """One user's annual energies [MWh] and green share [%]."""

    name: str
    load_mwh: float
    self_use_mwh: float
    import_mwh: float
    unserved_mwh: float
    min_green_share: float | None = None

    @property
    def green_share_pct(self) -> float:
        """``100 x S_u / L_u`` [%]; NaN for a user with no load."""
        return 100.0 * self.self_use_mwh / self.load_mwh if self.load_mwh > 0 else float("nan")

    def as_dict(self) -> dict[str, Any]:
        g = self.green_share_pct
        return {"name": self.name, "load_mwh": self.load_mwh, "self_use_mwh": self.self_use_mwh,
                "green_share_pct": g if np.isfinite(g) else None, "import_mwh": self.import_mwh,
                "unserved_mwh": self.unserved_mwh, "min_green_share_pct": self.min_green_share}


@dataclass(frozen=True)
class Allocation:
    """The users' hourly self-use and annual totals under one allocation method.

    Attributes
    ----------
    method : str
        A key of :data:`METHODS`.
    users : list of UserShare
        In the site's order.
    self_use_mw : dict of str to ndarray [MW]
        ``S_u,t`` per user.
    import_mw : dict of str to ndarray [MW]
        Grid supply to each user's load, directly or through grid-charged storage.
    storage_grid_mwh : float [MWh]
        Project import not delivered to any user (grid energy charged into storage and lost
        or still stored): ``I - sum_u import_u``; 0 without grid charging.
    """

    method: str
    users: list[UserShare]
    self_use_mw: dict[str, np.ndarray]
    import_mw: dict[str, np.ndarray]
    storage_grid_mwh: float

    def source(self, lang: str = "en") -> str:
        """Where the method comes from (688号 §(十一) for hourly-share), in the report language."""
        zh, en, _ = METHODS[self.method]
        return zh if lang == "zh" else en

    @property
    def description(self) -> str:
        return METHODS[self.method][2]

    def as_dict(self) -> dict[str, Any]:
        return {"method": self.method, "formula": self.description, "source_zh": self.source("zh"),
                "source_en": self.source("en"), "storage_grid_mwh": self.storage_grid_mwh}


def linear_shares(method: str | FixedAllocation, user_loads_mw: dict[str, np.ndarray],
                  weights: np.ndarray) -> dict[str, np.ndarray]:
    """The shares ``share_u,t`` of a linear method: ``S_u,t = S_t x share_u,t``.

    They depend on the loads only, not on the design, so a sizing model can write a user's
    green share as ``sum_t w_t share_u,t S_t >= g_u x L_u`` (linear in ``S_t``).

    Parameters
    ----------
    method : str or FixedAllocation
        ``hourly-share``, ``annual-share`` or ``{fixed: ...}``.
    user_loads_mw : dict of str to ndarray [MW]
    weights : ndarray [h]
        Hours each row stands for (annual-share weighs the annual loads with them).

    Returns
    -------
    dict of str to ndarray [-]
        Per user, in [0, 1]; in every hour they sum to 1 (hourly-share: 0 where the total
        load is 0).

    Raises
    ------
    ValueError
        For ``priority``, which is not linear in ``S_t``.

    Examples
    --------
    >>> import numpy as np
    >>> loads = {"a": np.array([1.0, 3.0]), "b": np.array([3.0, 1.0])}
    >>> {u: s.tolist() for u, s in linear_shares("hourly-share", loads, np.ones(2)).items()}
    {'a': [0.25, 0.75], 'b': [0.75, 0.25]}
    >>> {u: s.tolist() for u, s in linear_shares("annual-share", loads, np.ones(2)).items()}
    {'a': [0.5, 0.5], 'b': [0.5, 0.5]}
    """
    name = method_name(method)
    names = list(user_loads_mw)
    if name == "priority":
        raise ValueError("priority allocation is not linear in the self-use: no fixed shares")
    if name == "fixed":
        return {u: np.full(len(weights), method.fixed[u] / 100.0) for u in names}
    loads = np.vstack([user_loads_mw[u] for u in names])
    if name == "annual-share":
        annual = loads @ weights
        total = float(annual.sum())
        frac = annual / total if total > 0 else np.full(len(names), 1.0 / len(names))
        return {u: np.full(len(weights), float(f)) for u, f in zip(names, frac, strict=True)}
    total_t = loads.sum(axis=0)
    shares = np.where(total_t > 0, loads / np.where(total_t > 0, total_t, 1.0), 0.0)
    return {u: shares[i] for i, u in enumerate(names)}


def allocate(balance: Balance, user_loads_mw: dict[str, np.ndarray],
             method: str | FixedAllocation | PriorityAllocation = "hourly-share",
             min_green_share: dict[str, float | None] | None = None) -> Allocation:
    """Share a balance's self-use among the users.

    Parameters
    ----------
    balance : Balance
        The project's hourly balance; ``balance.load`` is the users' total [MW].
    user_loads_mw : dict of str to ndarray [MW]
        Each user's load, in the site's order (:attr:`gdc.profiles.series.Profiles.user_loads_mw`).
    method : str, FixedAllocation or PriorityAllocation
        The site's ``allocation``.
    min_green_share : dict of str to float or None, optional
        Each user's stated minimum green share [%], carried into :class:`UserShare`.

    Returns
    -------
    Allocation

    Examples
    --------
    One hour: 10 MW of self-use, users a (4 MW) and b (16 MW), 10 MW from the grid.

    >>> import numpy as np
    >>> from gdc.operation.balance import Balance
    >>> one = lambda x: np.array([float(x)])
    >>> b = Balance(weights=one(1), period_hours=1, load=one(20), wind=one(0), pv=one(10),
    ...             re_to_load=one(10), re_to_storage=one(0), re_export=one(0), curtailment=one(0),
    ...             grid_to_load=one(10), storage_to_load=one(0), soc=one(0), soc_start=one(0),
    ...             export_forbidden=np.zeros(1, bool))
    >>> a = allocate(b, {"a": one(4), "b": one(16)})
    >>> [(u.name, u.self_use_mwh, u.import_mwh, u.green_share_pct) for u in a.users]
    [('a', 2.0, 2.0, 50.0), ('b', 8.0, 8.0, 50.0)]
    """
    name = method_name(method)
    names = list(user_loads_mw)
    s_t = balance.re_to_load + balance.storage_to_load_re
    if name == "priority":
        order = method.priority
        left = s_t.copy()
        self_use = {}
        for u in order:
            take = np.minimum(user_loads_mw[u], np.maximum(left, 0.0))
            self_use[u] = take
            left = left - take
        self_use = {u: self_use[u] for u in names}
    else:
        shares = linear_shares(method, user_loads_mw, balance.weights)
        self_use = {u: s_t * shares[u] for u in names}
    # the energy not self-supplied: grid to the load (direct or via grid-charged storage), unserved
    grid_t = balance.grid_to_load + balance.storage_to_load_grid
    unserved_t = balance.unserved
    # L_u,t - S_u,t: what the user takes beyond its self-use (negative where an accounting method
    # gives it more than its load); over the users it is L_t - S_t = grid_t + unserved_t, split in
    # the hour's proportions so that every user's L_u = S_u + import_u + unserved_u
    gap = grid_t + unserved_t
    f_grid = np.where(gap > 0, grid_t / np.where(gap > 0, gap, 1.0), 1.0)
    rest = {u: user_loads_mw[u] - self_use[u] for u in names}
    imports = {u: rest[u] * f_grid for u in names}
    unserved = {u: rest[u] * (1.0 - f_grid) for u in names}
    w = balance.weights
    mins = min_green_share or {}
    users = [UserShare(name=u, load_mwh=float(w @ user_loads_mw[u]), self_use_mwh=float(w @ self_use[u]),
                       import_mwh=float(w @ imports[u]), unserved_mwh=float(w @ unserved[u]),
                       min_green_share=mins.get(u)) for u in names]
    storage_grid = float(w @ balance.import_) - sum(x.import_mwh for x in users)
    return Allocation(method=name, users=users, self_use_mw=self_use, import_mw=imports,
                      storage_grid_mwh=storage_grid)
