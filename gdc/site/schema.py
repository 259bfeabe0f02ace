"""The site file (``site.yaml``): its pydantic schema, one model per block.

A site describes one green-power direct-connection project: its load, its wind and PV
sources, its storage, its grid connection and the jurisdiction whose rules apply. Reading
and validating a file (:func:`~gdc.site.read.read_site`, :func:`~gdc.site.read.parse_site`,
the error messages, the JSON Schema writers) is in :mod:`gdc.site.read`; its public names
stay importable from here too.

Units are part of every field name: ``_mw`` [MW], ``_mwh`` [MWh], ``_kv`` [kV],
``_km`` [km]; fractions are in [0, 1]. Paths are relative to the site file.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

from gdc.site.plausible import ranges

if TYPE_CHECKING:  # the re-exports of gdc.site.read (see __getattr__ at the end), for type checkers
    from gdc.site.read import (
        check_day_weights,
        check_plausible,
        load_yaml_text,
        parse_site,
        read_site,
        read_yaml,
        site_json_schema,
        with_year,
        write_json_schema,
    )

__all__ = [  # the models here, and the reading functions of gdc.site.read re-exported
    "WeatherYearFile",
    "WeatherSynth",
    "WeatherFolder",
    "LifeSpec",
    "Degradation",
    "Bounds",
    "Capacity",
    "CapacityCharge",
    "Connection",
    "Days",
    "Economics",
    "ExportForbidden",
    "Finance",
    "Load",
    "Location",
    "Meters",
    "Operator",
    "FixedAllocation",
    "PriorityAllocation",
    "User",
    "USER_CATEGORIES",
    "EXCLUDED_CATEGORIES",
    "PVSystemSpec",
    "PriceRef",
    "RuleOverride",
    "SCHEMA_ID",
    "SeriesRef",
    "Site",
    "Source",
    "Storage",
    "SynthSpec",
    "Tariff",
    "TechCost",
    "WeatherRef",
    "WindTurbineSpec",
    "check_day_weights",
    "check_plausible",
    "load_yaml_text",
    "parse_site",
    "read_site",
    "read_yaml",
    "site_json_schema",
    "with_year",
    "write_json_schema",
]

SCHEMA_ID = "gdc-site/1"
_YEARS = ranges()["evaluation_year"]
_START_YEARS = ranges()["start_year"]


class _Strict(BaseModel):
    """Base for every schema block: unknown keys are errors, not silently ignored.

    Numbers are strict: ``true`` is not 1.0 MW and ``"40"`` is not 40 (an integer is a
    valid float); ``.inf``, ``.nan`` and numbers YAML reads as infinite (``1.0e400``) are errors.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


class Bounds(_Strict):
    """A capacity to be chosen by ``gdc size`` within ``[min, max]``."""

    min: Annotated[float, Field(ge=0)] = Field(0.0, description="smallest capacity gdc size may choose [MW or MWh]")
    max: Annotated[float, Field(ge=0)] = Field(description="largest capacity gdc size may choose [MW or MWh]")

    @model_validator(mode="after")
    def _ordered(self) -> Bounds:
        if self.min > self.max:
            raise ValueError(f"min ({self.min}) is larger than max ({self.max})")
        return self


Capacity = Annotated[float, Field(ge=0)] | Bounds


class SeriesRef(_Strict):
    """One column of a CSV file (comment lines starting with ``#`` are skipped)."""

    file: str = Field(description="CSV file, relative to the site file")
    column: str = Field(description="column name in the CSV file")


class Load(SeriesRef):
    """The user's hourly load, and how it changes over the project's life.

    The series is the load of the start year. ``by_year`` gives the factor of the series by calendar
    year (e.g. a new plant's ramp-up, ``{2026: 0.6, 2027: 0.85, 2028: 1.0}``): linear between listed
    years, the first factor before the first, and after the last the last factor compounded by
    ``growth_pct_per_year``. Without ``by_year`` the growth compounds from the start year (factor 1
    in the start year). See :func:`gdc.profiles.life.load_factor`.
    """

    unit: Literal["MW", "kW"] = Field(description="unit of the load column: MW or kW")
    scale: Annotated[float, Field(gt=0)] = Field(1.0, description="multiplier applied after unit conversion [-]")
    by_year: dict[int, Annotated[float, Field(gt=0)]] | None = Field(
        None, description="load factor by calendar year [-] against the series (e.g. {2026: 0.6, 2027: 0.85, "
        "2028: 1.0}): linear between listed years, the first before, the last compounded by the growth after")
    growth_pct_per_year: Annotated[float, Field(gt=-50, le=100)] | None = Field(
        None, description="load growth [%/yr], compounded after the by_year table (or from the start year "
        "without one); default the life preset's (0)")


#: User categories a multi-user site may name (688号 opens direct connection to industrial and
#: commercial users; the two excluded categories are accepted here so that the eligibility rule
#: ``multi_user_no_residential_agricultural`` reports them as a fail citing 688号).
USER_CATEGORIES = ("industrial", "commercial", "data-centre", "public-service", "transport", "other",
                   "residential", "agricultural")
#: Categories 688号 excludes from multi-user direct connection ("不含居民、农业用户").
EXCLUDED_CATEGORIES = ("residential", "agricultural")


class User(_Strict):
    """One user (a legal entity's load) behind a multi-user project's single connection (688号)."""

    name: Annotated[str, Field(min_length=1, pattern=r"^[^\[\],]+$")] = Field(
        description="user name, unique in the site; used in tables and column names (no [ ] or ,)")
    entity: str | None = Field(
        None, description="legal entity: unified social credit code or any identifier (688号: distinct legal "
        "entities); default: the name")
    category: str = Field(
        "industrial", description="user category: " + ", ".join(USER_CATEGORIES)
        + " (688号 excludes residential and agricultural users)")
    load: Load = Field(description="this user's hourly load [MW or kW]")
    min_green_share: Annotated[float, Field(ge=0, le=100)] | None = Field(
        None, description="the user's own minimum green share S_u / L_u [%], e.g. an exporter's requirement")

    @field_validator("category")
    @classmethod
    def _category(cls, v: str) -> str:
        key = v.strip().lower().replace("_", "-").replace(" ", "-")
        if key in ("datacentre", "data-center", "datacenter"):
            key = "data-centre"
        if key not in USER_CATEGORIES:
            import difflib

            close = difflib.get_close_matches(key, USER_CATEGORIES, n=1)
            raise ValueError(f"unknown user category '{v}'" + (f" (did you mean '{close[0]}'?)" if close else "")
                             + f"; categories: {', '.join(USER_CATEGORIES)}")
        return key

    @property
    def entity_id(self) -> str:
        """The legal entity, or the user's name where none is given."""
        return self.entity if self.entity else self.name


class FixedAllocation(_Strict):
    """Self-use shared in fixed percentages, the same in every hour."""

    fixed: dict[str, Annotated[float, Field(ge=0, le=100)]] = Field(
        description="user name -> share of the project's self-use in every hour [%], summing to 100")


class PriorityAllocation(_Strict):
    """Self-use served to users in order: the first user's load first, then the next."""

    priority: list[str] = Field(min_length=1, description="every user's name, highest priority first [-]")


Allocation = Literal["hourly-share", "annual-share"] | FixedAllocation | PriorityAllocation


class Operator(_Strict):
    """The entity operating a multi-user project (688号: an independent legal person, not a grid company)."""

    entity: str | None = Field(None, description="legal entity of the operator (unified social credit code or name)")
    independent_legal_person: bool | None = Field(
        None, description="the operator is an independent legal person (独立法人) [true/false]")
    is_grid_company: bool | None = Field(
        None, description="the operator is a grid company operating transmission or distribution [true/false]")


class Location(_Strict):
    """Where the project is (for profiles computed from weather or synthesised)."""

    latitude: Annotated[float, Field(ge=-90, le=90)] = Field(description="[deg north]")
    longitude: Annotated[float, Field(ge=-180, le=180)] = Field(description="[deg east]")
    altitude_m: float | None = Field(None, description="[m]; default: the region's")


class WeatherRef(_Strict):
    """A local weather file: EPW, TMY3, PVGIS TMY/hourly, or a plain CSV (GHI[, DNI, DHI], temperature, wind)."""

    file: str = Field(description="weather file, relative to the site file")
    kind: Literal["epw", "tmy3", "pvgis_tmy", "pvgis_hourly", "csv"] | None = Field(
        None, description="default: detected from the file")
    wind_height_m: Annotated[float, Field(gt=0)] = Field(10.0, description="height of the wind speed [m]")


class PVSystemSpec(_Strict):
    """The PV system for a profile computed with pvlib (PVWatts)."""

    tilt_deg: Annotated[float, Field(ge=0, le=90)] | None = Field(None, description="default: from the latitude")
    azimuth_deg: Annotated[float, Field(ge=0, lt=360)] = Field(
        180.0, description="orientation of the modules [deg clockwise from north]; 180 = south")
    tracking: Literal["fixed", "single_axis"] = Field("fixed", description="fixed tilt or single-axis tracking")
    dc_ac_ratio: Annotated[float, Field(gt=0.5, le=2.5)] = Field(
        1.2, description="DC peak over inverter AC rating [-]; AC output is clipped above it")
    losses_pct: Annotated[float, Field(ge=0, lt=100)] = Field(
        14.08, description="system losses (soiling, wiring, mismatch, availability) [%], PVWatts default")
    temperature_model: str | None = Field(
        None, description="pvlib SAPM cell-temperature model; default sapm_open_rack_glass_polymer")
    transposition: Literal["perez", "haydavies", "isotropic"] | None = Field(
        None, description="plane-of-array transposition model; default perez")
    decomposition: Literal["erbs", "disc"] | None = Field(
        None, description="GHI to DNI/DHI decomposition where the file gives GHI only; default erbs")


class WindTurbineSpec(_Strict):
    """The wind farm for a profile computed with windpowerlib."""

    turbine: str = Field("GDC-6.25-200", description="gdc generic curve, windpowerlib type, or power-curve CSV")
    hub_height_m: Annotated[float, Field(ge=10, le=300)] = Field(140.0, description="hub height [m]")
    losses_pct: Annotated[float, Field(ge=0, lt=100)] = Field(
        12.0, description="wake, availability and electrical losses [%]")
    shear: Literal["power", "log"] = Field(
        "power", description="extrapolation of the wind speed to hub height: power law or log law")
    hellman_exponent: Annotated[float, Field(gt=0, lt=1)] | None = Field(
        None, description="power-law shear exponent [-]; default 1/7")
    roughness_length_m: Annotated[float, Field(gt=0)] | None = Field(
        None, description="log-law surface roughness length [m]; default 0.1")


class SynthSpec(_Strict):
    """An offline synthetic profile (gdc.profiles.synth), calibrated to the region."""

    seed: int = Field(0, description="random seed: the same seed gives the same profile [-]")
    region: str | None = Field(None, description="shandong, shandong_offshore, ningxia, ...")
    target_flh: Annotated[float, Field(gt=0, le=8760)] | None = Field(None, description="annual full-load hours [h]")


class Source(_Strict):
    """A wind or PV plant feeding the load over the dedicated line."""

    name: str = Field(description="name of the source, unique in the site")
    type: Literal["pv", "wind"] = Field(description="pv or wind (offshore wind: type wind, offshore: true)")
    capacity_mw: Capacity = Field(
        description="installed capacity [MW] (PV: DC peak, MWp), or {min, max} bounds for gdc size"
    )
    profile: SeriesRef | None = Field(
        None, description="hourly per-unit output [MW per MW installed], values in [0, ~1]"
    )
    weather: WeatherRef | None = Field(None, description="compute the profile from a weather file")
    pv_system: PVSystemSpec | None = Field(None, description="PV system, with weather (default PVSystemSpec())")
    wind_turbine: WindTurbineSpec | None = Field(None, description="wind farm, with weather or synth")
    synth: SynthSpec | None = Field(None, description="synthesise the profile offline")
    distance_km: Annotated[float, Field(ge=0)] = Field(0.0, description="dedicated-line length to the load [km]")
    same_county: bool | None = Field(None, description="source in the same county-level unit (县/市/区) as the load")
    same_city: bool | None = Field(None, description="source in the same prefecture-level city (地级市) as the load")
    county: str | None = Field(None, description="county-level unit of the source (for the report)")
    city: str | None = Field(None, description="prefecture-level city of the source (for the report)")
    offshore: bool = Field(False, description="offshore / sea-related (涉海) source")

    @model_validator(mode="after")
    def _one_profile(self) -> Source:
        given = [k for k in ("profile", "weather", "synth") if getattr(self, k) is not None]
        if len(given) > 1:
            raise ValueError(f"give one of profile, weather or synth, not {' and '.join(given)}")
        if self.pv_system is not None and self.type != "pv":
            raise ValueError("pv_system is for PV sources")
        if self.wind_turbine is not None and self.type != "wind":
            raise ValueError("wind_turbine is for wind sources")
        return self

    def is_fixed(self) -> bool:
        """True when the capacity is a number, False when it is bounds to be sized."""
        return not isinstance(self.capacity_mw, Bounds)


class Storage(_Strict):
    """A battery on the user side of the point of interconnection.

    Defaults follow the conventions of Chinese planning tools for these projects (confidence M):
    depth of discharge 85 %, charge 93 %, discharge 92 %.
    """

    power_mw: Capacity = Field(description="charge/discharge power [MW], or {min, max}")
    energy_mwh: Capacity = Field(description="usable-plus-reserve energy capacity [MWh], or {min, max}")
    charge_efficiency: Annotated[float, Field(gt=0, le=1)] = Field(
        0.93, description="energy stored per energy charged [fraction, 0-1]")
    discharge_efficiency: Annotated[float, Field(gt=0, le=1)] = Field(
        0.92, description="energy delivered per energy taken from the store [fraction, 0-1]")
    soc_min: Annotated[float, Field(ge=0, lt=1)] = Field(
        0.15, description="lowest state of charge [fraction of energy_mwh]; 0.15 = 85 % depth of discharge")
    soc_max: Annotated[float, Field(gt=0, le=1)] = Field(
        1.0, description="highest state of charge [fraction of energy_mwh]")
    self_discharge_per_h: Annotated[float, Field(ge=0, lt=0.1)] = Field(
        0.0001, description="share of the stored energy lost per hour [fraction/h]")
    grid_charging: bool = Field(False, description="may the storage charge from the public grid")
    duration_h_min: Annotated[float, Field(ge=0)] | None = Field(
        None, description="for gdc size: energy_mwh >= duration_h_min x power_mw [h]")
    duration_h_max: Annotated[float, Field(gt=0)] | None = Field(
        None, description="for gdc size: energy_mwh <= duration_h_max x power_mw [h]")

    @model_validator(mode="after")
    def _soc_order(self) -> Storage:
        if self.soc_min >= self.soc_max:
            raise ValueError(f"soc_min ({self.soc_min}) must be below soc_max ({self.soc_max})")
        return self

    def is_fixed(self) -> bool:
        return not isinstance(self.power_mw, Bounds) and not isinstance(self.energy_mwh, Bounds)


class Connection(_Strict):
    """The project's single connection to the public grid."""

    voltage_kv: Annotated[float, Field(gt=0)] = Field(description="connection voltage level [kV]")
    capacity_mw: Annotated[float, Field(gt=0)] = Field(
        description="declared grid-connection capacity [MW]: limit on import and export in every hour"
    )
    spot_market: Literal["continuous", "not-continuous"] | None = Field(
        None, description="provincial spot market status; default from the rule set"
    )
    grid_330kv: bool = Field(False, description="the regional grid is a 330-kV grid (north-west China)")
    peak_valley_rate_plan_pct: Annotated[float, Field(ge=0)] | None = Field(
        None, description="the peak-valley rate of the exchange power the project plan allows [%] (650号 §（十一）, "
        "688号 §（六）: not above the plan's value); not stated: the rule is n/a and the computed rate is shown")


class ExportForbidden(_Strict):
    """Hours in which no reverse flow is allowed (renewable-consumption-difficult hours)."""

    hours_of_day: list[Annotated[int, Field(ge=0, le=23)]] = Field(
        default_factory=list, description="hours of the day (0-23, local time) with no export"
    )
    months: list[Annotated[int, Field(ge=1, le=12)]] = Field(
        default_factory=list, description="restrict hours_of_day to these months (empty: all year)"
    )
    file: str | None = Field(None, description="CSV with a 0/1 column, 1 = export forbidden")
    column: str | None = Field(None, description="the 0/1 column of file (1 = no export in that hour)")

    @model_validator(mode="after")
    def _file_column(self) -> ExportForbidden:
        if (self.file is None) != (self.column is None):
            raise ValueError("give both file and column, or neither")
        return self


class Days(_Strict):
    """Representative days: the time series are whole days with a weight each."""

    weights: list[float] | SeriesRef | None = Field(
        None, description="days each representative day stands for; default 365 / number of days"
    )


class Meters(_Strict):
    """Metered hourly flows of an operating project [MW]; replaces the simulated dispatch."""

    file: str = Field(description="CSV of metered hourly flows, relative to the site file")
    unit: Literal["MW", "kW"] = Field("MW", description="unit of the metered columns: MW or kW")
    self_use: str = Field(description="column: renewable energy delivered to the load")
    export: str = Field(description="column: flow to the public grid")
    import_: str = Field(alias="import", description="column: flow from the public grid")
    curtailment: str = Field(description="column: curtailed renewable energy")
    storage_loss: str | None = Field(None, description="column: storage losses (optional)")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class TechCost(_Strict):
    """Override of one technology's cost (see ``models/technology/``)."""

    capex_cny_per_kw: Annotated[float, Field(ge=0)] | None = Field(
        None, description="investment per installed power [CNY/kW] (storage: the power part)")
    capex_cny_per_kwh: Annotated[float, Field(ge=0)] | None = Field(
        None, description="storage energy part of the investment [CNY/kWh]")
    fixed_om_pct: Annotated[float, Field(ge=0, le=20)] | None = Field(
        None, description="fixed operation and maintenance [% of capex a year]")
    life_years: Annotated[int, Field(ge=1, le=60)] | None = Field(None, description="economic life [years]")


class Economics(_Strict):
    """Costs for ``gdc size``: a named preset (``models/technology/``) and overrides."""

    preset: str = Field("china-2025", description="cost preset, a file of models/technology/")
    discount_rate: Annotated[float, Field(ge=0, le=0.3)] | None = Field(
        None, description="real discount rate [fraction a year, e.g. 0.06]; default the preset's")
    pv: TechCost | None = Field(None, description="override of the preset's PV costs")
    wind: TechCost | None = Field(None, description="override of the preset's onshore wind costs")
    offshore_wind: TechCost | None = Field(None, description="override of the preset's offshore wind costs")
    storage: TechCost | None = Field(None, description="override of the preset's storage costs")
    line_cny_per_km: Annotated[float, Field(ge=0)] | None = Field(
        None, description="dedicated-line investment [CNY/km]; default the preset's")


class Finance(_Strict):
    """Project finance (``gdc.finance``): a named preset (``models/finance/``) and overrides.

    Fractions are in [0, 1]; amounts are nominal CNY, net of VAT.
    """

    preset: str = Field("china-2025", description="finance preset, a file of models/finance/")
    evaluation_years: Annotated[int, Field(ge=1, le=60)] | None = Field(
        None, description="years of operation evaluated after the investment year t = 0 [years]")
    discount_rate: Annotated[float, Field(ge=0, le=0.3)] | None = Field(
        None, description="nominal discount rate of the NPV [fraction a year]; default economics.discount_rate, "
                          "else the preset's")
    debt_share: Annotated[float, Field(ge=0, le=1)] | None = Field(
        None, description="share of the initial investment borrowed [fraction]")
    interest_rate: Annotated[float, Field(ge=0, le=0.3)] | None = Field(
        None, description="loan interest rate [fraction a year]")
    loan_years: Annotated[int, Field(ge=1, le=40)] | None = Field(
        None, description="loan term, repaid as a level annuity [years]")
    income_tax_rate: Annotated[float, Field(ge=0, le=0.5)] | None = Field(
        None, description="enterprise income tax rate [fraction of taxable profit]")
    tax_holiday: bool | None = Field(
        None, description="三免三减半: no income tax in years 1-3, half in years 4-6 [true/false]")
    vat: Literal["net"] | None = Field(
        None, description="VAT treatment: 'net', every price and cost is given net of VAT (VAT flows: vat_included)")
    vat_included: bool | None = Field(
        None, description="the cash flows carry the project's VAT: input VAT on the investment credited against "
                          "output VAT on the electricity sold, surcharges, wind refund [true/false]; prices stay net")
    vat_rate_pct: Annotated[float, Field(ge=0, le=30)] | None = Field(
        None, description="VAT rate on electricity and equipment [%] (13 %)")
    vat_surcharge_pct: Annotated[float, Field(ge=0, le=30)] | None = Field(
        None, description="surcharges on the VAT paid (城建税 + 教育费附加 + 地方教育附加) [% of the VAT paid]")
    wind_vat_refund_pct: Annotated[float, Field(ge=0, le=100)] | None = Field(
        None, description="share of the VAT paid on wind electricity refunded (即征即退, 财税〔2015〕74号) [%]")
    depreciation_years: Annotated[int, Field(ge=1, le=60)] | None = Field(
        None, description="straight-line depreciation period of the investment [years]")
    salvage_fraction: Annotated[float, Field(ge=0, le=1)] | None = Field(
        None, description="residual value at the end of depreciation [fraction of the investment]")
    om_escalation: Annotated[float, Field(ge=-0.2, le=0.3)] | None = Field(
        None, description="yearly escalation of O&M and staff costs [fraction a year]")
    tariff_escalation: Annotated[float, Field(ge=-0.2, le=0.3)] | None = Field(
        None, description="yearly escalation of grid import and export prices [fraction a year]")
    storage_replacement_year: Annotated[int, Field(ge=1, le=60)] | None = Field(
        None, description="year in which the battery is replaced [year of operation]")
    storage_replacement_cny_per_kwh: Annotated[float, Field(ge=0)] | None = Field(
        None, description="battery replacement cost [CNY/kWh of storage energy]")
    storage_replacement_share: Annotated[float, Field(ge=0, le=1)] | None = Field(
        None, description="share of the storage energy capacity replaced [fraction]")
    certificate_cny_per_mwh: Annotated[float, Field(ge=0)] | None = Field(
        None, description="green-certificate (绿证) value of self-consumed renewable energy [CNY/MWh]; 0: none")
    carbon_cny_per_t: Annotated[float, Field(ge=0)] | None = Field(
        None, description="carbon price on avoided grid emissions [CNY/tCO2]; default none")
    grid_emission_factor_t_per_mwh: Annotated[float, Field(ge=0, le=2)] | None = Field(
        None, description="grid emission factor of the avoided imports [tCO2/MWh]")
    other_investment_cny: Annotated[float, Field(ge=0)] | None = Field(
        None, description="other fixed investment at t = 0 (land, substation, grid works) [CNY]")
    staff_cny_per_year: Annotated[float, Field(ge=0)] | None = Field(
        None, description="staff costs in year 1, escalated with O&M [CNY/yr]")
    self_use_fees_cny_per_kwh: Annotated[float, Field(ge=0)] | None = Field(
        None, description="government funds and surcharges on self-consumed direct-line power [CNY/kWh]")


class LifeSpec(_Strict):
    """The project's life: the calendar years ``gdc check --years all`` and ``gdc size --years`` cover."""

    preset: str = Field("china-2025", description="life preset, a file of models/life/ (life, degradation and "
                        "weather-year defaults)")
    start_year: Annotated[int, Field(ge=int(_START_YEARS.min), le=int(_START_YEARS.max))] | None = Field(
        None, description="first calendar year of operation (year 1 of the life); default the site's start_year, "
        "else its year; must agree with start_year when both are given")
    years: Annotated[int, Field(ge=1, le=60)] | None = Field(
        None, description="years of operation [years]; default the preset's (25)")


class Degradation(_Strict):
    """Ageing of the plant over its life; every value defaults to the life preset's (``models/life/``).

    The site's profiles and capacities are year 1 of the life (factor 1). In year of life n >= 2 the
    PV output is x (1 - first)(1 - per)^(n - 2) and wind x (1 - per)^(n - 1); the usable storage
    energy is x (1 - per)^(n - n0), n0 the year of life its battery entered service (1, or the year of
    its last replacement). The battery is replaced in ``storage_replacement_year`` or when its factor
    would fall below ``storage_end_of_life_pct``, whichever comes first (then again at end of life).
    """

    pv_first_year_pct: Annotated[float, Field(ge=0, lt=100)] | None = Field(
        None, description="PV output lost in the first year of operation [%] (seen from year 2)")
    pv_per_year_pct: Annotated[float, Field(ge=0, lt=100)] | None = Field(
        None, description="PV output lost each later year [%/yr], compounded")
    wind_per_year_pct: Annotated[float, Field(ge=0, lt=100)] | None = Field(
        None, description="wind output lost each year [%/yr], compounded")
    storage_per_year_pct: Annotated[float, Field(ge=0, lt=100)] | None = Field(
        None, description="usable storage energy lost each year of service [%/yr], compounded")
    storage_replacement_year: Annotated[int, Field(ge=2, le=60)] | None = Field(
        None, description="year of life in which the battery is replaced [year of life, 2 = the second year]; "
        "a year after the life means no scheduled replacement; default finance.storage_replacement_year, else the "
        "preset's (10)")
    storage_end_of_life_pct: Annotated[float, Field(ge=0, lt=100)] | None = Field(
        None, description="the battery is replaced when its usable energy would fall below this share of the "
        "new battery's [%]; 0: never")


class WeatherYearFile(_Strict):
    """One weather year given as a CSV of per-unit source profiles (its rows: the data year's hours)."""

    name: Annotated[str, Field(min_length=1)] = Field(description="name of the weather year, unique (e.g. 2019)")
    file: str = Field(description="CSV file of per-unit profiles [MW/MW], relative to the site file")
    columns: dict[str, str] = Field(
        default_factory=dict, description="source name -> column of this file; default each source's own "
        "profile column name")


class WeatherFolder(_Strict):
    """Every weather file of a folder, one weather year each, through pvlib / windpowerlib."""

    folder: str = Field(description="folder of weather files (EPW, TMY3, PVGIS, CSV), relative to the site file")
    kind: Literal["epw", "tmy3", "pvgis_tmy", "pvgis_hourly", "csv"] | None = Field(
        None, description="kind of every file; default: detected from each file")
    wind_height_m: Annotated[float, Field(gt=0)] = Field(10.0, description="height of the files' wind speed [m]")


class WeatherSynth(_Strict):
    """N weather years synthesised offline from the site's own profiles.

    Each year draws an annual-energy factor per source type (normal, mean 1, the preset's coefficient
    of variation: PV about 4 %, wind about 8 %) and shuffles the days within each month.
    """

    synthesise: Annotated[int, Field(ge=1, le=1000)] = Field(description="number of synthetic weather years")
    seed: int = Field(0, description="random seed: the same seed gives the same years [-]")


class PriceRef(SeriesRef):
    """An hourly price column [CNY/kWh]."""


class CapacityCharge(_Strict):
    """1192号 capacity-based T&D charge on the declared connection capacity, per month [CNY].

    monthly = demand charge x capacity + T&D energy rate x average load rate x 730 h x capacity.
    """

    demand_charge_cny_per_kw_month: Annotated[float, Field(ge=0)] = Field(
        0.0, description="demand (capacity) charge [CNY/kW/month] on the declared connection capacity")
    td_rate_cny_per_kwh: Annotated[float, Field(ge=0)] = Field(
        0.0, description="transmission-and-distribution energy rate [CNY/kWh]")
    average_load_rate: Annotated[float, Field(ge=0, le=1)] = Field(
        0.0, description="average load rate of the province's >= 110 kV two-part users [fraction, 0-1]")


class Tariff(_Strict):
    """Grid prices: a preset (``models/tariffs/``) or the site's own columns [CNY/kWh]."""

    preset: str | None = Field(None, description="e.g. shandong-2025-tou; default by jurisdiction")
    import_price: Annotated[float, Field(ge=0)] | PriceRef | None = Field(
        None, description="price of energy from the grid [CNY/kWh]: a number or an hourly column")
    import_fees: list[Annotated[float, Field(ge=0)] | PriceRef] = Field(
        default_factory=list, description="fees added to every imported kWh [CNY/kWh]: numbers or hourly columns")
    export_price: Annotated[float, Field(ge=0)] | PriceRef | None = Field(
        None, description="price paid for exported energy [CNY/kWh]: a number or an hourly column")
    capacity_charge: CapacityCharge | None = Field(
        None, description="1192号 capacity-based T&D charge on the connection capacity [CNY/month]")


class RuleOverride(_Strict):
    """A user override of one rule's threshold (e.g. a provincial figure the rule set lacks)."""

    threshold: float | None = Field(None, description="the threshold, in the rule's own unit (% for shares, km, kV, MWh)")
    kind: Literal["hard", "review", "param", "checklist", "off"] | None = Field(
        None, description="change the rule's kind; off removes the rule")
    note: str | None = Field(None, description="why (the source of the provincial figure), shown in the report")


class Site(_Strict):
    """One green-power direct-connection project.

    Time axis of full-year series: they describe one calendar year, the data year Y. With a
    timestamp column Y is the timestamps' year, and ``start_year <= Y <=`` the life's last year;
    without one Y is the start year (default: the evaluation year). The rows are Y's hours: 8784 in a leap
    year, else 8760 (:func:`gdc.profiles.series.check_time_axis`). Evaluating in a later year
    (``gdc check --year``, :func:`with_year`, which keep the start year) reuses Y's hours row
    by row, whatever the evaluation year's length.
    """

    schema_: str | None = Field(None, alias="schema", description=f"optional schema tag, '{SCHEMA_ID}'")
    name: str = Field(description="project name")
    jurisdiction: str = Field(description="national, shandong, ningxia, hunan, hebei, yunnan, inner-mongolia(-draft), "
                              "zhejiang(-draft), or another province (national rules)")
    rule_set: str | None = Field(None, description="pin a rule-set version, e.g. 'shandong/2025-10'")
    year: Annotated[int, Field(ge=int(_YEARS.min), le=int(_YEARS.max))] = Field(description="evaluation year")
    start_year: Annotated[int, Field(ge=int(_START_YEARS.min), le=int(_START_YEARS.max))] | None = Field(
        None, description="project start year; default: year")
    project_type: Literal["grid-connected", "off-grid"] = Field(
        "grid-connected", description="grid-connected, or off-grid (no import; unserved load fails)")
    users: list[User] | Literal["single", "multiple"] = Field(
        "single", description="the users behind the connection: a list of users (688号: each with its own "
        "load [MW or kW]), or the older 'single' (one user, the load under 'load') / 'multiple' (several users, "
        "only their total load under 'load': no per-user table)")
    allocation: Allocation = Field(
        "hourly-share", description="how the project's self-use S [MWh] is shared among users: hourly-share "
        "(688号 §(十一): each hour by that hour's consumption share), annual-share, {fixed: {user: %}}, "
        "{priority: [user, ...]}")
    operator: Operator | None = Field(None, description="the operator of a multi-user project (688号)")
    description: str | None = Field(None, description="free text about the project")
    location: Location | None = Field(None, description="needed for weather or synthetic profiles")
    load: Load | None = Field(
        None, description="the user's hourly load [MW or kW]; with several users, give 'users:' instead")
    sources: list[Source] = Field(min_length=1, description="the wind and PV plants [MW each]")
    storage: Storage | None = Field(None, description="a battery [MW / MWh]; none by default")
    connection: Connection = Field(description="the connection to the public grid [kV, MW]")
    export_forbidden: ExportForbidden | None = Field(
        None, description="hours with no export allowed (renewable-consumption-difficult hours)")
    days: Days | None = Field(None, description="present when the series are representative days")
    meters: Meters | None = Field(None, description="metered flows of an operating project [MW or kW]")
    overrides: dict[str, RuleOverride] = Field(default_factory=dict, description="rule id -> override")
    economics: Economics = Field(default_factory=Economics, description="costs for gdc size [CNY]")
    tariff: Tariff = Field(default_factory=Tariff, description="grid prices [CNY/kWh]")
    finance: Finance = Field(default_factory=Finance, description="project finance: NPV, IRR, composite price [CNY]")
    life: LifeSpec = Field(default_factory=LifeSpec, description="the project's life: start year and years")
    degradation: Degradation = Field(
        default_factory=Degradation, description="PV, wind and storage ageing over the life [%/yr]")
    weather_years: list[WeatherYearFile] | WeatherFolder | WeatherSynth | None = Field(
        None, description="several weather years: a list of {name, file, columns}, {folder, kind} of weather "
        "files, or {synthesise: N, seed}")
    stages: list[int] | None = Field(
        None, description="calendar years at which gdc size may add capacity (sorted, the first the start year)")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    # set by read_site, not part of the schema
    _path: Path | None = PrivateAttr(default=None)

    @field_validator("jurisdiction")
    @classmethod
    def _lower(cls, v: str) -> str:
        return v.strip().lower()

    @model_validator(mode="after")
    def _years_and_names(self) -> Site:
        if self.start_year is not None and self.start_year > self.year:
            raise ValueError(f"start_year ({self.start_year}) is after the evaluation year ({self.year})")
        life_start = self.life.start_year
        if life_start is not None and self.start_year is not None and life_start != self.start_year:
            raise ValueError(f"life.start_year ({life_start}) and start_year ({self.start_year}) disagree: "
                             "give one of them, or the same year")
        if life_start is not None and life_start > self.year:
            raise ValueError(f"life.start_year ({life_start}) is after the evaluation year ({self.year})")
        names = [s.name for s in self.sources]
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            raise ValueError(f"source names must be unique; repeated: {', '.join(sorted(dup))}")
        self._check_users()
        return self

    def _check_users(self) -> None:
        listed = isinstance(self.users, list)
        if listed and self.load is not None:
            raise ValueError("give either 'load:' (one user) or 'users:' with each user's load, not both")
        if not listed and self.load is None:
            raise ValueError("no load: give 'load: {file, column, unit}' (one user), or 'users:' as a list "
                             "of users with a load each")
        if listed and not self.users:
            raise ValueError("'users:' is an empty list: give at least one user with a load")
        names = [u.name for u in self.user_list]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"user names must be unique; repeated: {', '.join(dup)}")
        alloc = self.allocation
        if isinstance(alloc, (FixedAllocation, PriorityAllocation)) and not listed:
            raise ValueError("allocation 'fixed' or 'priority' names users: list them under 'users:'")
        if isinstance(alloc, FixedAllocation):
            unknown = sorted(set(alloc.fixed) - set(names))
            missing = [n for n in names if n not in alloc.fixed]
            if unknown or missing:
                raise ValueError("allocation.fixed must give a share to every user and only to users: "
                                 + "; ".join(x for x in (f"unknown {', '.join(unknown)}" if unknown else "",
                                                         f"missing {', '.join(missing)}" if missing else "") if x))
            total = sum(alloc.fixed.values())
            if abs(total - 100.0) > 1e-6:
                raise ValueError(f"allocation.fixed shares sum to {total:g} %, not 100 %")
        if isinstance(alloc, PriorityAllocation):
            order = alloc.priority
            rep = sorted({n for n in order if order.count(n) > 1})
            unknown = sorted(set(order) - set(names))
            missing = [n for n in names if n not in order]
            if rep or unknown or missing:
                parts = [f"repeated {', '.join(rep)}" if rep else "", f"unknown {', '.join(unknown)}" if unknown
                         else "", f"missing {', '.join(missing)}" if missing else ""]
                raise ValueError("allocation.priority must name every user once: " + "; ".join(p for p in parts if p))

    @property
    def user_list(self) -> list[User]:
        """The users listed under ``users:`` (empty for the ``single`` / ``multiple`` forms)."""
        return list(self.users) if isinstance(self.users, list) else []

    @property
    def user_mode(self) -> str:
        """``single`` (650号) or ``multiple`` (688号): a list of two or more users is ``multiple``."""
        if isinstance(self.users, list):
            return "multiple" if len(self.users) > 1 else "single"
        return self.users

    @property
    def allocation_name(self) -> str:
        """The allocation method's name: hourly-share, annual-share, fixed or priority."""
        a = self.allocation
        return a if isinstance(a, str) else ("fixed" if isinstance(a, FixedAllocation) else "priority")

    @property
    def path(self) -> Path | None:
        """The site file this site was read from."""
        return self._path

    @property
    def base_dir(self) -> Path:
        """Folder that relative paths in the site file are resolved against."""
        return self._path.parent if self._path is not None else Path.cwd()

    @property
    def effective_start_year(self) -> int:
        """The start year: ``start_year``, else ``life.start_year``, else the evaluation year."""
        if self.start_year is not None:
            return self.start_year
        return self.life.start_year if self.life.start_year is not None else self.year

    def resolve(self, relative: str) -> Path:
        """Absolute path of a file named in the site file."""
        p = Path(relative).expanduser()
        return p if p.is_absolute() else self.base_dir / p

    def needs_sizing(self) -> bool:
        """True when any capacity is given as bounds."""
        return any(not s.is_fixed() for s in self.sources) or (
            self.storage is not None and not self.storage.is_fixed()
        )


#: Public names of :mod:`gdc.site.read`, importable from this module as before the split.
_READ_NAMES = frozenset({
    "check_day_weights", "check_plausible", "load_yaml_text", "parse_site", "read_site", "read_yaml",
    "site_json_schema", "with_year", "write_json_schema",
})  # == gdc.site.read.__all__ (tests/test_examples.py)


def __getattr__(name: str) -> Any:
    """``from gdc.site.schema import read_site`` still works: the reading functions live in
    :mod:`gdc.site.read`, which imports this module (hence the lazy re-export, no cycle)."""
    if name in _READ_NAMES:
        from gdc.site import read

        return getattr(read, name)
    raise AttributeError(f"module 'gdc.site.schema' has no attribute {name!r}")
