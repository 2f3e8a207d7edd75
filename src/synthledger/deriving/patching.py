"""Corrections amend a record through RFC 6902 JSON Patch (the jsonpatch library)."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import jsonpatch
import jsonpointer


class PatchFailure(Exception):
    """A patch that does not apply; the message says which operation and why."""


def apply_patch(target: dict[str, Any], operations: list[Any]) -> dict[str, Any]:
    """``target`` with ``operations`` applied; ``target`` itself is left alone."""
    try:
        patched = jsonpatch.JsonPatch(operations).apply(copy.deepcopy(target))
    except jsonpatch.JsonPatchTestFailed as exc:
        raise PatchFailure(f"a test operation failed: {exc}") from exc
    except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException) as exc:
        raise PatchFailure(str(exc)) from exc
    except (KeyError, IndexError, TypeError) as exc:
        # jsonpatch lets these through for pointers into the wrong kind of value.
        raise PatchFailure(f"the patch does not fit the record: {exc!r}") from exc
    if not isinstance(patched, dict):
        raise PatchFailure("the patch replaces the whole record with a non-mapping")
    return patched


@dataclass(frozen=True)
class View:
    """A record as its corrections left it."""

    data: dict[str, Any]
    origins: dict[str, str]  # JSON pointer -> the correction that last amended it
    skipped: tuple[tuple[str, PatchFailure], ...]  # corrections whose patch did not apply


def current_view(record: dict[str, Any], corrections: Iterable[tuple[str, list[Any]]]) -> View:
    """``record`` with each (correction id, patch) applied in the order given.

    Callers pass the corrections in force, in publication order. A patch that
    does not apply is skipped and named: the view goes on without it, and the
    caller says so where it reports.
    """
    view = record
    origins: dict[str, str] = {}
    skipped: list[tuple[str, PatchFailure]] = []
    for correction, operations in corrections:
        try:
            view = apply_patch(view, operations)
        except PatchFailure as exc:
            skipped.append((correction, exc))
            continue
        for operation in operations:
            if operation["op"] != "test":  # a test checks a field, it does not amend it
                origins[operation["path"]] = correction
    return View(view, origins, tuple(skipped))
