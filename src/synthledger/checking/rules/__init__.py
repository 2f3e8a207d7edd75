"""Semantic rules beyond the schema.

Each rule is a small function with a stable id, a severity and a message that
says how to fix the problem. Importing this package registers them all.
"""

from __future__ import annotations

from synthledger.checking.rules import artifacts, claims, corrections, drift, identity, references
from synthledger.checking.rules.base import RULES, ArchiveIndex, RecordContext, Rule, run_rules

__all__ = [
    "RULES",
    "ArchiveIndex",
    "RecordContext",
    "Rule",
    "artifacts",
    "claims",
    "corrections",
    "drift",
    "identity",
    "references",
    "run_rules",
]
