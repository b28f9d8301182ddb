/*
 * AVX2+FMA SGEMM: a 6×16 micro-kernel (12 ymm accumulators, 2 for B, 1 for the broadcast A
 * value, out of 16 registers) driven by the shared blocked driver. Only called after the CPU
 * was checked for AVX2 and FMA, so the target attribute is what lets this file build without
 * any extra compiler flags.
 */

#include "sgemm_internal.h"

#if defined(__x86_64__)

#include <immintrin.h>

#define SB_AVX2 __attribute__((target("avx2,fma")))

enum { MR = 6, NR = 16 };

SB_AVX2 static void sb_micro_6x16(long kc, const float *ap, const float *bp, float alpha,
                                  float beta, float *c, long ldc, long m, long n) {
    // 12 independent accumulators: an FMA has about 4 cycles latency and two issue per cycle,
    // so at least 8 chains are needed to keep both FMA units busy. The compiler keeps the
    // array in registers once the constant-bound loops are unrolled.
    __m256 acc[MR][2];
    for (int i = 0; i < MR; ++i) acc[i][0] = acc[i][1] = _mm256_setzero_ps();

    for (long p = 0; p < kc; ++p, ap += MR, bp += NR) {
        __m256 b0 = _mm256_load_ps(bp);
        __m256 b1 = _mm256_load_ps(bp + 8);
        for (int i = 0; i < MR; ++i) {
            __m256 a = _mm256_broadcast_ss(ap + i);
            acc[i][0] = _mm256_fmadd_ps(a, b0, acc[i][0]);
            acc[i][1] = _mm256_fmadd_ps(a, b1, acc[i][1]);
        }
    }

    __m256 valpha = _mm256_set1_ps(alpha);
    if (m == MR && n == NR) {
        __m256 vbeta = _mm256_set1_ps(beta);
        for (int i = 0; i < MR; ++i) {
            float *row = c + i * ldc;
            __m256 r0 = _mm256_mul_ps(valpha, acc[i][0]);
            __m256 r1 = _mm256_mul_ps(valpha, acc[i][1]);
            if (beta != 0.0f) {
                r0 = _mm256_fmadd_ps(vbeta, _mm256_loadu_ps(row), r0);
                r1 = _mm256_fmadd_ps(vbeta, _mm256_loadu_ps(row + 8), r1);
            }
            _mm256_storeu_ps(row, r0);
            _mm256_storeu_ps(row + 8, r1);
        }
        return;
    }
    // Edge tile: spill the full tile and write back only the part inside C.
    _Alignas(32) float tile[MR][NR];
    for (int i = 0; i < MR; ++i) {
        _mm256_store_ps(tile[i], _mm256_mul_ps(valpha, acc[i][0]));
        _mm256_store_ps(tile[i] + 8, _mm256_mul_ps(valpha, acc[i][1]));
    }
    for (long i = 0; i < m; ++i) {
        float *row = c + i * ldc;
        for (long j = 0; j < n; ++j) row[j] = beta == 0.0f ? tile[i][j] : tile[i][j] + beta * row[j];
    }
}

SB_AVX2 void sb_sgemm_avx2(const struct sb_gemm *g) {
    sb_gemm_blocked(g, (struct sb_blocking){.mr = MR, .nr = NR, .mc = 144, .kc = 256, .nc = 4096},
                    sb_micro_6x16);
}

#endif
