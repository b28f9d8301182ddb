#ifndef SB_SGEMM_INTERNAL_H
#define SB_SGEMM_INTERNAL_H

/*
 * Shared by the SGEMM kernels: the call description, the per-thread scratch
 * buffer and the GotoBLAS/BLIS-style blocked driver.
 *
 * The driver is a set of always-inlined functions rather than ordinary ones so
 * that each kernel file gets its own copy compiled with that file's target
 * features (the AVX2 file's copy packs with AVX2 moves) and with the
 * micro-tile sizes folded in as constants.
 */

#include <stddef.h>

/// One sb_sgemm call whose trivial cases (empty C, K == 0, alpha == 0) are already handled.
struct sb_gemm {
    int trans_a, trans_b;
    long m, n, k;
    float alpha;
    const float *a;
    long lda;
    const float *b;
    long ldb;
    float beta;
    float *c;
    long ldc;
};

void sb_sgemm_generic(const struct sb_gemm *g);
#if defined(__x86_64__)
void sb_sgemm_avx2(const struct sb_gemm *g);
#endif

/// The calling thread's scratch buffer: 64-byte aligned, at least `floats` long, valid until the
/// thread's next call. It only grows (a per-call malloc would dominate small products) and is
/// freed when the thread exits.
float *sb_scratch(size_t floats);

/// Micro-kernel: C[m×n] = alpha · Ap · Bp + beta · C for one tile, m <= MR, n <= NR.
/// Ap is an MR×kc micro-panel stored column by column (Ap[p·MR + i]), Bp a kc×NR micro-panel
/// stored row by row (Bp[p·NR + j]); rows/columns past m/n are zero padding and are not written.
/// beta == 0 means C is not read.
typedef void sb_micro_kernel(long kc, const float *ap, const float *bp, float alpha, float beta,
                             float *c, long ldc, long m, long n);

/// Blocking of one kernel: micro-tile MR×NR, cache blocks MC (rows of A kept in L2),
/// KC (shared dimension) and NC (columns of B kept in the outer cache).
struct sb_blocking {
    long mr, nr, mc, kc, nc;
};

#define SB_INLINE static inline __attribute__((always_inline))

SB_INLINE long sb_min(long x, long y) { return x < y ? x : y; }

SB_INLINE long sb_round_up(long x, long unit) { return (x + unit - 1) / unit * unit; }

/// Size of the blocks that cover n with at most `limit` each (limit a multiple of unit): the fewest
/// blocks, of equal size rounded up to `unit`, so that no block is a thin, slow remainder.
SB_INLINE long sb_block_size(long n, long limit, long unit) {
    long count = (n + limit - 1) / limit;
    return sb_round_up((n + count - 1) / count, unit);
}

/// Packs a `lines`×kc slice into micro-panels of `width` lines each, interleaved so that the
/// micro-kernel reads them sequentially: dst[panel][p][i]. Element (line i, depth p) lives at
/// src[p·ld + i] when lines are adjacent in memory (`adjacent`), else at src[i·ld + p].
/// The last panel is padded with zeros so the micro-kernel never needs a short variant.
/// A panel is a row block of op(A) or a column block of op(B); the two layouts cover all four
/// transpose combinations.
SB_INLINE void sb_pack(const float *src, long ld, int adjacent, long lines, long kc, long width,
                       float *restrict dst) {
    long line_step = adjacent ? 1 : ld;
    for (long i0 = 0; i0 < lines; i0 += width, src += width * line_step, dst += width * kc) {
        long count = sb_min(width, lines - i0);
        if (count == width && adjacent) {
            for (long p = 0; p < kc; ++p)
                for (long i = 0; i < width; ++i) dst[p * width + i] = src[p * ld + i];
        } else if (count == width) {
            for (long p = 0; p < kc; ++p)
                for (long i = 0; i < width; ++i) dst[p * width + i] = src[i * ld + p];
        } else {
            for (long p = 0; p < kc; ++p)
                for (long i = 0; i < width; ++i)
                    dst[p * width + i] =
                        i < count ? (adjacent ? src[p * ld + i] : src[i * ld + p]) : 0.0f;
        }
    }
}

/// C = alpha · op(A) · op(B) + beta · C by the five-loop GotoBLAS scheme: for each NC column
/// block and KC depth block pack op(B) once, for each MC row block pack op(A), then sweep
/// MR×NR tiles so that a B micro-panel stays in L1 while A micro-panels stream from L2.
SB_INLINE void sb_gemm_blocked(const struct sb_gemm *g, struct sb_blocking bl,
                               sb_micro_kernel *micro) {
    long kc_size = sb_block_size(g->k, bl.kc, 1);
    long mc_size = sb_block_size(g->m, bl.mc, bl.mr);
    long nc_size = sb_block_size(g->n, bl.nc, bl.nr);
    // B panels start on a 64-byte boundary so the micro-kernel's vector loads are aligned.
    long a_floats = sb_round_up(mc_size * kc_size, 16);
    float *a_pack = sb_scratch((size_t)(a_floats + kc_size * nc_size));
    float *b_pack = a_pack + a_floats;

    for (long jc = 0; jc < g->n; jc += nc_size) {
        long nc = sb_min(nc_size, g->n - jc);
        for (long pc = 0; pc < g->k; pc += kc_size) {
            long kc = sb_min(kc_size, g->k - pc);
            // Later depth blocks accumulate onto what the first one wrote.
            float beta = pc == 0 ? g->beta : 1.0f;
            const float *b = g->trans_b ? g->b + jc * g->ldb + pc : g->b + pc * g->ldb + jc;
            sb_pack(b, g->ldb, !g->trans_b, nc, kc, bl.nr, b_pack);
            for (long ic = 0; ic < g->m; ic += mc_size) {
                long mc = sb_min(mc_size, g->m - ic);
                const float *a = g->trans_a ? g->a + pc * g->lda + ic : g->a + ic * g->lda + pc;
                sb_pack(a, g->lda, g->trans_a, mc, kc, bl.mr, a_pack);
                for (long jr = 0; jr < nc; jr += bl.nr) {
                    for (long ir = 0; ir < mc; ir += bl.mr) {
                        micro(kc, a_pack + ir * kc, b_pack + jr * kc, g->alpha, beta,
                              g->c + (ic + ir) * g->ldc + jc + jr, g->ldc, sb_min(bl.mr, mc - ir),
                              sb_min(bl.nr, nc - jr));
                    }
                }
            }
        }
    }
}

#endif
