/* Internal string -> index hash map: FNV-1a hashing, linear probing, ids in insertion order. */
#include "strmap.h"

#include <stdlib.h>
#include <string.h>

static uint64_t hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

void strmap_init(strmap *m)
{
    memset(m, 0, sizeof *m);
}

void strmap_free(strmap *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->keys[i]);
    free(m->keys);
    free(m->lens);
    free(m->slots);
    free(m->hashes);
    memset(m, 0, sizeof *m);
}

long strmap_get(const strmap *m, const char *key, size_t len)
{
    if (m->scap == 0)
        return -1;
    uint64_t h = hash(key, len);
    size_t mask = m->scap - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        uint32_t s = m->slots[i];
        if (s == 0)
            return -1;
        size_t id = s - 1;
        if (m->hashes[id] == h && m->lens[id] == len && memcmp(m->keys[id], key, len) == 0)
            return (long)id;
    }
}

static int grow_slots(strmap *m)
{
    size_t ncap = m->scap ? m->scap * 2 : 64;
    uint32_t *ns = calloc(ncap, sizeof *ns);
    if (!ns)
        return -1;
    for (size_t id = 0; id < m->n; id++) {
        size_t i = (size_t)m->hashes[id] & (ncap - 1);
        while (ns[i])
            i = (i + 1) & (ncap - 1);
        ns[i] = (uint32_t)(id + 1);
    }
    free(m->slots);
    m->slots = ns;
    m->scap = ncap;
    return 0;
}

long strmap_put(strmap *m, const char *key, size_t len, int *added)
{
    if (added)
        *added = 0;
    long id = strmap_get(m, key, len);
    if (id >= 0)
        return id;
    if ((m->n + 1) * 2 > m->scap && grow_slots(m) != 0)
        return -1;
    if (m->n == m->kcap) {
        size_t nk = m->kcap ? m->kcap * 2 : 16;
        char **k = realloc(m->keys, nk * sizeof *k);
        if (!k)
            return -1;
        m->keys = k;
        size_t *l = realloc(m->lens, nk * sizeof *l);
        if (!l)
            return -1;
        m->lens = l;
        uint64_t *hs = realloc(m->hashes, nk * sizeof *hs);
        if (!hs)
            return -1;
        m->hashes = hs;
        m->kcap = nk;
    }
    char *copy = malloc(len + 1);
    if (!copy)
        return -1;
    memcpy(copy, key, len);
    copy[len] = '\0';
    uint64_t h = hash(key, len);
    size_t nid = m->n++;
    m->keys[nid] = copy;
    m->lens[nid] = len;
    m->hashes[nid] = h;
    size_t mask = m->scap - 1;
    size_t i = (size_t)h & mask;
    while (m->slots[i])
        i = (i + 1) & mask;
    m->slots[i] = (uint32_t)(nid + 1);
    if (added)
        *added = 1;
    return (long)nid;
}
