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

#endif
