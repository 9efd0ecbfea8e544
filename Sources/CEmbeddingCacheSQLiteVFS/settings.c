#include "CEmbeddingCacheSQLiteVFS.h"

#include <sqlite3.h>

/// Whether `embcache_sqlite_configure_process` left URI filenames on: it turned them on, or SQLite
/// was built with them on. Without them, a `file:` name would be taken as a plain file name.
int embcache_sqlite_uri_filenames_on = 0;

int embcache_sqlite_configure_process(void) {
    // sqlite3_config is variadic, so Swift cannot call it directly.
    int memoryStatistics = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    int uris = sqlite3_config(SQLITE_CONFIG_URI, 1);
    embcache_sqlite_uri_filenames_on = uris == SQLITE_OK || sqlite3_compileoption_used("USE_URI");
    return memoryStatistics != SQLITE_OK ? memoryStatistics : uris;
}
