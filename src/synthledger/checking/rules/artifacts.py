"""Artifacts: inside the paper folder, no symlinks, present, and matching their sha256;
a verified outcome names the artifacts it rests on, and the paper pins them."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from synthledger.checking.rules.base import Hit, RecordContext, rule
from synthledger.deriving.gate import REQUIRED_ROLES
from synthledger.deriving.patching import PatchFailure, apply_patch
from synthledger.deriving.view import corrections_in_issue_order
from synthledger.layout import FileKind
from synthledger.ledger.git import blob_bytes, stored_bytes

WITH_ARTIFACTS = (FileKind.SYNTHESIS, FileKind.VERIFICATION)
# What a passing verification must carry (gate.REQUIRED_ROLES), in words.
REQUIRED_WORDING = {
    "formal-proof": "a Lean 4 proof source (role proof-source)",
    "sandbox-reproduction": "a repro script and its results (roles repro-script and repro-results)",
}


def _artifacts(data: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    artifacts = data.get("artifacts")
    if not isinstance(artifacts, list):
        return []
    return [(i, entry) for i, entry in enumerate(artifacts) if isinstance(entry, dict)]


def _inside(ctx: RecordContext) -> Iterator[tuple[int, str, str]]:
    """(index, path, full path) of each artifact whose path stays in the folder
    (SL501 speaks for the others)."""
    folder = str(ctx.archive.path(ctx.folder))
    for index, entry in _artifacts(ctx.data):
        path = entry.get("path")
        if isinstance(path, str) and not escapes_folder(path):
            yield index, path, os.path.join(folder, path)


def escapes_folder(path: str) -> bool:
    """True for absolute paths and paths that climb out with '..'."""
    pure = PurePosixPath(path)
    first = pure.parts[0] if pure.parts else ""  # "." and "./" have no parts
    return pure.is_absolute() or ".." in pure.parts or "\\" in path or ":" in first


def sha256_of(file: str) -> str:
    with open(file, "rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def symlink_on_the_way(folder: str, relative: str) -> str | None:
    """The first component of ``relative`` under ``folder`` that is a symlink, if any."""
    current = folder
    for part in PurePosixPath(relative).parts:
        current = os.path.join(current, part)
        if os.path.islink(current):
            return current
    return None


@rule("SL501", WITH_ARTIFACTS)
def inside_folder(ctx: RecordContext) -> Iterator[Hit]:
    for index, entry in _artifacts(ctx.data):
        path = entry.get("path")
        if isinstance(path, str) and escapes_folder(path):
            yield Hit(
                ("artifacts", index, "path"),
                f"artifact path {path!r} leaves the paper folder: write it relative to "
                "the folder, e.g. artifacts/repro.py, without '..' or a leading '/'",
            )


@rule("SL502", WITH_ARTIFACTS)
def not_symlink(ctx: RecordContext) -> Iterator[Hit]:
    folder = str(ctx.archive.path(ctx.folder))
    for index, path, _ in _inside(ctx):
        link = symlink_on_the_way(folder, path)
        if link is not None:
            yield Hit(
                ("artifacts", index, "path"),
                f"artifact {path!r} goes through a symlink "
                f"({os.path.relpath(link, folder)}): commit the file itself",
            )


@rule("SL503", WITH_ARTIFACTS)
def exists(ctx: RecordContext) -> Iterator[Hit]:
    for index, path, full in _inside(ctx):
        try:
            mode = os.lstat(full).st_mode
        except (FileNotFoundError, NotADirectoryError):
            yield Hit(
                ("artifacts", index, "path"),
                f"artifact {path!r} does not exist in {ctx.folder}/: add the file or fix the path",
            )
        except OSError as error:
            yield Hit(
                ("artifacts", index, "path"),
                f"artifact {path!r} cannot be reached ({error.strerror}): "
                "make its folder readable (chmod u+rx)",
            )
        else:
            if not stat.S_ISLNK(mode) and not stat.S_ISREG(mode):
                yield Hit(("artifacts", index, "path"), f"artifact {path!r} is not a regular file")
            elif ctx.archive.staged is not None and _in_root(ctx, path) not in ctx.archive.staged:
                yield Hit(
                    ("artifacts", index, "path"),
                    f"artifact {path!r} is not staged, so the commit would not hold it: "
                    f"git add {_in_root(ctx, path)}",
                )


@rule("SL504", WITH_ARTIFACTS)
def matches_hash(ctx: RecordContext) -> Iterator[Hit]:
    folder = str(ctx.archive.path(ctx.folder))
    artifacts = ctx.data.get("artifacts", [])
    for index, path, full in _inside(ctx):
        expected = artifacts[index].get("sha256")
        if not isinstance(expected, str) or not os.path.isfile(full):
            continue
        if symlink_on_the_way(folder, path) is not None:
            continue
        try:
            actual = _committed_sha256(ctx, path, full, expected)
        except OSError as error:
            yield Hit(
                ("artifacts", index, "path"),
                f"artifact {path!r} cannot be read ({error.strerror}): make it readable "
                "(chmod u+r), so that its sha256 can be checked",
            )
            continue
        if actual is not None and actual != expected:
            yield Hit(
                ("artifacts", index, "sha256"),
                f"artifact {path!r} has sha256 {actual}, not the recorded {expected}: "
                "a published artifact never changes; restore it, or add a new file "
                "and a correction",
            )


def _in_root(ctx: RecordContext, path: str) -> str:
    """An artifact's path relative to the archive root."""
    return f"{ctx.folder}/{PurePosixPath(path).as_posix().removeprefix('./')}"


def _committed_sha256(ctx: RecordContext, path: str, full: str, expected: str) -> str | None:
    """The sha256 of the bytes git stores for an artifact, which is what a pin means.

    Under pre-commit, the staged bytes (None when unstaged: SL503 says so).
    Otherwise the working tree's, unless they differ only by what git's
    checkout made of them (core.autocrlf, .gitattributes): then the stored bytes.
    """
    root = ctx.archive.config.root
    relative = _in_root(ctx, path)
    if ctx.archive.staged is not None:
        blob = ctx.archive.staged.get(relative)
        return None if blob is None else hashlib.sha256(blob_bytes(root, blob)).hexdigest()
    actual = sha256_of(full)
    if actual != expected:
        stored = stored_bytes(root, relative)
        if stored is not None:
            return hashlib.sha256(stored).hexdigest()
    return actual


@rule("SL505", [FileKind.VERIFICATION])
def verified_has_artifacts(ctx: RecordContext) -> Iterator[Hit]:
    if ctx.data.get("outcome") != "verified":
        return
    method = ctx.data.get("method")
    if not isinstance(method, str) or method not in REQUIRED_ROLES:
        return
    roles = {entry.get("role") for _, entry in _artifacts(ctx.data)}
    missing = sorted(REQUIRED_ROLES[method] - roles)
    if missing:
        yield Hit(
            ("outcome",),
            f"outcome verified by {method} needs {REQUIRED_WORDING[method]}; "
            f"missing: {', '.join(missing)}. "
            "VERIFIED is never taken on trust: attach the artifacts",
        )


@rule("SL506", [FileKind.SYNTHESIS])
def named_artifacts_listed(ctx: RecordContext) -> Iterator[Hit]:
    listed = {entry.get("path") for _, entry in _artifacts(ctx.data)}
    provenance = ctx.data.get("provenance")
    report = provenance.get("report_artifact") if isinstance(provenance, dict) else None
    imported = ctx.data.get("imported")
    named: list[tuple[tuple[str, ...], Any]] = [
        (
            ("provenance", "report_artifact", "path"),
            report.get("path") if isinstance(report, dict) else None,
        ),
        (
            ("imported", "source"),
            imported.get("source") if isinstance(imported, dict) else None,
        ),
    ]
    for where, path in named:
        if isinstance(path, str) and path not in listed:
            yield Hit(
                where,
                f"{path!r} is not among the record's artifacts: list it there with its "
                "sha256 so that it is pinned",
            )


@rule("SL507", [FileKind.VERIFICATION])
def verified_artifacts_pinned(ctx: RecordContext) -> Iterator[Hit]:
    if ctx.data.get("outcome") != "verified":
        return
    pins = _paper_pins(ctx)
    if pins is None:
        return  # no readable synthesis: other findings say so
    paper = ctx.file.paper
    for index, entry in _artifacts(ctx.data):
        path, sha256 = entry.get("path"), entry.get("sha256")
        if not isinstance(path, str) or not isinstance(sha256, str):
            continue
        pinned = sorted(pin for pinned_path, pin in pins if pinned_path == path)
        if not pinned:
            yield Hit(
                ("artifacts", index, "path"),
                f"artifact {path!r} is not pinned by paper {paper!r} (neither its synthesis "
                "nor a correction lists it): a verified outcome rests only on what the paper "
                "pins; pin the file through a correction, then run the check again",
            )
        elif sha256 not in pinned:
            yield Hit(
                ("artifacts", index, "sha256"),
                f"artifact {path!r} has sha256 {sha256} here, but paper {paper!r} pins "
                f"{' or '.join(pinned)}: this verification checked other bytes than the "
                "paper publishes, so it cannot claim verified; run the check again",
            )


def _paper_pins(ctx: RecordContext) -> set[tuple[str, str]] | None:
    """(path, sha256) of every artifact any version of the paper pinned: the synthesis
    as published, then after each correction in (date, id) order. A verification
    stays true of the version it checked, even once a later correction changes the
    artifacts (the manifest then no longer counts it)."""
    paper = ctx.file.paper or ""
    synthesis = ctx.archive.paper_path(paper, "synthesis.yaml")
    if not ctx.archive.path(synthesis).is_file():
        return None
    document = ctx.archive.load(synthesis).document
    if document is None:
        return None
    view = document.data
    pins: set[tuple[str, str]] = set()
    for patch in (None, *_correction_patches(ctx, paper)):
        if patch is not None:
            try:
                view = apply_patch(view, patch)
            except PatchFailure:
                continue  # SL402 speaks for it
        for _, entry in _artifacts(view):
            pins.add((str(entry.get("path")), str(entry.get("sha256"))))
    return pins


def _correction_patches(ctx: RecordContext, paper: str) -> list[list[Any]]:
    def load(file: Path) -> dict[str, Any] | None:
        path = ctx.archive.paper_path(paper, "corrections", file.name)
        document = ctx.archive.load(path).document
        return document.data if document is not None else None

    folder = ctx.archive.path(ctx.archive.paper_path(paper))
    issued = corrections_in_issue_order(folder, load)
    return [c.data["patch"] for c in issued if isinstance(c.data.get("patch"), list)]
