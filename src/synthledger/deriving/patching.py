"""Corrections amend a record through RFC 6902 JSON Patch (the jsonpatch library)."""

from __future__ import annotations

import copy
from typing import Any


class PatchFailure(Exception):
    """A patch that does not apply; the message says which operation and why."""


def apply_patch(target: dict[str, Any], operations: list[Any]) -> dict[str, Any]:
    """``target`` with ``operations`` applied; ``target`` itself is left alone."""
    # Imported when a correction is applied: a hook checking a synthesis never pays for it.
    import jsonpatch
    import jsonpointer

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
