"""``gdc rules``: the rules and thresholds of a jurisdiction in a year."""

from __future__ import annotations

from typing import Any

from gdc.report.text import fmt_threshold, table, word
from gdc.rules.indicators import INDICATORS
from gdc.rules.ruleset import RuleSet, ThresholdContext


def _no_site(path: str) -> Any:
    return None


def _threshold_text(rule, year: int, start_year: int) -> str:
    spec = rule.threshold
    unit = INDICATORS[rule.metric].unit if rule.metric else ""
    if isinstance(spec, dict) and ("site" in spec or "lookup" in spec or "grid_utilisation" in spec):
        if "site" in spec:
            return f"{rule.op} site {spec['site']}"
        if "grid_utilisation" in spec:
            g = spec["grid_utilisation"]
            return f"{rule.op} grid rate (wind {g['wind']} / PV {g['pv']} %, {g['year']})"
        parts = []
        for row in spec["table"]:
            key = f"<= {row['up_to']}" if "up_to" in row else f"= {row['equals']}"
            parts.append(f"{spec['lookup'].split('.')[-1]} {key}: {row['value']}")
        return f"{rule.op} " + "; ".join(parts)
    value = rule.threshold_at(ThresholdContext(year, start_year, _no_site))
    return fmt_threshold(rule.op, value, unit)


def rules_as_dict(rs: RuleSet, year: int, start_year: int) -> dict[str, Any]:
    return {
        "rule_set": rs.key, "chain": list(rs.chain), "year": year, "start_year": start_year,
        "defaults": dict(rs.defaults), "note": rs.note,
        "rules": [
            {"id": r.id, "name_zh": r.name_zh, "name_en": r.name_en, "kind": r.kind, "metric": r.metric,
             "op": r.op, "threshold_spec": r.threshold, "threshold_text": _threshold_text(r, year, start_year)
             if r.metric else None, "source": r.source.doc_en, "source_zh": r.source.doc_zh,
             "clause": r.source.clause, "ref": r.source.ref, "confidence": r.confidence, "reading": r.reading, "reading_zh": r.reading_zh}
            for r in rs.active()
        ],
    }


def render_rules(rs: RuleSet, year: int, start_year: int, lang: str = "en") -> str:
    out = [f"{rs.key}: {rs.title(lang)}"]
    if len(rs.chain) > 1:
        out.append(f"  {word('extends', lang)}: {' -> '.join(rs.chain)}")
    if rs.note:
        out.append(f"  {rs.note}")
    out.append(f"  {word('year', lang)} {year}, {word('start', lang)} {start_year}")
    rows = []
    for r in rs.active():
        if r.kind == "checklist":
            continue
        rows.append([r.id, r.name(lang), r.kind, _threshold_text(r, year, start_year),
                     f"{r.source.short(lang)} ({r.confidence})"])
    out.append(table(["id", word("rule", lang), "kind", word("threshold", lang), word("source", lang)], rows))
    readings = [r for r in rs.active() if r.reading]
    if readings:
        out.append("")
        out.append("Readings gdc encodes where the text is ambiguous:" if lang == "en" else "条文存在歧义时本工具采用的解读：")
        for r in readings:
            out.append(f"  {r.id}: {' '.join(r.reading_text(lang).split())}")
    checklist = [r for r in rs.active() if r.kind == "checklist"]
    if checklist:
        out.append("")
        out.append(word("checklist", lang))
        out += [f"  [ ] {r.name(lang)} ({r.source.short(lang)})" for r in checklist]
    return "\n".join(out)
