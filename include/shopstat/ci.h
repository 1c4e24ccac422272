/* Interval formulas for design-based proportions, p-value adjustment and the Rao-Scott test. */
#ifndef SHOPSTAT_CI_H
#define SHOPSTAT_CI_H

#include <stddef.h>

#include "shopstat/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Confidence-interval methods. R's svyciprop(method = ...) names in brackets; the formulas
 * follow the project's statistical methods brief and are restated at shopstat_ci() below. */
typedef enum shopstat_ci_method {
    SHOPSTAT_CI_LOGIT,     /* ["logit"] Wald interval on the logit scale */
    SHOPSTAT_CI_XLOGIT,    /* ["xlogit"] same formula under linearization */
    SHOPSTAT_CI_WALD,      /* ["mean"] p +/- t se */
    SHOPSTAT_CI_WILSON,    /* [survey >= 4.5 "wilson"] Wilson score with n = effective n */
    SHOPSTAT_CI_ASIN,      /* ["asin"] arcsine square root */
    SHOPSTAT_CI_BETA,      /* ["beta"] Korn & Graubard (1998) */
    SHOPSTAT_CI_LIKELIHOOD /* ["likelihood"] Rao-Scott scaled profile likelihood, solved exactly */
} shopstat_ci_method;

/* Parse a method name: "logit", "xlogit", "wald", "mean" (= wald), "wilson", "asin", "beta",
 * "korn-graubard" (= beta), "exact" (= beta), "likelihood". Case-sensitive. On an unknown or
 * NULL name returns SHOPSTAT_EUSAGE with a message listing the valid names; *out is then
 * untouched. out must not be NULL; err may be NULL. */
shopstat_status shopstat_ci_method_parse(const char *name, shopstat_ci_method *out,
                                         shopstat_error *err);

/* Canonical name ("logit", "xlogit", "wald", "wilson", "asin", "beta", "likelihood"), a static
 * string; "unknown" for a value outside the enum. Never NULL. */
const char *shopstat_ci_method_name(shopstat_ci_method m);

/* What the estimator knows about one domain (segment x question base). y is the 0/1 answer
 * indicator, w the weight, d the base indicator. */
typedef struct shopstat_domain_stats {
    double p;           /* estimate sum(w d y)/sum(w d) */
    double var;         /* design variance of p (Taylor or replicate) */
    double df;          /* design degrees of freedom for this domain */
    double base_n;      /* rows in the base, zero weights included */
    double base_n_pos;  /* rows in the base with w > 0 */
    double base_weight; /* sum w d */
    double eff_base;    /* Kish (sum w d)^2 / sum w^2 d */
} shopstat_domain_stats;

/* A two-sided interval. fallback is 1 when p is 0 or 1 and the Clopper-Pearson interval with
 * n = eff_base was returned instead of the requested method (R fails there). */
typedef struct shopstat_interval {
    double lower, upper;
    int fallback;
} shopstat_interval;

/* The confidence levels the CLI and the spec accept (shopstat_ci itself takes any level in
 * (0, 1)): an interval of less than 50% is not one a report should print, and past 99.99%
 * the t and normal quantiles leave the range where the intervals were checked against R. */
#define SHOPSTAT_LEVEL_MIN 0.5
#define SHOPSTAT_LEVEL_MAX 0.9999

/* Interval for d->p at confidence level (0 < level < 1). alpha = 1 - level,
 * t = qt(1 - alpha/2, df), se = sqrt(var), q = 1 - p:
 *  WALD:   p -/+ t se (not clipped, as R's "mean").
 *  LOGIT, XLOGIT: expit(logit(p) -/+ t se / (p q)).
 *  ASIN:   sin^2(asin(sqrt p) -/+ t se / (2 sqrt(p q))), each angle clipped to [0, pi/2].
 *  BETA:   n* = (p q / var) (qt(alpha/2, base_n - 1) / qt(alpha/2, df))^2;
 *          lower = qbeta(alpha/2, n* p, n* q + 1), upper = qbeta(1 - alpha/2, n* p + 1, n* q).
 *          base_n counts zero-weight rows and df is taken from d->df, as R's svyciprop uses
 *          nrow(design) and degf(design). Needs base_n >= 2. Beta quantiles come from
 *          gsl_cdf_beta_Pinv, or, where it fails (shapes beyond a few thousand, i.e. large
 *          effective bases), from Brent inversion of gsl_cdf_beta_P; limits that underflow
 *          return 0 (as R's qbeta). Past shapes a + b of 10^12 (R's qbeta: NaN from about
 *          10^15) the normal quantile with the Cornish-Fisher skewness term.
 *  WILSON: n = p q / var; (p + t^2/(2n) -/+ t sqrt(p q / n + t^2/(4 n^2))) / (1 + t^2/n).
 *  LIKELIHOOD: the mu in (0, 1) on each side of p solving
 *              p log(p/mu) + q log(q/(1-mu)) = phi t^2 var / (2 p q),  phi = n'/(n' - 1),
 *          n' = base_n_pos. This is what survey 4.1.1 computes (confint.svyglm with
 *          method = "likelihood" on svyglm(y ~ 1, family = quasibinomial)): the profile statistic
 *          is the weighted binomial deviance difference divided by the quasi-binomial dispersion
 *          phi (svyvar of the unweighted Pearson residuals, which is exactly n'/(n'-1) for an
 *          intercept-only model), and it is compared with the cutoff t^2 lambda, where lambda =
 *          design var / naive var of the logit = n var / (p q) and the deviance difference is
 *          2 n KL(p || mu) with the weights rescaled to sum n = base_n (n cancels). R reads the
 *          roots off a spline through a coarse profile (good to ~1e-3); here they are found by
 *          Brent's method to 1e-12. Needs base_n_pos >= 2.
 * Special cases, in this order:
 *  - base_n <= 0 or base_weight <= 0 or p is NaN (empty base): lower = upper = NaN, fallback 0,
 *    returns SHOPSTAT_OK (the caller prints empty statistics).
 *  - p <= 0 or p >= 1: Clopper-Pearson with n = eff_base and x = p n (n need not be an
 *    integer): lower = 0 if p <= 0 else qbeta(alpha/2, x, n - x + 1), upper = 1 if p >= 1 else
 *    qbeta(1 - alpha/2, x + 1, n - x); fallback = 1. df and var are not used. eff_base must be
 *    > 0 (a single respondent gives eff_base = 1 and e.g. [0, 1 - alpha/2] at p = 0).
 *  - df <= 0 or NaN, var < 0 or NaN, level outside (0, 1): SHOPSTAT_EINPUT (level:
 *    SHOPSTAT_EUSAGE) with a message saying why; *out is set to NaN bounds.
 *  - var == 0 with 0 < p < 1 (e.g. all the domain's variation is within a single PSU): every
 *    method degenerates to lower = upper = p (the limit as var -> 0); fallback 0.
 * Returns SHOPSTAT_EINTERNAL if a GSL call fails. d and out must not be NULL; err may be NULL. */
shopstat_status shopstat_ci(shopstat_ci_method m, const shopstat_domain_stats *d, double level,
                            shopstat_interval *out, shopstat_error *err);

/* Design effect vs simple random sampling with replacement (R's svymean(deff = "replace")):
 * deff = var / (S^2 / n') with S^2 = n'/(n'-1) p (1-p) for a 0/1 answer, i.e.
 * deff = var (n' - 1) / (p (1 - p)), n' = base_n_pos. Checked against R, including a base with
 * zero-weight rows (R uses n', not base_n, here). NaN when n' < 2 or p is 0, 1 or NaN. */
double shopstat_deff(const shopstat_domain_stats *d);

/* Multiple-testing adjustment of p-values. */
typedef enum shopstat_adjust_method {
    SHOPSTAT_ADJUST_NONE,
    SHOPSTAT_ADJUST_HOLM, /* Holm (1979) step-down family-wise error control */
    SHOPSTAT_ADJUST_BH    /* Benjamini & Hochberg (1995) false discovery rate */
} shopstat_adjust_method;

/* Parse "none", "holm", "bh" (also "BH" and "fdr", as R). Unknown or NULL: SHOPSTAT_EUSAGE with
 * the valid names; *out untouched. */
shopstat_status shopstat_adjust_parse(const char *name, shopstat_adjust_method *out,
                                      shopstat_error *err);

/* Canonical name ("none", "holm", "bh"); "unknown" outside the enum. Never NULL. */
const char *shopstat_adjust_name(shopstat_adjust_method m);
/* The method's name for people, as a chart's footer or note names it: "Holm",
 * "Benjamini-Hochberg", "none"; "unknown" outside the enum. Never NULL. */
const char *shopstat_adjust_label(shopstat_adjust_method m);

/* As R's p.adjust(p, method): NaN entries are ignored (the family size is the number of
 * non-NaN entries) and left NaN in out; results are capped at 1. Ties get equal adjusted
 * values. out may alias p; n may be 0. NONE copies p. HOLM and BH allocate n indices: if that
 * fails, SHOPSTAT_ENOMEM, and every out entry is NaN (never a silently unadjusted p-value);
 * so for a method outside the enum, SHOPSTAT_EUSAGE; else SHOPSTAT_OK. */
shopstat_status shopstat_p_adjust(shopstat_adjust_method m, const double *p, size_t n,
                                  double *out);

/* Rao-Scott second-order corrected test of independence (Rao & Scott 1984), as R's
 * svychisq(~r + c, design, statistic = "F") in survey 4.1.1. */
typedef struct shopstat_raoscott {
    double pearson;   /* Pearson X^2 of the weighted table scaled to total n */
    double statistic; /* F = X^2 / tr(Delta) */
    double ndf;       /* d0 = tr(Delta)^2 / tr(Delta^2) */
    double ddf;       /* d0 * design_df */
    double p_value;   /* upper tail of F(ndf, ddf) */
} shopstat_raoscott;

/* nr x nc table (nr, nc >= 2). mean: estimated cell proportions, length nr*nc, vectorised
 * column-major (row index fastest, as R's expand.grid(rows, cols)); they should sum to 1.
 * V: their design covariance, nr*nc x nr*nc, column-major (symmetric, so either order).
 * n: the N R uses (rows of the design, nrow of the model matrix). design_df: degf(design) of
 * the whole design (R's nu = #PSUs - #strata).
 * Algorithm (R's svychisq.survey.design): X1 = model matrix of the additive model
 * ~ factor(rows) + factor(cols) on the grid, X12 the interaction columns; C = residual of X12
 * after least-squares projection on X1 (Householder QR); D^-1 = diag(1/mean), with 0 for a cell
 * whose mean is 0; Delta = (C' D^-1 C / n)^-1 (C' D^-1 V D^-1 C) (LU solve);
 * X^2 = n sum (m_ij - m_i. m_.j)^2 / (m_i. m_.j).
 * design_df 0 gives the statistic, ndf and ddf 0 with p_value NaN (R's pf on 0 df).
 * Errors: SHOPSTAT_EINPUT when nr or nc < 2, n <= 0, design_df < 0, a row or column margin is
 * 0 (R gives NaN: drop empty levels first), or the design gives tr(Delta) <= 0 (V carries no
 * information on the interaction, e.g. all zero); SHOPSTAT_ELIMIT above 1024 cells (the work
 * matrices grow as cells^2); SHOPSTAT_ENOMEM; SHOPSTAT_EINTERNAL on a GSL
 * failure (singular C' D^-1 C). On error *out is filled with NaN. mean, V, out must not be
 * NULL; err may be NULL. */
shopstat_status shopstat_raoscott_f(size_t nr, size_t nc, const double *mean, const double *V,
                                    double n, double design_df, shopstat_raoscott *out,
                                    shopstat_error *err);

#ifdef __cplusplus
}
#endif
#endif
