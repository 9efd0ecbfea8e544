#define _GNU_SOURCE
#include "CEmbeddingCacheSQLiteVFS.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>

// SQLite's unix VFS locks these bytes of a database file: the pending byte at 1 GiB, the reserved
// byte after it and a 510-byte shared range. An open connection in WAL mode holds a read lock on
// the shared range for as long as it is open.
enum { lock_start = 0x40000000, lock_length = 512 };

int embcache_lock_store(int descriptor, int *holder) {
    struct flock lock;
    memset(&lock, 0, sizeof lock);
    lock.l_type = F_WRLCK;
    lock.l_whence = SEEK_SET;
    lock.l_start = lock_start;
    lock.l_len = lock_length;
#ifdef F_OFD_SETLK
    // An open-file-description lock belongs to this descriptor, not to the process: SQLite closing
    // one of its own descriptors cannot release it, and it conflicts with this process's own
    // connections too.
    const int set = F_OFD_SETLK, get = F_OFD_GETLK;
#else
    const int set = F_SETLK, get = F_GETLK;
#endif
    *holder = 0;
    if (fcntl(descriptor, set, &lock) == 0) return 0;
    int failure = errno;
    if (failure != EAGAIN && failure != EACCES) return failure;
    struct flock probe = lock;
    probe.l_pid = 0;
    if (fcntl(descriptor, get, &probe) == 0 && probe.l_type != F_UNLCK) *holder = probe.l_pid;
    return EAGAIN;
}
