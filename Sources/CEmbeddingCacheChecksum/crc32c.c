#include "CEmbeddingCacheChecksum.h"

#include <string.h>

#if defined(__x86_64__)
#include <nmmintrin.h>
#define EMBCACHE_HW_TARGET __attribute__((target("sse4.2")))
#elif defined(__aarch64__) && defined(__ARM_FEATURE_CRC32)
#include <arm_acle.h>
#define EMBCACHE_HW_TARGET
#endif

/// The reflected Castagnoli polynomial.
#define POLY 0x82F63B78u
/// Plain CRC32C sums three adjacent blocks of this many bytes at once, then of the short size.
#define LONG_BLOCK 8192
#define SHORT_BLOCK 256

static uint32_t table[8][256];
/// `shift_long[k][b]` is the CRC register `b << 8k` followed by LONG_BLOCK zero bytes; likewise short.
static uint32_t shift_long[4][256];
static uint32_t shift_short[4][256];

static void build_tables(void) {
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t crc = n;
        for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (POLY & (0u - (crc & 1u)));
        table[0][n] = crc;
    }
    for (uint32_t n = 0; n < 256; n++) {
        for (int k = 1; k < 8; k++) table[k][n] = (table[k - 1][n] >> 8) ^ table[0][table[k - 1][n] & 0xff];
    }
}

// a·b modulo the polynomial, both reflected (bit 31 is x⁰).
static uint32_t multiply(uint32_t a, uint32_t b) {
    uint32_t product = 0;
    for (uint32_t bit = 1u << 31; bit != 0; bit >>= 1) {
        if (a & bit) product ^= b;
        b = (b >> 1) ^ (POLY & (0u - (b & 1u)));
    }
    return product;
}

// Tables that append `count` zero bytes to a CRC register: multiplying it by x^(8·count).
static void build_shift(uint32_t shift[4][256], size_t count) {
    uint32_t power = 1u << 31;  // x⁰
    uint32_t square = 1u << 23; // x⁸: one zero byte
    for (; count > 0; count >>= 1) {
        if (count & 1) power = multiply(power, square);
        square = multiply(square, square);
    }
    for (int k = 0; k < 4; k++) {
        for (uint32_t n = 0; n < 256; n++) shift[k][n] = multiply(power, n << (8 * k));
    }
}

static inline uint32_t shifted(const uint32_t shift[4][256], uint32_t crc) {
    return shift[0][crc & 0xff] ^ shift[1][(crc >> 8) & 0xff] ^ shift[2][(crc >> 16) & 0xff] ^ shift[3][crc >> 24];
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

// Sums three adjacent blocks of `block` bytes as three independent CRC registers, then joins them:
// a register that has read A, shifted over the length of B, xor B's register from zero, is the
// register that has read A ‖ B.
#define EMBCACHE_THREE_BLOCKS(REG, WORD, crc, p, n, block, shift)                                  \
    for (; n >= 3 * (block); n -= 3 * (block), p += 3 * (block)) {                                 \
        REG second = 0, third = 0;                                                                  \
        for (size_t offset = 0; offset < (block); offset += 8) {                                    \
            crc = WORD(crc, load64(p + offset));                                                    \
            second = WORD(second, load64(p + (block) + offset));                                    \
            third = WORD(third, load64(p + 2 * (block) + offset));                                  \
        }                                                                                           \
        crc = shifted(shift, (uint32_t)crc) ^ (uint32_t)second;                                     \
        crc = shifted(shift, (uint32_t)crc) ^ (uint32_t)third;                                      \
    }

// One kernel, written once over the word and byte steps, instantiated for hardware and software.
// REG is the type the word step keeps a CRC register in: the x86 instruction's 64-bit one spares
// a zero-extension in each step of the dependency chain.
#define EMBCACHE_DEFINE_KERNELS(suffix, ATTR, REG, WORD, BYTE)                                      \
    ATTR static uint32_t crc_##suffix(uint32_t value, const uint8_t *p, size_t n) {                \
        REG crc = ~value;                                                                           \
        EMBCACHE_THREE_BLOCKS(REG, WORD, crc, p, n, LONG_BLOCK, shift_long)                         \
        EMBCACHE_THREE_BLOCKS(REG, WORD, crc, p, n, SHORT_BLOCK, shift_short)                       \
        for (; n >= 8; n -= 8, p += 8) crc = WORD(crc, load64(p));                                 \
        for (; n > 0; n--, p++) crc = BYTE(crc, *p);                                               \
        return ~(uint32_t)crc;                                                                      \
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

EMBCACHE_DEFINE_KERNELS(sw, , uint32_t, sw_word, sw_byte)

#if defined(__x86_64__)
#define HW_WORD(crc, word) _mm_crc32_u64((crc), (word))
#define HW_BYTE(crc, byte) _mm_crc32_u8((uint32_t)(crc), (byte))
EMBCACHE_DEFINE_KERNELS(hw, EMBCACHE_HW_TARGET, uint64_t, HW_WORD, HW_BYTE)
static int detect(void) { return __builtin_cpu_supports("sse4.2"); }
#elif defined(__aarch64__) && defined(__ARM_FEATURE_CRC32)
#define HW_WORD(crc, word) __crc32cd((crc), (word))
#define HW_BYTE(crc, byte) __crc32cb((crc), (byte))
EMBCACHE_DEFINE_KERNELS(hw, , uint32_t, HW_WORD, HW_BYTE)
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
    build_shift(shift_long, LONG_BLOCK);
    build_shift(shift_short, SHORT_BLOCK);
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
