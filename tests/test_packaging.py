"""Packaging: every sub-package is declared, and the data models are found."""

from __future__ import annotations

import configparser
from pathlib import Path

from conftest import REPO

from gdc.rules.ruleset import models_dir


def test_every_subpackage_is_declared_in_setup_cfg():
    cfg = configparser.ConfigParser()
    cfg.read(REPO / "setup.cfg")
    declared = set(cfg["options"]["packages"].split())
    found = {"gdc"} | {
        "gdc." + ".".join(p.parent.relative_to(REPO / "gdc").parts)
        for p in (REPO / "gdc").rglob("__init__.py") if p.parent != REPO / "gdc"
    }
    assert found | {"gdc.models"} == declared


def test_models_found():
    assert (models_dir() / "rules" / "national" / "2026-05.yaml").is_file()


def test_published_json_schema_is_current():
    """models/site.schema.json (for editors) matches the schema: regenerate with `gdc schema -o ...`."""
    import json

    from gdc.site.schema import site_json_schema

    published = json.loads((REPO / "models" / "site.schema.json").read_text(encoding="utf-8"))
    assert published == json.loads(json.dumps(site_json_schema(), ensure_ascii=False)), \
        "run: gdc schema -o models/site.schema.json"


def test_checkout_fallback_finds_the_repository_models_folder():
    """Run from a checkout with a regular install, ``gdc.models`` does not exist beside the
    checkout's ``gdc``; the fallback must then be the repository's ``models/`` (it broke once
    when the module moved one folder down)."""
    from gdc.site import datafiles

    assert datafiles.CHECKOUT_MODELS == Path(__file__).resolve().parents[1] / "models"
    assert (datafiles.CHECKOUT_MODELS / "plausible-ranges.yaml").is_file()
