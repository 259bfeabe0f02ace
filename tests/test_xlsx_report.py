"""The workbook of a check: sheets, the planning tools' hourly layout, numbers as numbers."""

from __future__ import annotations

import dataclasses
import datetime
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook

from gdc.check import check_file
from gdc.report.xlsx import TOOL_COLUMNS, write_xlsx

SAMPLES = Path(__file__).resolve().parents[1] / "sample_sites"


@pytest.fixture(scope="module")
def battery():
    return check_file(SAMPLES / "shandong-export-battery" / "site.yaml")


@pytest.fixture(scope="module")
def days():
    return check_file(SAMPLES / "park-2026-day-types" / "site.yaml")


def test_full_year_workbook_zh(battery, tmp_path):
    path = write_xlsx(battery, tmp_path / "r.xlsx", "zh")
    wb = load_workbook(path)
    assert wb.sheetnames == ["汇总", "规则校核", "逐时电量平衡", "月度电量", "口径定义"]
    hourly = wb["逐时电量平衡"]
    head = [c.value for c in hourly[1]]
    # the 13-column layout of Chinese planning tools first, then gdc's finer flows
    assert head[:13] == ["序号", "时间"] + [f"{zh} [{unit}]" for _, zh, _, unit in TOOL_COLUMNS]
    assert head[2:6] == ["风电 [MW]", "光伏 [MW]", "可用发电量 [MW]", "负荷 [MW]"]
    assert hourly.max_row == 8761 and hourly.freeze_panes == "C2"
    rows = list(hourly.iter_rows(min_row=2, values_only=True))
    assert isinstance(rows[0][1], datetime.datetime) and rows[0][1] == datetime.datetime(2026, 1, 1)
    values = np.array([r[2:] for r in rows], dtype=float)  # all numbers, none text
    col = {h: i - 2 for i, h in enumerate(head)}
    m = battery.metrics
    assert values[:, col["可用发电量 [MW]"]].sum() == pytest.approx(m.A, rel=1e-6)
    assert values[:, col["下网(购电) [MW]"]].sum() == pytest.approx(m.I, rel=1e-6)
    assert values[:, col["上网 [MW]"]].sum() == pytest.approx(m.E, rel=1e-6)
    assert values[:, col["弃电 [MW]"]].sum() == pytest.approx(m.C, rel=1e-4, abs=1e-3)
    np.testing.assert_allclose(values[:, col["风电 [MW]"]] + values[:, col["光伏 [MW]"]],
                               values[:, col["可用发电量 [MW]"]], atol=1e-5)

    summary = {r[0]: r[1] for r in wb["汇总"].iter_rows(min_row=2, values_only=True)}
    assert summary["结论"] == "通过" and summary["评估年份"] == 2026
    assert summary["A 总可用发电量"] == pytest.approx(m.A)
    assert wb["汇总"].freeze_panes == "A2"

    verdicts = list(wb["规则校核"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in verdicts] == [v.rule.id for v in battery.verdicts]
    load_share = next(r for r in verdicts if r[0] == "load_share")
    assert isinstance(load_share[5], float) and load_share[5] == pytest.approx(m.load_share)
    assert load_share[4] == "通过"

    monthly = list(wb["月度电量"].iter_rows(min_row=2, values_only=True))
    assert len(monthly) == 13  # 12 months and the total
    assert monthly[-1][2] == pytest.approx(m.L, rel=1e-9)


def test_representative_days_workbook_en_with_cost(days, tmp_path):
    cost = {"items": [{"name_en": "grid purchase", "name_zh": "购电", "cny_per_year": 3.0e7}],
            "total_cny_per_year": 3.0e7, "cny_per_mwh_load": 149.1}
    path = write_xlsx(dataclasses.replace(days, extra={"cost": cost}), tmp_path / "r.xlsx", "en")
    wb = load_workbook(path)
    assert wb.sheetnames[-1] == "Cost"
    hourly = wb["Hourly balance"]
    head = [c.value for c in hourly[1]]
    assert head[:4] == ["hour", "representative day", "hour of day", "days represented"]
    assert hourly.max_row == 1 + 24 * 24
    assert hourly.cell(row=2, column=4).value == 15
    by_day = list(wb["Monthly"].iter_rows(min_row=2, values_only=True))
    assert len(by_day) == 25
    assert by_day[-1][3] == pytest.approx(days.metrics.L)  # weighted: annual energies
    assert [r[3] for r in wb["Cost"].iter_rows(min_row=2, values_only=True)][:2] == [3.0e7, 3.0e7]
