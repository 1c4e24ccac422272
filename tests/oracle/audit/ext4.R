# The audit's fourth extension (sourced by audit.R; AUDIT_EXT4=0 leaves it out), on a design
# of its own per seed (strata of one to four PSUs, some of them lonely, one sampled whole now
# and then): --exclude together with --base and --by (a by value or a stratum excluded whole);
# fpc as counts or fractions under each --lonely-psu rule in turn (adjust, average, remove,
# certainty: R's options(survey.lonely.psu)); chisq on sparse tables with empty cells (R's
# svychisq statistic "F", and "Chisq", the first-order correction, which is shopstat's F times
# (r - 1)(c - 1)); score within --by (a mapped rating, NPS checked as a difference of two
# proportions, svycontrast of svymean); replicate weights R's as.svrepdesign makes with type
# "JK2" (strata of two PSUs) analysed with --reptype jk2, beside `shopstat replicate`'s jkn
# and jk1 (weights against as.svrepdesign's, analysis against R's); weights spread from 1e-6
# to 1e6, and domains at p = 0 or 1. Its own streams (seed * 53 + 29 for the data, * 59 +
# 11 for the commands): the other parts' data and commands are unchanged.

ext4_gen <- function(seed) {
    set.seed(seed * 53 + 29)
    H <- sample(2:6, 1)
    sn <- sample(c("A", "B", "C", "D", "E", "F"), H)
    st <- character(); ps <- integer(); kh <- integer()
    for (h in seq_len(H)) {
        k <- sample(c(1, 2, 2, 3, 4), 1, prob = c(0.2, 0.3, 0.2, 0.15, 0.15))
        kh[h] <- k
        for (i in seq_len(k)) { m <- 1 + rpois(1, 4); st <- c(st, rep(sn[h], m)); ps <- c(ps, rep(i, m)) }
    }
    n <- length(st)
    df <- data.frame(id = seq_len(n), st = st, psu = ps, stringsAsFactors = FALSE)
    ue <- rnorm(sum(kh), 0, 0.8)[match(paste(st, ps), unique(paste(st, ps)))]
    fmode <- sample(c("none", "count", "frac"), 1, prob = c(0.3, 0.35, 0.35))
    if (fmode == "count") {
        Nh <- kh + sample(c(0, 1:30), H, replace = TRUE, prob = c(0.15, rep(0.85 / 30, 30)))
        if (all(Nh == kh)) Nh[1] <- Nh[1] + 3
        df$fpc <- Nh[match(st, sn)]
    } else if (fmode == "frac") {
        fh <- round(ifelse(runif(H) < 0.1, 1, runif(H, 0.02, 0.9)), 4)
        if (all(fh == 1)) fh[1] <- 0.5
        df$fpc <- fh[match(st, sn)]
    }
    wmode <- sample(c("none", "plain", "extreme", "extreme-psu"), 1, prob = c(0.15, 0.35, 0.3, 0.2))
    w <- switch(wmode, none = rep(1, n), plain = round(exp(rnorm(n, 0, 0.5)) * 10, 3),
                extreme = signif(10^runif(n, -6, 6), 6),
                `extreme-psu` = signif(10^runif(sum(kh), -6, 6), 6)[match(paste(st, ps), unique(paste(st, ps)))] * round(runif(n, 1, 2), 2))
    if (wmode != "none") df$w <- sprintf("%.6g", w)
    # q: four levels, sparse (empty cells against g); q2 yes/no; g three values (one rare);
    # n10 a 0-10 rating, r5 1-5; sp a speeder flag; x for a base
    lv <- c("a", "b", "c", "d")
    pr <- c(0.5, 0.3, 0.15, 0.05)
    df$g <- sample(c("G1", "G2", "G3"), n, replace = TRUE, prob = c(0.5, 0.35, 0.15))
    df$q <- vapply(seq_len(n), function(i) sample(lv, 1, prob = pr * exp(ue[i] * (1:4) / 2) *
                                                      (if (df$g[i] == "G3") c(1, 1, 0.01, 0.01) else 1)), "")
    df$q[runif(n) < 0.05] <- NA
    df$q2 <- ifelse(runif(n) < plogis(ue), "yes", "no")
    if (runif(1) < 0.5) df$q2[df$g == "G3"] <- "yes"  # (a domain at p = 1)
    df$q2[runif(n) < 0.05] <- NA
    df$n10 <- pmin(10, pmax(0, round(7 + 2 * ue + rnorm(n, 0, 2))))
    df$n10[runif(n) < 0.05] <- NA
    df$r5 <- pmin(5, pmax(1, round(3 + ue + rnorm(n))))
    df$r5[runif(n) < 0.05] <- NA
    df$sp <- ifelse(runif(n) < 0.15, "Yes", "No")
    df$x <- round(rnorm(n), 2)
    df$x[runif(n) < 0.05] <- NA
    list(df = df, fmode = fmode, wmode = wmode, kh = setNames(kh, sn), sn = sn)
}

# R's NPS as a difference of proportions: 100 (P(9-10) - P(0-6)) by svycontrast of svymean
# of the two indicators, on subset(design, segment & base & answered); its SE, interval
# (df of the subset) and estimate against shopstat's score rows of n10:nps.
ext4_nps <- function(tag, out, dat, des, w, segs, inbase, level) {
    if (is.null(out)) return(invisible())
    STATS$cases <- STATS$cases + 1
    v <- dat$num$n10
    des$variables$prom_ <- as.numeric(!is.na(v) & v >= 9)
    des$variables$det_ <- as.numeric(!is.na(v) & v <= 6)
    for (sg in segs) {
        keep <- sg$rows & inbase & !is.na(v)
        if (!any(keep) || sum(w[keep]) == 0) next
        o <- out[out$variable == "n10" & out$score == "NPS" & out$segment == sg$name, ]
        key <- paste0("n10/NPS-as-difference/", sg$name)
        if (nrow(o) != 1) { LOG(tag, "|MISSINGROWS|1|", key); next }
        sub <- des[keep, ]
        m <- svymean(~prom_ + det_, sub)
        con <- svycontrast(m, c(prom_ = 100, det_ = -100))
        est <- coef(con)[[1]]; se <- SE(con)[[1]]; dfr <- degf(sub)
        one <- length(unique(pmin(2, (v[keep & w > 0] >= 7) + (v[keep & w > 0] >= 9)))) == 1
        # (round-off: R's SE below 1e-9 of the scale and so the linearised scores', as
        # score_expect's; an SE of 4e-9 from weights of 1e-6 beside 1e5 is real)
        if (one || se < 1e-9 * 100 && stable_se(sub, keep, sc_nps_f(v), w) <= 1e-12 * 100) se <- 0
        STATS$rows <- STATS$rows + 1
        STATS$kinds <- c(STATS$kinds, if (se == 0) "nps-diff-se0" else "nps-diff")
        cmp_num(tag, key, "estimate", o$estimate, est)
        cmp_num(tag, key, "se", o$se, se)
        cmp_int(tag, key, "df", o$df, dfr)
        # (every row in one class: [m, m] whatever the df; at df 0 otherwise no interval,
        # R's NaN, an SE of round-off included: methods.md, score)
        lo <- hi <- NA
        if (one) lo <- hi <- est
        else if (dfr > 0) { tq <- qt(1 - (1 - level) / 2, dfr); lo <- est - tq * se; hi <- est + tq * se }
        cmp_num(tag, key, "ci_lower", o$ci_lower, lo)
        cmp_num(tag, key, "ci_upper", o$ci_upper, hi)
    }
}

# The condition number of svychisq's denom = C' D^-1 C / N (C the interaction contrasts, D
# the cell proportions among the rows answering both; N cancels): Delta = solve(denom, numr)
# holds about kappa eps of relative round-off in R and in shopstat alike, so F, ndf and p
# are known to no better (s113: kappa 2.5e11, a cell of 1.2e-11 beside 0.5, F 1.07e-6 apart).
chisq_kappa <- function(qx, gx, w, rows) {
    rl <- sort(unique(na.omit(qx[rows]))); cl <- sort(unique(na.omit(gx[rows])))
    both <- rows & !is.na(qx) & !is.na(gx)
    tw <- tapply(w[both], list(factor(qx[both], rl), factor(gx[both], cl)), sum)
    tw[is.na(tw)] <- 0
    m <- as.vector(tw) / sum(tw)
    mf1 <- expand.grid(rows = seq_along(rl), cols = seq_along(cl))
    X1 <- model.matrix(~factor(rows) + factor(cols), mf1)
    X2 <- model.matrix(~factor(rows) * factor(cols), mf1)
    C <- qr.resid(qr(X1), X2[, -(1:(length(rl) + length(cl) - 1)), drop = FALSE])
    den <- t(C) %*% diag(ifelse(m == 0, 0, 1 / m), length(m)) %*% C
    tryCatch(kappa(den, exact = TRUE), error = function(e) Inf)
}

# chisq's F against svychisq(statistic = "F"), and the first-order correction, R's
# statistic = "Chisq" (X^2 / mean of the generalized design effects), against shopstat's
# F times (r - 1)(c - 1) and its chi-squared p; des: R's design (Taylor or replicate), the
# base taken; args: shopstat's command line.
ext4_chisq <- function(tag, args, des, qv, byv, dat, inbase, w) {
    res <- run_sh(tag, args)
    LOG(tag, "|RUN|rc=", res$rc)
    # (a calibrated design's subset keeps the rows outside the base, weighted 0, and R's
    # table the levels only they hold: an empty row or column, F NaN; shopstat's levels are
    # the base's. Such a row's value is moved to a level the base holds, which changes
    # neither the table nor a score, its weight being 0; ext6.R seed 1)
    relevel <- function(x) {
        inb <- unique(na.omit(x[inbase]))
        out <- !inbase & !is.na(x) & !(x %in% inb)
        if (any(out) && length(inb)) { x[out] <- inb[1]; STATS$kinds <- c(STATS$kinds, "chisq-outside-level") }
        x
    }
    des$variables$qq <- relevel(dat$txt[[qv]]); des$variables$gg <- relevel(dat$txt[[byv]])
    sub <- des[inbase, ]
    both <- inbase & !is.na(dat$txt[[qv]]) & !is.na(dat$txt[[byv]])
    tb <- table(dat$txt[[qv]][both & w > 0], dat$txt[[byv]][both & w > 0])
    zc <- sum(tb == 0)
    rF <- tryCatch(suppressWarnings(svychisq(~qq + gg, sub, statistic = "F")), error = function(e) e)
    rC <- tryCatch(suppressWarnings(svychisq(~qq + gg, sub, statistic = "Chisq")), error = function(e) e)
    if (inherits(rF, "error")) {
        if (res$rc == 0) LOG(tag, "|NOTE-ERR|R error ", conditionMessage(rF), "|shopstat rc=0")
        else LOG(tag, "|OK-ERR|R: ", conditionMessage(rF), "|shopstat: ", res$err)
        return(invisible())
    }
    qx <- dat$txt[[qv]]; gx <- dat$txt[[byv]]
    pos <- both & w > 0
    empty <- any(!unique(na.omit(gx[inbase])) %in% gx[pos]) || any(!unique(na.omit(qx[inbase])) %in% qx[pos])
    info <- paste0("|R F=", rF$statistic[[1]], "|zero cells=", zc)
    if (res$rc != 0) {
        if (empty && grepl("the test is undefined", res$err, fixed = TRUE)) LOG(tag, "|REFUSED-EMPTY|", res$err, info)
        else if (grepl("too sparse for the test", res$err, fixed = TRUE)) LOG(tag, "|REFUSED-SINGULAR|", res$err, info)
        else if (isTRUE(degf(sub) <= 0) && grepl("degrees of freedom are 0|rank 1|df 0", res$err)) LOG(tag, "|REFUSED-DF0|", res$err, info)
        # (R's F NaN: the covariance undefined, every stratum lonely under average; s157,
        # where !(abs(NaN) < 1e10) was NA and stopped the seed's part)
        else if (is.nan(rF$statistic[[1]]) && grepl("covariance of the table is undefined", res$err, fixed = TRUE)) LOG(tag, "|REFUSED-UNDEFINED|", res$err, info)
        else if (isTRUE(!(abs(rF$statistic[[1]]) < 1e10)) && grepl("carries no information", res$err, fixed = TRUE)) LOG(tag, "|REFUSED-NOINFO|", res$err, info)
        else { LOG(tag, "|FAIL|rc=", res$rc, "|", res$err, info); STATS$bad <- STATS$bad + 1 }
        return(invisible())
    }
    if (is.null(res$out) || !nrow(res$out)) { LOG(tag, "|FAIL|no output"); STATS$bad <- STATS$bad + 1; return(invisible()) }
    o <- res$out[1, ]
    if (empty) { LOG(tag, "|NOTE|an empty level, shopstat answered|", paste(o, collapse = ","), info); return(invisible()) }
    STATS$cases <- STATS$cases + 1; STATS$rows <- STATS$rows + 1
    STATS$kinds <- c(STATS$kinds, if (zc > 0) "chisq-zero-cells" else "chisq-full")
    # (tolerance: R's REL, or kappa eps where the contrast system is that ill-conditioned)
    kap <- chisq_kappa(qx, gx, w, inbase)
    crel <- max(REL, kap * .Machine$double.eps)
    if (crel > REL) STATS$kinds <- c(STATS$kinds, "chisq-ill-conditioned")
    cmp_num(tag, qv, "statistic", o$statistic, rF$statistic[[1]], rel = crel)
    cmp_num(tag, qv, "ndf", o$ndf, rF$parameter[["ndf"]], rel = crel)
    cmp_num(tag, qv, "ddf", o$ddf, rF$parameter[["ddf"]], rel = crel)
    cmp_num(tag, qv, "p_value", o$p_value, rF$p.value[[1]], rel = if (crel > REL) crel * max(1, as.numeric(o$statistic)) else REL)
    if (!inherits(rC, "error")) {
        # (R's "Chisq" keeps X^2 as its statistic and gives p = pchisq(X^2 / mean(delta), k),
        # X^2 / mean(delta) = F k with k = (r - 1)(c - 1) = NCOL(Delta))
        k <- (length(unique(qx[pos])) - 1) * (length(unique(gx[pos])) - 1)
        Fs <- as.numeric(o$statistic)
        cmp_num(tag, qv, "first-order df", sprintf("%d", k), rC$parameter[[1]])
        # (p's relative error is F's times about F k / 2: the tolerance scales with it)
        cmp_num(tag, qv, "first-order p", sprintf("%.17g", pchisq(Fs * k, k, lower.tail = FALSE)), rC$p.value[[1]],
                rel = crel * max(1, Fs * k / 2))
    }
}

# R's JK2 design: the PSUs paired into pseudo-strata of two (within a stratum, a PSU left
# over out), as.svrepdesign(type = "JK2"); the analysis weights written as the file's
# replicate columns (svrepdesign's combined.weights).
ext4_jk2 <- function(dat, spec) {
    u <- unique(dat$txt[, c("st", "psu")])
    u <- u[order(u$st, as.numeric(u$psu)), ]
    u$pair <- NA_character_
    for (s in unique(u$st)) {
        i <- which(u$st == s)
        if (length(i) < 2) next
        np <- length(i) %/% 2
        u$pair[i[seq_len(2 * np)]] <- paste0(s, rep(seq_len(np), each = 2))
    }
    key <- paste(dat$txt$st, dat$txt$psu)
    pr <- u$pair[match(key, paste(u$st, u$psu))]
    keep <- !is.na(pr)
    if (length(unique(pr[keep])) < 2) return(NULL)
    # (survey 4.1.1's as.svrepdesign has no type "JK2": the paired jackknife by hand, as
    # tests/oracle/make_jk2_fixtures.R, one replicate per pair, a PSU drawn dropped and
    # the other doubled; svrepdesign(type = "JK2") takes scale 1 and every rscale 1)
    w <- if (is.null(spec$weight)) rep(1, sum(keep)) else dat$num$w[keep]
    prk <- pr[keep]; kk <- key[keep]
    pairs <- unique(prk)
    W <- sapply(pairs, function(pp) {
        ids <- unique(kk[prk == pp]); drop <- sample(ids, 1)
        w * ifelse(prk != pp, 1, ifelse(kk == drop, 0, 2))
    })
    list(keep = keep, W = W, w = w)
}

ext4_audit <- function(seed) {
    X <- ext4_gen(seed)
    set.seed(seed * 59 + 11)
    rel <- file.path("data", sprintf("s%d_v.csv", seed))
    write.csv(X$df, file.path(OUT, rel), row.names = FALSE, na = "")
    raw <- read_back(file.path(OUT, rel))
    n <- nrow(raw$num)
    spec <- list(strata = "st", psu = "psu")
    if (X$wmode != "none") spec$weight <- "w"
    if (X$fmode != "none") spec$fpc <- "fpc"
    rule <- c("adjust", "average", "remove", "certainty")[seed %% 4 + 1]
    spec$lonely <- rule
    # exclusions: one or two of sp:Yes, a --by value, a stratum, a PSU id (in every stratum)
    cand <- list(list(flag = "sp:Yes", rows = raw$txt$sp == "Yes"),
                 { gv <- sample(c("G1", "G2", "G3"), 1); list(flag = paste0("g:", gv), rows = raw$txt$g == gv) },
                 { s <- sample(unique(raw$txt$st), 1); list(flag = paste0("st:", s), rows = raw$txt$st == s) },
                 { p <- sample(unique(raw$txt$psu), 1); list(flag = paste0("psu:", p), rows = raw$txt$psu == p) })
    pick <- if (runif(1) < 0.15) list() else cand[sample(4, sample(1:2, 1), prob = c(0.4, 0.25, 0.2, 0.15))]
    exrows <- if (length(pick)) Reduce(`|`, lapply(pick, `[[`, "rows")) else rep(FALSE, n)
    if (sum(!exrows) < 8) { pick <- list(); exrows <- rep(FALSE, n) }
    xflags <- if (length(pick)) as.vector(rbind("--exclude", vapply(pick, `[[`, "", "flag"))) else character()
    keep <- !exrows
    dat <- keep_rows(raw, keep); dat$path <- rel
    m <- nrow(dat$num)
    base <- NULL
    u <- runif(1)
    if (u < 0.3) { r <- dat$num$x >= -0.7; base <- list(rows = !is.na(r) & r, flags = c("--base", "x:>=-0.7")) }
    else if (u < 0.5) base <- list(rows = !is.na(dat$txt$sp) & dat$txt$sp == "No", flags = c("--base", "sp:No"))
    inbase <- if (is.null(base)) rep(TRUE, m) else base$rows
    k <- tapply(dat$txt$psu, dat$txt$st, function(v) length(unique(v)))
    tg <- sprintf("s%d_v", seed)
    LOG(tg, "|RUN|rule=", rule, "|fpc=", X$fmode, "|w=", X$wmode, "|strata=", length(k), "|lonely=", sum(k == 1),
        "|exclude=", paste(vapply(pick, `[[`, "", "flag"), collapse = " "), "|rows=", n, "->", m,
        "|base=", paste(base$flags, collapse = " "))
    old <- options(survey.lonely.psu = rule)
    des <- tryCatch(make_design(dat, spec), error = function(e) e)
    options(old)
    if (inherits(des, "error")) { LOG(tg, "|NOTE|R design: ", conditionMessage(des)); return(invisible()) }
    w <- if (is.null(spec$weight)) suppressWarnings(weights(des)) else dat$num$w
    dflags <- c(design_flags(spec), xflags)
    ci_flag <- sample(names(ci_canon), 1); ci <- ci_canon[[ci_flag]]
    level <- sample(c(0.95, 0.9, 0.8, 0.99), 1)
    # a segment of one q2 answer: p = 1 and 0 in it
    pure <- s_eq(dat, "pure", "q2", "yes")
    groups <- list(s_by(dat, "g"), pure)
    qs <- list(q_var(dat, "q"), q_var(dat, "q2"))
    g2 <- ext_tab(paste0(tg, "tab"), dat, spec, NULL, w, qs, groups, base, inbase, character(), dflags, ci, ci_flag, level, FALSE)
    segs <- seg_list(dat, g2)
    pp <- ext_pairs(segs, w, inbase)
    nm <- vapply(segs, `[[`, "", "name")
    if ("pure" %in% nm && !"pure:rest" %in% pp$pairs && sum(w[segs[[match("pure", nm)]]$rows & inbase]) > 0 && sum(w[!segs[[match("pure", nm)]]$rows & inbase]) > 0) {
        pp$pairs <- c(pp$pairs, "pure:rest"); pp$cli <- c(pp$cli, "pure:rest")
    }
    if (length(pp$pairs)) ext_compare(paste0(tg, "cmp"), dat, spec, NULL, FALSE, qs, segs, pp, base, inbase, character(), dflags)
    else LOG(paste0(tg, "cmp"), "|SKIP|no pair")
    # scores within --by: NPS, the rating's mean and a map; NPS again as a difference of
    # proportions
    lsets <- list(list(col = "n10", flag = "n10:nps", name = "NPS", f = sc_nps_f),
                  list(col = "r5", flag = "r5", name = "mean", f = as.numeric),
                  list(col = "r5", flag = "r5:1-2=0,3=50,4-5=100", name = "score",
                       f = function(x) { v <- as.numeric(x); ifelse(v <= 2, 0, ifelse(v == 3, 50, 100)) }))
    ext_levels(tg, dat, spec, des, w, FALSE, lsets, segs, pp, base, inbase, character(), dflags)
    slevel <- sample(c(0.95, 0.9), 1)
    res <- run_sh(paste0(tg, "nps"), c("score", rel, dflags, "--score", "n10:nps", attr(segs, "flags"), base$flags, "--level", slevel))
    LOG(tg, "nps|RUN|rc=", res$rc)
    old <- options(survey.lonely.psu = rule)
    if (res$rc == 0) tryCatch(ext4_nps(paste0(tg, "nps"), res$out, dat, des, w, segs, inbase, slevel),
                              error = function(e) LOG(tg, "nps|NOTE|R: ", conditionMessage(e)))
    else LOG(tg, "nps|NOTE|shopstat rc=", res$rc, "|", res$err)
    # chisq of q (sparse: empty cells in G3) and q2 by g
    for (qv in c("q", "q2")) {
        ext4_chisq(paste0(tg, "chi_", qv), c("chisq", rel, dflags, "--var", qv, "--by", "g", base$flags),
                   des, qv, "g", dat, inbase, w)
    }
    options(old)

    ## replicate weights: R's JK2 (pseudo-strata of two PSUs), with --reptype jk2
    J <- ext4_jk2(raw, spec)
    if (is.null(J)) { LOG(tg, "j|NOTE|fewer than two PSU pairs: no JK2 design"); return(invisible()) }
    jrel <- file.path("data", sprintf("s%d_vjk2.csv", seed))
    jt <- raw$txt[J$keep, ]
    jt$rw <- sprintf("%.17g", J$w)
    for (r in seq_len(ncol(J$W))) jt[[paste0("rr", r)]] <- sprintf("%.17g", J$W[, r])
    write.csv(jt, file.path(OUT, jrel), row.names = FALSE, na = "")
    jall <- read_back(file.path(OUT, jrel))
    jk <- keep[J$keep]
    jdat <- keep_rows(jall, jk); jdat$path <- jrel
    rcols <- paste0("rr", seq_len(ncol(J$W)))
    jdes <- tryCatch(suppressWarnings(svrepdesign(data = jdat$num[, names(jdat$num) != "g"], weights = ~rw,
                                                  repweights = jdat$num[, rcols], type = "JK2", combined.weights = TRUE)),
                     error = function(e) e)
    if (inherits(jdes, "error")) { LOG(tg, "j|NOTE|R design: ", conditionMessage(jdes)); return(invisible()) }
    jflags <- c("--weight", "rw", "--repweights", "rr", "--reptype", sample(c("jk2", "JK2"), 1), xflags)
    jbase <- if (is.null(base)) NULL else {
        b <- if (base$flags[2] == "sp:No") !is.na(jdat$txt$sp) & jdat$txt$sp == "No" else { r <- jdat$num$x >= -0.7; !is.na(r) & r }
        list(rows = b, flags = base$flags)
    }
    jin <- if (is.null(jbase)) rep(TRUE, nrow(jdat$num)) else jbase$rows
    LOG(tg, "j|RUN|JK2 R=", ncol(J$W), "|rows=", nrow(jdat$num))
    jqs <- list(q_var(jdat, "q"), q_var(jdat, "q2"))
    jgroups <- list(s_by(jdat, "g"), s_eq(jdat, "pure", "q2", "yes"))
    rci <- sample(setdiff(names(ci_canon), "likelihood"), 1)
    g3 <- ext_tab(paste0(tg, "jtab"), jdat, list(), jdes, jdat$num$rw, jqs, jgroups, jbase, jin, character(), jflags,
                  ci_canon[[rci]], rci, level, TRUE)
    jsegs <- seg_list(jdat, g3)
    jpp <- ext_pairs(jsegs, jdat$num$rw, jin)
    if (length(jpp$pairs)) ext_compare(paste0(tg, "jcmp"), jdat, list(), jdes, TRUE, jqs, jsegs, jpp, jbase, jin, character(), jflags)
    ext_levels(paste0(tg, "j"), jdat, list(), jdes, jdat$num$rw, TRUE, lsets[1:2], jsegs, jpp, jbase, jin, character(), jflags)
    ext4_chisq(paste0(tg, "jchi"), c("chisq", jrel, jflags, "--var", "q", "--by", "g", jbase$flags), jdes, "q", "g", jdat, jin, jdat$num$rw)

    ## shopstat replicate (jkn on the design, jk1 on its PSUs without strata): the weights
    ## against as.svrepdesign's, and tab on them against R's replicate design
    if (is.null(spec$weight)) return(invisible())
    for (type in c("jkn", "jk1")) {
        tgr <- paste0(tg, type)
        sp <- spec; sp$lonely <- NULL
        if (type == "jk1") { sp$strata <- NULL; sp$fpc <- NULL }
        if (type == "jkn" && any(X$kh == 1)) sp$lonely <- sample(c("remove", "certainty"), 1)
        if (type == "jkn" && !is.null(sp$fpc) && X$fmode == "frac") sp$fpc <- NULL  # (fractions: tested by the oracle round trips)
        orel <- file.path("data", sprintf("s%d_v%s.csv", seed, type))
        args <- c("replicate", rel, "--weight", "w", "--psu", sp$psu, if (!is.null(sp$strata)) c("--strata", sp$strata),
                  if (!is.null(sp$fpc)) c("--fpc", sp$fpc), if (!is.null(sp$lonely)) c("--lonely-psu", sp$lonely),
                  "--type", type, "-o", orel)
        r1 <- run_fmt(tgr, args)
        if (r1$rc != 0) {
            LOG(tgr, "|NOTE|replicate rc=", r1$rc, "|", r1$err); next
        }
        old <- options(survey.lonely.psu = if (is.null(sp$lonely)) "fail" else sp$lonely)
        d0 <- tryCatch(make_design(raw, sp), error = function(e) e)
        rr <- if (inherits(d0, "error")) d0 else tryCatch(as.svrepdesign(d0, type = c(jkn = "JKn", jk1 = "JK1")[[type]], compress = FALSE), error = function(e) e)
        options(old)
        if (inherits(rr, "error")) { LOG(tgr, "|NOTE|R: ", conditionMessage(rr)); next }
        RW <- weights(rr, "analysis")
        out <- read.csv(file.path(OUT, orel), na.strings = "", check.names = FALSE)
        SW <- as.matrix(out[, grep("^rep[0-9]+$", names(out)), drop = FALSE])
        STATS$cases <- STATS$cases + 1
        STATS$nums <- STATS$nums + 1
        if (ncol(SW) != ncol(RW)) { bad(tgr, "replicates", "count", ncol(SW), ncol(RW)); next }
        # (columns matched as a set: the order of the replicates is each program's own)
        sig <- function(M) apply(M, 2, function(v) paste(signif(v, 9), collapse = ","))
        miss <- sum(!sig(SW) %in% sig(RW))
        if (miss) bad(tgr, "replicates", "weights", paste(miss, "columns unmatched"), 0)
        # the flags shopstat prints (stderr), read back; tab with them against R
        fl <- regmatches(r1$err, regexpr("--weight[^\n]*", r1$err))
        if (!length(fl)) { LOG(tgr, "|FAIL|no flags printed|", r1$err); STATS$bad <- STATS$bad + 1; next }
        ff <- scan(text = fl, what = "", quiet = TRUE)
        rdat <- read_back(file.path(OUT, orel)); rdat$path <- orel
        rsc <- if (type == "jk1") rr$scale else 1
        rdes <- suppressWarnings(svrepdesign(data = rdat$num[, names(rdat$num) != "g"], weights = ~w,
                                             repweights = rdat$num[, grep("^rep[0-9]+$", names(rdat$num))],
                                             type = c(jkn = "JKn", jk1 = "JK1")[[type]], scale = rsc, rscales = rr$rscales,
                                             combined.weights = TRUE))
        LOG(tgr, "|RUN|R=", ncol(SW), "|flags=", paste(ff, collapse = " "))
        ext_tab(paste0(tgr, "tab"), rdat, list(), rdes, rdat$num$w, list(q_var(rdat, "q2")), list(s_by(rdat, "g")),
                NULL, rep(TRUE, nrow(rdat$num)), character(), ff, "wald", "wald", 0.95, TRUE)
    }
}
