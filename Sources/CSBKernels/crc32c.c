/*
 * CRC-32C with the SSE 4.2 `crc32` instruction, chosen at run time.
 *
 * One `crc32` has a latency of three cycles but a throughput of one per cycle, so a single
 * dependency chain uses a third of the unit. Long inputs are therefore hashed as three
 * interleaved streams of SB_CRC_BLOCK bytes each, and the three partial registers are merged.
 * Merging uses the CRC's linearity: the register after a block is shift(register) XOR the
 * block's register from zero, where shift() is "feed SB_CRC_BLOCK zero bytes", itself linear in
 * the register and so a 4 × 256 table built once by feeding zeros through the instruction.
 */

#include "CSBKernels.h"

#include <stdatomic.h>
#include <string.h>

enum { SB_CRC_BLOCK = 4096 };

#if defined(__x86_64__)

#include <nmmintrin.h>

static uint32_t shift_table[4][256];
// 0 = not built, 1 = built; racing builders write identical values, so a release store suffices.
static atomic_int shift_table_ready = 0;

__attribute__((target("sse4.2"))) static uint32_t crc_serial(uint32_t crc, const unsigned char *p, size_t n) {
    uint64_t wide = crc;
    for (; n >= 8; n -= 8, p += 8) {
        uint64_t word;
        memcpy(&word, p, 8);  // unaligned load
        wide = _mm_crc32_u64(wide, word);
    }
    crc = (uint32_t)wide;
    for (; n > 0; --n, ++p) crc = _mm_crc32_u8(crc, *p);
    return crc;
}

__attribute__((target("sse4.2"))) static uint32_t crc_zeros(uint32_t crc) {
    uint64_t wide = crc;
    for (int i = 0; i < SB_CRC_BLOCK / 8; ++i) wide = _mm_crc32_u64(wide, 0);
    return (uint32_t)wide;
}

static void build_shift_table(void) {
    if (atomic_load_explicit(&shift_table_ready, memory_order_acquire)) return;
    for (int byte = 0; byte < 4; ++byte) {
        for (uint32_t value = 0; value < 256; ++value) {
            shift_table[byte][value] = crc_zeros(value << (8 * byte));
        }
    }
    atomic_store_explicit(&shift_table_ready, 1, memory_order_release);
}

static uint32_t shift_block(uint32_t crc) {
    return shift_table[0][crc & 0xFF] ^ shift_table[1][(crc >> 8) & 0xFF] ^ shift_table[2][(crc >> 16) & 0xFF]
        ^ shift_table[3][crc >> 24];
}

__attribute__((target("sse4.2"))) static uint32_t crc_sse42(uint32_t crc, const unsigned char *p, size_t n) {
    if (n >= 3 * SB_CRC_BLOCK) build_shift_table();
    while (n >= 3 * SB_CRC_BLOCK) {
        uint64_t a = crc, b = 0, c = 0;
        for (size_t i = 0; i < SB_CRC_BLOCK; i += 8) {
            uint64_t wa, wb, wc;
            memcpy(&wa, p + i, 8);
            memcpy(&wb, p + SB_CRC_BLOCK + i, 8);
            memcpy(&wc, p + 2 * SB_CRC_BLOCK + i, 8);
            a = _mm_crc32_u64(a, wa);
            b = _mm_crc32_u64(b, wb);
            c = _mm_crc32_u64(c, wc);
        }
        crc = shift_block(shift_block((uint32_t)a) ^ (uint32_t)b) ^ (uint32_t)c;
        p += 3 * SB_CRC_BLOCK;
        n -= 3 * SB_CRC_BLOCK;
    }
    return crc_serial(crc, p, n);
}

int sb_crc32c_hardware_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("sse4.2");
}

uint32_t sb_crc32c_hardware_update(uint32_t crc, const void *bytes, size_t count) {
    return crc_sse42(crc, (const unsigned char *)bytes, count);
}

#else

int sb_crc32c_hardware_available(void) { return 0; }

uint32_t sb_crc32c_hardware_update(uint32_t crc, const void *bytes, size_t count) {
    (void)bytes;
    (void)count;
    return crc;
}

#endif
