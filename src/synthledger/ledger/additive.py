"""The append-only rule: under the protected trees only additions pass.

A published file under records/ or schemas/ is never modified (not even its
whitespace), deleted, renamed, given another mode or replaced by a symlink.
The same judgement runs on the staged change (pre-commit), on base..head (CI),
on every commit since the root (audit) and on a push (pre-receive). Merge
commits are judged against their first parent: what a merge brings into the
main line is the merge's change.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from synthledger.config import ArchiveConfig
from synthledger.errors import SynthledgerError
from synthledger.findings import Finding, Severity
from synthledger.ledger.git import is_ancestor, resolve_commit, resolve_head
from synthledger.ledger.history import (
    Change,
    ChangeKind,
    Diff,
    first_parent_line,
    read_history,
    read_staged,
)

MODIFIED = "SL701"
DELETED = "SL702"
RENAMED = "SL703"
MODE_CHANGED = "SL704"
TYPE_CHANGED = "SL705"
HISTORY_REWRITTEN = "SL706"
NOT_FAST_FORWARD = "SL707"
PREDATES_ENFORCEMENT = "SL708"

# Findings about history as a whole, not one file, point at the archive root.
WHOLE_ARCHIVE = "."

_FILE_TYPES = {0o100000: "regular file", 0o120000: "symlink", 0o160000: "submodule"}


def check_staged(config: ArchiveConfig) -> list[Finding]:
    """The staged change against HEAD; with no commits yet, everything staged is an addition."""
    findings: list[Finding] = []
    for diff in read_staged(config.root, config.protected_dirs):
        findings.extend(_judge(diff, config, commit=None, enforced=True))
    return findings


def check_range(config: ArchiveConfig, base: str, head: str = "HEAD") -> list[Finding]:
    """Every first-parent commit in base..head, each against its first parent.

    ``base`` must be an ancestor of ``head``: otherwise published history was
    rewritten (or ``head`` is behind), which is itself an error.
    """
    # Shallow clones are refused first: in one, base looks unrelated to head.
    head_sha = resolve_head(config.root, head)
    base_sha = resolve_commit(config.root, base)
    if head_sha is None:  # no commits: nothing was ever published
        return []
    findings: list[Finding] = []
    if not is_ancestor(config.root, base_sha, head_sha):
        message = (
            f"history was rewritten: {base} ({base_sha[:12]}) is not an ancestor of {head} "
            f"({head_sha[:12]}); published history is never rewritten: if {head} is only "
            f"behind, merge {base} into it, otherwise put back the commits that were dropped"
        )
        findings.append(history_finding(HISTORY_REWRITTEN, message, head_sha))
    findings.extend(check_commits(config, head_sha, exclude=[base_sha]))
    return findings


def check_all(config: ArchiveConfig) -> list[Finding]:
    """Every commit of the first-parent line of HEAD, from the root."""
    return check_commits(config, "HEAD")


def check_commits(
    config: ArchiveConfig, head: str, *, exclude: Sequence[str] = ()
) -> list[Finding]:
    """The first-parent commits of ``head`` not reachable from ``exclude`` (commit hashes).

    Changes made at or before ``config.enforce_from`` are warnings (SL708).
    """
    history = read_history(config.root, rev=head, pathspecs=config.protected_dirs, exclude=exclude)
    if not history.changes:
        return []
    enforced = _enforced_commits(config, head, exclude)
    findings: list[Finding] = []
    for change in history.changes:
        sha = change.commit.sha
        findings.extend(
            _judge(change, config, commit=sha, enforced=enforced is None or sha in enforced)
        )
    return findings


def history_finding(rule: str, message: str, commit: str) -> Finding:
    """An error about history as a whole (SL706, SL707), located at the archive root."""
    return Finding(WHOLE_ARCHIVE, 1, 1, rule, Severity.ERROR, message, commit=commit)


def _enforced_commits(
    config: ArchiveConfig, head: str, exclude: Sequence[str]
) -> Collection[str] | None:
    """The commits after ``enforce_from`` on the first-parent line; None: all are enforced."""
    if config.enforce_from is None:
        return None
    try:
        start = resolve_commit(config.root, config.enforce_from)
    except SynthledgerError as exc:
        raise SynthledgerError(
            f"[tool.synthledger] enforce-from {config.enforce_from!r} is not a commit of this "
            "repository: set it to the hash of the last commit made before enforcement, "
            "and fetch full history"
        ) from exc
    return {sha for sha, _ in first_parent_line(config.root, head, exclude=[start, *exclude])}


def _judge(
    change: Change | Diff, config: ArchiveConfig, *, commit: str | None, enforced: bool
) -> list[Finding]:
    """What, if anything, ``change`` did to a published file."""
    published = change.old_path
    if published is None or not _protected(published, config.protected_dirs):
        return []  # an addition, or a file that came from outside the protected trees
    violations: list[tuple[str, str]] = []
    if change.kind is ChangeKind.MODIFIED:
        violations.append((MODIFIED, "was modified"))
    elif change.kind is ChangeKind.DELETED:
        violations.append((DELETED, "was deleted"))
    elif change.kind is ChangeKind.RENAMED:
        violations.append((RENAMED, f"was renamed to {change.path}"))
    elif change.kind is ChangeKind.TYPE_CHANGED:
        violations.append((TYPE_CHANGED, f"was replaced by a {_file_type(change.new_mode)}"))
    mode_changed = change.kind in (ChangeKind.MODIFIED, ChangeKind.MODE_CHANGED)
    if mode_changed and change.old_mode != change.new_mode:
        what = f"changed mode from {change.old_mode} to {change.new_mode}"
        violations.append((MODE_CHANGED, what))

    where = "in the staged change" if commit is None else f"in commit {commit[:12]}"
    findings = []
    for rule, what in violations:
        if enforced:
            message = f"published file {what} {where}: {_fix(rule, change, config)}"
            severity = Severity.ERROR
        else:
            message = (
                f"published file {what} {where}, which predates enforcement "
                f"(enforce-from {config.enforce_from}): reported, not refused"
            )
            rule, severity = PREDATES_ENFORCEMENT, Severity.WARNING
        findings.append(Finding(published, 1, 1, rule, severity, message, commit=commit))
    return findings


def _fix(rule: str, change: Change | Diff, config: ArchiveConfig) -> str:
    """Why the change is refused and what to do instead."""
    path = change.old_path or change.path
    if rule == RENAMED:
        return f"published paths are permanent; move it back to {path}"
    if rule == MODE_CHANGED:
        return f"published files never change; restore mode {change.old_mode}"
    if rule == TYPE_CHANGED:
        return f"published files never change; restore the {_file_type(change.old_mode)}"
    if _protected(path, (config.schemas_dir,)):
        if rule == MODIFIED:
            return (
                "published contracts are never edited; revert it and add a new contract "
                "version as a new file instead"
            )
        return (
            "published contracts are never deleted; restore it: records published under "
            "it are checked against it for ever"
        )
    paper = _paper_dir(path, config.records_dir)
    if paper is not None:
        corrections = f"{paper}/corrections/"
        if rule == MODIFIED:
            return (
                "published records are never edited; revert it and add a correction under "
                f"{corrections} instead"
            )
        return (
            "published records are never deleted; restore it, and retract or withdraw the "
            f"paper with a correction under {corrections} instead"
        )
    folder = path.rpartition("/")[0]
    if rule == MODIFIED:
        return (
            "published records are never edited; revert it and add a new record under "
            f"{folder}/ instead"
        )
    return (
        "published records are never deleted; restore it, and supersede it with a new "
        f"record under {folder}/ instead"
    )


def _paper_dir(path: str, records_dir: str) -> str | None:
    """``records/papers/<id>`` for a file inside a paper's folder."""
    parts = path.split("/")
    base = records_dir.strip("/").split("/")
    depth = len(base)
    if parts[:depth] == base and len(parts) > depth + 2 and parts[depth] == "papers":
        return "/".join(parts[: depth + 2])
    return None


def _protected(path: str, directories: Sequence[str]) -> bool:
    for directory in directories:
        top = directory.strip("/").removeprefix("./")
        if path == top or path.startswith(f"{top}/"):
            return True
    return False


def _file_type(mode: str | None) -> str:
    return _FILE_TYPES.get(int(mode or "0", 8) & 0o170000, f"mode {mode}")
