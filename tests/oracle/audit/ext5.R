# The audit's fifth extension (sourced by audit.R; AUDIT_EXT5=0 leaves it out, =only runs it
# alone): --dedupe, which no other part draws. On ext4.R's design of the seed (strata, lonely
# PSUs under each rule, fpc, weights plain or spread from 1e-6 to 1e6), a respondent id `rid`
# and respondents exported twice or three times: a copy of a row inserted later in the file,
# its answers redrawn and its weight changed now and then (so keeping any but the first row
# shows), ids left blank (never a duplicate, also when a blank row is copied) and, in a
# fifth of the seeds, an id coded -99 under `--missing rid:-99` (a missing code: never a
# duplicate either). --dedupe rid goes among one or two --exclude flags in a random order:
# the earlier rows are those the exclusions before it left in (docs/shopstat.1), so R takes
# the flags in that order, d[!duplicated(id), ] over the rows still in, then svydesign() on
# what is left. Then tab, compare, score and compare --score (NPS, a mean) and chisq, on the
# Taylor design and on replicate weights of ext.R's six types made for every row of the file
# (a copy has its PSU's replicate factors). Its own streams (seed * 61 + 23 for the ids and
# copies, * 67 + 5 for the commands, * 71 + 13 for the replicate weights): the other parts'
# data and commands are unchanged.

ext5_dups <- function(X, seed) {
    set.seed(seed * 61 + 23)
    df <- X$df
    n <- nrow(df)
    df$rid <- sprintf("R%04d", sample(1000:9999, n))
    df$rid[runif(n) < 0.1] <- NA
    miss <- runif(1) < 0.2
    if (miss) df$rid[sample(n, min(n, sample(2:3, 1)))] <- "-99"
    # copies: 1 to a fifth of the rows (some twice), each after its original
    nd <- sample(seq_len(max(1, n %/% 5)), 1)
    src <- sample(n, nd, replace = TRUE)
    cp <- df[src, , drop = FALSE]
    redraw <- runif(nd) < 0.5
    cp$q[redraw] <- sample(c("a", "b", "c", "d", NA), sum(redraw), replace = TRUE)
    cp$q2[redraw] <- sample(c("yes", "no"), sum(redraw), replace = TRUE)
    cp$n10[redraw] <- sample(0:10, sum(redraw), replace = TRUE)
    cp$sp[runif(nd) < 0.2] <- "Yes"
    if (!is.null(df$w)) {
        rw <- runif(nd) < 0.3
        cp$w[rw] <- sprintf("%.6g", as.numeric(cp$w[rw]) * round(runif(sum(rw), 0.5, 2), 2))
    }
    pos <- c(seq_len(n), src + runif(nd, 0.01, n - src + 0.99))
    all <- rbind(df, cp)[order(pos), , drop = FALSE]
    all$id <- seq_len(nrow(all))
    list(df = all, ncopies = nd, miss = miss)
}

ext5_audit <- function(seed) {
    X <- ext4_gen(seed)
    D <- ext5_dups(X, seed)
    set.seed(seed * 67 + 5)
    rel <- file.path("data", sprintf("s%d_d.csv", seed))
    write.csv(D$df, file.path(OUT, rel), row.names = FALSE, na = "")
    raw <- read_back(file.path(OUT, rel))
    n <- nrow(raw$num)
    spec <- list(strata = "st", psu = "psu")
    if (X$wmode != "none") spec$weight <- "w"
    if (X$fmode != "none") spec$fpc <- "fpc"
    rule <- c("adjust", "average", "remove", "certainty")[(seed + 1) %% 4 + 1]
    spec$lonely <- rule
    # --dedupe rid among zero to two exclusions, in a random order
    cand <- list(list(flag = "sp:Yes", rows = raw$txt$sp == "Yes"),
                 { gv <- sample(c("G1", "G2", "G3"), 1); list(flag = paste0("g:", gv), rows = raw$txt$g == gv) },
                 { s <- sample(unique(raw$txt$st), 1); list(flag = paste0("st:", s), rows = raw$txt$st == s) })
    pick <- cand[sample(3, sample(0:2, 1, prob = c(0.3, 0.45, 0.25)))]
    steps <- c(pick, list(list(flag = "rid", dedupe = TRUE)))
    steps <- steps[sample(length(steps))]
    rid <- raw$txt$rid
    idmiss <- is.na(rid) | (D$miss & rid == "-99")
    keep <- rep(TRUE, n)
    for (s in steps) {
        if (isTRUE(s$dedupe)) {
            # (R: d[!duplicated(d$id), ] over the rows still in; a missing id is no duplicate)
            k <- which(keep & !idmiss)
            keep[k[duplicated(rid[k])]] <- FALSE
        } else keep <- keep & !(!is.na(s$rows) & s$rows)
    }
    if (sum(keep) < 8) { LOG(sprintf("s%d_d", seed), "|NOTE|under 8 rows left"); return(invisible()) }
    xflags <- unlist(lapply(steps, function(s) if (isTRUE(s$dedupe)) c("--dedupe", "rid") else c("--exclude", s$flag)))
    mflags <- if (D$miss) c("--missing", "rid:-99") else character()
    dat <- keep_rows(raw, keep); dat$path <- rel
    m <- nrow(dat$num)
    base <- NULL
    if (runif(1) < 0.4) base <- list(rows = !is.na(dat$txt$sp) & dat$txt$sp == "No", flags = c("--base", "sp:No"))
    inbase <- if (is.null(base)) rep(TRUE, m) else base$rows
    tg <- sprintf("s%d_d", seed)
    ndup <- sum(!keep) - sum(Reduce(`|`, lapply(pick, function(s) !is.na(s$rows) & s$rows), rep(FALSE, n)))
    LOG(tg, "|RUN|rule=", rule, "|fpc=", X$fmode, "|w=", X$wmode, "|copies=", D$ncopies,
        "|flags=", paste(xflags, collapse = " "), "|missing-id-code=", D$miss, "|rows=", n, "->", m,
        "|base=", paste(base$flags, collapse = " "))
    STATS$kinds <- c(STATS$kinds, if (ndup > 0) "dedupe-dropped" else "dedupe-none")
    old <- options(survey.lonely.psu = rule)
    des <- tryCatch(make_design(dat, spec), error = function(e) e)
    options(old)
    if (inherits(des, "error")) { LOG(tg, "|NOTE|R design: ", conditionMessage(des)); return(invisible()) }
    w <- if (is.null(spec$weight)) suppressWarnings(weights(des)) else dat$num$w
    dflags <- c(design_flags(spec), xflags, mflags)
    ci_flag <- sample(names(ci_canon), 1); ci <- ci_canon[[ci_flag]]
    level <- sample(c(0.95, 0.9, 0.99), 1)
    groups <- list(s_by(dat, "g"), s_eq(dat, "pure", "q2", "yes"))
    qs <- list(q_var(dat, "q"), q_var(dat, "q2"))
    g2 <- ext_tab(paste0(tg, "tab"), dat, spec, NULL, w, qs, groups, base, inbase, character(), dflags, ci, ci_flag, level, FALSE)
    segs <- seg_list(dat, g2)
    pp <- ext_pairs(segs, w, inbase)
    if (length(pp$pairs)) ext_compare(paste0(tg, "cmp"), dat, spec, NULL, FALSE, qs, segs, pp, base, inbase, character(), dflags)
    else LOG(paste0(tg, "cmp"), "|SKIP|no pair")
    lsets <- list(list(col = "n10", flag = "n10:nps", name = "NPS", f = sc_nps_f),
                  list(col = "r5", flag = "r5", name = "mean", f = as.numeric))
    ext_levels(tg, dat, spec, des, w, FALSE, lsets, segs, pp, base, inbase, character(), dflags)
    old <- options(survey.lonely.psu = rule)
    ext4_chisq(paste0(tg, "chi"), c("chisq", rel, dflags, "--var", "q2", "--by", "g", base$flags), des, "q2", "g", dat, inbase, w)
    options(old)

    ## replicate weights of ext.R's types, made for every row of the file (copies included)
    rsp <- spec; rsp$lonely <- NULL
    RP <- rep_make_x(raw, rsp, seed * 71 + 13)
    if (is.null(RP)) { LOG(tg, "r|NOTE|no replicate design"); return(invisible()) }
    rrel <- write_reps(raw, RP, file.path("data", sprintf("s%d_dr.csv", seed)))
    rall <- read_back(file.path(OUT, rrel))
    rdat <- keep_rows(rall, keep); rdat$path <- rrel
    rdes <- tryCatch(RP$design(rdat$num[, names(rdat$num) != "g"]), error = function(e) e)
    if (inherits(rdes, "error")) { LOG(tg, "r|NOTE|R design: ", conditionMessage(rdes)); return(invisible()) }
    rflags <- c(RP$flags, xflags, mflags)
    LOG(tg, "r|RUN|", RP$desc, "|rows=", m)
    STATS$kinds <- c(STATS$kinds, paste0("dedupe-rep-", RP$type))
    rci <- sample(setdiff(names(ci_canon), "likelihood"), 1)
    rgroups <- list(s_by(rdat, "g"), s_eq(rdat, "pure", "q2", "yes"))
    rqs <- list(q_var(rdat, "q"), q_var(rdat, "q2"))
    g3 <- ext_tab(paste0(tg, "rtab"), rdat, list(), rdes, rdat$num$rw, rqs, rgroups, base, inbase, character(), rflags,
                  ci_canon[[rci]], rci, level, TRUE)
    rsegs <- seg_list(rdat, g3)
    rpp <- ext_pairs(rsegs, rdat$num$rw, inbase)
    if (length(rpp$pairs)) ext_compare(paste0(tg, "rcmp"), rdat, list(), rdes, TRUE, rqs, rsegs, rpp, base, inbase, character(), rflags)
    ext_levels(paste0(tg, "r"), rdat, list(), rdes, rdat$num$rw, TRUE, lsets, rsegs, rpp, base, inbase, character(), rflags)
}
