# Generates tests/unit/ci_fixtures.h: R survey 4.1.1 oracle values for engine/ci.c and engine/raoscott.c.
# Run from the repository root: Rscript tests/oracle/ci/make_ci_fixtures.R
# The output is committed; `make check` never runs R.
suppressMessages(library(survey))
args_all <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args_all[grep("^--file=", args_all)])
source(file.path(if (length(script)) dirname(normalizePath(script)) else "tests/oracle/ci", "..",
                 "helpers.R"))
data(api)

out <- "tests/unit/ci_fixtures.h"

# Designs. "zero" is apistrat with three zero weights and a tripled block of weights among the
# high and middle schools, so that base_n != base_n_pos and the weights are unequal within strata.
zs <- apistrat
zs$pw2 <- zs$pw
zs$pw2[c(103, 110, 150)] <- 0
zs$pw2[101:140] <- zs$pw2[101:140] * 3
designs <- list(
  strat = svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat, fpc = ~fpc),
  clus1 = svydesign(id = ~dnum, weights = ~pw, data = apiclus1, fpc = ~fpc),
  clus2 = svydesign(id = ~dnum + snum, weights = ~pw, data = apiclus2, fpc = ~fpc1 + fpc2),
  zero  = svydesign(id = ~1, strata = ~stype, weights = ~pw2, data = zs)
)
domains <- list(
  all  = function(d) d,
  E    = function(d) subset(d, stype == "E"),
  HM   = function(d) subset(d, stype != "E"),
  hi   = function(d) subset(d, api00 > 700)
)
vars <- list(
  schwide = quote(I(sch.wide == "Yes")),
  awards  = quote(I(awards == "Yes")),
  compimp = quote(I(comp.imp == "Yes"))
)
methods <- c("logit", "xlogit", "mean", "asin", "beta", "likelihood")
levels <- c(0.90, 0.95)

rows <- character(0)
for (dn in names(designs)) for (mn in names(domains)) for (vn in names(vars)) {
  des <- domains[[mn]](designs[[dn]])
  v <- vars[[vn]]
  y <- as.numeric(eval(v, des$variables))
  w <- weights(des)
  m <- eval(bquote(svymean(~as.numeric(.(v)), des, deff = "replace")))
  p <- unname(coef(m)); V <- unname(vcov(m)[1, 1])
  if (p <= 0 || p >= 1) next
  df <- degf(des)
  stats <- c(p, V, df, nrow(des), sum(w > 0), sum(w), sum(w)^2 / sum(w^2), unname(attr(m, "deff")))
  for (meth in methods) for (lev in levels) {
    ci <- tryCatch(attr(eval(bquote(svyciprop(~.(v), des, method = .(meth), level = .(lev)))), "ci"),
                   error = function(e) NULL)
    if (is.null(ci) || any(!is.finite(ci))) next
    rows <- c(rows, sprintf("    {\"%s/%s/%s\", \"%s\", %s, {%s}, %s, %s},", dn, mn, vn, meth, fmt17_c(lev),
                            paste(fmt17_c(stats), collapse = ", "), fmt17_c(ci[1]), fmt17_c(ci[2])))
  }
}

# Wilson (survey 4.1.1 has none): the formula of methods.md written out in plain R arithmetic,
# n = p(1-p)/V (no df factor), t = qt(1 - alpha/2, df).
wilson <- function(p, V, df, lev) {
  n <- p * (1 - p) / V
  t <- qt(1 - (1 - lev) / 2, df)
  c((p + t^2 / (2 * n) - t * sqrt(p * (1 - p) / n + t^2 / (4 * n^2))) / (1 + t^2 / n),
    (p + t^2 / (2 * n) + t * sqrt(p * (1 - p) / n + t^2 / (4 * n^2))) / (1 + t^2 / n))
}
wrows <- character(0)
for (case in list(c(0.3, 0.002, 40, 0.95), c(0.85, 0.0004, 12, 0.90), c(0.02, 0.0001, 200, 0.95),
                  c(0.5, 0.01, 3, 0.99))) {
  ci <- wilson(case[1], case[2], case[3], case[4])
  wrows <- c(wrows, sprintf("    {%s, %s, %s, %s, %s, %s},", fmt17_c(case[1]), fmt17_c(case[2]), fmt17_c(case[3]),
                            fmt17_c(case[4]), fmt17_c(ci[1]), fmt17_c(ci[2])))
}

# Clopper-Pearson fallback at p = 0 or 1 with a non-integer n = eff_base.
cp <- function(p, n, lev) {
  a <- 1 - lev; x <- p * n
  c(if (x <= 0) 0 else qbeta(a / 2, x, n - x + 1), if (x >= n) 1 else qbeta(1 - a / 2, x + 1, n - x))
}
cprows <- character(0)
for (case in list(c(0, 17.3, 0.95), c(1, 17.3, 0.95), c(0, 1, 0.95), c(1, 2.5, 0.90), c(0, 250.75, 0.90))) {
  ci <- cp(case[1], case[2], case[3])
  cprows <- c(cprows, sprintf("    {%s, %s, %s, %s, %s},", fmt17_c(case[1]), fmt17_c(case[2]), fmt17_c(case[3]),
                              fmt17_c(ci[1]), fmt17_c(ci[2])))
}

# Korn-Graubard in plain R arithmetic at shapes where GSL's beta inverse gives up (effective
# bases of 10^4 to 10^8) or the lower limit underflows to 0: p, var, df, base_n, level, lower, upper.
kg <- function(p, V, df, n, lev) {
  a <- 1 - lev
  ne <- p * (1 - p) / V * (qt(a / 2, n - 1) / qt(a / 2, df))^2
  c(qbeta(a / 2, ne * p, ne * (1 - p) + 1), qbeta(1 - a / 2, ne * p + 1, ne * (1 - p)))
}
kgrows <- character(0)
for (case in list(c(0.883963, 1.16983e-05, 35392, 89037, 0.95), c(0.99, 1e-7, 5000, 200000, 0.95),
                  c(0.3, 1e-7, 1e5, 3e6, 0.90), c(9.45066e-05, 3.5381e-06, 167, 278, 0.95),
                  c(0.0477971, 0.01, 1, 213, 0.95),
                  # effective bases of 10^7 and 10^8, where GSL's beta CDF itself gives up
                  # near the quantile (its continued fraction stops at 512 terms)
                  c(0.3, 2.1e-8, 1e6, 1e7, 0.95), c(0.3, 2.1e-9, 1e7, 1e8, 0.95),
                  c(0.001, 4e-10, 1e6, 2.5e6, 0.95), c(0.5, 2.5e-8, 1e6, 1e7, 0.95),
                  # narrow intervals there: quantiles within a few sd of the mean, where
                  # the continued fraction needs its every term (at 0.95 its first
                  # convergent alone met R to 1e-9: tools/mutate.sh, docs/reliability.md)
                  c(0.3, 2.1e-8, 1e6, 1e7, 0.10), c(0.5, 2.5e-8, 1e6, 1e7, 0.20),
                  c(0.3, 2.1e-9, 1e7, 1e8, 0.50))) {
  ci <- kg(case[1], case[2], case[3], case[4], case[5])
  kgrows <- c(kgrows, sprintf("    {%s},", paste(fmt17_c(c(case, ci)), collapse = ", ")))
}

# p.adjust on a vector with ties and a missing value.
pv <- c(0.01, 0.04, 0.04, NA, 0.2, 0.001, 0.03, 0.5, 0.04, 0.9)
holm <- p.adjust(pv, "holm"); bh <- p.adjust(pv, "BH")

# Rao-Scott: mean vector and covariance of the cell indicators exactly as svychisq builds them.
rs <- list(
  list("strat: sch.wide x comp.imp", designs$strat, "sch.wide", "comp.imp"),
  list("clus1: stype x awards", designs$clus1, "stype", "awards"),
  list("strat: stype x api00 tertile", update(designs$strat,
        tert = cut(api00, quantile(apistrat$api00, c(0, 1/3, 2/3, 1)), include.lowest = TRUE)),
       "stype", "tert"),
  list("clus2: stype x both", designs$clus2, "stype", "both"),
  # an empty cell (no high school above 830): R zeroes its entry of D^-1
  list("clus1: stype x api00 > 830 (empty cell)", update(designs$clus1, top = api00 > 830), "stype", "top")
)
rsrows <- character(0); rsdata <- character(0)
for (i in seq_along(rs)) {
  des <- rs[[i]][[2]]; rv <- rs[[i]][[3]]; cv <- rs[[i]][[4]]
  f <- as.formula(paste("~", rv, "+", cv))
  fsat <- as.formula(paste("~interaction(factor(", rv, "), factor(", cv, ")) - 1"))
  mm <- model.matrix(fsat, model.frame(fsat, des$variables, na.action = na.pass))
  mean2 <- svymean(mm, des, na.rm = TRUE)
  nr <- length(unique(des$variables[[rv]])); nc <- length(unique(des$variables[[cv]]))
  nu <- length(unique(des$cluster[, 1])) - length(unique(des$strata[, 1]))
  stopifnot(nu == degf(des))
  res <- svychisq(f, des, statistic = "F")
  rsdata <- c(rsdata, sprintf("static const double rs_mean_%d[] = {%s};", i, paste(fmt17_c(coef(mean2)), collapse = ", ")),
              sprintf("static const double rs_V_%d[] = {%s};", i, paste(fmt17_c(as.vector(vcov(mean2))), collapse = ", ")))
  rsrows <- c(rsrows, sprintf("    {\"%s\", %d, %d, rs_mean_%d, rs_V_%d, %s, %s, %s, %s, %s, %s, %s},", rs[[i]][[1]],
                              nr, nc, i, i, fmt17_c(nrow(mm)), fmt17_c(degf(des)),
                              fmt17_c(unname(suppressWarnings(chisq.test(svytable(f, des, Ntotal = nrow(mm)), correct = FALSE))$statistic)),
                              fmt17_c(unname(res$statistic)), fmt17_c(unname(res$parameter[1])),
                              fmt17_c(unname(res$parameter[2])), fmt17_c(res$p.value)))
}

h <- c(
  "/* R survey 4.1.1 oracle values for the interval, adjustment and Rao-Scott unit tests. */",
  "/* GENERATED by tests/oracle/ci/make_ci_fixtures.R; do not edit. */",
  "#ifndef SHOPSTAT_CI_FIXTURES_H",
  "#define SHOPSTAT_CI_FIXTURES_H",
  "#include <math.h>",
  "",
  "/* svyciprop(~y, design, method, level): stats = p, var, df, base_n, base_n_pos, base_weight,",
  " * eff_base, R's deff=\"replace\"; then R's lower and upper. */",
  "typedef struct ci_fixture {", "    const char *label;", "    const char *method;", "    double level;",
  "    double stats[8];", "    double lower, upper;", "} ci_fixture;",
  "static const ci_fixture ci_fixtures[] = {", rows, "};",
  "",
  "/* Wilson, written out in R arithmetic: p, var, df, level, lower, upper. */",
  "static const double wilson_fixtures[][6] = {", wrows, "};",
  "",
  "/* Clopper-Pearson with non-integer n via qbeta: p, n, level, lower, upper. */",
  "static const double cp_fixtures[][5] = {", cprows, "};",
  "",
  "/* Korn-Graubard at extreme shapes, R's qbeta: p, var, df, base_n, level, lower, upper. */",
  "static const double kg_extreme[][7] = {", kgrows, "};",
  "",
  "/* p.adjust(pv, \"holm\") and p.adjust(pv, \"BH\"). */",
  sprintf("static const double padj_in[] = {%s};", paste(fmt17_c(pv), collapse = ", ")),
  sprintf("static const double padj_holm[] = {%s};", paste(fmt17_c(holm), collapse = ", ")),
  sprintf("static const double padj_bh[] = {%s};", paste(fmt17_c(bh), collapse = ", ")),
  "",
  "/* svychisq(~r + c, design, statistic = \"F\"): cell means and covariance (column-major, rows fastest),",
  " * N, degf, Pearson X^2 on svytable(Ntotal = N), F, ndf, ddf, p-value. */",
  rsdata,
  "typedef struct rs_fixture {", "    const char *label;", "    int nr, nc;", "    const double *mean, *V;",
  "    double n, df, pearson, statistic, ndf, ddf, p_value;", "} rs_fixture;",
  "static const rs_fixture rs_fixtures[] = {", rsrows, "};",
  "",
  "#endif"
)
writeLines(h, out)
cat(sprintf("wrote %s: %d interval rows, %d Rao-Scott tables\n", out, length(rows), length(rsrows)))
