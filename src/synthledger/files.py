"""Writing files so that no failure leaves half of one behind.

Every file the tool writes (manifests, pages, new records) goes to a temporary
file in the same folder first and takes its name only when complete, by a
rename, which the file system does at once: after Ctrl-C, a full disk or a
file size limit the old file or none is there, never a truncated one. A
failure is one clear error naming the file.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import secrets
from collections.abc import Iterable, Iterator
from pathlib import Path

from synthledger.errors import SynthledgerError
from synthledger.showing import shown_path


def write_atomic(
    path: Path, content: bytes | Iterable[bytes], *, exclusive: bool = False, durable: bool = True
) -> None:
    """Give ``path`` exactly ``content`` (bytes, or chunks of them as they are made), all at once.

    ``exclusive`` never replaces an existing file: FileExistsError, as
    ``open(path, "x")`` raises, and the file is left as it was. ``durable``
    also waits until the bytes are on disk (fsync), so that a power cut
    cannot leave an empty record; derived files that a rebuild gives again
    skip that cost.
    """
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    left = True  # the temporary name is still there to remove
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(descriptor, "wb") as stream:
            for chunk in (content,) if isinstance(content, bytes) else content:
                stream.write(chunk)
            stream.flush()
            if durable:
                os.fsync(stream.fileno())
        if exclusive:
            _link_new(temporary, path)
        else:
            os.replace(temporary, path)
            # Renamed: the temporary name is gone, and unlinking it anyway would still
            # take the folder's lock (a full build writes 100,000 files into one folder).
            left = False
        if durable:
            _sync_directory(path.parent)
    except FileExistsError:
        if exclusive:
            raise  # the caller says what to do about the file that is there
        raise SynthledgerError(f"cannot write {shown_path(str(path))}: try again") from None
    except OSError as exc:
        raise SynthledgerError(f"cannot write {shown_path(str(path))}: {_reason(exc)}") from exc
    finally:
        if left:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)


@contextlib.contextmanager
def locked(file: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``file`` (made if absent) for the block: another
    process asking for it waits until the block ends."""
    with open(file, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def make_directory(path: Path) -> None:
    """Create ``path`` and its parents, or say in one line why it cannot be."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise SynthledgerError(
            f"cannot create the directory {shown_path(str(path))}: "
            "a file of that name is in the way"
        ) from None
    except OSError as exc:
        raise SynthledgerError(
            f"cannot create the directory {shown_path(str(path))}: {_reason(exc)}"
        ) from exc


def _link_new(temporary: Path, path: Path) -> None:
    """Give the complete ``temporary`` the name ``path``, which must not exist yet."""
    try:
        os.link(temporary, path)  # fails with FileExistsError if the name is taken
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
            raise
        # A file system without hard links: claim the name first, then fill it at once.
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        os.replace(temporary, path)


def _sync_directory(directory: Path) -> None:
    """Make the new name itself durable; some systems cannot open a directory."""
    with contextlib.suppress(OSError):
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _reason(exc: OSError) -> str:
    if isinstance(exc, NotADirectoryError):
        return "a file stands where a directory should be"
    return exc.strerror or type(exc).__name__
