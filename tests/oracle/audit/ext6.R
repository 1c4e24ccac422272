# The audit's sixth extension (sourced by audit.R; AUDIT_EXT6=0 leaves it out, =only runs it
# alone): what the other parts do not draw, quantiles (`score --score Q:median`, `Q:pN`, R's
# svyquantile with qrule "math" and Woodruff's interval) and calibrated designs
# (`--poststratify` with a population file, R's postStratify; `--rake` with
# `--rake-epsilon` / `--rake-maxit`, R's rake), on Taylor designs and on replicate weights.
# On ext4.R's design of the seed (strata, lonely PSUs under each rule, fpc, weights plain,
# none or spread from 1e-6 to 1e6, its exclusions and base) it adds two calibration columns
# `ps` (P1..P3) and `ag` (three age groups), an amount `amt` (cents, whole units with ties,
# or a few values; blanks and a -99 "refused" code under --missing) and, in a quarter of the
# seeds with weights, rows of weight 0. Then:
# - quantiles on the uncalibrated design: median and a pN (p0 to p100) by g, `pure`, a
#   segment within one post-stratum and a one-row segment, at a random level;
# - the design post-stratified (on ps, ps x ag, g, or ps x g: domains within and across the
#   post-strata) or raked (two or three margins, now and then a crossed one; `--rake-maxit`
#   1 to 50 and `--rake-epsilon` 1e-9 to 0.5 in half the seeds): tab (a random --ci), compare,
#   score and compare --score (NPS, a mean), quantiles, chisq (with the seed's --base);
#   a population file listing a post-stratum no row holds in a tenth (both must refuse);
# - the same on replicate weights of ext.R's six types made for the file's rows
#   (postStratify / rake on svrepdesign).
# Raking a Taylor design refuses rows of weight 0 (R's SEs are NaN there: methods.md): the
# refusal is checked (OK-RAKE-W0), then the rows are excluded with --exclude w:0 as R drops
# them. Its own streams (seed * 73 + 31 for the columns, * 79 + 3 for the commands, * 83 + 7
# for the replicate weights): the other parts' data and commands are unchanged.

ext6_gen <- function(seed) {
    X <- ext4_gen(seed)
    set.seed(seed * 73 + 31)
    df <- X$df
    n <- nrow(df)
    ue <- as.numeric(ave(seq_len(n), paste(df$st, df$psu), FUN = function(i) rnorm(1, 0, 0.5)))
    spread <- function(lv, probs = NULL) {
        # (every value at least twice where the rows allow it)
        k <- min(length(lv), n %/% 2)
        v <- c(rep(lv[seq_len(k)], 2), sample(lv[seq_len(k)], max(0, n - 2 * k), replace = TRUE, prob = probs[seq_len(k)]))
        sample(v)[seq_len(n)]
    }
    kp <- sample(2:3, 1)
    df$cl <- as.integer(factor(paste(df$st, df$psu), levels = unique(paste(df$st, df$psu))))
    df$ps <- spread(paste0("P", seq_len(kp)))
    df$ag <- spread(c("18-34", "35-54", "55+")[seq_len(sample(2:3, 1))])
    amode <- sample(c("cents", "whole", "few"), 1, prob = c(0.45, 0.35, 0.2))
    a <- exp(rnorm(n, 3.4 + ue, 0.7))
    amt <- switch(amode, cents = sprintf("%.2f", round(a, 2)), whole = sprintf("%d", round(a)),
                  few = sprintf("%d", sample(c(5, 10, 20, 50), n, replace = TRUE, prob = c(0.4, 0.3, 0.2, 0.1))))
    amt[runif(n) < 0.06] <- NA
    amiss <- runif(1) < 0.5
    if (amiss) amt[sample(which(!is.na(amt)), min(sum(!is.na(amt)), sample(1:3, 1)))] <- "-99"
    df$amt <- amt
    zw <- FALSE
    if (!is.null(df$w) && runif(1) < 0.25 && n > 12) {
        zr <- sample(n, sample(1:3, 1))
        df$w[zr] <- "0"
        zw <- TRUE
    }
    X$df <- df
    X$amode <- amode; X$amiss <- amiss; X$zw <- zw
    X
}

# A population file of the cells of cols (their values as the data write them, and Freq):
# each cell's design weights over rows, times a factor of its own (0.7 to 1.4), to 7
# digits; total: the sum they must reach (raking's margins count one population), NULL
# for post-strata. extra: a cell no row holds (appended). Returns list(df, file).
ext6_pop <- function(rel, dat, w, rows, cols, total = NULL, extra = FALSE) {
    key <- do.call(paste, c(lapply(cols, function(cc) dat$txt[[cc]][rows]), sep = "\r"))
    What <- tapply(w[rows], key, sum)
    cells <- names(What)
    cv <- do.call(rbind, strsplit(cells, "\r", fixed = TRUE))
    pop <- as.data.frame(matrix(cv, ncol = length(cols)), stringsAsFactors = FALSE)
    names(pop) <- cols
    f <- round(runif(length(cells), 0.7, 1.4), 3)
    N <- as.numeric(What) * f
    if (!is.null(total)) N <- N * total / sum(N)
    N <- as.numeric(sprintf("%.7g", N))
    if (!is.null(total)) N[length(N)] <- total - sum(N[-length(N)])
    pop$Freq <- N
    if (extra) {
        ex <- pop[1, ]
        ex[[cols[1]]] <- "P9"
        if (cols[1] == "g") ex[[cols[1]]] <- "G9"
        if (cols[1] == "ag") ex[[cols[1]]] <- "75+"
        # (a margin keeps its total: the cell takes half the last one's)
        if (!is.null(total)) { ex$Freq <- pop$Freq[nrow(pop)] / 2; pop$Freq[nrow(pop)] <- pop$Freq[nrow(pop)] - ex$Freq }
        pop <- rbind(pop, ex)
    }
    out <- pop
    out$Freq <- sprintf("%.17g", out$Freq)
    write.csv(out, file.path(OUT, rel), row.names = FALSE, quote = FALSE)
    list(df = pop, file = rel, What = What)
}

# R's calibrated design: postStratify(des, ~cols, pop) or rake(des, margins, pops, control);
# cal: list(mode, cols | margins, pops, maxit, epsilon); the column g goes to R as gg_
# (svyglm on a replicate design stops on a column named g: ext.R)
ext6_rname <- function(cols) ifelse(cols == "g", "gg_", cols)
ext6_calibrate <- function(des, cal) {
    des$variables$gg_ <- des$variables$g
    rpop <- function(p) { names(p)[names(p) == "g"] <- "gg_"; p }
    if (cal$mode == "post") {
        f <- as.formula(paste("~", paste(ext6_rname(cal$cols), collapse = " + ")))
        return(postStratify(des, f, rpop(cal$pops[[1]])))
    }
    ff <- lapply(cal$margins, function(m) as.formula(paste("~", paste(ext6_rname(m), collapse = " + "))))
    ctl <- list(maxit = cal$maxit, epsilon = cal$epsilon, verbose = FALSE)
    warned <- character()
    d <- withCallingHandlers(rake(des, ff, lapply(cal$pops, rpop), control = ctl),
                             warning = function(w) {
                                 if (grepl("did not converge", conditionMessage(w))) warned <<- conditionMessage(w)
                                 invokeRestart("muffleWarning")
                             })
    attr(d, "rake_warning") <- warned
    d
}
# shopstat's "Raking did not converge after N iterations" (stderr) where R warns, with R's
# N, and not elsewhere
ext6_rake_warning <- function(tag, err, des) {
    rw <- attr(des, "rake_warning")
    if (is.null(rw)) return(invisible())
    got <- regmatches(err, regexpr("[Rr]aking did not converge after [0-9]+ iterations", err))
    want <- regmatches(rw, regexpr("[Rr]aking did not converge after [0-9]+ iterations", rw))
    STATS$nums <- STATS$nums + 1
    STATS$kinds <- c(STATS$kinds, if (length(want)) "rake-not-converged" else "rake-converged")
    if (!identical(tolower(got), tolower(want))) {
        STATS$bad <- STATS$bad + 1
        LOG(tag, "|DIFF|rake warning|shopstat=", paste(got, collapse = ""), "|R=", paste(want, collapse = ""))
    }
}

# Draw a calibration of the rows kept (dat, design weights w) and write its population
# files: mode post (ps, ps x ag, g, ps x g) or rake (two or three margins); extra: a
# post-stratum (or margin cell) no row holds.
ext6_cal <- function(tg, mode, dat, w, extra) {
    pos <- w > 0
    if (mode == "post") {
        cols <- sample(list("ps", c("ps", "ag"), "g", c("ps", "g")), 1, prob = c(0.35, 0.3, 0.15, 0.2))[[1]]
        P <- ext6_pop(file.path("data", paste0(tg, "_pop.csv")), dat, w, rep(TRUE, length(w)), cols, extra = extra)
        if (any(P$What <= 0)) return(NULL)
        return(list(mode = mode, cols = cols, pops = list(P$df), What = P$What,
                    flags = c("--poststratify", paste(cols, collapse = ","), "--population", P$file),
                    desc = paste0("post ", paste(cols, collapse = "x"), if (extra) " +empty")))
    }
    margins <- sample(list(list("ps", "ag"), list(c("ps", "g"), "ag"), list("ps", "ag", "g"), list("ag", c("ps", "g"))), 1,
                      prob = c(0.35, 0.25, 0.25, 0.15))[[1]]
    pops <- list(); flags <- character(); total <- NULL
    for (k in seq_along(margins)) {
        P <- ext6_pop(file.path("data", sprintf("%s_m%d.csv", tg, k)), dat, w, rep(TRUE, length(w)), margins[[k]],
                      total = total, extra = extra && k == length(margins))
        if (any(P$What <= 0)) return(NULL)
        if (is.null(total)) total <- sum(P$df$Freq)
        pops[[k]] <- P$df
        flags <- c(flags, "--rake", paste0(paste(margins[[k]], collapse = ","), "=", P$file))
    }
    maxit <- 10; epsilon <- 1
    if (runif(1) < 0.5) {
        u <- runif(1)
        if (u < 0.35) maxit <- sample(c(1, 2, 3), 1)
        else if (u < 0.7) { maxit <- 50; epsilon <- sample(c(1e-9, 1e-6, 1e-4), 1) }
        else epsilon <- sample(c(0.5, 1e-3, 5), 1)
        if (maxit != 10) flags <- c(flags, "--rake-maxit", maxit)
        if (epsilon != 1) flags <- c(flags, "--rake-epsilon", format(epsilon))
    }
    list(mode = mode, margins = margins, pops = pops, maxit = maxit, epsilon = epsilon, flags = flags,
         desc = paste0("rake ", paste(vapply(margins, paste, "", collapse = "x"), collapse = "+"),
                       " maxit=", maxit, " eps=", format(epsilon), if (extra) " +empty"))
}

# R's quantile rows (make_quantile_fixtures.R's run_quantile): svyquantile(~x, subset(des,
# segment & base & answered), p, alpha = 1 - level), its SE(), df degf(subset), no deff;
# returned as score_expect's rows (score_cmp_rows compares them).
Q_NAMES <- c(p0 = 0, p2.5 = 0.025, p10 = 0.1, p25 = 0.25, p75 = 0.75, p90 = 0.9, p100 = 1)
ext6_q_expect <- function(dat, des, w, col, probs, segs, inbase, level, miss) {
    x <- dat$num[[col]]
    if (miss) x[x %in% -99] <- NA
    rows <- list(); badsegs <- character(); rerr <- NULL
    wholedf <- tryCatch(degf(des[inbase, ]), error = function(e) NA)
    for (k in seq_along(probs)) for (sg in segs) {
        d <- sg$rows & inbase & !is.na(x)
        W <- sum(w[d])
        r <- list(variable = col, score = names(probs)[k], segment = sg$name, base_n = sum(d),
                  base_weight = W, estimate = NA, se = NA, ci_lower = NA, ci_upper = NA, df = NA,
                  deff = NA, eff_base = if (W > 0) W^2 / sum(w[d]^2) else NA, note = "")
        if (!any(d)) { r$note <- "empty"; rows[[length(rows) + 1]] <- r; next }
        xx <- x; xx[!d] <- 0
        des$variables$xx_ <- xx
        sub <- des[d, ]
        r$df <- degf(sub)
        if (W == 0) { r$note <- "W0"; rows[[length(rows) + 1]] <- r; next }
        q <- tryCatch(suppressWarnings(svyquantile(~xx_, sub, probs[[k]], alpha = 1 - level)), error = function(e) e)
        if (inherits(q, "error")) { rerr <- conditionMessage(q); r$note <- "Rerror"; rows[[length(rows) + 1]] <- r; next }
        v <- q$xx_
        r$estimate <- v[1, 1]; r$ci_lower <- v[1, 2]; r$ci_upper <- v[1, 3]
        r$se <- SE(q)[[1]]
        # F's SE of round-off (every row of positive weight at or below the estimate, a
        # domain in one PSU under certainty, post-strata each wholly above or below it): R's
        # 1e-17 moves an end past 1 (NaN, s8, s12) or across a value (s48); methods.md's SE 0
        # gives [q, q] and SE 0. Round-off is what the row-by-row linearisation leaves below
        # 1e-15: with weights from 1e-6 to 1e6 a real SE of 1e-12 beside 1 - F of 1e-12 puts
        # the upper end past 1 in R and shopstat alike (s118)
        des$variables$ind_ <- as.numeric(!is.na(xx) & xx <= r$estimate)
        sub <- des[d, ]
        sf <- tryCatch(SE(svymean(~ind_, sub))[[1]], error = function(e) NA)
        if (r$df > 0 && is.finite(sf) && sf < 1e-9 && stable_se(sub, d, des$variables$ind_, w) < 1e-15) {
            if (!(isTRUE(r$ci_lower == r$estimate) && isTRUE(r$ci_upper == r$estimate))) r$note <- "q-F-se-roundoff"
            else r$note <- "q-F-se0"
            r$se <- 0
            r$ci_lower <- r$ci_upper <- r$estimate
        }
        if (!(r$df > 0)) { r$note <- "q-df0"; if (!isTRUE(wholedf > 0)) badsegs <- c(badsegs, sg$name) }
        rows[[length(rows) + 1]] <- r
    }
    list(rows = rows, badsegs = unique(badsegs), rerr = rerr)
}
ext6_quantiles <- function(tag, dat, des, w, segs, base, inbase, dflags, miss, rule) {
    probs <- c(median = 0.5, Q_NAMES[sample(length(Q_NAMES), 1)])
    level <- sample(c(0.95, 0.9, 0.8, 0.99), 1)
    old <- options(survey.lonely.psu = rule)
    ex <- tryCatch(ext6_q_expect(dat, des, w, "amt", probs, segs, inbase, level, miss), error = function(e) e)
    options(old)
    qflags <- as.vector(rbind("--score", paste0("amt:", names(probs))))
    args <- c("score", dat$path, dflags, if (miss) c("--missing", "amt:-99"), qflags, attr(segs, "flags"), base$flags)
    if (level != 0.95) args <- c(args, "--level", level)
    res <- run_sh(tag, args)
    LOG(tag, "|RUN|rc=", res$rc, "|level=", level, "|q=", paste(names(probs), collapse = ","))
    if (inherits(ex, "error")) {
        if (res$rc == 0) { LOG(tag, "|MISMATCH-ERR|R error ", conditionMessage(ex)); STATS$bad <- STATS$bad + 1 }
        else LOG(tag, "|OK-ERR|R: ", conditionMessage(ex), "|shopstat: ", res$err)
        return(invisible())
    }
    if (!is.null(ex$rerr)) {
        if (res$rc == 0) { LOG(tag, "|MISMATCH-ERR|R error ", ex$rerr); STATS$bad <- STATS$bad + 1 }
        else LOG(tag, "|OK-ERR|R: ", ex$rerr, "|shopstat: ", res$err)
        return(invisible())
    }
    if (length(ex$badsegs) && res$rc != 0) { LOG(tag, "|OK-DF0|", paste(ex$badsegs, collapse = ","), "|shopstat: ", res$err); return(invisible()) }
    if (res$rc != 0) { LOG(tag, "|FAIL|rc=", res$rc, "|", res$err); STATS$bad <- STATS$bad + 1; return(invisible()) }
    if (nchar(res$err)) LOG(tag, "|STDERR|", res$err)
    for (e in ex$rows) STATS$kinds <- c(STATS$kinds, paste0("quantile-", if (e$note == "") "ok" else e$note))
    score_cmp_rows(tag, res$out, ex$rows)
}

# tab as ext_tab, its expected rows adjusted for a calibrated design: a post-stratum's own
# share has SE 0 up to R's round-off (1e-17), and deff 0 (methods.md; calib_helpers.R)
ext6_tab <- function(tag, dat, spec, des, w, qs, segs, base, inbase, dflags, ci, ci_flag, level, rep) {
    args <- c("tab", dat$path, dflags, unlist(lapply(qs, `[[`, "flags")), attr(segs, "flags"), base$flags)
    if (ci_flag != "logit") args <- c(args, "--ci", ci_flag)
    if (level != 0.95) args <- c(args, "--level", level)
    ex <- tryCatch(tab_expect(dat, spec, qs, segs, ci, level, inbase, des = des, w = w), error = function(e) e)
    res <- run_sh(tag, args)
    LOG(tag, "|RUN|rc=", res$rc, "|ci=", ci_flag, "|level=", level)
    if (inherits(ex, "error")) ex <- list(rerr = conditionMessage(ex))
    if (!is.null(ex$rerr)) {
        if (res$rc == 0) { LOG(tag, "|MISMATCH-ERR|R errors (", ex$rerr, ") but shopstat rc=0"); STATS$bad <- STATS$bad + 1 }
        else LOG(tag, "|OK-ERR|R: ", ex$rerr, "|shopstat: ", res$err)
        return(FALSE)
    }
    if (length(ex$badsegs) && res$rc != 0) { LOG(tag, "|OK-DF0|", paste(ex$badsegs, collapse = ","), "|shopstat: ", res$err); return(FALSE) }
    if (res$rc != 0) { LOG(tag, "|FAIL|rc=", res$rc, "|", res$err); STATS$bad <- STATS$bad + 1; return(FALSE) }
    if (nchar(res$err)) LOG(tag, "|STDERR|", res$err)
    ext6_rake_warning(tag, res$err, des)
    rows <- lapply(ex$rows, function(r) {
        if (is.finite(r$se) && is.finite(r$proportion) && r$se < 1e-12 * r$proportion && r$note == "se0-ci") {
            r$deff <- 0; r$se <- 0; r$note <- "cal-own-share"
        }
        r
    })
    for (r in rows) STATS$kinds <- c(STATS$kinds, paste0("cal-tab-", if (r$note == "") "ok" else r$note))
    compare_tab(tag, res$out, rows)
    TRUE
}

# The calibrated part on one design (Taylor or replicate): tab, compare, score and compare
# --score, quantiles, chisq.
ext6_run <- function(tg, dat, spec, des, w, rep, segs, groups, base, inbase, dflags, rule, amiss) {
    ci_flag <- sample(if (rep) setdiff(names(ci_canon), "likelihood") else names(ci_canon), 1)
    level <- sample(c(0.95, 0.9, 0.99), 1)
    qs <- list(q_var(dat, "q"), q_var(dat, "q2"))
    ext6_tab(paste0(tg, "tab"), dat, spec, des, w, qs, segs, base, inbase, dflags, ci_canon[[ci_flag]], ci_flag, level, rep)
    pp <- ext_pairs(segs, w, inbase)
    if (length(pp$pairs)) ext_compare(paste0(tg, "cmp"), dat, spec, des, rep, qs, segs, pp, base, inbase, character(), dflags)
    else LOG(paste0(tg, "cmp"), "|SKIP|no pair")
    lsets <- list(list(col = "n10", flag = "n10:nps", name = "NPS", f = sc_nps_f),
                  list(col = "r5", flag = "r5", name = "mean", f = as.numeric))
    ext_levels(tg, dat, spec, des, w, rep, lsets, segs, pp, base, inbase, character(), dflags)
    ext6_quantiles(paste0(tg, "qt"), dat, des, w, segs, base, inbase, dflags, amiss, rule)
    old <- options(survey.lonely.psu = rule)
    for (qv in if (rep) "q2" else c("q2", "q"))
        ext4_chisq(paste0(tg, "chi_", qv), c("chisq", dat$path, dflags, "--var", qv, "--by", "g", base$flags),
                   des, qv, "g", dat, inbase, w)
    options(old)
}

ext6_audit <- function(seed) {
    X <- ext6_gen(seed)
    set.seed(seed * 79 + 3)
    rel <- file.path("data", sprintf("s%d_c.csv", seed))
    write.csv(X$df, file.path(OUT, rel), row.names = FALSE, na = "")
    raw <- read_back(file.path(OUT, rel))
    n <- nrow(raw$num)
    # (the design: ext4.R's strata and PSUs; or the rows as PSUs within the strata, an
    # element design, whose post-stratified and raked variance takes its own path in the
    # pass (methods.md); or the PSUs without strata, `cl` numbering them across the strata)
    dmode <- sample(c("strat-clus", "element", "clus"), 1, prob = c(0.5, 0.25, 0.25))
    spec <- switch(dmode, "strat-clus" = list(strata = "st", psu = "psu"), element = list(strata = "st"),
                   clus = list(psu = "cl"))
    if (X$wmode != "none") spec$weight <- "w"
    # (fpc: counts of PSUs, so not an element design's; a stratum's fraction not a design
    # without strata's)
    if (X$fmode == "count" && dmode == "strat-clus" || X$fmode == "frac" && dmode != "clus") spec$fpc <- "fpc"
    if (X$wmode == "none" && is.null(spec$fpc) && dmode == "clus") spec$weight <- NULL
    rule <- c("adjust", "average", "remove", "certainty")[(seed + 2) %% 4 + 1]
    spec$lonely <- rule
    cand <- list(list(flag = "sp:Yes", rows = raw$txt$sp == "Yes"),
                 { gv <- sample(c("G1", "G2", "G3"), 1); list(flag = paste0("g:", gv), rows = raw$txt$g == gv) },
                 { s <- sample(unique(raw$txt$st), 1); list(flag = paste0("st:", s), rows = raw$txt$st == s) },
                 { p <- sample(unique(raw$txt$psu), 1); list(flag = paste0("psu:", p), rows = raw$txt$psu == p) })
    pick <- if (runif(1) < 0.4) list() else cand[sample(4, 1, prob = c(0.4, 0.25, 0.2, 0.15))]
    exrows <- if (length(pick)) Reduce(`|`, lapply(pick, `[[`, "rows")) else rep(FALSE, n)
    exrows[is.na(exrows)] <- FALSE
    if (sum(!exrows) < 10) { pick <- list(); exrows <- rep(FALSE, n) }
    xflags <- if (length(pick)) as.vector(rbind("--exclude", vapply(pick, `[[`, "", "flag"))) else character()
    mode <- c("post", "rake")[seed %% 2 + 1]
    extra <- runif(1) < 0.1
    # (raking a Taylor design refuses rows of weight 0: checked, then excluded)
    w0 <- X$zw && mode == "rake" && any(raw$num$w[!exrows] == 0)
    keep <- !exrows
    if (w0) keep <- keep & raw$num$w != 0
    dat <- keep_rows(raw, keep); dat$path <- rel
    m <- nrow(dat$num)
    base <- NULL
    u <- runif(1)
    if (u < 0.25) { r <- dat$num$x >= -0.7; base <- list(rows = !is.na(r) & r, flags = c("--base", "x:>=-0.7")) }
    else if (u < 0.45) base <- list(rows = !is.na(dat$txt$sp) & dat$txt$sp == "No", flags = c("--base", "sp:No"))
    inbase <- if (is.null(base)) rep(TRUE, m) else base$rows
    tg <- sprintf("s%d_c", seed)
    LOG(tg, "|RUN|design=", dmode, "|rule=", rule, "|fpc=", if (is.null(spec$fpc)) "none" else X$fmode, "|w=", X$wmode, "|zero-w=", X$zw, "|amt=", X$amode,
        "|missing=", X$amiss, "|exclude=", paste(vapply(pick, `[[`, "", "flag"), collapse = " "),
        "|rows=", n, "->", m, "|base=", paste(base$flags, collapse = " "))
    STATS$kinds <- c(STATS$kinds, paste0("ext6-", mode), paste0("ext6-", dmode), paste0("ext6-amt-", X$amode), if (X$zw) "ext6-zero-w")
    old <- options(survey.lonely.psu = rule)
    des <- tryCatch(make_design(dat, spec), error = function(e) e)
    options(old)
    if (inherits(des, "error")) { LOG(tg, "|NOTE|R design: ", conditionMessage(des)); return(invisible()) }
    w <- if (is.null(spec$weight)) suppressWarnings(weights(des)) else dat$num$w
    dflags <- c(design_flags(spec), xflags, if (w0) c("--exclude", "w:0"))
    one <- sample(dat$txt$id, 1)
    pv <- sample(unique(dat$txt$ps), 1)
    groups <- list(s_by(dat, "g"), s_eq(dat, "pure", "q2", "yes"), s_eq(dat, "inps", "ps", pv), s_eq(dat, "one", "id", one))
    segs <- seg_list(dat, groups)

    ## quantiles on the uncalibrated design
    ext6_quantiles(paste0(tg, "q0"), dat, des, w, segs, base, inbase, dflags, X$amiss, rule)

    ## the calibrated Taylor design
    cal <- ext6_cal(tg, mode, dat, w, extra)
    if (is.null(cal)) { LOG(tg, "|NOTE|a calibration cell of weight 0"); return(invisible()) }
    cflags <- c(dflags, cal$flags)
    if (w0) {
        r0 <- run_sh(paste0(tg, "w0"), c("tab", rel, design_flags(spec), xflags, cal$flags, "--var", "q2"))
        if (r0$rc == 2 && grepl("weight is 0", r0$err)) LOG(tg, "w0|OK-RAKE-W0|", r0$err)
        else { LOG(tg, "w0|FAIL|raked rows of weight 0 not refused: rc=", r0$rc, "|", r0$err); STATS$bad <- STATS$bad + 1 }
    }
    LOG(tg, "t|RUN|", cal$desc)
    old <- options(survey.lonely.psu = rule)
    cdes <- tryCatch(ext6_calibrate(des, cal), error = function(e) e)
    options(old)
    if (inherits(cdes, "error")) {
        r1 <- run_sh(paste0(tg, "terr"), c("tab", rel, cflags, "--var", "q2"))
        if (r1$rc == 2) LOG(tg, "t|OK-ERR|R: ", conditionMessage(cdes), "|shopstat: ", r1$err)
        else { LOG(tg, "t|MISMATCH-ERR|R: ", conditionMessage(cdes), "|shopstat rc=", r1$rc); STATS$bad <- STATS$bad + 1 }
    } else {
        if (extra) { LOG(tg, "t|NOTE|R calibrated with a post-stratum absent from the sample"); STATS$bad <- STATS$bad + 1 }
        cw <- weights(cdes)
        ext6_run(paste0(tg, "t"), dat, spec, cdes, cw, FALSE, segs, groups, base, inbase, cflags, rule, X$amiss)
    }

    ## replicate weights of ext.R's types for the file's rows, calibrated the same way
    rsp <- spec; rsp$lonely <- NULL
    RP <- rep_make_x(raw, rsp, seed * 83 + 7)
    if (is.null(RP)) { LOG(tg, "r|NOTE|no replicate design"); return(invisible()) }
    rrel <- write_reps(raw, RP, file.path("data", sprintf("s%d_cr.csv", seed)))
    rall <- read_back(file.path(OUT, rrel))
    rkeep <- !exrows
    rdat <- keep_rows(rall, rkeep); rdat$path <- rrel
    rin <- if (is.null(base)) rep(TRUE, nrow(rdat$num)) else {
        b <- if (base$flags[2] == "sp:No") !is.na(rdat$txt$sp) & rdat$txt$sp == "No" else { r <- rdat$num$x >= -0.7; !is.na(r) & r }
        b
    }
    rbase <- if (is.null(base)) NULL else list(rows = rin, flags = base$flags)
    rnum <- rdat$num; rnum$gg_ <- rnum$g; rnum$g <- NULL
    rdes <- tryCatch(RP$design(rnum), error = function(e) e)
    if (inherits(rdes, "error")) { LOG(tg, "r|NOTE|R design: ", conditionMessage(rdes)); return(invisible()) }
    rw <- rdat$num$rw
    rcal <- ext6_cal(paste0(tg, "r"), mode, rdat, rw, extra)
    if (is.null(rcal)) { LOG(tg, "r|NOTE|a calibration cell of weight 0"); return(invisible()) }
    rflags <- c(RP$flags, xflags, rcal$flags)
    LOG(tg, "r|RUN|", RP$desc, "|", rcal$desc, "|rows=", nrow(rdat$num))
    STATS$kinds <- c(STATS$kinds, paste0("ext6-rep-", RP$type))
    rcdes <- tryCatch(ext6_calibrate(rdes, rcal), error = function(e) e)
    if (!inherits(rcdes, "error")) {
        # (a replicate of a post-stratum of weight 0: R's weights NaN, its degf stops later)
        rcdes <- tryCatch({ degf(rcdes); rcdes }, error = function(e) e)
    }
    if (inherits(rcdes, "error")) {
        r1 <- run_sh(paste0(tg, "rerr"), c("tab", rrel, rflags, "--var", "q2"))
        if (r1$rc == 2) LOG(tg, "r|OK-ERR|R: ", conditionMessage(rcdes), "|shopstat: ", r1$err)
        else { LOG(tg, "r|MISMATCH-ERR|R: ", conditionMessage(rcdes), "|shopstat rc=", r1$rc); STATS$bad <- STATS$bad + 1 }
        return(invisible())
    }
    if (extra) { LOG(tg, "r|NOTE|R calibrated with a post-stratum absent from the sample"); STATS$bad <- STATS$bad + 1 }
    rgroups <- list(s_by(rdat, "g"), s_eq(rdat, "pure", "q2", "yes"), s_eq(rdat, "inps", "ps", pv), s_eq(rdat, "one", "id", one))
    rsegs <- seg_list(rdat, rgroups)
    ext6_run(paste0(tg, "r"), rdat, list(), rcdes, weights(rcdes, "sampling"), TRUE, rsegs, rgroups, rbase, rin, rflags, rule, X$amiss)
}
