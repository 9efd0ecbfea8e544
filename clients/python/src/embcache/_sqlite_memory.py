"""SQLite's memory statistics, turned off in this process as the Swift library turns them off.

With them on (SQLite's default, unless built with ``SQLITE_DEFAULT_MEMSTATUS=0``, one of SQLite's
recommended build options), every allocation SQLite makes takes one process-wide lock, and the
lookup threads of a large batch queue on it. SQLite takes the setting only while it is not
initialised, and Python's ``sqlite3`` module initialises it when it loads. So this shuts SQLite
down, sets it and initialises it again, once, at the first store a process opens, and only when
SQLite holds no memory but a probe's: then no connection of any library is open.

Only on Linux (x86-64 and arm64), where ``sqlite3_config``'s variadic argument passes as ctypes
passes it, and only when the ``sqlite3`` module's own SQLite library exports these functions.
``EMBCACHE_SQLITE_MEMSTATUS=1`` in the environment keeps the statistics on.
"""

from __future__ import annotations

import ctypes
import os
import platform
import sys
import threading

_SQLITE_CONFIG_MEMSTATUS = 9
_lock = threading.Lock()
_tried = False


def turn_off_statistics() -> None:
    """Turns SQLite's memory statistics off if nothing uses SQLite yet (tried once per process;
    a forked process has its parent's SQLite, and its parent's answer)."""
    global _tried
    with _lock:
        if _tried:
            return
        _tried = True
        if os.environ.get("EMBCACHE_SQLITE_MEMSTATUS") == "1" or not _supported():
            return
        library = _library()
        if library is not None:
            _restart_without_statistics(library)


def statistics_off() -> bool:
    """Whether SQLite's memory statistics are off in this process: whether an allocation leaves
    the memory SQLite counts as it was (``False`` when that cannot be known)."""
    library = _library()
    if library is None:
        return False
    before = library.sqlite3_memory_used()
    probe = library.sqlite3_malloc64(64)
    if not probe:
        return False
    counted = library.sqlite3_memory_used()
    library.sqlite3_free(probe)
    return counted == before


def _supported() -> bool:
    return sys.platform == "linux" and platform.machine() in ("x86_64", "aarch64")


def _library() -> ctypes.PyDLL | None:
    """The ``sqlite3`` module's SQLite, called with the interpreter lock held (so no Python
    thread enters SQLite meanwhile), or ``None`` when it does not export what is needed."""
    try:
        import _sqlite3

        library = ctypes.PyDLL(_sqlite3.__file__)
        library.sqlite3_malloc64.restype = ctypes.c_void_p
        library.sqlite3_malloc64.argtypes = [ctypes.c_uint64]
        library.sqlite3_msize.restype = ctypes.c_uint64
        library.sqlite3_msize.argtypes = [ctypes.c_void_p]
        library.sqlite3_free.argtypes = [ctypes.c_void_p]
        library.sqlite3_memory_used.restype = ctypes.c_int64
        for name in ("sqlite3_shutdown", "sqlite3_initialize", "sqlite3_config"):
            getattr(library, name).restype = ctypes.c_int
    except (ImportError, OSError, AttributeError):
        return None
    return library


def _restart_without_statistics(library: ctypes.PyDLL) -> None:
    probe = library.sqlite3_malloc64(64)  # Initialises SQLite if it was not.
    if not probe:
        return
    alone = library.sqlite3_memory_used() == library.sqlite3_msize(probe)
    library.sqlite3_free(probe)
    # Anything else SQLite holds (a connection, a statement) forbids the shutdown; a count of 0
    # with the probe allocated means the statistics are off already.
    if alone and library.sqlite3_shutdown() == 0:
        library.sqlite3_config(_SQLITE_CONFIG_MEMSTATUS, ctypes.c_int(0))
        library.sqlite3_initialize()
