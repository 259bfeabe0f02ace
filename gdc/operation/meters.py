"""The balance of an operating project from its metered hourly flows (no dispatch).

The meters give, per hour [MW]: renewable energy delivered to the load (self-use),
export, import and curtailment, and optionally storage losses. Available generation
is then ``self-use + export + curtailment + storage losses``; it is split between wind
and PV in proportion to the sources' profiles when they are given, else by the
sources' capacities. Metered storage losses are booked with curtailment (they are
renewable energy that reached neither the load nor the grid), which is conservative
for the utilisation rule.
"""

from __future__ import annotations

import numpy as np

from gdc.operation.balance import Balance
from gdc.profiles.series import Profiles, read_column
from gdc.site.errors import InputError
from gdc.site.schema import SeriesRef, Site


def balance_from_meters(site: Site, profiles: Profiles) -> Balance:
    """Balance of a metered project; the load is ``self-use + import``.

    Raises
    ------
    InputError
        A missing meter column, a length that differs from the load, negative flows,
        or a load file that disagrees with the meters by more than 1 % of the annual load.
    """
    m = site.meters
    assert m is not None
    scale = 1e-3 if m.unit == "kW" else 1.0
    cols = {"self_use": m.self_use, "export": m.export, "import": m.import_, "curtailment": m.curtailment}
    if m.storage_loss:
        cols["storage_loss"] = m.storage_loss
    flows: dict[str, np.ndarray] = {}
    for key, col in cols.items():
        values, _, path = read_column(site, SeriesRef(file=m.file, column=col), f"meters.{key}")
        if len(values) != profiles.hours:
            raise InputError(f"{len(values)} rows, the load has {profiles.hours}", file=path,
                             field=f"meters.{key}", fix="meters and load must cover the same hours")
        if (values < -1e-9).any():
            raise InputError(f"negative values in meter column '{col}'", file=path, field=f"meters.{key}",
                             fix="meters record gross flows, each >= 0")
        flows[key] = values * scale
    n = profiles.hours
    loss = flows.get("storage_loss", np.zeros(n))
    avail = flows["self_use"] + flows["export"] + flows["curtailment"] + loss
    load = flows["self_use"] + flows["import"]
    w = profiles.weights
    if abs(np.dot(w, load) - np.dot(w, profiles.load_mw)) > 0.01 * max(np.dot(w, profiles.load_mw), 1e-9):
        raise InputError(
            f"metered self-use + import ({np.dot(w, load):,.0f} MWh) differs from the load file "
            f"({np.dot(w, profiles.load_mw):,.0f} MWh) by more than 1 %",
            file=site.resolve(m.file), field="meters", fix="check the meter columns and the load unit",
        )
    wind_share = np.zeros(n)
    wind_pu = sum((profiles.pu[s.name] * float(s.capacity_mw) for s in site.sources
                   if s.type == "wind" and s.name in profiles.pu), np.zeros(n))
    pv_pu = sum((profiles.pu[s.name] * float(s.capacity_mw) for s in site.sources
                 if s.type == "pv" and s.name in profiles.pu), np.zeros(n))
    both = wind_pu + pv_pu
    if both.sum() > 0:
        wind_share = np.divide(wind_pu, both, out=np.zeros(n), where=both > 0)
    else:
        cap_w = sum(float(s.capacity_mw) for s in site.sources if s.type == "wind")
        cap_all = sum(float(s.capacity_mw) for s in site.sources)
        wind_share[:] = cap_w / cap_all if cap_all > 0 else 0.0
    zero = np.zeros(n)
    return Balance(
        weights=w, period_hours=profiles.period_hours, load=load, wind=avail * wind_share,
        pv=avail * (1 - wind_share), re_to_load=flows["self_use"], re_to_storage=zero,
        re_export=flows["export"], curtailment=flows["curtailment"] + loss, grid_to_load=flows["import"],
        storage_to_load=zero, soc=zero, soc_start=np.zeros(n // profiles.period_hours),
        export_forbidden=profiles.export_forbidden, source="meters",
    )
