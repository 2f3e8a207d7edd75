"""What is measured: each case is synthledger's command beside its floor, git's own
command for the same work, on a built archive."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from benchmarks.archive import DOI_GRADE_EXAMPLE, EXAMPLE, Built, paper_folder, paper_id

Command = list[str | Path]


@dataclass(frozen=True)
class Target:
    """What the issue asks of a case; None where it asks nothing."""

    seconds: float | None = None
    peak_mb: float | None = None
    ratio: float | None = None  # figure / floor

    def __str__(self) -> str:
        parts = []
        if self.seconds is not None:
            parts.append(f"< {self.seconds:g} s")
        if self.ratio is not None:
            parts.append(f"< {self.ratio:g}x floor")
        if self.peak_mb is not None:
            parts.append(f"< {self.peak_mb:g} MB")
        return ", ".join(parts)


@dataclass(frozen=True)
class Case:
    name: str
    what: str
    command: Callable[[Path, Built, Path], Command]  # (synthledger, archive, scratch dir)
    floor: Callable[[Built, Path], Command]  # (archive, scratch dir)
    target: Target
    # Run once before timing (e.g. a build at HEAD~1 that fills the cache); not timed.
    prepare: Callable[[Path, Built, Path], Command] | None = None
    accept: tuple[int, ...] = (0,)
    example: str = EXAMPLE  # the paper the archive's papers are copies of


def _git_log(_: Built, __: Path) -> Command:
    return ["git", "log", "--first-parent", "--name-status"]


def _git_diff_range(_: Built, __: Path) -> Command:
    return ["git", "diff", "--raw", "HEAD~1", "HEAD"]


def _manifest_cached(tool: Path, scratch: Path) -> Command:
    return [tool, "manifest", "--out", scratch / "m", "--cache", scratch / "cache"]


def _synthesis(built: Built) -> str:
    return f"{built.pull_request_folder}/synthesis.yaml"


COMMIT_SCRIPT = Path(__file__).resolve().parent / "commit.py"


def _prepare_commit(_: Path, built: Built, scratch: Path) -> Command:
    # A folder the archive does not hold (ids go up to papers - 1), beside the others.
    new_folder = paper_folder(paper_id(built.papers), built.layout)
    return [
        sys.executable,
        COMMIT_SCRIPT,
        "prepare",
        scratch,
        built.pull_request_folder,
        new_folder,
    ]


def _commit(kind: str, scratch: Path) -> Command:
    return [sys.executable, COMMIT_SCRIPT, "commit", scratch, kind]


CORRECTION_SCRIPT = Path(__file__).resolve().parent / "correction.py"


def _prepare_correction(tool: Path, built: Built, scratch: Path) -> Command:
    # The archive's first paper: its records are the oldest.
    folder = paper_folder(paper_id(0), built.layout)
    return [sys.executable, CORRECTION_SCRIPT, tool, scratch, folder]


def _site_cached(tool: Path, built: Built, scratch: Path) -> Command:
    return [tool, "site", "--out", scratch / "site", "--cache", scratch / "cache"]


CASES: tuple[Case, ...] = (
    Case(
        "check-pr",
        "check --base HEAD~1 (CI on a one-paper pull request)",
        lambda tool, built, _: [tool, "check", "--base", "HEAD~1", "--root", built.root],
        _git_diff_range,
        Target(seconds=2.0, peak_mb=150),
    ),
    Case(
        "check-pr-correction",
        "check --base HEAD~1 (CI on a pull request correcting the oldest paper; a shared clone)",
        lambda tool, built, scratch: [tool, "check", "--base", "HEAD~1", "--root", scratch / "pr"],
        lambda _, scratch: ["git", "-C", scratch / "pr", "diff", "--raw", "HEAD~1", "HEAD"],
        Target(seconds=2.0, peak_mb=150),
        prepare=_prepare_correction,
    ),
    Case(
        "additive-pr",
        "additive --base HEAD~1",
        lambda tool, built, _: [tool, "additive", "--base", "HEAD~1", "--root", built.root],
        _git_diff_range,
        Target(),
    ),
    Case(
        "validate-file",
        "validate FILE (the pre-commit hook)",
        lambda tool, built, _: [tool, "validate", _synthesis(built), "--root", built.root],
        lambda built, _: ["git", "hash-object", _synthesis(built)],
        Target(seconds=0.3),
    ),
    # What a flat folder costs per commit, each beside the same work on a commit or a
    # walk that does not look inside records/papers/.
    Case(
        "commit-paper",
        "a commit adding one paper folder (update-index, write-tree, commit-tree)",
        lambda _, __, scratch: _commit("paper", scratch),
        lambda _, scratch: _commit("notes", scratch),  # the same for notes/log.txt
        Target(),
        prepare=_prepare_commit,
    ),
    Case(
        "log-paper",
        "git log --oneline -- FOLDER (one paper's history)",
        lambda _, built, __: ["git", "log", "--oneline", "--", built.pull_request_folder],
        lambda _, __: ["git", "log", "--oneline"],  # the same walk, no tree read
        Target(),
    ),
    Case(
        "diff-stat",
        "git diff --stat HEAD~1 HEAD (the pull request's diff)",
        lambda _, __, ___: ["git", "diff", "--stat", "HEAD~1", "HEAD"],
        lambda _, __: ["git", "diff", "--stat", "HEAD~2", "HEAD~1"],  # the notes commit's
        Target(),
    ),
    Case(
        "check-all",
        "check (the whole archive: every file, all history, every manifest)",
        lambda tool, built, _: [tool, "check", "--root", built.root],
        _git_log,
        Target(),  # the issue sets none; its memory should stay flat all the same
    ),
    Case(
        "manifest-all",
        "manifest --out DIR (all papers, a fresh DIR)",
        lambda tool, built, scratch: [tool, "manifest", "--out", scratch / "manifests"],
        _git_log,
        Target(ratio=3.0, peak_mb=300),
    ),
    Case(
        "manifest-jobs-2",
        "manifest --out DIR --jobs 2 (all papers, two processes)",
        lambda tool, built, scratch: [tool, "manifest", "--out", scratch / "m", "--jobs", "2"],
        _git_log,
        Target(ratio=3.0, peak_mb=300),
    ),
    Case(
        "manifest-cache-one-new-paper",
        "manifest --out DIR --cache C after one new paper (DIR and C hold the build at HEAD~1)",
        lambda tool, built, scratch: _manifest_cached(tool, scratch),
        _git_diff_range,  # what changed: the one new paper
        Target(),
        prepare=lambda tool, built, scratch: [*_manifest_cached(tool, scratch), "--rev", "HEAD~1"],
    ),
    Case(
        "site-all",
        "site --out DIR (the whole site, a fresh DIR)",
        lambda tool, built, scratch: [tool, "site", "--out", scratch / "site"],
        _git_log,
        Target(seconds=120, peak_mb=300),
    ),
    Case(
        "site-jobs-2",
        "site --out DIR --jobs 2 (the whole site, two processes)",
        lambda tool, built, scratch: [tool, "site", "--out", scratch / "site", "--jobs", "2"],
        _git_log,
        Target(seconds=120, peak_mb=300),
    ),
    Case(
        "site-cache-one-new-paper",
        "site --out DIR --cache C after one new paper (DIR and C hold the build at HEAD~1)",
        lambda tool, built, scratch: _site_cached(tool, built, scratch),
        _git_diff_range,  # what changed: the one new paper
        Target(seconds=3.0),
        # Untimed, so on every core: the whole site at HEAD~1.
        prepare=lambda tool, built, scratch: [
            *_site_cached(tool, built, scratch),
            "--rev",
            "HEAD~1",
            "--jobs",
            str(os.cpu_count() or 1),
        ],
    ),
    Case(
        "export-jsonl",
        "export --to jsonl --out FILE (the bulk file, every manifest)",
        lambda tool, built, scratch: [
            tool,
            "export",
            "--to",
            "jsonl",
            "--out",
            scratch / "a.jsonl",
        ],
        _git_log,
        Target(),
    ),
    Case(
        "export-crossref",
        "export --to crossref --out FILE (a deposit of every paper: all DOI grade)",
        lambda tool, built, scratch: [
            tool,
            "export",
            "--to",
            "crossref",
            "--out",
            scratch / "d.xml",
        ],
        _git_log,
        Target(),
        example=DOI_GRADE_EXAMPLE,
    ),
)
