"""Annual costs of a design: capacity costs, the dedicated line, grid energy, export revenue.

Formulas (all in CNY per year; the README repeats them):

- capital recovery factor ``CRF(r, n) = r (1 + r)^n / ((1 + r)^n - 1)``;
- annual cost of a technology per unit of capacity = ``capex x (CRF(r, life) + fixed O&M %)``,
  capex per MW (per MWh for the storage energy part);
- dedicated line = ``cost per km x distance x (CRF(r, line life) + O&M)`` for every source that
  is built (a constant in the LP: a source given as bounds is assumed built);
- grid energy = ``sum_t w_t x import_t x import price_t`` with import price = energy price x
  time-of-use multiplier + fees [CNY/MWh];
- export revenue = ``sum_t w_t x export_t x export price_t`` (subtracted);
- capacity-based T&D (1192号) = ``12 x capacity x (demand charge + T&D rate x average load
  rate x 730 h)`` when the tariff has a ``capacity_charge`` (a constant for a declared
  connection capacity).

Defaults are named, dated presets under ``models/technology`` and ``models/tariffs``, each
value with its confidence; a site overrides any of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import yaml

from gdc.profiles.series import Profiles, read_column
from gdc.site.datafiles import models_path
from gdc.site.errors import InputError
from gdc.site.schema import PriceRef, Site

#: Default tariff preset by jurisdiction (a site's ``tariff.preset`` wins).
DEFAULT_TARIFF = {"shandong": "shandong-2025-tou", "ningxia": "ningxia-110kv-example"}
FALLBACK_TARIFF = "flat-national"


def crf(rate: float, years: int) -> float:
    """Capital recovery factor [1/yr]."""
    if rate == 0:
        return 1.0 / years
    g = (1.0 + rate) ** years
    return rate * g / (g - 1.0)


@lru_cache(maxsize=32)
def _preset(kind: str, name: str) -> dict[str, Any]:
    path = models_path() / kind / f"{name}.yaml"
    if not path.is_file():
        known = sorted(p.stem for p in (models_path() / kind).glob("*.yaml"))
        raise InputError(f"no {kind} preset '{name}'", field=f"{'economics' if kind == 'technology' else 'tariff'}"
                         ".preset", fix=f"known presets: {', '.join(known)}")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def load_technology(name: str) -> dict[str, Any]:
    """A technology cost preset (``models/technology/NAME.yaml``)."""
    return _preset("technology", name)


def load_tariff(name: str) -> dict[str, Any]:
    """A tariff preset (``models/tariffs/NAME.yaml``)."""
    return _preset("tariffs", name)


@dataclass(frozen=True)
class Costs:
    """Cost coefficients of a site for the LP and the reports.

    Attributes
    ----------
    per_mw : dict of str to float [CNY/MW/yr]
        Annual cost per MW of each source.
    storage_per_mw, storage_per_mwh : float [CNY/MW/yr], [CNY/MWh/yr]
    line : dict of str to float [CNY/yr]
        Annual cost of each source's dedicated line.
    fixed : float [CNY/yr]
        Capacity-based T&D charge (constant).
    import_price, export_price : ndarray [CNY/MWh]
    sources : dict
        Which presets and overrides were used.
    """

    per_mw: dict[str, float]
    storage_per_mw: float
    storage_per_mwh: float
    line: dict[str, float]
    fixed: float
    import_price: np.ndarray
    export_price: np.ndarray
    sources: dict[str, str] = field(default_factory=dict)


def _tech(site: Site, key: str, base: dict[str, Any], rate: float) -> tuple[float, float]:
    """(annual cost per MW, per MWh) of a technology."""
    over = getattr(site.economics, key)
    spec = dict(base["technologies"][key])
    if over is not None:
        spec.update({k: v for k, v in over.model_dump().items() if v is not None})
    factor = crf(rate, int(spec["life_years"])) + spec.get("fixed_om_pct", 0.0) / 100.0
    per_kw = spec.get("capex_cny_per_kw", 0.0) or 0.0
    per_kwh = spec.get("capex_cny_per_kwh", 0.0) or 0.0
    return 1000.0 * per_kw * factor, 1000.0 * per_kwh * factor


def _series(site: Site, value: float | PriceRef | None, n: int, field_name: str) -> np.ndarray | None:
    if value is None:
        return None
    if isinstance(value, PriceRef):
        arr, _, path = read_column(site, value, field_name)
        if len(arr) != n:
            raise InputError(f"{len(arr)} rows, the load has {n}", file=path, field=field_name,
                             fix="prices must cover the same hours as the load")
        return arr * 1000.0
    return np.full(n, float(value) * 1000.0)


def tariff_arrays(preset: dict[str, Any], profiles: Profiles) -> tuple[np.ndarray, np.ndarray]:
    """Hourly import and export prices [CNY/MWh] of a tariff preset on a site's hours.

    Representative days have no month: periods restricted to months then do not apply.
    """
    n = profiles.hours
    tier = np.array(["flat"] * n, dtype=object)
    for period in preset.get("periods", []):
        mask = np.isin(profiles.hour_of_day, period["hours"])
        if "months" in period:
            if profiles.month is None:
                continue
            mask &= np.isin(profiles.month, period["months"])
        tier[mask] = period["tier"]
    mult = preset["multipliers"]
    factor = np.array([mult[t] for t in tier], dtype=float)
    imp = 1000.0 * (preset["energy_price_cny_per_kwh"] * factor + preset.get("fees_cny_per_kwh", 0.0))
    exp = np.full(n, 1000.0 * preset["export_price_cny_per_kwh"])
    return imp, exp


def get_costs(site: Site, profiles: Profiles) -> Costs:
    """Cost coefficients and hourly prices of a site (presets plus the site's overrides)."""
    eco = site.economics
    base = load_technology(eco.preset)
    rate = eco.discount_rate if eco.discount_rate is not None else float(base["discount_rate"])
    per_mw = {}
    line = {}
    line_spec = base.get("line", {})
    per_km = eco.line_cny_per_km if eco.line_cny_per_km is not None else float(line_spec.get("cny_per_km", 0.0))
    line_factor = crf(rate, int(line_spec.get("life_years", 25)))
    for src in site.sources:
        key = "offshore_wind" if (src.type == "wind" and src.offshore) else src.type
        per_mw[src.name], _ = _tech(site, key, base, rate)
        line[src.name] = per_km * src.distance_km * line_factor
    sto_mw, sto_mwh = _tech(site, "storage", base, rate)

    t = site.tariff
    preset_name = t.preset or DEFAULT_TARIFF.get(site.jurisdiction, FALLBACK_TARIFF)
    preset = load_tariff(preset_name)
    imp, exp = tariff_arrays(preset, profiles)
    n = profiles.hours
    own_imp = _series(site, t.import_price, n, "tariff.import_price")
    if own_imp is not None:
        imp = own_imp
        for i, fee in enumerate(t.import_fees):
            imp = imp + _series(site, fee, n, f"tariff.import_fees[{i}]")
    own_exp = _series(site, t.export_price, n, "tariff.export_price")
    if own_exp is not None:
        exp = own_exp
    fixed = 0.0
    cc = t.capacity_charge
    if cc is None and "demand_charge_cny_per_kw_month" in preset:
        fixed = 12 * 1000 * site.connection.capacity_mw * preset["demand_charge_cny_per_kw_month"]
    elif cc is not None:
        fixed = 12 * 1000 * site.connection.capacity_mw * (
            cc.demand_charge_cny_per_kw_month + cc.td_rate_cny_per_kwh * cc.average_load_rate * 730)
    sources = {"technology": eco.preset, "discount_rate": f"{rate:g}",
               "tariff": "site columns" if own_imp is not None else preset_name}
    return Costs(per_mw=per_mw, storage_per_mw=sto_mw, storage_per_mwh=sto_mwh, line=line, fixed=fixed,
                 import_price=imp, export_price=exp, sources=sources)


def cost_breakdown(costs: Costs, design: Any, balance: Any, site: Site) -> dict[str, Any]:
    """Annual cost of a design and its balance, item by item [CNY/yr].

    Returns ``{"items": [{key, name_en, name_zh, cny_per_year}], "total_cny_per_year",
    "cny_per_mwh_load"}``; export revenue is a negative item.
    """
    w = balance.weights
    types = {s.name: s for s in site.sources}
    items = []
    for name, cap in design.capacities_mw.items():
        label = "offshore wind" if types[name].offshore else types[name].type.replace("pv", "PV")
        items.append(("capacity:" + name, f"{name} ({label}) capacity", f"{name} 装机", costs.per_mw[name] * cap))
    if design.storage_power_mw > 0 or design.storage_energy_mwh > 0:
        items.append(("storage_power", "storage power", "储能功率",
                      costs.storage_per_mw * design.storage_power_mw))
        items.append(("storage_energy", "storage energy", "储能容量",
                      costs.storage_per_mwh * design.storage_energy_mwh))
    line = sum(v for k, v in costs.line.items() if design.capacities_mw.get(k, 0) > 0)
    if line:
        items.append(("line", "dedicated lines", "专线", line))
    items.append(("import", "grid energy (import)", "下网购电", float(np.dot(w, balance.import_ * costs.import_price))))
    items.append(("export", "export revenue", "上网收入", -float(np.dot(w, balance.export * costs.export_price))))
    if costs.fixed:
        items.append(("capacity_charge", "capacity-based T&D charge (1192号)", "容量电费", costs.fixed))
    total = sum(x[3] for x in items)
    load = float(np.dot(w, balance.load))
    return {
        "items": [dict(key=k, name_en=en, name_zh=zh, cny_per_year=v) for k, en, zh, v in items],
        "total_cny_per_year": total,
        "cny_per_mwh_load": total / load if load > 0 else float("nan"),
        "presets": costs.sources,
    }
