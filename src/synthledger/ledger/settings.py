"""The settings that decide protection, read from the trusted side and judged when they change.

``[tool.synthledger]`` says what is protected: records-dir, schemas-dir,
enforce-from and the main branch. A change under judgement must not be able
to move them out of its own way, so they are read from a commit already
trusted (the base, the anchor, the published tip), never from the working
tree or the change itself. A change to them is judged too: it may make
protection stricter, never looser. A protected folder never moves, the main
branch is never renamed, and enforce-from is set once, to a commit already on
the first-parent line, and never changed after.
"""

from __future__ import annotations

from pathlib import Path

from synthledger.config import ArchiveConfig, config_from_toml, load_config
from synthledger.errors import SynthledgerError
from synthledger.ledger.git import git, resolve_commit, resolve_head
from synthledger.ledger.mainline import on_first_parent_line

PYPROJECT = "pyproject.toml"


def config_at(repo_dir: Path, commit: str, *, records_dir: str | None = None) -> ArchiveConfig:
    """``[tool.synthledger]`` from ``commit``'s pyproject.toml; the defaults without one."""
    listing = git(repo_dir, "ls-tree", "-z", commit, "--", PYPROJECT)
    blob = listing.split()[2] if listing else None
    source = f"{commit[:12]}:{PYPROJECT}"
    return _config_of_blob(repo_dir, blob, source=source, override=records_dir)


def committed_config(root: Path, *, records_dir: str | None = None) -> ArchiveConfig:
    """The settings HEAD committed; the working tree's only before the first commit."""
    head = resolve_head(root, full_history=False)
    if head is None:
        return load_config(root, records_dir=records_dir)
    return config_at(root, head, records_dir=records_dir)


def settings_change_problems(
    config: ArchiveConfig, old_blob: str | None, new_blob: str | None, parent: str | None
) -> list[tuple[str, str]]:
    """What a commit whose pyproject.toml went from ``old_blob`` to ``new_blob`` loosened,
    as (what happened, how to fix it) pairs.

    ``parent`` is the commit's first parent: a newly set enforce-from must
    name a commit of its first-parent line, already published and judged.
    """
    repo_dir = config.root
    try:
        old = _config_of_blob(repo_dir, old_blob, source=f"{PYPROJECT} before")
    except SynthledgerError:
        old = None  # a broken file protected nothing more than the defaults
    try:
        new = _config_of_blob(repo_dir, new_blob, source=PYPROJECT)
    except SynthledgerError as exc:
        return [(f"{PYPROJECT} cannot be read", f"the protected settings must be readable: {exc}")]
    old = old or ArchiveConfig(root=repo_dir)
    problems: list[tuple[str, str]] = []
    for name, before, after in (
        ("records-dir", old.records_dir, new.records_dir),
        ("schemas-dir", old.schemas_dir, new.schemas_dir),
    ):
        if before != after:
            problems.append(
                (
                    f"[tool.synthledger] {name} moved from {before!r} to {after!r}",
                    f"a protected folder never moves; set {name} back to {before!r}",
                )
            )
    if old.main_branch != new.main_branch:
        problems.append(
            (
                f"[tool.synthledger] main-branch changed from {old.main_branch!r} to "
                f"{new.main_branch!r}",
                "the main branch is never renamed; set it back",
            )
        )
    if old.enforce_from is not None and new.enforce_from != old.enforce_from:
        problems.append(
            (
                f"[tool.synthledger] enforce-from changed from {old.enforce_from!r} to "
                f"{new.enforce_from!r}",
                "enforce-from is set once and never changed; set it back",
            )
        )
    elif old.enforce_from is None and new.enforce_from is not None:
        problem = _new_enforcement_problem(repo_dir, new.enforce_from, parent)
        if problem is not None:
            problems.append(problem)
    return problems


def _new_enforcement_problem(
    repo_dir: Path, enforce_from: str, parent: str | None
) -> tuple[str, str] | None:
    try:
        start = resolve_commit(repo_dir, enforce_from)
    except SynthledgerError:
        start = None
    if start is not None and parent is not None and on_first_parent_line(repo_dir, start, parent):
        return None
    return (
        f"[tool.synthledger] enforce-from set to {enforce_from!r}, which is not on the "
        "first-parent line before this commit",
        "enforcement starts at a commit already published; set it to the hash of the "
        "last commit made before enforcement",
    )


def _config_of_blob(
    repo_dir: Path, blob: str | None, *, source: str, override: str | None = None
) -> ArchiveConfig:
    root = repo_dir.resolve()
    if blob is None:
        return ArchiveConfig(root=root, **({"records_dir": override} if override else {}))
    text = git(repo_dir, "cat-file", "blob", blob)
    return config_from_toml(text, root, source=source, records_dir=override)
