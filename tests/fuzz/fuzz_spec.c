/* libFuzzer target: the survey spec parser (YAML via libyaml, expressions, references). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shopstat/spec.h"

#include "fuzz_common.h"

/* Parse the input as a spec; a refusal must carry a status, a message and, for a bad spec,
 * a position inside the text; an accepted spec's labels are looked up once. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0;
    shopstat_error err;
    shopstat_error_clear(&err);
    shopstat_spec *s = NULL;
    shopstat_status st = shopstat_spec_parse_text("fuzz.yml", (const char *)data, size, &s, &err);
    if (st != SHOPSTAT_OK) {
        if (s || !err.msg[0] || err.status != st)
            abort();
        if (st == SHOPSTAT_EINPUT && err.line == 0)
            abort(); /* every spec error points into the spec */
        return 0;
    }
    const shopstat_spec_info *in = shopstat_spec_get(s);
    if (!in->survey || !in->data || in->ntables == 0 || in->nsegments == 0)
        abort();
    for (size_t t = 0; t < in->ntables; t++) {
        const shopstat_spec_table *tb = &in->tables[t];
        if (tb->question >= in->nquestions)
            abort();
        for (size_t k = 0; k < tb->nsegments; k++)
            if (tb->segments[k] >= in->nsegments)
                abort();
        (void)shopstat_spec_label(s, in->questions[tb->question].name, "1", NULL);
    }
    for (size_t g = 0; g < in->nsegments; g++)
        (void)shopstat_spec_label(s, NULL, NULL, in->segments[g].name);
    shopstat_spec_free(s);
    return 0;
}
