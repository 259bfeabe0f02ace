"""The synthetic sample sites: profiles from gdc's offline synthesis, with the parameters.

Called by ``make_samples.py``; each site's ``profiles.csv`` header records the call that
made it. Capacities are in each ``site.yaml`` (chosen to show a pass, a review and two
fails; see the comments there).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd


@dataclass(frozen=True)
class SynthSite:
    folder: str
    latitude: float
    longitude: float
    year: int
    seed: int
    load_archetype: str
    load_peak_mw: float
    pv_region: str
    wind: dict[str, str] = field(default_factory=dict)  # column -> region


SITES = (
    # Dongying / Weifang coast, an export-oriented battery-cell plant (Shandong category 3)
    SynthSite("shandong-export-battery", 37.4, 118.6, 2026, 1, "battery-cell", 60.0, "shandong",
              {"wind_pu": "shandong"}),
    # Yantai coast: a chemicals park fed by an onshore PV plant and an offshore wind farm
    SynthSite("shandong-offshore-wind", 37.5, 121.4, 2026, 2, "chemicals", 80.0, "shandong",
              {"wind_pu": "shandong", "offshore_pu": "shandong_offshore"}),
    # Zhongwei data-centre cluster, Ningxia
    SynthSite("ningxia-datacentre-110kv", 37.5, 105.2, 2026, 3, "data-centre", 50.0, "ningxia",
              {"wind_pu": "ningxia"}),
    # Yinchuan, a polysilicon plant (continuous process)
    SynthSite("ningxia-ramp", 38.47, 106.27, 2026, 4, "continuous", 40.0, "ningxia", {"wind_pu": "ningxia"}),
)


def make_site(s: SynthSite, root: Path) -> None:
    from gdc.profiles.load import synth_load
    from gdc.profiles.synth import synth_pv, synth_wind

    load = synth_load(s.load_archetype, s.load_peak_mw, s.year, seed=s.seed)
    pv = synth_pv(s.latitude, s.longitude, s.year, seed=s.seed, region=s.pv_region)
    cols = {"timestamp": load.index.strftime("%Y-%m-%d %H:%M"), "load_mw": load.to_numpy().round(4),
            "pv_pu": pv.to_numpy().round(5)}
    header = [
        f"synthetic profiles for the sample site '{s.folder}' (gdc offline synthesis, no measured data)",
        f"load_mw: gdc.profiles.load.synth_load('{s.load_archetype}', peak_mw={s.load_peak_mw}, year={s.year}, "
        f"seed={s.seed})",
        f"pv_pu: gdc.profiles.synth.synth_pv({s.latitude}, {s.longitude}, {s.year}, seed={s.seed}, "
        f"region='{s.pv_region}')",
    ]
    for i, (col, region) in enumerate(s.wind.items()):
        w = synth_wind(s.latitude, s.longitude, s.year, seed=s.seed + 100 * (i + 1), region=region)
        cols[col] = w.to_numpy().round(5)
        header.append(f"{col}: gdc.profiles.synth.synth_wind({s.latitude}, {s.longitude}, {s.year}, "
                      f"seed={s.seed + 100 * (i + 1)}, region='{region}')")
    header.append("timestamps: local China time (UTC+8), start of each hour; written by sample_sites/make_samples.py")
    folder = root / s.folder
    folder.mkdir(exist_ok=True)
    text = "\n".join("# " + h for h in header) + "\n" + pd.DataFrame(cols).to_csv(index=False)
    (folder / "profiles.csv").write_text(text, encoding="utf-8")


def make_all(root: Path) -> None:
    for s in SITES:
        make_site(s, root)
        print(f"wrote {root / s.folder / 'profiles.csv'}")
