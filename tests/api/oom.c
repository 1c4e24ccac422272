/* Out of memory through the public API, at every allocation in turn: built by tests/api/run.sh
 * against the installed archive with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc, so that
 * the archive's allocations come here and the N-th one can fail.
 *
 * usage: oom DATA.csv taylor|jk1|replicate, or oom SPEC.yml spec
 *
 * One job, as a program embedding the library runs it: a reader with missing codes, a plan
 * (the design, a single-choice question with a score, a multi-response question as 0/1
 * columns and one as codes, the segment 'heavy' and a --by set, two pairs), the pass on two
 * threads in chunks of 4 KiB (so that the parallel pass, its merge and its fallback to one
 * thread all run), then the estimates, comparisons, scores and a Rao-Scott test, written as
 * CSV and JSON into memory. The job runs once to count its allocations and keep its output;
 * then, for N = 1 .. that count + 8, in a child process whose N-th allocation fails. Each
 * child must end in one of two ways: SHOPSTAT_ENOMEM with the message "out of memory" (the
 * failure reported), or SHOPSTAT_OK with the first run's output (the library recovered: the
 * parallel pass runs again on one thread; numbers equal to 1e-12). A crash, another status, or
 * success with other output fails the test; under ASan the child's leaks do too (LSan at
 * exit). Modes replicate and spec run shopstat_replicate_write (JKn weights for DATA.csv)
 * and shopstat_spec_parse instead, as the same kind of job. Prints one line "N allocations, each failing in turn: ..." and, or 1 naming each
 * failing allocation. */
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <shopstat/shopstat.h>

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);

static atomic_long calls, fail_at;

static int failing(void)
{
    long c = atomic_fetch_add(&calls, 1) + 1;
    return c == atomic_load(&fail_at);
}

void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n)
{
    return failing() ? NULL : __real_malloc(n);
}
void *__wrap_calloc(size_t n, size_t size)
{
    return failing() ? NULL : __real_calloc(n, size);
}
void *__wrap_realloc(void *p, size_t n)
{
    return failing() ? NULL : __real_realloc(p, n);
}

static const char *data;
static int replicate; /* jk1: a replicate-weight design */
static const char *mode;

/* 1 when a and b hold the same text, but for numbers that differ by at most 1e-12 of their
 * size: the pass that runs again on one thread (after a failure in the parallel pass) adds
 * the same terms in another order, which may change the last bits (docs/library.md). */
static int same_output(const char *a, size_t na, const char *b, size_t nb)
{
    size_t i = 0, j = 0;
    while (i < na && j < nb) {
        char *ea, *eb;
        double x = strtod(a + i, &ea), y = strtod(b + j, &eb);
        if (ea != a + i && eb != b + j && (a[i] == '-' || (a[i] >= '0' && a[i] <= '9'))) {
            if (!(fabs(x - y) <= 1e-12 * fmax(fabs(x), fabs(y))))
                return 0;
            i = (size_t)(ea - a);
            j = (size_t)(eb - b);
        } else if (a[i++] != b[j++])
            return 0;
    }
    return i == na && j == nb;
}

/* Write what the job computed; returns the first writer's failure. */
static shopstat_status write_all(FILE *f, const shopstat_totals *t, const shopstat_estimate *e,
                                 size_t ne, const shopstat_difference *d, size_t nd,
                                 const shopstat_score_estimate *s, size_t ns,
                                 const shopstat_chisq_result *chi, shopstat_error *err)
{
    shopstat_status st;
    shopstat_tab_context ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.data = data;
    ctx.ci = "logit";
    ctx.level = 0.95;
    ctx.totals = t;
    if ((st = shopstat_write_tab_csv(f, e, ne, NULL, 1, err)) ||
        (st = shopstat_write_compare_csv(f, d, nd, NULL, 1, err)) ||
        (st = shopstat_write_score_csv(f, s, ns, NULL, 1, err)) ||
        (st = shopstat_write_tab_json(f, e, ne, &ctx, err)))
        return st;
    char buf[64];
    fprintf(f, "chisq %s %s\n", shopstat_format_double(chi->statistic, buf, sizeof buf),
            chi->variable);
    return SHOPSTAT_OK;
}

/* A survey spec read (mode spec), or replicate weights made for a file (mode replicate),
 * what came of it written to *out. */
static shopstat_status other_job(char **out, size_t *outlen, shopstat_error *err)
{
    FILE *f = open_memstream(out, outlen); /* (glibc's own malloc: not counted) */
    if (!f)
        return shopstat_error_set(err, SHOPSTAT_EINTERNAL, NULL, 0, 0, "open_memstream failed");
    shopstat_status st;
    if (strcmp(mode, "spec") == 0) {
        shopstat_spec *sp = NULL;
        if ((st = shopstat_spec_parse(data, &sp, err)) == SHOPSTAT_OK) {
            const shopstat_spec_info *in = shopstat_spec_get(sp);
            fprintf(f, "%s: data %s, %zu questions, %zu segments, %zu tables\n", in->survey,
                    in->data, in->nquestions, in->nsegments, in->ntables);
            for (size_t i = 0; i < in->nquestions; i++)
                fprintf(f, "question %s\n", in->questions[i].name);
        }
        shopstat_spec_free(sp);
    } else {
        shopstat_replicate_opts ro;
        shopstat_replicate_opts_init(&ro);
        ro.weight = "wt";
        ro.strata = "region";
        ro.psu = "panel";
        ro.lonely = SHOPSTAT_LONELY_CERTAINTY;
        shopstat_replicate_info info;
        memset(&info, 0, sizeof info);
        if ((st = shopstat_replicate_write(data, NULL, &ro, f, &info, err)) == SHOPSTAT_OK)
            fprintf(f, "%zu replicates, scale %.17g\n", info.replicates, info.scale);
        shopstat_replicate_info_free(&info);
    }
    if (fclose(f) != 0 && !st)
        st = shopstat_error_set(err, SHOPSTAT_EINTERNAL, NULL, 0, 0, "fclose failed");
    return st;
}

static shopstat_status job(char **out, size_t *outlen, shopstat_error *err)
{
    if (strcmp(mode, "taylor") != 0 && strcmp(mode, "jk1") != 0)
        return other_job(out, outlen, err);
    shopstat_reader *r = NULL;
    shopstat_plan *p = NULL;
    shopstat_totals *t = NULL;
    shopstat_estimate *e = NULL;
    shopstat_difference *d = NULL;
    shopstat_score_estimate *s = NULL;
    size_t ne = 0, nd = 0, ns = 0;
    shopstat_status st;
    static const char *const missing[] = {"99", NULL};
    shopstat_csv_opts co;
    shopstat_csv_opts_init(&co);
    co.missing = missing;
    if ((st = shopstat_reader_open(data, &co, &r, err)))
        goto done;
    if (!(p = shopstat_plan_new())) {
        st = shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    shopstat_design_opts dz;
    shopstat_design_opts_init(&dz);
    dz.weight = "wt";
    if (replicate) {
        dz.repweights = "jk";
        dz.reptype = SHOPSTAT_REP_JK1;
    } else {
        dz.strata = "region";
        dz.psu = "panel";
        dz.lonely = SHOPSTAT_LONELY_CERTAINTY;
    }
    static const char *const pref[] = {"pref_email", "pref_form", "pref_phone"};
    static const char *const heavy_values[] = {"3", NULL};
    const shopstat_cond heavy = {"spend", SHOPSTAT_OP_IN, heavy_values};
    if ((st = shopstat_plan_set_design(p, &dz, err)) ||
        (st = shopstat_plan_add_single(p, "would_switch", "would_switch", err)) ||
        (st = shopstat_plan_add_score(p, "would_switch", "1=100,2=0", "share", err)) ||
        (st = shopstat_plan_add_multi(p, "pref", pref, 3, err)) ||
        (st = shopstat_plan_add_codes(p, "prob", "problems", err)) ||
        (st = shopstat_plan_add_by(p, "wave", err)) ||
        (st = shopstat_plan_add_segment(p, "heavy", &heavy, 1, err)) ||
        (st = shopstat_plan_add_pair(p, "heavy", "all", err)) ||
        (st = shopstat_plan_add_pair(p, "wave=2011", "heavy", err)))
        goto done;
    shopstat_pass_opts po;
    shopstat_pass_opts_init(&po);
    po.threads = 2;
    po.chunk_bytes = 4096;
    st = shopstat_totals_compute_opts(p, r, &po, &t, err);
    shopstat_reader_free(r);
    r = NULL;
    if (st)
        goto done;
    shopstat_chisq_result chi;
    if ((st = shopstat_tab_estimates(t, NULL, &e, &ne, err)) ||
        (st = shopstat_compare(t, NULL, &d, &nd, err)) ||
        (st = shopstat_score_estimates(t, NULL, &s, &ns, err)) ||
        (st = shopstat_chisq(t, 0, "wave", &chi, err)))
        goto done;
    FILE *f = open_memstream(out, outlen); /* (glibc's own malloc: not counted) */
    if (!f) {
        st = shopstat_error_set(err, SHOPSTAT_EINTERNAL, NULL, 0, 0, "open_memstream failed");
        goto done;
    }
    st = write_all(f, t, e, ne, d, nd, s, ns, &chi, err);
    if (fclose(f) != 0 && !st)
        st = shopstat_error_set(err, SHOPSTAT_EINTERNAL, NULL, 0, 0, "fclose failed");
done:
    free(s);
    free(d);
    free(e);
    shopstat_totals_free(t);
    shopstat_plan_free(p);
    shopstat_reader_free(r);
    return st;
}

int main(int argc, char **argv)
{
    if (argc != 3 || (strcmp(argv[2], "taylor") != 0 && strcmp(argv[2], "jk1") != 0 &&
                      strcmp(argv[2], "spec") != 0 && strcmp(argv[2], "replicate") != 0)) {
        fprintf(stderr, "usage: %s DATA.csv taylor|jk1|replicate, or SPEC.yml spec\n", argv[0]);
        return 2;
    }
    data = argv[1];
    mode = argv[2];
    replicate = strcmp(mode, "jk1") == 0;
    shopstat_error err;
    shopstat_error_clear(&err);
    char *want = NULL;
    size_t nwant = 0;
    atomic_store(&fail_at, -1);
    shopstat_status st = job(&want, &nwant, &err);
    long total = atomic_load(&calls);
    if (st) {
        char line[2200];
        shopstat_error_format(&err, line, sizeof line);
        fprintf(stderr, "oom: the job fails without a failing allocation: %s\n", line);
        return 1;
    }
    long bad = 0, nomem = 0, recovered = 0; /* (runs past total fail nothing: not counted) */
    for (long n = 1; n <= total + 8; n++) {
        fflush(stderr);
        pid_t pid = fork();
        if (pid < 0) {
            perror("oom: fork");
            return 1;
        }
        if (pid == 0) {
            char *got = NULL;
            size_t ngot = 0;
            shopstat_error e;
            shopstat_error_clear(&e);
            atomic_store(&calls, 0);
            atomic_store(&fail_at, n);
            shopstat_status s = job(&got, &ngot, &e);
            atomic_store(&fail_at, -1);
            int rc = 0;
            if (s == SHOPSTAT_ENOMEM && strcmp(e.msg, "out of memory") == 0)
                rc = 10;
            else if (s != SHOPSTAT_OK) {
                char line[2200];
                shopstat_error_format(&e, line, sizeof line);
                fprintf(stderr, "oom: allocation %ld failing: status %s, %s\n", n,
                        shopstat_status_name(s), line);
                rc = 3;
            } else if (!same_output(got, ngot, want, nwant)) {
                fprintf(stderr, "oom: allocation %ld failing: SHOPSTAT_OK, but the output "
                                "differs from the run without a failure\n", n);
                rc = 4;
            }
            free(got);
            free(want);
            exit(rc); /* (exit, not _exit: LeakSanitizer checks at exit under ASan) */
        }
        int ws;
        if (waitpid(pid, &ws, 0) != pid) {
            perror("oom: waitpid");
            return 1;
        }
        if (WIFEXITED(ws) && WEXITSTATUS(ws) == 10)
            nomem++;
        else if (WIFEXITED(ws) && WEXITSTATUS(ws) == 0)
            recovered += n <= total;
        else if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0) {
            bad++;
            if (WIFSIGNALED(ws))
                fprintf(stderr, "oom: allocation %ld failing: killed by signal %d\n", n,
                        WTERMSIG(ws));
            else if (WEXITSTATUS(ws) != 3 && WEXITSTATUS(ws) != 4)
                fprintf(stderr, "oom: allocation %ld failing: exit status %d\n", n,
                        WEXITSTATUS(ws));
        }
    }
    free(want);
    printf("%ld allocations, each failing in turn: %ld out of memory, %ld recovered, %ld wrong\n",
           total, nomem, recovered, bad);
    return bad != 0;
}
