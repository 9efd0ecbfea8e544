#ifndef CEMBEDDINGCACHEBENCHMARKBASELINES_H
#define CEMBEDDINGCACHEBENCHMARKBASELINES_H

#include <stddef.h>
#include <stdint.h>

/// libpng's own decode of a PNG in memory to 8-bit RGB through its simplified API
/// (png_image_begin_read_from_memory, png_image_finish_read) into a freshly allocated buffer,
/// which is freed again: the baseline of the images suite. Returns the first byte of the decoded
/// samples, or -1 on failure.
int embcache_baseline_png_decode_rgb(const uint8_t *data, size_t size);

/// A read-only SQLite connection on an embcache store with the store's lookup statement prepared:
/// the lookup suite's single-key baseline, the store's read written in C against the sqlite3 API.
typedef struct EmbcacheBaselineLookup EmbcacheBaselineLookup;

/// Opens the store at `path` read-only, as the store's lookups open it (the same open flags, the
/// VFS named `embcache-mapped` when the process has registered it, `PRAGMA mmap_size`), prepares
/// the store's lookup `SELECT` and finds the id of the namespace (`model`, `preprocessing`,
/// `storage`), whose checksum seeds it computes as the record format describes (docs/format.md).
/// Entries last used more than `touch_interval_ms` ago are counted as stale by reads.
/// Returns NULL when the file cannot be opened, the statement prepared or the namespace found.
EmbcacheBaselineLookup *embcache_baseline_lookup_open(const char *path, int64_t mmap_size, int64_t touch_interval_ms,
                                                      const char *model, const char *preprocessing,
                                                      const char *storage);

/// Looks up the entry of the 32-byte `digest`: binds it, steps the statement, reads the inline
/// payload blob, verifies the record checksum and decodes its one float32 tensor into `vector`
/// (room for `capacity` values), then resets the statement. An entry whose last use is before
/// `stale_before` (milliseconds) is counted, as the store notes such entries.
/// Returns the number of values decoded; 0 when the key is absent; -1 when the read fails, the
/// payload is not inline, the checksum does not match or the record is not one float32 tensor
/// that fits.
int64_t embcache_baseline_lookup_read(EmbcacheBaselineLookup *lookup, const uint8_t *digest, float *vector,
                                      size_t capacity);

/// Finalizes the statement and closes the connection.
void embcache_baseline_lookup_close(EmbcacheBaselineLookup *lookup);

#endif
