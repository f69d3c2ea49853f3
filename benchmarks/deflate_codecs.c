// Deflate codecs on the chunks of a softness table: zlib (libhdf5's filter), libdeflate and ISA-L
// igzip, one core, zlib-format streams of 1 MiB byte-shuffled chunks (the layout of softness
// tables). Prints MB/s of compression and inflation and the compressed ratio per level, and
// checks that zlib inflates every other codec's stream. Built and run by benchmarks/deflate_bench.sh.
#include <hdf5.h>
#include <isa-l/igzip_lib.h>
#include <libdeflate.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + 1e-9 * t.tv_nsec; }
enum { CHUNK = 1 << 20 };

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: %s TABLE.h5 DATASET\n", argv[0]); return 2; }
    hid_t file = H5Fopen(argv[1], H5F_ACC_RDONLY, H5P_DEFAULT), data = H5Dopen2(file, argv[2], H5P_DEFAULT);
    if (file < 0 || data < 0) return 1;
    hid_t space = H5Dget_space(data), type = H5Dget_type(data);
    hsize_t dims[2] = {0, 1};
    int rank = H5Sget_simple_extent_dims(space, dims, NULL);
    size_t element = H5Tget_size(type), width = rank > 1 ? dims[1] : 1;
    hsize_t rows = dims[0];
    if (rows * width * element > (256u << 20)) rows = (256u << 20) / (width * element);   // at most 256 MB
    hsize_t count[2] = {rows, width}, origin[2] = {0, 0};
    size_t total = rows * width * element;
    unsigned char *plain = malloc(total), *shuffled = malloc(total);
    hid_t memory = H5Screate_simple(rank, count, NULL);
    H5Sselect_hyperslab(space, H5S_SELECT_SET, origin, NULL, count, NULL);
    if (H5Dread(data, type, memory, space, H5P_DEFAULT, plain) < 0) return 1;
    for (size_t start = 0; start < total; start += CHUNK) {   // HDF5's shuffle filter, per chunk
        size_t length = total - start < CHUNK ? total - start : CHUNK, n = length / element;
        for (size_t i = 0; i < n; i++) for (size_t k = 0; k < element; k++) shuffled[start + k * n + i] = plain[start + i * element + k];
    }
    printf("%s:%s, %.1f MB, %zu-byte elements, %d chunks of 1 MiB\n", argv[1], argv[2], total / 1e6, element, (int)((total + CHUNK - 1) / CHUNK));
    size_t room = compressBound(CHUNK) + 65536;
    unsigned char *stream = malloc(room), *back = malloc(CHUNK);
    struct libdeflate_decompressor *ld = libdeflate_alloc_decompressor();
    struct inflate_state *state = malloc(sizeof *state);
    unsigned char *levelBuffer = malloc(ISAL_DEF_LVL3_DEFAULT);
    printf("%-12s %5s %11s %7s %11s\n", "codec", "level", "deflate", "ratio", "inflate");
    for (int codec = 0; codec < 3; codec++) {
        int levels[3][3] = {{1, 4, 6}, {1, 4, 6}, {1, 2, 3}};
        for (int li = 0; li < 3; li++) {
            int level = levels[codec][li];
            struct libdeflate_compressor *lc = codec == 1 ? libdeflate_alloc_compressor(level) : NULL;
            double deflating = 0, inflating = 0;
            size_t compressed = 0;
            int bad = 0;
            for (size_t start = 0; start < total; start += CHUNK) {
                size_t length = total - start < CHUNK ? total - start : CHUNK, produced = 0;
                double t0 = now();
                if (codec == 0) {
                    uLongf out = room;
                    compress2(stream, &out, shuffled + start, length, level);
                    produced = out;
                } else if (codec == 1) {
                    produced = libdeflate_zlib_compress(lc, shuffled + start, length, stream, room);
                } else {
                    struct isal_zstream z;
                    isal_deflate_stateless_init(&z);
                    z.level = level; z.level_buf = levelBuffer; z.level_buf_size = ISAL_DEF_LVL3_DEFAULT; z.gzip_flag = IGZIP_ZLIB;
                    z.next_in = shuffled + start; z.avail_in = length; z.next_out = stream; z.avail_out = room; z.end_of_stream = 1;
                    if (isal_deflate_stateless(&z) != COMP_OK) bad++;
                    produced = z.total_out;
                }
                double t1 = now();
                if (codec == 0) {
                    uLongf out = CHUNK;
                    uncompress(back, &out, stream, produced);
                } else if (codec == 1) {
                    size_t out = 0;
                    libdeflate_zlib_decompress(ld, stream, produced, back, length, &out);
                } else {
                    isal_inflate_init(state);
                    state->crc_flag = ISAL_ZLIB; state->next_in = stream; state->avail_in = produced; state->next_out = back; state->avail_out = CHUNK;
                    if (isal_inflate_stateless(state) != ISAL_DECOMP_OK) bad++;
                }
                double t2 = now();
                deflating += t1 - t0; inflating += t2 - t1; compressed += produced;
                if (memcmp(back, shuffled + start, length) != 0) bad++;
                uLongf check = CHUNK;   // zlib, the reference, reads every stream
                if (uncompress(back, &check, stream, produced) != Z_OK || check != length || memcmp(back, shuffled + start, length) != 0) bad++;
            }
            printf("%-12s %5d %7.0f MB/s %7.3f %7.0f MB/s%s\n", codec == 0 ? "zlib" : codec == 1 ? "libdeflate" : "isa-l igzip", level,
                   total / 1e6 / deflating, (double)compressed / total, total / 1e6 / inflating, bad ? "  ROUND TRIP FAILED" : "");
            if (lc) libdeflate_free_compressor(lc);
        }
    }
    return 0;
}
