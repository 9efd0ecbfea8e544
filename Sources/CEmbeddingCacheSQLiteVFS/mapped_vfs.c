#include "CEmbeddingCacheSQLiteVFS.h"
#include "shared_mappings.h"

#include <pthread.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>

// A shim over the process's default VFS ("unix") that memory-maps a whole database file, however
// large, where the unix VFS stops at SQLite's compile-time limit (`SQLITE_MAX_MMAP_SIZE`, 2 GiB on
// Debian) and reads every page past it with `pread` into SQLite's page cache.
//
// Everything but page fetches is forwarded: locking, shared memory, WAL and journal files stay the
// unix VFS's own, so connections through the shim and through "unix" share one file safely. Only
// main database files get the shim's methods; every other file is the unix VFS's alone. All the
// connections of the process on one file share its mappings (shared_mappings.c).
//
// Mapping needs the file descriptor the unix VFS opened, which no SQLite interface returns, and a
// descriptor of the shim's own would not do: closing any descriptor of a file drops every POSIX
// lock the process holds on it, the locks of other connections included. But the unix VFS
// `fstat`s the descriptor of every database file it opens (to find the file's locks), whether it
// opened the descriptor just then or reuses one a closed connection left behind. So the shim
// installs a pass-through `fstat` in the unix VFS's system-call table (`xSetSystemCall`) that
// notes, on the thread of a shim `xOpen` only, the descriptor it was given. When no `fstat` was
// seen, the file is read as without the shim. The shim never closes the descriptor: the unix VFS
// does, and a mapping outlives the descriptor it was made through.

/// Set by `embcache_sqlite_configure_process` (settings.c).
extern int embcache_sqlite_uri_filenames_on;

/// The name lookups pass in their URI (`vfs=`).
#define MAPPED_VFS_NAME "embcache-mapped"

/// Bytes past a fetched page that must lie inside the mapping, as in the unix VFS: a corrupt page
/// may make SQLite read a little beyond its end.
static const sqlite3_int64 trailingBytes = 256;

/// A main database file opened through the shim; the unix VFS's file follows it in memory.
typedef struct MappedFile {
    sqlite3_file base;
    /// The unix VFS's file, right after this header.
    sqlite3_file *inner;
    /// The unix VFS's descriptor of the file, or -1 when it was not seen.
    int descriptor;
    /// The file's mappings, or NULL when its descriptor was not seen.
    SharedMappings *mappings;
    /// Bytes the connection allows mapped (`PRAGMA mmap_size`); 0 maps nothing.
    sqlite3_int64 limit;
    /// The mapping pages are fetched from, and how many of its bytes may be: no more than the
    /// file held, the limit allows and the mapping covers when `sizeChecked` was last set.
    const char *mapping;
    sqlite3_int64 fetchableSize;
    /// Whether the file's size was looked at since the mapping was last invalidated. As in the
    /// unix VFS, a page past `fetchableSize` is then read, not remapped for: SQLite invalidates
    /// the mapping whenever another connection may have changed the file's size.
    int sizeChecked;
} MappedFile;

static sqlite3_vfs *innerVFS;
static int (*innerFstat)(int, struct stat *);
/// Whether a shim `xOpen` is running on this thread, and the descriptor it last saw `fstat`ed.
static _Thread_local int noting;
static _Thread_local int notedDescriptor = -1;

/// The unix VFS's `fstat`, noting the descriptor while a shim `xOpen` runs on this thread.
static int notingFstat(int descriptor, struct stat *status) {
    int result = innerFstat(descriptor, status);
    if (noting && result == 0) notedDescriptor = descriptor;
    return result;
}

/// Looks at the file's size again and maps as much of it as the limit allows.
static void refreshMapping(MappedFile *file) {
    struct stat status;
    file->fetchableSize = 0;
    file->sizeChecked = 1;
    if (fstat(file->descriptor, &status) != 0) return;
    sqlite3_int64 wanted = status.st_size < file->limit ? status.st_size : file->limit;
    if (wanted <= 0) return;
    sqlite3_int64 mapped;
    file->mapping = shared_mappings_cover(file->mappings, file->descriptor, wanted, &mapped);
    file->fetchableSize = wanted < mapped ? wanted : mapped;
}

static int mappedFetch(sqlite3_file *base, sqlite3_int64 offset, int amount, void **page) {
    MappedFile *file = (MappedFile *)base;
    *page = NULL;
    if (file->mappings == NULL || file->limit <= 0) return SQLITE_OK;
    sqlite3_int64 end = offset + amount + trailingBytes;
    if (!file->sizeChecked) refreshMapping(file);
    if (end <= file->fetchableSize) *page = (void *)(file->mapping + offset);
    return SQLITE_OK;
}

static int mappedUnfetch(sqlite3_file *base, sqlite3_int64 offset, void *page) {
    (void)offset;
    // SQLite unfetches no page when another connection may have changed the file's size. A
    // shared mapping shows the file as it is now, so only its size is looked at again.
    if (page == NULL) ((MappedFile *)base)->sizeChecked = 0;
    return SQLITE_OK;
}

static int mappedFileControl(sqlite3_file *base, int operation, void *argument) {
    MappedFile *file = (MappedFile *)base;
    if (operation != SQLITE_FCNTL_MMAP_SIZE) {
        return file->inner->pMethods->xFileControl(file->inner, operation, argument);
    }
    // The pager passes `PRAGMA mmap_size` here uncapped; the unix VFS would cap it at 2 GiB.
    sqlite3_int64 *limit = argument;
    sqlite3_int64 previous = file->limit;
    if (*limit >= 0 && *limit != file->limit) {
        file->limit = *limit;
        file->sizeChecked = 0;
    }
    *limit = previous;
    return SQLITE_OK;
}

static int mappedTruncate(sqlite3_file *base, sqlite3_int64 size) {
    MappedFile *file = (MappedFile *)base;
    int result = file->inner->pMethods->xTruncate(file->inner, size);
    // Pages past the new end must not be fetched.
    if (result == SQLITE_OK && file->fetchableSize > size) file->fetchableSize = size;
    return result;
}

static int mappedClose(sqlite3_file *base) {
    MappedFile *file = (MappedFile *)base;
    if (file->mappings != NULL) shared_mappings_release(file->mappings);
    return file->inner->pMethods->xClose(file->inner);
}

// The remaining methods are the unix VFS's own.

static int mappedRead(sqlite3_file *base, void *buffer, int amount, sqlite3_int64 offset) {
    sqlite3_file *inner = ((MappedFile *)base)->inner;
    return inner->pMethods->xRead(inner, buffer, amount, offset);
}

static int mappedWrite(sqlite3_file *base, const void *buffer, int amount, sqlite3_int64 offset) {
    sqlite3_file *inner = ((MappedFile *)base)->inner;
    return inner->pMethods->xWrite(inner, buffer, amount, offset);
}

static int mappedSync(sqlite3_file *base, int flags) {
    sqlite3_file *inner = ((MappedFile *)base)->inner;
    return inner->pMethods->xSync(inner, flags);
}

static int mappedFileSize(sqlite3_file *base, sqlite3_int64 *size) {
    sqlite3_file *inner = ((MappedFile *)base)->inner;
    return inner->pMethods->xFileSize(inner, size);
}

static int mappedLock(sqlite3_file *base, int level) {
    sqlite3_file *inner = ((MappedFile *)base)->inner;
    return inner->pMethods->xLock(inner, level);
}

static int mappedUnlock(sqlite3_file *base, int level) {
    sqlite3_file *inner = ((MappedFile *)base)->inner;
    return inner->pMethods->xUnlock(inner, level);
}

static int mappedCheckReservedLock(sqlite3_file *base, int *reserved) {
    sqlite3_file *inner = ((MappedFile *)base)->inner;
    return inner->pMethods->xCheckReservedLock(inner, reserved);
}

static int mappedSectorSize(sqlite3_file *base) {
    sqlite3_file *inner = ((MappedFile *)base)->inner;
    return inner->pMethods->xSectorSize(inner);
}

static int mappedDeviceCharacteristics(sqlite3_file *base) {
    sqlite3_file *inner = ((MappedFile *)base)->inner;
    return inner->pMethods->xDeviceCharacteristics(inner);
}

static int mappedShmMap(sqlite3_file *base, int region, int size, int extend, void volatile **memory) {
    sqlite3_file *inner = ((MappedFile *)base)->inner;
    return inner->pMethods->xShmMap(inner, region, size, extend, memory);
}

static int mappedShmLock(sqlite3_file *base, int offset, int count, int flags) {
    sqlite3_file *inner = ((MappedFile *)base)->inner;
    return inner->pMethods->xShmLock(inner, offset, count, flags);
}

static void mappedShmBarrier(sqlite3_file *base) {
    sqlite3_file *inner = ((MappedFile *)base)->inner;
    inner->pMethods->xShmBarrier(inner);
}

static int mappedShmUnmap(sqlite3_file *base, int deleteFlag) {
    sqlite3_file *inner = ((MappedFile *)base)->inner;
    return inner->pMethods->xShmUnmap(inner, deleteFlag);
}

static const sqlite3_io_methods mappedMethods = {
    .iVersion = 3,
    .xClose = mappedClose,
    .xRead = mappedRead,
    .xWrite = mappedWrite,
    .xTruncate = mappedTruncate,
    .xSync = mappedSync,
    .xFileSize = mappedFileSize,
    .xLock = mappedLock,
    .xUnlock = mappedUnlock,
    .xCheckReservedLock = mappedCheckReservedLock,
    .xFileControl = mappedFileControl,
    .xSectorSize = mappedSectorSize,
    .xDeviceCharacteristics = mappedDeviceCharacteristics,
    .xShmMap = mappedShmMap,
    .xShmLock = mappedShmLock,
    .xShmBarrier = mappedShmBarrier,
    .xShmUnmap = mappedShmUnmap,
    .xFetch = mappedFetch,
    .xUnfetch = mappedUnfetch,
};

/// Whether `descriptor` is open on the file at `path`.
static int isDescriptorOf(int descriptor, const char *path) {
    struct stat opened, named;
    if (descriptor < 0 || fstat(descriptor, &opened) != 0 || stat(path, &named) != 0) return 0;
    return opened.st_dev == named.st_dev && opened.st_ino == named.st_ino;
}

static int mappedOpen(sqlite3_vfs *vfs, const char *name, sqlite3_file *base, int flags, int *outFlags) {
    (void)vfs;
    if ((flags & SQLITE_OPEN_MAIN_DB) == 0 || name == NULL) {
        return innerVFS->xOpen(innerVFS, name, base, flags, outFlags);
    }
    MappedFile *file = (MappedFile *)base;
    memset(file, 0, sizeof *file);
    file->inner = (sqlite3_file *)(file + 1);
    noting = 1;
    notedDescriptor = -1;
    int result = innerVFS->xOpen(innerVFS, name, file->inner, flags, outFlags);
    noting = 0;
    if (result != SQLITE_OK) {
        base->pMethods = NULL;
        return result;
    }
    if (isDescriptorOf(notedDescriptor, name)) {
        file->descriptor = notedDescriptor;
        file->mappings = shared_mappings_acquire(notedDescriptor);
    } else {
        file->descriptor = -1;
    }
    // The unix VFS maps nothing itself, so each page is mapped once, by the shim.
    sqlite3_int64 noMapping = 0;
    file->inner->pMethods->xFileControl(file->inner, SQLITE_FCNTL_MMAP_SIZE, &noMapping);
    base->pMethods = &mappedMethods;
    return SQLITE_OK;
}

static int forwardDelete(sqlite3_vfs *vfs, const char *name, int syncDirectory) {
    (void)vfs;
    return innerVFS->xDelete(innerVFS, name, syncDirectory);
}

static int forwardAccess(sqlite3_vfs *vfs, const char *name, int flags, int *result) {
    (void)vfs;
    return innerVFS->xAccess(innerVFS, name, flags, result);
}

static int forwardFullPathname(sqlite3_vfs *vfs, const char *name, int size, char *output) {
    (void)vfs;
    return innerVFS->xFullPathname(innerVFS, name, size, output);
}

static void *forwardDlOpen(sqlite3_vfs *vfs, const char *name) {
    (void)vfs;
    return innerVFS->xDlOpen(innerVFS, name);
}

static void forwardDlError(sqlite3_vfs *vfs, int size, char *message) {
    (void)vfs;
    innerVFS->xDlError(innerVFS, size, message);
}

static void (*forwardDlSym(sqlite3_vfs *vfs, void *library, const char *symbol))(void) {
    (void)vfs;
    return innerVFS->xDlSym(innerVFS, library, symbol);
}

static void forwardDlClose(sqlite3_vfs *vfs, void *library) {
    (void)vfs;
    innerVFS->xDlClose(innerVFS, library);
}

static int forwardRandomness(sqlite3_vfs *vfs, int size, char *output) {
    (void)vfs;
    return innerVFS->xRandomness(innerVFS, size, output);
}

static int forwardSleep(sqlite3_vfs *vfs, int microseconds) {
    (void)vfs;
    return innerVFS->xSleep(innerVFS, microseconds);
}

static int forwardCurrentTime(sqlite3_vfs *vfs, double *now) {
    (void)vfs;
    return innerVFS->xCurrentTime(innerVFS, now);
}

static int forwardGetLastError(sqlite3_vfs *vfs, int size, char *message) {
    (void)vfs;
    return innerVFS->xGetLastError(innerVFS, size, message);
}

static int forwardCurrentTimeInt64(sqlite3_vfs *vfs, sqlite3_int64 *now) {
    (void)vfs;
    return innerVFS->xCurrentTimeInt64(innerVFS, now);
}

static sqlite3_vfs mappedVFS = {
    .iVersion = 2,
    .zName = MAPPED_VFS_NAME,
    .xOpen = mappedOpen,
    .xDelete = forwardDelete,
    .xAccess = forwardAccess,
    .xFullPathname = forwardFullPathname,
    .xDlOpen = forwardDlOpen,
    .xDlError = forwardDlError,
    .xDlSym = forwardDlSym,
    .xDlClose = forwardDlClose,
    .xRandomness = forwardRandomness,
    .xSleep = forwardSleep,
    .xCurrentTime = forwardCurrentTime,
    .xGetLastError = forwardGetLastError,
    .xCurrentTimeInt64 = forwardCurrentTimeInt64,
};

/// The name the shim was registered under, or NULL; set once, by `registerMappedVFS`.
static const char *registeredName;

static void registerMappedVFS(void) {
    if (!embcache_sqlite_uri_filenames_on) return;
    innerVFS = sqlite3_vfs_find(NULL);
    if (innerVFS == NULL || innerVFS->iVersion < 3 || innerVFS->xGetSystemCall == NULL) return;
    sqlite3_syscall_ptr fstat = innerVFS->xGetSystemCall(innerVFS, "fstat");
    if (fstat == NULL) return;
    // Set before the pass-through is installed: other threads may call it at once.
    innerFstat = (int (*)(int, struct stat *))fstat;
    if (innerVFS->xSetSystemCall(innerVFS, "fstat", (sqlite3_syscall_ptr)notingFstat) != SQLITE_OK) return;
    mappedVFS.szOsFile = (int)sizeof(MappedFile) + innerVFS->szOsFile;
    mappedVFS.mxPathname = innerVFS->mxPathname;
    if (sqlite3_vfs_register(&mappedVFS, 0) == SQLITE_OK) registeredName = MAPPED_VFS_NAME;
}

const char *embcache_sqlite_register_mapped_vfs(void) {
    // Once only: a second pass would find the pass-through in the table and forward to itself.
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, registerMappedVFS);
    return registeredName;
}
