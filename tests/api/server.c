/* The library in a long-running server: several threads, each serving its own requests (a
 * reader, a plan, a pass on threads of its own, estimates, comparisons and every writer into
 * memory), under the caller's locale, with a pass it may cancel. Built by tests/api/run.sh
 * against the installed headers and archive (and by `make tsan` under ThreadSanitizer).
 *
 * usage: server DATA.csv request [de]   one request's output on stdout (the CSVs, JSON and
 *                                       text table of tab and compare); with "de" under
 *                                       setlocale(LC_ALL, "de_DE.UTF-8") (exit 3 when the
 *                                       locale is not there), which must change no byte
 *        server DATA.csv threads N K    N threads serving K requests each (passes on 2
 *                                       threads of their own), every output compared with
 *                                       one request's served alone first on one thread
 *        server DATA.csv shared N K     one request's totals, and N threads computing and
 *                                       writing everything from them K times each at once
 *        server DATA.csv cancel         a pass canceled after its first chunk and a pass over
 *                                       a stream canceled after 65,536 rows: SHOPSTAT_ECANCELED,
 *                                       nothing returned; a cancel callback that never
 *                                       cancels changes no number
 *        server DATA.csv memory         the request read from a FILE * of fmemopen(3) over the
 *                                       file's bytes (no path), compared with the request
 *                                       read from the path
 * Prints one line saying what it found; exit status 0 when all is as it should be. */
#define _POSIX_C_SOURCE 200809L
#include <locale.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <shopstat/shopstat.h>

static const char *data;

/* The example's plan (docs/library.md): design, questions, segments, pairs. */
static shopstat_status build_plan(shopstat_plan **out, shopstat_error *err)
{
    shopstat_plan *plan = shopstat_plan_new();
    *out = NULL;
    if (!plan)
        return shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
    shopstat_design_opts design;
    shopstat_design_opts_init(&design);
    design.weight = "wt";
    design.strata = "region";
    design.psu = "panel";
    design.lonely = SHOPSTAT_LONELY_CERTAINTY;
    static const char *const pref[] = {"pref_email", "pref_form", "pref_phone"};
    static const char *const heavy_values[] = {"3", NULL};
    const shopstat_cond heavy = {"spend", SHOPSTAT_OP_IN, heavy_values};
    shopstat_status st;
    if ((st = shopstat_plan_set_design(plan, &design, err)) != SHOPSTAT_OK ||
        (st = shopstat_plan_add_single(plan, "would_switch", "would_switch", err)) != SHOPSTAT_OK ||
        (st = shopstat_plan_add_multi(plan, "pref", pref, 3, err)) != SHOPSTAT_OK ||
        (st = shopstat_plan_add_codes(plan, "prob", "problems", err)) != SHOPSTAT_OK ||
        (st = shopstat_plan_add_by(plan, "wave", err)) != SHOPSTAT_OK ||
        (st = shopstat_plan_add_segment(plan, "heavy", &heavy, 1, err)) != SHOPSTAT_OK ||
        (st = shopstat_plan_add_pair(plan, "heavy", "all", err)) != SHOPSTAT_OK ||
        (st = shopstat_plan_add_pair(plan, "wave=2011", "heavy", err)) != SHOPSTAT_OK) {
        shopstat_plan_free(plan);
        return st;
    }
    *out = plan;
    return SHOPSTAT_OK;
}

/* Every output of finished totals (estimates, comparisons, the CSV, JSON and text-table
 * writers, the differences as text) into a malloc'ed buffer (*out, *len); the totals are
 * only read (const), so several threads may do this with the same totals at once. */
static shopstat_status outputs(const shopstat_totals *totals, char **out, size_t *len,
                               shopstat_error *err)
{
    shopstat_estimate *est = NULL;
    shopstat_difference *diff = NULL;
    size_t nest = 0, ndiff = 0;
    *out = NULL;
    *len = 0;
    FILE *f = open_memstream(out, len);
    if (!f)
        return shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
    shopstat_tab_opts tab;
    shopstat_tab_opts_init(&tab);
    shopstat_compare_opts cmp;
    shopstat_compare_opts_init(&cmp);
    shopstat_tab_context ctx;
    shopstat_tab_context_init(&ctx, totals, &tab);
    shopstat_status st;
    if ((st = shopstat_tab_estimates(totals, &tab, &est, &nest, err)) == SHOPSTAT_OK &&
        (st = shopstat_compare(totals, &cmp, &diff, &ndiff, err)) == SHOPSTAT_OK &&
        (st = shopstat_write_tab_csv(f, est, nest, NULL, 1, err)) == SHOPSTAT_OK &&
        (st = shopstat_write_compare_csv(f, diff, ndiff, NULL, 1, err)) == SHOPSTAT_OK &&
        (st = shopstat_write_tab_json(f, est, nest, &ctx, err)) == SHOPSTAT_OK &&
        (st = shopstat_write_compare_json(f, diff, ndiff, &ctx, &cmp, err)) == SHOPSTAT_OK &&
        (st = shopstat_write_tab_table(f, est, nest, &ctx, err)) == SHOPSTAT_OK) {
        char d[200];
        for (size_t i = 0; i < ndiff; i++)
            fprintf(f, "%s\n", shopstat_format_difference(&diff[i], NULL, d, sizeof d));
    }
    fclose(f);
    free(diff);
    free(est);
    if (st != SHOPSTAT_OK) {
        free(*out);
        *out = NULL;
    }
    return st;
}

/* One request: the plan over the data file, or over fp when it is not NULL, then every
 * output (*out, *len). o: the pass's options. */
static shopstat_status request(FILE *fp, const shopstat_pass_opts *o, char **out, size_t *len,
                               shopstat_error *err)
{
    shopstat_reader *reader = NULL;
    shopstat_plan *plan = NULL;
    shopstat_totals *totals = NULL;
    *out = NULL;
    *len = 0;
    shopstat_status st = fp ? shopstat_reader_open_file(fp, "request.csv", NULL, &reader, err)
                            : shopstat_reader_open(data, NULL, &reader, err);
    if (st == SHOPSTAT_OK && (st = build_plan(&plan, err)) == SHOPSTAT_OK)
        st = shopstat_totals_compute_opts(plan, reader, o, &totals, err);
    shopstat_reader_free(reader);
    if (st == SHOPSTAT_OK)
        st = outputs(totals, out, len, err);
    shopstat_totals_free(totals);
    shopstat_plan_free(plan);
    return st;
}

static void print_error(const shopstat_error *err)
{
    char line[2200];
    shopstat_error_format(err, line, sizeof line);
    fprintf(stderr, "%s\n", line);
}

/* ---- threads ---- */

static char *reference;
static size_t reference_len;
static int per_thread;
static atomic_int differ, failed;

static void *serve(void *arg)
{
    (void)arg;
    for (int k = 0; k < per_thread; k++) {
        shopstat_pass_opts o;
        shopstat_pass_opts_init(&o);
        o.threads = 2;
        o.chunk_bytes = 4096; /* (several chunks of the small file, merged in order) */
        shopstat_error err;
        shopstat_error_clear(&err);
        char *out;
        size_t len;
        if (request(NULL, &o, &out, &len, &err) != SHOPSTAT_OK) {
            print_error(&err);
            atomic_fetch_add(&failed, 1);
            continue;
        }
        if (len != reference_len || memcmp(out, reference, len) != 0)
            atomic_fetch_add(&differ, 1);
        free(out);
    }
    return NULL;
}

static int threads(int n, int k)
{
    shopstat_error err;
    shopstat_error_clear(&err);
    /* (the same chunks, merged in file order on one thread: the sums are added in the
     * same order, so every byte is the same for any number of threads) */
    shopstat_pass_opts one;
    shopstat_pass_opts_init(&one);
    one.threads = 1;
    one.chunk_bytes = 4096;
    if (request(NULL, &one, &reference, &reference_len, &err) != SHOPSTAT_OK) {
        print_error(&err);
        return 1;
    }
    per_thread = k;
    pthread_t tid[64];
    int started = 0;
    for (int i = 0; i < n && i < 64; i++)
        if (pthread_create(&tid[started], NULL, serve, NULL) == 0)
            started++;
    for (int i = 0; i < started; i++)
        pthread_join(tid[i], NULL);
    printf("%d threads x %d requests: %d differ, %d failed\n", started, k, atomic_load(&differ),
           atomic_load(&failed));
    free(reference);
    return started == n && !atomic_load(&differ) && !atomic_load(&failed) ? 0 : 1;
}

/* ---- one finished totals read by several threads at once ---- */

static const shopstat_totals *shared;

static void *read_shared(void *arg)
{
    (void)arg;
    for (int k = 0; k < per_thread; k++) {
        shopstat_error err;
        shopstat_error_clear(&err);
        char *out;
        size_t len;
        if (outputs(shared, &out, &len, &err) != SHOPSTAT_OK) {
            print_error(&err);
            atomic_fetch_add(&failed, 1);
            continue;
        }
        if (len != reference_len || memcmp(out, reference, len) != 0)
            atomic_fetch_add(&differ, 1);
        free(out);
    }
    return NULL;
}

static int shared_totals(int n, int k)
{
    shopstat_error err;
    shopstat_error_clear(&err);
    shopstat_reader *reader = NULL;
    shopstat_plan *plan = NULL;
    shopstat_totals *totals = NULL;
    shopstat_status st = shopstat_reader_open(data, NULL, &reader, &err);
    if (st == SHOPSTAT_OK && (st = build_plan(&plan, &err)) == SHOPSTAT_OK)
        st = shopstat_totals_compute(plan, reader, &totals, &err);
    shopstat_reader_free(reader);
    if (st == SHOPSTAT_OK)
        st = outputs(totals, &reference, &reference_len, &err);
    if (st != SHOPSTAT_OK) {
        print_error(&err);
        shopstat_totals_free(totals);
        shopstat_plan_free(plan);
        return 1;
    }
    shared = totals;
    per_thread = k;
    pthread_t tid[64];
    int started = 0;
    for (int i = 0; i < n && i < 64; i++)
        if (pthread_create(&tid[started], NULL, read_shared, NULL) == 0)
            started++;
    for (int i = 0; i < started; i++)
        pthread_join(tid[i], NULL);
    printf("%d threads x %d readings of one totals: %d differ, %d failed\n", started, k,
           atomic_load(&differ), atomic_load(&failed));
    free(reference);
    shopstat_totals_free(totals);
    shopstat_plan_free(plan);
    return started == n && !atomic_load(&differ) && !atomic_load(&failed) ? 0 : 1;
}

/* ---- cancel ---- */

typedef struct watch {
    atomic_int progress, asked;
    int cancel_after; /* cancel when asked this many times (0: never) */
} watch;

static void on_progress(void *ctx, size_t bytes, size_t rows)
{
    (void)bytes;
    (void)rows;
    watch *w = ctx;
    atomic_fetch_add(&w->progress, 1);
}

static int on_cancel(void *ctx)
{
    watch *w = ctx;
    int n = atomic_fetch_add(&w->asked, 1) + 1;
    return w->cancel_after && n >= w->cancel_after;
}

/* A pass over the data file on 2 threads in chunks of 4096 bytes, or over a stream (stream
 * not NULL: one thread, the rows in order) */
static shopstat_status cancel_run(FILE *stream, watch *w, char **out, size_t *len,
                                  shopstat_error *err)
{
    shopstat_pass_opts o;
    shopstat_pass_opts_init(&o);
    o.threads = 2;
    o.chunk_bytes = 4096;
    o.progress = on_progress;
    o.progress_ctx = w;
    o.cancel = on_cancel;
    o.cancel_ctx = w;
    shopstat_error_clear(err);
    return request(stream, &o, out, len, err);
}

/* The data file's data rows repeated until the stream holds more than 65,536 rows (the
 * one-thread pass asks every 65,536), in a temporary FILE *. */
static FILE *long_stream(void)
{
    FILE *in = fopen(data, "rb"), *s = tmpfile();
    if (!in || !s)
        return NULL;
    char *line = NULL, *header = NULL;
    size_t cap = 0, n = 0;
    char **rows = NULL;
    ssize_t got;
    while ((got = getline(&line, &cap, in)) > 0) {
        if (!header) {
            header = strdup(line);
            continue;
        }
        char **more = realloc(rows, (n + 1) * sizeof *rows);
        if (!more)
            return NULL;
        rows = more;
        rows[n++] = strdup(line);
    }
    fclose(in);
    fputs(header, s);
    for (size_t i = 0; n && i < 70000; i++)
        fputs(rows[i % n], s);
    for (size_t i = 0; i < n; i++)
        free(rows[i]);
    free(rows);
    free(header);
    free(line);
    rewind(s);
    return s;
}

static int cancel(void)
{
    int bad = 0;
    shopstat_error err;
    char *out = NULL, *ref = NULL;
    size_t len = 0, ref_len = 0;
    /* never canceled: asked after every chunk, the same bytes as without the callback */
    watch never = {0, 0, 0};
    shopstat_error_clear(&err);
    shopstat_pass_opts plain;
    shopstat_pass_opts_init(&plain);
    plain.threads = 2;
    plain.chunk_bytes = 4096;
    if (request(NULL, &plain, &ref, &ref_len, &err) != SHOPSTAT_OK ||
        cancel_run(NULL, &never, &out, &len, &err) != SHOPSTAT_OK) {
        print_error(&err);
        return 1;
    }
    if (len != ref_len || memcmp(out, ref, len) != 0 || atomic_load(&never.asked) < 2) {
        fprintf(stderr, "never canceled: output differs or asked %d times\n",
                atomic_load(&never.asked));
        bad++;
    }
    free(out);
    /* canceled after the first chunk */
    watch first = {0, 0, 1};
    shopstat_status st = cancel_run(NULL, &first, &out, &len, &err);
    if (st != SHOPSTAT_ECANCELED || out || strcmp(err.msg, "the pass was canceled") != 0 ||
        atomic_load(&first.asked) != 1 || shopstat_exit_code(st) != 1 ||
        strcmp(shopstat_status_name(st), "canceled") != 0) {
        fprintf(stderr, "canceled after a chunk: %s '%s', asked %d times\n",
                shopstat_status_name(st), err.msg, atomic_load(&first.asked));
        bad++;
    }
    /* a stream, read on one thread: canceled at its 65,536th row */
    FILE *s = long_stream();
    if (!s)
        return 1;
    watch rows = {0, 0, 1};
    st = cancel_run(s, &rows, &out, &len, &err);
    if (st != SHOPSTAT_ECANCELED || out || atomic_load(&rows.asked) != 1 ||
        atomic_load(&rows.progress) != 1) {
        fprintf(stderr, "stream canceled at 65536 rows: %s '%s', asked %d times\n",
                shopstat_status_name(st), err.msg, atomic_load(&rows.asked));
        bad++;
    }
    fclose(s);
    /* describe's pass, canceled after its first chunk */
    watch desc = {0, 0, 1};
    shopstat_reader *reader = NULL;
    shopstat_description *ds = NULL;
    shopstat_pass_opts o;
    shopstat_pass_opts_init(&o);
    o.threads = 2;
    o.chunk_bytes = 4096;
    o.cancel = on_cancel;
    o.cancel_ctx = &desc;
    shopstat_error_clear(&err);
    st = shopstat_reader_open(data, NULL, &reader, &err);
    if (st == SHOPSTAT_OK)
        st = shopstat_describe_opts(reader, NULL, &o, &ds, &err);
    if (st != SHOPSTAT_ECANCELED || ds || atomic_load(&desc.asked) != 1) {
        fprintf(stderr, "describe canceled after a chunk: %s '%s', asked %d times\n",
                shopstat_status_name(st), err.msg, atomic_load(&desc.asked));
        bad++;
    }
    shopstat_description_free(ds);
    shopstat_reader_free(reader);
    free(ref);
    printf("cancel: %d wrong\n", bad);
    return bad ? 1 : 0;
}

/* ---- memory ---- */

static int memory(void)
{
    FILE *in = fopen(data, "rb");
    if (!in)
        return 1;
    char *bytes = malloc(1 << 20);
    size_t n = bytes ? fread(bytes, 1, 1 << 20, in) : 0;
    fclose(in);
    FILE *m = n ? fmemopen(bytes, n, "r") : NULL;
    if (!m)
        return 1;
    shopstat_error err;
    shopstat_error_clear(&err);
    char *out = NULL, *ref = NULL;
    size_t len = 0, ref_len = 0;
    if (request(NULL, NULL, &ref, &ref_len, &err) != SHOPSTAT_OK ||
        request(m, NULL, &out, &len, &err) != SHOPSTAT_OK) {
        print_error(&err);
        return 1;
    }
    /* the JSON names the data file: request.csv where the path was */
    int same = 0, k = 0;
    for (size_t i = 0, j = 0; i < ref_len && j < len; k++) {
        const char *a = strstr(ref + i, data), *b = strstr(out + j, "request.csv");
        size_t ai = a ? (size_t)(a - ref) : ref_len, bj = b ? (size_t)(b - out) : len;
        if (ai - i != bj - j || memcmp(ref + i, out + j, ai - i) != 0)
            break;
        i = a ? ai + strlen(data) : ref_len;
        j = b ? bj + strlen("request.csv") : len;
        same = i == ref_len && j == len;
    }
    fclose(m);
    free(bytes);
    free(out);
    free(ref);
    printf("memory: %s\n", same ? "same output" : "output differs");
    return same ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr,
                "usage: %s DATA.csv request [de] | threads N K | shared N K | cancel | memory\n",
                argv[0]);
        return 2;
    }
    data = argv[1];
    if (strcmp(argv[2], "threads") == 0 && argc == 5)
        return threads(atoi(argv[3]), atoi(argv[4]));
    if (strcmp(argv[2], "shared") == 0 && argc == 5)
        return shared_totals(atoi(argv[3]), atoi(argv[4]));
    if (strcmp(argv[2], "cancel") == 0)
        return cancel();
    if (strcmp(argv[2], "memory") == 0)
        return memory();
    if (strcmp(argv[2], "request") != 0)
        return 2;
    if (argc == 4 && strcmp(argv[3], "de") == 0 && !setlocale(LC_ALL, "de_DE.UTF-8")) {
        fprintf(stderr, "no de_DE.UTF-8 locale\n");
        return 3;
    }
    shopstat_error err;
    shopstat_error_clear(&err);
    char *out;
    size_t len;
    if (request(NULL, NULL, &out, &len, &err) != SHOPSTAT_OK) {
        print_error(&err);
        return shopstat_exit_code(err.status);
    }
    fwrite(out, 1, len, stdout);
    printf("%.1f\n", 0.5); /* (the caller's own printf keeps the caller's locale) */
    free(out);
    return 0;
}
