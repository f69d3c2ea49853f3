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

#endif
