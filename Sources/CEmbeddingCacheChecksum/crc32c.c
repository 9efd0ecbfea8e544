#include "CEmbeddingCacheChecksum.h"

#include <string.h>

#if defined(__x86_64__)
#include <nmmintrin.h>
#define EMBCACHE_HW_TARGET __attribute__((target("sse4.2")))
#elif defined(__aarch64__) && defined(__ARM_FEATURE_CRC32)
#include <arm_acle.h>
#define EMBCACHE_HW_TARGET
#endif

static uint32_t table[8][256];

static void build_tables(void) {
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t crc = n;
        for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1u)));
        table[0][n] = crc;
    }
    for (uint32_t n = 0; n < 256; n++) {
        for (int k = 1; k < 8; k++) table[k][n] = (table[k - 1][n] >> 8) ^ table[0][table[k - 1][n] & 0xff];
    }
}

static inline uint32_t sw_byte(uint32_t crc, uint8_t byte) {
    return (crc >> 8) ^ table[0][(crc ^ byte) & 0xff];
}

static inline uint32_t sw_word(uint32_t crc, uint64_t word) {
    word ^= crc;
    return table[7][word & 0xff] ^ table[6][(word >> 8) & 0xff] ^ table[5][(word >> 16) & 0xff] ^
           table[4][(word >> 24) & 0xff] ^ table[3][(word >> 32) & 0xff] ^ table[2][(word >> 40) & 0xff] ^
           table[1][(word >> 48) & 0xff] ^ table[0][word >> 56];
}

static inline uint64_t load64(const uint8_t *p) {
    uint64_t word;
    memcpy(&word, p, 8);
    return word;
}

// One kernel, written once over the word and byte steps, instantiated for hardware and software.
#define EMBCACHE_DEFINE_KERNELS(suffix, ATTR, WORD, BYTE)                                           \
    ATTR static uint32_t crc_##suffix(uint32_t crc, const uint8_t *p, size_t n) {                  \
        crc = ~crc;                                                                                 \
        for (; n >= 8; n -= 8, p += 8) crc = WORD(crc, load64(p));                                 \
        for (; n > 0; n--, p++) crc = BYTE(crc, *p);                                               \
        return ~crc;                                                                                \
    }                                                                                               \
    ATTR static void lanes_##suffix(uint32_t lanes[3], const uint8_t *p, size_t n) {               \
        uint32_t a = ~0u, b = ~0u, c = ~0u;                                                         \
        for (; n >= 24; n -= 24, p += 24) {                                                         \
            a = WORD(a, load64(p));                                                                 \
            b = WORD(b, load64(p + 8));                                                             \
            c = WORD(c, load64(p + 16));                                                            \
        }                                                                                           \
        for (; n > 0; n--, p++) a = BYTE(a, *p);                                                   \
        lanes[0] = ~a;                                                                              \
        lanes[1] = ~b;                                                                              \
        lanes[2] = ~c;                                                                              \
    }

EMBCACHE_DEFINE_KERNELS(sw, , sw_word, sw_byte)

#if defined(__x86_64__)
#define HW_WORD(crc, word) ((uint32_t)_mm_crc32_u64((crc), (word)))
#define HW_BYTE(crc, byte) _mm_crc32_u8((crc), (byte))
EMBCACHE_DEFINE_KERNELS(hw, EMBCACHE_HW_TARGET, HW_WORD, HW_BYTE)
static int detect(void) { return __builtin_cpu_supports("sse4.2"); }
#elif defined(__aarch64__) && defined(__ARM_FEATURE_CRC32)
#define HW_WORD(crc, word) __crc32cd((crc), (word))
#define HW_BYTE(crc, byte) __crc32cb((crc), (byte))
EMBCACHE_DEFINE_KERNELS(hw, , HW_WORD, HW_BYTE)
static int detect(void) { return 1; }
#else
#define crc_hw crc_sw
#define lanes_hw lanes_sw
static int detect(void) { return 0; }
#endif

static int hardware = 0;

// Runs once when the library loads, before any thread can call in.
__attribute__((constructor)) static void setup(void) {
    build_tables();
    hardware = detect();
}

int embcache_crc32c_hardware(void) {
    return hardware;
}

uint32_t embcache_crc32c(uint32_t crc, const void *data, size_t length) {
    return hardware ? crc_hw(crc, (const uint8_t *)data, length) : crc_sw(crc, (const uint8_t *)data, length);
}

uint32_t embcache_crc32c_3lane(uint32_t seed, const void *data, size_t length) {
    uint32_t lanes[3];
    if (hardware) {
        lanes_hw(lanes, (const uint8_t *)data, length);
    } else {
        lanes_sw(lanes, (const uint8_t *)data, length);
    }
    uint8_t summary[20];
    for (int i = 0; i < 3; i++) {
        for (int k = 0; k < 4; k++) summary[4 * i + k] = (uint8_t)(lanes[i] >> (8 * k));
    }
    for (int k = 0; k < 8; k++) summary[12 + k] = (uint8_t)((uint64_t)length >> (8 * k));
    return embcache_crc32c(seed, summary, sizeof summary);
}
