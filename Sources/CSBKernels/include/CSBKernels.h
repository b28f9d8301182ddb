#ifndef CSBKERNELS_H
#define CSBKERNELS_H

/*
 * Dense float32 kernels for Scatterbrained.
 *
 * Every function is single-threaded and thread-safe: callers may run several
 * multiplications at once from different threads. Each thread that calls sb_sgemm keeps a
 * packing buffer (at most about 4.3 MB, sized by its largest product so far) until it exits,
 * so that repeated small products do not allocate.
 */

#ifdef __cplusplus
extern "C" {
#endif

/// Row-major C[M×N] = alpha · op(A) · op(B) + beta · C, op(X) = X or Xᵀ.
/// A is M×K (transA == 0, leading dimension lda) or K×M (transA != 0); B is K×N or N×K likewise.
/// beta == 0 means C is not read (may hold garbage / NaN).
/// As in BLAS, alpha == 0 or K == 0 means C = beta · C without reading A or B;
/// M, N or K <= 0 is allowed (nothing to multiply).
void sb_sgemm(int transA, int transB, long M, long N, long K, float alpha,
              const float *A, long lda, const float *B, long ldb, float beta, float *C, long ldc);

/// Name of the kernel that sb_sgemm uses on this CPU: "avx2+fma" or "generic"
/// ("generic" also while sb_sgemm_force_generic(1) is in effect).
const char *sb_sgemm_kernel(void);

/// Forces the portable kernel (for tests that compare both paths): 1 = force generic, 0 = automatic.
/// The setting is process-wide.
void sb_sgemm_force_generic(int force);

#ifdef __cplusplus
}
#endif

#endif
