"""An operating project's metered flows replace the simulated dispatch."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import base_site, day_profiles

from gdc.check import check_file
from gdc.site.errors import InputError


def _meters(tmp_path, self_use, export, imp, curt):
    pd.DataFrame({"su": self_use, "ex": export, "im": imp, "cu": curt}).to_csv(tmp_path / "m.csv", index=False)


def test_meters_give_the_verdicts(make_site, tmp_path):
    """Meters: 9 MW self-use and 1 MW import every hour, 3 MW export in 8 hours, 1 MW curtailed in 4.

    S = 216, I = 24, L = 240, E = 24, C = 4, A = 216 + 24 + 4 = 244.
    S/A = 88.52 %, S/L = 90 %, E/A = 9.836 %.
    """
    ex = [3.0 if 8 <= h < 16 else 0.0 for h in range(24)]
    cu = [1.0 if 10 <= h < 14 else 0.0 for h in range(24)]
    _meters(tmp_path, [9.0] * 24, ex, [1.0] * 24, cu)
    site = base_site(meters={"file": "m.csv", "self_use": "su", "export": "ex", "import": "im", "curtailment": "cu"})
    r = check_file(make_site(site, day_profiles()))
    m = r.metrics
    assert r.balance.source == "meters"
    assert (m.S, m.I, m.L, m.E, m.C, m.A) == pytest.approx((216, 24, 240, 24, 4, 244))
    assert m.self_use_share == pytest.approx(100 * 216 / 244)
    assert m.load_share == pytest.approx(90.0)
    assert r.balance.residuals()["renewable"] < 1e-12


def test_meters_that_disagree_with_the_load(make_site, tmp_path):
    _meters(tmp_path, [5.0] * 24, [0.0] * 24, [1.0] * 24, [0.0] * 24)  # 6 MW, the load file says 10
    site = base_site(meters={"file": "m.csv", "self_use": "su", "export": "ex", "import": "im", "curtailment": "cu"})
    with pytest.raises(InputError) as e:
        check_file(make_site(site, day_profiles()))
    assert "differs from the load file" in str(e.value)
