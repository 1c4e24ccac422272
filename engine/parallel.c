/* The parallel pass: the file cut into chunks at line ends, parsed by threads into private totals and merged in file order. */
#define _GNU_SOURCE /* sched_getcpu, pthread_attr_setaffinity_np: spares started on another CPU */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core.h"

/* Chunks of about 32 MiB. Fewer, larger chunks mean fewer merges and fewer second sets of
 * totals (a worker makes one when its parsed chunk must wait for the chunk before it):
 * with replicate weights each merge adds replicates x cells totals and every direction
 * (PSU pattern) the chunk saw (80 bootstrap replicates, 1 GB: 6.25 s with 8 MiB chunks,
 * 5.49 s with 32 MiB, on 2 threads); the typical run at 10M rows, 2 threads, 0.884 s with
 * 16 MiB and 0.878 s with 32 MiB (docs/performance-log.md, eleventh session). The last two
 * chunks are cut in halves and quarters (chunk_layout_plan; in files of 64 MiB and more), so that
 * the threads still end together. */
#define DEFAULT_CHUNK ((size_t)32 << 20)
#define MIN_CHUNK ((size_t)1 << 20)
/* The tail's quarters are no smaller than this. A merge costs the same at any chunk size
 * (PSUs x cells: about 1 ms for the benchmark's 2,000 PSUs), while a quarter of 2.3 MB
 * parses in about 10 ms: the 1M-row export (36 MB) cut as 2 chunks, 2 halves and 4
 * quarters took 0.1016 / 0.1039 / 0.1071 s (min / q1 / median, 30 rounds alternated, 2
 * threads) against 0.0977 / 0.1024 / 0.1043 s as 4 equal chunks (docs/performance-log.md,
 * twenty-fifth session). Files of about 64 MB and more keep the tail. */
#define MIN_TAIL ((size_t)4 << 20)
#define MAX_THREADS 256
/* Chunks when merging once (chunk_job.merge_once): a chunk costs no merge and no wait
 * there, so they can be small enough for the threads to end together whatever their
 * pace (docs/performance-log.md, thirty-third session). */
#define ONCE_CHUNK ((size_t)2 << 20)

void shopstat_pass_opts_init(shopstat_pass_opts *o)
{
    memset(o, 0, sizeof *o);
}

/* A worker's totals for one chunk. Each worker has SLOTS of them: a chunk parsed before
 * its turn to be merged waits in its slot while the worker goes on with the next chunk in
 * another. With one slot a worker that finished chunk k stood idle until chunk k - 1, in
 * another thread, was done: 0.1-0.7 s of a 1.3-2 s pass at 10M rows whenever the two
 * threads did not run at the same speed. */
#define SLOTS 2

/* What a second set of totals costs, in bytes of parsing: 3-19 ms on the benchmark's VM,
 * about what 2 MiB take (docs/performance-log.md, twelfth session). A worker whose parsed chunk
 * waits for one still being parsed makes a second set only when that chunk is expected to
 * end later than this from now; otherwise it waits, up to half this past the expected end
 * (chunk_wait_until). Made at every such wait, sets cost 1M-row runs 3-19 ms each in 9 of 20
 * runs, and one thread's late set made the other wait and make one too. */
#define NEW_STATE_BYTES ((double)(2 << 20))

typedef struct slot {
    void *w;   /* the job's worker state */
    void *map; /* the job's merge state for w */
    size_t rows, empty, end; /* rows parsed, rows of empty fields skipped, end offset */
    size_t chunk;            /* the chunk it holds, while pending */
    int pending;  /* parsed, not merged yet */
} slot;

/* Where a thread of the pass is started (cpus_elsewhere, below) */
typedef struct cpus_hint {
    int moved; /* the attribute holds the other CPUs: the thread widens to all */
    int from;  /* the creating thread's CPU then (-1: not known) */
    cpu_set_t all;
} cpus_hint;

typedef struct par {
    const chunk_job *job;
    cpus_hint cpus; /* of the threads chunk_run starts (worker_elsewhere) */
    const shopstat_reader *r;
    size_t data_start, file_size;
    chunk_layout lay;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t next_chunk; /* next chunk to parse */
    size_t next_merge; /* chunk whose turn it is to be merged */
    slot **ready;      /* [chunk]: parsed and waiting for its turn, else NULL */
    double *began;     /* [chunk]: when its parse began (monotonic seconds) */
    int *owner;        /* [chunk]: the worker parsing it */
    int nworkers;
    double rate;                /* bytes a second of the chunk parsed last, 0 until one is */
    double wrate[MAX_THREADS];  /* the same, of each worker's last chunk */
    int merging;       /* a thread is merging (outside the lock) */
    size_t rows, empty;
    int failed;
    int canceled;                /* o->cancel said stop (failed is set too) */
    const shopstat_pass_opts *o; /* progress and cancel callbacks, may be NULL */
    size_t eol[3];               /* line ends of every chunk (job->count_eol) */
    int attached;                /* helper threads (spares claimed, threads started) that may
                                  * still touch this par: chunk_run waits for none */
    chunk_crew *crew;            /* merging once on threads: the helpers' after their chunks */
    int stream;                  /* a gzip file: one chunk, read in order (file_size SIZE_MAX) */
    int ahead;                   /* and inflated on another thread */
    /* merging once (chunk_job.merge_once): each worker's one state, handed over when it has
     * no chunk left (states[me]); live: workers that found a chunk to take and have not
     * ended (they read the reader: reader_range_new, _free) */
    int once;
    void *states[MAX_THREADS];
    atomic_int live; /* (changed under mu; read without it by chunk_run's spin) */
    size_t parsed_bytes; /* bytes of the chunks parsed (for progress) */
} par;

/* Start of chunk k: the first byte after the first LF at or after its nominal offset. */
static size_t chunk_start(const par *pp, reader_range *rr, size_t k)
{
    if (k == 0)
        return pp->data_start;
    if (k >= pp->lay.nchunks)
        return pp->file_size;
    return reader_range_boundary(rr, pp->data_start + chunk_layout_offset(&pp->lay, k),
                                 pp->file_size);
}

/* Merge every parsed chunk whose turn has come, in file order, by whichever thread is
 * there, one thread at a time. Called and returns with the lock held. */
static void merge_ready(par *pp)
{
    if (pp->merging)
        return; /* the merging thread goes on to the chunks it finds ready */
    pp->merging = 1;
    while (!pp->failed && pp->next_merge < pp->lay.nchunks && pp->ready[pp->next_merge]) {
        slot *m = pp->ready[pp->next_merge];
        pp->ready[pp->next_merge] = NULL;
        pthread_mutex_unlock(&pp->mu);
        shopstat_status st = pp->job->merge(pp->job->arg, m->w, &m->map);
        pthread_mutex_lock(&pp->mu);
        if (st != SHOPSTAT_OK)
            pp->failed = 1;
        pp->rows += m->rows;
        pp->empty += m->empty;
        if (pp->o && pp->o->progress && !pp->failed)
            pp->o->progress(pp->o->progress_ctx, m->end, pp->rows);
        if (pp->o && pp->o->cancel && !pp->failed && pp->o->cancel(pp->o->cancel_ctx))
            pp->failed = pp->canceled = 1;
        m->pending = 0;
        pp->next_merge++;
        pthread_cond_broadcast(&pp->cv);
    }
    pp->merging = 0;
    pthread_cond_broadcast(&pp->cv);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static inline void spin_pause(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

/* A step of a wait spun out: a pause, and every 32nd a sched_yield, which lets a thread
 * of the pass that shares this CPU run (on a loaded host the scheduler put both threads on
 * one CPU at the end of 2 of 6 runs: the calling thread, spinning for the helper's state,
 * held the helper off its CPU for the whole spin, 5 ms); alone, it returns at once. */
static inline void spin_step(unsigned n)
{
    if (n % 32 == 0)
        sched_yield();
    else
        spin_pause();
}

/* ---- the crew: a pass's helper threads kept for its tail ----
 *
 * Merging once, everything after the last row runs on chunk_run's calling thread: the
 * merge (pass_merge_once), the finish (pass_finish), the workers' states freed. The tail's
 * per-PSU work can be split (pass.c, tail_split), but threads started for it waited for a
 * CPU on this VM (its kernel packs a new thread on its creator's CPU and halts the idle
 * vCPU): the split came out even. So the helpers that parsed beside the calling thread do
 * not end after their last chunk: each joins the pass's crew, spins a while (CREW_SPIN) on
 * the crew's generation, then parks on its condition variable, and runs what the tail
 * lends it (chunk_crew_lend); at the end (crew_over) the helpers free the workers' states
 * and leave, while the calling thread goes on to the estimates and the output. Whoever
 * owns the crew then (the merged totals: shopstat_totals_free) waits for those frees
 * (chunk_crew_finish), when they are long done. The threads are detached: none is joined,
 * and none outlives its work by more than a spin. */
#define CREW_SPIN 0.005 /* s; $SHOPSTAT_CREW_SPIN_US, a timing and test knob, sets it */

struct chunk_crew {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    atomic_uint gen; /* bumped at each task lent and at the end: what the spinners watch */
    void (*fn)(void *); /* the task lent, */
    void *arg;
    int slots;          /* to this many more helpers */
    int members;        /* helpers that joined and have not left */
    int parked;         /* of them, waiting on cv */
    int over;           /* no task will come: free the states, leave */
    void **states;      /* to free (free_state), from nextfree on */
    size_t nstates, nextfree;
    void (*free_state)(void *);
    int freeing; /* states being freed by a helper */
    int refs;    /* the owner's and each member's */
    double spin; /* seconds a helper spins before it parks */
};

static _Atomic size_t crew_claims;     /* tasks taken by helpers (for tests: chunk_crew_stats) */
static _Atomic size_t threads_started; /* by the library, spares too (chunk_crew_stats) */

void chunk_crew_stats(size_t *started, size_t *claims)
{
    *started = atomic_load(&threads_started);
    *claims = atomic_load(&crew_claims);
}

static long env_long(const char *name);

static chunk_crew *crew_new(void)
{
    chunk_crew *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->cv, NULL);
    atomic_init(&c->gen, 0);
    c->refs = 1;
    long us = env_long("SHOPSTAT_CREW_SPIN_US");
    c->spin = getenv("SHOPSTAT_CREW_SPIN_US") ? (double)us * 1e-6 : CREW_SPIN;
    /* (one CPU allowed, taskset -c 1: a spinning thread would take it from the other) */
    cpu_set_t cpus;
    if (sched_getaffinity(0, sizeof cpus, &cpus) == 0 && CPU_COUNT(&cpus) < 2)
        c->spin = 0;
    return c;
}

/* One reference less, c->mu held (and released); the last destroys c */
static void crew_unref(chunk_crew *c)
{
    int last = --c->refs == 0;
    pthread_mutex_unlock(&c->mu);
    if (last) {
        pthread_mutex_destroy(&c->mu);
        pthread_cond_destroy(&c->cv);
        free(c->states);
        free(c);
    }
}

/* c's states not yet taken, freed by this thread; c->mu held */
static void crew_free_states(chunk_crew *c)
{
    while (c->nextfree < c->nstates) {
        void *w = c->states[c->nextfree++];
        if (!w)
            continue;
        c->freeing++;
        pthread_mutex_unlock(&c->mu);
        c->free_state(w);
        pthread_mutex_lock(&c->mu);
        if (--c->freeing == 0)
            pthread_cond_broadcast(&c->cv);
    }
}

/* A helper joins c (before it leaves the pass: the tail counts it) */
static void crew_join(chunk_crew *c)
{
    pthread_mutex_lock(&c->mu);
    c->members++;
    c->refs++;
    pthread_mutex_unlock(&c->mu);
}

/* A helper of c, its chunks done: the tasks lent until the end, then the states freed */
static void crew_serve(chunk_crew *c)
{
    pthread_mutex_lock(&c->mu);
    for (;;) {
        if (c->slots > 0) {
            c->slots--;
            void (*fn)(void *) = c->fn;
            void *arg = c->arg;
            pthread_mutex_unlock(&c->mu);
            atomic_fetch_add(&crew_claims, 1);
            fn(arg);
            pthread_mutex_lock(&c->mu);
            continue;
        }
        if (c->over)
            break;
        unsigned g = atomic_load_explicit(&c->gen, memory_order_relaxed);
        pthread_mutex_unlock(&c->mu);
        /* spin first: a parked thread's vCPU halts, and waking it costs */
        double until = c->spin > 0 ? now_s() + c->spin : 0;
        for (unsigned n = 1; until > 0; n++) {
            if (atomic_load_explicit(&c->gen, memory_order_acquire) != g)
                break;
            if (n % 256 == 0 && now_s() > until)
                break;
            spin_step(n);
        }
        pthread_mutex_lock(&c->mu);
        if (!c->slots && !c->over && atomic_load(&c->gen) == g) {
            c->parked++;
            pthread_cond_wait(&c->cv, &c->mu);
            c->parked--;
        }
    }
    crew_free_states(c);
    c->members--;
    crew_unref(c);
}

void chunk_crew_spin_until(const chunk_crew *c, int (*done)(const void *), const void *arg)
{
    double until = c && c->spin > 0 ? now_s() + c->spin : 0;
    for (unsigned k = 1; until > 0 && !done(arg); k++) {
        if (k % 256 == 0 && now_s() > until)
            break;
        spin_step(k);
    }
}

/* (chunk_crew_spin_until: every worker has handed its state over) */
static int none_live(const void *arg)
{
    return atomic_load_explicit(&((const par *)arg)->live, memory_order_acquire) == 0;
}

int chunk_crew_members(chunk_crew *c)
{
    if (!c)
        return 0;
    pthread_mutex_lock(&c->mu);
    int n = c->over ? 0 : c->members;
    pthread_mutex_unlock(&c->mu);
    return n;
}

void chunk_crew_lend(chunk_crew *c, void (*fn)(void *), void *arg, int n)
{
    pthread_mutex_lock(&c->mu);
    c->fn = fn;
    c->arg = arg;
    c->slots = n;
    atomic_fetch_add_explicit(&c->gen, 1, memory_order_release);
    if (c->parked)
        pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
}

int chunk_crew_withdraw(chunk_crew *c)
{
    pthread_mutex_lock(&c->mu);
    int back = c->slots;
    c->slots = 0;
    c->fn = NULL;
    c->arg = NULL;
    pthread_mutex_unlock(&c->mu);
    return back;
}

/* The end of c's tail: no task comes; its helpers free states (nw of them; NULLs skipped)
 * with free_state, and leave (out of memory for the list: freed here, now). */
static void crew_over(chunk_crew *c, void *const *states, size_t nw, void (*free_state)(void *))
{
    void **keep = nw ? malloc(nw * sizeof *keep) : NULL;
    if (!keep) {
        for (size_t i = 0; i < nw; i++)
            if (states[i])
                free_state(states[i]);
        nw = 0;
    } else {
        memcpy(keep, states, nw * sizeof *keep);
    }
    pthread_mutex_lock(&c->mu);
    c->states = keep;
    c->nstates = nw;
    c->free_state = free_state;
    c->over = 1;
    atomic_fetch_add_explicit(&c->gen, 1, memory_order_release);
    if (c->parked)
        pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
}

void chunk_crew_finish(chunk_crew *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&c->mu);
    if (!c->over) {
        c->over = 1;
        atomic_fetch_add(&c->gen, 1);
        pthread_cond_broadcast(&c->cv);
    }
    crew_free_states(c); /* (what no helper took) */
    while (c->freeing)
        pthread_cond_wait(&c->cv, &c->mu);
    crew_unref(c);
}

static size_t chunk_bytes(const par *pp, size_t k)
{
    size_t end = chunk_layout_offset(&pp->lay, k + 1), bytes = pp->file_size - pp->data_start;
    return (end < bytes ? end : bytes) - chunk_layout_offset(&pp->lay, k);
}

double chunk_wait_until(double now, double began, double bytes, double rate, double own_rate)
{
    if (!(rate > 0) || !(own_rate > 0))
        return -1;
    double end = began + bytes / rate, cost = NEW_STATE_BYTES / own_rate;
    if (end > now + cost || now > end + cost / 2)
        return -1;
    return end + cost / 2;
}

/* A slot of sl to parse the next chunk into, or NULL to wait (until *until, when that is
 * not 0). A slot whose state is made already comes first. A new one (its value caches,
 * row patterns and PSUs all new, and so are the caches' contents) only when the pending
 * chunk waits for a chunk still being parsed that is expected to end later than a new
 * state would take to pay off (NEW_STATE_BYTES), or that is overdue by half that; when
 * only merges stand before it, they take a few ms: wait. */
static slot *free_slot(const par *pp, int me, slot *sl, double *until)
{
    slot *unmade = NULL;
    const slot *pending = NULL;
    *until = 0;
    for (int i = 0; i < SLOTS; i++) {
        if (sl[i].pending)
            pending = &sl[i];
        else if (sl[i].w)
            return &sl[i];
        else if (!unmade)
            unmade = &sl[i];
    }
    if (!unmade || !pending)
        return unmade;
    double now = 0;
    /* (the chunk being merged has left ready[] already: it is next_merge while merging) */
    for (size_t k = pp->next_merge; k < pending->chunk; k++) {
        if (pp->ready[k] || (k == pp->next_merge && pp->merging))
            continue;
        if (!now)
            now = now_s();
        /* (the other worker's pace and ours: a VM's CPUs need not be equally fast) */
        double rate = pp->wrate[pp->owner[k]] > 0 ? pp->wrate[pp->owner[k]] : pp->rate;
        double own = pp->wrate[me] > 0 ? pp->wrate[me] : pp->rate;
        double at = chunk_wait_until(now, pp->began[k], (double)chunk_bytes(pp, k), rate, own);
        if (at < 0)
            return unmade;
        if (at > *until)
            *until = at;
    }
    return NULL;
}

/* pthread_cond_timedwait on the monotonic clock, to at (seconds) */
static void wait_until(par *pp, double at)
{
    struct timespec ts;
    ts.tv_sec = (time_t)at;
    ts.tv_nsec = (long)((at - (double)ts.tv_sec) * 1e9);
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(&pp->cv, &pp->mu, &ts);
}

/* A gzip file's one chunk: progress and cancel as after a merged chunk, every few MiB
 * (the only worker calls it, so one thread at a time). */
static int stream_tick(void *ctx, size_t bytes, size_t rows)
{
    par *pp = ctx;
    if (pp->o && pp->o->progress)
        pp->o->progress(pp->o->progress_ctx, bytes, rows);
    return pp->o && pp->o->cancel && pp->o->cancel(pp->o->cancel_ctx);
}

/* A worker merging once (pp->once): every chunk it takes parsed into its one state, which
 * it hands over (pp->states[me]) when no chunk is left; chunk_run merges them all once no
 * worker is live. No chunk waits for another, and no second state is made. Called and
 * returns with the lock held. */
static void worker_once(par *pp, reader_range *rr, int me, shopstat_error *err)
{
    const chunk_job *job = pp->job;
    void *w = NULL;
    while (!pp->failed && pp->next_chunk < pp->lay.nchunks) {
        size_t k = pp->next_chunk++;
        pp->owner[k] = me;
        pthread_mutex_unlock(&pp->mu);
        shopstat_status st = SHOPSTAT_OK;
        if (!w && !(w = job->begin(job->arg)))
            st = SHOPSTAT_ENOMEM;
        if (st == SHOPSTAT_OK && job->mark(w, k))
            st = SHOPSTAT_ENOMEM;
        size_t begin = chunk_start(pp, rr, k), end = chunk_start(pp, rr, k + 1);
        size_t rows = 0, empty = 0;
        if (st == SHOPSTAT_OK && begin < end)
            st = reader_range_run(rr, begin, end, end >= pp->file_size, job->row, w, &rows,
                                  &empty, err);
        pthread_mutex_lock(&pp->mu);
        if (st != SHOPSTAT_OK) {
            if (st == SHOPSTAT_ECANCELED)
                pp->canceled = 1; /* (the stream's tick) */
            pp->failed = 1;
            break;
        }
        pp->rows += rows;
        pp->empty += empty;
        pp->parsed_bytes += end - begin;
        /* (a gzip file's one chunk: its compressed bytes) */
        size_t at = pp->stream ? reader_range_bytes(rr) : pp->data_start + pp->parsed_bytes;
        if (pp->o && pp->o->progress && !pp->failed)
            pp->o->progress(pp->o->progress_ctx, at, pp->rows);
        if (pp->o && pp->o->cancel && !pp->failed && pp->o->cancel(pp->o->cancel_ctx))
            pp->failed = pp->canceled = 1;
    }
    if (w && !pp->failed && job->parsed) {
        pthread_mutex_unlock(&pp->mu);
        job->parsed(w);
        pthread_mutex_lock(&pp->mu);
    }
    if (w)
        pp->states[me] = w; /* (freed by chunk_run, merged or not) */
}

static void *worker(void *arg)
{
    par *pp = arg;
    const chunk_job *job = pp->job;
    shopstat_error err;
    shopstat_error_clear(&err);
    slot sl[SLOTS];
    memset(sl, 0, sizeof sl);
    if (pp->once) {
        /* a worker that comes when every chunk is taken leaves without reading the reader,
         * which chunk_run updates (reader_note_rows) once live is 0 */
        pthread_mutex_lock(&pp->mu);
        int me = pp->nworkers++;
        if (pp->failed || pp->next_chunk >= pp->lay.nchunks) {
            pthread_mutex_unlock(&pp->mu);
            return NULL;
        }
        pp->live++;
        pthread_mutex_unlock(&pp->mu);
        reader_range *rr = reader_range_new(pp->r);
        if (rr && pp->stream) {
            if (pp->ahead)
                reader_range_read_ahead(rr);
            reader_range_tick(rr, stream_tick, pp);
        }
        pthread_mutex_lock(&pp->mu);
        if (!rr)
            pp->failed = 1;
        else
            worker_once(pp, rr, me, &err);
        pthread_mutex_unlock(&pp->mu);
        reader_range_free(rr);
        pthread_mutex_lock(&pp->mu);
        pp->live--;
        pthread_cond_broadcast(&pp->cv);
        pthread_mutex_unlock(&pp->mu);
        return NULL;
    }
    reader_range *rr = reader_range_new(pp->r);
    int ok = rr != NULL;
    if (rr && job->count_eol)
        reader_range_count_eol(rr, NULL);
    if (rr && pp->stream) {
        if (pp->ahead)
            reader_range_read_ahead(rr);
        reader_range_tick(rr, stream_tick, pp);
    }
    pthread_mutex_lock(&pp->mu);
    int me = pp->nworkers++;
    for (;;) {
        if (!ok) {
            pp->failed = 1;
            pthread_cond_broadcast(&pp->cv);
        }
        /* a free slot; its state is made when first needed */
        slot *s = NULL;
        while (!pp->failed && pp->next_chunk < pp->lay.nchunks) {
            double until;
            s = free_slot(pp, me, sl, &until);
            if (s)
                break;
            if (!pp->merging && pp->ready[pp->next_merge])
                merge_ready(pp);
            else if (until > 0)
                wait_until(pp, until);
            else
                pthread_cond_wait(&pp->cv, &pp->mu);
        }
        size_t k = pp->next_chunk;
        if (pp->failed || k >= pp->lay.nchunks)
            break;
        pp->next_chunk++;
        double began = now_s();
        pp->began[k] = began;
        pp->owner[k] = me;
        pthread_mutex_unlock(&pp->mu);
        shopstat_status st = SHOPSTAT_OK;
        if (!s->w && !(s->w = job->begin(job->arg)))
            st = SHOPSTAT_ENOMEM;
        size_t begin = chunk_start(pp, rr, k), end = chunk_start(pp, rr, k + 1);
        s->rows = s->empty = 0;
        s->end = end;
        if (st == SHOPSTAT_OK && begin < end)
            st = reader_range_run(rr, begin, end, end >= pp->file_size, job->row, s->w, &s->rows,
                                  &s->empty, &err);
        if (st == SHOPSTAT_OK && job->parsed)
            job->parsed(s->w);
        if (pp->stream)
            s->end = reader_range_bytes(rr); /* (for progress: the compressed bytes) */
        double took = now_s() - began;
        pthread_mutex_lock(&pp->mu);
        if (took > 0 && !pp->stream)
            pp->rate = pp->wrate[me] = (double)(end - begin) / took;
        if (st != SHOPSTAT_OK) {
            if (st == SHOPSTAT_ECANCELED)
                pp->canceled = 1; /* (the stream's tick, below) */
            pp->failed = 1; /* wakes whoever waits for a merge that will not come */
            pthread_cond_broadcast(&pp->cv);
            continue;
        }
        s->pending = 1;
        s->chunk = k;
        pp->ready[k] = s;
        merge_ready(pp);
    }
    /* our parsed chunks may still wait for their turn, to be merged by another thread:
     * stay until they are, or until the pass has failed and no merge is in flight
     * (after a failure nobody starts one) */
    for (;;) {
        int busy = 0;
        for (int i = 0; i < SLOTS; i++)
            busy |= sl[i].pending;
        if (!busy || (pp->failed && !pp->merging))
            break;
        pthread_cond_wait(&pp->cv, &pp->mu);
    }
    if (rr && job->count_eol)
        reader_range_count_eol(rr, pp->eol);
    pthread_mutex_unlock(&pp->mu);
    for (int i = 0; i < SLOTS; i++) {
        if (sl[i].map && job->free_map)
            job->free_map(sl[i].map);
        if (sl[i].w)
            job->free_state(sl[i].w);
    }
    reader_range_free(rr);
    return NULL;
}

static long env_long(const char *name)
{
    const char *v = getenv(name);
    if (!v || !*v)
        return 0;
    char *end;
    long x = strtol(v, &end, 10);
    return *end || x < 0 ? 0 : x;
}

/* ---- threads started on another CPU ----
 *
 * This VM's kernel puts a new thread on its creator's CPU (the idle one halted), where it
 * waited for, or spun against, the creating thread for up to 4 ms (a scheduler tick) until
 * one of them was moved: with a spare spinning there, the main thread reached the pass
 * 1.5-5.8 ms after it started instead of 0.5-0.7, and the second worker's first row came
 * 3.5 ms after the first's in most runs of the typical 1M-row run on an idle host (2-thread
 * timing build, 2026-12-04). So the pass's threads are started on the process's other CPUs,
 * one each, in turn, and take all of them back once they run (cpus_widen). */

/* a's CPU set to the k-th (from 0, in turn) of the process's CPUs but this thread's, when
 * there are others (h->moved) */
static void cpus_elsewhere(pthread_attr_t *a, cpus_hint *h, int k)
{
    int here = sched_getcpu();
    h->moved = 0;
    h->from = here;
    if (here < 0 || sched_getaffinity(0, sizeof h->all, &h->all) != 0)
        return;
    int n = CPU_COUNT(&h->all) - (here < CPU_SETSIZE && CPU_ISSET(here, &h->all));
    if (n <= 0)
        return;
    k %= n;
    for (int c = 0; c < CPU_SETSIZE; c++) {
        if (c == here || !CPU_ISSET(c, &h->all) || k-- > 0)
            continue;
        cpu_set_t one;
        CPU_ZERO(&one);
        CPU_SET(c, &one);
        h->moved = pthread_attr_setaffinity_np(a, sizeof one, &one) == 0;
        return;
    }
}

/* pthread_create with a from cpus_elsewhere; when the CPU is refused, again with all of
 * them (the thread still widens: to the CPUs it has) */
static int create_elsewhere(pthread_t *tid, pthread_attr_t *a, const cpus_hint *h,
                            void *(*fn)(void *), void *arg)
{
    int rc = pthread_create(tid, a, fn, arg);
    if (rc != 0 && h->moved)
        rc = pthread_attr_setaffinity_np(a, sizeof h->all, &h->all) != 0 ||
             pthread_create(tid, a, fn, arg) != 0;
    if (rc == 0)
        atomic_fetch_add(&threads_started, 1);
    return rc;
}

/* The last spare started on another CPU: its creator's CPU and the CPU it first ran on
 * (for tests: chunk_spare_cpus) */
static _Atomic int spare_from = -1, spare_first = -1;

int chunk_spare_cpus(int *from, int *first)
{
    *from = atomic_load(&spare_from);
    *first = atomic_load(&spare_first);
    return *from >= 0 && *first >= 0;
}

/* In a thread started by create_elsewhere: the process's CPUs back */
static void cpus_widen(const cpus_hint *h)
{
    if (h->moved)
        pthread_setaffinity_np(pthread_self(), sizeof h->all, &h->all);
}

/* A helper's part of pp (a spare claimed, or a thread chunk_run started): pp's worker,
 * then, merging once on threads, the tail's tasks (pp's crew, joined before: the tail
 * counts it) while the calling thread finishes the pass */
static void helper(par *pp)
{
    chunk_crew *c = pp->crew;
    if (c)
        crew_join(c);
    worker(pp);
    pthread_mutex_lock(&pp->mu);
    pp->attached--; /* (pp is not touched after this: chunk_run may return) */
    pthread_cond_broadcast(&pp->cv);
    pthread_mutex_unlock(&pp->mu);
    if (c)
        crew_serve(c);
}

static void *worker_elsewhere(void *arg)
{
    par *pp = arg;
    cpus_widen(&pp->cpus);
    helper(pp);
    return NULL;
}

/* ---- spare workers, started ahead of the pass ----
 *
 * A thread created when the pass begins started 0.2-4 ms later on this VM's idle CPU on one
 * day (2.3 ms on average: the host had halted the idle virtual CPU) and 0.04 ms on another;
 * with the other CPU busy it waits for a CPU. The main thread reaches the pass 1.3-1.7 ms
 * after the process starts (the header, the 1 MiB encoding sample, the plan).
 * shopstat_pass_prestart starts the workers first and lets them spin, the CPU kept awake
 * and held, until a pass claims them; unclaimed after SPARE_SPIN seconds they end. Each runs
 * one pass's worker (and, merging once, its tail: the crew), then ends (the 1M-row run
 * 8-11% faster with the other CPU contended, within the noise on an idle one:
 * docs/performance-log.md, twenty-sixth session). */
#define SPARE_MAX 64
#define SPARE_SPIN 0.05 /* s; $SHOPSTAT_SPARE_SPIN_MS, a test knob, sets it */

/* A slot's states: IDLE -> PREPARING -> SPINNING (prestart, once the thread exists) ->
 * CLAIMING -> CLAIMED (a pass) -> IDLE (the spare, its worker done); SPINNING -> RELEASED (a
 * pass with no use for it) -> IDLE (the spare, as it ends: only then may another prestart
 * take the slot); SPINNING -> IDLE (the spare, its time up). */
enum {
    SPARE_IDLE,
    SPARE_PREPARING,
    SPARE_SPINNING,
    SPARE_CLAIMING,
    SPARE_CLAIMED,
    SPARE_RELEASED
};

typedef struct spare {
    _Atomic int state;
    double spin; /* seconds, from prestart (which reads the environment, not the spare) */
    par *pp;     /* written while SPARE_CLAIMING, read once SPARE_CLAIMED */
    cpus_hint cpus; /* started on another CPU than prestart's (cpus_elsewhere) */
} spare;

static spare spares[SPARE_MAX];
static _Atomic size_t spare_claims; /* (for tests: chunk_spares) */

static void *spare_main(void *arg)
{
    spare *s = arg;
    if (s->cpus.moved) {
        atomic_store(&spare_first, sched_getcpu());
        atomic_store(&spare_from, s->cpus.from);
    }
    cpus_widen(&s->cpus); /* (it runs away from the main thread now) */
    double until = now_s() + s->spin;
    for (unsigned n = 1;; n++) {
        int st = atomic_load_explicit(&s->state, memory_order_acquire);
        if (st == SPARE_CLAIMED)
            break;
        if (st == SPARE_RELEASED) {
            atomic_store_explicit(&s->state, SPARE_IDLE, memory_order_release);
            return NULL;
        }
        if (st == SPARE_SPINNING && n % 1024 == 0 && now_s() > until) {
            int expect = SPARE_SPINNING;
            if (atomic_compare_exchange_strong(&s->state, &expect, SPARE_IDLE))
                return NULL; /* (nobody came: the slot is free for another) */
        }
        spin_pause();
    }
    helper(s->pp);
    atomic_store_explicit(&s->state, SPARE_IDLE, memory_order_release);
    return NULL;
}

void shopstat_pass_prestart(int threads)
{
    shopstat_pass_opts o;
    shopstat_pass_opts_init(&o);
    o.threads = threads;
    int want = chunk_threads(&o) - 1;
    long ms = env_long("SHOPSTAT_SPARE_SPIN_MS");
    pthread_attr_t a;
    if (want <= 0 || pthread_attr_init(&a) != 0)
        return;
    pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
    int k = 0; /* (the spares on the other CPUs, one each in turn: cpus_elsewhere) */
    for (int i = 0; i < SPARE_MAX && want > 0; i++) {
        int expect = SPARE_IDLE;
        if (!atomic_compare_exchange_strong(&spares[i].state, &expect, SPARE_PREPARING))
            continue;
        spares[i].spin = ms > 0 ? (double)ms * 1e-3 : SPARE_SPIN;
        cpus_elsewhere(&a, &spares[i].cpus, k++);
        pthread_t tid;
        if (create_elsewhere(&tid, &a, &spares[i].cpus, spare_main, &spares[i]) != 0) {
            atomic_store(&spares[i].state, SPARE_IDLE);
            break;
        }
        atomic_store(&spares[i].state, SPARE_SPINNING); /* (only now may a pass claim it) */
        want--;
    }
    pthread_attr_destroy(&a);
}

size_t chunk_spares(int *spinning)
{
    *spinning = 0;
    for (int i = 0; i < SPARE_MAX; i++)
        *spinning += atomic_load(&spares[i].state) == SPARE_SPINNING;
    return atomic_load(&spare_claims);
}

void chunk_release_spares(void)
{
    for (int i = 0; i < SPARE_MAX; i++) {
        int expect = SPARE_SPINNING;
        if (atomic_load_explicit(&spares[i].state, memory_order_relaxed) == SPARE_SPINNING)
            atomic_compare_exchange_strong(&spares[i].state, &expect, SPARE_RELEASED);
    }
}

/* A spinning spare, given pp's worker to run: 1, or 0 when none spins. */
static int claim_spare(par *pp)
{
    for (int i = 0; i < SPARE_MAX; i++) {
        int expect = SPARE_SPINNING;
        if (atomic_load_explicit(&spares[i].state, memory_order_relaxed) != SPARE_SPINNING ||
            !atomic_compare_exchange_strong(&spares[i].state, &expect, SPARE_CLAIMING))
            continue;
        spares[i].pp = pp;
        pthread_mutex_lock(&pp->mu); /* (a spare claimed before may be ending) */
        pp->attached++;
        pthread_mutex_unlock(&pp->mu);
        atomic_store_explicit(&spares[i].state, SPARE_CLAIMED, memory_order_release);
        atomic_fetch_add(&spare_claims, 1);
        return 1;
    }
    return 0;
}

int chunk_threads(const shopstat_pass_opts *o)
{
    long threads = o ? o->threads : 0;
    if (threads <= 0)
        threads = env_long("SHOPSTAT_THREADS");
    if (threads <= 0)
        threads = sysconf(_SC_NPROCESSORS_ONLN);
    if (threads <= 0)
        threads = 1;
    if (threads > MAX_THREADS)
        threads = MAX_THREADS;
    return (int)threads;
}

void chunk_layout_plan(chunk_layout *l, size_t bytes, size_t target, size_t forced)
{
    size_t chunk = forced;
    l->half = l->tail = 0;
    l->nfull = SIZE_MAX;
    if (!chunk) {
        /* about target bytes each, their number a multiple of 4 so that 2 or 4 threads
         * finish together */
        size_t n = bytes / target + 1;
        n = (n + 3) / 4 * 4;
        chunk = bytes / n + 1;
        if (chunk < MIN_CHUNK)
            chunk = MIN_CHUNK;
        /* The threads never run at quite the same speed (another process, the merges),
         * so one finishes its last chunk while another is in the middle of its own: up to
         * a chunk's time with a core idle (27-66 ms of a 1 s run at 10M rows on 2
         * threads). So the last two chunks' bytes are cut smaller: two halves, then
         * quarters (8-10 ms apart at the end). Not all quarters: a thread that takes the
         * first of them while the other has just begun the last whole chunk finishes two,
         * and both its sets of totals then wait for that chunk, the thread idle for two
         * quarters' time (80 ms in one 10M-row run of three, 120 ms with 80 replicate
         * weights); two halves take as long as the whole chunk. Not for quarters under
         * MIN_TAIL, whose merges cost more than the balance gains. */
        if (n >= 4 && chunk / 4 >= MIN_TAIL && (n - 2) * chunk < bytes) {
            l->nfull = n - 2;
            l->half = chunk / 2;
            l->tail = chunk / 4;
        }
    }
    l->chunk = chunk;
    if (l->tail) {
        /* (the last two chunks' bytes are more than one chunk: both halves fit) */
        size_t rest = bytes - l->nfull * chunk - 2 * l->half;
        l->nchunks = l->nfull + 2 + (rest + l->tail - 1) / l->tail;
    } else {
        l->nchunks = bytes / chunk + 1;
    }
}

/* Merging once: chunks of ONCE_CHUNK bytes, the last two chunks' bytes cut in halves and
 * quarters (512 KiB) as chunk_layout_plan cuts a large file's, so that the thread that ends
 * first waits for a quarter chunk at most, not a whole one. */
static void chunk_layout_once(chunk_layout *l, size_t bytes)
{
    size_t n = bytes / ONCE_CHUNK + 1;
    if (n < 4) {
        chunk_layout_plan(l, bytes, 0, ONCE_CHUNK);
        return;
    }
    l->chunk = ONCE_CHUNK;
    l->nfull = n - 2;
    l->half = ONCE_CHUNK / 2;
    l->tail = ONCE_CHUNK / 4;
    size_t rest = bytes - l->nfull * l->chunk - 2 * l->half; /* (under a chunk) */
    l->nchunks = l->nfull + 2 + (rest + l->tail - 1) / l->tail;
}

size_t chunk_layout_offset(const chunk_layout *l, size_t k)
{
    if (k <= l->nfull)
        return k * l->chunk;
    size_t base = l->nfull * l->chunk;
    if (k <= l->nfull + 2)
        return base + (k - l->nfull) * l->half;
    return base + 2 * l->half + (k - l->nfull - 2) * l->tail;
}

int chunk_run(const chunk_job *job, shopstat_reader *r, int threads, size_t target,
              const shopstat_pass_opts *o, size_t *rows, chunk_crew **crew)
{
    if (crew)
        *crew = NULL;
    par pp;
    memset(&pp, 0, sizeof pp);
    pp.job = job;
    pp.o = o;
    pp.r = r;
    *rows = 0;
    if (reader_skip_rows(r) != 0 || !reader_range_capable(r, &pp.data_start, &pp.file_size)) {
        chunk_release_spares(); /* (the exact pass runs on this thread alone, */
        if (threads > 1)
            reader_read_ahead(r); /* a gzip file inflated on another) */
        return -1;
    }
    size_t bytes = pp.file_size - pp.data_start;
    size_t forced = o && o->chunk_bytes ? o->chunk_bytes : (size_t)env_long("SHOPSTAT_CHUNK_BYTES");
    if (pp.file_size == SIZE_MAX) {
        /* a gzip file, whose size is not known: one chunk, parsed on this thread as it is
         * inflated on another (its boundaries could not be found without inflating it) */
        pp.stream = 1;
        pp.ahead = threads > 1;
        threads = 1;
        forced = SIZE_MAX;
    }
    pp.once = job->merge_once && !job->count_eol;
    if (pp.once && !forced && threads > 1)
        chunk_layout_once(&pp.lay, bytes);
    else
        chunk_layout_plan(&pp.lay, bytes, target,
                          pp.once && !forced ? bytes + 1 : forced); /* (one thread: one chunk) */
    if ((size_t)threads > pp.lay.nchunks)
        threads = (int)pp.lay.nchunks;
    pp.ready = calloc(pp.lay.nchunks, sizeof *pp.ready);
    pp.began = calloc(pp.lay.nchunks, sizeof *pp.began);
    pp.owner = calloc(pp.lay.nchunks, sizeof *pp.owner);
    if (!pp.ready || !pp.began || !pp.owner) {
        free(pp.ready);
        free(pp.began);
        free(pp.owner);
        chunk_release_spares();
        return -1;
    }
    pthread_mutex_init(&pp.mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&pp.cv, &ca);
    pthread_condattr_destroy(&ca);
    int started = 0;
    /* merging once on threads: the helpers stay for the tail (crew_serve) */
    pp.crew = pp.once && threads > 1 ? crew_new() : NULL;
    pthread_attr_t ta;
    /* (detached: chunk_run waits for none to end, only for each to leave pp: attached) */
    int attr = pthread_attr_init(&ta) == 0 &&
               pthread_attr_setdetachstate(&ta, PTHREAD_CREATE_DETACHED) == 0;
    /* (every thread started takes the process's CPUs back, whichever it was started on) */
    pp.cpus.moved = sched_getaffinity(0, sizeof pp.cpus.all, &pp.cpus.all) == 0;
    for (int i = 1; i < threads; i++) {
        if (claim_spare(&pp))
            continue;
        cpus_hint h = {0};
        if (attr)
            cpus_elsewhere(&ta, &h, started);
        pthread_t tid;
        pthread_mutex_lock(&pp.mu);
        pp.attached++;
        pthread_mutex_unlock(&pp.mu);
        if (!attr || create_elsewhere(&tid, &ta, &h, worker_elsewhere, &pp) != 0) {
            pthread_mutex_lock(&pp.mu);
            pp.attached--;
            pthread_mutex_unlock(&pp.mu);
            break;
        }
        started++;
    }
    if (attr)
        pthread_attr_destroy(&ta);
    chunk_release_spares(); /* (more than this pass has chunks for) */
    worker(&pp); /* the calling thread works too */
    int noted = 0;
    if (pp.once) {
        /* every chunk parsed: wait for the workers still handing over their states,
         * spinning first. Asleep, this thread was woken by the last helper, and this VM's
         * scheduler put it on the helper's CPU, where the helper spun for the tail's tasks:
         * 1-2.8 ms until a tick moved one of them, in 3 of 12 runs (timing build). */
        chunk_crew_spin_until(pp.crew, none_live, &pp);
        pthread_mutex_lock(&pp.mu);
        while (pp.live > 0)
            pthread_cond_wait(&pp.cv, &pp.mu);
        int ok = !pp.failed, nw = pp.nworkers;
        size_t merged = pp.rows, empty = pp.empty;
        pthread_mutex_unlock(&pp.mu);
        if (ok && job->merge_once(job->arg, pp.states, (size_t)nw, pp.owner, pp.lay.nchunks,
                                  pp.crew))
            ok = 0;
        if (ok) {
            reader_note_rows(r, merged, empty);
            noted = 1;
            if (job->done)
                job->done(job->arg);
        }
        pthread_mutex_lock(&pp.mu);
        if (!ok)
            pp.failed = 1;
        if (pp.crew) /* (freed by the helpers, as this thread goes on) */
            crew_over(pp.crew, pp.states, (size_t)nw, job->free_state);
        for (int i = 0; i < nw; i++) {
            if (pp.states[i] && !pp.crew)
                job->free_state(pp.states[i]);
            pp.states[i] = NULL;
        }
        pthread_mutex_unlock(&pp.mu);
    } else if (job->done && !job->count_eol) {
        /* the others may still merge the last chunks: wait for them, not for their ends */
        pthread_mutex_lock(&pp.mu);
        while (!pp.failed && pp.next_merge < pp.lay.nchunks)
            pthread_cond_wait(&pp.cv, &pp.mu);
        int ok = !pp.failed;
        size_t merged = pp.rows, empty = pp.empty;
        pthread_mutex_unlock(&pp.mu);
        if (ok) {
            reader_note_rows(r, merged, empty);
            noted = 1;
            job->done(job->arg);
        }
    }
    pthread_mutex_lock(&pp.mu); /* (merging once, they left at their last chunk) */
    while (pp.attached)
        pthread_cond_wait(&pp.cv, &pp.mu);
    pthread_mutex_unlock(&pp.mu);
    pthread_mutex_destroy(&pp.mu);
    pthread_cond_destroy(&pp.cv);
    free(pp.ready);
    free(pp.began);
    free(pp.owner);
    *rows = pp.rows;
    if (!pp.failed && crew)
        *crew = pp.crew; /* (the caller's to finish: the states may still be being freed) */
    else
        chunk_crew_finish(pp.crew);
    if (pp.canceled)
        return -2;
    if (pp.failed)
        return -1;
    if (job->count_eol)
        reader_note_eol(r, pp.eol);
    if (!noted)
        reader_note_rows(r, pp.rows, pp.empty);
    return 0;
}

/* ---- the totals of a plan (tab, compare, chisq, report) as a chunk job ---- */

typedef struct totals_job {
    const shopstat_plan *p;
    const shopstat_reader *r;
    shopstat_totals *g;
    pass_layout layout; /* of the per-PSU sums, shared by the merged and worker totals */
    int once;           /* merging once (pass_once_ok): the workers' totals in units */
    atomic_int bail;    /* a worker met what merging once cannot take (pass_set_once) */
    int finished;       /* totals_done ran: */
    shopstat_status finish_st; /* pass_finish's status, */
    shopstat_error finish_err; /* and its error */
} totals_job;

static void *totals_begin(void *arg)
{
    totals_job *tj = arg;
    shopstat_totals *w = NULL;
    shopstat_error err;
    shopstat_error_clear(&err);
    if (pass_begin(tj->p, tj->r, &w, &err) != SHOPSTAT_OK) {
        shopstat_totals_free(w);
        return NULL;
    }
    pass_share_layout(w, &tj->layout);
    if (tj->once)
        pass_set_once(w, &tj->bail);
    return w;
}

static int totals_mark(void *w, size_t k)
{
    return pass_mark(w, k);
}

static shopstat_status totals_merge_once(void *arg, void *const *w, size_t nw, const int *owner,
                                         size_t nchunks, chunk_crew *crew)
{
    totals_job *tj = arg;
    pass_set_tail_crew(tj->g, crew); /* (and pass_finish, in totals_done) */
    shopstat_error err;
    shopstat_error_clear(&err);
    int inexact = 0;
    shopstat_status st = pass_merge_once(tj->g, (shopstat_totals *const *)w, nw, owner, nchunks,
                                         &inexact, &err);
    if (inexact)
        atomic_store(&tj->bail, 1);
    return st;
}

static shopstat_status totals_merge(void *arg, void *w, void **map)
{
    totals_job *tj = arg;
    if (!*map && !(*map = calloc(1, sizeof(pass_map))))
        return SHOPSTAT_ENOMEM;
    shopstat_error err;
    shopstat_error_clear(&err);
    return pass_merge(tj->g, w, *map, &err);
}

/* The merged totals finished while the workers end (chunk_job.done) */
static void totals_done(void *arg)
{
    totals_job *tj = arg;
    tj->g->layout = NULL;
    shopstat_error_clear(&tj->finish_err);
    tj->finish_st = pass_finish(tj->g, tj->r, &tj->finish_err);
    pass_set_tail_crew(tj->g, NULL); /* (the tail is over) */
    tj->finished = 1;
}

static void totals_free(void *w)
{
    shopstat_totals_free(w);
}

static void totals_map_free(void *map)
{
    pass_map_free(map);
    free(map);
}

shopstat_status shopstat_totals_compute_opts(const shopstat_plan *p, shopstat_reader *r,
                                             const shopstat_pass_opts *o,
                                             shopstat_totals **out, shopstat_error *err)
{
    shopstat_error local;
    if (!err)
        err = &local;
    *out = NULL;
    shopstat_status unread = reader_check_unread(r, err); /* (once per reader) */
    if (unread) {
        chunk_release_spares();
        return unread;
    }
    if (plan_dedupes(p)) { /* (whether an id came before: rows in file order, one thread) */
        chunk_release_spares();
        return pass_exact(p, r, o, out, err);
    }
    totals_job tj = {.p = p, .r = r}; /* (the layout's sizes start at 0) */
    shopstat_error e;
    shopstat_error_clear(&e);
    size_t rows = 0;
    /* merging once where the plan allows it (pass_once_ok); a worker that meets a row it
     * cannot take that way (a weight that is no whole number of 10^-6...) fails the chunks,
     * and the pass runs again, merged in file order */
    int once_allowed = 1;
again:
    if (pass_begin(p, r, &tj.g, &e) == SHOPSTAT_OK) {
        pass_share_layout(tj.g, &tj.layout); /* (the merged totals publish theirs too) */
        tj.once = once_allowed && pass_once_ok(tj.g);
        atomic_store(&tj.bail, 0);
        chunk_job job = {.arg = &tj,
                         .begin = totals_begin,
                         .row = pass_row,
                         .merge = totals_merge,
                         .free_state = totals_free,
                         .free_map = totals_map_free,
                         .parsed = pass_parsed,
                         .done = totals_done,
                         .mark = tj.once ? totals_mark : NULL,
                         .merge_once = tj.once ? totals_merge_once : NULL};
        chunk_crew *crew = NULL;
        int rc = chunk_run(&job, r, chunk_threads(o), DEFAULT_CHUNK, o, &rows, &crew);
        pass_keep_crew(tj.g, crew); /* (its helpers free the workers' states meanwhile) */
        if (rc == -1 && tj.once && atomic_load(&tj.bail) && !tj.finished) {
            shopstat_totals_free(tj.g);
            tj.g = NULL;
            once_allowed = 0;
            /* (from no layout: the merged totals' is made at their first merge, with room
             * for the compensations) */
            atomic_store(&tj.layout.units, 0);
            atomic_store(&tj.layout.stride, 0);
            goto again;
        }
        if (rc == -2) {
            shopstat_totals_free(tj.g);
            return pass_canceled(err);
        }
        if (rc == 0) {
            tj.g->layout = NULL;
            if (tj.finished ? tj.finish_st == SHOPSTAT_OK
                            : pass_finish(tj.g, r, &e) == SHOPSTAT_OK) {
                *out = tj.g;
                return SHOPSTAT_OK;
            }
        }
    }
    shopstat_totals_free(tj.g);
    /* The exact pass, over r itself: the chunked pass only reads r's header and dialect,
     * but when it went through and only its finish failed, its rows are in r's counts:
     * taken back, or the exact pass would count every row twice. */
    reader_unnote_rows(r);
    return pass_exact(p, r, o, out, err);
}

shopstat_status shopstat_totals_compute(const shopstat_plan *p, shopstat_reader *r,
                                        shopstat_totals **out, shopstat_error *err)
{
    return shopstat_totals_compute_opts(p, r, NULL, out, err);
}
