/* Confidence intervals for design-based proportions (formulas and R conventions in ci.h). */
#include "shopstat/ci.h"

#include <float.h>
#include <math.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_roots.h>
#include <gsl/gsl_sf_gamma.h>

#include "internal.h"

/* GSL's default error handler calls abort() (gsl_cdf_beta_Pinv "inverse failed to converge"
 * for shapes of a few thousand, gsl_linalg_cholesky_decomp1 on a matrix that is not positive
 * definite, an allocation that fails): the library checks every return code instead, so the
 * default handler is turned off once. A handler the program installed itself is kept. */
static void gsl_quiet_once(void)
{
    gsl_error_handler_t *prev = gsl_set_error_handler_off();
    if (prev)
        gsl_set_error_handler(prev);
}

void shopstat_gsl_quiet(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, gsl_quiet_once);
}

static const struct {
    const char *name;
    shopstat_ci_method method;
} ci_names[] = {
    {"logit", SHOPSTAT_CI_LOGIT},   {"xlogit", SHOPSTAT_CI_XLOGIT},
    {"wald", SHOPSTAT_CI_WALD},     {"mean", SHOPSTAT_CI_WALD},
    {"wilson", SHOPSTAT_CI_WILSON}, {"asin", SHOPSTAT_CI_ASIN},
    {"beta", SHOPSTAT_CI_BETA},     {"korn-graubard", SHOPSTAT_CI_BETA},
    {"exact", SHOPSTAT_CI_BETA},    {"likelihood", SHOPSTAT_CI_LIKELIHOOD},
};

/* Intervals a small-sample user asks for by another name, and what shopstat has for them:
 * Clopper-Pearson is beta at the design's effective base (R's svyciprop "beta"), the score
 * interval is Wilson's; Jeffreys' and Agresti-Coull's are not offered. */
static const struct {
    const char *name, *hint;
} ci_hints[] = {
    {"clopper-pearson", "take beta: Clopper-Pearson's exact binomial interval at the design's "
                        "effective base (Korn & Graubard; R's svyciprop method \"beta\")"},
    {"clopper", "take beta: Clopper-Pearson's exact binomial interval at the design's "
                "effective base (Korn & Graubard; R's svyciprop method \"beta\")"},
    {"cp", "take beta: Clopper-Pearson's exact binomial interval at the design's effective "
           "base (Korn & Graubard; R's svyciprop method \"beta\")"},
    {"score", "the score interval is wilson"},
    {"jeffreys", "Jeffreys' interval is not offered; for small bases take beta "
                 "(Clopper-Pearson at the effective base) or wilson"},
    {"agresti-coull", "Agresti-Coull's interval is not offered; for small bases take beta "
                      "(Clopper-Pearson at the effective base) or wilson"},
};

shopstat_status shopstat_ci_method_parse(const char *name, shopstat_ci_method *out,
                                         shopstat_error *err)
{
    for (size_t i = 0; name && i < sizeof ci_names / sizeof ci_names[0]; i++) {
        if (strcmp(name, ci_names[i].name) == 0) {
            *out = ci_names[i].method;
            return SHOPSTAT_OK;
        }
    }
    for (size_t i = 0; name && i < sizeof ci_hints / sizeof ci_hints[0]; i++)
        if (strcasecmp(name, ci_hints[i].name) == 0)
            return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                      "unknown interval method '%s': %s", name, ci_hints[i].hint);
    /* (names are R's, lower case: 'Beta' is named beta, not accepted) */
    const char *lower = NULL;
    for (size_t i = 0; name && i < sizeof ci_names / sizeof ci_names[0] && !lower; i++)
        if (strcasecmp(name, ci_names[i].name) == 0)
            lower = ci_names[i].name;
    char mean[80] = "";
    if (lower)
        snprintf(mean, sizeof mean, " (did you mean '%s'? names are lower case)", lower);
    return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                              "unknown interval method '%s'%s; valid methods are logit, xlogit, "
                              "wald (or mean), wilson, asin, beta (or korn-graubard, exact), "
                              "likelihood",
                              name ? name : "(null)", mean);
}

const char *shopstat_ci_method_name(shopstat_ci_method m)
{
    switch (m) {
    case SHOPSTAT_CI_LOGIT:
        return "logit";
    case SHOPSTAT_CI_XLOGIT:
        return "xlogit";
    case SHOPSTAT_CI_WALD:
        return "wald";
    case SHOPSTAT_CI_WILSON:
        return "wilson";
    case SHOPSTAT_CI_ASIN:
        return "asin";
    case SHOPSTAT_CI_BETA:
        return "beta";
    case SHOPSTAT_CI_LIKELIHOOD:
        return "likelihood";
    }
    return "unknown";
}

double shopstat_deff(const shopstat_domain_stats *d)
{
    double np = d->base_n_pos, p = d->p;
    if (!(np >= 2) || !(p > 0 && p < 1))
        return NAN;
    /* With a 0/1 answer sum(w d (y - p)^2) / sum(w d) = p (1 - p) exactly, so R's
     * S^2 = n'/(n'-1) p (1 - p) and deff = var / (S^2 / n'). */
    return d->var * (np - 1) / (p * (1 - p));
}

/* GSL's cdf functions report failure through the (disabled) error handler and return NaN;
 * a non-finite quantile is how a failure shows. */
static shopstat_status quantile_ok(double q, const char *what, shopstat_error *err)
{
    if (isfinite(q))
        return SHOPSTAT_OK;
    return shopstat_error_set(err, SHOPSTAT_EINTERNAL, NULL, 0, 0,
                              "GSL could not compute the %s quantile", what);
}

struct beta_params {
    double P, a, b;
};

/* I_x(a, b) by its continued fraction (Lentz's method), for x below the mean, where it
 * converges. GSL's own gives up after 512 terms, which shapes of a few million (effective
 * bases of 10^7) need near their mean: gsl_cdf_beta_P returns NaN there. The terms needed
 * grow as sqrt(a + b); NaN if 10^7 terms do not converge. */
static double beta_inc_lower(double x, double a, double b)
{
    if (x <= 0)
        return 0;
    gsl_sf_result lb;
    if (gsl_sf_lnbeta_e(a, b, &lb) != GSL_SUCCESS)
        return NAN;
    double front = exp(a * log(x) + b * log1p(-x) - lb.val) / a;
    const double tiny = 1e-300;
    double c = 1, d = 1 - (a + b) * x / (a + 1);
    d = 1 / (fabs(d) < tiny ? tiny : d);
    double h = d;
    for (double m = 1; m < 1e7; m++) {
        double m2 = 2 * m;
        for (int odd = 0; odd < 2; odd++) {
            double aa = odd ? -(a + m) * (a + b + m) * x / ((a + m2) * (a + 1 + m2))
                            : m * (b - m) * x / ((a - 1 + m2) * (a + m2));
            d = 1 + aa * d;
            c = 1 + aa / c;
            d = 1 / (fabs(d) < tiny ? tiny : d);
            if (fabs(c) < tiny)
                c = tiny;
            h *= d * c;
            if (odd && fabs(d * c - 1) < 1e-15)
                return front * h;
        }
    }
    return NAN;
}

/* P(X <= x) (upper = 0) or P(X > x) (upper = 1) for X ~ Beta(a, b): GSL's, or the
 * continued fraction above where GSL fails, each tail summed from its own side. */
static double beta_tail(double x, double a, double b, int upper)
{
    double t = upper ? gsl_cdf_beta_Q(x, a, b) : gsl_cdf_beta_P(x, a, b);
    if (isfinite(t))
        return t;
    double y = upper ? 1 - x : x, p = upper ? b : a, q = upper ? a : b;
    if (y < (p + 1) / (p + q + 2))
        return beta_inc_lower(y, p, q);
    return 1 - beta_inc_lower(1 - y, q, p);
}

/* Lower-tail distance for P <= 1/2, upper-tail for P > 1/2, so that the tail probability that
 * matters is never rounded against 1. */
static double beta_tail_minus(double x, void *vp)
{
    const struct beta_params *k = vp;
    if (k->P <= 0.5)
        return beta_tail(x, k->a, k->b, 0) - k->P;
    return (1 - k->P) - beta_tail(x, k->a, k->b, 1);
}

/* gsl_cdf_beta_Pinv's Newton steps use gsl_ran_beta_pdf, whose exp(lngamma terms) overflows
 * for shapes beyond a few thousand (large effective bases), and it then returns NaN. The CDF
 * itself (continued fraction with a log prefactor) stays accurate there, so invert it with
 * Brent's method on [0, 1]. Returns NaN if that fails too. */
static double beta_quantile_brent(double P, double a, double b)
{
    struct beta_params k = {P, a, b};
    gsl_function F = {beta_tail_minus, &k};
    /* Quantiles that round to 0 or 1 in double precision (tiny shapes, as R's qbeta gives 0). */
    double lo = DBL_MIN, hi = 1 - DBL_EPSILON / 2, x = NAN;
    if (beta_tail_minus(lo, &k) >= 0)
        return 0;
    if (beta_tail_minus(hi, &k) <= 0)
        return 1;
    gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    if (!s)
        return NAN;
    int rc = gsl_root_fsolver_set(s, &F, lo, hi);
    for (int iter = 0; rc == GSL_SUCCESS; iter++) {
        rc = gsl_root_fsolver_iterate(s);
        if (rc != GSL_SUCCESS)
            break;
        lo = gsl_root_fsolver_x_lower(s);
        hi = gsl_root_fsolver_x_upper(s);
        rc = gsl_root_test_interval(lo, hi, 0, 1e-13);
        if (rc != GSL_CONTINUE)
            break;
        rc = iter < 500 ? GSL_SUCCESS : GSL_EMAXITER;
    }
    if (rc == GSL_SUCCESS)
        x = gsl_root_fsolver_root(s);
    gsl_root_fsolver_free(s);
    return x;
}

/* Beta quantile for shapes a + b beyond 10^12, where the continued fraction needs about
 * sqrt(a + b) terms (past 10^14 more than it takes: NaN, so tab stopped with "GSL could not
 * compute the beta quantile" for an effective base of 3e20, weights from 1e-6 to 1e6; R's
 * qbeta gives NaN there): the normal quantile with the Cornish-Fisher skewness term,
 * mu + sd (z + g (z^2 - 1) / 6), whose error is O(1 / (a + b)) of sd (Johnson, Kotz and
 * Balakrishnan 1995, ch. 25). */
static double beta_quantile_normal(double P, double a, double b)
{
    double n = a + b, mu = a / n, sd = sqrt(a / n * (b / n) / (n + 1));
    double g = 2 * (b - a) * sqrt(n + 1) / ((n + 2) * sqrt(a) * sqrt(b));
    double z = gsl_cdf_ugaussian_Pinv(P);
    double x = mu + sd * (z + g * (z * z - 1) / 6);
    return x < 0 ? 0 : x > 1 ? 1 : x;
}

/* Beta quantile with the degenerate shapes handled: a shape of 0 puts all mass at an end. */
static double beta_quantile(double P, double a, double b)
{
    if (a <= 0)
        return 0;
    if (b <= 0)
        return 1;
    if (a + b > 1e12)
        return beta_quantile_normal(P, a, b);
    /* Past shapes of about 10^5 gsl_cdf_beta_Pinv returns NaN, a wrong value (its Newton
     * steps on a CDF that is NaN near the mean: 0.300018 for 0.300284 at an effective base
     * of 10^7) or takes minutes (10^8); from 10^4, its answer is checked against the CDF
     * (not below: near 0 or 1 the CDF is coarser than Pinv's answer, which R's qbeta
     * matches). */
    double x = a + b < 1e5 ? gsl_cdf_beta_Pinv(P, a, b) : NAN;
    if (isfinite(x) && a + b < 1e4)
        return x;
    if (isfinite(x)) {
        double want = P <= 0.5 ? P : 1 - P, got = beta_tail(x, a, b, P > 0.5);
        if (fabs(got - want) <= 1e-8 * want)
            return x;
    }
    return beta_quantile_brent(P, a, b);
}

/* Clopper-Pearson with a possibly non-integer n (Korn & Graubard 1998 use the same beta form). */
static shopstat_status clopper_pearson(double p, double n, double alpha, shopstat_interval *out,
                                       shopstat_error *err)
{
    double x = p * n;
    out->lower = p <= 0 ? 0 : beta_quantile(alpha / 2, x, n - x + 1);
    out->upper = p >= 1 ? 1 : beta_quantile(1 - alpha / 2, x + 1, n - x);
    out->fallback = 1;
    shopstat_status s = quantile_ok(out->lower, "beta", err);
    return s != SHOPSTAT_OK ? s : quantile_ok(out->upper, "beta", err);
}

/* Kullback-Leibler divergence KL(p || expit(b)) minus the target, on the logit scale so the
 * bracket can grow without leaving the domain; log1p keeps the tails accurate. */
struct kl_params {
    double p, target;
};

/* log(1 + e^x) without overflow for large x. */
static double softplus(double x)
{
    return x > 0 ? x + log1p(exp(-x)) : log1p(exp(x));
}

static double kl_minus_target(double b, void *vp)
{
    const struct kl_params *k = vp;
    double q = 1 - k->p;
    double log_mu = -softplus(-b); /* log expit(b) */
    double log_1mu = -softplus(b); /* log(1 - expit(b)) */
    return k->p * (log(k->p) - log_mu) + q * (log(q) - log_1mu) - k->target;
}

/* Root of kl_minus_target between b_in (where it is < 0) and b_out (grown until it is > 0). */
static shopstat_status kl_root(struct kl_params *k, double b_in, double step, double *root,
                               shopstat_error *err)
{
    gsl_function F = {kl_minus_target, k};
    double b_out = b_in + step;
    int grow = 0;
    while (kl_minus_target(b_out, k) <= 0) {
        step *= 2;
        b_out = b_in + step;
        if (++grow > 200 || !isfinite(b_out))
            return shopstat_error_set(err, SHOPSTAT_EINTERNAL, NULL, 0, 0,
                                      "likelihood interval: cannot bracket the limit");
    }
    double lo = fmin(b_in, b_out), hi = fmax(b_in, b_out);
    gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    if (!s)
        return shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
    int rc = gsl_root_fsolver_set(s, &F, lo, hi);
    for (int iter = 0; rc == GSL_SUCCESS; iter++) {
        rc = gsl_root_fsolver_iterate(s);
        if (rc != GSL_SUCCESS)
            break;
        lo = gsl_root_fsolver_x_lower(s);
        hi = gsl_root_fsolver_x_upper(s);
        rc = gsl_root_test_interval(lo, hi, 1e-14, 1e-12);
        if (rc != GSL_CONTINUE)
            break;
        rc = iter < 300 ? GSL_SUCCESS : GSL_EMAXITER;
    }
    *root = gsl_root_fsolver_root(s);
    gsl_root_fsolver_free(s);
    if (rc != GSL_SUCCESS)
        return shopstat_error_set(err, SHOPSTAT_EINTERNAL, NULL, 0, 0,
                                  "likelihood interval: root finding failed (%s)",
                                  gsl_strerror(rc));
    return SHOPSTAT_OK;
}

static double expit(double x)
{
    return 1 / (1 + exp(-x));
}

shopstat_status opts_level_check(double level, shopstat_error *err)
{
    if (!(level > 0 && level < 1))
        return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0,
                                  "confidence level %g is not between 0 and 1", level);
    return SHOPSTAT_OK;
}

shopstat_status shopstat_ci(shopstat_ci_method m, const shopstat_domain_stats *d, double level,
                            shopstat_interval *out, shopstat_error *err)
{
    shopstat_gsl_quiet();
    out->lower = out->upper = NAN;
    out->fallback = 0;
    shopstat_status st = opts_level_check(level, err);
    if (st)
        return st;
    double p = d->p, alpha = 1 - level;
    if (!(d->base_n > 0) || !(d->base_weight > 0) || isnan(p))
        return SHOPSTAT_OK; /* empty base: no estimate, no interval */
    if (p < 0 || p > 1)
        return shopstat_error_set(err, SHOPSTAT_EINPUT, NULL, 0, 0,
                                  "proportion %g is outside [0, 1]", p);
    if (p == 0 || p == 1) {
        if (!(d->eff_base > 0))
            return shopstat_error_set(err, SHOPSTAT_EINPUT, NULL, 0, 0,
                                      "effective base %g must be positive", d->eff_base);
        return clopper_pearson(p, d->eff_base, alpha, out, err);
    }
    if (!(d->df > 0))
        return shopstat_error_set(err, SHOPSTAT_EINPUT, NULL, 0, 0,
                                  "design degrees of freedom are %g, so the variance cannot be "
                                  "estimated",
                                  d->df);
    if (!(d->var >= 0))
        return shopstat_error_set(err, SHOPSTAT_EINPUT, NULL, 0, 0,
                                  "variance %g is negative or undefined", d->var);
    if (d->var == 0) {
        out->lower = out->upper = p; /* every formula's limit as var -> 0 */
        return SHOPSTAT_OK;
    }

    double q = 1 - p, se = sqrt(d->var);
    double t = gsl_cdf_tdist_Pinv(1 - alpha / 2, d->df);
    shopstat_status s = quantile_ok(t, "t", err);
    if (s != SHOPSTAT_OK)
        return s;

    switch (m) {
    case SHOPSTAT_CI_WALD:
        out->lower = p - t * se;
        out->upper = p + t * se;
        return SHOPSTAT_OK;
    case SHOPSTAT_CI_LOGIT:
    case SHOPSTAT_CI_XLOGIT: {
        /* Delta method: var(logit p) = var / (p q)^2. */
        double eta = log(p / q), h = t * se / (p * q);
        out->lower = expit(eta - h);
        out->upper = expit(eta + h);
        return SHOPSTAT_OK;
    }
    case SHOPSTAT_CI_ASIN: {
        /* d asin(sqrt x)/dx = 1 / (2 sqrt(x (1 - x))). Clipping the angle keeps sin^2 monotone;
         * R does not clip and can reflect a negative angle into a positive lower bound. */
        double theta = asin(sqrt(p)), h = t * se / (2 * sqrt(p * q));
        double lo = fmax(0, theta - h), hi = fmin(M_PI_2, theta + h);
        out->lower = sin(lo) * sin(lo);
        out->upper = sin(hi) * sin(hi);
        return SHOPSTAT_OK;
    }
    case SHOPSTAT_CI_WILSON: {
        double n = p * q / d->var, t2 = t * t;
        double centre = p + t2 / (2 * n), half = t * sqrt(p * q / n + t2 / (4 * n * n));
        out->lower = (centre - half) / (1 + t2 / n);
        out->upper = (centre + half) / (1 + t2 / n);
        return SHOPSTAT_OK;
    }
    case SHOPSTAT_CI_BETA: {
        if (!(d->base_n >= 2))
            return shopstat_error_set(err, SHOPSTAT_EINPUT, NULL, 0, 0,
                                      "Korn-Graubard interval needs at least 2 rows in the base");
        /* Korn & Graubard (1998): effective n scaled by the ratio of t quantiles on n - 1 and
         * on the design df (R uses nrow(design) - 1, zero-weight rows included). */
        double tn = gsl_cdf_tdist_Pinv(alpha / 2, d->base_n - 1);
        double td = gsl_cdf_tdist_Pinv(alpha / 2, d->df);
        if ((s = quantile_ok(tn, "t", err)) != SHOPSTAT_OK ||
            (s = quantile_ok(td, "t", err)) != SHOPSTAT_OK)
            return s;
        double ratio = tn / td;
        double n = p * q / d->var * ratio * ratio;
        out->lower = beta_quantile(alpha / 2, n * p, n * q + 1);
        out->upper = beta_quantile(1 - alpha / 2, n * p + 1, n * q);
        if ((s = quantile_ok(out->lower, "beta", err)) != SHOPSTAT_OK)
            return s;
        return quantile_ok(out->upper, "beta", err);
    }
    case SHOPSTAT_CI_LIKELIHOOD: {
        double np = d->base_n_pos;
        if (!(np >= 2))
            return shopstat_error_set(err, SHOPSTAT_EINPUT, NULL, 0, 0,
                                      "likelihood interval needs at least 2 rows of positive "
                                      "weight in the base");
        struct kl_params k = {p, (np / (np - 1)) * t * t * d->var / (2 * p * q)};
        double eta = log(p / q), step = t * se / (p * q), lo, hi;
        if ((s = kl_root(&k, eta, -step, &lo, err)) != SHOPSTAT_OK ||
            (s = kl_root(&k, eta, step, &hi, err)) != SHOPSTAT_OK)
            return s;
        out->lower = expit(lo);
        out->upper = expit(hi);
        return SHOPSTAT_OK;
    }
    }
    return shopstat_error_set(err, SHOPSTAT_EUSAGE, NULL, 0, 0, "unknown interval method %d",
                              (int)m);
}
