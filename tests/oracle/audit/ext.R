# The audit's extension (sourced by audit.R): ticked questions, --none-in-base on ticked,
# codes and 0/1 questions, per-column missing codes (--missing COLS:CODES), replicate
# designs of every type (brr, fay, jk1, jkn, bootstrap, sdr; --repscale, --rscales, --mse)
# for tab, compare and score, and level sets (a top-2 or bottom-2 box: a 0/1 score, whose
# difference between overlapping segments is shopstat_compare_level_set's). Everything is
# drawn from streams of its own (seed * 23 + 11, seed * 29 + 3, seed * 31 + 17), so the
# data and commands of the other parts stay those of before.

# New columns: q3 a five-point scale (1-5, or Poor..Excellent, whose byte order is not the
# scale's) with a "Don't know" (6, or the text) that is missing in q3 only; t_a, t_b, t_c
# ticked columns (1 or the option's text, blank or 0, and a code -99 or "Not shown" missing
# in those columns only).
ext_cols <- function(df, ue, seed) {
    set.seed(seed * 23 + 11)
    n <- nrow(df)
    txt <- runif(1) < 0.4
    scale <- if (txt) c("Poor", "Fair", "Good", "Very good", "Excellent") else as.character(1:5)
    dk <- if (txt) "Don't know" else "6"
    pr <- runif(5); if (runif(1) < 0.3) pr[sample(5, 1)] <- 0.01
    q3 <- vapply(seq_len(n), function(i) sample(scale, 1, prob = pr * exp(ue[i] * (1:5) / 2)), "")
    q3[runif(n) < sample(c(0, 0.05, 0.15), 1)] <- dk
    q3[runif(n) < 0.05] <- NA
    df$q3 <- q3
    style <- sample(c("text", "one"), 1)
    off <- sample(c("blank", "zero", "mixed"), 1)
    tcode <- sample(c("-99", "Not shown"), 1)
    trate <- sample(c(0, 0.03, 0.1), 1)
    labs <- c(t_a = "Phone", t_b = "E-mail", t_c = "In store")
    for (cc in names(labs)) {
        on <- runif(n) < plogis(rnorm(1) + ue)
        if (runif(1) < 0.1) on[] <- FALSE
        v <- ifelse(on, if (style == "text") labs[[cc]] else "1",
                    switch(off, blank = NA, zero = "0", mixed = ifelse(runif(n) < 0.5, "0", NA)))
        v[runif(n) < trate] <- tcode
        df[[cc]] <- v
    }
    list(df = df, txt = txt, scale = scale, dk = dk, tcode = tcode)
}

# --missing COLS:CODES flags, each with the columns and codes R blanks.
ext_missing <- function(dat, X, SC) {
    m <- list(list(cols = "q3", codes = X$dk, flag = paste0(sample(c("q3", "q[3]"), 1), ":", X$dk)),
              list(cols = c("t_a", "t_b", "t_c"), codes = X$tcode,
                   flag = paste0(sample(c("t_*", "t_a,t_b,t_c"), 1), ":", X$tcode)))
    if (runif(1) < 0.3) { cd <- sample(c("10", "1"), 1); m <- c(m, list(list(cols = "codes", codes = cd, flag = paste0("codes:", cd), cells = "[;,]"))) }
    gl <- sort_levels(dat$txt$g)
    tiny <- intersect(c("T", "9"), gl)
    if (length(tiny) && runif(1) < 0.25) m <- c(m, list(list(cols = "g", codes = tiny, flag = paste0("g:", tiny))))
    if (SC$miss) m <- c(m, list(list(cols = "n10", codes = "99", flag = "n10:99")))
    m
}
# (a --multi-codes column's cells, it$cells the separator's regex: a missing code is no code
# in a cell, "1;10" with codes:10 holds 1, and a cell of missing codes alone is no answer)
drop_cell_codes <- function(x, sep, codes, join) {
    vapply(x, function(v) {
        if (is.na(v)) return(NA_character_)
        k <- trimws(strsplit(v, sep)[[1]])
        k <- k[!k %in% codes]
        if (!length(k) || all(k == "")) NA_character_ else paste(k, collapse = join)
    }, "", USE.NAMES = FALSE)
}
apply_missing <- function(dat, m) {
    for (it in m) for (cc in it$cols) {
        if (!is.null(it$cells)) {
            v <- drop_cell_codes(dat$txt[[cc]], it$cells, it$codes, if (is.null(it$join)) ";" else it$join)
            dat$txt[[cc]] <- v; dat$num[[cc]] <- suppressWarnings(if (is.numeric(dat$num[[cc]])) as.numeric(v) else v)
            next
        }
        hit <- !is.na(dat$txt[[cc]]) & trimws(dat$txt[[cc]]) %in% it$codes
        dat$txt[[cc]][hit] <- NA
        dat$num[[cc]][hit] <- NA
    }
    dat
}
read_back <- function(path) {
    list(txt = read.csv(path, colClasses = "character", na.strings = "", check.names = FALSE),
         num = read.csv(path, na.strings = "", check.names = FALSE, stringsAsFactors = FALSE))
}

# Pairs as the compare part picks them: two different segments, each side with rows of
# positive weight in the base; g:rest while two or more g= segments are there.
ext_pairs <- function(segs, W, inbase) {
    nm <- vapply(segs, `[[`, "", "name")
    okseg <- nm[vapply(segs, function(s) sum(W[s$rows & inbase]) > 0 && sum(s$rows & inbase) >= 3, TRUE)]
    side_ok <- function(rows) sum(W[rows & inbase]) > 0
    pair_ok <- function(pr) {
        ab <- strsplit(pr, ":", fixed = TRUE)[[1]]
        ra <- segs[[match(ab[1], nm)]]$rows
        rb <- if (ab[2] == "rest") !ra else segs[[match(ab[2], nm)]]$rows
        ab[1] != ab[2] && side_ok(ra) && side_ok(rb)
    }
    gl <- grep("^g=", okseg, value = TRUE)
    cand <- character()
    if ("heavy" %in% okseg) cand <- c(cand, "heavy:all", "heavy:rest")
    if ("hi" %in% okseg) cand <- c(cand, "hi:all", "hi:rest", if ("heavy" %in% okseg) "hi:heavy")
    if (length(gl) >= 2) cand <- c(cand, paste0(gl[1], ":", gl[2]))
    others <- setdiff(okseg, "all")
    if (!length(cand) && length(others)) cand <- c(paste0(others, ":all"), paste0(others, ":rest"))
    cand <- Filter(pair_ok, cand)
    pairs <- if (length(cand)) sample(cand, sample(1:min(3, length(cand)), 1)) else character()
    cli <- pairs
    gall <- grep("^g=", nm, value = TRUE)
    if (runif(1) < 0.3 && length(gall) >= 2 && all(gall %in% okseg) &&
        all(vapply(paste0(gall, ":rest"), pair_ok, TRUE))) {
        pairs <- c(pairs, paste0(gall, ":rest")); cli <- c(cli, "g:rest")
    }
    list(pairs = pairs, cli = cli)
}

# Level sets as 0/1 scores (or 0/100): q3's top-2 or bottom-2 box or top box, n10's
# detractors or promoters.
ext_levelsets <- function(X, SC) {
    sc <- X$scale
    pick <- sample(list(list(set = sc[4:5], nm = "top2"), list(set = sc[1:2], nm = "bottom2"),
                        list(set = sc[5], nm = "top")), 1)[[1]]
    hi <- sample(c(1, 1, 100), 1)
    flag <- if (X$txt) paste(c(paste0(pick$set, "=", hi), paste0(setdiff(sc, pick$set), "=0")), collapse = ",")
            else { k <- as.numeric(pick$set)
                   rng <- function(v) if (length(v) == 1) v else paste0(min(v), "-", max(v))
                   paste0(rng(k), "=", hi, ",", rng(setdiff(1:5, k)), "=0") }
    set <- pick$set
    out <- list(list(col = "q3", flag = paste0("q3:", flag), name = "score",
                     f = function(x) ifelse(is.na(x), NA, ifelse(x %in% set, hi, 0))))
    if (runif(1) < 0.5) {
        lo <- if (SC$n10lv[1] == "0" || "0" %in% SC$n10lv) 0 else 5
        det <- runif(1) < 0.5
        nf <- if (det) paste0(lo, "-6=1,7-10=0") else paste0("9-10=1,", lo, "-8=0")
        out <- c(out, list(list(col = "n10", flag = paste0("n10:", nf), name = "score",
                                f = function(x) { v <- as.numeric(x); ifelse(is.na(v), NA, if (det) as.numeric(v <= 6) else as.numeric(v >= 9)) })))
    }
    out
}

# Replicate weights of every type made from the seed's design (units: PSUs, or rows of an
# element design): brr and fay half-samples, jk1 delete-a-group, jkn delete-a-group within
# strata (rscales (G_h - 1)/G_h, times a factor below 1 in a quarter of the seeds),
# bootstrap counts, sdr factors 1 -+ 0.71; --repscale for jk1 and bootstrap, --rscales
# (one value) for bootstrap now and then, --mse in a third (sdr: always, as shopstat's
# default and R's mse = TRUE).
rep_make_x <- function(dat, spec, seed) {
    set.seed(seed * 31 + 17)
    old <- options(survey.lonely.psu = "adjust"); on.exit(options(old))
    w <- suppressWarnings(weights(make_design(dat, spec)))
    n <- nrow(dat$num)
    sto <- if (is.null(spec$strata)) rep("", n) else dat$txt$st
    unit <- paste(sto, if (is.null(spec$psu)) seq_len(n) else dat$txt$psu)
    uu <- unique(unit)
    type <- sample(c("brr", "fay", "jk1", "jkn", "bootstrap", "sdr"), 1)
    rho <- NULL; scale <- NULL; rscales <- NULL; rsflag <- NULL
    if (type == "jkn") {
        sh <- sto[match(uu, unit)]
        H <- unique(sh)
        cap <- max(2, 40 %/% length(H))
        f <- if (runif(1) < 0.25) round(runif(length(H), 0.3, 1), 3) else rep(1, length(H))
        cols <- list(); rs <- numeric()
        for (hh in seq_along(H)) {
            ids <- which(sh == H[hh]); Gh <- min(length(ids), cap)
            if (Gh < 2) next
            g <- sample(rep(seq_len(Gh), length.out = length(ids)))
            gu <- rep(NA_integer_, length(uu)); gu[ids] <- g
            gr <- gu[match(unit, uu)]
            for (j in seq_len(Gh)) {
                cols[[length(cols) + 1]] <- ifelse(is.na(gr), 1, ifelse(gr == j, 0, Gh / (Gh - 1)))
                rs <- c(rs, (Gh - 1) / Gh * f[hh])
            }
        }
        if (!length(cols)) return(NULL)
        mult <- do.call(cbind, cols)
        rsflag <- paste(sprintf("%.17g", rs), collapse = ",")
        rscales <- as.numeric(strsplit(rsflag, ",")[[1]])
    } else {
        G <- min(length(uu), 40)
        if (G < 2) return(NULL)
        grp <- sample(rep(seq_len(G), length.out = length(uu)))[match(unit, uu)]
        if (type == "fay") rho <- sample(c(0.3, 0.5, 0.25), 1)
        R <- switch(type, brr = sample(c(8, 12, 16), 1), fay = sample(c(8, 12, 16), 1), jk1 = G,
                    bootstrap = sample(c(15, 30), 1), sdr = sample(c(4, 8, 12, 20), 1))
        mult <- sapply(seq_len(R), function(r) switch(type,
            brr = { h <- sample(c(0, 2), G, replace = TRUE); h[grp] },
            fay = { h <- sample(c(rho, 2 - rho), G, replace = TRUE); h[grp] },
            jk1 = ifelse(grp == r, 0, G / (G - 1)),
            bootstrap = { cnt <- tabulate(sample(G, G - 1, replace = TRUE), G) * G / (G - 1); cnt[grp] },
            sdr = { h <- sample(c(1 - 0.7071, 1, 1 + 0.7071), G, replace = TRUE); h[grp] }))
        if (type == "jk1" && runif(1) < 0.4) scale <- round((G - 1) / G * runif(1, 0.5, 1), 6)
        if (type == "bootstrap" && runif(1) < 0.3) scale <- round(runif(1, 0.02, 0.2), 6)
        if (type == "bootstrap" && runif(1) < 0.3) { rscales <- sample(c(0.5, 1.5, 2), 1); rsflag <- as.character(rscales) }
    }
    mse <- if (type == "sdr") TRUE else runif(1) < 1 / 3
    txt <- dat$txt
    txt$rw <- sprintf("%.17g", w)
    for (r in seq_len(ncol(mult))) txt[[paste0("rr", r)]] <- sprintf("%.17g", w * mult[, r])
    flags <- c("--weight", "rw", "--repweights", "rr", "--reptype", type,
               if (!is.null(rho)) c("--rho", rho), if (!is.null(scale)) c("--repscale", scale),
               if (!is.null(rsflag)) c("--rscales", rsflag), if (mse && type != "sdr") "--mse")
    rtype <- c(brr = "BRR", fay = "Fay", jk1 = "JK1", jkn = "JKn", bootstrap = "bootstrap",
               sdr = "successive-difference")[[type]]
    list(txt = txt, type = type, R = ncol(mult), mse = mse, flags = flags,
         design = function(num) suppressWarnings(svrepdesign(data = num, weights = ~rw,
             repweights = num[, paste0("rr", seq_len(ncol(mult)))], type = rtype, rho = rho,
             scale = scale, rscales = if (length(rscales) == 1) rep(rscales, ncol(mult)) else rscales,
             mse = mse, combined.weights = TRUE)),
         desc = paste0(type, " R=", ncol(mult), if (!is.null(rho)) paste0(" rho=", rho),
                       if (!is.null(scale)) paste0(" scale=", scale),
                       if (!is.null(rsflag)) paste0(" rscales=", if (type == "jkn") "list" else rsflag),
                       " mse=", mse))
}
# The seed's rows (raw$txt) with RP's replicate weights (rw, rr1..rrR) beside them, written to
# OUT/rel for shopstat and R to read back (ext.R, ext2.R, ext3.R); returns rel.
write_reps <- function(raw, RP, rel) {
    rtxt <- raw$txt; rtxt$rw <- RP$txt$rw
    for (r in seq_len(RP$R)) rtxt[[paste0("rr", r)]] <- RP$txt[[paste0("rr", r)]]
    write.csv(rtxt, file.path(OUT, rel), row.names = FALSE, na = "")
    rel
}

# One tab run with the main part's handling of R errors, df 0 and refusals; groups of a
# segment R finds at df 0 are dropped and the run repeated (at most three runs).
ext_tab <- function(tagbase, dat, spec, des, w, questions, groups, base, inbase, mflags, dflags, ci, ci_flag, level, rep) {
    for (attempt in 1:3) {
        segs <- seg_list(dat, groups)
        args <- c("tab", dat$path, dflags, mflags, unlist(lapply(questions, `[[`, "flags")),
                  attr(segs, "flags"), base$flags)
        if (ci_flag != "logit") args <- c(args, "--ci", ci_flag)
        if (level != 0.95) args <- c(args, "--level", level)
        tag <- paste0(tagbase, attempt)
        ex <- tab_expect(dat, spec, questions, segs, ci, level, inbase, des = des, w = w)
        res <- run_sh(tag, args)
        LOG(tag, "|RUN|rc=", res$rc, "|ci=", ci_flag, "|level=", level,
            "|q=", paste(vapply(questions, `[[`, "", "name"), collapse = ","),
            "|none=", paste(vapply(questions, function(q) "--none-in-base" %in% q$flags, TRUE), collapse = ","))
        if (!is.null(ex$rerr)) {
            if (res$rc == 0) { LOG(tag, "|MISMATCH-ERR|R errors (", ex$rerr, ") but shopstat rc=0"); STATS$bad <- STATS$bad + 1 }
            else LOG(tag, "|OK-ERR|R: ", ex$rerr, "|shopstat: ", res$err)
            return(groups)
        }
        if (length(ex$badsegs)) {
            if (res$rc == 0) { LOG(tag, "|MISMATCH-DF0|R df<=0 with 0<p<1 in ", paste(ex$badsegs, collapse = ","), " but shopstat rc=0"); compare_tab(tag, res$out, ex$rows) }
            else LOG(tag, "|OK-DF0|", paste(ex$badsegs, collapse = ","), "|shopstat: ", res$err)
            keep <- vapply(groups, function(gp) !any(vapply(unclass(gp), `[[`, "", "name") %in% ex$badsegs), TRUE)
            if (all(keep) || "all" %in% ex$badsegs) return(groups)
            groups <- groups[keep]; next
        }
        if (res$rc != 0) { LOG(tag, "|FAIL|rc=", res$rc, "|", res$err); STATS$bad <- STATS$bad + 1; return(groups) }
        if (nchar(res$err)) LOG(tag, "|STDERR|", res$err)
        compare_tab(tag, res$out, ex$rows)
        return(groups)
    }
    groups
}
ext_compare <- function(tag, dat, spec, des, rep, questions, segs, pp, base, inbase, mflags, dflags) {
    adjust <- sample(c("holm", "bh", "none"), 1)
    clevel <- sample(c(0.95, 0.9, 0.99), 1)
    args <- c("compare", dat$path, dflags, mflags, unlist(lapply(questions, `[[`, "flags")),
              attr(segs, "flags"), base$flags, as.vector(rbind("--pair", pp$cli)))
    if (adjust != "holm") args <- c(args, "--adjust", adjust)
    if (clevel != 0.95) args <- c(args, "--level", clevel)
    old <- options(survey.lonely.psu = if (is.null(spec$lonely)) "fail" else spec$lonely)
    ex <- tryCatch(compare_expect(dat, spec, questions, segs, pp$pairs, adjust, clevel, inbase, des = des, rep = rep),
                   error = function(e) e)
    options(old)
    res <- run_sh(tag, args)
    LOG(tag, "|RUN|rc=", res$rc, "|pairs=", paste(pp$cli, collapse = " "), "|adjust=", adjust, "|level=", clevel)
    if (inherits(ex, "error")) {
        if (res$rc == 0) { LOG(tag, "|MISMATCH-ERR|R error ", conditionMessage(ex), " shopstat rc=0"); STATS$bad <- STATS$bad + 1 }
        else LOG(tag, "|OK-ERR|R: ", conditionMessage(ex), "|shopstat: ", res$err)
    } else if (res$rc != 0) { LOG(tag, "|FAIL|rc=", res$rc, "|", res$err); STATS$bad <- STATS$bad + 1 }
    else { if (nchar(res$err)) LOG(tag, "|STDERR|", res$err); compare_cmp(tag, res$out, ex) }
}
# score and compare --score of the level sets
ext_levels <- function(tag, dat, spec, des, w, rep, lsets, segs, pp, base, inbase, mflags, dflags) {
    level <- sample(c(0.95, 0.9, 0.8, 0.99), 1)
    sflags <- as.vector(rbind("--score", vapply(lsets, `[[`, "", "flag")))
    old <- options(survey.lonely.psu = if (is.null(spec$lonely)) "fail" else spec$lonely)
    ex <- tryCatch(score_expect(dat, des, w, lsets, segs, inbase, level, FALSE), error = function(e) e)
    options(old)
    args <- c("score", dat$path, dflags, mflags, sflags, attr(segs, "flags"), base$flags)
    if (level != 0.95) args <- c(args, "--level", level)
    res <- run_sh(paste0(tag, "sc"), args)
    LOG(tag, "sc|RUN|rc=", res$rc, "|level=", level, "|scores=", paste(vapply(lsets, `[[`, "", "flag"), collapse = " "))
    if (inherits(ex, "error")) {
        if (res$rc == 0) { LOG(tag, "sc|MISMATCH-ERR|R error ", conditionMessage(ex)); STATS$bad <- STATS$bad + 1 }
        else LOG(tag, "sc|OK-ERR|R: ", conditionMessage(ex), "|shopstat: ", res$err)
    } else if (!is.null(ex$rerr) || length(ex$badsegs)) {
        if (res$rc == 0) { LOG(tag, "sc|MISMATCH-DF0|", paste(ex$badsegs, collapse = ","), ex$rerr, " but shopstat rc=0"); score_cmp_rows(paste0(tag, "sc"), res$out, ex$rows) }
        else LOG(tag, "sc|OK-DF0|", paste(ex$badsegs, collapse = ","), ex$rerr, "|shopstat: ", res$err)
    } else if (res$rc != 0 && length(ex$noisesegs)) {
        # (df 0 with R's SE round-off: shopstat may refuse, or give SE 0 and [m, m])
        LOG(tag, "sc|OK-DF0-NOISE|", paste(ex$noisesegs, collapse = ","), "|shopstat: ", res$err)
    } else if (res$rc != 0) { LOG(tag, "sc|FAIL|rc=", res$rc, "|", res$err); STATS$bad <- STATS$bad + 1 }
    else { if (nchar(res$err)) LOG(tag, "sc|STDERR|", res$err); score_cmp_rows(paste0(tag, "sc"), res$out, ex$rows) }
    if (!length(pp$pairs)) return(invisible())
    clevel <- sample(c(0.95, 0.9, 0.99), 1)
    old <- options(survey.lonely.psu = if (is.null(spec$lonely)) "fail" else spec$lonely)
    ex <- tryCatch(score_diff_expect(dat, des, lsets, segs, pp$pairs, clevel, inbase, FALSE, rep),
                   error = function(e) e)
    options(old)
    args <- c("compare", dat$path, dflags, mflags, sflags, attr(segs, "flags"), base$flags,
              as.vector(rbind("--pair", pp$cli)))
    if (clevel != 0.95) args <- c(args, "--level", clevel)
    res <- run_sh(paste0(tag, "ls"), args)
    LOG(tag, "ls|RUN|rc=", res$rc, "|pairs=", paste(pp$cli, collapse = " "), "|level=", clevel)
    if (inherits(ex, "error")) {
        if (res$rc == 0) { LOG(tag, "ls|MISMATCH-ERR|R error ", conditionMessage(ex), " shopstat rc=0"); STATS$bad <- STATS$bad + 1 }
        else LOG(tag, "ls|OK-ERR|R: ", conditionMessage(ex), "|shopstat: ", res$err)
    } else if (res$rc != 0) { LOG(tag, "ls|FAIL|rc=", res$rc, "|", res$err); STATS$bad <- STATS$bad + 1 }
    else { if (nchar(res$err)) LOG(tag, "ls|STDERR|", res$err); compare_cmp(paste0(tag, "ls"), res$out, ex) }
}

ext_audit <- function(seed, G, ue, SC, spec) {
    X <- ext_cols(G$df, ue, seed)
    rel <- file.path("data", sprintf("s%d_x.csv", seed))
    write.csv(X$df, file.path(OUT, rel), row.names = FALSE, na = "")
    raw <- read_back(file.path(OUT, rel))
    set.seed(seed * 29 + 3)
    mis <- ext_missing(raw, X, SC)
    mflags <- as.vector(rbind("--missing", vapply(mis, `[[`, "", "flag")))
    dat <- apply_missing(raw, mis)
    dat$path <- rel
    n <- nrow(dat$num)
    # questions: q3 always; ticked, codes, 0/1 and q2 at random, the multi-response ones
    # with --none-in-base half the time
    tk <- q_ticked(dat, "tk", c("t_a", "t_b", "t_c"))
    cd <- q_codes(dat, "cd", "codes")
    mr <- q_multi(dat, "mr", c("m_a", "m_b", "m_c"))
    if (runif(1) < 0.5) tk <- q_none(tk)
    if (runif(1) < 0.5) cd <- q_none(cd)
    if (runif(1) < 0.3) mr <- q_none(mr, dat, c("m_a", "m_b", "m_c"))
    others <- list(tk, cd, mr, q_var(dat, "q2"))
    # (Poor..Excellent in the scale's order, as shopstat takes a recognised text scale's
    # levels since the text-scale change; the script expected their byte order: ORDER lines)
    q3q <- q_var(dat, "q3")
    if (X$txt && sum(X$scale %in% q3q$levels) >= 2) q3q$levels <- X$scale[X$scale %in% q3q$levels]
    questions <- c(list(q3q), others[sort(sample(4, sample(1:3, 1)))])
    hi <- if (X$txt) s_eq(dat, "hi", "q3", c("Very good", "Excellent")) else s_cmp(dat, "hi", "q3", ">=", 4)
    groups <- list(s_by(dat, "g"), s_eq(dat, "heavy", "spend", "3"), hi)
    base <- NULL
    u <- runif(1)
    if (u < 0.25) base <- list(rows = !is.na(dat$txt$spend) & dat$txt$spend %in% c("2", "3"), flags = c("--base", "spend:2,3"))
    else if (u < 0.5) base <- if (X$txt) { r <- !is.na(dat$txt$q3) & dat$txt$q3 != "Poor"; list(rows = r, flags = c("--base", "q3:Fair,Good,Very good,Excellent")) }
                             else { r <- !is.na(dat$num$q3) & dat$num$q3 >= 2; list(rows = r, flags = c("--base", "q3:>=2")) }
    inbase <- if (is.null(base)) rep(TRUE, n) else base$rows
    ci_flag <- sample(names(ci_canon), 1); ci <- ci_canon[[ci_flag]]
    level <- sample(c(0.95, 0.95, 0.9, 0.8, 0.99, 0.5), 1)
    lsets <- ext_levelsets(X, SC)

    ## Taylor
    old <- options(survey.lonely.psu = if (is.null(spec$lonely)) "fail" else spec$lonely)
    des <- make_design(dat, spec)
    options(old)
    w <- if (is.null(spec$weight)) suppressWarnings(weights(des)) else dat$num[[spec$weight]]
    dflags <- design_flags(spec)
    LOG(sprintf("s%d_x", seed), "|RUN|missing=", paste(vapply(mis, `[[`, "", "flag"), collapse = " "),
        "|q3=", if (X$txt) "text" else "1-5", "|base=", paste(base$flags, collapse = " "))
    g2 <- ext_tab(sprintf("s%d_xtab", seed), dat, spec, NULL, w, questions, groups, base, inbase, mflags, dflags, ci, ci_flag, level, FALSE)
    segs <- seg_list(dat, g2)
    pp <- ext_pairs(segs, w, inbase)
    if (length(pp$pairs)) ext_compare(sprintf("s%d_xcmp", seed), dat, spec, NULL, FALSE, questions, segs, pp, base, inbase, mflags, dflags)
    else LOG(sprintf("s%d_xcmp", seed), "|SKIP|no pair")
    ext_levels(sprintf("s%d_x", seed), dat, spec, des, w, FALSE, lsets, segs, pp, base, inbase, mflags, dflags)

    ## replicate weights made from the design
    RP <- rep_make_x(dat, spec, seed)
    if (is.null(RP)) { LOG(sprintf("s%d_xr", seed), "|NOTE|one unit: no replicate design"); return(invisible()) }
    rrel <- write_reps(raw, RP, file.path("data", sprintf("s%d_xrep.csv", seed)))
    rdat <- apply_missing(read_back(file.path(OUT, rrel)), mis)
    rdat$path <- rrel
    # (R's svyglm on a replicate design, which svyciprop's logit calls, stops with "$
    # operator is invalid for atomic vectors" when the data has a column named g: the
    # design gets the columns without it, the segments being worked out from dat)
    rdes <- RP$design(rdat$num[, names(rdat$num) != "g"])
    rw <- rdat$num$rw
    LOG(sprintf("s%d_xr", seed), "|RUN|reptype=", RP$desc)
    rci_flag <- sample(setdiff(names(ci_canon), "likelihood"), 1)
    g3 <- ext_tab(sprintf("s%d_xrtab", seed), rdat, list(), rdes, rw, questions, groups, base, inbase, mflags, RP$flags,
                  ci_canon[[rci_flag]], rci_flag, level, TRUE)
    segs <- seg_list(rdat, g3)
    pp <- ext_pairs(segs, rw, inbase)
    if (length(pp$pairs)) ext_compare(sprintf("s%d_xrcmp", seed), rdat, list(), rdes, TRUE, questions, segs, pp, base, inbase, mflags, RP$flags)
    else LOG(sprintf("s%d_xrcmp", seed), "|SKIP|no pair")
    ext_levels(sprintf("s%d_xr", seed), rdat, list(), rdes, rw, TRUE, lsets, segs, pp, base, inbase, mflags, RP$flags)
}
