"""The contract registry: every JSON Schema of the archive, resolved offline.

Contracts come from the archive's schemas/ directory, and the ones bundled
with the tool fill in any the archive does not carry. A validator is built
once per contract and reused for every record: schema checking and registry
building are the expensive parts.

Two implementations of the same 2020-12 contract work together. jsonschema-rs
(compiled, about a hundred times faster) answers "is this record valid?", which
is the question for nearly every record; python-jsonschema, whose errors carry
paths and best matches, explains the rare record that is not, and its word is
final: a record jsonschema-rs doubts but python-jsonschema accepts is valid.
"""

from __future__ import annotations

import contextlib
import functools
import json
import re
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag, urljoin

import jsonschema_rs

from synthledger.config import ArchiveConfig
from synthledger.errors import SynthledgerError
from synthledger.findings import Finding, Severity
from synthledger.reading.document import Document

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator, FormatChecker
    from jsonschema.exceptions import ValidationError
    from referencing import Registry

# python-jsonschema (and referencing) are imported where a record is explained or
# a contract checked, not at start: a valid record never needs them, and they
# cost the pre-commit hook a third of its time to import.

SCHEMA_SUFFIX = ".json"
# Deeper contracts are refused (SL104): jsonschema checks a schema by recursion,
# a dozen frames a level, and Python's stack ends near 1000 frames. Ours reach 10.
MAX_CONTRACT_DEPTH = 64


# Formats whose meaning both validators must share: jsonschema-rs on its own takes
# leap seconds anywhere (23:59:60 on any day), which rfc3339-validator refuses.
# Both are given these functions: python-jsonschema's own for the two formats,
# held here so that checking a valid record needs no python-jsonschema.
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


def is_date(value: object) -> bool:
    """A ``date``: a calendar date written YYYY-MM-DD (python-jsonschema's check)."""
    if not isinstance(value, str):
        return True
    try:
        return bool(_DATE.fullmatch(value) and date.fromisoformat(value))
    except ValueError:
        return False


def is_date_time(value: object) -> bool:
    """A ``date-time``: RFC 3339, by rfc3339-validator (python-jsonschema's check)."""
    if not isinstance(value, str):
        return True
    return bool(_validate_rfc3339()(value.upper()))


@functools.cache
def _validate_rfc3339() -> Callable[[str], bool]:
    """rfc3339-validator's check: a dependency, but a missing one must not silently
    weaken every contract."""
    try:
        from rfc3339_validator import validate_rfc3339
    except ImportError:
        raise SynthledgerError(
            "the format date-time cannot be checked here: install rfc3339-validator "
            "(pip install synthledger installs it)"
        ) from None
    check: Callable[[str], bool] = validate_rfc3339
    return check


CHECKED_FORMATS: dict[str, Callable[[object], bool]] = {
    "date": is_date,
    "date-time": is_date_time,
}


def format_checker() -> FormatChecker:
    """python-jsonschema's format checker for 2020-12, with the two formats above
    checked by the functions jsonschema-rs is given."""
    from jsonschema import Draft202012Validator, FormatChecker

    checker = FormatChecker(())
    checker.checkers = dict(Draft202012Validator.FORMAT_CHECKER.checkers)
    for name, check in CHECKED_FORMATS.items():
        checker.checks(name)(check)
    return checker


class ContractTooDeep(ValueError):
    """A contract nested past MAX_CONTRACT_DEPTH."""

    def __init__(self) -> None:
        super().__init__(
            f"nested deeper than the limit of {MAX_CONTRACT_DEPTH} levels: "
            "flatten it with $defs and $ref"
        )


def contract_json(raw: bytes) -> Any:
    """The JSON value of a contract file's bytes.

    Raises ValueError (json.JSONDecodeError, UnicodeDecodeError) for what is
    not JSON, and ContractTooDeep for a value nested past the limit.
    """
    try:
        value = json.loads(raw)
    except RecursionError:
        raise ContractTooDeep from None
    pending = [(value, 1)]
    while pending:  # no recursion: the point is to stay off the stack's end
        node, depth = pending.pop()
        children = (
            node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        )
        if children and depth > MAX_CONTRACT_DEPTH:
            raise ContractTooDeep
        pending.extend((child, depth + 1) for child in children)
    return value


def bundled_contracts_dir() -> Path:
    """The contracts shipped with the tool.

    A wheel carries them as ``synthledger/_contracts``; a source checkout
    (editable install) reads the repository's top-level schemas/.
    """
    package_dir = Path(__file__).resolve().parent.parent
    shipped = package_dir / "_contracts"
    if shipped.is_dir():
        return shipped
    return package_dir.parent.parent / "schemas"


class Contracts:
    """Contracts by name (``synthesis-v1``), each validated against exactly its version."""

    def __init__(
        self,
        schemas: dict[str, dict[str, Any]],
        raw: dict[str, bytes] | None = None,
        refused: dict[str, str] | None = None,
    ) -> None:
        self._schemas = schemas
        # Contracts that cannot even be held (too deep), with why: their records get SL101.
        self._refused = refused or {}
        self._raw = (
            raw if raw is not None else {n: json.dumps(s).encode() for n, s in schemas.items()}
        )
        self._validators: dict[str, Draft202012Validator] = {}
        self._fast: dict[str, jsonschema_rs.Validator | None] = {}
        self._problems: dict[str, str | None] = {}  # every record of a contract asks

    @classmethod
    def from_dirs(cls, *dirs: Path) -> Contracts:
        """Load every ``*.json`` in ``dirs``; earlier directories win."""
        schemas: dict[str, dict[str, Any]] = {}
        raw: dict[str, bytes] = {}
        refused: dict[str, str] = {}
        for directory in reversed(dirs):
            for file in sorted(directory.glob(f"*{SCHEMA_SUFFIX}")):
                name = file.name.removesuffix(SCHEMA_SUFFIX)
                try:
                    content = file.read_bytes()
                    schema = contract_json(content)
                except ContractTooDeep as exc:
                    schemas.pop(name, None)
                    refused[name] = str(exc)
                    continue
                except (OSError, ValueError):
                    continue  # reported by validate when it checks schemas/ itself
                if isinstance(schema, dict):
                    refused.pop(name, None)
                    schemas[name], raw[name] = schema, content
        return cls(schemas, raw, refused)

    @classmethod
    def committed(cls, files: Mapping[str, bytes]) -> Contracts:
        """The contracts one commit holds (``files``: name -> bytes of its schemas/*.json),
        the bundled ones filling in the rest: what a manifest or page computed from that
        commit is checked against, never the working tree's."""
        bundled = cls.from_dirs(bundled_contracts_dir())
        schemas, raw = dict(bundled._schemas), dict(bundled._raw)
        refused: dict[str, str] = {}
        for file_name, content in sorted(files.items()):
            name = file_name.removesuffix(SCHEMA_SUFFIX)
            try:
                schema = contract_json(content)
            except ContractTooDeep as exc:
                schemas.pop(name, None)
                refused[name] = str(exc)
                continue
            except ValueError:
                continue  # reported by validate when it checks schemas/ itself
            if isinstance(schema, dict):
                schemas[name], raw[name] = schema, content
        return cls(schemas, raw, refused)

    @classmethod
    def for_archive(cls, config: ArchiveConfig) -> Contracts:
        """The archive's own contracts, with the bundled ones filling in the rest."""
        return cls.from_dirs(config.schemas_path, bundled_contracts_dir())

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self._schemas) | frozenset(self._refused)

    def schema(self, name: str) -> dict[str, Any] | None:
        return self._schemas.get(name)

    @cached_property
    def registry(self) -> Registry[Any]:
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT202012

        resources = [
            Resource.from_contents(schema, default_specification=DRAFT202012)
            for schema in self._schemas.values()
            # Anything else breaks the registry for every contract (SL104 says so).
            if isinstance(schema.get("$id"), str) and isinstance(schema.get("$schema", ""), str)
        ]
        return Registry().with_resources(
            (resource.id() or "", resource) for resource in resources if resource.id()
        )

    def problem(self, name: str) -> str | None:
        if name not in self._problems:
            self._problems[name] = self._find_problem(name)
        return self._problems[name]

    def _find_problem(self, name: str) -> str | None:
        if name in self._refused:
            return f"{name}{SCHEMA_SUFFIX} is not a valid contract ({self._refused[name]})"
        return self._find_unsound(name)

    def _find_unsound(self, name: str) -> str | None:
        """Why contract ``name`` cannot check records, or None when it can.

        A contract that is not a valid JSON Schema, or refers to one that is not,
        would fail on every record it meets. Only the contracts a record's contract
        reaches are checked: the metaschema check is slow, and a hook pays for it.
        """
        for reached in sorted(self._reachable(name)):
            error = schema_error(self._raw[reached])
            if error is not None:
                return f"{reached}{SCHEMA_SUFFIX} is not a valid contract ({error})"
        return None

    def _reachable(self, name: str) -> set[str]:
        """``name`` and every contract its ``$ref`` chains lead to."""
        by_id = {s["$id"]: n for n, s in self._schemas.items() if isinstance(s.get("$id"), str)}
        reached: set[str] = set()
        pending = [name] if name in self._schemas else []
        while pending:
            current = pending.pop()
            if current in reached:
                continue
            reached.add(current)
            schema = self._schemas[current]
            schema_id = schema.get("$id")
            base = schema_id if isinstance(schema_id, str) else ""
            for ref in _external_refs(schema):
                target = by_id.get(urldefrag(urljoin(base, ref)).url)
                if target is not None:
                    pending.append(target)
        return reached

    def fast_validator(self, name: str) -> jsonschema_rs.Validator | None:
        """The compiled validator of a sound contract ``name``; None when it cannot be built."""
        if name not in self._fast:
            self._fast[name] = None
            if name in self._schemas and self.problem(name) is None:
                _validate_rfc3339()  # a missing dependency is an error here, not in a record
                # If it cannot be built, python-jsonschema explains why, record by record.
                with contextlib.suppress(
                    jsonschema_rs.ReferencingError, jsonschema_rs.ValidationError, ValueError
                ):
                    self._fast[name] = jsonschema_rs.Draft202012Validator(
                        self._schemas[name],
                        registry=self._fast_registry,
                        validate_formats=True,
                        formats=CHECKED_FORMATS,  # so that both validators agree on them
                        offline=True,  # a $ref outside the registry fails; nothing is fetched
                    )
        return self._fast[name]

    @cached_property
    def _fast_registry(self) -> jsonschema_rs.Registry:
        return jsonschema_rs.Registry(
            [
                (schema["$id"], schema)
                for schema in self._schemas.values()
                if isinstance(schema.get("$id"), str)
            ]
        )

    def surely_valid(self, data: Any, name: str) -> bool:
        """True when the compiled validator accepts ``data``; False means "ask jsonschema"."""
        validator = self.fast_validator(name)
        if validator is None:
            return False
        try:
            return bool(validator.is_valid(data))
        except (ValueError, TypeError, OverflowError):
            return False  # a value it cannot represent (a huge int): let jsonschema judge

    def validator(self, name: str) -> Draft202012Validator | None:
        from jsonschema import Draft202012Validator

        validator = self._validators.get(name)
        if validator is None and name in self._schemas:
            validator = Draft202012Validator(
                self._schemas[name],
                registry=self.registry,
                format_checker=format_checker(),
            )
            self._validators[name] = validator
        return validator

    def check(self, document: Document, name: str) -> list[Finding]:
        """Findings (rule SL103) for every way ``document`` breaks contract ``name``.

        A contract that cannot check records gives one finding (SL101) instead.
        """
        if name not in self.names:
            return []
        problem = self.problem(name)
        if problem is None and self.surely_valid(document.data, name):
            return []
        validator = self.validator(name) if problem is None else None
        if validator is not None:
            from jsonschema.exceptions import best_match
            from referencing.exceptions import Unresolvable

            try:
                errors = list(validator.iter_errors(document.data))
            except Unresolvable as exc:
                problem = f"its $ref {exc.ref!r} does not resolve to a known contract"
            else:
                return [
                    finding
                    for error in errors
                    for finding in _located(document, name, best_match([error]))
                ]
        mark = document.locate(("contract",))
        message = f"contract {name} cannot check this record: {problem}; fix the contract first"
        return [Finding(document.path, mark.line, mark.column, "SL101", Severity.ERROR, message)]

    def first_error(self, data: Any, name: str) -> str | None:
        """A one-line account of the first way ``data`` breaks ``name``, or None."""
        if name in self._refused:
            return self.problem(name)
        if name not in self._schemas:
            return f"unknown contract {name!r}"
        if self.problem(name) is not None:
            return None  # the contract is at fault, and check() says so on its records
        if self.surely_valid(data, name):
            return None
        from jsonschema.exceptions import best_match
        from referencing.exceptions import Unresolvable

        validator = self.validator(name)
        assert validator is not None  # it has a schema
        try:
            error = best_match(validator.iter_errors(data), key=_by_position)
        except Unresolvable:
            return None
        return None if error is None else f"{_pointer(error.absolute_path)}: {error.message}"


@functools.lru_cache(maxsize=256)
def schema_error(raw: bytes) -> str | None:
    """Why the JSON in ``raw`` is not a valid JSON Schema object, or None if it is.

    A validator built from anything else fails on every record it meets, so no
    record is checked with it (see ``Contracts.problem``). Checked once per
    content: the metaschema check is slow. An archive's contracts are usually the
    bundled ones, byte for byte, and those are sound: the tool's tests check each
    against the metaschema, so a hook need not.
    """
    if raw in _bundled_contract_bytes():
        return None
    try:
        schema = contract_json(raw)
    except ContractTooDeep as exc:
        return str(exc)
    except ValueError as exc:
        return f"not valid JSON: {exc}"
    if not isinstance(schema, dict):
        return "a contract is a JSON Schema object"
    if _surely_a_schema(schema):
        return None
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        return f"not a valid JSON Schema 2020-12: {exc.message}"
    return None


def _surely_a_schema(schema: dict[str, Any]) -> bool:
    """True when the compiled 2020-12 metaschema accepts ``schema``; False means "ask
    python-jsonschema", which explains what is wrong and whose word is final.

    python-jsonschema's ``check_schema`` (about a tenth of a second a contract, which
    a hook pays) checks against the 2020-12 metaschema whatever ``$schema`` says, and
    checks formats (``pattern`` must be a Python regex) with its own format checker:
    the compiled check does the same, with that checker's functions, so that
    everything it accepts python-jsonschema accepts too.
    """
    try:
        return bool(_metaschema_validator().is_valid(schema))
    except (ValueError, TypeError, OverflowError):
        return False  # a value it cannot represent (a huge int): let jsonschema judge


@functools.cache
def _bundled_contract_bytes() -> frozenset[bytes]:
    files = sorted(bundled_contracts_dir().glob(f"*{SCHEMA_SUFFIX}"))
    return frozenset(file.read_bytes() for file in files)


@functools.cache
def _metaschema_validator() -> jsonschema_rs.Validator:
    from jsonschema import Draft202012Validator

    checker = Draft202012Validator.FORMAT_CHECKER  # the one check_schema uses

    def conforms(name: str) -> Callable[[str], bool]:
        return lambda value: checker.conforms(value, name)

    return jsonschema_rs.Draft202012Validator(
        Draft202012Validator.META_SCHEMA,
        validate_formats=True,
        # Every format that checker knows, with its meaning.
        formats={name: conforms(name) for name in checker.checkers},
        offline=True,
    )


def _external_refs(schema: Any) -> Iterator[str]:
    """Every ``$ref`` in ``schema`` that points outside it."""
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "$ref" and isinstance(value, str):
                if not value.startswith("#"):
                    yield value
            else:
                yield from _external_refs(value)
    elif isinstance(schema, list):
        for item in schema:
            yield from _external_refs(item)


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
