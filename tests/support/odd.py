"""Archives as a new user's machine may hold them, and the CLI run against them for real.

``committed`` writes an archive with :class:`archive.Archive` and commits it
with git; ``cli`` runs ``python -m synthledger`` in a subprocess, optionally
under a file size limit or without root's power to read what its mode bits
refuse (the tests run as root, and root otherwise reads everything).
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from support.archive import Archive
from support.gitrepo import python_env

# Root without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH obeys mode bits like anyone.
SETPRIV = shutil.which("setpriv")
WITHOUT_ROOT_READS = (
    [SETPRIV, "--bounding-set=-dac_override,-dac_read_search", "--"]
    if SETPRIV is not None and os.geteuid() == 0
    else []
)


def committed(path: Path, papers: Sequence[str] = ("p1",), *, subfolder: str = "") -> Archive:
    """An archive of valid ``papers`` at ``path/subfolder``, committed in the git
    repository at ``path``: with a ``subfolder``, the archive is part of a larger repository."""
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    archive = Archive(path / subfolder if subfolder else path)
    for paper in papers:
        archive.add_synthesis(paper)
    commit_all(path, "publish")
    return archive


def commit_all(repo: Path, message: str) -> None:
    """Stage everything in ``repo`` (or the repository around it) and commit it."""
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "-m", message)


def git(repo: Path, *args: str) -> None:
    """git at a fixed date, by a fixed author: these tests leave gitrepo's clock alone,
    whose minutes other modules count on."""
    when = "@1767225600 +0000"  # 2026-01-01T00:00:00Z
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Ada Archivist",
        "GIT_AUTHOR_EMAIL": "ada@example.org",
        "GIT_COMMITTER_NAME": "Ada Archivist",
        "GIT_COMMITTER_EMAIL": "ada@example.org",
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
    }
    subprocess.run(
        ["git", "-c", "commit.gpgsign=false", *args],
        cwd=repo,
        env=env,
        check=True,
        capture_output=True,
    )


def cli(
    args: Sequence[str],
    cwd: Path,
    *,
    file_size_limit: int | None = None,
    without_root_reads: bool = False,
    env: Mapping[str, str] | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    """``python -m synthledger ARGS`` in ``cwd``, output captured."""
    prefix = WITHOUT_ROOT_READS if without_root_reads else []
    return subprocess.run(
        [*prefix, sys.executable, "-m", "synthledger", *args],
        cwd=cwd,
        env=python_env(NO_COLOR="1", **(env or {})),
        capture_output=True,
        text=True,
        errors="surrogateescape",
        timeout=timeout,
        check=False,
        preexec_fn=_file_size_limit(file_size_limit) if file_size_limit is not None else None,
    )


def _file_size_limit(limit: int) -> Callable[[], None]:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    """The single ``synthledger: ...`` line a failed command printed on stderr."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("synthledger: "), result.stderr
    return lines[0]
