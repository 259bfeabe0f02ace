"""Words of the reports in English and Chinese, and width-aware text tables.

Chinese characters take two terminal columns; :func:`table` pads by display width so
bilingual tables line up.
"""

from __future__ import annotations

import unicodedata

WORDS: dict[str, tuple[str, str]] = {
    "site": ("site", "项目"),
    "site_file": ("site file", "项目文件"),
    "rule_set": ("rule set", "规则集"),
    "extends": ("extends", "继承"),
    "year": ("year", "评估年份"),
    "start": ("project start", "项目起始年"),
    "dispatch": ("dispatch", "调度方式"),
    "dispatch_dispatch": ("renewable-first (simulated)", "新能源优先（模拟）"),
    "dispatch_optimal": ("least-cost optimal (LP)", "最优调度（线性规划）"),
    "dispatch_meters": ("metered flows", "计量数据"),
    "spot": ("spot market", "现货市场"),
    "spot_continuous": ("continuous", "连续运行"),
    "spot_not-continuous": ("not continuous", "未连续运行"),
    "spot_None": ("not stated", "未说明"),
    "design": ("design", "配置"),
    "storage": ("storage", "储能"),
    "none": ("none", "无"),
    "definitions": ("Definitions", "口径定义"),
    "energy": ("Annual energy [MWh]", "年电量 [MWh]"),
    "rules": ("Rules", "规则校核"),
    "rule": ("rule", "规则"),
    "value": ("value", "数值"),
    "threshold": ("threshold", "限值"),
    "margin": ("margin", "裕度"),
    "verdict": ("verdict", "结论"),
    "source": ("source", "依据"),
    "checklist": ("To confirm (no number in the texts)", "需确认事项（无数值要求）"),
    "result": ("Result", "结论"),
    "notes": ("Notes", "说明"),
    "binding": ("binding rule", "约束最紧的规则"),
    "alternatives": ("Other definitions, side by side [%]", "其他口径对照 [%]"),
    "quantity": ("quantity", "指标"),
    "definition": ("definition", "口径"),
    "formula": ("formula", "公式"),
    "pass": ("pass", "通过"),
    "fail": ("fail", "不通过"),
    "review": ("review", "需评估"),
    "n/a": ("n/a", "不适用"),
    "confirm": ("confirm", "需确认"),
    "overridden": ("overridden", "已覆盖"),
    "hours": ("rows", "时段数"),
    "weighted": ("representative days, weighted", "典型日加权"),
    "wind": ("wind", "风电"),
    "pv": ("PV", "光伏"),
    "storage_loss": ("storage losses", "储能损耗"),
    "unserved": ("unserved", "未供负荷"),
    "peak_import": ("peak import", "最大下网"),
    "peak_export": ("peak export", "最大上网"),
}


def word(key: str, lang: str) -> str:
    en, zh = WORDS.get(key, (key, key))
    return zh if lang == "zh" else en


def width(s: str) -> int:
    """Display width in terminal columns (East Asian wide characters count 2)."""
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in s)


def pad(s: str, n: int, right: bool = False) -> str:
    fill = " " * max(0, n - width(s))
    return fill + s if right else s + fill


def table(headers: list[str], rows: list[list[str]], right: set[int] | None = None, indent: str = "  ") -> str:
    """A plain-text table, columns padded by display width."""
    right = right or set()
    cols = len(headers)
    widths = [max([width(headers[i])] + [width(r[i]) for r in rows if i < len(r)]) for i in range(cols)]
    lines = [indent + "  ".join(pad(h, widths[i], i in right) for i, h in enumerate(headers)).rstrip()]
    lines.append(indent + "  ".join("-" * w for w in widths))
    for r in rows:
        lines.append(indent + "  ".join(pad(r[i] if i < len(r) else "", widths[i], i in right)
                                        for i in range(cols)).rstrip())
    return "\n".join(lines)


def fmt_energy(x: float) -> str:
    return f"{x:,.0f}"


def fmt_value(value, unit: str) -> str:
    """A rule's value in its unit."""
    if value is None:
        return "?"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value != value:
        return "-"
    if unit == "%":
        return f"{value:.2f} %"
    if unit in ("MWh", "MW"):
        return f"{value:,.1f} {unit}"
    return f"{value:g} {unit}".strip()


def fmt_threshold(op: str | None, threshold, unit: str) -> str:
    if threshold is None:
        return "-"
    if isinstance(threshold, bool):
        return ("= " if op == "==" else f"{op} ") + ("yes" if threshold else "no")
    sym = {">=": "≥", "<=": "≤", "==": "=", "<": "<", ">": ">"}.get(op or "", op or "")
    if unit == "%":
        return f"{sym} {threshold:.2f} %".replace(".00 %", " %")
    return f"{sym} {threshold:g} {unit}".strip()


def fmt_margin(margin: float | None, unit: str) -> str:
    if margin is None:
        return "-"
    u = "pp" if unit == "%" else unit
    if unit == "%":
        return f"{margin:+.2f} {u}"
    return f"{margin:+,.1f} {u}" if unit in ("MWh", "MW") else f"{margin:+g} {u}"
