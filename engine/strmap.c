/* Capped string -> dense index hash map used by the reader (column names) and describe (levels, strata, PSUs). */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void strmap_init(strmap *m, size_t max_keys, size_t max_bytes)
{
    memset(m, 0, sizeof *m);
    m->max_keys = max_keys;
    m->max_bytes = max_bytes;
}

void strmap_free(strmap *m)
{
    if (!m)
        return;
    free(m->slots);
    free(m->off);
    free(m->len);
    free(m->hash);
    free(m->arena);
    memset(m, 0, sizeof *m);
}

/* FNV-1a, then a final mix so the low bits used for slots are well spread. */
uint64_t strmap_hash(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

size_t strmap_find(const strmap *m, const char *s, size_t len, uint64_t h)
{
    if (!m->nslots)
        return (size_t)-1;
    size_t mask = m->nslots - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        uint32_t e = m->slots[i];
        if (!e)
            return (size_t)-1;
        size_t k = e - 1;
        if (m->hash[k] == h && m->len[k] == len && memcmp(m->arena + m->off[k], s, len) == 0)
            return k;
    }
}

static int grow_slots(strmap *m)
{
    size_t ns = m->nslots ? m->nslots * 2 : 16;
    uint32_t *slots = calloc(ns, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t k = 0; k < m->n; k++) {
        size_t i = m->hash[k] & (ns - 1);
        while (slots[i])
            i = (i + 1) & (ns - 1);
        slots[i] = (uint32_t)(k + 1);
    }
    free(m->slots);
    m->slots = slots;
    m->nslots = ns;
    return 0;
}

size_t strmap_add(strmap *m, const char *s, size_t len, uint64_t h, int *added)
{
    *added = 0;
    size_t k = strmap_find(m, s, len, h);
    if (k != (size_t)-1)
        return k;
    if (m->n >= m->max_keys || m->n >= UINT32_MAX - 1 || len + 1 > m->max_bytes - m->arena_len)
        return STRMAP_FULL;
    if ((m->n + 1) * 2 > m->nslots && grow_slots(m) != 0)
        return STRMAP_NOMEM;
    if (m->n == m->cap) {
        size_t nc = m->cap ? m->cap * 2 : 16;
        size_t *off = realloc(m->off, nc * sizeof *off);
        if (!off)
            return STRMAP_NOMEM;
        m->off = off;
        size_t *ln = realloc(m->len, nc * sizeof *ln);
        if (!ln)
            return STRMAP_NOMEM;
        m->len = ln;
        uint64_t *hs = realloc(m->hash, nc * sizeof *hs);
        if (!hs)
            return STRMAP_NOMEM;
        m->hash = hs;
        m->cap = nc;
    }
    if (m->arena_len + len + 1 > m->arena_cap) {
        size_t nc = m->arena_cap ? m->arena_cap : 256;
        while (nc < m->arena_len + len + 1)
            nc *= 2;
        char *a = realloc(m->arena, nc);
        if (!a)
            return STRMAP_NOMEM;
        m->arena = a;
        m->arena_cap = nc;
    }
    k = m->n++;
    memcpy(m->arena + m->arena_len, s, len);
    m->arena[m->arena_len + len] = '\0';
    m->off[k] = m->arena_len;
    m->len[k] = len;
    m->hash[k] = h;
    m->arena_len += len + 1;
    size_t mask = m->nslots - 1;
    size_t i = h & mask;
    while (m->slots[i])
        i = (i + 1) & mask;
    m->slots[i] = (uint32_t)(k + 1);
    *added = 1;
    return k;
}
