"""Typical days for fast sizing: tsam clusters the year's days, gdc keeps real days.

:func:`typical_days` clusters the 365 days of a full-year site on its load, per-unit
profiles and prices (``tsam.aggregate``, hierarchical clustering), then represents each
cluster by its medoid: the member day closest to the others. Every column of a
representative day (load, profiles, prices, forbidden hours) therefore belongs to one real
day, and the day's weight is the size of its cluster. Extra days (e.g. the days where the
full-year check failed) are added as clusters of their own, weight 1, taken from their
cluster's weight so the weights still sum to the days of the year.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from gdc.operation.prices import Costs
from gdc.profiles.series import Profiles


@dataclass(frozen=True)
class TypicalDays:
    """A year reduced to weighted real days.

    Attributes
    ----------
    days : ndarray of int
        Day of the year (0-based) of each representative day.
    weights : ndarray [days]
        Days of the year each representative stands for (sums to the days in the year).
    assignment : ndarray of int
        For every day of the year, the position in ``days`` of its representative.
    """

    days: np.ndarray
    weights: np.ndarray
    assignment: np.ndarray

    def rows(self) -> np.ndarray:
        """Hour indices into the full year of the representative days, in order."""
        return (self.days[:, None] * 24 + np.arange(24)[None, :]).ravel()


def _features(profiles: Profiles, costs: Costs | None) -> pd.DataFrame:
    data = {"load": profiles.load_mw / max(profiles.load_mw.max(), 1e-9)}
    for name, pu in profiles.pu.items():
        data[f"pu:{name}"] = pu
    if costs is not None:
        data["import_price"] = costs.import_price / max(costs.import_price.max(), 1e-9)
        data["export_price"] = costs.export_price / max(costs.export_price.max(), 1e-9)
    data["forbidden"] = profiles.export_forbidden.astype(float)
    idx = pd.date_range("2001-01-01", periods=profiles.hours, freq="h")
    return pd.DataFrame(data, index=idx)


def typical_days(profiles: Profiles, n_days: int, costs: Costs | None = None,
                 extra_days: tuple[int, ...] = ()) -> TypicalDays:
    """Cluster a full year's days into ``n_days`` weighted real days (plus ``extra_days``).

    Parameters
    ----------
    profiles : Profiles
        A full year (8760 or 8784 hours).
    n_days : int
        Number of clusters.
    costs : Costs, optional
        Prices to cluster on as well (time of use by season).
    extra_days : tuple of int
        Days of the year to keep as their own representative, weight 1.
    """
    import tsam

    if not profiles.is_full_year:
        raise ValueError("typical days need a full year of hourly data")
    n_year = profiles.hours // 24
    feats = _features(profiles, costs)
    feats = feats.iloc[: n_year * 24]
    weights = {c: (2.0 if c == "load" or c.startswith("pu:") else 0.5) for c in feats.columns}
    # columns that never vary carry no information and upset the normalisation
    varying = [c for c in feats.columns if float(feats[c].max() - feats[c].min()) > 1e-12]
    n_clusters = max(1, min(n_days, n_year))
    res = tsam.aggregate(feats[varying], n_clusters=n_clusters, period_duration=24,
                         cluster=tsam.ClusterConfig(method="hierarchical"),
                         weights={c: weights[c] for c in varying}, preserve_column_means=False)
    assign = np.asarray(res.cluster_assignments, dtype=int)
    x = feats[varying].to_numpy().reshape(n_year, 24 * len(varying))
    scale = x.std(axis=0)
    x = x / np.where(scale > 0, scale, 1.0)
    days, counts = [], []
    for c in sorted(set(assign.tolist())):
        members = np.flatnonzero(assign == c)
        sub = x[members]
        d = ((sub[:, None, :] - sub[None, :, :]) ** 2).sum(axis=2).sum(axis=1)
        days.append(int(members[int(np.argmin(d))]))
        counts.append(float(len(members)))
    pos = {c: i for i, c in enumerate(sorted(set(assign.tolist())))}
    assignment = np.array([pos[c] for c in assign])
    days_arr = np.array(days)
    counts_arr = np.array(counts)
    extras = [d for d in dict.fromkeys(extra_days) if d not in set(days)]
    for d in extras:
        k = assignment[d]
        if counts_arr[k] > 1:
            counts_arr[k] -= 1.0
            days_arr = np.append(days_arr, d)
            counts_arr = np.append(counts_arr, 1.0)
            assignment[d] = len(days_arr) - 1
    return TypicalDays(days=days_arr, weights=counts_arr, assignment=assignment)


def reduce(profiles: Profiles, costs: Costs, td: TypicalDays) -> tuple[Profiles, Costs]:
    """The profiles and prices of the representative days only (representative-day mode)."""
    rows = td.rows()
    w = np.repeat(td.weights, 24)
    p = Profiles(
        load_mw=profiles.load_mw[rows], pu={k: v[rows] for k, v in profiles.pu.items()}, weights=w,
        period_hours=24, export_forbidden=profiles.export_forbidden[rows],
        hour_of_day=profiles.hour_of_day[rows], month=profiles.month[rows] if profiles.month is not None else None,
        index=None, user_loads_mw={u: v[rows] for u, v in profiles.user_loads_mw.items()}, life=profiles.life,
    )
    c = Costs(per_mw=costs.per_mw, storage_per_mw=costs.storage_per_mw, storage_per_mwh=costs.storage_per_mwh,
              line=costs.line, fixed=costs.fixed, import_price=costs.import_price[rows],
              export_price=costs.export_price[rows], sources=costs.sources)
    return p, c
