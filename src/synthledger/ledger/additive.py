"""The append-only rule: under the protected trees only additions pass.

A published file under records/ or schemas/ is never modified (not even its
whitespace), deleted, renamed, given another mode or replaced by a symlink.
The same judgement runs on the staged change (pre-commit), on base..head (CI),
on every commit since the root (audit) and on a push (pre-receive). Merge
commits are judged against their first parent: what a merge brings into the
main line is the merge's change.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Collection, Sequence

from synthledger.config import ArchiveConfig
from synthledger.errors import SynthledgerError
from synthledger.findings import Finding, Severity
from synthledger.layout import classify, paper_folder
from synthledger.ledger.git import (
    converted_paths,
    index_blobs,
    is_ancestor,
    resolve_commit,
    resolve_head,
    tree_entries,
    tree_paths,
)
from synthledger.ledger.history import (
    Change,
    ChangeKind,
    Diff,
    first_parent_line,
    iter_line,
    read_staged,
)
from synthledger.ledger.mainline import (
    OFF_THE_LINE,
    off_line_message,
    on_first_parent_line,
    stray_root_message,
    stray_roots,
)
from synthledger.ledger.settings import PYPROJECT, settings_change_problems

MODIFIED = "SL701"
DELETED = "SL702"
RENAMED = "SL703"
MODE_CHANGED = "SL704"
TYPE_CHANGED = "SL705"
HISTORY_REWRITTEN = "SL706"
NOT_FAST_FORWARD = "SL707"
PREDATES_ENFORCEMENT = "SL708"
# OFF_THE_LINE = "SL709": a trusted commit is an ancestor but off the first-parent line.
SETTINGS_LOOSENED = "SL710"
GITLINK = "SL711"
SYMLINK = "SL712"
PATH_TWIN = "SL713"
REPLACED_OBJECTS = "SL714"  # replace refs or grafts in a clone: reported by audit
UNJUDGED_REF = "SL715"  # a pushed ref pre-receive does not judge, refs/replace/* first
CONVERTED = "SL716"

ATTRIBUTES_FILE = ".gitattributes"

# Findings about history as a whole, not one file, point at the archive root.
WHOLE_ARCHIVE = "."

_GITLINK_MODE = "160000"
_SYMLINK_MODE = "120000"
_FILE_TYPES = {0o100000: "regular file", 0o120000: "symlink", 0o160000: "submodule"}

__all__ = ["OFF_THE_LINE"]


def check_staged(config: ArchiveConfig) -> list[Finding]:
    """The staged change against HEAD; with no commits yet, everything staged is an addition.

    ``config`` should be HEAD's committed settings (``committed_config``): a
    staged pyproject.toml is judged, never obeyed.
    """
    watched = _watched(config)
    head = resolve_head(config.root, full_history=False)
    twins = _Twins(_published_lister(config, head) if head else None)
    findings: list[Finding] = []
    for diff in read_staged(config.root):
        if watched(diff.path) or (diff.old_path is not None and watched(diff.old_path)):
            findings.extend(_judge(diff, config, twins, commit=None, parent=head, enforced=True))
    return findings


def check_range(config: ArchiveConfig, base: str, head: str = "HEAD") -> list[Finding]:
    """Every first-parent commit in base..head, each against its first parent.

    ``base`` must be on ``head``'s first-parent line: if it is not even an
    ancestor, published history was rewritten (SL706); if it is an ancestor
    reached only through a merge's second parent, the main line was replaced
    around it (SL709). ``config`` should be the base's settings
    (``config_at(base)``), the trusted side: the range's own are judged.
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
    elif not on_first_parent_line(config.root, base_sha, head_sha):
        message = off_line_message(f"the base {base}", base_sha, head, head_sha)
        findings.append(history_finding(OFF_THE_LINE, message, head_sha))
    findings.extend(check_commits(config, head_sha, exclude=[base_sha]))
    return findings


def check_all(config: ArchiveConfig, head: str = "HEAD") -> list[Finding]:
    """Every commit of the first-parent line of ``head``, from the root.

    With nothing trusted to compare with, a replaced main line still shows as
    a second root reached through a merge (SL709).
    """
    head_sha = resolve_head(config.root, head)
    if head_sha is None:
        return []
    findings = [
        history_finding(OFF_THE_LINE, stray_root_message(root, head_sha), head_sha)
        for root in stray_roots(config.root, head_sha)
    ]
    findings.extend(check_commits(config, head_sha))
    return findings


def check_commits(
    config: ArchiveConfig, head: str, *, exclude: Sequence[str] = ()
) -> list[Finding]:
    """The first-parent commits of ``head`` not reachable from ``exclude`` (commit hashes),
    oldest first, read one at a time: memory does not grow with the length of the line.

    Changes made at or before ``config.enforce_from`` are warnings (SL708).
    """
    findings: list[Finding] = []
    twins: _Twins | None = None
    enforced: Collection[str] | None = None
    asked = False  # enforce-from is looked up only when there is something to judge
    for commit, diffs in iter_line(config.root, head, exclude=exclude, keep=_watched(config)):
        if twins is None:
            # What was published at the first parent of the oldest commit read.
            before = exclude and commit.parents
            twins = _Twins(_published_lister(config, commit.parents[0]) if before else None)
        if not diffs:
            continue
        if not asked:
            enforced, asked = _enforced_commits(config, head, exclude), True
        parent = commit.parents[0] if commit.parents else None
        for diff in diffs:
            findings.extend(
                _judge(
                    diff,
                    config,
                    twins,
                    commit=commit.sha,
                    parent=parent,
                    enforced=enforced is None or commit.sha in enforced,
                )
            )
    return findings


def history_finding(rule: str, message: str, commit: str) -> Finding:
    """An error about history as a whole (SL706, SL707, SL709), located at the archive root."""
    return Finding(WHOLE_ARCHIVE, 1, 1, rule, Severity.ERROR, message, commit=commit)


def _published_lister(config: ArchiveConfig, commit: str) -> Callable[[str], list[str]]:
    """The entries of a folder at ``commit`` that are, hold or lie in a protected tree."""
    tops = [d.strip("/").removeprefix("./") for d in config.protected_dirs]

    def entries(folder: str) -> list[str]:
        return [
            path
            for path in tree_entries(config.root, commit, folder)
            if any(_covers(path, [top]) or top.startswith(f"{path}/") for top in tops)
        ]

    return entries


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
    change: Change | Diff,
    config: ArchiveConfig,
    twins: _Twins,
    *,
    commit: str | None,
    parent: str | None,
    enforced: bool,
) -> list[Finding]:
    """What, if anything, ``change`` did to the published files or to what protects them."""
    where = "in the staged change" if commit is None else f"in commit {commit[:12]}"
    if PYPROJECT in (change.path, change.old_path):
        if parent is None:
            return []  # the first commit establishes the settings; later ones are judged
        problems = settings_change_problems(
            config,
            change.old_blob if change.old_path == PYPROJECT else None,
            change.new_blob if change.path == PYPROJECT else None,
            parent,
        )
        return [
            _finding(PYPROJECT, SETTINGS_LOOSENED, what, where, fix, config, commit, enforced)
            for what, fix in problems
        ]
    if _is_attributes(change.path) or _is_attributes(change.old_path):
        return _attributes_findings(change, config, commit, where, enforced)
    findings = [
        _finding(
            change.old_path or change.path,
            rule,
            f"published file {what}",
            where,
            _fix(rule, change, config),
            config,
            commit,
            enforced,
        )
        for rule, what in _edits(change, config)
    ]
    if change.new_mode is not None and TYPE_CHANGED not in {f.rule for f in findings}:
        findings.extend(_new_entry(change, config, where, commit, enforced))
    if change.kind in (ChangeKind.ADDED, ChangeKind.RENAMED):
        twin = twins.add(change.path)
        if twin is not None:
            what = (
                f"{change.path} is the same path as {twin} on a case-insensitive or "
                "Unicode-normalising file system (macOS, Windows)"
            )
            fix = (
                "one would overwrite the other in a checkout there; choose a name that "
                "differs by more than case or Unicode normalisation"
            )
            findings.append(
                _finding(change.path, PATH_TWIN, what, where, fix, config, commit, enforced)
            )
    return findings


def _is_attributes(path: str | None) -> bool:
    return path is not None and path.rpartition("/")[2] == ATTRIBUTES_FILE


def _attributes_findings(
    change: Change | Diff, config: ArchiveConfig, commit: str | None, where: str, enforced: bool
) -> list[Finding]:
    """A .gitattributes change must leave protected files byte-exact in every checkout:
    a pin means the committed bytes, and a clone must hold those bytes."""
    if commit is None:
        staged = index_blobs(config.root, config.protected_dirs)
        protected = list(staged)
    else:
        protected = tree_paths(config.root, commit, config.protected_dirs)
    converted = converted_paths(config.root, commit, protected)
    if not converted:
        return []
    examples = ", ".join(f"{path} ({how})" for path, how in list(converted.items())[:3])
    more = f" and {len(converted) - 3} more" if len(converted) > 3 else ""
    what = (
        f"{change.path} would convert {len(converted)} protected file(s) on checkout: "
        f"{examples}{more}"
    )
    records, schemas = (d.strip("/") for d in config.protected_dirs)
    fix = (
        "records and contracts are checked out byte for byte; keep the lines "
        f"'/{records}/** -text -filter -ident -working-tree-encoding' and the same for "
        f"/{schemas}/** last in the root .gitattributes"
    )
    path = change.path if change.new_mode is not None else (change.old_path or change.path)
    return [_finding(path, CONVERTED, what, where, fix, config, commit, enforced)]


def _edits(change: Change | Diff, config: ArchiveConfig) -> list[tuple[str, str]]:
    """(rule, what happened) for each way ``change`` altered a published file."""
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
    return violations


def _new_entry(
    change: Change | Diff, config: ArchiveConfig, where: str, commit: str | None, enforced: bool
) -> list[Finding]:
    """A gitlink or a symlink at, in or above a protected folder: git stores a pointer
    there, not the content the archive means."""
    if not _covers(change.path, config.protected_dirs):
        return []
    if change.new_mode == _GITLINK_MODE:
        what = f"{change.path} is a gitlink (a submodule, mode 160000)"
        fix = (
            "a submodule's content is not stored in this archive and can change under it; "
            "commit the files themselves"
        )
        return [_finding(change.path, GITLINK, what, where, fix, config, commit, enforced)]
    if change.new_mode == _SYMLINK_MODE:
        what = f"{change.path} is a symlink"
        fix = (
            "protected folders hold regular files only, and a symlink's target is not what "
            "git stores; commit the file or folder itself"
        )
        return [_finding(change.path, SYMLINK, what, where, fix, config, commit, enforced)]
    return []


def _finding(
    path: str,
    rule: str,
    what: str,
    where: str,
    fix: str,
    config: ArchiveConfig,
    commit: str | None,
    enforced: bool,
) -> Finding:
    if enforced:
        return Finding(path, 1, 1, rule, Severity.ERROR, f"{what} {where}: {fix}", commit=commit)
    message = (
        f"{what} {where}, which predates enforcement "
        f"(enforce-from {config.enforce_from}): reported, not refused"
    )
    return Finding(path, 1, 1, PREDATES_ENFORCEMENT, Severity.WARNING, message, commit=commit)


class _Twins:
    """Paths by what a case-insensitive, Unicode-normalising file system makes of them.

    Every folder on the way counts: ``Records/x`` lands in ``records/`` there.
    What was published is asked for folder by folder (``published`` lists a
    folder's entries), only along the paths added: a one-paper change reads
    a few folders, never every path of the archive.
    """

    def __init__(self, published: Callable[[str], list[str]] | None = None) -> None:
        self._published = published
        self._folders: dict[str, dict[str, str]] = {}  # folder -> folded entry -> entry
        self._seen: dict[str, str] = {}  # what this change added, by folded path

    def _published_twin(self, folder: str, key: str) -> str | None:
        """The published entry of ``folder`` whose folded path is ``key``, the first in
        git's order."""
        assert self._published is not None
        entries = self._folders.get(folder)
        if entries is None:
            entries = {}
            for entry in self._published(folder):
                entries.setdefault(_fold(entry), entry)
            self._folders[folder] = entries
        return entries.get(key)

    def add(self, path: str) -> str | None:
        """Remember ``path``; the first known path it collides with, if any."""
        clash = None
        folded = _fold(path).split("/")
        parts = path.split("/")
        if len(folded) != len(parts):  # cannot happen for real text; never guess
            folded = parts
        prefix = key = ""
        # The published folder that the path so far lands in ("" is the top).
        published_folder: str | None = "" if self._published is not None else None
        for part, folded_part in zip(parts, folded, strict=True):
            prefix = f"{prefix}/{part}" if prefix else part
            key = f"{key}/{folded_part}" if key else folded_part
            published = None
            if published_folder is not None:
                published = self._published_twin(published_folder, key)
                published_folder = published
            if published is not None:
                known = published
            else:  # most paths fold to themselves: then the key is its own value, stored once
                known = self._seen.setdefault(key, key if key == prefix else prefix)
            if known != prefix and clash is None:
                clash = known
        return clash


def _fold(path: str) -> str:
    """Canonical caseless form (Unicode 3.13: NFD(casefold(NFD(x))))."""
    if path.isascii():
        return path.lower()
    return unicodedata.normalize("NFD", unicodedata.normalize("NFD", path).casefold())


def _watched(config: ArchiveConfig) -> Callable[[str], bool]:
    """The paths the check reads: the protected trees, anything a case-insensitive
    file system would put there, the folders above them, pyproject.toml and every
    .gitattributes."""
    tops = tuple(_fold(d.strip("/").removeprefix("./")) for d in config.protected_dirs)
    below = tuple(f"{top}/" for top in tops)

    def watched(path: str) -> bool:
        if path == PYPROJECT or _is_attributes(path):
            return True
        key = _fold(path)
        return key in tops or key.startswith(below) or any(t.startswith(f"{key}/") for t in tops)

    return watched


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
    paper = _paper_dir(path, config)
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


def _paper_dir(path: str, config: ArchiveConfig) -> str | None:
    """The folder of the paper a file belongs to, if it is inside one."""
    paper = classify(path, config).paper
    return paper_folder(config, paper) if paper is not None else None


def _protected(path: str, directories: Sequence[str]) -> bool:
    for directory in directories:
        top = directory.strip("/").removeprefix("./")
        if path == top or path.startswith(f"{top}/"):
            return True
    return False


def _covers(path: str, directories: Sequence[str]) -> bool:
    """``path`` is a protected folder, is inside one, or is a folder above one."""
    return _protected(path, directories) or any(
        directory.strip("/").removeprefix("./").startswith(f"{path}/") for directory in directories
    )


def _file_type(mode: str | None) -> str:
    return _FILE_TYPES.get(int(mode or "0", 8) & 0o170000, f"mode {mode}")
