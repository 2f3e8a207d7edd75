"""The contract registry: every JSON Schema of the archive, resolved offline.

Contracts come from the archive's schemas/ directory, and the ones bundled
with the tool fill in any the archive does not carry. A validator is built
once per contract and reused for every record: schema checking and registry
building are the expensive parts.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource
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
                    schema = json.loads(file.read_bytes())
                except (OSError, ValueError):
                    continue  # reported by validate when it checks schemas/ itself
                if isinstance(schema, dict):
                    schemas[file.name.removesuffix(SCHEMA_SUFFIX)] = schema
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
            validator = Draft202012Validator(self._schemas[name], registry=self.registry)
            self._validators[name] = validator
        return validator

    def check(self, document: Document, name: str) -> list[Finding]:
        """Findings (rule SL103) for every way ``document`` breaks contract ``name``."""
        validator = self.validator(name)
        if validator is None:
            return []
        return [
            finding
            for error in validator.iter_errors(document.data)
            for finding in _located(document, name, best_match([error]))
        ]

    def is_valid(self, data: Any, name: str) -> bool:
        validator = self.validator(name)
        return validator is not None and validator.is_valid(data)

    def first_error(self, data: Any, name: str) -> str | None:
        """A one-line account of the first way ``data`` breaks ``name``, or None."""
        validator = self.validator(name)
        if validator is None:
            return f"unknown contract {name!r}"
        error = best_match(validator.iter_errors(data), key=_by_position)
        return None if error is None else f"{_pointer(error.absolute_path)}: {error.message}"


def _by_position(error: ValidationError) -> Any:
    return (-len(error.absolute_path),)


def _located(document: Document, contract: str, error: ValidationError) -> Iterator[Finding]:
    path = tuple(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
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
