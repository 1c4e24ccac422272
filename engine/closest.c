/* "Did you mean": the closest of a few names to a word typed (spec keys, columns). */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "shopstat/spec.h"

/* Optimal string alignment distance: insertions, deletions, substitutions and swaps of
 * two adjacent letters ("pus" -> "psu") each cost 1. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return (size_t)-1;
    size_t d[65][65];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[la][lb];
}

/* short is long with letters left out, the first kept ("wt", "weight"), ignoring case */
static int abbreviates(const char *shrt, const char *lng)
{
    if (!shrt[0] || tolower((unsigned char)shrt[0]) != tolower((unsigned char)lng[0]))
        return 0;
    for (; *shrt && *lng; lng++)
        if (tolower((unsigned char)*shrt) == tolower((unsigned char)*lng))
            shrt++;
    return !*shrt;
}

const char *shopstat_closest(const char *word, const char *const *cands, size_t n)
{
    size_t limit = strlen(word) / 3;
    if (limit < 1)
        limit = 1;
    const char *best = NULL, *abbr = NULL;
    size_t bestd = limit + 1;
    for (size_t i = 0; i < n; i++) {
        if (!cands[i][0])
            continue; /* (a column without a name is no suggestion) */
        if (strcasecmp(word, cands[i]) == 0)
            return cands[i];
        size_t d = edit_distance(word, cands[i]);
        if (d < bestd) {
            bestd = d;
            best = cands[i];
        }
        if (!abbr && (abbreviates(word, cands[i]) || abbreviates(cands[i], word)))
            abbr = cands[i];
    }
    return best ? best : abbr;
}
