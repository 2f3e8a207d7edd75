"""The one place that runs git.

GitPython is the interface to git where it streams (``cat-file --batch``);
plain subprocess runs the one-shot commands, all through :func:`git`, with
the same options, so that every call reads the repository as it is stored.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import os
import subprocess
import tempfile
import threading
import typing
from collections.abc import Generator, Sequence
from pathlib import Path

from synthledger.errors import SynthledgerError

SHALLOW_MESSAGE = (
    "history is shallow: fetch full history, e.g. actions/checkout with fetch-depth: 0 "
    "or git fetch --unshallow"
)

# Git as it stores things, in every git this tool runs: replace refs and a
# grafts file could show objects and parents that are not the ones committed,
# so both are ignored (audit reports them). The option and the variables say
# the same; the variables also reach the cat-file GitPython starts.
GIT_ENVIRONMENT = {"GIT_NO_REPLACE_OBJECTS": "1", "GIT_GRAFT_FILE": os.devnull}

# Writing to a pipe, git log flushes its output after every commit, so that a
# reader sees each at once: a write for each of 200,000 commits, and a wake-up of
# the reader for each. The commands run here are read whole (or as a stream that
# is consumed in bulk), so git buffers instead (GIT_FLUSH=0): about a fifth of a
# full build's walk. Not for cat-file --batch, which answers blob by blob.
_READ_IN_BULK = {**GIT_ENVIRONMENT, "GIT_FLUSH": "0"}

# The same history must read the same on every clone, whatever the local
# configuration: log.showSignature would mix gpg output into the stream, an
# order file would reorder a commit's changes, another output encoding its names.
# A walk of the whole archive maps its packs into memory and caches delta bases:
# with git's defaults (1 GiB windows, 8 GiB in all) 610 MB at 100,000 papers,
# nearly all of it mapped windows. Small windows, reused, keep git's memory
# bounded (245 MB there) for the same time. The delta base cache is what a walk
# of trees needs: at git's default of 96 MB the walk takes what git's own log
# takes; at 16 MB (tried) it took twice as long, at 48 MB half as long again.
# It is set here anyway, so that no local setting makes it larger.
BOUNDED_PACKS = (
    "core.packedGitWindowSize=16m",
    "core.packedGitLimit=64m",
    "core.deltaBaseCacheLimit=96m",
)
# A walk limited to a few paths, or of commits alone, reads the few small trees
# above them (or none) commit after commit: large windows and a large delta base
# cache only fill. At 200,000 commits a one-file walk took 204 MB with
# BOUNDED_PACKS and 133 MB with these, in the same time; a one-paper folder's
# walk 273 MB and 131 MB; `rev-list --first-parent` 101 MB and 71 MB.
NARROW_PACKS = (
    "core.packedGitWindowSize=1m",
    "core.packedGitLimit=4m",
    "core.deltaBaseCacheLimit=4m",
)


_READING = (
    "-c",
    "advice.graftFileDeprecated=false",
    "-c",
    "log.showSignature=false",
    "-c",
    "diff.orderFile=/dev/null",
    "-c",
    "i18n.logOutputEncoding=UTF-8",
)


def _options(packs: Sequence[str]) -> tuple[str, ...]:
    return (
        "--no-replace-objects",
        *(option for setting in packs for option in ("-c", setting)),
        *_READING,
    )


_GIT_OPTIONS = _options(BOUNDED_PACKS)
_NARROW_OPTIONS = _options(NARROW_PACKS)


def resolve_commit(repo_dir: Path, rev: str) -> str:
    """The full hash of the commit ``rev`` names."""
    proc = run(
        repo_dir, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"
    )
    if proc.returncode != 0:
        raise _unknown_revision(rev)
    return proc.stdout.decode().strip()


def is_ancestor(repo_dir: Path, ancestor: str, descendant: str) -> bool:
    proc = run(repo_dir, "merge-base", "--is-ancestor", ancestor, descendant)
    if proc.returncode > 1:
        raise SynthledgerError(f"git merge-base failed: {_first_line(proc.stderr)}")
    return proc.returncode == 0


def git(repo_dir: Path, *args: str, input_bytes: bytes | None = None, narrow: bool = False) -> str:
    """Run git in ``repo_dir``; its stdout, or a SynthledgerError with git's complaint.
    ``narrow``: a walk that reads few trees or none, run with NARROW_PACKS."""
    proc = run(repo_dir, *args, input_bytes=input_bytes, narrow=narrow)
    if proc.returncode != 0:
        raise SynthledgerError(f"git {args[0]} failed: {_first_line(proc.stderr)}")
    return proc.stdout.decode("utf-8", "surrogateescape")


def run(
    repo_dir: Path,
    *args: str,
    input_bytes: bytes | None = None,
    index_file: Path | None = None,
    narrow: bool = False,
) -> subprocess.CompletedProcess[bytes]:
    """Run git; ``index_file`` stands in for the repository's index (GIT_INDEX_FILE);
    ``narrow`` as for :func:`git`."""
    env = {**os.environ, **_READ_IN_BULK}
    if index_file is not None:
        env["GIT_INDEX_FILE"] = str(index_file)
    try:
        return subprocess.run(
            ["git", "-C", str(repo_dir), *(_NARROW_OPTIONS if narrow else _GIT_OPTIONS), *args],
            input=input_bytes,
            capture_output=True,
            check=False,
            env=env,
        )
    except FileNotFoundError as exc:
        raise SynthledgerError("git not found: install git and put it on PATH") from exc


def stream_tokens(repo_dir: Path, *args: str) -> Generator[str, None, None]:
    """The NUL-separated fields of git's output (run with ``-z``), as git writes them.

    For outputs as large as the archive (a whole ``git log``): nothing but the
    field being read is held. Stopping early kills git; a failure of git's own
    raises a SynthledgerError with its complaint once the output ends.
    """
    with contextlib.closing(stream_fields(repo_dir, *args)) as fields:  # stopped: git too
        for field in fields:
            yield field.decode("utf-8", "surrogateescape")


def stream_fields(repo_dir: Path, *args: str) -> Generator[bytes, None, None]:
    """:func:`stream_tokens` as git wrote them, bytes: for a reader that decodes only
    the few fields it keeps."""
    env = {**os.environ, **_READ_IN_BULK}
    with tempfile.TemporaryFile() as errors:  # a pipe could fill up and stall git
        try:
            proc = subprocess.Popen(
                ["git", "-C", str(repo_dir), *_GIT_OPTIONS, *args],
                stdout=subprocess.PIPE,
                stderr=errors,
                env=env,
            )
        except FileNotFoundError as exc:
            raise SynthledgerError("git not found: install git and put it on PATH") from exc
        assert proc.stdout is not None
        output = typing.cast(io.BufferedReader, proc.stdout)  # read1: what has come so far
        with contextlib.suppress(AttributeError, OSError):  # Linux only, and best effort
            fcntl.fcntl(output.fileno(), fcntl.F_SETPIPE_SZ, 1 << 20)
        finished = False
        try:
            rest = b""
            while chunk := output.read1(1 << 20):
                fields = (rest + chunk).split(b"\0")
                rest = fields.pop()
                yield from fields
            if rest:
                yield rest
            finished = True
        finally:
            if not finished:
                proc.kill()
            proc.stdout.close()
            code = proc.wait()
        if code != 0:
            errors.seek(0)
            raise SynthledgerError(f"git {args[0]} failed: {_first_line(errors.read())}")


def resolve_head(repo_dir: Path, rev: str = "HEAD", *, full_history: bool = True) -> str | None:
    """The commit ``rev`` names, or None for the HEAD of a repository without commits.

    Raises if ``repo_dir`` is not a git repository, if ``rev`` is unknown, and
    (with ``full_history``) if the clone is shallow: derived values from a
    truncated history would be wrong, not merely incomplete. One rev-parse
    answers all of it.
    """
    if not repo_dir.is_dir():
        raise SynthledgerError(f"{repo_dir} is not a directory: pass --root DIR")
    proc = run(
        repo_dir,
        "rev-parse",
        "--is-shallow-repository",
        "--verify",
        "--quiet",
        "--end-of-options",
        f"{rev}^{{commit}}",
    )
    lines = proc.stdout.decode().split()
    if proc.returncode > 1 or not lines:
        raise SynthledgerError(
            f"{repo_dir} is not a git repository: run inside a clone of the archive "
            "or pass --root DIR"
        )
    if lines[0] == "true" and full_history:
        raise SynthledgerError(SHALLOW_MESSAGE)
    if proc.returncode == 0:
        return lines[1]
    if rev == "HEAD":
        return None  # HEAD only fails to resolve on a branch with no commits yet
    raise _unknown_revision(rev)


def _unknown_revision(rev: str) -> SynthledgerError:
    return SynthledgerError(
        f"unknown revision {rev!r}: check the name, or fetch it first (git fetch origin)"
    )


def _first_line(stderr: bytes) -> str:
    text = stderr.decode("utf-8", "replace").strip()
    return text.splitlines()[0] if text else "no message"


def read_tree(repo_dir: Path, commit: str, *directories: str) -> dict[str, str]:
    """Path -> blob of every file at or below ``directories`` in ``commit``'s tree."""
    return {
        path: blob
        for path, (_mode, kind, blob) in read_listing(repo_dir, commit, *directories).items()
        if kind == "blob"
    }


def read_listing(repo_dir: Path, commit: str, *paths: str) -> dict[str, tuple[str, str, str]]:
    """Path -> (mode, type, object), as ls-tree lists them, of every entry at or below
    ``paths`` in ``commit``'s tree, gitlinks included."""
    output = git(repo_dir, "ls-tree", "-r", "-z", commit, "--", *paths)
    entries: dict[str, tuple[str, str, str]] = {}
    for line in output.split("\0"):
        if line:
            meta, path = line.split("\t", 1)
            mode, kind, name = meta.split(" ")
            entries[path] = (mode, kind, name)
    return entries


def tree_paths(repo_dir: Path, commit: str, pathspecs: Sequence[str]) -> list[str]:
    """Every path (files, symlinks, gitlinks) at or below ``pathspecs`` in ``commit``'s tree."""
    output = git(repo_dir, "ls-tree", "-r", "-z", "--name-only", commit, "--", *pathspecs)
    return [path for path in output.split("\0") if path]


def tree_entries(repo_dir: Path, commit: str, folder: str) -> list[str]:
    """The paths directly inside ``folder`` ("" for the top) in ``commit``'s tree, in
    git's order; none when it is not a folder there. One listing, never a walk."""
    output = git(repo_dir, "ls-tree", "-z", commit, "--", *([f"{folder}/"] if folder else []))
    return [line.split("\t", 1)[1] for line in output.split("\0") if line]


def replacements(repo_dir: Path) -> list[str]:
    """What could make git show other objects than the ones stored: each replace ref,
    and a grafts file. Every git call here ignores them; audit reports them."""
    found = git(repo_dir, "for-each-ref", "--format=%(refname)", "refs/replace/").split()
    # Not --git-path: it answers with GIT_GRAFT_FILE, which points nowhere here.
    common = git(repo_dir, "rev-parse", "--path-format=absolute", "--git-common-dir").strip()
    grafts = Path(common, "info", "grafts")
    if grafts.exists():
        found.append(str(grafts))
    return found


def index_blobs(repo_dir: Path, pathspecs: Sequence[str]) -> dict[str, str]:
    """Path -> blob of every file staged at or below ``pathspecs``: what the next commit holds."""
    output = git(repo_dir, "ls-files", "-s", "-z", "--", *pathspecs)
    staged: dict[str, str] = {}
    for line in output.split("\0"):
        if line:
            meta, path = line.split("\t", 1)
            _mode, blob, _stage = meta.split(" ")
            staged[path] = blob
    return staged


def blob_bytes(repo_dir: Path, blob: str) -> bytes:
    """The bytes git stores as ``blob``."""
    proc = run(repo_dir, "cat-file", "blob", blob)
    if proc.returncode != 0:
        raise SynthledgerError(f"git cat-file: object {blob} cannot be read")
    return proc.stdout


def stored_bytes(repo_dir: Path, path: str) -> bytes | None:
    """The bytes git stores for the working-tree file ``path`` (relative to ``repo_dir``)
    when it holds what the index holds, whatever core.autocrlf or .gitattributes made of
    it on checkout; None if it differs, is not tracked, or there is no repository."""
    literal = f":(literal){path}"
    listing = run(repo_dir, "ls-files", "-s", "-z", "--", literal)
    if listing.returncode != 0 or not listing.stdout:
        return None
    blob = listing.stdout.split(b"\t", 1)[0].split(b" ")[1].decode()
    # hash-object --path applies the same clean conversion git add would.
    cleaned = run(repo_dir, "hash-object", f"--path={path}", "--", path)
    if cleaned.returncode != 0 or cleaned.stdout.decode().strip() != blob:
        return None
    return blob_bytes(repo_dir, blob)


# What may change a file's bytes between the object store and a working tree.
CONVERTING_ATTRIBUTES = ("text", "eol", "filter", "ident", "working-tree-encoding")


def converted_paths(repo_dir: Path, commit: str | None, paths: Sequence[str]) -> dict[str, str]:
    """Path -> the first attribute that would convert its bytes on checkout, for each of
    ``paths`` whose .gitattributes (as ``commit`` holds them, or as staged when None)
    do not keep it byte-exact: text must be unset, filter, ident and
    working-tree-encoding unset or unspecified (eol means nothing without text)."""
    if not paths:
        return {}
    listing = "\0".join(paths).encode("utf-8", "surrogateescape") + b"\0"
    args = ("check-attr", "--cached", "--stdin", "-z", *CONVERTING_ATTRIBUTES)
    if commit is None:
        output = git(repo_dir, *args, input_bytes=listing)
    else:
        # check-attr reads a commit's .gitattributes only from an index (no --source
        # before git 2.40): a scratch index holding that commit.
        with tempfile.TemporaryDirectory(prefix="synthledger-attr-") as scratch:
            index = Path(scratch, "index")
            for step in (("read-tree", commit), args):
                proc = run(repo_dir, *step, input_bytes=listing, index_file=index)
                if proc.returncode != 0:
                    raise SynthledgerError(f"git {step[0]} failed: {_first_line(proc.stderr)}")
            output = proc.stdout.decode("utf-8", "surrogateescape")
    fields = output.split("\0")
    converted: dict[str, str] = {}
    for path, attribute, value in zip(fields[0::3], fields[1::3], fields[2::3], strict=False):
        keeps = value == "unset" or (value == "unspecified" and attribute != "text")
        if attribute == "eol" or keeps or path in converted:
            continue
        converted[path] = f"{attribute}: {value}"
    return converted


def stream_blobs(repo_dir: Path, blobs: Sequence[str]) -> Generator[bytes, None, None]:
    """The contents of ``blobs``, in order, through one ``git cat-file --batch``."""
    if not blobs:
        return
    with BlobReader(repo_dir) as reader:
        yield from reader.read(blobs)


class BlobReader:
    """One ``git cat-file --batch`` that reads blobs, batch after batch, as they are asked for.

    A batch's ids go in at once, from a thread, while the contents are read as
    they come: one round trip per blob would cost more than parsing the
    records, and holding the whole stream would cost as much memory as the
    archive. One process serves every batch: starting git for each costs more
    than reading a batch of records.
    """

    def __init__(self, repo_dir: Path) -> None:
        import git as gitpython  # GitPython runs git with the repository's environment set up

        self._repo = gitpython.Repo(repo_dir, search_parent_directories=True)  # a subfolder
        self._repo.git.set_persistent_git_options(c=list(BOUNDED_PACKS))
        self._process = self._repo.git.cat_file(
            "--batch", as_process=True, istream=subprocess.PIPE, env=GIT_ENVIRONMENT
        )

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def read(self, blobs: Sequence[str]) -> Generator[bytes, None, None]:
        """The contents of ``blobs``, in order; read them all before the next batch."""
        if not blobs:
            return  # nothing to ask git for (every paper of a batch cached)
        proc = self._process.proc
        stdin, stdout = proc.stdin, proc.stdout
        assert stdin is not None and stdout is not None

        def feed() -> None:
            # If git stops early, the reader below says why; a broken pipe here is
            # only the echo of that.
            with contextlib.suppress(BrokenPipeError):
                stdin.write("".join(f"{b}\n" for b in blobs).encode("ascii"))
                stdin.flush()

        feeder = threading.Thread(target=feed, daemon=True)
        feeder.start()
        finished = False
        try:
            for blob in blobs:
                header = stdout.readline().decode("ascii").split(" ")
                if len(header) != 3:
                    raise SynthledgerError(f"git cat-file: object {blob} cannot be read")
                size = int(header[2])
                yield stdout.read(size)
                stdout.read(1)  # the newline after each object
            finished = True
        finally:
            if not finished:
                # Stopped early: git may be blocked writing what nobody will read.
                proc.kill()
            feeder.join()

    def close(self) -> None:
        proc = self._process.proc
        with contextlib.suppress(BrokenPipeError, OSError):
            if proc.stdin is not None:
                proc.stdin.close()
        if proc.stdout is not None:
            proc.stdout.close()
        proc.wait()
        self._repo.close()


def git_blob_hash(content: bytes, *, width: int = 40) -> str:
    """The id git gives ``content`` as a blob (``git hash-object``), SHA-1 or SHA-256."""
    header = b"blob %d\0" % len(content)
    algorithm = hashlib.sha1 if width == 40 else hashlib.sha256
    return algorithm(header + content).hexdigest()
