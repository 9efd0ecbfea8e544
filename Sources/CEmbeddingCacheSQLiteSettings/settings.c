#include "CEmbeddingCacheSQLiteSettings.h"

#include <sqlite3.h>

int embcache_sqlite_disable_memory_statistics(void) {
    // sqlite3_config is variadic, so Swift cannot call it directly.
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
