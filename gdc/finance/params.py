"""Financial parameters of a site: a preset of ``models/finance/`` with the site's ``finance:`` overrides.

Every default is dated and carries its confidence in the preset file; :func:`finance_params`
merges the site's overrides onto it and records where each value came from.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

import yaml

from gdc.site.datafiles import models_path
from gdc.site.errors import InputError
from gdc.site.schema import Site


@lru_cache(maxsize=8)
def load_finance_preset(name: str) -> dict[str, Any]:
    """A finance preset (``models/finance/NAME.yaml``) as plain data."""
    path = models_path("finance", f"{name}.yaml")
    if not path.is_file():
        known = sorted(p.stem for p in models_path("finance").glob("*.yaml"))
        raise InputError(f"no finance preset '{name}'", field="finance.preset",
                         fix=f"known presets: {', '.join(known)}")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class FinanceParams:
    """Financial assumptions of one evaluation (fractions in [0, 1], amounts in nominal CNY, net of VAT).

    Attributes
    ----------
    evaluation_years : int
        Years of operation N; the cash-flow table has t = 0 (investment) .. N. Default: the
        project's life (:func:`gdc.profiles.life.life_span`).
    discount_rate : float [1/yr]
    debt_share : float
        Share of the initial investment borrowed at t = 0.
    interest_rate : float [1/yr]
    loan_years : int
        Level-annuity repayment over years 1 .. loan_years.
    income_tax_rate : float
    tax_holiday : bool
        三免三减半: no tax in years 1-3, half the rate in years 4-6.
    loss_carry_years : int
        Years a tax loss is carried forward.
    depreciation_years : int
    salvage_fraction : float
        Residual value at the end of depreciation, as a fraction of the depreciated cost.
    om_escalation, tariff_escalation : float [1/yr]
        Year t's O&M (prices) are year 1's times ``(1 + e)^(t - 1)``.
    storage_replacement_year : int
        Default: the life model's (:func:`gdc.profiles.life.degradation_params`).
    storage_replacement_years : tuple of int or None
        The years of the evaluation in which the battery is renewed; :func:`finance_params` gives
        the life model's (:func:`gdc.profiles.life.fade_schedule`: ``storage_replacement_year`` and
        every year the usable energy would fall below the end-of-life share: years 10 and 22 with the
        defaults), so ``gdc check`` and ``gdc check --years`` pay for the same replacements.
        None: ``storage_replacement_year`` only.
    storage_replacement_cny_per_kwh : float [CNY/kWh]
    storage_replacement_share : float
    certificate_cny_per_mwh : float [CNY/MWh]
    carbon_cny_per_t : float or None [CNY/tCO2]
    grid_emission_factor_t_per_mwh : float [tCO2/MWh]
    other_investment_cny : float [CNY]
    staff_cny_per_year : float [CNY/yr]
    self_use_fees_cny_per_kwh : float [CNY/kWh]
    vat : str
        ``net``: prices and costs are net of VAT.
    vat_included : bool
        The cash flows carry the project's VAT (input, output, credit, surcharges, wind refund;
        :mod:`gdc.finance.cashflow`); False: net of VAT.
    vat_rate_pct : float [%]
        VAT rate on the electricity sold and on the investment.
    vat_surcharge_pct : float [%]
        Surcharges (城建税, 教育费附加, 地方教育附加) on the VAT paid.
    wind_vat_refund_pct : float [%]
        Share of the VAT paid on wind electricity refunded (即征即退, 财税〔2015〕74号).
    sources : dict of str to str
        ``preset`` or ``site`` (or ``economics``) for each value.
    """

    evaluation_years: int
    discount_rate: float
    debt_share: float
    interest_rate: float
    loan_years: int
    income_tax_rate: float
    tax_holiday: bool
    loss_carry_years: int
    depreciation_years: int
    salvage_fraction: float
    om_escalation: float
    tariff_escalation: float
    storage_replacement_year: int
    storage_replacement_cny_per_kwh: float
    storage_replacement_share: float
    certificate_cny_per_mwh: float
    carbon_cny_per_t: float | None
    grid_emission_factor_t_per_mwh: float
    other_investment_cny: float
    staff_cny_per_year: float
    self_use_fees_cny_per_kwh: float
    storage_replacement_years: tuple[int, ...] | None = None
    vat: str = "net"
    vat_included: bool = False
    vat_rate_pct: float = 13.0
    vat_surcharge_pct: float = 12.0
    wind_vat_refund_pct: float = 50.0
    preset: str = "china-2025"
    sources: dict[str, str] = field(default_factory=dict, compare=False)

    def as_dict(self) -> dict[str, Any]:
        """The parameters as plain data (for JSON and the workbook)."""
        return asdict(self)


def _from_preset(p: dict[str, Any]) -> dict[str, Any]:
    """The preset's nested layout flattened to :class:`FinanceParams` field names."""
    return {
        "discount_rate": float(p["discount_rate"]),
        "debt_share": float(p["debt"]["share"]),
        "interest_rate": float(p["debt"]["interest_rate"]),
        "loan_years": int(p["debt"]["years"]),
        "income_tax_rate": float(p["income_tax"]["rate"]),
        "tax_holiday": bool(p["income_tax"]["holiday"]),
        "loss_carry_years": int(p["income_tax"]["loss_carry_years"]),
        "vat": str(p["vat"]["treatment"]),
        "vat_included": bool(p["vat"].get("included", False)),
        "vat_rate_pct": float(p["vat"].get("rate_pct", 13.0)),
        "vat_surcharge_pct": float(p["vat"].get("surcharge_pct", 0.0)),
        "wind_vat_refund_pct": float(p["vat"].get("wind_refund_pct", 0.0)),
        "depreciation_years": int(p["depreciation"]["years"]),
        "salvage_fraction": float(p["depreciation"]["salvage_fraction"]),
        "om_escalation": float(p["escalation"]["om"]),
        "tariff_escalation": float(p["escalation"]["tariff"]),
        "storage_replacement_cny_per_kwh": float(p["storage_replacement"]["cny_per_kwh"]),
        "storage_replacement_share": float(p["storage_replacement"]["share"]),
        "certificate_cny_per_mwh": float(p["green_certificate"]["cny_per_mwh"]),
        "carbon_cny_per_t": None if p["carbon"]["cny_per_t"] is None else float(p["carbon"]["cny_per_t"]),
        "grid_emission_factor_t_per_mwh": float(p["carbon"]["grid_emission_factor_t_per_mwh"]),
        "other_investment_cny": float(p["other"]["investment_cny"]),
        "staff_cny_per_year": float(p["other"]["staff_cny_per_year"]),
        "self_use_fees_cny_per_kwh": float(p["other"]["self_use_fees_cny_per_kwh"]),
    }


def finance_params(site: Site, **overrides: Any) -> FinanceParams:
    """The site's financial parameters: its preset, then ``economics.discount_rate``, then ``finance:``.

    Parameters
    ----------
    site : Site
    **overrides
        Values that win over the site file (tests, sensitivity runs), by field name.

    Examples
    --------
    >>> from gdc.site.schema import read_site
    >>> p = finance_params(read_site("sample_sites/v3-tool-flat-load/site.yaml"))
    >>> p.income_tax_rate, p.evaluation_years, p.sources["income_tax_rate"]
    (0.25, 25, 'preset')
    """
    from gdc.profiles.life import degradation_params, life_span

    values = _from_preset(load_finance_preset(site.finance.preset))
    sources = dict.fromkeys(values, "preset")
    # one copy of the years: the cash flows cover the project's life, and pay for the battery in the
    # year the life model renews it (its preset, or degradation:/finance: in the site file)
    values["evaluation_years"] = life_span(site)[1]
    values["storage_replacement_year"] = degradation_params(site).storage_replacement_year
    sources["evaluation_years"] = sources["storage_replacement_year"] = "life"
    if site.economics.discount_rate is not None:
        values["discount_rate"] = float(site.economics.discount_rate)
        sources["discount_rate"] = "economics"
    for key, value in site.finance.model_dump(exclude={"preset"}).items():
        if value is not None:
            values[key] = value
            sources[key] = "site"
    for key, value in overrides.items():
        if key not in values and key != "storage_replacement_years":
            raise TypeError(f"unknown finance parameter {key!r}")
        values[key] = value
        sources[key] = "override"
    if "storage_replacement_years" not in overrides:
        # the life model's renewals within the evaluation: the first year, then at end of life
        from gdc.profiles.life import fade_schedule

        deg = degradation_params(site)
        sched = fade_schedule(deg.storage_per_year_pct, int(values["storage_replacement_year"]),
                              deg.storage_end_of_life_pct, int(values["evaluation_years"]))
        values["storage_replacement_years"] = tuple(n for n, (_, renewed) in enumerate(sched, start=1) if renewed)
        sources["storage_replacement_years"] = "life"
    return FinanceParams(**values, preset=site.finance.preset, sources=sources)
