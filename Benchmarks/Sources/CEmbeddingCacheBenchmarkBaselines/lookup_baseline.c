#include "CEmbeddingCacheBenchmarkBaselines.h"

// The project's CRC32C, the one the record checksum uses (Sources/CEmbeddingCacheChecksum); its
// code is linked into the benchmarks through the embcache libraries.
#include "../../../Sources/CEmbeddingCacheChecksum/include/CEmbeddingCacheChecksum.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/// The store's lookup statement (SQLiteEmbeddingStore+Read.swift), the same text: the payload
/// inline below 16 KiB, else its length; NULL when it lives in a side file.
static const char lookupSQL[] =
    "SELECT rowid,\n"
    "    CASE WHEN size < 16384 THEN payload\n"
    "    ELSE length(payload) END,\n"
    "    checksum, last_used\n"
    "FROM entry WHERE namespace_id = ?1 AND digest = ?2";

/// The record checksum's chunk size (RecordChecksum.swift).
enum { chunkSize = 1 << 20 };

/// The magic words of record format versions 1, 2 and 3, as little-endian loads of "ECR1", "ECR2",
/// "ECR3".
static const uint32_t magicV1 = 0x31524345u, magicV2 = 0x32524345u, magicV3 = 0x33524345u;

struct EmbcacheBaselineLookup {
    sqlite3 *db;
    sqlite3_stmt *statement;
    int64_t namespaceID;
    int64_t touchIntervalMilliseconds;
    /// Checksum seeds of the namespace for records of format versions 2 and 1.
    uint32_t seedV2, seedV1;
    /// Entries found with a last use before the caller's limit.
    int64_t stale;
};

static uint32_t loadU32(const uint8_t *bytes) {
    uint32_t value;
    memcpy(&value, bytes, sizeof value);
    return value;
}

static uint64_t loadU64(const uint8_t *bytes) {
    uint64_t value;
    memcpy(&value, bytes, sizeof value);
    return value;
}

static size_t padded(size_t count) { return (count + 15) / 16 * 16; }

/// Appends `u64le(length) ‖ text` to `frame` at `*offset`.
static void appendFramed(uint8_t *frame, size_t *offset, const char *text) {
    uint64_t length = strlen(text);
    memcpy(frame + *offset, &length, sizeof length);
    memcpy(frame + *offset + sizeof length, text, length);
    *offset += sizeof length + length;
}

/// The namespace's checksum seeds: CRC32C of "ECR2" and each part framed with its length (version
/// 2), and of "model | preprocessing | storage" (version 1).
static int computeSeeds(EmbcacheBaselineLookup *lookup, const char *model, const char *preprocessing,
                        const char *storage) {
    size_t total = strlen(model) + strlen(preprocessing) + strlen(storage);
    uint8_t *frame = malloc(4 + 3 * sizeof(uint64_t) + total);
    char *legacy = malloc(total + 7);
    if (frame == NULL || legacy == NULL) {
        free(frame);
        free(legacy);
        return 0;
    }
    memcpy(frame, "ECR2", 4);
    size_t offset = 4;
    appendFramed(frame, &offset, model);
    appendFramed(frame, &offset, preprocessing);
    appendFramed(frame, &offset, storage);
    lookup->seedV2 = embcache_crc32c(0, frame, offset);
    strcpy(legacy, model);
    strcat(legacy, " | ");
    strcat(legacy, preprocessing);
    strcat(legacy, " | ");
    strcat(legacy, storage);
    lookup->seedV1 = embcache_crc32c(0, legacy, strlen(legacy));
    free(frame);
    free(legacy);
    return 1;
}

/// The namespace's id, or -1 when it is absent.
static int64_t findNamespace(sqlite3 *db, const char *model, const char *preprocessing, const char *storage) {
    sqlite3_stmt *statement;
    const char *sql = "SELECT id FROM namespace WHERE model = ? AND preprocessing = ? AND storage = ?";
    if (sqlite3_prepare_v2(db, sql, -1, &statement, NULL) != SQLITE_OK) return -1;
    sqlite3_bind_text(statement, 1, model, -1, SQLITE_STATIC);
    sqlite3_bind_text(statement, 2, preprocessing, -1, SQLITE_STATIC);
    sqlite3_bind_text(statement, 3, storage, -1, SQLITE_STATIC);
    int64_t id = sqlite3_step(statement) == SQLITE_ROW ? sqlite3_column_int64(statement, 0) : -1;
    sqlite3_finalize(statement);
    return id;
}

EmbcacheBaselineLookup *embcache_baseline_lookup_open(const char *path, int64_t mmap_size, int64_t touch_interval_ms,
                                                      const char *model, const char *preprocessing,
                                                      const char *storage) {
    EmbcacheBaselineLookup *lookup = calloc(1, sizeof *lookup);
    if (lookup == NULL) return NULL;
    lookup->touchIntervalMilliseconds = touch_interval_ms;
    // GRDB's flags for a read-only connection in its default threading mode.
    int flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_EXRESCODE;
    const char *vfs = sqlite3_vfs_find("embcache-mapped") != NULL ? "embcache-mapped" : NULL;
    char pragma[64];
    snprintf(pragma, sizeof pragma, "PRAGMA mmap_size = %lld", (long long)mmap_size);
    if (sqlite3_open_v2(path, &lookup->db, flags, vfs) != SQLITE_OK
        || sqlite3_exec(lookup->db, pragma, NULL, NULL, NULL) != SQLITE_OK
        || sqlite3_prepare_v3(lookup->db, lookupSQL, -1, SQLITE_PREPARE_PERSISTENT, &lookup->statement, NULL)
               != SQLITE_OK
        || (lookup->namespaceID = findNamespace(lookup->db, model, preprocessing, storage)) < 0
        || !computeSeeds(lookup, model, preprocessing, storage)) {
        embcache_baseline_lookup_close(lookup);
        return NULL;
    }
    sqlite3_bind_int64(lookup->statement, 1, lookup->namespaceID);
    return lookup;
}

/// The record checksum of `payload` under `digest` (RecordChecksum.swift): the payload's chunks
/// summed with plain CRC32C (format 3) or the three-lane CRC32C (formats 1 and 2), the sums and
/// the length folded into a CRC32C seeded with the namespace and the digest.
static uint32_t recordChecksum(const EmbcacheBaselineLookup *lookup, const uint8_t *digest, const uint8_t *payload,
                               size_t size) {
    uint32_t magic = size >= 4 ? loadU32(payload) : 0;
    uint32_t namespaceSeed = magic == magicV1 ? lookup->seedV1 : lookup->seedV2;
    uint32_t crc = embcache_crc32c(namespaceSeed, digest, 32);
    size_t start = 0;
    do {
        size_t count = size - start < chunkSize ? size - start : chunkSize;
        uint32_t sum = magic == magicV3 ? embcache_crc32c(0, payload + start, count)
                                        : embcache_crc32c_3lane(0, payload + start, count);
        crc = embcache_crc32c(crc, &sum, sizeof sum);
        start += count;
    } while (start < size);
    uint64_t length = size;
    return embcache_crc32c(crc, &length, sizeof length);
}

/// Decodes a record of one float32 tensor (RecordCodec.swift) into `vector`.
static int64_t decodeFloat32(const uint8_t *payload, size_t size, float *vector, size_t capacity) {
    if (size < 10) return -1;
    uint32_t magic = loadU32(payload);
    if ((magic != magicV3 && magic != magicV2 && magic != magicV1) || loadU32(payload + 4) != 1) return -1;
    size_t nameLength = (size_t)payload[8] | (size_t)payload[9] << 8;
    size_t offset = 10 + nameLength;
    if (offset + 2 > size || payload[offset] != 0) return -1;  // dtype code 0: float32
    size_t rank = payload[offset + 1];
    offset += 2;
    if (offset + rank * 8 > size) return -1;
    uint64_t elements = 1;
    for (size_t index = 0; index < rank; index++) {
        uint64_t dimension = loadU64(payload + offset + index * 8);
        if (dimension != 0 && elements > UINT64_MAX / dimension) return -1;
        elements *= dimension;
    }
    offset = padded(offset + rank * 8);
    if (elements > capacity || elements * 4 > size - offset || padded(elements * 4) != size - offset) return -1;
    memcpy(vector, payload + offset, elements * 4);
    return (int64_t)elements;
}

/// Milliseconds since 1970, as the store stores times.
static int64_t nowMilliseconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

int64_t embcache_baseline_lookup_read(EmbcacheBaselineLookup *lookup, const uint8_t *digest, float *vector,
                                      size_t capacity) {
    int64_t staleBefore = nowMilliseconds() - lookup->touchIntervalMilliseconds;
    sqlite3_stmt *statement = lookup->statement;
    sqlite3_bind_blob(statement, 2, digest, 32, SQLITE_STATIC);
    int64_t result = -1;
    switch (sqlite3_step(statement)) {
    case SQLITE_DONE:
        result = 0;
        break;
    case SQLITE_ROW: {
        uint32_t checksum = (uint32_t)sqlite3_column_int64(statement, 2);
        if (sqlite3_column_int64(statement, 3) < staleBefore) lookup->stale += 1;
        if (sqlite3_column_type(statement, 1) != SQLITE_BLOB) break;
        const uint8_t *payload = sqlite3_column_blob(statement, 1);
        size_t size = (size_t)sqlite3_column_bytes(statement, 1);
        if (payload == NULL || recordChecksum(lookup, digest, payload, size) != checksum) break;
        result = decodeFloat32(payload, size, vector, capacity);
        break;
    }
    default:
        break;
    }
    sqlite3_reset(statement);
    return result;
}

void embcache_baseline_lookup_close(EmbcacheBaselineLookup *lookup) {
    if (lookup == NULL) return;
    sqlite3_finalize(lookup->statement);
    sqlite3_close(lookup->db);
    free(lookup);
}
