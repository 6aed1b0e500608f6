/* safetensors.h — checkpoints in the safetensors layout (github.com/huggingface/safetensors):
 *
 *   8 bytes   little-endian uint64 N, the header size
 *   N bytes   UTF-8 JSON: {"__metadata__": {str: str}, "<name>": {"dtype": "F32",
 *             "shape": [..], "data_offsets": [begin, end]}, ...}, padded with spaces so that
 *             8 + N is a multiple of 8
 *   rest      raw little-endian tensor bytes; offsets are relative to the byte after the header
 *
 * Writing is atomic (atomic_file.h). Reading loads the whole file and validates everything
 * before handing out a tensor: header size against the file size, the JSON, known dtypes,
 * shape x dtype size == data_offsets span, offsets inside the data, no overlap, and the
 * tensors covering the data exactly (as the reference implementation requires). Errors are
 * WK_EFORMAT/WK_EIO with a message naming the file and the tensor. */
#ifndef WGANKIT_SAFETENSORS_H
#define WGANKIT_SAFETENSORS_H

#include <stddef.h>
#include <stdint.h>

#include "wgankit/tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { WK_ST_F32 = 0, WK_ST_I64 = 1, WK_ST_U8 = 2 } wk_st_dtype;

/* One named tensor: for writing, `data` points to numel(shape) elements of `dtype`; when
 * reading, `data` points into the loaded file buffer (not necessarily aligned: use memcpy or
 * wk_safetensors_get_f32). */
typedef struct wk_st_tensor {
    const char *name;
    wk_st_dtype dtype;
    int ndim;
    int64_t shape[WK_MAX_DIMS];
    const void *data;
    size_t nbytes; /* filled by the reader; ignored by the writer */
} wk_st_tensor;

typedef struct wk_st_meta {
    const char *key, *value;
} wk_st_meta;

/* A float32 wk_tensor as a wk_st_tensor entry for writing. */
wk_st_tensor wk_st_from_tensor(const char *name, const wk_tensor *t);

/* Write tensors and the metadata map. The data is stored by item size, largest first (the
 * given order within one dtype size), so every tensor is aligned to its dtype in the file.
 * Names must be non-empty, unique and not "__metadata__". */
int wk_safetensors_write(const char *path, const wk_st_tensor *tensors, size_t n_tensors,
                         const wk_st_meta *meta, size_t n_meta);

/* A loaded file: every pointer inside points into memory owned by this struct. */
typedef struct wk_safetensors {
    char *path;
    void *buffer; /* the whole file */
    size_t size;
    wk_st_tensor *tensors;
    size_t n_tensors;
    wk_st_meta *meta;
    size_t n_meta;
    struct wk_json *header; /* the parsed header; names and metadata strings live here */
} wk_safetensors;

int wk_safetensors_load(const char *path, wk_safetensors *out);
void wk_safetensors_free(wk_safetensors *f);
/* NULL when absent. */
const wk_st_tensor *wk_safetensors_find(const wk_safetensors *f, const char *name);
const char *wk_safetensors_meta(const wk_safetensors *f, const char *key);
/* Copy tensor `name` into a freshly allocated float32 tensor (free with wk_tensor_free).
 * WK_EFORMAT naming the file and tensor when it is missing or not F32. */
int wk_safetensors_get_f32(const wk_safetensors *f, const char *name, wk_tensor *out);
const char *wk_st_dtype_name(wk_st_dtype d);

#ifdef __cplusplus
}
#endif
#endif
