"""The Chinese planning tools' Excel template: import, export, round trip, errors, CLI."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml
from click.testing import CliRunner

from gdc.check import check_file
from gdc.cli.main import main
from gdc.exchange.template import split_unit
from gdc.exchange.xlsx_export import export_template, write_template
from gdc.exchange.xlsx_import import import_template
from gdc.profiles.series import get_profiles
from gdc.site.errors import InputError
from gdc.site.schema import read_site

SAMPLES = Path(__file__).resolve().parents[1] / "sample_sites"
V3 = SAMPLES / "v3-tool-flat-load"


def same_verdicts(a, b, rel: float = 1e-9) -> None:
    """Same rules, statuses and values (to rounding) in two check results."""
    assert [v.rule.id for v in a.verdicts] == [v.rule.id for v in b.verdicts]
    for va, vb in zip(a.verdicts, b.verdicts, strict=True):
        assert va.status == vb.status, va.rule.id
        if isinstance(va.value, float):
            assert vb.value == pytest.approx(va.value, rel=rel, abs=1e-9), va.rule.id
        else:
            assert vb.value == va.value, va.rule.id
        assert vb.threshold == va.threshold, va.rule.id
    assert a.status == b.status


@pytest.mark.parametrize("sample", ["shandong-export-battery", "park-2026-day-types"])
def test_round_trip_gives_the_same_verdicts(sample, tmp_path):
    site = read_site(SAMPLES / sample / "site.yaml")
    notes = export_template(site, get_profiles(site), tmp_path / "t.xlsx")
    assert notes == []
    result = import_template(tmp_path / "t.xlsx", tmp_path / "out" / "site.yaml")
    assert result.profiles_path == tmp_path / "out" / "profiles.csv"
    same_verdicts(check_file(SAMPLES / sample / "site.yaml"), check_file(result.site_path))


def test_v3_template_matches_its_site_file(tmp_path):
    result = import_template(V3 / "template.xlsx", tmp_path / "site.yaml")
    # the template has the tool's values; the sample's curves.csv rounds wind_pu to 6 decimals
    same_verdicts(check_file(V3 / "site.yaml"), check_file(result.site_path), rel=1e-5)
    text = result.site_path.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert data["connection"] == {"voltage_kv": 110.0, "capacity_mw": 80.0, "spot_market": "continuous"}
    assert data["storage"]["energy_mwh"] == 40.0  # 20 MW at C-rate 0.5
    assert data["storage"]["soc_min"] == pytest.approx(0.15)  # depth of discharge 85 %
    assert data["load"]["unit"] == "kW"
    # items with no schema field are kept as comments; the limits are compared, not applied
    assert "#   其他固定投资 = 1500 万元" in text and "#   风电单位投资" not in text
    assert "弃电率上限 20 %: the rule set national/2026-05 has no rule 'utilisation'" in text
    assert "overrides" not in data
    csv = result.profiles_path.read_text(encoding="utf-8").splitlines()
    assert csv[2].startswith("timestamp,hour,load_kw,wind_pu,pv_pu,price,loss_fee,tdu_fee,system_fee,fund_fee")


# ----------------------------------------------------------------------------- small templates


def params(**changes):
    rows = {"项目名称": ("hand day", ""), "省份": ("全国", ""), "评估年份": (2026, ""),
            "风电装机容量": (10, "MW"), "光伏装机容量(MW)": (20, ""), "并网容量": (100000, "kW"),
            "接入电压等级": (110, "kV"), "现货市场": ("连续运行", ""), "风电同县": ("是", ""),
            "光伏同县": ("是", ""), "风电同市": ("是", ""), "光伏同市": ("是", "")}
    for k, v in changes.items():
        if v is None:
            rows.pop(k)
        else:
            rows[k] = v
    return [(k, v, u, "") for k, (v, u) in rows.items()]


def curves(**changes):
    pv = np.where((np.arange(24) >= 8) & (np.arange(24) <= 15), 0.5, 0.0)
    cols = {"负荷(MW)": [10.0] * 24, "风电出力": [0.2] * 24, "光伏出力": pv.tolist(), "代表天数": [1] * 24}
    for k, v in changes.items():
        if v is None:
            cols.pop(k)
        else:
            cols[k] = v
    return cols


def test_small_template_matches_the_hand_site(tmp_path, make_site):
    write_template(tmp_path / "t.xlsx", params(), curves())
    result = import_template(tmp_path / "t.xlsx", tmp_path / "imp" / "site.yaml")
    same_verdicts(check_file(make_site()), check_file(result.site_path))


def test_limits_become_overrides_only_when_asked(tmp_path):
    write_template(tmp_path / "t.xlsx", params(上网电量比例上限=(15, "%"), 自发自用比例下限=(0.6, "")), curves())
    plain = import_template(tmp_path / "t.xlsx", tmp_path / "a" / "site.yaml")
    text = plain.site_path.read_text(encoding="utf-8")
    assert "overrides" not in yaml.safe_load(text)
    assert "#     export_share:" in text and "threshold: 15.0" in text
    assert any("自发自用比例下限 0.6: the same as the rule set" in n for n in plain.notes)
    applied = import_template(tmp_path / "t.xlsx", tmp_path / "b" / "site.yaml", apply_limits=True)
    data = yaml.safe_load(applied.site_path.read_text(encoding="utf-8"))
    assert data["overrides"] == {"export_share": {"threshold": 15.0, "note": "template limit 上网电量比例上限"}}
    export = next(v for v in check_file(applied.site_path).verdicts if v.rule.id == "export_share")
    assert export.threshold == 15.0 and export.rule.overridden


def test_power_curves_and_storage_duration(tmp_path):
    cols = curves(**{"风电出力": None, "风电出力(kW)": [2000.0] * 24})  # 10 MW x 0.2
    write_template(tmp_path / "t.xlsx", params(储能功率=(5, "MW"), 储能时长=(4, "h"), 放电深度=(90, "%")), cols)
    result = import_template(tmp_path / "t.xlsx", tmp_path / "s.yaml")
    site = read_site(result.site_path)
    assert (site.storage.power_mw, site.storage.energy_mwh) == (5.0, 20.0)
    assert site.storage.soc_min == pytest.approx(0.1)
    assert get_profiles(site).pu["wind"] == pytest.approx(np.full(24, 0.2))


@pytest.mark.parametrize("make, field, fix", [
    (lambda p: write_template(p, params(), {}), "sheet '曲线'", "曲线"),
    (lambda p: write_template(p, params(), curves(**{"负荷(MW)": None, "负荷率": [1] * 24})), "column '负荷'", "负荷"),
    (lambda p: write_template(p, params(接入电压等级=None), curves()), "item '接入电压等级'", "接入电压等级 | 110 | kV"),
    (lambda p: write_template(p, params(并网容量=(80000, "")), curves()), "item '并网容量'", "kW"),
    (lambda p: write_template(p, params(风电同县=("maybe", "")), curves()), "item '风电同县'", "是"),
    (lambda p: write_template(p, params(), curves(光伏出力=[0.1] * 23 + ["n/a"])), "column '光伏出力'", "number"),
])
def test_bad_templates_name_sheet_field_and_fix(tmp_path, make, field, fix):
    path = tmp_path / "t.xlsx"
    make(path)
    if field == "sheet '曲线'":  # a workbook without the curve sheet
        from openpyxl import load_workbook

        wb = load_workbook(path)
        del wb["曲线"]
        wb.save(path)
    with pytest.raises(InputError) as err:
        import_template(path, tmp_path / "s.yaml")
    assert err.value.file == path
    assert field in err.value.field
    assert fix in err.value.fix
    if "光伏出力" in field:
        assert "Excel row 25" in err.value.message


def test_not_a_workbook(tmp_path):
    bad = tmp_path / "t.xlsx"
    bad.write_text("hello")
    with pytest.raises(InputError, match="cannot read as an Excel workbook"):
        import_template(bad, tmp_path / "s.yaml")


def test_split_unit():
    assert split_unit("风电装机容量(MW)") == ("风电装机容量", "MW")
    assert split_unit("并网容量（kW）") == ("并网容量", "kW")
    assert split_unit("负荷 [MW]") == ("负荷", "MW")
    assert split_unit("光伏出力") == ("光伏出力", "")


def test_cli_import_xlsx(tmp_path):
    write_template(tmp_path / "t.xlsx", params(), curves())
    runner = CliRunner()
    out = tmp_path / "site.yaml"
    res = runner.invoke(main, ["import-xlsx", str(tmp_path / "t.xlsx"), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert out.is_file() and (tmp_path / "profiles.csv").is_file()
    assert "next: gdc check" in res.output
    again = runner.invoke(main, ["import-xlsx", str(tmp_path / "t.xlsx"), "-o", str(out)])
    assert again.exit_code == 2 and "--force" in again.output
    missing = runner.invoke(main, ["import-xlsx", str(tmp_path / "none.xlsx"), "-o", str(tmp_path / "new" / "x.yaml")])
    assert missing.exit_code == 2 and "file not found" in missing.output


def test_template_prices_become_the_tariff(tmp_path):
    """The V3 template's hourly price and fee columns are the imported site's import tariff:
    hour 0 = 0.146592 + 0.0094 + 0.0525 + 0.0062 + 0.022425 = 0.237117 CNY/kWh (curves.csv row 1)."""
    from gdc.operation.prices import get_costs
    from gdc.profiles.series import get_profiles
    from gdc.site.schema import read_site

    template = SAMPLES / "v3-tool-flat-load" / "template.xlsx"
    res = import_template(template, tmp_path / "site.yaml")
    site = read_site(res.site_path)
    assert site.tariff.import_price is not None and len(site.tariff.import_fees) == 4
    costs = get_costs(site, get_profiles(site))
    assert costs.import_price[0] == pytest.approx(1000 * (0.146592 + 0.0094 + 0.0525 + 0.0062 + 0.022425), rel=1e-9)


# ----------------------------------------------------------------------------- costs (economics)


def test_v3_template_costs_become_the_economics(tmp_path):
    """The template's own costs are kept (issue 10, section 7): read the numbers from the workbook
    itself, then check the site's economics and the annual cost gdc derives from them.

    Template: 风电单位投资 3600 元/kW, 光伏单位投资 2700 元/kW, 储能单位投资 600 元/kWh, 运维费率 1 %,
    折现率 3 %, 评价年限 15 年. Capital recovery factor CRF(3 %, 15) = 0.03 / (1 - 1.03^-15) = 0.083767;
    wind per MW a year = 1000 kW x 3600 x (0.083767 + 0.01) = 337,560 CNY; storage per MWh a year
    = 1000 x 600 x 0.093767 = 56,260 CNY and per MW of power 0 (the template prices storage by energy).
    """
    from openpyxl import load_workbook

    from gdc.operation.prices import get_costs

    ws = load_workbook(V3 / "template.xlsx", read_only=True)["参数"]
    given = {r[0]: r[1] for r in ws.iter_rows(min_row=2, values_only=True)}
    result = import_template(V3 / "template.xlsx", tmp_path / "site.yaml")
    eco = yaml.safe_load(result.site_path.read_text(encoding="utf-8"))["economics"]
    assert eco["wind"]["capex_cny_per_kw"] == given["风电单位投资"] == 3600
    assert eco["pv"]["capex_cny_per_kw"] == given["光伏单位投资"] == 2700
    assert eco["storage"] == {"capex_cny_per_kwh": given["储能单位投资"], "capex_cny_per_kw": 0.0,
                              "fixed_om_pct": 1.0, "life_years": 15}
    assert eco["discount_rate"] == pytest.approx(given["折现率"] / 100) == 0.03
    for t in ("wind", "pv", "storage"):
        assert eco[t]["fixed_om_pct"] == given["运维费率"] == 1
        assert eco[t]["life_years"] == given["评价年限"] == 15
    site = read_site(result.site_path)
    costs = get_costs(site, get_profiles(site))
    crf = 0.03 / (1 - 1.03 ** -15)
    assert crf == pytest.approx(0.083767, abs=1e-6)
    assert costs.per_mw["wind"] == pytest.approx(1000 * 3600 * (crf + 0.01)) == pytest.approx(337_560, abs=1)
    assert costs.storage_per_mwh == pytest.approx(1000 * 600 * (crf + 0.01)) == pytest.approx(56_260, abs=1)
    assert costs.storage_per_mw == 0.0
    text = result.site_path.read_text(encoding="utf-8")
    # the battery replacement has no field: its present value is stated, 400 x 100 % / 1.03^8 = 315.8 元/kWh
    assert "present value is 315.8 元/kWh" in text


def test_cost_units_and_bad_costs(tmp_path):
    """元/W, 万元/MW and 元/kW for a storage cost; rates as '1.5%' or 0.05; a bare 3.6 for a cost is refused."""
    write_template(tmp_path / "t.xlsx", params(风电单位投资=(3.6, "元/W"), 光伏单位投资=(270, "万元/MW"),
                                               储能单位投资=(1200, "元/kW"), 运维费率=("1.5%", ""),
                                               折现率=(0.05, ""), 海上风电=("是", "")), curves())
    result = import_template(tmp_path / "t.xlsx", tmp_path / "a" / "site.yaml")
    eco = yaml.safe_load(result.site_path.read_text(encoding="utf-8"))["economics"]
    assert eco["offshore_wind"]["capex_cny_per_kw"] == pytest.approx(3600)  # 3.6 元/W x 1000
    assert eco["pv"]["capex_cny_per_kw"] == pytest.approx(2700)  # 270 万元/MW = 2,700,000 / 1000 kW
    assert eco["storage"]["capex_cny_per_kw"] == 1200 and eco["storage"]["capex_cny_per_kwh"] == 0
    assert eco["pv"]["fixed_om_pct"] == pytest.approx(1.5) and eco["discount_rate"] == 0.05
    assert "wind" not in eco
    write_template(tmp_path / "u.xlsx", params(风电单位投资=(3.6, "")), curves())
    with pytest.raises(InputError, match="is it in 元/W") as err:
        import_template(tmp_path / "u.xlsx", tmp_path / "b" / "site.yaml")
    assert "风电单位投资" in err.value.field


def test_costs_round_trip(tmp_path):
    """Import the V3 template, export the site, import again: the same economics."""
    first = import_template(V3 / "template.xlsx", tmp_path / "a" / "site.yaml")
    site = read_site(first.site_path)
    export_template(site, get_profiles(site), tmp_path / "t.xlsx")
    second = import_template(tmp_path / "t.xlsx", tmp_path / "b" / "site.yaml")
    assert read_site(second.site_path).economics == site.economics
