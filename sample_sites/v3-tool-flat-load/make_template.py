"""Build template.xlsx: the V3 planning tool's input as the Chinese Excel template gdc imports.

    python sample_sites/v3-tool-flat-load/make_template.py [V3_CASE_FOLDER]

Reads the tool's parameters (params.json) and curves (curves.csv) from the case folder
(default: shared/cases/v3-tool beside the repository) and writes ``template.xlsx`` here: a
parameter sheet 参数 (项目 | 数值 | 单位 | 说明; the note names the tool's own key) and an
8760-row curve sheet 曲线, in the layout of docs/xlsx-template.md. Values are the tool's,
unchanged (kW where the tool uses kW). The tool's input has no design and names no voltage
or province: the rows marked "gdc example" are the design of site.yaml beside this script
(wind 120 MW, PV 60 MW, storage 20 MW at C-rate 0.5), 110 kV, national rules, 2026.

Then: gdc import-xlsx sample_sites/v3-tool-flat-load/template.xlsx -o /tmp/v3/site.yaml
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO))

from gdc.exchange.xlsx_export import write_template  # noqa: E402


def build(case: Path, out: Path) -> Path:
    params = json.loads((case / "params.json").read_text(encoding="utf-8"))
    tech, econ = params["tech"], params["econ"]
    curves = pd.read_csv(case / "curves.csv", comment="#")
    ex = "gdc example (not in the tool's input; as site.yaml)"
    rows = [
        ("项目名称", "V3 planning-tool case, flat 64 MW load", "", ex),
        ("省份", "全国", "", ex + ": the case names no province"),
        ("评估年份", 2026, "", ex),
        ("项目类型", "并网型", "", ex),
        ("风电装机容量", 120, "MW", ex + "; the tool searches range.windStart..windEnd = "
         f"{params['range']['windStart']:g}..{params['range']['windEnd']:g}"),
        ("风电距离", 15, "km", ex),
        ("风电同县", "是", "", ex),
        ("风电同市", "是", "", ex),
        ("光伏装机容量", 60, "MW", ex + "; the tool searches range.pvStart..pvEnd = "
         f"{params['range']['pvStart']:g}..{params['range']['pvEnd']:g}"),
        ("光伏距离", 5, "km", ex),
        ("光伏同县", "是", "", ex),
        ("光伏同市", "是", "", ex),
        ("储能功率", 20, "MW", ex),
        ("储能倍率", tech["rate"], "C", "tech.rate"),
        ("放电深度", tech["dod"], "%", "tech.dod"),
        ("初始SOC", tech["initialSoc"], "%", "tech.initialSoc (gdc's storage is cyclic: not used)"),
        ("充电效率", tech["chargeEff"], "%", "tech.chargeEff"),
        ("放电效率", tech["dischargeEff"], "%", "tech.dischargeEff"),
        ("并网容量", tech["gridCapacity"], "kW", "tech.gridCapacity"),
        ("最大上网功率", tech["feedPower"], "kW", "tech.feedPower"),
        ("接入电压等级", 110, "kV", ex),
        ("现货市场", "连续运行", "", ex),
        ("平均负荷率", tech["avgLoadRate"], "%", "tech.avgLoadRate"),
        ("自发自用比例下限", tech["selfUseGenMin"], "%", "tech.selfUseGenMin"),
        ("绿电占比下限", tech["selfUseLoadMin"], "%", "tech.selfUseLoadMin"),
        ("上网电量比例上限", tech["feedLimit"], "%", "tech.feedLimit"),
        ("弃电率上限", tech["curtailLimit"], "%", "tech.curtailLimit"),
        ("风电单位投资", econ["windInvest"], "元/kW", "econ.windInvest"),
        ("光伏单位投资", econ["pvInvest"], "元/kW", "econ.pvInvest"),
        ("储能单位投资", econ["essInvest"], "元/kWh", "econ.essInvest"),
        ("其他固定投资", econ["otherInvest"], "万元", "econ.otherInvest"),
        ("运维费率", econ["opexRatio"], "%", "econ.opexRatio (of investment, per year)"),
        ("人员数量", econ["staffCount"], "人", "econ.staffCount"),
        ("人均工资", econ["salary"], "万元/人·年", "econ.salary"),
        ("折现率", econ["discountRate"], "%", "econ.discountRate"),
        ("评价年限", econ["evalPeriod"], "年", "econ.evalPeriod"),
        ("电池更换年份", econ["batteryReplaceYear"], "年", "econ.batteryReplaceYear"),
        ("电池更换单价", econ["batteryReplaceUnit"], "元/kWh", "econ.batteryReplaceUnit"),
        ("电池更换比例", econ["batteryReplaceRatio"], "%", "econ.batteryReplaceRatio"),
    ]
    times = pd.date_range("2026-01-01", periods=len(curves), freq="h")
    sheet = {
        "序号": (curves["hour"] + 1).tolist(),
        "时间": list(times.to_pydatetime()),
        "负荷(kW)": curves["load"].tolist(),
        "风电出力(标幺值)": curves["windPu"].tolist(),
        "光伏出力(标幺值)": curves["pvPu"].tolist(),
        "电价(元/kWh)": curves["price"].tolist(),
        "网损费(元/kWh)": curves["lossFee"].tolist(),
        "输配电价(元/kWh)": curves["tduFee"].tolist(),
        "系统运行费(元/kWh)": curves["systemFee"].tolist(),
        "政府性基金及附加(元/kWh)": curves["fundFee"].tolist(),
    }
    return write_template(out, rows, sheet)


if __name__ == "__main__":
    case = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared" / "cases" / "v3-tool"
    print(build(case, HERE / "template.xlsx"))
