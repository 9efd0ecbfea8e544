"""Side files: payloads of 1 MiB or more, kept beside the database (docs/format.md, "Side files")."""

from __future__ import annotations

import errno
import logging
import mmap
import os
import secrets
from typing import Optional

from .errors import StoreFailedError

#: Payloads of at least this many bytes are written to side files.
THRESHOLD = 1 << 20
#: The prefix of a side file moved aside by a removal that has not finished.
ASIDE_PREFIX = ".aside."
FILE_MODE = 0o600
FOLDER_MODE = 0o700

logger = logging.getLogger("embcache")


def name(namespace_id: int, digest: bytes, checksum: int) -> str:
    """The file name of a payload: ``<namespace id>-<digest hex>-<checksum, 8 hex digits>``.

    Args:
        namespace_id: The namespace row's id.
        digest: The 32 digest bytes.
        checksum: The record's checksum.

    Returns:
        The name, inside ``<database>.blobs``.
    """
    return f"{namespace_id}-{digest.hex()}-{checksum:08x}"


def read(path: str) -> Optional[memoryview]:
    """Maps a side file read-only, without copying it.

    Args:
        path: The file.

    Returns:
        A view of the mapping (valid as long as any array made from it lives), or ``None`` when
        the file is missing, empty or unreadable.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        size = os.fstat(descriptor).st_size
        if size == 0:
            return None
        flags = mmap.MAP_SHARED | getattr(mmap, "MAP_POPULATE", 0)
        return memoryview(mmap.mmap(descriptor, size, flags=flags, prot=mmap.PROT_READ))
    except (OSError, ValueError):
        return None
    finally:
        os.close(descriptor)


def _failure(operation: str, path: str, error: OSError) -> StoreFailedError:
    reason = "the disk is full" if error.errno == errno.ENOSPC else error.strerror
    return StoreFailedError(f"cannot {operation} the side file {path}: {reason}")


def store(directory: str, file_name: str, payload: bytes) -> None:
    """Writes a payload as the Swift store does: temporary name, ``fsync``, ``rename``.

    The caller syncs the folder (:func:`sync_directory`) before committing a row that
    references the file.

    Args:
        directory: The side-file folder.
        file_name: The file's name (:func:`name`).
        payload: The payload.

    Raises:
        StoreFailedError: The file cannot be written.
    """
    temporary = os.path.join(directory, f".{file_name}.{secrets.randbits(64)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(temporary, flags, FILE_MODE)
    except OSError as error:
        raise _failure("create", temporary, error) from error
    try:
        view = memoryview(payload)
        while view:
            written = os.write(descriptor, view)
            view = view[written:]
        os.fsync(descriptor)
        os.close(descriptor)
        descriptor = -1
        os.rename(temporary, os.path.join(directory, file_name))
    except OSError as error:
        if descriptor >= 0:
            os.close(descriptor)
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise _failure("write", temporary, error) from error


def sync_directory(directory: str) -> None:
    """Makes completed renames in the folder durable.

    Args:
        directory: The side-file folder.

    Raises:
        StoreFailedError: The folder cannot be synced.
    """
    try:
        descriptor = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
    except OSError as error:
        raise _failure("sync", directory, error) from error


class Removal:
    """The side files one write transaction removes: moved aside in it, deleted after the commit.

    Args:
        directory: The side-file folder.
    """

    def __init__(self, directory: str) -> None:
        self._directory = directory
        self._moved: list[tuple[str, str]] = []

    def move_aside(self, names: list[str]) -> None:
        """Renames the files to ``.aside.<name>.<random>``; call inside the write transaction.

        Args:
            names: The files' names.
        """
        for file_name in names:
            original = os.path.join(self._directory, file_name)
            aside = os.path.join(self._directory, f"{ASIDE_PREFIX}{file_name}.{secrets.randbits(64)}")
            try:
                os.rename(original, aside)
            except OSError:
                continue
            self._moved.append((original, aside))

    def finish(self) -> None:
        """Deletes the files moved aside, once the transaction committed."""
        for _, aside in self._moved:
            try:
                os.unlink(aside)
            except OSError as error:
                logger.warning("embcache: cannot delete the replaced side file %s: %s", aside, error.strerror)

    def undo(self) -> None:
        """Moves the files back, when the transaction failed."""
        for original, aside in self._moved:
            try:
                os.rename(aside, original)
            except OSError:
                pass
