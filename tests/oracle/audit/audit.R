# Randomized differential audit of shopstat against R survey (tests/oracle/audit/README.md).
# Usage: AUDIT_SHOPSTAT=/abs/build/shopstat AUDIT_OUT=/tmp/dir Rscript audit.R FROM TO
# (seeds FROM..TO): writes data/sN.csv, runs/TAG.{cmd,out,err} and log_FROM_TO.txt in AUDIT_OUT.
suppressPackageStartupMessages(library(survey))
args_all <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args_all[grep("^--file=", args_all)])
source(file.path(dirname(normalizePath(script)), "..", "helpers.R"))
source(file.path(dirname(normalizePath(script)), "ext.R"))
source(file.path(dirname(normalizePath(script)), "ext2.R"))
source(file.path(dirname(normalizePath(script)), "ext3.R"))
source(file.path(dirname(normalizePath(script)), "ext4.R"))
source(file.path(dirname(normalizePath(script)), "ext5.R"))
source(file.path(dirname(normalizePath(script)), "ext6.R"))
EXT <- Sys.getenv("AUDIT_EXT", "1") != "0"  # (AUDIT_EXT=0: the parts before ext.R alone)
EXT2 <- Sys.getenv("AUDIT_EXT2", "1") != "0"  # (AUDIT_EXT2=0: without ext2.R's part)
EXT3 <- Sys.getenv("AUDIT_EXT3", "1") != "0"  # (AUDIT_EXT3=0: without ext3.R's part)
EXT4 <- Sys.getenv("AUDIT_EXT4", "1")  # (AUDIT_EXT4=0: without ext4.R's part; =only: ext4.R's alone)
EXT5 <- Sys.getenv("AUDIT_EXT5", "1")  # (AUDIT_EXT5=0: without ext5.R's part; =only: ext5.R's alone)
EXT6 <- Sys.getenv("AUDIT_EXT6", "1")  # (AUDIT_EXT6=0: without ext6.R's part; =only: ext6.R's alone)
SH <- Sys.getenv("AUDIT_SHOPSTAT")
OUT <- Sys.getenv("AUDIT_OUT")
if (SH == "" || OUT == "") stop("set AUDIT_SHOPSTAT (absolute path of shopstat) and AUDIT_OUT")
a <- commandArgs(TRUE)
seeds <- as.integer(a[1]):as.integer(a[2])
dir.create(file.path(OUT, "data"), showWarnings = FALSE)
dir.create(file.path(OUT, "runs"), showWarnings = FALSE)
logf <- file.path(OUT, sprintf("log_%d_%d.txt", seeds[1], tail(seeds, 1)))
cat("", file = logf)
LOG <- function(...) cat(paste0(..., "\n"), file = logf, append = TRUE)
STATS <- new.env(); STATS$cases <- 0; STATS$rows <- 0; STATS$nums <- 0; STATS$bad <- 0
STATS$kinds <- character()

REL <- 1e-6; ABS <- 1e-9

## ------------------------------------------------------------------ generator
fmtw <- function(w, mode) {
    if (mode == "exp") sprintf("%.6e", w) else as.character(w)
}
gen <- function(seed) {
    set.seed(seed)
    has_strata <- runif(1) < 0.75
    has_psu <- runif(1) < 0.7
    H <- if (has_strata) sample(1:5, 1) else 1
    lam <- sample(c(1, 3, 6, 12), 1)
    snames <- if (runif(1) < 0.5) as.character(sample(c(1:9, 10, 20, 33), H)) else
        sample(c("N", "S", "E", "W", "Mid", "zz"), H)
    idscheme <- sample(c("rep", "uniq", "text"), 1)
    st <- integer(); ps <- integer(); k_h <- integer(); m_h <- integer()
    gid <- 0
    for (h in 1:H) {
        if (has_psu) {
            k <- if (H > 1 && runif(1) < 0.25) 1 else sample(2:6, 1)
            k_h[h] <- k
            for (i in 1:k) {
                m <- 1 + rpois(1, lam)
                st <- c(st, rep(h, m)); ps <- c(ps, rep(i, m))
            }
        } else {
            m <- if (H > 1 && runif(1) < 0.15) 1 else 2 + rpois(1, lam * 3)
            st <- c(st, rep(h, m)); ps <- c(ps, rep(NA, m))
            k_h[h] <- m
        }
    }
    n <- length(st)
    df <- data.frame(id = seq_len(n))
    if (has_strata) df$st <- snames[st]
    if (has_psu) {
        df$psu <- switch(idscheme, rep = ps, uniq = ps + 100 * st,
                         text = paste0("P", ps + 10 * st))
    }
    # fpc
    fpcmode <- sample(c("none", "count", "frac"), 1, prob = c(0.4, 0.3, 0.3))
    if (fpcmode == "count") {
        Nh <- k_h + sample(c(0, 1:60), H, replace = TRUE, prob = c(0.12, rep(0.88 / 60, 60)))
        if (all(Nh <= 1)) Nh <- Nh + 5
        df$fpc <- Nh[st]
    } else if (fpcmode == "frac") {
        fh <- round(ifelse(runif(H) < 0.1, 1, runif(H, 0.02, 0.9)), 4)
        df$fpc <- fh[st]
    }
    # weights
    wmode <- sample(c("none", "plain", "plain", "exp", "int"), 1)
    psu_eff <- rnorm(max(1, gid + 1000))
    uk <- paste(st, ps)
    ue <- rnorm(length(unique(uk)), 0, 0.7)[match(uk, unique(uk))]
    if (wmode != "none") {
        w <- exp(rnorm(n, 0, 0.6)) * c(1, 2.5, 0.7, 4, 1.3)[st]
        w <- if (wmode == "int") pmax(1, round(w * 3)) else round(w, sample(c(2, 4, 6), 1))
        if (runif(1) < 0.6) w[runif(n) < sample(c(0.02, 0.1), 1)] <- 0
        if (runif(1) < 0.2 && has_psu) w[uk == sample(uk, 1)] <- 0   # a zero-weight PSU
        if (sum(w) == 0) w[1] <- 1
        df$w <- fmtw(w, wmode)
    } else w <- rep(1, n)
    # questions
    q1lv <- sample(list(c("1", "2"), c("1", "2", "3"), c("1", "2", "10"), c("0", "1", "2", "3")), 1)[[1]]
    pr <- runif(length(q1lv)); pr[sample(length(pr), 1)] <- 0.03; pr <- pr / sum(pr)
    q1 <- vapply(seq_len(n), function(i) {
        pp <- pr * exp(ue[i] * seq_along(pr) / 3); sample(q1lv, 1, prob = pp)
    }, "")
    q1[runif(n) < sample(c(0, 0.05, 0.2), 1)] <- NA
    df$q1 <- q1
    q2lv <- if (runif(1) < 0.1) "only" else sample(list(c("yes", "no"), c("a", "b b", "c,d", "Z")), 1)[[1]]
    q2 <- sample(q2lv, n, replace = TRUE)
    q2[runif(n) < 0.1] <- NA
    df$q2 <- q2
    for (cc in c("m_a", "m_b", "m_c")) {
        v <- as.numeric(runif(n) < plogis(rnorm(1) + ue))
        if (runif(1) < 0.1) v[] <- sample(0:1, 1)
        v[runif(n) < 0.07] <- NA
        df[[cc]] <- v
    }
    codes <- c("1", "2", "3", "10")
    df$codes <- vapply(seq_len(n), function(i) {
        has <- codes[runif(4) < c(0.4, 0.2, 0.3, 0.05)]
        if (!length(has)) has <- sample(codes[1:3], 1)
        if (runif(1) < 0.05) has <- c(has, has[1])
        paste(sample(has), collapse = sample(c(";", ","), 1))
    }, "")
    df$codes[runif(n) < 0.08] <- NA
    # segment columns
    glv <- if (runif(1) < 0.5) c("A", "B", "C") else c("1", "2", "3")
    g <- sample(glv, n, replace = TRUE, prob = c(0.5, 0.3, 0.2))
    tiny <- sample(n, sample(1:2, 1))
    g[tiny] <- if (glv[1] == "A") "T" else "9"
    if (runif(1) < 0.3) g[sample(n, max(1, n %/% 20))] <- NA
    df$g <- g
    df$spend <- sample(1:3, n, replace = TRUE)
    df$x <- round(rnorm(n), 2); df$x[runif(n) < 0.05] <- NA
    df$tid <- NA; df$tid[sample(n, sample(1:2, 1))] <- 1
    zr <- which(w == 0)
    df$zf <- NA; if (length(zr) && wmode != "none") df$zf[zr[seq_len(min(3, length(zr)))]] <- 1
    df$ue_ <- ue  # (the PSU effect, for the score columns; dropped before writing)
    if (runif(1) < 0.5) df <- df[sample(n), ]
    lonely <- any(k_h == 1)
    list(df = df, has_strata = has_strata, has_psu = has_psu, fpcmode = fpcmode,
         wmode = wmode, lonely = lonely, H = H)
}

## ------------------------------------------------------------------ R side helpers
s_cmp <- function(dat, name, col, op, value) {
    r <- do.call(op, list(dat$num[[col]], value))
    segs <- list(list(name = name, rows = !is.na(r) & r))
    attr(segs, "flags") <- c("--segment", paste0(name, "=", col, ":", op, value)); segs
}
seg_list <- function(dat, groups) {
    segs <- c(list(list(name = "all", rows = rep(TRUE, nrow(dat$num)))),
              do.call(c, lapply(groups, unclass)))
    attr(segs, "flags") <- unlist(lapply(groups, attr, "flags")); segs
}
make_design <- function(dat, spec) {
    ids <- if (is.null(spec$psu)) ~1 else as.formula(paste("~", spec$psu))
    strata <- if (is.null(spec$strata)) NULL else as.formula(paste("~", spec$strata))
    fpc <- if (is.null(spec$fpc)) NULL else as.formula(paste("~", spec$fpc))
    weights <- if (is.null(spec$weight)) NULL else as.formula(paste("~", spec$weight))
    # (without weights R derives them from an fpc, N_h / n_h; shopstat does the same)
    svydesign(ids = ids, strata = strata, fpc = fpc, weights = weights, data = dat$num, nest = TRUE)
}
# (design_flags: helpers.R)
ci_r <- c(logit = "logit", xlogit = "xlogit", wald = "mean", asin = "asin", beta = "beta",
          likelihood = "likelihood")
ci_canon <- c(logit = "logit", xlogit = "xlogit", wald = "wald", mean = "wald", asin = "asin",
              beta = "beta", exact = "beta", "korn-graubard" = "beta", likelihood = "likelihood",
              wilson = "wilson")

## ------------------------------------------------------------------ run shopstat
run_sh <- function(tag, args) {
    base <- file.path(OUT, "runs", tag)
    cmd <- paste(shQuote(SH), paste(shQuote(c(args, "--format", "csv")), collapse = " "))
    writeLines(paste("cd", shQuote(OUT), "&&", cmd), paste0(base, ".cmd"))
    t0 <- Sys.time()
    rc <- suppressWarnings(system(paste("cd", shQuote(OUT), "&& timeout 60", cmd, ">", shQuote(paste0(base, ".out")),
                                        "2>", shQuote(paste0(base, ".err")))))
    el <- as.numeric(Sys.time() - t0, units = "secs")
    err <- paste(readLines(paste0(base, ".err"), warn = FALSE), collapse = "\n")
    out <- if (rc == 0) tryCatch(read.csv(paste0(base, ".out"), colClasses = "character", na.strings = NULL,
                                          check.names = FALSE), error = function(e) NULL) else NULL
    if (rc == 124) LOG(tag, "|HANG|timeout 60s|", cmd)
    if (el > 10) LOG(tag, "|SLOW|", el)
    list(rc = rc, err = err, out = out, cmd = paste("cd", shQuote(OUT), "&&", cmd))
}

## ------------------------------------------------------------------ comparison
bad <- function(tag, key, col, got, want, note = "") {
    STATS$bad <- STATS$bad + 1
    LOG(tag, "|DIFF|", key, "|", col, "|shopstat=", got, "|R=", format(want, digits = 17), "|", note)
}
cmp_num <- function(tag, key, col, got, want, rel = REL, note = "") {
    STATS$nums <- STATS$nums + 1
    if (is.null(want) || length(want) == 0) want <- NA
    if (is.na(want) || is.nan(want)) {
        if (!identical(got, "")) bad(tag, key, col, got, want, paste("expected empty", note))
        return(invisible())
    }
    g <- suppressWarnings(as.numeric(got))
    if (is.na(g)) { bad(tag, key, col, got, want, note); return(invisible()) }
    if (is.infinite(want) || is.infinite(g)) { if (g != want) bad(tag, key, col, got, want, note); return(invisible()) }
    if (abs(g - want) > max(rel * abs(want), ABS)) bad(tag, key, col, got, want, sprintf("%s rel=%.3g", note, abs(g - want) / max(abs(want), 1e-300)))
}
cmp_int <- function(tag, key, col, got, want) {
    STATS$nums <- STATS$nums + 1
    if (is.na(want)) { if (got != "") bad(tag, key, col, got, want, "expected empty"); return() }
    if (!identical(got, sprintf("%d", as.integer(want)))) bad(tag, key, col, got, want)
}

## ------------------------------------------------------------------ tab
# Returns list(rows = expected data frame (numbers, NA = empty), badsegs = segments with df<=0 & 0<p<1,
#              rerr = R error message if any domain errored)
# des, w: a replicate design (ext.R) and its full-sample weights, instead of spec's design
tab_expect <- function(dat, spec, questions, segs, ci, level, inbase, des = NULL, w = NULL) {
    old <- options(survey.lonely.psu = if (is.null(spec$lonely)) "fail" else spec$lonely)
    on.exit(options(old))
    rep <- inherits(des, "svyrep.design")
    if (is.null(des)) des <- make_design(dat, spec)
    if (is.null(w)) w <- if (is.null(spec$weight)) weights(des) else dat$num[[spec$weight]]
    rows <- list(); badsegs <- character(); rerr <- NULL
    alpha <- 1 - level
    # a domain of df 0 keeps its row (R's p, SE, deff; df 0, no interval: R's NaN) while the
    # base's df is above 0; at a base of df 0 shopstat stops (docs/methods.md)
    wholedf <- tryCatch(degf(des[inbase, ]), error = function(e) NA)
    for (q in questions) for (l in q$levels) for (s in segs) {
        d <- s$rows & q$answered & inbase
        y <- q$y(l); y[is.na(y)] <- 0
        des$variables$yy <- y
        W <- sum(w * d)
        r <- list(variable = q$name, level = l, segment = s$name, base_n = sum(d), base_weight = W,
                  count = sum(d & y == 1), proportion = NA, se = NA, ci_lower = NA, ci_upper = NA,
                  df = NA, deff = NA, eff_base = if (W > 0) W^2 / sum(w^2 * d) else NA, note = "")
        if (sum(d) == 0) { r$base_weight <- 0; rows[[length(rows) + 1]] <- r; next }
        sub <- des[d, ]
        r$df <- degf(sub)
        if (W == 0) { r$note <- "W0"; rows[[length(rows) + 1]] <- r; next }
        m <- tryCatch(svymean(~yy, sub, deff = "replace"), error = function(e) e)
        if (inherits(m, "error")) { rerr <- conditionMessage(m); r$note <- "Rerror"; rows[[length(rows) + 1]] <- r; next }
        p <- coef(m)[[1]]; se <- SE(m)[[1]]
        r$proportion <- p; r$se <- se; r$deff <- deff(m)[[1]]
        sy <- sum(w * d * y); sn <- sum(w * d * (1 - y))
        if (sy == 0 || sn == 0) {
            # documented fallback: Clopper-Pearson with n = eff_base
            ne <- r$eff_base; x <- ne * (sy > 0)
            # (SE 0, but R's NaN where it stands: a domain within lonely strata only under
            # average, whose variance R leaves undefined, shopstat too)
            r$proportion <- if (sy == 0) 0 else 1; r$se <- if (is.nan(se)) NA else 0
            r$ci_lower <- if (x == 0) 0 else qbeta(alpha / 2, x, ne - x + 1)
            r$ci_upper <- if (x == ne) 1 else qbeta(1 - alpha / 2, x + 1, ne - x)
            r$deff <- NA; r$note <- "fallback"
            rows[[length(rows) + 1]] <- r; next
        }
        if (r$df <= 0) { if (!isTRUE(wholedf > 0)) badsegs <- c(badsegs, s$name); r$note <- "df0"; rows[[length(rows) + 1]] <- r; next }
        t <- qt(1 - alpha / 2, r$df)
        if (is.finite(se) && se < 1e-12) {
            # V = 0 with 0 < p < 1: every method's limit [p, p] (methods.md; R's beta gives
            # [0.5, 0.5], its likelihood stops)
            r$ci_lower <- r$ci_upper <- p; r$note <- "se0-ci"
        } else if (ci == "wilson") {
            nn <- p * (1 - p) / se^2
            r$ci_lower <- (p + t^2 / (2 * nn) - t * sqrt(p * (1 - p) / nn + t^2 / (4 * nn^2))) / (1 + t^2 / nn)
            r$ci_upper <- (p + t^2 / (2 * nn) + t * sqrt(p * (1 - p) / nn + t^2 / (4 * nn^2))) / (1 + t^2 / nn)
            r$note <- "wilson-formula"
        } else if (ci == "asin" && {h <- t * se / (2 * sqrt(p * (1 - p)));
                                    asin(sqrt(p)) - h < 0 || asin(sqrt(p)) + h > pi / 2}) {
            r$ci_lower <- sin(max(asin(sqrt(p)) - h, 0))^2
            r$ci_upper <- sin(min(asin(sqrt(p)) + h, pi / 2))^2
            r$note <- "asin-clipped"
        } else {
            cp <- tryCatch(suppressWarnings(svyciprop(~yy, sub, method = ci_r[[ci]], level = level)),
                           error = function(e) e)
            # (R's likelihood spline stops where the interval is narrow or wide: "need at
            # least two non-NA values to interpolate", "'from' must be a finite number";
            # the equation's exact root below is what shopstat gives, and is checked)
            # (likewise R's svyglm on a replicate design, for logit: "NAs in V(mu)" where a
            # replicate leaves the domain empty; methods.md's formula below is checked)
            if (inherits(cp, "error") && (ci == "likelihood" || (ci == "logit" && rep)))
                cp <- structure(NA, ci = c(NA_real_, NA_real_), rerr = conditionMessage(cp))
            if (inherits(cp, "error")) {
                r$note <- paste("svyciprop error:", conditionMessage(cp))
            } else {
                lim <- as.vector(attr(cp, "ci"))
                if (ci == "beta" && any(!is.finite(lim)) && se > 0) {
                    # (R's qbeta gives NaN for shapes past about 10^15: an effective base of
                    # 10^20 with weights from 1e-6 to 1e6, ext4.R; methods.md: the normal
                    # quantile there, its skewness term below 1e-9 of sd)
                    rr <- (qt(alpha / 2, nrow(sub) - 1) / qt(alpha / 2, r$df))^2
                    nn <- p * (1 - p) / se^2 * rr
                    nb <- function(P, A, B) { N <- A + B; A / N + qnorm(P) * sqrt(A / N * (B / N) / (N + 1)) }
                    lim <- c(nb(alpha / 2, nn * p, nn * (1 - p) + 1), nb(1 - alpha / 2, nn * p + 1, nn * (1 - p)))
                    r$note <- "beta-normal"
                }
                r$ci_lower <- lim[1]; r$ci_upper <- lim[2]
                if (ci == "logit" && rep) {
                    if (!is.null(attr(cp, "rerr"))) r$note <- "logit-rep-R-error"
                    # methods.md: expit(logit p +- t sqrt(V_logit)), V_logit the replicate
                    # variance of logit(p_r) (R: svyglm per replicate); a replicate's p_r of 0
                    # or 1 makes it infinite, the interval [0, 1] (R: no convergence)
                    RW <- weights(sub, "analysis")
                    pr <- colSums(RW * sub$variables$yy) / colSums(RW)
                    if (any(pr[is.finite(pr)] %in% c(0, 1))) {
                        cf <- c(0, 1); r$note <- "logit-rep-inf"
                    } else {
                        vl <- survey:::svrVar(qlogis(pr), sub$scale, sub$rscales, mse = sub$mse, coef = qlogis(p))
                        cf <- plogis(qlogis(p) + c(-1, 1) * t * sqrt(as.numeric(vl)))
                    }
                    if (any(!is.finite(lim)) || any(abs(cf - lim) > 1e-6 * abs(cf))) {
                        if (all(is.finite(lim))) LOG("LOGITREP|", q$name, "/", l, "/", s$name, "|R=", paste(lim, collapse = ","), "|formula=", paste(cf, collapse = ","))
                        r$ci_lower <- cf[1]; r$ci_upper <- cf[2]; if (r$note == "") r$note <- "logit-rep-formula"
                    }
                } else if (ci == "logit") {
                    cf <- plogis(qlogis(p) + c(-1, 1) * t * se / (p * (1 - p)))
                    if (any(!is.finite(lim)) || any(abs(cf - lim) > 1e-6 * abs(cf))) {
                        r$ci_lower <- cf[1]; r$ci_upper <- cf[2]; r$note <- "logit-R-failed-closedform"
                    }
                } else if (ci == "xlogit" && any(!is.finite(lim))) {
                    # (R's xlogit takes expit(x) = exp(x) / (1 + exp(x)): Inf / Inf = NaN for
                    # a limit past logit 709, where a p near 0 or 1 has a large SE (s41,
                    # ext5's bootstrap, p 0.9996 with SE 0.26: logit 7.9 + 2234); methods.md's
                    # expit is 1 there, plogis's too)
                    r$ci_lower <- plogis(qlogis(p) - t * se / (p * (1 - p)))
                    r$ci_upper <- plogis(qlogis(p) + t * se / (p * (1 - p)))
                    r$note <- "xlogit-R-overflow"
                }
                if (ci == "likelihood") {
                    # R's spline must be within 2e-3 of the documented equation's exact root;
                    # shopstat is compared with the exact root (methods.md) at 1e-6.
                    npos <- sum(d & w > 0); phi <- npos / (npos - 1); qq <- 1 - p
                    rhs <- phi * t^2 * se^2 / (2 * p * qq)
                    fb <- function(b) p * (log(p) - plogis(b, log.p = TRUE)) + qq * (log(qq) - plogis(-b, log.p = TRUE)) - rhs
                    b0 <- qlogis(p)
                    # (a root beyond b0 -+ 1000, logit -1000: the limit is 0 or 1 in doubles)
                    ex <- if (se < 1e-12) c(p, p) else tryCatch(c(
                        if (fb(b0 - 1000) < 0) 0 else plogis(uniroot(fb, c(b0 - 1000, b0), tol = 1e-13)$root),
                        if (fb(b0 + 1000) < 0) 1 else plogis(uniroot(fb, c(b0, b0 + 1000), tol = 1e-13)$root)),
                        error = function(e) NULL)
                    if (!is.null(ex)) {
                        if (any(is.na(lim)) || any(abs(ex - lim) > 2e-3 * abs(ex))) LOG("LIKSPLINE|", q$name, "/", l, "/", s$name, "|R=", paste(lim, collapse = ","), "|eq=", paste(ex, collapse = ","))
                        r$ci_lower <- ex[1]; r$ci_upper <- ex[2]
                        r$note <- if (is.null(attr(cp, "rerr"))) "lik-exact" else "lik-exact-R-error"
                    } else r$note <- "lik-spline"
                }
            }
        }
        rows[[length(rows) + 1]] <- r
    }
    list(rows = rows, badsegs = unique(badsegs), rerr = rerr)
}

compare_tab <- function(tag, out, exp) {
    STATS$cases <- STATS$cases + 1
    okeys <- paste(out$variable, out$level, out$segment, sep = "/")
    ekeys <- vapply(exp, function(e) paste(e$variable, e$level, e$segment, sep = "/"), "")
    miss <- setdiff(ekeys, okeys); extra <- setdiff(okeys, ekeys)
    if (length(miss)) LOG(tag, "|MISSINGROWS|", length(miss), "|", paste(head(miss, 8), collapse = " ; "))
    if (length(extra)) { LOG(tag, "|EXTRAROWS|", paste(head(extra, 8), collapse = " ; ")); STATS$bad <- STATS$bad + 1 }
    if (!identical(okeys[okeys %in% ekeys], ekeys[ekeys %in% okeys])) { LOG(tag, "|ORDER|"); STATS$bad <- STATS$bad + 1 }
    for (i in seq_along(exp)) {
        e <- exp[[i]]
        key <- ekeys[i]
        j <- match(key, okeys); if (is.na(j)) next
        o <- out[j, ]
        STATS$rows <- STATS$rows + 1
        STATS$kinds <- c(STATS$kinds, e$note)
        cmp_int(tag, key, "base_n", o$base_n, e$base_n)
        cmp_int(tag, key, "count", o$count, e$count)
        cmp_num(tag, key, "base_weight", o$base_weight, e$base_weight)
        if (e$note == "Rerror") { LOG(tag, "|NOTE|", key, "|R error but shopstat ran"); next }
        cmp_num(tag, key, "proportion", o$proportion, e$proportion, note = e$note)
        cmp_num(tag, key, "se", o$se, e$se, note = e$note)
        # (df 0: no interval, both empty)
        rel <- if (e$note == "lik-spline") 2e-3 else REL
        cmp_num(tag, key, "ci_lower", o$ci_lower, e$ci_lower, rel = rel, note = e$note)
        cmp_num(tag, key, "ci_upper", o$ci_upper, e$ci_upper, rel = rel, note = e$note)
        cmp_int(tag, key, "df", o$df, e$df)
        # (deff divides by p (1 - p): at p within 1e-11 of 1 (or 0), weights from 1e-6 to 1e6,
        # 1 - p holds eps / (1 - p) of round-off in shopstat, whose pass keeps no sum of the
        # other levels (ext4.R seed 28, JK2: 1.1e-5 at 1 - p = 4.5e-12)
        pq <- if (is.finite(e$proportion)) min(e$proportion, 1 - e$proportion) else 1
        cmp_num(tag, key, "deff", o$deff, e$deff, rel = max(REL, 4e-16 / max(pq, 1e-300)), note = e$note)
        if (e$note == "W0" && o$eff_base == "0") next  # 0/0: shopstat prints 0 (noted once in report)
        cmp_num(tag, key, "eff_base", o$eff_base, e$eff_base, note = e$note)
    }
}

## ------------------------------------------------------------------ compare
# des, rep: a replicate design (ext.R), whose differences are re-estimated per replicate
compare_expect <- function(dat, spec, questions, segs, pairs, adjust, level, inbase, des = NULL, rep = FALSE) {
    byname <- setNames(lapply(segs, `[[`, "rows"), vapply(segs, `[[`, "", "name"))
    old <- options(survey.lonely.psu = if (is.null(spec$lonely)) "fail" else spec$lonely)
    on.exit(options(old))
    if (is.null(des)) des <- make_design(dat, spec)
    # R's compare under --base is subset(design, base) throughout: the df, and the strata
    # its lonely-PSU rules see (those holding base rows: fail, average's H')
    dfree <- degf(des[inbase, ])
    tq <- qt(1 - (1 - level) / 2, dfree)
    out <- list()
    for (q in questions) for (pr in pairs) {
        ab <- strsplit(pr, ":", fixed = TRUE)[[1]]
        ra <- byname[[ab[1]]]; rb <- if (ab[2] == "rest") !ra else byname[[ab[2]]]
        ra <- ra & inbase; rb <- rb & inbase
        fam <- list()
        for (l in q$levels) {
            y <- q$y(l); y[is.na(y)] <- 0
            a <- as.numeric(ra & q$answered); b <- as.numeric(rb & q$answered)
            des$variables$ya <- y * a; des$variables$na <- a
            des$variables$yb <- y * b; des$variables$nb <- b
            tot <- suppressWarnings(svytotal(~ya + na + yb + nb, des[inbase, ], return.replicates = rep))
            est <- coef(tot)
            # (a side without weight, say no row of the rest answering: R's replicate
            # contrast stops, "All replicates contained NAs"; methods.md: the row is empty)
            con <- if (est[["na"]] > 0 && est[["nb"]] > 0) suppressWarnings(svycontrast(tot, quote(ya / na - yb / nb))) else NULL
            diff <- if (is.null(con)) NaN else coef(con)[[1]]
            # (the round-off scale: p (1 - p) of the sides, 1 at most; with weights from 1e-6
            # to 1e6 a level held by the lightest rows has p ~ 1e-8 and a true V of 1e-15,
            # which an absolute 1e-14 called round-off: ext4.R, seed 3, before 2026-12-03)
            vlin <- if (is.null(con) || rep) NULL else stable_diff_v(des, inbase, y, a, b)
            pa <- est[["ya"]] / est[["na"]]; pb <- est[["yb"]] / est[["nb"]]
            pq <- pa * (1 - pa) + pb * (1 - pb)
            se <- if (is.null(con)) NaN else contrast_se(con, tot, des, rep, diff, 1, vlin,
                                                         if (is.finite(pq) && pq > 0) min(1, pq) else 1)
            t <- diff / se
            fam[[length(fam) + 1]] <- data.frame(variable = q$name, level = l, segment_a = ab[1], segment_b = ab[2],
                estimate_a = est[["ya"]] / est[["na"]], estimate_b = est[["yb"]] / est[["nb"]],
                difference = diff, se = se, ci_lower = diff - tq * se, ci_upper = diff + tq * se,
                df = dfree, t = t, p_value = 2 * pt(-abs(t), dfree), stringsAsFactors = FALSE)
        }
        fam <- do.call(rbind, fam)
        # a difference of 0 with SE 0 (the same rows, or both sides at p = 1 or 0): R's t
        # = 0 / round-off gives a p of noise (often 1) that p.adjust counts; methods.md
        # leaves t and p empty and the row out of the family, as p.adjust does with NA
        # (and such a row's difference as the 0 it is, for family_adjust's two-level rule)
        p <- fam$p_value
        zero <- abs(fam$difference) < 1e-12 & fam$se < 1e-12
        p[zero] <- NA
        d0 <- fam$difference; d0[zero] <- 0
        tested <- !is.na(p)
        if (identical(q$flags[1], "--var") && sum(tested) == 2 && isTRUE(all(d0[!tested] == 0)) &&
            abs(p[tested][1] - p[tested][2]) > 1e-9 * max(p[tested])) {
            # (one test twice, each row its own p, as family_adjust gives; R's two p apart by
            # more than its check's 1e-9: their SEs' round-off, ext5.R seeds 24, 25, 28, 37:
            # weights from 1e-6 to 1e6 and t of 1e4 or more)
            STATS$kinds <- c(STATS$kinds, "two-level-p-roundoff")
            fam$p_adjusted <- p
        } else fam$p_adjusted <- family_adjust(q, p, d0, adjust)
        out[[length(out) + 1]] <- fam
    }
    do.call(rbind, out)
}
# A domain mean's SE from its linearised scores z = (s - m) / W summed by svytotal on the
# subset design (Taylor; a replicate design's SE is R's own, its replicates re-estimated):
# the same variance as svymean's, with no cancellation but each row's.
stable_se <- function(sub, keep, s, w) {
    if (inherits(sub, "svyrep.design"))
        return(sqrt(rep_dev_v(sub, rep_rows(sub, keep, keep), rep_rows(sub, keep, s), NULL)))
    # (the subset holds the domain's rows; n_h stays the whole design's)
    sk <- s[keep]; wk <- w[keep]
    m <- sum(wk * sk) / sum(wk)
    z <- (sk - m) / sum(wk)
    # (a calibrated design's subset keeps every row, weighted 0 outside: ext6.R)
    if (nrow(sub$variables) == length(keep) && length(keep) != length(z)) { z0 <- rep(0, length(keep)); z0[keep] <- z; z <- z0 }
    if (length(z) != nrow(sub$variables)) return(0)
    sub$variables$z_ <- z
    SE(svytotal(~z_, sub))[[1]]
}
# A replicate design's variance of a domain mean (b NULL) or of a difference of two, from
# each replicate's deviation m_r - m = sum w_r (s - m) / sum w_r, row by row (exact, and
# with no cancellation but each row's), where R's m_r - m subtracts two means of the size
# of the scale: with weights from 1e-6 to 1e6 a side nearly at one score has a real
# replicate SE of 1e-10 of the scale, which R's own noise threshold took for round-off
# (ext5.R seeds 24, 28, 37: R's svycontrast, the deviations and shopstat agree to 5e-9).
# des: the design (rows dropped by a subset, or a weight 0 over them); a, b: 0/1 or logical.
rep_dev_v <- function(des, a, s, b) {
    W <- weights(des, "analysis"); w <- weights(des, "sampling")
    sv <- s; sv[is.na(sv)] <- 0
    dev <- function(side) {
        side <- as.numeric(side)
        m <- sum(w * side * sv) / sum(w * side)
        colSums(W * (side * (sv - m))) / colSums(W * side)
    }
    th <- if (is.null(b)) dev(a) else dev(a) - dev(b)
    ok <- is.finite(th); rs <- des$rscales
    if (!any(ok)) return(NA)
    cen <- if (isTRUE(des$mse)) 0 else mean(th[ok & rs > 0])
    des$scale * sum(rs[ok] * (th[ok] - cen)^2)
}
# (the rows of des[keep, ]: a replicate subset drops the others, or keeps them at weight 0)
rep_rows <- function(sub, keep, v) if (nrow(weights(sub, "analysis")) == sum(keep)) v[keep] else v
stable_rep_diff_v <- function(des, inbase, y, a, b) {
    sub <- des[inbase, ]
    y <- rep_rows(sub, inbase, y); a <- rep_rows(sub, inbase, a); b <- rep_rows(sub, inbase, b)
    w <- weights(sub, "sampling")
    if (!(sum(w * a) > 0 && sum(w * b) > 0)) return(NULL)
    rep_dev_v(sub, a, y, b)
}
# The variance of a difference of two domain means (proportions: y 0/1) from the
# linearised scores z = a (y - m_a) / W_a - b (y - m_b) / W_b summed by svytotal on the
# subset design: svycontrast's delta method done row by row, so without the cancellation
# of its covariance of totals (with weights from 1e-6 to 1e6 R's SE was 1.26e-8 where this
# gives shopstat's 3.64e-9: ext4.R, seed 58). NULL on a replicate design.
stable_diff_v <- function(des, inbase, y, a, b) {
    if (inherits(des, "svyrep.design")) return(NULL)
    w <- weights(des, "sampling")
    Wa <- sum(w * a * inbase); Wb <- sum(w * b * inbase)
    if (!(Wa > 0 && Wb > 0)) return(NULL)
    ma <- sum(w * a * y * inbase) / Wa; mb <- sum(w * b * y * inbase) / Wb
    des$variables$z_ <- a * (y - ma) / Wa - b * (y - mb) / Wb
    as.numeric(vcov(svytotal(~z_, des[inbase, ])))
}

# The SE of a difference from svycontrast, with two of R's conventions replaced by
# methods.md's: a variance of round-off (|V| below 1e-14 of the scale squared: sides each
# within one PSU, or at p = 0 or 1; R prints 1e-17, or a V below 0 and an SE of NaN) is 0;
# on replicate weights, replicates whose difference is undefined (a side without weight in
# that replicate) are left out, as R's na.omit (R's svycontrast gives NaN).
contrast_se <- function(con, tot, des, rep, diff, scale2, vlin = NULL, pqs = 1) {
    v <- if (is.null(con)) NaN else as.numeric(vcov(con))
    if (!is.null(vlin) && is.finite(vlin)) {
        # (Taylor: the row-by-row linearisation, stable_diff_v; round-off only below 1e-24
        # of the scale, where R's own V is noise of 1e-17)
        if (abs(vlin) < 1e-24 * scale2) { STATS$kinds <- c(STATS$kinds, "cmp-v-roundoff"); return(0) }
        if (is.finite(v) && abs(v - vlin) > 1e-6 * abs(vlin)) STATS$kinds <- c(STATS$kinds, "cmp-v-lin")
        return(sqrt(vlin))
    }
    if (rep && !is.finite(v) && is.finite(diff)) {
        RT <- attr(tot, "replicates")
        th <- RT[, 1] / RT[, 2] - RT[, 3] / RT[, 4]  # (ya / na - yb / nb)
        ok <- is.finite(th)
        if (any(ok)) {
            rs <- des$rscales
            cen <- if (isTRUE(des$mse)) diff else mean(th[ok & rs > 0])
            v <- des$scale * sum(rs[ok] * (th[ok] - cen)^2)
            STATS$kinds <- c(STATS$kinds, "rep-na-omit")
        }
    }
    # (replicates: R's own differences per replicate; round-off below 1e-14 of the scale
    # times the sides' p (1 - p), 1 at most: a level held by rows of weight 1e-6 beside 1e6
    # has p ~ 5e-8 and a true V of 2e-15, which the absolute 1e-14 called round-off; ext4.R
    # seeds 3 and 6, JK2)
    if (is.finite(v) && abs(v) < 1e-14 * scale2 * pqs) { STATS$kinds <- c(STATS$kinds, "cmp-v-roundoff"); return(0) }
    sqrt(v)
}
compare_cmp <- function(tag, out, exp) {
    STATS$cases <- STATS$cases + 1
    okeys <- paste(out$variable, out$level, out$segment_a, out$segment_b, sep = "/")
    ekeys <- paste(exp$variable, exp$level, exp$segment_a, exp$segment_b, sep = "/")
    miss <- setdiff(ekeys, okeys); extra <- setdiff(okeys, ekeys)
    if (length(miss)) LOG(tag, "|MISSINGROWS|", length(miss), "|", paste(head(miss, 8), collapse = " ; "))
    if (length(extra)) { LOG(tag, "|EXTRAROWS|", paste(head(extra, 8), collapse = " ; ")); STATS$bad <- STATS$bad + 1 }
    if (!identical(okeys[okeys %in% ekeys], ekeys[ekeys %in% okeys])) { LOG(tag, "|ORDER|"); STATS$bad <- STATS$bad + 1 }
    for (i in seq_len(nrow(exp))) {
        e <- exp[i, ]; key <- ekeys[i]
        j <- match(key, okeys); if (is.na(j)) next
        o <- out[j, ]
        STATS$rows <- STATS$rows + 1
        degenerate <- !is.finite(e$t) || e$se < 1e-12
        # (an SE is known to the round-off of the means it is built from, some 1e-15 of the
        # scale: where it is 1e-10 of the scale (weights from 1e-6 to 1e6, one side nearly
        # at one score) that is 1e-5 of the SE, and the exact SE (rational arithmetic, ext5.R
        # seed 24) lay 6e-7 from shopstat's and 2e-6 from R's linearised scores; t carries
        # the SE's error, p that times t^2 at most)
        sc <- if (is.null(e$scale)) 1 else e$scale
        rse <- if (is.finite(e$se) && e$se > 0) max(REL, 1e-15 * sc / e$se) else REL
        if (rse > REL) STATS$kinds <- c(STATS$kinds, "cmp-se-floor")
        for (cc in c("estimate_a", "estimate_b", "difference", "se", "ci_lower", "ci_upper", "t", "p_value", "p_adjusted")) {
            if (degenerate && cc %in% c("t", "p_value", "p_adjusted")) {
                STATS$kinds <- c(STATS$kinds, "cmp-se0")
                LOG(tag, "|NOTE-SE0|", key, "|", cc, "|shopstat=", o[[cc]], "|R=", e[[cc]]); next }
            rel <- switch(cc, se = rse, t = rse, ci_lower = , ci_upper = max(REL, rse * abs(e$se / e[[cc]])),
                          p_value = , p_adjusted = min(1, rse * max(1, e$t^2)), REL)
            if (!is.finite(rel)) rel <- REL
            cmp_num(tag, key, cc, o[[cc]], e[[cc]], rel = rel, note = if (degenerate) "se0" else "")
        }
        cmp_int(tag, key, "df", o$df, e$df)
    }
}

## ------------------------------------------------------------------ chisq
# chisq --var qv --by byv (g) against svychisq(~qq + gg, subset(design, base), statistic = "F");
# extra: more flags (ext2.R: --exclude, --missing; dat then holds the rows R keeps)
chisq_case <- function(tag, dat, spec, qv, base, rel_path, extra = character(), byv = "g") {
    args <- c("chisq", rel_path, design_flags(spec), extra, "--var", qv, "--by", byv, base$flags)
    inbase <- if (is.null(base)) rep(TRUE, nrow(dat$num)) else base$rows
    res <- run_sh(tag, args)
    ex <- tryCatch({
        old <- options(survey.lonely.psu = if (is.null(spec$lonely)) "fail" else spec$lonely)
        on.exit(options(old))
        des <- make_design(dat, spec)
        des$variables$qq <- dat$txt[[qv]]; des$variables$gg <- dat$txt[[byv]]
        if (!is.null(base)) des <- des[base$rows, ]
        r <- suppressWarnings(svychisq(~qq + gg, des, statistic = "F"))
        # rank of R's denominator C' D^+ C (zero cells zeroed): deficient = test undefined
        fsat <- ~interaction(factor(qq), factor(gg)) - 1
        mm <- model.matrix(fsat, model.frame(fsat, des$variables, na.action = na.pass))
        m2 <- coef(svymean(mm, des, na.rm = TRUE))
        nr <- length(unique(na.omit(des$variables$qq))); nc <- length(unique(na.omit(des$variables$gg)))
        mf1 <- expand.grid(rows = 1:nr, cols = 1:nc)
        Cm <- qr.resid(qr(model.matrix(~factor(rows) + factor(cols), mf1)),
                       model.matrix(~factor(rows) * factor(cols), mf1)[, -(1:(nr + nc - 1)), drop = FALSE])
        dn <- t(Cm) %*% diag(ifelse(m2 == 0, 0, 1 / m2), length(m2)) %*% Cm
        attr(r, "rankdef") <- qr(dn)$rank < ncol(dn)
        attr(r, "zerocells") <- sum(m2 == 0)
        attr(r, "degf") <- degf(des)
        options(old)
        r
    }, error = function(e) e)
    LOG(tag, "|RUN|rc=", res$rc)
    if (inherits(ex, "error")) {
        if (res$rc == 0) LOG(tag, "|NOTE-ERR|R error ", conditionMessage(ex), " shopstat rc=0: ", paste(res$out[1, ], collapse = ","))
        else LOG(tag, "|OK-ERR|R: ", conditionMessage(ex), "|shopstat: ", res$err)
        return(invisible())
    }
    if (res$rc != 0) {
        # refusals docs/methods.md documents where R still prints a statistic: a level of
        # q or g without an answered row of positive weight (an empty row or column: R's
        # number mixes two tables), and a table whose contrast system is rank-deficient
        # (R's solve did not notice); each checked here on the data, not on the message
        # alone, so any other refusal stays a FAIL
        W <- if (is.null(spec$weight)) suppressWarnings(weights(make_design(dat, spec))) else dat$num$w
        qx <- dat$txt[[qv]]; gx <- dat$txt[[byv]]
        both <- inbase & !is.na(qx) & !is.na(gx) & W > 0
        empty <- any(!unique(na.omit(gx)) %in% gx[both]) || any(!unique(na.omit(qx)) %in% qx[both])
        info <- paste0("|R stat=", ex$statistic[[1]], "|rankdef=", attr(ex, "rankdef"), "|zerocells=", attr(ex, "zerocells"))
        if (empty && grepl("the test is undefined", res$err, fixed = TRUE))
            LOG(tag, "|REFUSED-EMPTY|", res$err, info)
        else if (isTRUE(attr(ex, "rankdef")) && grepl("too sparse for the test", res$err, fixed = TRUE))
            LOG(tag, "|REFUSED-SINGULAR|", res$err, info)
        else if (isTRUE(attr(ex, "degf") <= 0) && grepl("degrees of freedom are 0", res$err, fixed = TRUE))
            LOG(tag, "|REFUSED-DF0|", res$err, info)  # (R's F on 0 ddf: Inf or NaN)
        else if (!(abs(ex$statistic[[1]]) < 1e10) && grepl("carries no information", res$err, fixed = TRUE))
            LOG(tag, "|REFUSED-NOINFO|", res$err, info)  # (a design of variance 0: R's F = X^2 / 0, or over its round-off)
        else { LOG(tag, "|FAIL|rc=", res$rc, "|", res$err, info); STATS$bad <- STATS$bad + 1 }
        return(invisible())
    }
    STATS$cases <- STATS$cases + 1; STATS$rows <- STATS$rows + 1
    o <- res$out[1, ]
    if (isTRUE(attr(ex, "rankdef"))) { LOG(tag, "|NOTE-SINGULAR|zero cells=", attr(ex, "zerocells"), "|shopstat=", paste(o, collapse = ","), "|R=", ex$statistic[[1]], ",", ex$parameter[[1]], ",", ex$parameter[[2]]); STATS$kinds <- c(STATS$kinds, "chisq-rankdef"); return(invisible()) }
    cmp_num(tag, qv, "statistic", o$statistic, ex$statistic[[1]])
    cmp_num(tag, qv, "ndf", o$ndf, ex$parameter[["ndf"]])
    cmp_num(tag, qv, "ddf", o$ddf, ex$parameter[["ddf"]])
    cmp_num(tag, qv, "p_value", o$p_value, ex$p.value[[1]])
}

## ------------------------------------------------------------------ scores
# Score columns, drawn after gen() from a stream of their own (seed * 13 + 5), so the data
# and commands of tab, compare and chisq stay those of before: r5 a rating (levels 1-5, 1-7,
# 0/1/2.5/4 or -2..2; one level in a tenth of the seeds), n10 a 0-10 recommendation (every
# level or a few), both leaning on the PSU effect, with empty answers and, in half the seeds,
# a "Don't know" code 99 (--missing 99, which no other column then holds).
score_cols <- function(G, seed) {
    set.seed(seed * 13 + 5)
    df <- G$df; ue <- df$ue_; df$ue_ <- NULL; n <- nrow(df)
    draw <- function(lv, k) {
        pr <- runif(length(lv)); if (runif(1) < 0.4) pr[sample(length(pr), 1)] <- 0.02
        vapply(seq_len(n), function(i) sample(lv, 1, prob = pr * exp(ue[i] * seq_along(pr) / k)), "")
    }
    r5lv <- sample(list(as.character(1:5), as.character(1:7), c("0", "1", "2.5", "4"),
                        c("-2", "-1", "0", "1", "2")), 1)[[1]]
    r5 <- draw(r5lv, 2)
    n10lv <- sample(list(as.character(0:10), as.character(0:10), as.character(5:10),
                         c("0", "3", "7", "9", "10")), 1)[[1]]
    n10 <- draw(n10lv, 4)
    if (runif(1) < 0.1) r5[] <- r5[1]  # one level: SE 0
    miss <- runif(1) < 0.5
    if (miss) {
        other <- unlist(lapply(df[setdiff(names(df), "id")], as.character))
        if (any(!is.na(other) & other == "99")) miss <- FALSE
    }
    if (miss) {
        r5[runif(n) < sample(c(0.03, 0.1), 1)] <- "99"
        n10[runif(n) < 0.05] <- "99"
    }
    r5[runif(n) < sample(c(0, 0.05, 0.15), 1)] <- NA
    n10[runif(n) < sample(c(0, 0.1), 1)] <- NA
    df$r5 <- r5; df$n10 <- n10
    list(df = df, miss = miss, r5lv = r5lv, n10lv = n10lv)
}

# A random map V=S / A-B=S over the numeric levels lv (consecutive groups, items shuffled,
# sometimes an item no level takes): list(flag text, function of the level text).
rand_map <- function(lv) {
    lv <- lv[order(as.numeric(lv))]; k <- length(lv)
    cuts <- if (k > 1) sort(sample(seq_len(k - 1), sample(0:min(3, k - 1), 1))) else integer()
    st <- c(1, cuts + 1); en <- c(cuts, k)
    pool <- c(-100, -1.5, 0, 0.25, 2, 3.75, 50, 100, 1000, -0.125, 7)
    sc <- sample(pool, length(st), replace = TRUE)
    lo <- as.numeric(lv[st]); hi <- as.numeric(lv[en])
    items <- ifelse(st == en, lv[st], paste0(lv[st], "-", lv[en]))
    items <- paste0(items, "=", format(sc, scientific = FALSE, trim = TRUE, drop0trailing = TRUE))
    if (runif(1) < 0.3) items <- c(items, "50-60=9")
    f <- function(x) {
        v <- as.numeric(x); out <- rep(NA_real_, length(v))
        for (g in seq_along(st)) out[!is.na(v) & v >= lo[g] & v <= hi[g]] <- sc[g]
        out
    }
    list(text = paste(sample(items), collapse = ","), f = f)
}
sc_nps_f <- function(x) { v <- as.numeric(x); ifelse(v <= 6, -100, ifelse(v <= 8, 0, 100)) }

score_pick <- function(dat, SC) {
    r5m <- rand_map(SC$r5lv); n10m <- rand_map(SC$n10lv)
    cands <- list(list(col = "q1", flag = "q1", name = "mean", f = as.numeric),
                  list(col = "n10", flag = "n10:nps", name = "NPS", f = sc_nps_f),
                  list(col = "n10", flag = "n10", name = "mean", f = as.numeric),
                  list(col = "r5", flag = "r5", name = "mean", f = as.numeric),
                  list(col = "r5", flag = paste0("r5:", r5m$text), name = "score", f = r5m$f),
                  list(col = "n10", flag = paste0("n10:", n10m$text), name = "score", f = n10m$f))
    q2lv <- sort_levels(dat$txt$q2)
    if (identical(q2lv, c("no", "yes")))
        cands <- c(cands, list(list(col = "q2", flag = "q2:yes=100,no=-2.5", name = "score",
                                    f = function(x) c(yes = 100, no = -2.5)[x])))
    if (identical(q2lv, "only"))
        cands <- c(cands, list(list(col = "q2", flag = "q2:only=3", name = "score",
                                    f = function(x) ifelse(x == "only", 3, NA))))
    pick <- cands[sort(sample(length(cands), sample(1:3, 1)))]
    # (shopstat prints a question's scores together, in the order its first is declared)
    col <- vapply(pick, `[[`, "", "col")
    pick[order(match(col, unique(col)))]
}
score_values <- function(dat, sc, miss) {
    x <- dat$txt[[sc$col]]
    if (miss) x[x %in% "99"] <- NA
    unname(as.numeric(sc$f(x)))
}

# R's score per segment: svymean(~s, subset(design, segment & base & !is.na(s)), deff =
# "replace"), confint(..., df = degf(subset)). Where every row of positive weight has one
# score R's SE is 0 or noise: methods.md says SE 0, interval [m, m], no deff.
score_expect <- function(dat, des, w, scores, segs, inbase, level, miss) {
    rows <- list(); badsegs <- character(); noisesegs <- character(); rerr <- NULL
    # (as tab_expect: a domain of df 0 keeps its row without an interval while the base's
    # df is above 0; at a base of df 0 shopstat stops)
    wholedf <- tryCatch(degf(des[inbase, ]), error = function(e) NA)
    for (sc in scores) {
        s <- score_values(dat, sc, miss)
        # (0 where not answered: a calibrated design's subset keeps those rows, weighted 0,
        # and an NA there would make R's mean NA; ext6.R)
        des$variables$s_ <- ifelse(is.na(s), 0, s)
        for (sg in segs) {
            keep <- sg$rows & inbase & !is.na(s)
            W <- sum(w[keep])
            r <- list(variable = sc$col, score = sc$name, segment = sg$name, base_n = sum(keep),
                      base_weight = W, estimate = NA, se = NA, ci_lower = NA, ci_upper = NA,
                      df = NA, deff = NA, eff_base = if (W > 0) W^2 / sum(w[keep]^2) else NA,
                      note = "")
            if (!any(keep)) { r$note <- "empty"; rows[[length(rows) + 1]] <- r; next }
            sub <- des[keep, ]
            r$df <- degf(sub)
            if (W == 0) { r$note <- "W0"; rows[[length(rows) + 1]] <- r; next }
            m <- tryCatch(suppressWarnings(svymean(~s_, sub, deff = "replace")), error = function(e) e)
            if (inherits(m, "error")) { rerr <- conditionMessage(m); r$note <- "Rerror"; rows[[length(rows) + 1]] <- r; next }
            r$estimate <- coef(m)[[1]]; r$se <- SE(m)[[1]]; r$deff <- deff(m)[[1]]
            if (length(unique(s[keep & w > 0])) == 1) {
                r$note <- "se0"; r$se <- 0; r$deff <- NA
                r$ci_lower <- r$ci_upper <- r$estimate
                # (one row of positive weight at df 0: no interval, methods.md's "of two
                # or more"; ext6.R's one-row segment)
                if (sum(keep & w > 0) == 1 && !(r$df > 0)) { r$note <- "se0-onerow-df0"; r$ci_lower <- r$ci_upper <- NA }
            } else if (isTRUE(r$se <= 1e-9 * max(abs(s), na.rm = TRUE)) &&
                       stable_se(sub, keep, s, w) <= 1e-12 * max(abs(s), na.rm = TRUE)) {
                # (Taylor: the SE again from the domain's linearised scores, (s - m) / W row by
                # row, whose round-off is some 1e-16 of the scores: with weights from 1e-6 to
                # 1e6 an SE of 7e-10 of the scale is real, and R's agrees; ext4.R seed 37)
                # R's SE is round-off (a domain in one PSU, certainty strata): 0, [m, m]
                r$note <- "se0-noise"; r$se <- 0; r$deff <- 0
                r$ci_lower <- r$ci_upper <- r$estimate
                # at df 0 R's interval is NaN: shopstat, whose variance is round-off too,
                # may refuse as tab does (df 0 with a variance above 0) or give [m, m]
                if (!(r$df > 0)) {
                    if (isTRUE(wholedf > 0)) { r$note <- "se0-noise-df0"; r$ci_lower <- r$ci_upper <- NA }
                    else noisesegs <- c(noisesegs, sg$name)
                }
            } else if (!(r$df > 0)) {
                if (!isTRUE(wholedf > 0)) badsegs <- c(badsegs, sg$name)
                r$note <- "df0"
            } else {
                ci <- confint(m, df = r$df, level = level)
                r$ci_lower <- ci[1, 1]; r$ci_upper <- ci[1, 2]
            }
            rows[[length(rows) + 1]] <- r
        }
    }
    list(rows = rows, badsegs = unique(badsegs), noisesegs = unique(noisesegs), rerr = rerr)
}
score_cmp_rows <- function(tag, out, exp) {
    STATS$cases <- STATS$cases + 1
    okeys <- paste(out$variable, out$score, out$segment, sep = "/")
    ekeys <- vapply(exp, function(e) paste(e$variable, e$score, e$segment, sep = "/"), "")
    miss <- setdiff(ekeys, okeys); extra <- setdiff(okeys, ekeys)
    if (length(miss)) { LOG(tag, "|MISSINGROWS|", length(miss), "|", paste(head(miss, 8), collapse = " ; ")); STATS$bad <- STATS$bad + 1 }
    if (length(extra)) { LOG(tag, "|EXTRAROWS|", paste(head(extra, 8), collapse = " ; ")); STATS$bad <- STATS$bad + 1 }
    if (!identical(okeys[okeys %in% ekeys], ekeys[ekeys %in% okeys])) { LOG(tag, "|ORDER|"); STATS$bad <- STATS$bad + 1 }
    for (i in seq_along(exp)) {
        e <- exp[[i]]; key <- ekeys[i]
        j <- match(key, okeys); if (is.na(j)) next
        o <- out[j, ]
        STATS$rows <- STATS$rows + 1
        STATS$kinds <- c(STATS$kinds, paste0("score-", if (e$note == "") "ok" else e$note))
        cmp_int(tag, key, "base_n", o$base_n, e$base_n)
        cmp_num(tag, key, "base_weight", o$base_weight, e$base_weight)
        if (e$note == "Rerror") { LOG(tag, "|NOTE|", key, "|R error but shopstat ran"); next }
        if (e$note == "empty") {
            if (o$df != "") LOG(tag, "|NOTE|", key, "|empty base, df=", o$df)
        } else cmp_int(tag, key, "df", o$df, e$df)
        for (cc in c("estimate", "se", "deff", "eff_base")) cmp_num(tag, key, cc, o[[cc]], e[[cc]], note = e$note)
        for (cc in c("ci_lower", "ci_upper")) cmp_num(tag, key, cc, o[[cc]], e[[cc]], note = e$note)  # (df 0: empty)
    }
}

# compare --score: m_A - m_B by svycontrast of svytotal (ya = s a), on subset(design, base);
# replicate designs re-estimate it per replicate (return.replicates).
score_diff_expect <- function(dat, des, scores, segs, pairs, level, inbase, miss, rep) {
    byname <- setNames(lapply(segs, `[[`, "rows"), vapply(segs, `[[`, "", "name"))
    dfree <- degf(des[inbase, ])
    tq <- qt(1 - (1 - level) / 2, dfree)
    out <- list()
    for (sc in scores) for (pr in pairs) {
        s <- score_values(dat, sc, miss)
        ab <- strsplit(pr, ":", fixed = TRUE)[[1]]
        ra <- byname[[ab[1]]]; rb <- if (ab[2] == "rest") !ra else byname[[ab[2]]]
        a <- as.numeric(ra & inbase & !is.na(s)); b <- as.numeric(rb & inbase & !is.na(s))
        y <- s; y[is.na(y)] <- 0
        des$variables$ya <- y * a; des$variables$na <- a
        des$variables$yb <- y * b; des$variables$nb <- b
        tot <- suppressWarnings(svytotal(~ya + na + yb + nb, des[inbase, ], return.replicates = rep))
        est <- coef(tot)
        # (a side with no row: R's replicate contrast stops, "All replicates contained NAs")
        con <- tryCatch(suppressWarnings(svycontrast(tot, quote(ya / na - yb / nb))), error = function(e) NULL)
        diff <- if (is.null(con)) est[["ya"]] / est[["na"]] - est[["yb"]] / est[["nb"]] else coef(con)[[1]]
        vlin <- if (is.null(con)) NULL else if (rep) stable_rep_diff_v(des, inbase, y, a, b) else stable_diff_v(des, inbase, y, a, b)
        se <- contrast_se(con, tot, des, rep, diff, max(s^2, 1, na.rm = TRUE), vlin)
        t <- diff / se
        # each side at one score (rows of positive weight): R's SE is round-off (1e-8 after
        # its square root, or NaN); methods.md: 0, the interval [d, d]
        wr <- weights(des, "sampling") > 0
        if (length(unique(s[a > 0 & wr])) <= 1 && length(unique(s[b > 0 & wr])) <= 1 &&
            is.finite(diff)) { se <- 0; t <- NaN }
        p <- 2 * pt(-abs(t), dfree)
        out[[length(out) + 1]] <- data.frame(variable = sc$col, level = sc$name, segment_a = ab[1],
            segment_b = ab[2], estimate_a = est[["ya"]] / est[["na"]], estimate_b = est[["yb"]] / est[["nb"]],
            difference = diff, se = se, ci_lower = diff - tq * se, ci_upper = diff + tq * se,
            df = dfree, t = t, p_value = p, p_adjusted = p, scale = max(abs(s), 1, na.rm = TRUE),
            stringsAsFactors = FALSE)
    }
    do.call(rbind, out)
}

# Replicate weights made from the seed's design: clusters (PSUs, or rows of an element
# design) in at most 40 groups, declared brr (random half-samples, 2w or 0), jk1 (delete a
# group) or bootstrap (multinomial counts), --mse in a third of the seeds.
rep_make <- function(dat, spec, seed) {
    set.seed(seed * 19 + 7)
    old <- options(survey.lonely.psu = "adjust"); on.exit(options(old))
    w <- suppressWarnings(weights(make_design(dat, spec)))
    n <- nrow(dat$num)
    unit <- paste(if (is.null(spec$strata)) "" else dat$txt$st,
                  if (is.null(spec$psu)) seq_len(n) else dat$txt$psu)
    uu <- unique(unit); G <- min(length(uu), 40)
    grp <- sample(rep(seq_len(G), length.out = length(uu)))[match(unit, uu)]
    type <- sample(c("brr", "jk1", "bootstrap"), 1)
    R <- switch(type, brr = sample(c(8, 12, 16), 1), jk1 = G, bootstrap = sample(c(15, 30), 1))
    mult <- sapply(seq_len(R), function(r) switch(type,
        brr = { h <- sample(c(0, 2), G, replace = TRUE); h[grp] },
        jk1 = ifelse(grp == r, 0, G / (G - 1)),
        bootstrap = { cnt <- tabulate(sample(G, G - 1, replace = TRUE), G) * G / (G - 1); cnt[grp] }))
    txt <- dat$txt
    txt$rw <- sprintf("%.17g", w)
    for (r in seq_len(R)) txt[[paste0("rr", r)]] <- sprintf("%.17g", w * mult[, r])
    list(txt = txt, type = type, R = R, mse = runif(1) < 1 / 3)
}

score_audit <- function(seed, G, SC, dat, spec, groups, base, inbase, rel_path, pairs, cli_pairs) {
    set.seed(seed * 17 + 9)
    scores <- score_pick(dat, SC)
    level <- sample(c(0.95, 0.95, 0.9, 0.8, 0.99, 0.5), 1)
    clevel <- sample(c(0.95, 0.9, 0.99), 1)
    miss <- SC$miss
    sflags <- c(as.vector(rbind("--score", vapply(scores, `[[`, "", "flag"))),
                if (miss) c("--missing", "99"))
    rule <- if (is.null(spec$lonely)) "default" else spec$lonely
    for (attempt in 1:3) {
        segs <- seg_list(dat, groups)
        old <- options(survey.lonely.psu = if (is.null(spec$lonely)) "fail" else spec$lonely)
        des <- make_design(dat, spec)
        w <- if (is.null(spec$weight)) weights(des) else dat$num[[spec$weight]]
        ex <- score_expect(dat, des, w, scores, segs, inbase, level, miss)
        options(old)
        args <- c("score", rel_path, design_flags(spec), sflags, attr(segs, "flags"), base$flags)
        if (level != 0.95) args <- c(args, "--level", level)
        tag <- sprintf("s%d_score%d", seed, attempt)
        res <- run_sh(tag, args)
        LOG(tag, "|RUN|rc=", res$rc, "|rule=", rule, "|level=", level, "|miss=", miss,
            "|scores=", paste(vapply(scores, `[[`, "", "flag"), collapse = " "))
        if (!is.null(ex$rerr)) {
            if (res$rc == 0) { LOG(tag, "|MISMATCH-ERR|R errors (", ex$rerr, ") but shopstat rc=0"); STATS$bad <- STATS$bad + 1 }
            else LOG(tag, "|OK-ERR|R: ", ex$rerr, "|shopstat: ", res$err)
            if (rule %in% c("fail", "default")) { spec$lonely <- rule <- "adjust"; next }
            break
        }
        if (length(ex$badsegs)) {
            if (res$rc == 0) { LOG(tag, "|MISMATCH-DF0|R df<=0 with SE>0 in ", paste(ex$badsegs, collapse = ","), " but shopstat rc=0"); score_cmp_rows(tag, res$out, ex$rows) }
            else LOG(tag, "|OK-DF0|", paste(ex$badsegs, collapse = ","), "|shopstat: ", res$err)
            keep <- vapply(groups, function(gp) !any(vapply(unclass(gp), `[[`, "", "name") %in% ex$badsegs), TRUE)
            if (all(keep) || "all" %in% ex$badsegs) break
            groups <- groups[keep]; next
        }
        if (res$rc != 0 && length(ex$noisesegs)) {
            LOG(tag, "|OK-DF0-NOISE|", paste(ex$noisesegs, collapse = ","), "|shopstat: ", res$err)
            keep <- vapply(groups, function(gp) !any(vapply(unclass(gp), `[[`, "", "name") %in% ex$noisesegs), TRUE)
            if (all(keep) || "all" %in% ex$noisesegs) break
            groups <- groups[keep]; next
        }
        if (res$rc != 0) { LOG(tag, "|FAIL|rc=", res$rc, "|", res$err); STATS$bad <- STATS$bad + 1; break }
        if (nchar(res$err)) LOG(tag, "|STDERR|", res$err)
        score_cmp_rows(tag, res$out, ex$rows)
        break
    }
    # differences (the compare part's pairs, which its segments still hold)
    segs <- seg_list(dat, groups)
    nm <- vapply(segs, `[[`, "", "name")
    keepp <- pairs != "all:all"  # (refused: a segment with itself; the compare part logs it)
    if (!all(keepp)) { pairs <- pairs[keepp]; cli_pairs <- setdiff(cli_pairs, "all:all") }
    if (!length(pairs)) return(invisible())
    okp <- vapply(strsplit(pairs, ":", fixed = TRUE), function(ab) all(ab %in% c(nm, "rest")), TRUE)
    if (!all(okp)) {
        # (segments the tab part dropped, df 0: their pairs go too)
        pairs <- pairs[okp]
        cli_pairs <- c(intersect(cli_pairs, pairs), if ("g:rest" %in% cli_pairs && any(grepl("^g=", pairs))) "g:rest")
        if (!length(pairs)) return(invisible())
    }
    cargs <- c(sflags, attr(segs, "flags"), base$flags, as.vector(rbind("--pair", cli_pairs)))
    if (clevel != 0.95) cargs <- c(cargs, "--level", clevel)
    old <- options(survey.lonely.psu = if (is.null(spec$lonely)) "fail" else spec$lonely)
    ex <- tryCatch(score_diff_expect(dat, make_design(dat, spec), scores, segs, pairs, clevel, inbase, miss, FALSE),
                   error = function(e) e)
    options(old)
    tag <- sprintf("s%d_scmp", seed)
    res <- run_sh(tag, c("compare", rel_path, design_flags(spec), cargs))
    LOG(tag, "|RUN|rc=", res$rc, "|pairs=", paste(cli_pairs, collapse = " "), "|level=", clevel)
    if (inherits(ex, "error")) {
        if (res$rc == 0) { LOG(tag, "|MISMATCH-ERR|R error ", conditionMessage(ex), " shopstat rc=0"); STATS$bad <- STATS$bad + 1 }
        else LOG(tag, "|OK-ERR|R: ", conditionMessage(ex), "|shopstat: ", res$err)
    } else if (res$rc != 0) { LOG(tag, "|FAIL|rc=", res$rc, "|", res$err); STATS$bad <- STATS$bad + 1 }
    else compare_cmp(tag, res$out, ex)

    # the same on replicate weights made from the design (every third seed)
    if (seed %% 3 != 0) return(invisible())
    RP <- rep_make(dat, spec, seed)
    if (miss && any(unlist(RP$txt[c("rw", paste0("rr", seq_len(RP$R)))]) == "99")) {
        LOG(sprintf("s%d_rep", seed), "|NOTE|a weight reads 99: no replicate run"); return(invisible())
    }
    rpath <- file.path("data", sprintf("s%d_rep.csv", seed))
    write.csv(RP$txt, file.path(OUT, rpath), row.names = FALSE, na = "")
    rnum <- read.csv(file.path(OUT, rpath), na.strings = "", check.names = FALSE, stringsAsFactors = FALSE)
    rdat <- list(txt = dat$txt, num = rnum)
    rdes <- svrepdesign(data = rnum, weights = ~rw, repweights = rnum[, paste0("rr", seq_len(RP$R))],
                        type = c(brr = "BRR", jk1 = "JK1", bootstrap = "bootstrap")[[RP$type]],
                        mse = RP$mse, combined.weights = TRUE)
    rflags <- c("--weight", "rw", "--repweights", "rr", "--reptype", RP$type, if (RP$mse) "--mse")
    tag <- sprintf("s%d_rscore", seed)
    ex <- score_expect(rdat, rdes, rnum$rw, scores, segs, inbase, level, miss)
    args <- c("score", rpath, rflags, sflags, attr(segs, "flags"), base$flags)
    if (level != 0.95) args <- c(args, "--level", level)
    res <- run_sh(tag, args)
    LOG(tag, "|RUN|rc=", res$rc, "|reptype=", RP$type, "|R=", RP$R, "|mse=", RP$mse)
    if (length(ex$badsegs) || !is.null(ex$rerr)) {
        if (res$rc == 0) { LOG(tag, "|MISMATCH-DF0|R df<=0 or error in ", paste(ex$badsegs, collapse = ","), ex$rerr, " but shopstat rc=0"); score_cmp_rows(tag, res$out, ex$rows) }
        else LOG(tag, "|OK-DF0|", paste(ex$badsegs, collapse = ","), ex$rerr, "|shopstat: ", res$err)
    } else if (res$rc != 0 && length(ex$noisesegs)) LOG(tag, "|OK-DF0-NOISE|", paste(ex$noisesegs, collapse = ","), "|shopstat: ", res$err)
    else if (res$rc != 0) { LOG(tag, "|FAIL|rc=", res$rc, "|", res$err); STATS$bad <- STATS$bad + 1 }
    else { if (nchar(res$err)) LOG(tag, "|STDERR|", res$err); score_cmp_rows(tag, res$out, ex$rows) }
    tag <- sprintf("s%d_rscmp", seed)
    ex <- tryCatch(score_diff_expect(rdat, rdes, scores, segs, pairs, clevel, inbase, miss, TRUE),
                   error = function(e) e)
    res <- run_sh(tag, c("compare", rpath, rflags, cargs))
    LOG(tag, "|RUN|rc=", res$rc, "|pairs=", paste(cli_pairs, collapse = " "))
    if (inherits(ex, "error")) {
        if (res$rc == 0) { LOG(tag, "|MISMATCH-ERR|R error ", conditionMessage(ex), " shopstat rc=0"); STATS$bad <- STATS$bad + 1 }
        else LOG(tag, "|OK-ERR|R: ", conditionMessage(ex), "|shopstat: ", res$err)
    } else if (res$rc != 0) { LOG(tag, "|FAIL|rc=", res$rc, "|", res$err); STATS$bad <- STATS$bad + 1 }
    else { if (nchar(res$err)) LOG(tag, "|STDERR|", res$err); compare_cmp(tag, res$out, ex) }
}

## ------------------------------------------------------------------ main loop
for (seed in seeds) tryCatch({
    if (EXT4 == "only") {
        tryCatch(ext4_audit(seed), error = function(e) { STATS$bad <- STATS$bad + 1; LOG("s", seed, "_v|SCRIPTERR|", conditionMessage(e)) })
        stop("EXT4ONLY")
    }
    if (EXT5 == "only") {
        tryCatch(ext5_audit(seed), error = function(e) { STATS$bad <- STATS$bad + 1; LOG("s", seed, "_d|SCRIPTERR|", conditionMessage(e)) })
        stop("EXT4ONLY")
    }
    if (EXT6 == "only") {
        tryCatch(ext6_audit(seed), error = function(e) { STATS$bad <- STATS$bad + 1; LOG("s", seed, "_c|SCRIPTERR|", conditionMessage(e)) })
        stop("EXT4ONLY")
    }
    G <- gen(seed)
    ue <- G$df$ue_  # (the PSU effect, row by row, for ext.R's columns)
    SC <- score_cols(G, seed)  # (its own random stream: the rest of the seed is unchanged)
    G$df <- SC$df
    path <- file.path(OUT, "data", sprintf("s%d.csv", seed))
    write.csv(G$df, path, row.names = FALSE, na = "")
    rel_path <- file.path("data", sprintf("s%d.csv", seed))
    dat <- list(txt = read.csv(path, colClasses = "character", na.strings = "", check.names = FALSE),
                num = read.csv(path, na.strings = "", check.names = FALSE, stringsAsFactors = FALSE))
    n <- nrow(dat$num)
    spec <- list()
    if (G$wmode != "none") spec$weight <- "w"
    if (G$has_strata) spec$strata <- "st"
    if (G$has_psu) spec$psu <- "psu"
    if (G$fpcmode != "none") spec$fpc <- "fpc"
    set.seed(seed * 7 + 1)
    rule <- if (G$lonely) sample(c("fail", "remove", "certainty", "adjust", "average"), 1, prob = c(.1, .2, .2, .25, .25)) else
        sample(c("default", "fail", "remove", "certainty", "adjust", "average"), 1)
    if (rule != "default") spec$lonely <- rule
    # an fpc of 1 in every row: R's svydesign refuses it (neither all > 1 nor all < 1; its
    # message then fails on a subscript, which this script logged as SCRIPTERR until
    # 2026-12-02); shopstat reads it as fractions of 1, a census, and warns that every SE is 0
    if (!is.null(spec$fpc) && all(dat$num$fpc == 1)) {
        res <- run_sh(sprintf("s%d_census", seed), c("tab", rel_path, design_flags(spec), "--var", "q1"))
        ok <- res$rc == 0 && grepl("a census: every standard error is 0", res$err, fixed = TRUE) &&
            !is.null(res$out) && all(as.numeric(res$out$se) == 0)
        if (!ok) STATS$bad <- STATS$bad + 1
        stop(if (ok) "SKIP: an fpc of 1 in every row, which R's svydesign refuses; shopstat warns of a census and gives SE 0"
             else "CENSUS: an fpc of 1 in every row: shopstat did not warn of a census with every SE 0")
    }
    questions <- list(q_var(dat, "q1"), q_var(dat, "q2"), q_multi(dat, "mr", c("m_a", "m_b", "m_c")),
                      q_codes(dat, "cd", "codes"))
    questions <- questions[sort(sample(4, sample(2:4, 1)))]
    groups <- list(s_by(dat, "g"), s_eq(dat, "heavy", "spend", "3"))
    extra <- list(s_cmp(dat, "low", "x", "<=", 0.3), s_eq(dat, "tiny", "tid", "1"),
                  s_eq(dat, "two", "g", sort_levels(dat$txt$g)[1:2]), s_cmp(dat, "big", "spend", ">=", 2))
    if (any(!is.na(dat$txt$zf))) extra <- c(extra, list(s_eq(dat, "zw", "zf", "1")))
    groups <- c(groups, extra[sample(length(extra), sample(0:length(extra), 1))])
    base <- NULL
    if (runif(1) < 0.25) base <- if (runif(1) < 0.5) list(rows = !is.na(dat$txt$spend) & dat$txt$spend %in% c("2", "3"), flags = c("--base", "spend:2,3"))
                                 else { r <- dat$num$x >= -0.5; list(rows = !is.na(r) & r, flags = c("--base", "x:>=-0.5")) }
    inbase <- if (is.null(base)) rep(TRUE, n) else base$rows
    ci_flag <- sample(names(ci_canon), 1)
    ci <- ci_canon[[ci_flag]]
    level <- sample(c(0.95, 0.95, 0.9, 0.8, 0.99, 0.5), 1)
    qflags <- unlist(lapply(questions, `[[`, "flags"))

    ## ---- tab
    for (attempt in 1:3) {
        segs <- seg_list(dat, groups)
        args <- c("tab", rel_path, design_flags(spec), qflags, attr(segs, "flags"), base$flags)
        if (ci_flag != "logit") args <- c(args, "--ci", ci_flag)
        if (level != 0.95) args <- c(args, "--level", level)
        tag <- sprintf("s%d_tab%d", seed, attempt)
        ex <- tab_expect(dat, spec, questions, segs, ci, level, inbase)
        res <- run_sh(tag, args)
        LOG(tag, "|RUN|rc=", res$rc, "|rule=", rule, "|ci=", ci_flag, "|level=", level, "|n=", n,
            "|fpc=", G$fpcmode, "|w=", G$wmode, "|strata=", G$has_strata, "|psu=", G$has_psu, "|lonely=", G$lonely)
        if (!is.null(ex$rerr)) {
            if (res$rc == 0) { LOG(tag, "|MISMATCH-ERR|R errors (", ex$rerr, ") but shopstat rc=0"); STATS$bad <- STATS$bad + 1 }
            else LOG(tag, "|OK-ERR|R: ", ex$rerr, "|shopstat: ", res$err)
            if (identical(spec$lonely, "fail") || is.null(spec$lonely)) { spec$lonely <- rule <- "adjust"; next }
            break
        }
        if (length(ex$badsegs)) {
            if (res$rc == 0) { LOG(tag, "|MISMATCH-DF0|R df<=0 with 0<p<1 in ", paste(ex$badsegs, collapse = ","), " but shopstat rc=0"); compare_tab(tag, res$out, ex$rows) }
            else LOG(tag, "|OK-DF0|", paste(ex$badsegs, collapse = ","), "|shopstat: ", res$err)
            keep <- vapply(groups, function(gp) !any(vapply(unclass(gp), `[[`, "", "name") %in% ex$badsegs), TRUE)
            if (all(keep) || "all" %in% ex$badsegs) break
            groups <- groups[keep]; next
        }
        if (res$rc != 0) { LOG(tag, "|FAIL|rc=", res$rc, "|", res$err); STATS$bad <- STATS$bad + 1; break }
        if (nchar(res$err)) LOG(tag, "|STDERR|", res$err)
        compare_tab(tag, res$out, ex$rows)
        break
    }

    ## ---- compare
    segs <- seg_list(dat, groups)
    nm <- vapply(segs, `[[`, "", "name")
    W <- if (is.null(spec$weight)) suppressWarnings(weights(make_design(dat, spec))) else dat$num$w
    okseg <- nm[vapply(segs, function(s) sum(W[s$rows & inbase]) > 0 && sum(s$rows & inbase) >= 3, TRUE)]
    gl <- grep("^g=", okseg, value = TRUE)
    # Only pairs shopstat takes: two different segments, each side with rows of positive
    # weight in the base (all:all is refused as a segment with itself, and a side without
    # weight has no estimate to compare; neither is an engine bug to look for)
    side_ok <- function(rows) sum(W[rows & inbase]) > 0
    pair_ok <- function(pr) {
        ab <- strsplit(pr, ":", fixed = TRUE)[[1]]
        ra <- segs[[match(ab[1], nm)]]$rows
        rb <- if (ab[2] == "rest") !ra else segs[[match(ab[2], nm)]]$rows
        ab[1] != ab[2] && side_ok(ra) && side_ok(rb)
    }
    cand <- if ("heavy" %in% okseg) c("heavy:all", "heavy:rest") else character()
    if (length(gl) >= 2) cand <- c(cand, paste0(gl[1], ":", gl[2]))
    if (all(c("low", "heavy") %in% okseg)) cand <- c(cand, "low:heavy")
    if ("two" %in% okseg) cand <- c(cand, "two:all", "two:rest")
    others <- setdiff(okseg, "all")
    if (!length(cand) && length(others)) cand <- c(paste0(others, ":all"), paste0(others, ":rest"))
    cand <- Filter(pair_ok, cand)
    pairs <- if (length(cand)) sample(cand, sample(1:min(3, length(cand)), 1)) else character()
    cli_pairs <- pairs
    # g:rest only while the --by g segments are there (the tab part drops a group whose
    # segment has df 0: 'g' is then no segment), two values or more, each with its rest
    gall <- grep("^g=", nm, value = TRUE)
    if (runif(1) < 0.3 && length(gall) >= 2 && all(gall %in% okseg) &&
        all(vapply(paste0(gall, ":rest"), pair_ok, TRUE))) {
        pairs <- c(pairs, paste0(gall, ":rest")); cli_pairs <- c(cli_pairs, "g:rest")
    }
    adjust <- sample(c("holm", "bh", "none"), 1)
    clevel <- sample(c(0.95, 0.9, 0.99), 1)
    args <- c("compare", rel_path, design_flags(spec), qflags, attr(segs, "flags"), base$flags,
              as.vector(rbind("--pair", cli_pairs)))
    if (adjust != "holm") args <- c(args, "--adjust", adjust)
    if (clevel != 0.95) args <- c(args, "--level", clevel)
    tag <- sprintf("s%d_cmp", seed)
    if (!length(pairs)) {
        LOG(tag, "|SKIP|no pair: no segment but all has rows of positive weight in the base")
    } else {
        ex <- tryCatch(compare_expect(dat, spec, questions, segs, pairs, adjust, clevel, inbase), error = function(e) e)
        res <- run_sh(tag, args)
        LOG(tag, "|RUN|rc=", res$rc, "|pairs=", paste(cli_pairs, collapse = " "))
        if (inherits(ex, "error")) {
            if (res$rc == 0) { LOG(tag, "|MISMATCH-ERR|R error ", conditionMessage(ex), " shopstat rc=0"); STATS$bad <- STATS$bad + 1 }
            else LOG(tag, "|OK-ERR|R: ", conditionMessage(ex), "|shopstat: ", res$err)
        } else if (res$rc != 0) { LOG(tag, "|FAIL|rc=", res$rc, "|", res$err); STATS$bad <- STATS$bad + 1 }
        else compare_cmp(tag, res$out, ex)
    }

    ## ---- chisq
    for (qv in c("q1", "q2")) chisq_case(sprintf("s%d_chisq_%s", seed, qv), dat, spec, qv, base, rel_path)

    ## ---- score and compare --score (Taylor, then replicate weights made from the design)
    tryCatch(score_audit(seed, G, SC, dat, spec, groups, base, inbase, rel_path, pairs, cli_pairs),
             error = function(e) { STATS$bad <- STATS$bad + 1; LOG("s", seed, "_score|SCRIPTERR|", conditionMessage(e)) })

    ## ---- ticked, none-in-base, per-column missing, level sets; replicate designs (ext.R)
    if (EXT) tryCatch(ext_audit(seed, G, ue, SC, spec),
                      error = function(e) { STATS$bad <- STATS$bad + 1; LOG("s", seed, "_x|SCRIPTERR|", conditionMessage(e)) })
    ## ---- --exclude, --codes-sep, labelled points, df 0 segments, missing codes in cells (ext2.R)
    if (EXT2) tryCatch(ext2_audit(seed, G, ue, SC, spec),
                       error = function(e) { STATS$bad <- STATS$bad + 1; LOG("s", seed, "_y|SCRIPTERR|", conditionMessage(e)) })
    ## ---- text answer scales, waves, table view and report.md cells, five replicate types (ext3.R)
    if (EXT3) tryCatch(ext3_audit(seed, G, ue, SC, spec),
                       error = function(e) { STATS$bad <- STATS$bad + 1; LOG("s", seed, "_z|SCRIPTERR|", conditionMessage(e)) })
    ## ---- --exclude with --base and --by, fpc under each lonely-PSU rule, sparse chisq (F and
    ## first order), NPS as a difference, JK2 and shopstat replicate, extreme weights (ext4.R)
    if (EXT4 != "0") tryCatch(ext4_audit(seed),
                              error = function(e) { STATS$bad <- STATS$bad + 1; LOG("s", seed, "_v|SCRIPTERR|", conditionMessage(e)) })
    ## ---- --dedupe among --exclude flags, a missing-coded id, Taylor and replicate (ext5.R)
    if (EXT5 != "0") tryCatch(ext5_audit(seed),
                              error = function(e) { STATS$bad <- STATS$bad + 1; LOG("s", seed, "_d|SCRIPTERR|", conditionMessage(e)) })
    ## ---- quantiles, post-stratification and raking, Taylor and replicate (ext6.R)
    if (EXT6 != "0") tryCatch(ext6_audit(seed),
                              error = function(e) { STATS$bad <- STATS$bad + 1; LOG("s", seed, "_c|SCRIPTERR|", conditionMessage(e)) })
}, error = function(e) {
    m <- conditionMessage(e)
    if (m == "EXT4ONLY") return(invisible())
    if (startsWith(m, "SKIP: ")) LOG("s", seed, "|NOTE|", substring(m, 7))
    else if (startsWith(m, "CENSUS: ")) LOG("s", seed, "|FAIL|", substring(m, 9))
    else { STATS$bad <- STATS$bad + 1; LOG("s", seed, "|SCRIPTERR|", m) }
})
k <- table(STATS$kinds)
LOG("SUMMARY|cases=", STATS$cases, "|rows=", STATS$rows, "|numbers=", STATS$nums, "|diffs=", STATS$bad,
    "|kinds=", paste(names(k), k, sep = ":", collapse = " "))
