"""The contract registry: every JSON Schema of the archive, resolved offline.

Contracts come from the archive's schemas/ directory, and the ones bundled
with the tool fill in any the archive does not carry. A validator is built
once per contract and reused for every record: schema checking and registry
building are the expensive parts.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError, ValidationError, best_match
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

from synthledger.findings import Finding, Severity
from synthledger.load import Document

SCHEMA_SUFFIX = ".json"


def bundled_contracts_dir() -> Path:
    """The contracts shipped with the tool.

    A wheel carries them as ``synthledger/_contracts``; a source checkout
    (editable install) reads the repository's top-level schemas/.
    """
    package_dir = Path(__file__).resolve().parent
    shipped = package_dir / "_contracts"
    if shipped.is_dir():
        return shipped
    return package_dir.parent.parent / "schemas"


class Contracts:
    """Contracts by name (``synthesis-v1``), each validated against exactly its version."""

    def __init__(self, schemas: dict[str, dict[str, Any]]) -> None:
        self._schemas = schemas
        self._validators: dict[str, Draft202012Validator] = {}

    @classmethod
    def from_dirs(cls, *dirs: Path) -> Contracts:
        """Load every ``*.json`` in ``dirs``; earlier directories win."""
        schemas: dict[str, dict[str, Any]] = {}
        for directory in reversed(dirs):
            for file in sorted(directory.glob(f"*{SCHEMA_SUFFIX}")):
                try:
                    raw = file.read_bytes()
                except OSError:
                    continue  # reported by validate when it checks schemas/ itself
                if _is_schema(raw):  # else validate reports it (SL104)
                    schemas[file.name.removesuffix(SCHEMA_SUFFIX)] = json.loads(raw)
        return cls(schemas)

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self._schemas)

    def schema(self, name: str) -> dict[str, Any] | None:
        return self._schemas.get(name)

    @cached_property
    def registry(self) -> Registry[Any]:
        resources = [
            Resource.from_contents(schema, default_specification=DRAFT202012)
            for schema in self._schemas.values()
        ]
        return Registry().with_resources(
            (resource.id() or "", resource) for resource in resources if resource.id()
        )

    def validator(self, name: str) -> Draft202012Validator | None:
        validator = self._validators.get(name)
        if validator is None and name in self._schemas:
            validator = Draft202012Validator(
                self._schemas[name],
                registry=self.registry,
                format_checker=Draft202012Validator.FORMAT_CHECKER,
            )
            self._validators[name] = validator
        return validator

    def check(self, document: Document, name: str) -> list[Finding]:
        """Findings (rule SL103) for every way ``document`` breaks contract ``name``."""
        validator = self.validator(name)
        if validator is None:
            return []
        try:
            errors = list(validator.iter_errors(document.data))
        except Unresolvable as exc:
            mark = document.locate(("contract",))
            message = (
                f"contract {name} cannot check this record: its $ref {exc.ref!r} does not "
                f"resolve to a known contract; fix the $ref in {name}{SCHEMA_SUFFIX}"
            )
            return [
                Finding(document.path, mark.line, mark.column, "SL101", Severity.ERROR, message)
            ]
        return [
            finding for error in errors for finding in _located(document, name, best_match([error]))
        ]

    def is_valid(self, data: Any, name: str) -> bool:
        validator = self.validator(name)
        return validator is not None and validator.is_valid(data)

    def first_error(self, data: Any, name: str) -> str | None:
        """A one-line account of the first way ``data`` breaks ``name``, or None."""
        validator = self.validator(name)
        if validator is None:
            return f"unknown contract {name!r}"
        try:
            error = best_match(validator.iter_errors(data), key=_by_position)
        except Unresolvable:
            return None  # the contract is at fault, and check() says so on the record
        return None if error is None else f"{_pointer(error.absolute_path)}: {error.message}"


@functools.lru_cache(maxsize=256)
def _is_schema(raw: bytes) -> bool:
    """Whether ``raw`` is a valid JSON Schema object.

    A validator built from anything else fails on every record it meets (or its
    registry fails to build), so such a file is never used. Checked once per
    content: the archive's contracts are usually the bundled ones, byte for byte.
    """
    try:
        schema = json.loads(raw)
        Draft202012Validator.check_schema(schema)
    except (ValueError, SchemaError):
        return False
    return isinstance(schema, dict)


def _by_position(error: ValidationError) -> Any:
    return (-len(error.absolute_path),)


def _located(document: Document, contract: str, error: ValidationError) -> Iterator[Finding]:
    path = tuple(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        schema = error.schema if isinstance(error.schema, dict) else {}
        allowed = set(schema.get("properties", {}))
        for key in sorted(set(error.instance) - allowed):
            mark = document.locate_key((*path, key))
            yield Finding(
                document.path,
                mark.line,
                mark.column,
                "SL103",
                Severity.ERROR,
                f"{_pointer((*path, key))}: unknown field {key!r} in contract {contract}; "
                f"allowed here: {', '.join(sorted(allowed)) or 'none'}",
            )
        return
    mark = document.locate(path)
    message = f"{_pointer(path)}: {error.message}"
    description = error.schema.get("description") if isinstance(error.schema, dict) else None
    if isinstance(description, str) and error.validator not in ("required",):
        message += f" (expected: {description})"
    yield Finding(
        document.path, mark.line, mark.column, "SL103", Severity.ERROR, f"{message} [{contract}]"
    )


def _pointer(path: tuple[Any, ...] | Any) -> str:
    parts = [str(part).replace("~", "~0").replace("/", "~1") for part in path]
    return "/" + "/".join(parts) if parts else "/"
