#ifndef CEMBEDDINGCACHECHECKSUM_H
#define CEMBEDDINGCACHECHECKSUM_H

#include <stddef.h>
#include <stdint.h>

/// Standard CRC32C (Castagnoli), continuing from `crc` (0 to start): the value every CRC32C
/// library gives. Uses the SSE4.2 or ARMv8 CRC instructions when the CPU has them, over three
/// stretches of the input at once, whose CRCs are then joined (shifted over the next stretch's
/// length with precomputed tables).
uint32_t embcache_crc32c(uint32_t crc, const void *data, size_t length);

/// Three-lane CRC32C, the chunk sum of record formats 1 and 2 (read, no longer written): 8-byte
/// words are dealt round-robin to three CRC32C lanes, the tail
/// (fewer than 24 bytes) goes to lane 0 bytewise, and the result is the CRC32C, seeded with
/// `seed`, of the three lane values (little-endian u32 each) followed by the length (u64 LE).
/// Three independent dependency chains run about three times faster than one.
uint32_t embcache_crc32c_3lane(uint32_t seed, const void *data, size_t length);

/// 1 when the hardware CRC32C path is in use, 0 for the table fallback.
int embcache_crc32c_hardware(void);

#endif
