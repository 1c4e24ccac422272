/* Unit tests for atomic output files: commit renames, abort and cleanup leave nothing. */
#include "testutil.h"

#include <dirent.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shopstat/outfile.h"


static size_t count_entries(void)
{
    DIR *d = opendir(scratch_dir);
    assert_non_null(d);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}


static void test_commit(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "%s/out.txt", scratch_dir);
    shopstat_outfile *of;
    shopstat_error err;
    assert_int_equal(shopstat_outfile_open(path, &of, &err), SHOPSTAT_OK);
    fputs("hello\n", shopstat_outfile_stream(of));
    assert_int_equal(count_entries(), 1);      /* the temporary file only */
    assert_int_not_equal(access(path, F_OK), 0); /* target not there yet */
    assert_int_equal(shopstat_outfile_commit(of, &err), SHOPSTAT_OK);
    assert_int_equal(count_entries(), 1);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char buf[32] = {0};
    assert_non_null(fgets(buf, sizeof buf, f));
    fclose(f);
    assert_string_equal(buf, "hello\n");
}

static void test_abort_and_cleanup(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "%s/a.txt", scratch_dir);
    shopstat_outfile *a, *b;
    shopstat_error err;
    assert_int_equal(shopstat_outfile_open(path, &a, &err), SHOPSTAT_OK);
    fputs("partial", shopstat_outfile_stream(a));
    shopstat_outfile_abort(a);
    assert_int_equal(count_entries(), 0);
    assert_int_equal(shopstat_outfile_open(path, &b, &err), SHOPSTAT_OK);
    assert_int_equal(count_entries(), 1);
    shopstat_outfile_cleanup_all();
    assert_int_equal(count_entries(), 0);
    shopstat_outfile_abort(b); /* the file is already gone: still fine */
    shopstat_outfile_abort(NULL);
}

/* The output's mode is 0666 less the umask (mkstemp's 0600 would hide results from the
 * group); the temporary file is hidden (leading dot) next to the target. */
static void test_mode_and_name(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "%s/m.txt", scratch_dir);
    mode_t old = umask(022);
    shopstat_outfile *of;
    shopstat_error err;
    assert_int_equal(shopstat_outfile_open(path, &of, &err), SHOPSTAT_OK);
    DIR *d = opendir(scratch_dir);
    assert_non_null(d);
    struct dirent *e;
    int hidden = 0;
    while ((e = readdir(d)))
        if (strncmp(e->d_name, ".m.txt.tmp-", 11) == 0)
            hidden++;
    closedir(d);
    assert_int_equal(hidden, 1);
    assert_int_equal(shopstat_outfile_commit(of, &err), SHOPSTAT_OK);
    umask(old);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
}

/* Paths registered by other writers (charts) are removed by cleanup_all until untracked;
 * 1024 slots, then -1. */
static void test_track(void **state)
{
    (void)state;
    char a[128], b[128];
    snprintf(a, sizeof a, "%s/a.tmp", scratch_dir);
    snprintf(b, sizeof b, "%s/b.tmp", scratch_dir);
    FILE *f = fopen(a, "w");
    assert_non_null(f);
    fclose(f);
    f = fopen(b, "w");
    assert_non_null(f);
    fclose(f);
    int sa = shopstat_outfile_track(a), sb = shopstat_outfile_track(b);
    assert_true(sa >= 0 && sb >= 0 && sa != sb);
    shopstat_outfile_untrack(sb);
    shopstat_outfile_cleanup_all();
    assert_int_not_equal(access(a, F_OK), 0);
    assert_int_equal(access(b, F_OK), 0);
    shopstat_outfile_untrack(sa);
    shopstat_outfile_untrack(-1);
    static int slots[1024];
    int n = 0;
    while (n < 1024 && (slots[n] = shopstat_outfile_track(b)) >= 0)
        n++;
    assert_int_equal(n, 1024);
    assert_int_equal(shopstat_outfile_track(b), -1);
    shopstat_outfile *of = NULL;
    shopstat_error err;
    assert_int_equal(shopstat_outfile_open(a, &of, &err), SHOPSTAT_ELIMIT);
    assert_null(of);
    for (int i = 0; i < n; i++)
        shopstat_outfile_untrack(slots[i]);
    assert_int_equal(count_entries(), 1); /* b.tmp only: the refused open left nothing */
}

static void test_errors(void **state)
{
    (void)state;
    shopstat_outfile *of = (shopstat_outfile *)1;
    shopstat_error err;
    assert_int_equal(shopstat_outfile_open("/nonexistent/dir/x.txt", &of, &err), SHOPSTAT_EIO);
    assert_null(of);
    assert_string_equal(err.msg, "cannot create: No such file or directory");
    assert_int_equal(shopstat_outfile_open("-", &of, &err), SHOPSTAT_OK);
    assert_true(shopstat_outfile_stream(of) == stdout);
    assert_int_equal(shopstat_outfile_commit(of, &err), SHOPSTAT_OK);
}

/* A write that failed long before the commit is reported with its own errno: the stream
 * failed on a full device (/dev/full, written in place) inside fputs, then another call
 * left ENOENT in errno; commit read errno then ("cannot write: No such file or directory").
 * shopstat_outfile_error says the same before the commit. */
static void test_write_errno(void **state)
{
    (void)state;
    shopstat_outfile *of;
    shopstat_error err;
    assert_int_equal(shopstat_outfile_open("/dev/full", &of, &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_outfile_error(of, &err), SHOPSTAT_OK);
    static char big[1 << 16];
    memset(big, 'x', sizeof big - 1);
    fputs(big, shopstat_outfile_stream(of)); /* (past stdio's buffer: the write fails here) */
    assert_true(ferror(shopstat_outfile_stream(of)));
    assert_true(access("/nonexistent/file", F_OK) != 0); /* errno: ENOENT */
    assert_int_equal(shopstat_outfile_error(of, &err), SHOPSTAT_EIO);
    assert_string_equal(err.file, "/dev/full");
    assert_string_equal(err.msg, "cannot write: No space left on device");
    shopstat_error_clear(&err);
    assert_true(access("/nonexistent/file", F_OK) != 0);
    assert_int_equal(shopstat_outfile_commit(of, &err), SHOPSTAT_EIO);
    assert_string_equal(err.file, "/dev/full");
    assert_string_equal(err.msg, "cannot write: No space left on device");
}

/* A new file gets 0666 less the umask (not mkstemp's 0600); a replaced file keeps its mode. */
static void test_replaced_mode(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "%s/mode.txt", scratch_dir);
    mode_t old = umask(022);
    shopstat_outfile *of;
    shopstat_error err;
    struct stat st;
    assert_int_equal(shopstat_outfile_open(path, &of, &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_outfile_commit(of, &err), SHOPSTAT_OK);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
    assert_int_equal(chmod(path, 0640), 0);
    assert_int_equal(shopstat_outfile_open(path, &of, &err), SHOPSTAT_OK);
    assert_int_equal(shopstat_outfile_commit(of, &err), SHOPSTAT_OK);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0640);
    umask(old);
}

/* Output files opened from several threads at once (a batch program writing each survey's
 * results on its own thread): every open succeeds with a temporary file of its own, and
 * every one is registered in a slot of its own, so that cleanup_all removes them all. The
 * registry's slots and the name counter were plain variables: two threads could take one
 * slot (one file then stayed behind after cleanup_all, and its handle's abort or commit
 * freed the other's slot) or one temporary name. */
#define OPENERS 4
#define OPENS 240
typedef struct opener {
    int id;
    pthread_barrier_t *start;
    shopstat_outfile *of[OPENS];
    int ok;
} opener;

static void *open_many(void *arg)
{
    opener *o = arg;
    pthread_barrier_wait(o->start);
    for (int i = 0; i < OPENS; i++) {
        char path[128];
        snprintf(path, sizeof path, "%s/t%d_%d.txt", scratch_dir, o->id, i);
        shopstat_error err;
        if (shopstat_outfile_open(path, &o->of[i], &err) == SHOPSTAT_OK)
            o->ok++;
    }
    return NULL;
}

static void *finish_many(void *arg)
{
    opener *o = arg;
    pthread_barrier_wait(o->start);
    for (int i = 0; i < OPENS; i++) {
        shopstat_error err;
        fprintf(shopstat_outfile_stream(o->of[i]), "%d %d\n", o->id, i);
        if (i % 2)
            shopstat_outfile_abort(o->of[i]);
        else if (shopstat_outfile_commit(o->of[i], &err) == SHOPSTAT_OK)
            o->ok++;
    }
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    for (int round = 0; round < 20; round++) {
        static opener o[OPENERS];
        pthread_t th[OPENERS];
        pthread_barrier_t start;
        pthread_barrier_init(&start, NULL, OPENERS);
        for (int k = 0; k < OPENERS; k++) {
            memset(&o[k], 0, sizeof o[k]);
            o[k].id = k;
            o[k].start = &start;
            assert_int_equal(pthread_create(&th[k], NULL, open_many, &o[k]), 0);
        }
        for (int k = 0; k < OPENERS; k++) {
            assert_int_equal(pthread_join(th[k], NULL), 0);
            assert_int_equal(o[k].ok, OPENS);
        }
        assert_int_equal(count_entries(), OPENERS * OPENS); /* a temporary file each */
        if (round == 0) {
            /* every one registered: cleanup_all leaves nothing */
            shopstat_outfile_cleanup_all();
            assert_int_equal(count_entries(), 0);
            for (int k = 0; k < OPENERS; k++)
                for (int i = 0; i < OPENS; i++)
                    shopstat_outfile_abort(o[k].of[i]);
        } else {
            /* half committed, half aborted, from every thread at once: the targets only */
            for (int k = 0; k < OPENERS; k++) {
                o[k].ok = 0;
                assert_int_equal(pthread_create(&th[k], NULL, finish_many, &o[k]), 0);
            }
            for (int k = 0; k < OPENERS; k++) {
                assert_int_equal(pthread_join(th[k], NULL), 0);
                assert_int_equal(o[k].ok, OPENS / 2);
            }
            assert_int_equal(count_entries(), OPENERS * OPENS / 2);
            /* the slots were all given back: 1024 can be taken again */
            static int slots[1024];
            int n = 0;
            while (n < 1024 && (slots[n] = shopstat_outfile_track(scratch_dir)) >= 0)
                n++;
            for (int i = 0; i < n; i++)
                shopstat_outfile_untrack(slots[i]);
            assert_int_equal(n, 1024);
        }
        pthread_barrier_destroy(&start);
        for (int k = 0; k < OPENERS; k++)
            for (int i = 0; i < OPENS; i += 2) {
                char path[128];
                snprintf(path, sizeof path, "%s/t%d_%d.txt", scratch_dir, k, i);
                unlink(path);
            }
        assert_int_equal(count_entries(), 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_commit, scratch_setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_abort_and_cleanup, scratch_setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_mode_and_name, scratch_setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_track, scratch_setup, scratch_teardown),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_write_errno),
        cmocka_unit_test_setup_teardown(test_replaced_mode, scratch_setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_threads, scratch_setup, scratch_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
