"""A git server's pre-receive hook: the main branch only ever grows by additions.

For self-hosted remotes (Gitea, GitLab, plain git); hooks/pre-receive runs
``python -m synthledger.ledger.prereceive``. git passes one ``old new ref`` line per
updated ref on stdin, and a non-zero exit refuses the whole push. On the main
branch this refuses a deletion, a push that is not a fast-forward or that
would rewrite the first-parent line, and any new commit that breaks the
additive-only rule. Other refs pass. A bare repository has no work tree, so
``[tool.synthledger]`` is read from the pushed commit's pyproject.toml.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple, TextIO

from synthledger.config import ArchiveConfig, config_from_toml
from synthledger.errors import SynthledgerError
from synthledger.findings import Finding, exit_status
from synthledger.ledger.additive import NOT_FAST_FORWARD, check_commits, history_finding
from synthledger.ledger.git import git, is_ancestor
from synthledger.ledger.history import first_parent_line
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
        return check_commits(config, new)
    if not is_ancestor(repo_dir, old, new):
        message = (
            f"push to {branch} is not a fast-forward: {old[:12]} is not an ancestor of "
            f"{new[:12]}; published history is never rewritten: fetch, merge and push "
            "again without --force"
        )
        return [history_finding(NOT_FAST_FORWARD, message, new)]
    findings = []
    line = first_parent_line(repo_dir, new, exclude=[old])
    if line and line[-1][1][:1] != (old,):
        # A fast-forward that reaches the old tip only through a second parent
        # (main merged into a branch, pushed as main) changes which commit
        # published each file.
        message = (
            f"push to {branch} would rewrite its first-parent line: {old[:12]} is not the "
            f"first parent of the oldest pushed commit; merge your branch into {branch} "
            f"(git merge --no-ff) instead of merging {branch} into your branch"
        )
        findings.append(history_finding(NOT_FAST_FORWARD, message, new))
    findings.extend(check_commits(config, new, exclude=[old]))
    return findings


def config_at(repo_dir: Path, commit: str) -> ArchiveConfig:
    """``[tool.synthledger]`` from ``commit``'s pyproject.toml; defaults without one."""
    root = repo_dir.resolve()
    listing = git(repo_dir, "ls-tree", "-z", commit, "--", "pyproject.toml")
    if not listing:
        return ArchiveConfig(root=root)
    blob = listing.split()[2]
    text = git(repo_dir, "cat-file", "blob", blob)
    return config_from_toml(text, root, source=f"{commit[:12]}:pyproject.toml")


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


def _existing_tips(repo_dir: Path) -> list[str]:
    """The commits the repository's refs point at (tags peeled)."""
    output = git(
        repo_dir,
        "for-each-ref",
        "--format=%(objecttype) %(objectname) %(*objecttype) %(*objectname)",
    )
    tips = set()
    for line in output.splitlines():
        kind, sha, peeled_kind, peeled = ([*line.split(), "", ""])[:4]
        if kind == "commit":
            tips.add(sha)
        elif peeled_kind == "commit":
            tips.add(peeled)
    return sorted(tips)


def _is_zero(sha: str) -> bool:
    return not sha.strip("0")


if __name__ == "__main__":
    raise SystemExit(main())
