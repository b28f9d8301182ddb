/*
 * Portable SGEMM: the shared blocked driver with a micro-kernel in plain C that the compiler
 * unrolls and vectorises for the baseline target (SSE2 on x86-64, NEON on arm64).
 */

#include "sgemm_internal.h"

// Lets `acc += a * b` become one fused multiply-add where the target has one (arm64); the
// result is at least as accurate as the separate multiply and add.
#if defined(__clang__)
#pragma clang fp contract(fast)
#endif

// The accumulator tile must fit the vector register file with room for the operands:
// arm64 has 32 128-bit registers (24 accumulators), baseline x86-64 only 16 (8 accumulators).
#if defined(__aarch64__)
enum { MR = 8, NR = 12 };
#else
enum { MR = 4, NR = 8 };
#endif

static void sb_micro_generic(long kc, const float *restrict ap, const float *restrict bp,
                             float alpha, float beta, float *c, long ldc, long m, long n) {
    float acc[MR][NR] = {{0}};
    for (long p = 0; p < kc; ++p, ap += MR, bp += NR) {
        for (int i = 0; i < MR; ++i)
            for (int j = 0; j < NR; ++j) acc[i][j] += ap[i] * bp[j];
    }
    for (long i = 0; i < m; ++i) {
        float *row = c + i * ldc;
        for (long j = 0; j < n; ++j) {
            float r = alpha * acc[i][j];
            row[j] = beta == 0.0f ? r : r + beta * row[j];
        }
    }
}

void sb_sgemm_generic(const struct sb_gemm *g) {
    sb_gemm_blocked(g, (struct sb_blocking){.mr = MR, .nr = NR, .mc = 120, .kc = 256, .nc = 4096},
                    sb_micro_generic);
}
