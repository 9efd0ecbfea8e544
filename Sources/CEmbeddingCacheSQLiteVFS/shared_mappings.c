#include "shared_mappings.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>

/// One mapping of a file's first `length` bytes.
typedef struct Region {
    char *base;
    sqlite3_int64 length;
    /// The mapping this one replaced, still mapped.
    struct Region *shorter;
} Region;

struct SharedMappings {
    dev_t device;
    ino_t inode;
    /// Connections using these mappings.
    int users;
    /// The longest mapping, or NULL before the first.
    Region *longest;
    SharedMappings *next;
};

/// Every file with users, guarded by `registryLock`.
static SharedMappings *registry;
static pthread_mutex_t registryLock = PTHREAD_MUTEX_INITIALIZER;

SharedMappings *shared_mappings_acquire(int descriptor) {
    struct stat status;
    if (fstat(descriptor, &status) != 0) return NULL;
    pthread_mutex_lock(&registryLock);
    SharedMappings *mappings = registry;
    while (mappings != NULL && (mappings->device != status.st_dev || mappings->inode != status.st_ino)) {
        mappings = mappings->next;
    }
    if (mappings == NULL && (mappings = calloc(1, sizeof *mappings)) != NULL) {
        mappings->device = status.st_dev;
        mappings->inode = status.st_ino;
        mappings->next = registry;
        registry = mappings;
    }
    if (mappings != NULL) mappings->users += 1;
    pthread_mutex_unlock(&registryLock);
    return mappings;
}

void shared_mappings_release(SharedMappings *mappings) {
    pthread_mutex_lock(&registryLock);
    int last = --mappings->users == 0;
    if (last) {
        SharedMappings **link = &registry;
        while (*link != mappings) link = &(*link)->next;
        *link = mappings->next;
    }
    pthread_mutex_unlock(&registryLock);
    if (!last) return;
    for (Region *region = mappings->longest; region != NULL;) {
        Region *shorter = region->shorter;
        munmap(region->base, (size_t)region->length);
        free(region);
        region = shorter;
    }
    free(mappings);
}

const char *shared_mappings_cover(
    SharedMappings *mappings, int descriptor, sqlite3_int64 length, sqlite3_int64 *mappedLength) {
    pthread_mutex_lock(&registryLock);
    Region *longest = mappings->longest;
    if (longest == NULL || longest->length < length) {
        sqlite3_int64 doubled = longest == NULL ? 0 : 2 * longest->length;
        sqlite3_int64 size = length > doubled ? length : doubled;
        void *base = mmap(NULL, (size_t)size, PROT_READ, MAP_SHARED, descriptor, 0);
        Region *region = base == MAP_FAILED ? NULL : malloc(sizeof *region);
        if (region != NULL) {
            *region = (Region){.base = base, .length = size, .shorter = longest};
            mappings->longest = region;
        } else if (base != MAP_FAILED) {
            munmap(base, (size_t)size);
        }
    }
    const char *base = mappings->longest == NULL ? NULL : mappings->longest->base;
    *mappedLength = mappings->longest == NULL ? 0 : mappings->longest->length;
    pthread_mutex_unlock(&registryLock);
    return base;
}
