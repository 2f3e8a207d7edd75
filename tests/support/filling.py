"""Filling in a skeleton the way a contributor does: every value marked FILL IN replaced."""

from __future__ import annotations

import re
from collections.abc import Mapping

# `key: value  # FILL IN ...` and `- value  # FILL IN ...` (a list item without a key).
_KEYED = re.compile(r"^(?P<lead>\s*(?:- )?)(?P<key>[A-Za-z_]+): .*# FILL IN.*$")
_ITEM = re.compile(r"^(?P<lead>\s*- ).*# FILL IN.*$")


def fill(text: str, values: Mapping[str, str]) -> str:
    """``text`` with each FILL IN line's value replaced by ``values[key]`` (YAML text).

    A list item without a key is looked up as ``"-"``. A placeholder with no
    value given fails the test: a skeleton must not grow a placeholder unnoticed.
    """
    lines = []
    for line in text.splitlines():
        if line.lstrip().startswith("#") or "# FILL IN" not in line:
            lines.append(line)
            continue
        keyed = _KEYED.match(line)
        if keyed:
            lines.append(f"{keyed['lead']}{keyed['key']}: {values[keyed['key']]}")
            continue
        item = _ITEM.match(line)
        assert item is not None, f"a FILL IN line this helper cannot read: {line!r}"
        lines.append(f"{item['lead']}{values['-']}")
    return "\n".join(lines) + "\n"


def placeholder_lines(text: str) -> list[int]:
    """The 1-based numbers of the lines that hold a value still to fill in."""
    return [
        number
        for number, line in enumerate(text.splitlines(), start=1)
        if "# FILL IN" in line and not line.lstrip().startswith("#")
    ]
