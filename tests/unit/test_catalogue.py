"""One rule catalogue: every rule id in the code is in it, and docs/RULES.md is it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from synthledger.catalogue import CATALOGUE
from synthledger.checking.rules.base import RULES
from synthledger.commands.rules import render

TOP = Path(__file__).resolve().parents[2]
SOURCE = TOP / "src" / "synthledger"
RULE_ID = re.compile(r"[\"'](SL\d{3})[\"']")
REGENERATE = "synthledger rules --format markdown > docs/RULES.md"


def ids_in_source() -> dict[str, str]:
    """Rule id -> the first module that names it as a string."""
    found: dict[str, str] = {}
    for path in sorted(SOURCE.rglob("*.py")):
        if path.name == "catalogue.py":
            continue
        for rule_id in RULE_ID.findall(path.read_text()):
            found.setdefault(rule_id, str(path.relative_to(SOURCE)))
    return found


def test_every_rule_id_the_code_reports_is_catalogued() -> None:
    missing = {rule: where for rule, where in ids_in_source().items() if rule not in CATALOGUE}
    assert missing == {}, "add these to src/synthledger/catalogue.py, then run " + REGENERATE


def test_every_catalogued_rule_is_reported_somewhere() -> None:
    assert sorted(set(CATALOGUE) - set(ids_in_source())) == []


def test_registered_rules_take_severity_and_summary_from_the_catalogue() -> None:
    import synthledger.checking.validate  # noqa: F401  (registers the rules)

    assert RULES
    for registered in RULES:
        entry = CATALOGUE[registered.id]
        assert (registered.severity, registered.summary) == (entry.severity, entry.summary)


def test_docs_rules_md_is_the_catalogue() -> None:
    shown = (TOP / "docs" / "RULES.md").read_text()
    assert shown == render("markdown"), "docs/RULES.md is stale: run " + REGENERATE


def test_the_rules_command_prints_every_id() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "synthledger", "rules", "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    assert [row["id"] for row in json.loads(done.stdout)] == sorted(CATALOGUE)
