"""Hand-checkable balances and ratios (the numbers are derived in the docstrings)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import base_site

from gdc.check import check_file


def test_day_without_storage(make_site):
    """Load 10 MW flat; wind 10 MW x 0.2 = 2 MW all day; PV 20 MW x 0.5 = 10 MW in hours 8-15.

    A = 2 x 24 + 10 x 8 = 128 MWh. Hours 8-15: 12 MW available, 10 to the load, 2 exported
    -> E = 16. Other 16 hours: 2 to the load, 8 imported -> I = 128.
    S = 10 x 8 + 2 x 16 = 112, L = 240.
    S/A = 87.5 %, S/L = 46.667 %, E/A = 12.5 %.
    """
    r = check_file(make_site())
    m = r.metrics
    assert m.A == pytest.approx(128.0, abs=1e-9)
    assert m.E == pytest.approx(16.0, abs=1e-9)
    assert m.I == pytest.approx(128.0, abs=1e-9)
    assert m.S == pytest.approx(112.0, abs=1e-9)
    assert m.L == pytest.approx(240.0, abs=1e-9)
    assert m.self_use_share == pytest.approx(87.5, abs=1e-9)
    assert m.load_share == pytest.approx(100 * 112 / 240, abs=1e-9)
    assert m.export_share == pytest.approx(12.5, abs=1e-9)
    assert r.status == "pass" and r.exit_code == 0


def test_day_with_lossless_storage(make_site):
    """Add 2 MW / 8 MWh, efficiencies 1, SoC 0..1, no self-discharge.

    Hours 8-11 charge 2 MW (8 MWh full), hours 12-15 export 2 MW -> E = 8. Hours 16-19
    discharge 2 MW -> 8 MWh to the load; the day ends empty as it began (cyclic).
    S = 112 + 8 = 120; I = 128 - 8 = 120. S/A = 93.75 %, S/L = 50 %, E/A = 6.25 %.
    """
    site = base_site(storage={"power_mw": 2, "energy_mwh": 8, "charge_efficiency": 1, "discharge_efficiency": 1,
                              "soc_min": 0, "soc_max": 1, "self_discharge_per_h": 0})
    r = check_file(make_site(site))
    m = r.metrics
    assert (m.S, m.E, m.I) == pytest.approx((120.0, 8.0, 120.0), abs=1e-9)
    assert m.self_use_share == pytest.approx(93.75, abs=1e-9)
    assert m.load_share == pytest.approx(50.0, abs=1e-9)
    assert m.export_share == pytest.approx(6.25, abs=1e-9)
    assert m.storage_loss == pytest.approx(0.0, abs=1e-9)
    assert np.allclose(r.balance.storage_to_load[16:20], 2.0)


def test_day_with_lossy_storage(make_site):
    """Efficiencies 0.9 / 0.9, 2 MW / 8 MWh.

    Charge 2 MW adds 1.8 MWh per hour: 7.2 MWh after hours 8-11; hour 12 charges the last
    0.8 MWh with 0.8 / 0.9 = 0.8889 MW. Charged energy 8.8889, export 16 - 8.8889 = 7.1111.
    Discharge 2 MW takes 2 / 0.9 = 2.2222 MWh per hour: hours 16-18 deliver 6, leaving
    1.3333 MWh, which delivers 1.2 in hour 19: 7.2 delivered. Loss = 8.8889 - 7.2 = 1.6889.
    S = 112 + 7.2 = 119.2.
    """
    site = base_site(storage={"power_mw": 2, "energy_mwh": 8, "charge_efficiency": 0.9,
                              "discharge_efficiency": 0.9, "soc_min": 0, "soc_max": 1, "self_discharge_per_h": 0})
    m = check_file(make_site(site)).metrics
    assert m.storage_charge == pytest.approx(8 + 0.8 / 0.9, abs=1e-9)
    assert m.E == pytest.approx(16 - 8 - 0.8 / 0.9, abs=1e-9)
    assert m.storage_discharge == pytest.approx(7.2, abs=1e-9)
    assert m.storage_loss == pytest.approx(8 + 0.8 / 0.9 - 7.2, abs=1e-9)
    assert m.S == pytest.approx(119.2, abs=1e-9)
    # C = A - S - E - storage losses
    assert m.C == pytest.approx(m.A - m.S - m.E - m.storage_loss, abs=1e-9)


def test_export_cap_and_forbidden_hours(make_site):
    """Connection 1 MW: each surplus hour exports 1 and curtails 1 -> E = 8, C = 8.
    Forbidding export in hours 8-11 as well: E = 4, C = 12; utilisation (128-12)/128 = 90.625 %."""
    site = base_site(connection={"voltage_kv": 110, "capacity_mw": 1, "spot_market": "continuous"})
    m = check_file(make_site(site)).metrics
    assert (m.E, m.C) == pytest.approx((8.0, 8.0), abs=1e-9)
    site["export_forbidden"] = {"hours_of_day": [8, 9, 10, 11]}
    r = check_file(make_site(site))
    assert (r.metrics.E, r.metrics.C) == pytest.approx((4.0, 12.0), abs=1e-9)
    assert r.metrics.utilisation == pytest.approx(90.625, abs=1e-9)
    assert r.metrics.E_forbidden == 0.0
    # the peak import (8 MW) exceeds the 1 MW connection: the exchange rule fails
    v = {v.rule.id: v for v in r.verdicts}["exchange_power"]
    assert v.status == "fail" and v.value == pytest.approx(8.0) and v.margin == pytest.approx(-7.0)


def test_no_spot_market_means_no_export(make_site):
    """Spot market not continuous: no reverse flow at all, the 16 MWh surplus is curtailed."""
    site = base_site(connection={"voltage_kv": 110, "capacity_mw": 100, "spot_market": "not-continuous"})
    r = check_file(make_site(site))
    assert r.metrics.E == 0.0 and r.metrics.C == pytest.approx(16.0)
    v = {v.rule.id: v for v in r.verdicts}["no_export_without_spot"]
    assert v.status == "pass"


def test_weights_scale_annual_totals_not_ratios(make_site):
    """The same day with weight 365 gives 365 x the energies and the same ratios."""
    r1 = check_file(make_site(base_site()))
    r365 = check_file(make_site(base_site(days={"weights": [365]})))
    assert r365.metrics.A == pytest.approx(365 * r1.metrics.A)
    assert r365.metrics.self_use_share == pytest.approx(r1.metrics.self_use_share)


def test_off_grid_unserved_load_fails(make_site):
    """Off grid: the 128 MWh that would be imported are unserved; the adequacy rule fails."""
    r = check_file(make_site(base_site(project_type="off-grid")))
    assert r.metrics.unserved == pytest.approx(128.0) and r.metrics.I == 0.0
    v = {v.rule.id: v for v in r.verdicts}["off_grid_adequacy"]
    assert v.status == "fail"
