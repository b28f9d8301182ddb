/*
 * sb_sgemm entry point: trivial cases, run-time kernel choice and the per-thread scratch buffer.
 */

// posix_memalign is POSIX, not C11; ask for it explicitly so strict -std=c11 builds see it.
#define _POSIX_C_SOURCE 200112L

#include "CSBKernels.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "sgemm_internal.h"

enum { SB_KERNEL_UNKNOWN = 0, SB_KERNEL_GENERIC, SB_KERNEL_AVX2 };

// The CPU cannot change under a running process, so it is queried once. Threads racing on the
// first call compute the same value, so a relaxed store is enough.
static atomic_int detected_kernel = SB_KERNEL_UNKNOWN;
// Per thread, so that a test comparing the kernels never switches the kernel of work running on other
// threads at the same time (a model trained in a parallel test would round differently for a while).
static _Thread_local int force_generic = 0;

static int sb_detect_kernel(void) {
#if defined(__x86_64__)
    // The builtins also check that the OS saves the YMM registers, not just the CPUID bits.
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return SB_KERNEL_AVX2;
#endif
    return SB_KERNEL_GENERIC;
}

static int sb_active_kernel(void) {
    if (force_generic) return SB_KERNEL_GENERIC;
    int kernel = atomic_load_explicit(&detected_kernel, memory_order_relaxed);
    if (kernel == SB_KERNEL_UNKNOWN) {
        kernel = sb_detect_kernel();
        atomic_store_explicit(&detected_kernel, kernel, memory_order_relaxed);
    }
    return kernel;
}

const char *sb_sgemm_kernel(void) {
    return sb_active_kernel() == SB_KERNEL_AVX2 ? "avx2+fma" : "generic";
}

void sb_sgemm_force_generic(int force) {
    force_generic = force != 0;
}

/// C = beta · C, the whole product when op(A) · op(B) contributes nothing. beta == 0 stores zeros
/// without reading, so NaN garbage in C does not survive.
static void sb_scale(long m, long n, float beta, float *c, long ldc) {
    if (beta == 1.0f) return;
    for (long i = 0; i < m; ++i) {
        float *row = c + i * ldc;
        if (beta == 0.0f) {
            for (long j = 0; j < n; ++j) row[j] = 0.0f;
        } else {
            for (long j = 0; j < n; ++j) row[j] *= beta;
        }
    }
}

void sb_sgemm(int transA, int transB, long M, long N, long K, float alpha, const float *A,
              long lda, const float *B, long ldb, float beta, float *C, long ldc) {
    if (M <= 0 || N <= 0) return;
    if (K <= 0 || alpha == 0.0f) {
        sb_scale(M, N, beta, C, ldc);
        return;
    }
    struct sb_gemm g = {
        .trans_a = transA != 0, .trans_b = transB != 0, .m = M, .n = N, .k = K, .alpha = alpha,
        .a = A, .lda = lda, .b = B, .ldb = ldb, .beta = beta, .c = C, .ldc = ldc,
    };
#if defined(__x86_64__)
    if (sb_active_kernel() == SB_KERNEL_AVX2) {
        sb_sgemm_avx2(&g);
        return;
    }
#endif
    sb_sgemm_generic(&g);
}

struct sb_scratch_buffer {
    float *data;
    size_t capacity;
};

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;

static void sb_scratch_free(void *p) {
    struct sb_scratch_buffer *buffer = p;
    free(buffer->data);
    free(buffer);
}

static void sb_scratch_init(void) {
    if (pthread_key_create(&scratch_key, sb_scratch_free) != 0) abort();
}

// Out of memory aborts, as Swift's own allocations do: sb_sgemm has no way to report failure
// and silently leaving C unwritten would be worse.
float *sb_scratch(size_t floats) {
    pthread_once(&scratch_once, sb_scratch_init);
    struct sb_scratch_buffer *buffer = pthread_getspecific(scratch_key);
    if (buffer == NULL) {
        buffer = calloc(1, sizeof *buffer);
        if (buffer == NULL || pthread_setspecific(scratch_key, buffer) != 0) abort();
    }
    if (buffer->capacity < floats) {
        free(buffer->data);
        void *data = NULL;
        if (posix_memalign(&data, 64, floats * sizeof(float)) != 0) abort();
        buffer->data = data;
        buffer->capacity = floats;
    }
    return buffer->data;
}
