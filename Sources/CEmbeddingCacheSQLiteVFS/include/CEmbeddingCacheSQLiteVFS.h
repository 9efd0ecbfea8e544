#ifndef CEMBEDDINGCACHESQLITEVFS_H
#define CEMBEDDINGCACHESQLITEVFS_H

/// Applies embcache's process-wide SQLite settings.
///
/// - Memory statistics off (`SQLITE_CONFIG_MEMSTATUS`). With them on, every allocation SQLite
///   makes takes one global mutex to count itself, so connections reading in parallel on several
///   threads queue on that mutex. Only `sqlite3_memory_used()` and `sqlite3_memory_highwater()`
///   lose their figures.
/// - URI filenames on (`SQLITE_CONFIG_URI`), so that lookups can name the mapped VFS in theirs.
///   Debian's SQLite has them on already.
///
/// Takes effect only before SQLite initialises (the first connection opened in the process);
/// later, SQLite refuses the changes. Returns 0 (`SQLITE_OK`) when SQLite took both settings, else
/// the error code of the first it refused.
int embcache_sqlite_configure_process(void);

/// Registers, once, the VFS that memory-maps a whole database file, and returns its name; NULL
/// when the process's default VFS cannot carry it or URI filenames are off.
///
/// SQLite's own VFS maps at most `SQLITE_MAX_MMAP_SIZE` bytes of a file (2 GiB on Debian) and reads
/// every page past them with a system call and a copy. A connection opened through this VFS
/// (`file:PATH?vfs=NAME`) maps as many bytes as its `PRAGMA mmap_size` allows, and all of a
/// process's connections on one file share one mapping. It is a shim over the default VFS:
/// locking, WAL and shared memory are that VFS's own, so connections through either share one file
/// safely. It is not the default VFS: other connections read as before. (It learns each file's
/// descriptor through a pass-through `fstat` it installs in the default VFS's system-call table;
/// see mapped_vfs.c.)
const char *embcache_sqlite_register_mapped_vfs(void);

/// Takes, on `descriptor`, the write lock on the bytes SQLite locks in a database file, without
/// waiting: while it is held, no connection in any process (this one included) can open or read the
/// database. The lock belongs to the open file description (Linux), so only closing `descriptor`
/// releases it; where such locks do not exist it is an ordinary process lock.
///
/// Returns 0 when the lock is taken; EAGAIN when another connection holds the file open, with
/// `*holder` set to the process id holding it (0 when unknown, -1 for a lock of a descriptor); or
/// another errno value.
int embcache_lock_store(int descriptor, int *holder);

#endif
