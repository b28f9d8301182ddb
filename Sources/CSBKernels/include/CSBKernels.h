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

#include <stddef.h>
#include <stdint.h>

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
/// ("generic" also while sb_sgemm_force_generic(1) is in effect on the calling thread).
const char *sb_sgemm_kernel(void);

/// Forces the portable kernel (for tests that compare both paths): 1 = force generic, 0 = automatic.
/// The setting applies to the calling thread only.
void sb_sgemm_force_generic(int force);

/// 1 if this CPU computes CRC-32C in hardware (x86-64 SSE 4.2), so that
/// sb_crc32c_hardware_update may be called; 0 otherwise.
int sb_crc32c_hardware_available(void);

/// Advances a CRC-32C register (reflected polynomial 0x82F63B78, no pre- or post-inversion:
/// the caller starts from 0xFFFFFFFF and inverts the result) over count bytes, with the fastest
/// kernel this CPU supports. Only call it when sb_crc32c_hardware_available() returned 1.
uint32_t sb_crc32c_hardware_update(uint32_t crc, const void *bytes, size_t count);

/// The hardware CRC-32C kernels, for tests and benchmarks that compare them.
typedef enum {
    /// Six interleaved streams of the `crc32` instruction (SSE 4.2).
    SB_CRC32C_INSTRUCTION = 1,
    /// Folding with carry-less multiplication on 512-bit registers (AVX-512 with VPCLMULQDQ).
    SB_CRC32C_VPCLMUL_AVX512 = 2,
} sb_crc32c_kernel;

/// 1 if this CPU can run `kernel`; 0 otherwise.
int sb_crc32c_kernel_available(sb_crc32c_kernel kernel);

/// sb_crc32c_hardware_update with a given kernel. Only call it when sb_crc32c_kernel_available(kernel) returned 1.
uint32_t sb_crc32c_update_with(sb_crc32c_kernel kernel, uint32_t crc, const void *bytes, size_t count);

/// 1 if this CPU has the SHA-256 instructions (x86-64 SHA extensions), so that
/// sb_sha256_hardware_blocks may be called; 0 otherwise.
int sb_sha256_hardware_available(void);

/// Compresses `blocks` 64-byte blocks of `bytes` into the SHA-256 state (FIPS 180-4 order, A–H).
/// Only call it when sb_sha256_hardware_available() returned 1.
void sb_sha256_hardware_blocks(uint32_t state[8], const void *bytes, size_t blocks);

/// Hints that [base, base + count) will be written in full soon, so the system may back it with
/// huge pages (Linux transparent huge pages); a no-op elsewhere. The memory must be owned by the caller.
void sb_advise_huge_pages(void *base, size_t count);

#ifdef __cplusplus
}
#endif

#endif
