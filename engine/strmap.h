/* Internal string -> index hash map (open addressing), used to discover levels and PSUs. */
#ifndef SHOPSTAT_STRMAP_H
#define SHOPSTAT_STRMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct strmap {
    char **keys;      /* insertion order: keys[id] */
    size_t *lens;
    size_t n;         /* number of keys */
    size_t kcap;
    uint32_t *slots;  /* hash slots: id + 1, 0 = empty */
    uint64_t *hashes; /* hash of keys[id] */
    size_t scap;      /* power of two */
} strmap;

void strmap_init(strmap *m);
void strmap_free(strmap *m);
/* Id of key, or -1. */
long strmap_get(const strmap *m, const char *key, size_t len);
/* Id of key, inserting it (copied) if new; -1 on allocation failure. *added set to 1 if new. */
long strmap_put(strmap *m, const char *key, size_t len, int *added);

#endif
