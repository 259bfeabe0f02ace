"""The hourly energy balance: one type shared by check, size and screen.

Every flow is an hourly mean power [MW] over a one-hour step, so it is also an energy
[MWh] for that hour. Row ``t`` stands for ``weights[t]`` hours of the year (1 for a
full year, e.g. 15 for a representative day that stands for 15 days). The state of
charge is at the end of the hour [MWh].

Identities that hold in every hour (checked by :meth:`Balance.residuals`)::

    wind + pv          = re_to_load + re_to_storage + re_export + curtailment
    load               = re_to_load + storage_to_load + grid_to_load + unserved
    soc[t]             = (1 - sigma) soc[t-1] + eta_c (re_to_storage + grid_to_storage)
                         - (storage_to_load + storage_to_export) / eta_d

with ``soc[-1]`` the period's start state (``soc_start``); a period is the whole
horizon for a full year and one day for representative days.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

#: Columns of the hourly CSV, in order, with their headers (English, Chinese).
HOURLY_COLUMNS: dict[str, tuple[str, str]] = {
    "load": ("load [MW]", "负荷 [MW]"),
    "wind": ("available wind [MW]", "风电可用出力 [MW]"),
    "pv": ("available PV [MW]", "光伏可用出力 [MW]"),
    "re_to_load": ("renewable to load [MW]", "新能源供负荷 [MW]"),
    "re_to_storage": ("renewable to storage [MW]", "新能源充电 [MW]"),
    "storage_to_load": ("storage to load [MW]", "储能放电供负荷 [MW]"),
    "export": ("export [MW]", "上网 [MW]"),
    "import_": ("import [MW]", "下网 [MW]"),
    "curtailment": ("curtailment [MW]", "弃电 [MW]"),
    "soc": ("state of charge [MWh]", "储能电量 [MWh]"),
    "grid_to_storage": ("grid to storage [MW]", "电网充电 [MW]"),
    "storage_to_export": ("storage to export [MW]", "储能放电上网 [MW]"),
    "unserved": ("unserved load [MW]", "未供负荷 [MW]"),
}


@dataclass(frozen=True)
class StorageParams:
    """Storage parameters the balance identity needs."""

    power_mw: float = 0.0
    energy_mwh: float = 0.0
    charge_efficiency: float = 1.0
    discharge_efficiency: float = 1.0
    soc_min: float = 0.0
    soc_max: float = 1.0
    self_discharge_per_h: float = 0.0

    @property
    def exists(self) -> bool:
        """True when the design has storage (power and energy both above zero)."""
        return self.power_mw > 0 and self.energy_mwh > 0


@dataclass(frozen=True)
class Balance:
    """Hourly energy balance of one design; see the module docstring for the identities.

    Attributes are numpy arrays of length T [MW] unless stated.
    ``storage_to_load_grid`` and ``storage_to_export_grid`` are the parts of the storage
    discharge that come from grid-charged energy (never renewable).

    Examples
    --------
    One hour: 30 MW of PV, a 10 MW load served by it, 5 MW exported, 15 MW curtailed, no
    storage (the optional flows default to zero):

    >>> import dataclasses
    >>> import numpy as np
    >>> from gdc.operation.balance import Balance
    >>> def one(x):
    ...     return np.array([float(x)])
    >>> b = Balance(weights=one(1), period_hours=1, load=one(10), wind=one(0), pv=one(30),
    ...             re_to_load=one(10), re_to_storage=one(0), re_export=one(5), curtailment=one(15),
    ...             grid_to_load=one(0), storage_to_load=one(0), soc=one(0), soc_start=one(0),
    ...             export_forbidden=np.zeros(1, bool))
    >>> b.residuals()   # every identity holds [MW, MWh]
    {'renewable': 0.0, 'load': 0.0, 'storage': 0.0, 'negative': 0.0}
    >>> b.export.tolist(), b.import_.tolist()
    ([5.0], [0.0])

    A flow that does not add up shows in its identity: 30 MW available, 10 + 0 + 5 + 14 = 29 MW
    accounted for.

    >>> dataclasses.replace(b, curtailment=one(14)).residuals()["renewable"]
    1.0
    """

    weights: np.ndarray  #: hours of the year each row stands for [h]
    period_hours: int  #: storage cycle length [h]: T (full year) or 24 (representative days)
    load: np.ndarray
    wind: np.ndarray  #: available wind [MW]
    pv: np.ndarray  #: available PV [MW]
    re_to_load: np.ndarray
    re_to_storage: np.ndarray
    re_export: np.ndarray
    curtailment: np.ndarray
    grid_to_load: np.ndarray
    storage_to_load: np.ndarray
    soc: np.ndarray  #: state of charge at the end of the hour [MWh]
    soc_start: np.ndarray  #: state of charge before each period's first hour [MWh], one per period
    export_forbidden: np.ndarray  #: bool: hours with no reverse flow allowed
    storage: StorageParams = field(default_factory=StorageParams)
    grid_to_storage: np.ndarray | None = None
    storage_to_export: np.ndarray | None = None
    storage_to_load_grid: np.ndarray | None = None
    storage_to_export_grid: np.ndarray | None = None
    unserved: np.ndarray | None = None
    source: str = "dispatch"  #: how the flows were obtained: dispatch, optimal, meters

    def __post_init__(self) -> None:
        zero = np.zeros_like(self.load)
        for name in ("grid_to_storage", "storage_to_export", "storage_to_load_grid",
                     "storage_to_export_grid", "unserved"):
            if getattr(self, name) is None:
                object.__setattr__(self, name, zero)

    # --- derived flows -----------------------------------------------------------------
    @property
    def hours(self) -> int:
        return len(self.load)

    @property
    def available(self) -> np.ndarray:
        """Available renewable generation, wind + PV [MW]."""
        return self.wind + self.pv

    @property
    def export(self) -> np.ndarray:
        """Gross flow to the public grid [MW]."""
        return self.re_export + self.storage_to_export

    @property
    def import_(self) -> np.ndarray:
        """Gross flow from the public grid [MW]."""
        return self.grid_to_load + self.grid_to_storage

    @property
    def storage_to_load_re(self) -> np.ndarray:
        """Storage discharge to the load that is renewable energy [MW]."""
        return self.storage_to_load - self.storage_to_load_grid

    def residuals(self) -> dict[str, float]:
        """Largest absolute violation of each hourly identity [MW or MWh]."""
        st = self.storage
        out = {
            "renewable": float(np.max(np.abs(
                self.available - self.re_to_load - self.re_to_storage - self.re_export - self.curtailment
            ), initial=0.0)),
            "load": float(np.max(np.abs(
                self.load - self.re_to_load - self.storage_to_load - self.grid_to_load - self.unserved
            ), initial=0.0)),
        }
        prev = np.empty_like(self.soc)
        p = self.period_hours
        soc = self.soc.reshape(-1, p)
        prev = prev.reshape(-1, p)
        prev[:, 1:] = soc[:, :-1]
        prev[:, 0] = self.soc_start
        if st.exists:
            sigma = st.self_discharge_per_h
            charge = (self.re_to_storage + self.grid_to_storage).reshape(-1, p)
            dis = (self.storage_to_load + self.storage_to_export).reshape(-1, p)
            expect = (1 - sigma) * prev + st.charge_efficiency * charge - dis / st.discharge_efficiency
            out["storage"] = float(np.max(np.abs(soc - expect), initial=0.0))
        else:
            out["storage"] = float(np.max(np.abs(self.re_to_storage) + np.abs(self.storage_to_load), initial=0.0))
        flows = [getattr(self, f.name) for f in fields(self)
                 if isinstance(getattr(self, f.name), np.ndarray) and f.name not in
                 ("weights", "soc_start", "export_forbidden")]
        out["negative"] = float(max(0.0, -min(float(np.min(a, initial=0.0)) for a in flows)))
        return out

    def hourly_table(self, index=None, lang: str = "en"):
        """The balance as a pandas DataFrame, one row per hour (see :data:`HOURLY_COLUMNS`)."""
        import pandas as pd

        data = {}
        for name, (en, zh) in HOURLY_COLUMNS.items():
            data[zh if lang == "zh" else en] = getattr(self, name)
        df = pd.DataFrame(data, index=index)
        if self.weights is not None and not np.all(self.weights == 1):
            df.insert(0, "权重 [h]" if lang == "zh" else "weight [h]", self.weights)
        return df
