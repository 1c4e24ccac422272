/* The library with GSL's default error handler, which aborts: as a program that links
 * libshopstat.a and never calls gsl_set_error_handler_off() sees it. Unlike every other test
 * binary this one leaves the handler alone; each case runs in a child process (fresh
 * process-wide state, and an abort fails the case instead of the binary). */
#include "testutil.h"

#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>

#include "shopstat/ci.h"

/* Runs fn in a child; the child's exit status (a signal, such as abort()'s SIGABRT, fails). */
static void in_child(int (*fn)(void))
{
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(fn());
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (WIFSIGNALED(status))
        fail_msg("the child died of signal %d (GSL's default handler aborted?)", WTERMSIG(status));
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

/* n = 1e4, p = 0.5: shapes of 5000, where gsl_cdf_beta_Pinv's Newton steps fail ("inverse
 * failed to converge") and the Brent inversion takes over. var = p q / n and df = n - 1 give
 * n* = n, so the limits are the beta quantiles qbeta(0.025, 5000, 5001) and
 * qbeta(0.975, 5001, 5000): checked through the beta CDF, which does not fail there. */
static int beta_large_shapes(void)
{
    double n = 1e4, p = 0.5;
    shopstat_domain_stats d = {.p = p,
                               .var = p * (1 - p) / n,
                               .df = n - 1,
                               .base_n = n,
                               .base_n_pos = n,
                               .base_weight = n,
                               .eff_base = n};
    shopstat_interval iv;
    shopstat_error err;
    shopstat_error_clear(&err);
    if (shopstat_ci(SHOPSTAT_CI_BETA, &d, 0.95, &iv, &err) != SHOPSTAT_OK)
        return 1;
    if (!(fabs(gsl_cdf_beta_P(iv.lower, 5000, 5001) - 0.025) < 1e-9 &&
          fabs(gsl_cdf_beta_Q(iv.upper, 5001, 5000) - 0.025) < 1e-9))
        return 2;
    return 0;
}

static void test_beta_default_handler(void **state)
{
    (void)state;
    in_child(beta_large_shapes);
}

/* A 3 x 3 table whose top-left 2 x 2 block is empty: the design-effect system is singular and
 * gsl_linalg_cholesky_decomp1 raises "matrix is not positive definite"; the test is refused
 * with SHOPSTAT_EINPUT. */
static int raoscott_singular(void)
{
    double m[9] = {0, 0, 0.07, 0, 0, 0.10, 0.11, 0.12, 0.13}, V[81] = {0};
    for (int i = 0; i < 9; i++)
        V[i + 9 * i] = m[i] * (1 - m[i]) / 100 + 1e-6;
    shopstat_raoscott r;
    shopstat_error err;
    shopstat_error_clear(&err);
    if (shopstat_raoscott_f(3, 3, m, V, 100, 50, &r, &err) != SHOPSTAT_EINPUT)
        return 1;
    return strstr(err.msg, "too sparse") ? 0 : 2;
}

static void test_raoscott_default_handler(void **state)
{
    (void)state;
    in_child(raoscott_singular);
}

/* A handler the program installed before the library's first GSL call is kept: it sees the
 * beta failure, returns, and the library still gives the interval. */
static int handler_calls;
static void counting_handler(const char *reason, const char *file, int line, int gsl_errno)
{
    (void)reason, (void)file, (void)line, (void)gsl_errno;
    handler_calls++;
}

static int own_handler_kept(void)
{
    gsl_set_error_handler(counting_handler);
    int rc = beta_large_shapes();
    if (rc)
        return rc;
    if (handler_calls == 0)
        return 3;
    return gsl_set_error_handler(NULL) == counting_handler ? 0 : 4;
}

static void test_own_handler_kept(void **state)
{
    (void)state;
    in_child(own_handler_kept);
}

int main(void)
{
    /* no gsl_set_error_handler_off() here: that is the point */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_beta_default_handler),
        cmocka_unit_test(test_raoscott_default_handler),
        cmocka_unit_test(test_own_handler_kept),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
