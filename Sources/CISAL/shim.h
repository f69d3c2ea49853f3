// Header-only shim over Intel ISA-L's igzip (Debian libisal-dev): deflate for HDF5 chunks
// (zlib format) and in-process gunzip of trajectories (gzip format).
#ifndef SOFTNESS_CISAL_SHIM_H
#define SOFTNESS_CISAL_SHIM_H

#include <isa-l/igzip_lib.h>

// igzip's level buffer sizes (macros built from other macros, which Swift cannot import).
static inline uint32_t cisal_level_buffer_size(uint32_t level) {
    switch (level) {
    case 0: return ISAL_DEF_LVL0_DEFAULT;
    case 1: return ISAL_DEF_LVL1_DEFAULT;
    case 2: return ISAL_DEF_LVL2_DEFAULT;
    default: return ISAL_DEF_LVL3_DEFAULT;
    }
}

// igzip's AVX2/AVX-512 kernels can return with the upper halves of the vector registers dirty;
// the SSE code that runs next on the same thread (Swift's baseline x86-64 code, the SVM) then pays
// a transition penalty on every instruction: measured, `softness train` fitted 2.3 times slower after
// reading igzip chunks. VZEROUPPER after each call clears them (only where the CPU has AVX).
static inline void cisal_clear_upper_vector_state(void) {
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx")) __asm__ volatile("vzeroupper" ::: "memory");
#endif
}

#endif
