"""A git server's pre-receive hook: the main branch only ever grows by additions.

For self-hosted remotes (Gitea, GitLab, plain git); hooks/pre-receive runs
``python -m synthledger.prereceive``. git passes one ``old new ref`` line per
updated ref on stdin, and a non-zero exit refuses the whole push. On the main
branch this refuses a deletion, a push that is not a fast-forward or whose
old tip is not on the new tip's first-parent line, and any new commit that
breaks the additive-only rule or loosens the protected settings. Other
branches and tags pass; every other ref is refused, refs/replace/* first of
all: a replacement object makes a server and its mirrors show content that was
never committed. A bare repository has no work tree, so ``[tool.synthledger]``
is read from the published tip (the pushed commit only for a new branch), and
each pushed change to it is judged, so no sequence of pushes loosens it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple, TextIO

from synthledger.config import ArchiveConfig
from synthledger.errors import SynthledgerError
from synthledger.findings import Finding, exit_status
from synthledger.ledger.additive import (
    NOT_FAST_FORWARD,
    OFF_THE_LINE,
    UNJUDGED_REF,
    check_all,
    check_commits,
    history_finding,
)
from synthledger.ledger.git import is_ancestor
from synthledger.ledger.mainline import off_line_message, on_first_parent_line
from synthledger.ledger.settings import config_at as _config_at
from synthledger.report import report


class RefUpdate(NamedTuple):
    old: str
    new: str
    ref: str


def parse_updates(lines: Iterable[str]) -> list[RefUpdate]:
    updates = []
    for line in lines:
        fields = line.split()
        if not fields:
            continue
        if len(fields) != 3:
            raise SynthledgerError(f"pre-receive expects 'old new ref' lines, got {line!r}")
        updates.append(RefUpdate(*fields))
    return updates


def check_push(repo_dir: Path, updates: Sequence[RefUpdate]) -> list[Finding]:
    findings: list[Finding] = []
    for update in updates:
        findings.extend(check_update(repo_dir, update))
    return findings


def check_update(repo_dir: Path, update: RefUpdate) -> list[Finding]:
    old, new = update.old, update.new
    deleting = _is_zero(new)
    if not update.ref.startswith(("refs/heads/", "refs/tags/")):
        return [_refused_ref(update)]
    # The rules in force are the ones already published: a push must not be
    # able to move records-dir and edit a record in one go.
    config = config_at(repo_dir, new if _is_zero(old) else old)
    branch = config.main_branch
    if update.ref != f"refs/heads/{branch}":
        return []
    if deleting:
        message = (
            f"push would delete the main branch {branch}: published history is permanent; "
            "the main branch is never deleted"
        )
        return [history_finding(NOT_FAST_FORWARD, message, old)]
    if _is_zero(old):
        # A new main branch: judge all of it, so that an edit pushed earlier to
        # another branch cannot become main unjudged.
        return check_all(config, new)
    if not is_ancestor(repo_dir, old, new):
        message = (
            f"push to {branch} is not a fast-forward: {old[:12]} is not an ancestor of "
            f"{new[:12]}; published history is never rewritten: fetch, merge and push "
            "again without --force"
        )
        return [history_finding(NOT_FAST_FORWARD, message, new)]
    findings = []
    if not on_first_parent_line(repo_dir, old, new):
        # A fast-forward that reaches the old tip only through a second parent
        # (main merged into a branch, pushed as main; or an orphan merged with
        # -s ours) changes which commit published each file.
        message = off_line_message(
            f"the published tip of {branch}", old, f"the pushed {branch}", new
        )
        findings.append(history_finding(OFF_THE_LINE, message, new))
    findings.extend(check_commits(config, new, exclude=[old]))
    return findings


def config_at(repo_dir: Path, commit: str) -> ArchiveConfig:
    """``[tool.synthledger]`` from ``commit``'s pyproject.toml; defaults without one."""
    return _config_at(repo_dir, commit)


def _refused_ref(update: RefUpdate) -> Finding:
    what = update.new if not _is_zero(update.new) else update.old
    if update.ref.startswith("refs/replace/"):
        return history_finding(
            UNJUDGED_REF,
            f"push to {update.ref} refused: a replacement object makes git show content "
            "that was never committed, to this server and every mirror; the archive "
            "changes only by new commits on its main branch",
            what,
        )
    return history_finding(
        UNJUDGED_REF,
        f"push to {update.ref} refused: this archive accepts branches (refs/heads/*; "
        "the main branch is judged) and tags (refs/tags/*) only; push a branch instead",
        what,
    )


def main(argv: Sequence[str] | None = None, stdin: TextIO | None = None) -> int:
    """Run as git's pre-receive hook, in the receiving repository."""
    try:
        findings = check_push(Path.cwd(), parse_updates(stdin or sys.stdin))
    except SynthledgerError as exc:
        # Fail closed: a push that cannot be checked is refused.
        print(f"synthledger: error: {exc}", file=sys.stderr)
        return 2
    if findings:
        report(findings, "text", stream=sys.stderr)
    return exit_status(findings)


def _is_zero(sha: str) -> bool:
    return not sha.strip("0")


if __name__ == "__main__":
    raise SystemExit(main())
