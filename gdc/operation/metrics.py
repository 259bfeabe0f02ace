"""Annual metrics of a balance: A, G, S, L, E, I, C and the ratios, by one function.

The default definitions (the policy texts name the quantities without defining them: gdc's
reading, confidence D unless marked) are in
:data:`DEFINITIONS` and are printed in every report. :func:`compute_metrics` is the
only place they are computed; :func:`alternative_ratios` shows the definitions seen
in the field side by side (``--definitions all``).

Energies are weighted sums over rows: ``sum_t weights[t] x flow[t]`` [MWh/yr].
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from gdc.operation.balance import Balance

#: symbol -> (name zh, name en, definition zh, definition en)
DEFINITIONS: dict[str, tuple[str, str, str, str]] = {
    "A": ("总可用发电量", "available generation",
          "各风电、光伏电源装机容量×逐时出力标幺值之和，含弃电",
          "sum over hours of capacity x per-unit profile of every wind and PV source, including energy later curtailed"),
    "G": ("实际发电量", "actual generation", "A − 弃电量", "A - curtailment"),
    "S": ("自发自用电量", "self-consumed renewable energy",
          "新能源直供负荷电量 + 储能放电供负荷中的新能源电量；储能损耗不计入",
          "renewable energy delivered to the load: directly plus renewable storage discharge; storage losses excluded"),
    "L": ("总用电量", "total consumption",
          "用户负荷电量；厂用电和储能充电不计入", "the user's load energy; station service and storage charging excluded"),
    "E": ("上网电量", "exported energy",
          "并网点逐时正向送出电量之和（逐时总量，非年净额）",
          "sum over hours of the positive flow to the public grid at the point of interconnection (gross, never the annual net)"),
    "I": ("下网电量", "imported energy", "并网点逐时从公共电网受入电量之和",
          "sum over hours of the flow from the public grid"),
    "C": ("弃电量", "curtailment", "A − S − E − 储能中新能源电量的损耗（及期末储能增量）",
          "A - S - E - storage losses of renewable energy (and any net storage gain over the year)"),
}

RATIO_DEFINITIONS: dict[str, tuple[str, str, str]] = {
    "self_use_share": ("自发自用电量占总可用发电量比例", "self-use share", "S / A"),
    "load_share": ("自发自用电量占总用电量比例", "load share", "S / L"),
    "export_share": ("上网电量占总可用发电量比例", "export share", "E / A"),
    "utilisation": ("新能源利用率", "utilisation", "(A - C) / A"),
}


def _pct(num: float, den: float) -> float:
    """100 x num / den [%]; NaN (never a warning) when den is not positive or either is not finite."""
    if not (math.isfinite(num) and math.isfinite(den)) or den <= 0:
        return float("nan")
    return 100.0 * num / den


@dataclass(frozen=True)
class Metrics:
    """Annual totals [MWh/yr], peaks [MW] and ratios [%] of one balance."""

    A: float  #: available generation
    A_wind: float
    A_pv: float
    G: float  #: actual generation, A - C
    S: float  #: self-consumed renewable energy
    S_direct: float  #: renewable straight to the load
    S_storage: float  #: renewable storage discharge to the load
    L: float  #: load
    E: float  #: gross export
    E_forbidden: float  #: export in forbidden hours
    I: float  #: gross import  # noqa: E741
    C: float  #: curtailment
    storage_charge: float  #: energy into storage (all origins)
    storage_discharge: float  #: energy out of storage
    storage_loss: float  #: charge - discharge - net state-of-charge gain
    storage_gain: float  #: net state-of-charge gain over the horizon [MWh]
    unserved: float  #: load not served (off-grid)
    max_export_mw: float
    max_import_mw: float
    hours: float  #: hours of the year covered (sum of weights)
    #: largest daily peak-valley rate of the exchange power, 100 x (P_max - P_min) / max |P| [%]
    #: (:func:`exchange_peak_valley`)
    exchange_peak_valley_rate: float | None = None
    exchange_peak_valley_day: int | None = None  #: the day (0-based row // 24) of that rate

    @property
    def self_use_share(self) -> float:
        """S / A [%]."""
        return _pct(self.S, self.A)

    @property
    def load_share(self) -> float:
        """S / L [%]."""
        return _pct(self.S, self.L)

    @property
    def export_share(self) -> float:
        """E / A [%]."""
        return _pct(self.E, self.A)

    @property
    def export_share_of_supply(self) -> float:
        """E / (E + S) [%] (Inner Mongolia's hydrogen projects)."""
        return _pct(self.E, self.E + self.S)

    @property
    def utilisation(self) -> float:
        """(A - C) / A [%]."""
        return _pct(self.A - self.C, self.A)

    @property
    def max_exchange_mw(self) -> float:
        return max(self.max_export_mw, self.max_import_mw)

    def ratios(self) -> dict[str, float]:
        return {k: getattr(self, k) for k in
                ("self_use_share", "load_share", "export_share", "export_share_of_supply", "utilisation")}

    def as_dict(self) -> dict[str, float]:
        d = asdict(self)
        d.update(self.ratios())
        d["max_exchange_mw"] = self.max_exchange_mw
        return d


def compute_metrics(balance: Balance) -> Metrics:
    """Annual metrics of a balance with the default definitions (:data:`DEFINITIONS`).

    Parameters
    ----------
    balance : Balance
        Hourly flows [MW]; row ``t`` stands for ``weights[t]`` hours of the year.

    Returns
    -------
    Metrics
        Energies ``sum_t weights[t] x flow[t]`` [MWh/yr], peaks [MW], ratios [%].

    Examples
    --------
    Two rows that stand for half a year each (4380 h): 30 MW of PV at noon serve a 10 MW
    load, export 5 MW and curtail 15 MW; at night the load is imported.

    >>> import numpy as np
    >>> from gdc.operation.balance import Balance
    >>> from gdc.operation.metrics import compute_metrics
    >>> def two(a, b):
    ...     return np.array([float(a), float(b)])
    >>> b = Balance(weights=two(4380, 4380), period_hours=2, load=two(10, 10), wind=two(0, 0),
    ...             pv=two(30, 0), re_to_load=two(10, 0), re_to_storage=two(0, 0),
    ...             re_export=two(5, 0), curtailment=two(15, 0), grid_to_load=two(0, 10),
    ...             storage_to_load=two(0, 0), soc=two(0, 0), soc_start=np.zeros(1),
    ...             export_forbidden=np.zeros(2, bool))
    >>> m = compute_metrics(b)
    >>> m.A, m.S, m.L, m.E, m.I, m.C   # 4380 x (30, 10, 10 + 10, 5, 10, 15) [MWh/yr]
    (131400.0, 43800.0, 87600.0, 21900.0, 43800.0, 65700.0)
    >>> m.load_share, round(m.self_use_share, 2), round(m.export_share, 2)   # S/L, S/A, E/A [%]
    (50.0, 33.33, 16.67)
    """
    w = balance.weights

    def tot(x: np.ndarray) -> float:
        return float(np.dot(w, x))

    period = balance.period_hours
    soc_end = balance.soc.reshape(-1, period)[:, -1]
    per_weight = w.reshape(-1, period)[:, 0]
    gain = float(np.dot(per_weight, soc_end - balance.soc_start))
    charge = tot(balance.re_to_storage + balance.grid_to_storage)
    discharge = tot(balance.storage_to_load + balance.storage_to_export)
    s_direct = tot(balance.re_to_load)
    s_storage = tot(balance.storage_to_load_re)
    A_wind, A_pv = tot(balance.wind), tot(balance.pv)
    curtail = tot(balance.curtailment)
    pv_rate, pv_day = exchange_peak_valley(balance)
    return Metrics(
        A=A_wind + A_pv, A_wind=A_wind, A_pv=A_pv, G=A_wind + A_pv - curtail,
        S=s_direct + s_storage, S_direct=s_direct, S_storage=s_storage,
        L=tot(balance.load), E=tot(balance.export),
        E_forbidden=tot(balance.export * balance.export_forbidden), I=tot(balance.import_),
        C=curtail, storage_charge=charge, storage_discharge=discharge,
        storage_loss=charge - discharge - gain, storage_gain=gain, unserved=tot(balance.unserved),
        max_export_mw=float(np.max(balance.export, initial=0.0)),
        max_import_mw=float(np.max(balance.import_, initial=0.0)), hours=float(w.sum()),
        exchange_peak_valley_rate=pv_rate, exchange_peak_valley_day=pv_day,
    )


def exchange_peak_valley(balance: Balance) -> tuple[float | None, int | None]:
    """The largest daily peak-valley rate of the exchange power with the public grid [%].

    650号 §（十一） and 688号 §（六）: "与公共电网交换功率的电力峰谷差率不高于方案规划值". The texts do
    not define the rate. gdc uses the grid industry's daily rate 日峰谷差率 = (P_max - P_min) / P_max
    of each day and the year's largest (最大日峰谷差率), on the signed exchange power
    ``P_t = import_t - export_t`` [MW], dividing the day's swing by its largest magnitude
    ``max_t |P_t|``: for a day that only imports (or only exports) this is the industry's rate of
    the magnitudes; a day that both imports and exports has a rate above 100 % (at most 200 %). A
    day with no exchange at all has no swing: 0 %. Days are consecutive 24-row blocks (a
    full year or representative days); a horizon that is not whole days is one block. Hourly mean
    powers, not instantaneous peaks.

    Parameters
    ----------
    balance : Balance
        Hourly flows [MW].

    Returns
    -------
    rate : float or None
        100 x (P_max - P_min) / max |P| of the worst day [%]; None only for an empty balance.
    day : int or None
        That day's index (0-based).

    Examples
    --------
    Two days of exchange [MW]: day 0 imports 10 MW for 12 h and 4 MW for 12 h, rate
    (10 - 4) / 10 = 60 %; day 1 imports 8 MW for 12 h and exports 2 MW for 12 h, rate
    (8 - (-2)) / 8 = 125 %:

    >>> import numpy as np
    >>> from types import SimpleNamespace
    >>> imp = np.array([10.0] * 12 + [4.0] * 12 + [8.0] * 12 + [0.0] * 12)
    >>> exp = np.array([0.0] * 36 + [2.0] * 12)
    >>> exchange_peak_valley(SimpleNamespace(import_=imp, export=exp))
    (125.0, 1)
    """
    p = np.asarray(balance.import_, float) - np.asarray(balance.export, float)
    if p.size == 0:
        return None, None
    days = p.reshape(-1, 24) if p.size % 24 == 0 else p.reshape(1, -1)
    hi, lo, peak = days.max(axis=1), days.min(axis=1), np.abs(days).max(axis=1)
    ok = peak > 1e-9
    rates = np.where(ok, 100.0 * (hi - lo) / np.where(ok, peak, 1.0), 0.0)
    day = int(np.argmax(rates))
    return float(rates[day]), day

def alternative_ratios(m: Metrics) -> list[dict[str, object]]:
    """The ratios under definitions seen in the field, beside gdc's defaults [%].

    Returns rows ``{quantity, definition, definition_zh, formula, value}``; the first row of each
    quantity is gdc's default.
    """
    rows = [
        ("self_use_share", "gdc default", "本工具默认口径", "S / A", m.self_use_share),
        ("self_use_share", "688号: actual generation incl. storage release - export",
         "688号：实际发电量（含储能放电）减上网电量",
         "(G - charge + discharge - E) / A", _pct(m.G - m.storage_charge + m.storage_discharge - m.E, m.A)),
        ("self_use_share", "contest: self-use = L - E - I (double counts export)",
         "竞赛口径：自用 = 用电量 − 上网 − 下网（重复扣减上网）",
         "(L - E - I) / A", _pct(m.L - m.E - m.I, m.A)),
        ("load_share", "gdc default", "本工具默认口径", "S / L", m.load_share),
        ("load_share", "green share: generation over load", "绿电占比：发电量 / 用电量", "G / L", _pct(m.G, m.L)),
        ("load_share", "supply side: load not imported", "供应侧：非下网供电占比", "(L - I) / L", _pct(m.L - m.I, m.L)),
        ("export_share", "gdc default", "本工具默认口径", "E / A", m.export_share),
        ("export_share", "of actual generation", "占实际发电量", "E / G", _pct(m.E, m.G)),
        ("export_share", "of renewable supply (Inner Mongolia hydrogen)", "占新能源供电量（内蒙古绿氢口径）",
         "E / (E + S)", m.export_share_of_supply),
        ("utilisation", "gdc default", "本工具默认口径", "(A - C) / A", m.utilisation),
        ("utilisation", "curtailment incl. storage losses", "弃电含储能损耗", "(S + E) / A", _pct(m.S + m.E, m.A)),
    ]
    return [dict(quantity=q, definition=d, definition_zh=dz, formula=f, value=v) for q, d, dz, f, v in rows]
