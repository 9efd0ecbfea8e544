#ifndef CEMBEDDINGCACHESQLITESETTINGS_H
#define CEMBEDDINGCACHESQLITESETTINGS_H

/// Turns off SQLite's memory statistics (`SQLITE_CONFIG_MEMSTATUS`), process-wide.
///
/// With them on, every allocation SQLite makes takes one global mutex to count itself, so
/// connections reading in parallel on several threads queue on that mutex. Only
/// `sqlite3_memory_used()` and `sqlite3_memory_highwater()` lose their figures.
/// Takes effect only before SQLite initialises (the first connection opened in the process);
/// later, SQLite refuses the change and this returns its error code. Returns 0 (`SQLITE_OK`)
/// when the statistics are off.
int embcache_sqlite_disable_memory_statistics(void);

#endif
