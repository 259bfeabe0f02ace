"""The shipped rule files as editors and the loader read them: each names the rule-file JSON
Schema on its first line, and a key given twice in one mapping is refused (as in site files)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import REPO

from gdc.rules.ruleset import load_rule_set, rules_json_schema
from gdc.site.errors import InputError

SHIPPED = sorted((REPO / "models" / "rules").glob("*/*.yaml"))
FIRST_LINE = "# yaml-language-server: $schema="


def test_there_are_rule_files():
    assert len(SHIPPED) >= 5


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_first_line_names_the_rule_file_schema(path: Path):
    """models/rules/<j>/<v>.yaml, line 1: $schema=../../rules.schema.json, i.e. models/rules.schema.json,
    which exists and is the schema gdc validates rule files with (``$id`` gdc-rules/1)."""
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith(FIRST_LINE), first
    target = (path.parent / first.removeprefix(FIRST_LINE).strip()).resolve()
    assert target == (REPO / "models" / "rules.schema.json").resolve() and target.is_file()
    assert json.loads(target.read_text(encoding="utf-8"))["$id"] == rules_json_schema()["$id"] == "gdc-rules/1"


def _copy_national(root: Path, text_edit) -> Path:
    """A copy of the shipped national rules under ``root``, its text changed by ``text_edit``."""
    src = REPO / "models" / "rules" / "national" / "2026-05.yaml"
    (root / "national").mkdir(parents=True)
    (root / "national" / "2026-05.yaml").write_text(text_edit(src.read_text(encoding="utf-8")), encoding="utf-8")
    return root


def test_an_unchanged_copy_loads(tmp_path):
    root = _copy_national(tmp_path, lambda s: s)
    assert load_rule_set("national", root=root).rules == load_rule_set("national").rules


def test_a_duplicate_key_in_a_rule_file_is_refused(tmp_path):
    """``title_en:`` written twice: YAML alone would keep the second; gdc refuses the file (exit 2),
    naming both lines (the file's own ``title_en:`` line and the copy inserted right after it)."""
    def twice(text: str) -> str:
        lines = text.splitlines(keepends=True)
        i = next(k for k, line in enumerate(lines) if line.startswith("title_en:"))
        return "".join([*lines[:i + 1], "title_en: a second title\n", *lines[i + 1:]])

    root = _copy_national(tmp_path, twice)
    line = next(k for k, s in enumerate(twice(
        (REPO / "models/rules/national/2026-05.yaml").read_text(encoding="utf-8")).splitlines(), 1)
        if s.startswith("title_en:"))
    with pytest.raises(InputError) as e:
        load_rule_set("national", root=root)
    msg = str(e.value)
    assert f"duplicate key 'title_en' (first at line {line}, again at line {line + 1})" in msg
    assert "2026-05.yaml" in msg and "remove one of the two" in msg


def test_a_duplicate_threshold_inside_a_rule_is_refused(tmp_path):
    """Inside a rule (``threshold: 60`` then ``threshold: 50``) too: the second would silently win."""
    def twice(text: str) -> str:
        return text.replace("    threshold: 60\n", "    threshold: 60\n    threshold: 50\n", 1)

    src = (REPO / "models" / "rules" / "national" / "2026-05.yaml").read_text(encoding="utf-8")
    assert "    threshold: 60\n" in src
    with pytest.raises(InputError, match="duplicate key 'threshold'"):
        load_rule_set("national", root=_copy_national(tmp_path, twice))
