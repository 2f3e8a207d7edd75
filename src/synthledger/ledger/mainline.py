"""Main's first-parent line only grows: the one test every trusted commit must pass.

Ancestry is not enough. ``git merge -s ours OLD_TIP`` on an orphan commit
holding edited records, fast-forwarded onto main, keeps OLD_TIP an ancestor
while every file it published is now "published" by the orphan; a foxtrot
merge (main merged into a branch, the branch fast-forwarded onto main) moves
later papers' publication commits the same way. Both leave the old tip off
the new tip's first-parent line, which is what publication is read from. So a
base, an anchor or a pushed old tip counts only if it lies on that line.
"""

from __future__ import annotations

from pathlib import Path

from synthledger.ledger.git import git
from synthledger.ledger.history import first_parent_line

OFF_THE_LINE = "SL709"


def on_first_parent_line(repo_dir: Path, commit: str, tip: str) -> bool:
    """Whether ``commit`` (a full hash) is ``tip`` or one of its first-parent ancestors.

    One walk of ``tip``'s first-parent line, stopped at the commits ``commit``
    reaches: if ``commit`` is on the line, the oldest commit walked has it as
    its first parent; if it is only an ancestor, the walk stops at some other
    commit it reaches; if it is not even that, the walk runs to the root.
    """
    if commit == tip:
        return True
    line = first_parent_line(repo_dir, tip, exclude=[commit])
    return bool(line) and line[-1][1][:1] == (commit,)


def off_line_message(what: str, commit: str, tip_name: str, tip: str) -> str:
    """Says that ``commit`` (``what``, in the archive's words: "the base origin/main",
    "the anchor") is an ancestor of ``tip`` but off its first-parent line, and what to do."""
    return (
        f"{what} ({commit[:12]}) is an ancestor of {tip_name} ({tip[:12]}) but not on its "
        "first-parent line: the history it published is now reached only through a merge's "
        "second parent, so the commits that published its files have been replaced (an "
        "unrelated or branch history merged and fast-forwarded onto main). Land work with a "
        f"merge whose first parent is {commit[:12]} (git switch main && git merge --no-ff "
        "BRANCH); a branch that merged main is checked as the merge that would land it "
        "(see CONTRIBUTING.md)"
    )


def stray_roots(repo_dir: Path, tip: str) -> list[str]:
    """Root commits of ``tip``'s history that are not the root of its first-parent line.

    Without a trusted base there is nothing to compare with, but an orphan
    history joined by a merge still shows: its root, or the displaced main
    line's root, is reached only through a second parent.
    """
    roots = git(repo_dir, "rev-list", "--max-parents=0", tip, "--", narrow=True).split()
    if len(roots) < 2:
        return []
    line_root = first_parent_line(repo_dir, tip)[-1][0]
    return sorted(root for root in roots if root != line_root)


def stray_root_message(root: str, tip: str) -> str:
    return (
        f"root commit {root[:12]} is reached from {tip[:12]} only through a merge's second "
        "parent: an unrelated history was merged (git merge --allow-unrelated-histories), "
        "which can hide a replaced main line; check against a commit you trust instead: "
        "synthledger audit --anchor COMMIT, or synthledger check --base COMMIT"
    )
