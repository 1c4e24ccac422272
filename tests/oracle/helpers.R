# Helpers the R scripts that make the committed fixtures share (tests/oracle/make_*.R,
# ci/make_ci_fixtures.R, audit/audit.R, tests/report/make_*_expected.R): how a number is
# written into a fixture, the level order as shopstat's (numeric when every value is a number,
# else byte order), the question and segment descriptions the scripts build their cases from,
# and the exact likelihood interval R's spline approximates. Each script sources it by its own
# path (commandArgs' --file), so it runs from any folder.

## Writing fixtures
# A double to 17 significant digits, which reads back as the same double; NA as an empty
# cell (csvcompare's missing).
fmt17 <- function(x) ifelse(is.na(x), "", sprintf("%.17g", x))
# A whole number (base_n, count, df) as an integer; NA as an empty cell.
fmt_int <- function(x) ifelse(is.na(x), "", sprintf("%d", as.integer(x)))
# A double as a C initializer for the tests/unit headers: NA and NaN as NAN, infinities as
# INFINITY (math.h), others to 17 significant digits.
fmt17_c <- function(x) {
    ifelse(is.na(x), "NAN",
           ifelse(is.infinite(x), ifelse(x > 0, "INFINITY", "-INFINITY"), sprintf("%.17g", x)))
}
# Text as one csv cell: NA empty, quoted (inner quotes doubled) when it holds a comma, a
# quote or a line break, as shopstat's csv output quotes.
csv_field <- function(s) {
    s[is.na(s)] <- ""
    need <- grepl("[,\"\r\n]", s)
    s[need] <- paste0("\"", gsub("\"", "\"\"", s[need]), "\"")
    s
}
# A data frame as a csv file: the header unquoted, numeric columns through fmt17, every cell
# through csv_field.
write_csv <- function(df, path) {
    cols <- lapply(df, function(v) csv_field(if (is.numeric(v)) fmt17(v) else as.character(v)))
    writeLines(c(paste(names(df), collapse = ","), do.call(paste, c(cols, sep = ","))), path)
}

## tests/report's data
# tests/report/specs/scores.csv as its specs read it, rec's 98 missing ({missing: [98]}), and
# its design (strata stratum, PSUs psu, weights w): list(d, des).
read_report_scores <- function(path = "tests/report/specs/scores.csv") {
    d <- read.csv(path)
    d$rec[d$rec == 98] <- NA
    list(d = d, des = svydesign(ids = ~psu, strata = ~stratum, weights = ~w, data = d, nest = TRUE))
}

## Estimating a share
# One row of tab's csv (logit interval) as R's survey package gives it: the share of y (0/1)
# among the rows d of design des by svymean (deff = "replace") and svyciprop (logit) on
# des[d, ], df its degf; w the weights, for base_weight and eff_base. Stops at p = 0 or 1,
# where R's interval is undefined (README.md).
tab_logit_row <- function(des, y, d, w, variable, level, segment) {
    des$variables$yy <- y
    sub <- des[d, ]
    m <- svymean(~yy, sub, deff = "replace")
    p <- coef(m)[[1]]
    if (!(p > 0 && p < 1)) stop(variable, ": p = ", p, " for ", level, "/", segment)
    lim <- as.vector(attr(suppressWarnings(svyciprop(~yy, sub, method = "logit")), "ci"))
    W <- sum(w * d)
    data.frame(variable = variable, level = csv_field(level), segment = csv_field(segment),
               base_n = fmt_int(sum(d)), base_weight = fmt17(W), count = fmt_int(sum(d & y == 1)),
               proportion = fmt17(p), se = fmt17(SE(m)[[1]]), ci_lower = fmt17(lim[1]),
               ci_upper = fmt17(lim[2]), df = fmt_int(degf(sub)), deff = fmt17(deff(m)[[1]]),
               eff_base = fmt17(W^2 / sum(w^2 * d)), stringsAsFactors = FALSE)
}

## Comparing two segments
# The rows of a pair's two sides: pair "A:B" (or c(A, B)), segs a list of logical rows by
# segment name; B "rest" is every row not in A. list(ab = c(A, B), a, b).
pair_rows <- function(segs, pair) {
    ab <- if (length(pair) == 1) strsplit(pair, ":", fixed = TRUE)[[1]] else pair
    a <- segs[[ab[1]]]
    list(ab = ab, a = a, b = if (ab[2] == "rest") !a else segs[[ab[2]]])
}
# A compare as R's survey package takes it: the ratios ya / na and yb / nb of the two sides
# and their difference by svycontrast of stat(ya + na + yb + nb) (svytotal; svymean gives the
# same ratios), y a level's 0/1 or a score (0 where not answered), a and b the 0/1 rows of
# each side that answer. rows: a subset of the design taken after the columns are set (the
# lonely-PSU rules under --base); ...: to stat (return.replicates = TRUE on replicates).
contrast_sides <- function(des, y, a, b, rows = NULL, stat = svytotal, ...) {
    des$variables$ya <- y * a; des$variables$na <- a
    des$variables$yb <- y * b; des$variables$nb <- b
    if (!is.null(rows)) des <- des[rows, ]
    tot <- stat(~ya + na + yb + nb, des, ...)
    con <- svycontrast(tot, quote(ya / na - yb / nb))
    est <- coef(tot)
    list(a = est[["ya"]] / est[["na"]], b = est[["yb"]] / est[["nb"]], diff = coef(con)[[1]],
         se = SE(con)[[1]], tot = tot, con = con)
}
# One row of compare's csv from contrast_sides' r: t on df dfree, the interval at quantile
# tq; p_adjusted is the family's, added by the caller.
compare_row <- function(variable, level, ab, r, dfree, tq) {
    t <- r$diff / r$se
    data.frame(variable = variable, level = level, segment_a = ab[1], segment_b = ab[2],
               estimate_a = r$a, estimate_b = r$b, difference = r$diff, se = r$se,
               ci_lower = r$diff - tq * r$se, ci_upper = r$diff + tq * r$se, df = dfree, t = t,
               p_value = 2 * pt(-abs(t), dfree), stringsAsFactors = FALSE)
}
# The adjusted p-values of one family, one question x one pair (docs/methods.md): p.adjust
# over its levels' p (method "holm", "bh" or "BH", "none"; NA where there is no test, left
# out as p.adjust leaves NA), but for a single-choice question (q$flags "--var") whose pair
# leaves exactly two levels with a test, every other level a difference of 0 without one
# (no row of either side holds it): each side's shares then sum to 1, the two differences
# are d and -d with one SE, one hypothesis tested twice, so p.adjust over one of the two
# mirrored rows, a family of one: each row keeps its p. diff: the levels' differences.
family_adjust <- function(q, p, diff, method) {
    method <- c(holm = "holm", bh = "BH", BH = "BH", none = "none")[[method]]
    tested <- !is.na(p)
    if (identical(q$flags[1], "--var") && sum(tested) == 2 && isTRUE(all(diff[!tested] == 0))) {
        # (the two rows are the same test: their p agree to round-off)
        stopifnot(abs(p[tested][1] - p[tested][2]) <= 1e-9 * max(p[tested]))
        return(vapply(p, p.adjust, 0, method = method))
    }
    p.adjust(p, method = method)
}
# compare_row's rows as the fixtures write them: numbers by fmt17, df by fmt_int.
fmt_compare <- function(res) {
    for (v in c("estimate_a", "estimate_b", "difference", "se", "ci_lower", "ci_upper", "t",
                "p_value", "p_adjusted")) res[[v]] <- fmt17(res[[v]])
    res$df <- fmt_int(res$df)
    res
}

## Designs
# shopstat's design options for a Taylor design described as spec (weight, strata, psu, fpc,
# lonely: column names, or the --lonely-psu rule; NULL where the design has none).
design_flags <- function(spec) {
    f <- character()
    if (!is.null(spec$weight)) f <- c(f, "--weight", spec$weight)
    if (!is.null(spec$strata)) f <- c(f, "--strata", spec$strata)
    if (!is.null(spec$psu)) f <- c(f, "--psu", spec$psu)
    if (!is.null(spec$fpc)) f <- c(f, "--fpc", spec$fpc)
    if (!is.null(spec$lonely)) f <- c(f, "--lonely-psu", spec$lonely)
    f
}

## Questions and segments
is_num_text <- function(x) all(!is.na(suppressWarnings(as.numeric(x))))
sort_levels <- function(x) {
    x <- unique(x[!is.na(x)])
    if (is_num_text(x)) x[order(as.numeric(x))] else sort(x, method = "radix")
}
q_var <- function(dat, col) {
    x <- dat$txt[[col]]
    list(name = col, flags = c("--var", col), levels = sort_levels(x), answered = !is.na(x),
         y = function(l) as.numeric(x == l))
}
q_multi <- function(dat, name, cols) {
    m <- sapply(cols, function(c) dat$num[[c]])
    stopifnot(all(m %in% c(0, 1, NA)))
    list(name = name, flags = c("--multi", paste0(name, "=", paste(cols, collapse = ","))),
         levels = cols, answered = rowSums(is.na(m)) == 0, y = function(l) m[, l])
}
q_ticked <- function(dat, name, cols) {
    x <- sapply(cols, function(c) dat$txt[[c]])
    ticked <- !is.na(x) & x != "0"
    list(name = name, flags = c("--multi-ticked", paste0(name, "=", paste(cols, collapse = ","))),
         levels = cols, answered = rowSums(ticked) > 0, y = function(l) as.numeric(ticked[, l]))
}
q_codes <- function(dat, name, col) {
    x <- dat$txt[[col]]
    codes <- strsplit(ifelse(is.na(x), "", x), "[;,]")
    list(name = name, flags = c("--multi-codes", paste0(name, "=", col)),
         levels = sort_levels(unlist(codes)), answered = !is.na(x),
         y = function(l) as.numeric(vapply(codes, function(cc) l %in% cc, TRUE)))
}
# --none-in-base NAME: the rows ticking none are in the question's base, y = 0 in every
# level (a --multi row with every column blank too; one answering in part stays out)
q_none <- function(q, dat = NULL, cols = NULL) {
    q$flags <- c(q$flags, "--none-in-base", q$name)
    if (q$flags[1] == "--multi") {
        m <- sapply(cols, function(c) dat$num[[c]])
        q$answered <- rowSums(is.na(m)) %in% c(0, length(cols))
    } else {
        q$answered <- rep(TRUE, length(q$answered))
    }
    q
}
s_by <- function(dat, col) {
    x <- dat$txt[[col]]
    lv <- sort_levels(x)
    segs <- lapply(lv, function(l) list(name = paste0(col, "=", l), rows = !is.na(x) & x == l))
    attr(segs, "flags") <- c("--by", col)
    segs
}
s_eq <- function(dat, name, col, values) {
    x <- dat$txt[[col]]
    segs <- list(list(name = name, rows = !is.na(x) & x %in% values))
    attr(segs, "flags") <- c("--segment", paste0(name, "=", col, ":", paste(values, collapse = ",")))
    segs
}

# R's likelihood interval reads the limits off a spline through a few profile points
# (survey:::MASSprofile_glm + confint_profile). This solves the same equation exactly, to
# show how far R's spline is from the exact root the engine computes: the scaled profile
# sqrt((D(b) - D(b_hat)) / phi) = qt(1 - alpha/2, df) * sqrt(lambda), with D the deviance of
# svyglm's quasibinomial intercept-only fit, phi its summary dispersion and lambda =
# cov.unscaled / naive.cov (the design effect of the logit).
exact_likelihood <- function(sub, level) {
    m <- suppressWarnings(svyglm(yy ~ 1, sub, family = quasibinomial))
    summ <- suppressWarnings(summary(m))
    mf <- model.frame(m)
    Y <- model.response(mf)
    W <- model.weights(mf)
    if (!length(W)) W <- rep(1, length(Y))
    X0 <- model.matrix(m)[, 0, drop = FALSE]
    lambda <- diag(m$cov.unscaled) / diag(m$naive.cov)
    cut <- qt(1 - (1 - level) / 2, degf(sub)) * sqrt(lambda)
    zf <- function(b) {
        fm <- suppressWarnings(glm.fit(x = X0, y = Y, weights = W, offset = rep(b, length(Y)),
                                       family = family(m), control = m$control))
        sqrt(max((fm$deviance - deviance(m)) / summ$dispersion, 0)) - cut
    }
    b0 <- coef(m)[[1]]; se <- summ$coefficients[1, 2]
    plogis(c(uniroot(zf, c(b0 - 30 * se, b0), tol = 1e-13)$root,
             uniroot(zf, c(b0, b0 + 30 * se), tol = 1e-13)$root))
}

# A data file read back as the fixture scripts use it: its text (every column as written,
# for the CSV shopstat reads) and its numbers (for R's design), with its path and name.
read_data <- function(path, name = sub("\\.csv$", "", basename(path))) {
    list(path = path, name = name,
         txt = read.csv(path, colClasses = "character", na.strings = "", check.names = FALSE),
         num = read.csv(path, na.strings = "", check.names = FALSE, stringsAsFactors = FALSE))
}

# Segment sets joined into one list, each set's flags kept (attr "flagsets"), and a Taylor
# design of dat$num by column names (NULL: none), as the Wilson and quantile scripts build
# them (make_fixtures.R and make_rep_fixtures.R keep their own seg_list)
seg_list <- function(...) {
    sets <- list(...)
    segs <- do.call(c, lapply(sets, function(s) s))
    attr(segs, "flagsets") <- lapply(sets, function(s) attr(s, "flags"))
    segs
}
taylor <- function(dat, psu = NULL, strata = NULL, weight = NULL, fpc = NULL) {
    f <- function(x) if (is.null(x)) NULL else as.formula(paste("~", x))
    svydesign(ids = if (is.null(psu)) ~1 else f(psu), strata = f(strata), weights = f(weight),
              fpc = f(fpc), data = dat$num, nest = TRUE)
}
