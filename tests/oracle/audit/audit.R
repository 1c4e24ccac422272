# Randomized differential audit of shopstat against R survey (tests/oracle/audit/README.md).
# Usage: AUDIT_SHOPSTAT=/abs/build/shopstat AUDIT_OUT=/tmp/dir Rscript audit.R FROM TO
# (seeds FROM..TO): writes data/sN.csv, runs/TAG.{cmd,out,err} and log_FROM_TO.txt in AUDIT_OUT.
suppressPackageStartupMessages(library(survey))
args_all <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args_all[grep("^--file=", args_all)])
source(file.path(dirname(normalizePath(script)), "..", "helpers.R"))
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
design_flags <- function(spec) {
    f <- character()
    if (!is.null(spec$weight)) f <- c(f, "--weight", spec$weight)
    if (!is.null(spec$strata)) f <- c(f, "--strata", spec$strata)
    if (!is.null(spec$psu)) f <- c(f, "--psu", spec$psu)
    if (!is.null(spec$fpc)) f <- c(f, "--fpc", spec$fpc)
    if (!is.null(spec$lonely)) f <- c(f, "--lonely-psu", spec$lonely)
    f
}
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
tab_expect <- function(dat, spec, questions, segs, ci, level, inbase) {
    old <- options(survey.lonely.psu = if (is.null(spec$lonely)) "fail" else spec$lonely)
    on.exit(options(old))
    des <- make_design(dat, spec)
    w <- if (is.null(spec$weight)) weights(des) else dat$num[[spec$weight]]
    rows <- list(); badsegs <- character(); rerr <- NULL
    alpha <- 1 - level
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
            r$proportion <- if (sy == 0) 0 else 1; r$se <- 0
            r$ci_lower <- if (x == 0) 0 else qbeta(alpha / 2, x, ne - x + 1)
            r$ci_upper <- if (x == ne) 1 else qbeta(1 - alpha / 2, x + 1, ne - x)
            r$deff <- NA; r$note <- "fallback"
            rows[[length(rows) + 1]] <- r; next
        }
        if (r$df <= 0) { badsegs <- c(badsegs, s$name); r$note <- "df0"; rows[[length(rows) + 1]] <- r; next }
        t <- qt(1 - alpha / 2, r$df)
        if (ci == "wilson") {
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
            if (inherits(cp, "error")) {
                r$note <- paste("svyciprop error:", conditionMessage(cp))
            } else {
                lim <- as.vector(attr(cp, "ci"))
                r$ci_lower <- lim[1]; r$ci_upper <- lim[2]
                if (ci == "logit") {
                    cf <- plogis(qlogis(p) + c(-1, 1) * t * se / (p * (1 - p)))
                    if (any(!is.finite(lim)) || any(abs(cf - lim) > 1e-6 * abs(cf))) {
                        r$ci_lower <- cf[1]; r$ci_upper <- cf[2]; r$note <- "logit-R-failed-closedform"
                    }
                }
                if (ci == "likelihood") {
                    # R's spline must be within 2e-3 of the documented equation's exact root;
                    # shopstat is compared with the exact root (methods.md) at 1e-6.
                    npos <- sum(d & w > 0); phi <- npos / (npos - 1); qq <- 1 - p
                    rhs <- phi * t^2 * se^2 / (2 * p * qq)
                    fb <- function(b) p * (log(p) - plogis(b, log.p = TRUE)) + qq * (log(qq) - plogis(-b, log.p = TRUE)) - rhs
                    b0 <- qlogis(p)
                    ex <- if (se == 0) c(p, p) else tryCatch(plogis(c(uniroot(fb, c(b0 - 1000, b0), tol = 1e-13)$root,
                                     uniroot(fb, c(b0, b0 + 1000), tol = 1e-13)$root)), error = function(e) NULL)
                    if (!is.null(ex)) {
                        if (any(is.na(lim)) || any(abs(ex - lim) > 2e-3 * abs(ex))) LOG("LIKSPLINE|", q$name, "/", l, "/", s$name, "|R=", paste(lim, collapse = ","), "|eq=", paste(ex, collapse = ","))
                        r$ci_lower <- ex[1]; r$ci_upper <- ex[2]; r$note <- "lik-exact"
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
        if (e$note != "df0") {
            rel <- if (e$note == "lik-spline") 2e-3 else REL
            cmp_num(tag, key, "ci_lower", o$ci_lower, e$ci_lower, rel = rel, note = e$note)
            cmp_num(tag, key, "ci_upper", o$ci_upper, e$ci_upper, rel = rel, note = e$note)
        }
        cmp_int(tag, key, "df", o$df, e$df)
        cmp_num(tag, key, "deff", o$deff, e$deff, note = e$note)
        if (e$note == "W0" && o$eff_base == "0") next  # 0/0: shopstat prints 0 (noted once in report)
        cmp_num(tag, key, "eff_base", o$eff_base, e$eff_base, note = e$note)
    }
}

## ------------------------------------------------------------------ compare
compare_expect <- function(dat, spec, questions, segs, pairs, adjust, level, inbase) {
    byname <- setNames(lapply(segs, `[[`, "rows"), vapply(segs, `[[`, "", "name"))
    old <- options(survey.lonely.psu = if (is.null(spec$lonely)) "fail" else spec$lonely)
    on.exit(options(old))
    des <- make_design(dat, spec)
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
            tot <- svytotal(~ya + na + yb + nb, des[inbase, ])
            con <- svycontrast(tot, quote(ya / na - yb / nb))
            diff <- coef(con)[[1]]; se <- SE(con)[[1]]; est <- coef(tot)
            t <- diff / se
            fam[[length(fam) + 1]] <- data.frame(variable = q$name, level = l, segment_a = ab[1], segment_b = ab[2],
                estimate_a = est[["ya"]] / est[["na"]], estimate_b = est[["yb"]] / est[["nb"]],
                difference = diff, se = se, ci_lower = diff - tq * se, ci_upper = diff + tq * se,
                df = dfree, t = t, p_value = 2 * pt(-abs(t), dfree), stringsAsFactors = FALSE)
        }
        fam <- do.call(rbind, fam)
        fam$p_adjusted <- p.adjust(fam$p_value, method = c(holm = "holm", bh = "BH", none = "none")[[adjust]])
        out[[length(out) + 1]] <- fam
    }
    do.call(rbind, out)
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
        for (cc in c("estimate_a", "estimate_b", "difference", "se", "ci_lower", "ci_upper", "t", "p_value", "p_adjusted")) {
            if (degenerate && cc %in% c("t", "p_value", "p_adjusted")) {
                STATS$kinds <- c(STATS$kinds, "cmp-se0")
                LOG(tag, "|NOTE-SE0|", key, "|", cc, "|shopstat=", o[[cc]], "|R=", e[[cc]]); next }
            cmp_num(tag, key, cc, o[[cc]], e[[cc]], note = if (degenerate) "se0" else "")
        }
        cmp_int(tag, key, "df", o$df, e$df)
    }
}

## ------------------------------------------------------------------ main loop
for (seed in seeds) tryCatch({
    G <- gen(seed)
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
    cand <- if ("heavy" %in% okseg) c("heavy:all", "heavy:rest") else "all:all"
    if (length(gl) >= 2) cand <- c(cand, paste0(gl[1], ":", gl[2]))
    if (all(c("low", "heavy") %in% okseg)) cand <- c(cand, "low:heavy")
    if ("two" %in% okseg) cand <- c(cand, "two:all", "two:rest")
    pairs <- sample(cand, sample(1:min(3, length(cand)), 1))
    cli_pairs <- pairs
    gall <- grep("^g=", nm, value = TRUE)
    if (runif(1) < 0.3 && all(gall %in% okseg)) { pairs <- c(pairs, paste0(gall, ":rest")); cli_pairs <- c(cli_pairs, "g:rest") }
    adjust <- sample(c("holm", "bh", "none"), 1)
    clevel <- sample(c(0.95, 0.9, 0.99), 1)
    args <- c("compare", rel_path, design_flags(spec), qflags, attr(segs, "flags"), base$flags,
              as.vector(rbind("--pair", cli_pairs)))
    if (adjust != "holm") args <- c(args, "--adjust", adjust)
    if (clevel != 0.95) args <- c(args, "--level", clevel)
    tag <- sprintf("s%d_cmp", seed)
    ex <- tryCatch(compare_expect(dat, spec, questions, segs, pairs, adjust, clevel, inbase), error = function(e) e)
    res <- run_sh(tag, args)
    LOG(tag, "|RUN|rc=", res$rc, "|pairs=", paste(cli_pairs, collapse = " "))
    if (inherits(ex, "error")) {
        if (res$rc == 0) { LOG(tag, "|MISMATCH-ERR|R error ", conditionMessage(ex), " shopstat rc=0"); STATS$bad <- STATS$bad + 1 }
        else LOG(tag, "|OK-ERR|R: ", conditionMessage(ex), "|shopstat: ", res$err)
    } else if (res$rc != 0) { LOG(tag, "|FAIL|rc=", res$rc, "|", res$err); STATS$bad <- STATS$bad + 1 }
    else compare_cmp(tag, res$out, ex)

    ## ---- chisq
    for (qv in c("q1", "q2")) {
        tag <- sprintf("s%d_chisq_%s", seed, qv)
        args <- c("chisq", rel_path, design_flags(spec), "--var", qv, "--by", "g", base$flags)
        res <- run_sh(tag, args)
        ex <- tryCatch({
            old <- options(survey.lonely.psu = if (is.null(spec$lonely)) "fail" else spec$lonely)
            on.exit(options(old))
            des <- make_design(dat, spec)
            des$variables$qq <- dat$txt[[qv]]; des$variables$gg <- dat$txt$g
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
            options(old)
            r
        }, error = function(e) e)
        LOG(tag, "|RUN|rc=", res$rc)
        if (inherits(ex, "error")) {
            if (res$rc == 0) LOG(tag, "|NOTE-ERR|R error ", conditionMessage(ex), " shopstat rc=0: ", paste(res$out[1, ], collapse = ","))
            else LOG(tag, "|OK-ERR|R: ", conditionMessage(ex), "|shopstat: ", res$err)
            next
        }
        if (res$rc != 0) { LOG(tag, "|FAIL|rc=", res$rc, "|", res$err, "|R stat=", ex$statistic[[1]], "|rankdef=", attr(ex, "rankdef"), "|zerocells=", attr(ex, "zerocells")); STATS$bad <- STATS$bad + 1; next }
        STATS$cases <- STATS$cases + 1; STATS$rows <- STATS$rows + 1
        o <- res$out[1, ]
        if (isTRUE(attr(ex, "rankdef"))) { LOG(tag, "|NOTE-SINGULAR|zero cells=", attr(ex, "zerocells"), "|shopstat=", paste(o, collapse = ","), "|R=", ex$statistic[[1]], ",", ex$parameter[[1]], ",", ex$parameter[[2]]); STATS$kinds <- c(STATS$kinds, "chisq-rankdef"); next }
        cmp_num(tag, qv, "statistic", o$statistic, ex$statistic[[1]])
        cmp_num(tag, qv, "ndf", o$ndf, ex$parameter[["ndf"]])
        cmp_num(tag, qv, "ddf", o$ddf, ex$parameter[["ddf"]])
        cmp_num(tag, qv, "p_value", o$p_value, ex$p.value[[1]])
    }
}, error = function(e) { STATS$bad <- STATS$bad + 1; LOG("s", seed, "|SCRIPTERR|", conditionMessage(e)) })
k <- table(STATS$kinds)
LOG("SUMMARY|cases=", STATS$cases, "|rows=", STATS$rows, "|numbers=", STATS$nums, "|diffs=", STATS$bad,
    "|kinds=", paste(names(k), k, sep = ":", collapse = " "))
