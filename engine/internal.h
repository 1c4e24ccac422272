/* Internal helpers shared by the engine sources (not installed): a capped string -> index hash map. */
#ifndef SHOPSTAT_INTERNAL_H
#define SHOPSTAT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/* Open-addressing map from byte strings to dense indices 0..n-1 (insertion order).
 * Keys are copied into one arena and NUL-terminated. Both the number of keys and the
 * arena's bytes are capped so malformed input cannot ask for unbounded memory. */
typedef struct strmap {
    uint32_t *slots;  /* entry index + 1, 0 = empty */
    size_t nslots;    /* power of two */
    size_t *off;      /* arena offset of key i */
    size_t *len;      /* length of key i */
    uint64_t *hash;   /* hash of key i */
    size_t n, cap;    /* keys stored, capacity of the per-key arrays */
    char *arena;
    size_t arena_len, arena_cap;
    size_t max_keys, max_bytes;
} strmap;

/* Returned by strmap_add when a cap would be exceeded / an allocation failed. */
#define STRMAP_FULL ((size_t)-1)
#define STRMAP_NOMEM ((size_t)-2)

void strmap_init(strmap *m, size_t max_keys, size_t max_bytes);
void strmap_free(strmap *m);
uint64_t strmap_hash(const char *s, size_t len);
/* Index of key, or (size_t)-1 if absent. */
size_t strmap_find(const strmap *m, const char *s, size_t len, uint64_t h);
/* Index of key, adding it if absent (*added set to 1 then). Returns STRMAP_FULL or
 * STRMAP_NOMEM on failure, leaving the map unchanged. */
size_t strmap_add(strmap *m, const char *s, size_t len, uint64_t h, int *added);
static inline const char *strmap_key(const strmap *m, size_t i)
{
    return m->arena + m->off[i];
}


/* ---- byte ranges of a CSV file for the parallel pass (reader.c) ---- */
#include "shopstat/reader.h"

typedef struct reader_range reader_range;

/* 1 when r (opened, header read, not run) can be parsed in byte ranges: a regular file,
 * UTF-8 without conversion, no skip_rows. Sets the offset of the first data byte and the
 * file size. */
int reader_range_capable(const shopstat_reader *r, size_t *data_start, size_t *file_size);
/* A parser of byte ranges of r's file (own descriptor, own libcsv); NULL on failure. */
reader_range *reader_range_new(const shopstat_reader *r);
void reader_range_free(reader_range *rr);
/* Offset just after the first LF at or after off (file_size if none). */
size_t reader_range_boundary(reader_range *rr, size_t off, size_t file_size);
/* Parse [begin, end), which must start at a record boundary, calling fn per row (all
 * positions 0, index 0). at_eof: end is the end of the file. Fails (any status) on any
 * input error, when the range does not end at a record boundary, or when fn fails: the
 * caller then redoes the pass with shopstat_reader_run for the positioned message. */
shopstat_status reader_range_run(reader_range *rr, size_t begin, size_t end, int at_eof,
                                 shopstat_row_fn fn, void *ctx, size_t *rows,
                                 shopstat_error *err);

#endif
