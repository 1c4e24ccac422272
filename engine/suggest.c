/* describe's start for tab: questions guessed from the columns' names and listed values. */
#include <ctype.h>
#include <fnmatch.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "shopstat/describe.h"
#include "shopstat/score.h"

#include "internal.h"

/* What a column can be in a set. */
enum member {
    NOT_MEMBER,
    MEMBER_01,     /* only 0 and 1 (and blanks) */
    MEMBER_TICKED, /* one value, not 0, and blanks: ticked or not */
    MEMBER_EMPTY   /* every value blank: a choice nobody ticked */
};

static int is_design(const shopstat_design_opts *d, const char *name)
{
    if (!d)
        return 0;
    const char *cols[] = {d->weight, d->strata, d->psu, d->fpc};
    for (size_t i = 0; i < sizeof cols / sizeof *cols; i++)
        if (cols[i] && strcmp(cols[i], name) == 0)
            return 1;
    if (d->repweights) {
        size_t n = strlen(d->repweights);
        if (strchr(d->repweights, ',')) { /* a list: the name is one of its items */
            for (const char *p = d->repweights; *p;) {
                size_t k = strcspn(p, ",");
                if (k == strlen(name) && strncmp(p, name, k) == 0)
                    return 1;
                p += k + (p[k] == ',');
            }
        } else if (strncmp(name, d->repweights, n) == 0 && name[n]) {
            const char *q = name + n; /* a prefix: PREFIX followed by digits only */
            while (isdigit((unsigned char)*q))
                q++;
            if (!*q)
                return 1;
        }
    }
    return 0;
}

/* Column i's name, "" when i is SIZE_MAX. */
static const char *ds_name(const shopstat_description *ds, size_t i)
{
    return i == SIZE_MAX ? "" : shopstat_description_column(ds, i)->name;
}

static int is_value(const shopstat_level *l, const char *v)
{
    return strcmp(l->value, v) == 0;
}

static enum member member_kind(const shopstat_colsummary *c)
{
    if (c->type == SHOPSTAT_COL_EMPTY)
        return MEMBER_EMPTY;
    if (c->type != SHOPSTAT_COL_CATEGORICAL || c->nlevels == 0 || c->nlevels > 2)
        return NOT_MEMBER;
    int only01 = 1;
    for (size_t j = 0; j < c->nlevels; j++)
        only01 &= is_value(&c->levels[j], "0") || is_value(&c->levels[j], "1");
    if (c->nlevels == 1 && c->missing > 0 && !is_value(&c->levels[0], "0"))
        return MEMBER_TICKED; /* (a lone 1 with blanks too: blank is "not ticked") */
    return only01 ? MEMBER_01 : NOT_MEMBER;
}

/* Length of the part of name before its last separator, or 0 when there is none (or
 * nothing after it). Decipher names a question's rows qNrM (q7r1, q7r2, ..., q7r99): its
 * 'r' between digits is a separator too. (internal.h's suggest_stem_len) */
size_t suggest_stem_len(const char *name)
{
    size_t n = strlen(name), k = 0;
    for (size_t i = 1; i + 1 < n; i++)
        if (strchr("_. -:", name[i]))
            k = i;
    if (k == 0 && n >= 4 && isdigit((unsigned char)name[n - 1])) {
        size_t r = n - 1;
        while (r > 0 && isdigit((unsigned char)name[r - 1]))
            r--;
        if (r >= 3 && (name[r - 1] == 'r' || name[r - 1] == 'R') &&
            isdigit((unsigned char)name[r - 2]))
            k = r - 1;
    }
    return k;
}

/* A name a CLI list can carry: no ',' or '=' (the --multi syntax) and not empty. */
static int listable(const char *name)
{
    return name && *name && !strpbrk(name, ",=");
}

static int looks_like_weight(const char *name)
{
    char low[64];
    size_t n = strlen(name);
    if (n == 0 || n >= sizeof low)
        return 0;
    for (size_t i = 0; i <= n; i++)
        low[i] = (char)tolower((unsigned char)name[i]);
    if (isdigit((unsigned char)low[n - 1]))
        return 0; /* wt1, wt2, ...: replicate weights more likely */
    /* (a public-use file's FINALWT, PERWT, HHWT: "wt" at the end) */
    return strstr(low, "weight") || strstr(low, "wgt") || strncmp(low, "wt", 2) == 0 ||
           (n > 3 && strcmp(low + n - 2, "wt") == 0) || strncmp(low, "pond", 4) == 0 ||
           strncmp(low, "poids", 5) == 0 || strncmp(low, "gewicht", 7) == 0;
}

/* A column named like a weight whose values are numbers that cannot be weights: negative
 * ones, all 0, or numbers beside values that are none ("NaN", "inf", "#NULL!", "heavy";
 * half its listed values numbers at least, or one not whole: a weight's, not a question's
 * such as weight_band's "Light", "Heavy"). tab --weight stops at the first such row. */
static int weight_unfit(const shopstat_colsummary *c)
{
    if (!c->name || !looks_like_weight(c->name) || c->present == 0 || c->comma_numeric)
        return 0; /* (numbers with a decimal comma: describe says so) */
    if (c->all_numeric)
        return c->min < 0 || !(c->max > 0);
    size_t nums = 0;
    int fraction = 0;
    for (size_t k = 0; k < c->nlevels; k++) {
        double v;
        const char *t = c->levels[k].value;
        if (shopstat_parse_number(t, strlen(t), 0, &v) == 1 && isfinite(v)) {
            nums++;
            fraction |= v != floor(v);
        }
    }
    return nums > 0 && (fraction || 2 * nums >= c->nlevels);
}

int suggest_weight_name(const char *name)
{
    return looks_like_weight(name);
}

/* A scale's point: a number, or a labelled point ("10 - Extremely likely") as score reads
 * it, so that a labelled export's 0-10 question is proposed an NPS as a coded one is. */
static int scale_point(const char *v, double *x)
{
    return shopstat_parse_number(v, strlen(v), 0, x) == 1 || reader_labelled_point(v, x);
}

/* Every level a whole number. */
static int whole_levels(const shopstat_colsummary *c)
{
    for (size_t j = 0; j < c->nlevels; j++) {
        double x;
        const char *v = c->levels[j].value;
        if (shopstat_parse_number(v, strlen(v), 0, &x) != 1 || x != floor(x))
            return 0;
    }
    return 1;
}

/* The listed values of single-choice column c that look like non-answers among codes:
 * indices into c->levels (written to idx): one or two texts among numbers, or the codes at
 * the top of numbers (98 and 99 above 1-5: score_nonanswer_codes). A point of the scale
 * with its label ("10 - Extremely likely") counts as its number, not as a text: leaving it
 * out as a non-answer would leave out every answer at that end of the scale. */
static size_t nonanswers(const shopstat_colsummary *c, size_t idx[SHOPSTAT_SCORE_MAX_CODES])
{
    size_t nnum = 0, ntext = 0, text[2] = {0, 0};
    for (size_t j = 0; j < c->nlevels; j++) {
        const char *v = c->levels[j].value;
        double x;
        if (shopstat_parse_number(v, strlen(v), 0, &x) == 1 || reader_labelled_point(v, &x))
            nnum++;
        else if (ntext < 2 && !strpbrk(v, ",\""))
            text[ntext++] = j;
        else
            return 0; /* three texts or more: a column of labels */
    }
    if (nnum >= 2 && ntext > 0 && ntext <= 2) {
        for (size_t i = 0; i < ntext; i++)
            idx[i] = text[i];
        return ntext;
    }
    if (ntext || nnum < 3)
        return 0;
    /* every level a number: the codes at the top (98 and 99 above 1-5) */
    double *x = malloc(nnum * sizeof *x);
    unsigned char *code = malloc(nnum);
    size_t k = 0;
    if (x && code) {
        for (size_t j = 0; j < nnum; j++)
            scale_point(c->levels[j].value, &x[j]);
        k = score_nonanswer_codes(x, nnum, whole_levels(c), code);
        for (size_t j = 0, m = 0; m < k; j++)
            if (code[j])
                idx[m++] = j;
    }
    free(x);
    free(code);
    return k;
}

/* Whether level j is one of the nskip levels idx */
static int skipped(const size_t *idx, size_t nskip, size_t j)
{
    for (size_t i = 0; i < nskip; i++)
        if (idx[i] == j)
            return 1;
    return 0;
}

/* Every value different: an identifier ("id", "ResponseId"), or comments, when there are
 * five or more. */
static int identifier(const shopstat_colsummary *c)
{
    if (c->distinct != c->present || c->distinct_capped)
        return 0;
    size_t n = strlen(c->name);
    return c->present >= 5 || (n >= 2 && tolower((unsigned char)c->name[n - 2]) == 'i' &&
                               tolower((unsigned char)c->name[n - 1]) == 'd');
}

/* Numbers that are not all whole (12.5, 45.25): amounts or weights, not codes. */
static int amounts(const shopstat_colsummary *c)
{
    if (!c->all_numeric)
        return 0;
    for (size_t j = 0; j < c->nlevels; j++) {
        double x;
        const char *v = c->levels[j].value;
        if (shopstat_parse_number(v, strlen(v), 0, &x) == 1 && x != (double)(long long)x)
            return 1;
    }
    return 0;
}

/* Whether name says it is a likelihood to recommend: "nps", "NPS_score", "recommend",
 * "Q1_recommend" (any case). */
static int named_recommend(const char *name)
{
    char low[256];
    size_t n = strlen(name);
    if (n >= sizeof low)
        n = sizeof low - 1;
    for (size_t i = 0; i < n; i++)
        low[i] = (char)tolower((unsigned char)name[i]);
    low[n] = '\0';
    return strstr(low, "nps") || strstr(low, "recommend");
}

/* Codes 0 to 10, nine or more of them with 0 and 10, but for the nskip levels idx; 0 need
 * not be among them when the name says recommend, or named says so otherwise (nobody gave
 * a 0: common with a few hundred satisfied customers; a 1-10 scale's name does not say so). */
static int zero_to_ten(const shopstat_colsummary *c, const size_t *idx, size_t nskip, int named)
{
    size_t n = 0;
    int lo = 0, hi = 0;
    for (size_t j = 0; j < c->nlevels; j++) {
        if (skipped(idx, nskip, j))
            continue;
        const char *v = c->levels[j].value;
        double x;
        if (!scale_point(v, &x) || x != (double)(int)x || x < 0 || x > 10)
            return 0;
        lo |= x == 0;
        hi |= x == 10;
        n++;
    }
    return n >= 9 && (lo || named || named_recommend(c->name)) && hi;
}

/* Codes 1 to K for K of 5, 7 or 10, K among them and at most one of the K unused, but for
 * the nskip levels idx: a rating scale's K, or 0. */
static int rating_scale(const shopstat_colsummary *c, const size_t *idx, size_t nskip)
{
    size_t n = 0;
    int hi = 0;
    for (size_t j = 0; j < c->nlevels; j++) {
        if (skipped(idx, nskip, j))
            continue;
        const char *v = c->levels[j].value;
        double x;
        if (!scale_point(v, &x) || x != (double)(int)x || x < 1 || x > 10)
            return 0;
        hi = (int)x > hi ? (int)x : hi;
        n++; /* (levels are distinct values: n counts distinct codes) */
    }
    return (hi == 5 || hi == 7 || hi == 10) && n + 1 >= (size_t)hi ? hi : 0;
}

/* name in lower case into low (size n), or 0 when it does not fit. */
static int lower_name(const char *name, char *low, size_t n)
{
    size_t len = strlen(name);
    if (len >= n)
        return 0;
    for (size_t i = 0; i <= len; i++)
        low[i] = (char)tolower((unsigned char)name[i]);
    return 1;
}

static int in_list(const char *w, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(w, *list) == 0)
            return 1;
    return 0;
}

/* The design role a column's name says, 0 for none: SHOPSTAT_SUGGEST_STRATA, _PSU or _FPC,
 * with *ambiguous set for a cluster's name. Whole names (BRFSS's leading '_' aside): a name
 * that only holds such a word (strategy, stratified_by, cluster_label) is a question. */
static int design_role(const char *name, int *ambiguous)
{
    static const char *const strata[] = {"stratum", "strata",     "strat",     "sdmvstra",
                                         "ststr",   "varstr",     "vstrat",    "pstrat",
                                         "vestr",   "stratum_id", "strata_id", "strate",
                                         "strates", NULL};
    static const char *const psu[] = {"psu",    "psu_id", "psuid", "sdmvpsu",
                                      "varpsu", "vpsu",   "ppsu",  NULL};
    static const char *const cluster[] = {"cluster", "clust", "cluster_id", "clusterid", NULL};
    static const char *const fpc[] = {"fpc", "popsize", "pop_size", NULL};
    char low[32];
    *ambiguous = 0;
    /* N_h, Nh: a stratum's population; n_h, nh is its sample, a count no fpc may be */
    if (strcmp(name, "N_h") == 0 || strcmp(name, "Nh") == 0)
        return SHOPSTAT_SUGGEST_FPC;
    if (!lower_name(name[0] == '_' ? name + 1 : name, low, sizeof low))
        return 0;
    if (in_list(low, strata))
        return SHOPSTAT_SUGGEST_STRATA;
    if (in_list(low, psu))
        return SHOPSTAT_SUGGEST_PSU;
    if (in_list(low, cluster)) {
        *ambiguous = 1;
        return SHOPSTAT_SUGGEST_PSU;
    }
    return in_list(low, fpc) ? SHOPSTAT_SUGGEST_FPC : 0;
}

/* A column N_X or pop_X beside a categorical column X (N_secteur beside secteur): the
 * population size of each value of X, as a team names the sizes of the groups it sampled
 * from, so the fpc of strata X. Sets *fpc and *strata to their columns, else SIZE_MAX. */
static void population_pair(const shopstat_description *ds, size_t *fpc, size_t *strata)
{
    size_t nc = shopstat_description_ncols(ds);
    *fpc = *strata = SIZE_MAX;
    for (size_t i = 0; i < nc; i++) {
        const shopstat_colsummary *c = shopstat_description_column(ds, i);
        const char *x = !c->name                           ? NULL
                        : strncmp(c->name, "N_", 2) == 0   ? c->name + 2
                        : strncmp(c->name, "pop_", 4) == 0 ? c->name + 4
                                                           : NULL;
        if (!x || !*x || !c->all_numeric || c->min < 1 || c->missing)
            continue;
        for (size_t j = 0; j < nc; j++) {
            const shopstat_colsummary *s = shopstat_description_column(ds, j);
            if (j != i && s->name && strcmp(s->name, x) == 0 &&
                s->type == SHOPSTAT_COL_CATEGORICAL && !s->missing) {
                *fpc = i;
                *strata = j;
                return;
            }
        }
    }
}

/* Whether every level of c is a whole year from 1900 to 2100. */
static int years(const shopstat_colsummary *c)
{
    if (!c->all_numeric || c->nlevels == 0)
        return 0;
    return c->min >= 1900 && c->max <= 2100 && amounts(c) == 0;
}

/* The next word of name from *i on, in lower case, into w (cut at size n), or 0 at the
 * end: words are split at non-letters and where a lower-case letter meets an upper-case one
 * (surveyWave). */
static size_t next_word(const char *name, size_t *i, char *w, size_t n)
{
    while (name[*i] && !isalpha((unsigned char)name[*i]))
        (*i)++;
    if (!name[*i])
        return 0;
    size_t k = 0;
    do {
        if (k + 1 < n)
            w[k++] = (char)tolower((unsigned char)name[*i]);
        (*i)++;
    } while (isalpha((unsigned char)name[*i]) &&
             !(islower((unsigned char)name[*i - 1]) && isupper((unsigned char)name[*i])));
    w[k] = '\0';
    return k;
}

/* Whether a word of name is one of list's */
static int any_word_in(const char *name, const char *const *list)
{
    char w[32];
    for (size_t i = 0; next_word(name, &i, w, sizeof w);)
        if (in_list(w, list))
            return 1;
    return 0;
}

/* name's last word into last (32 bytes; "" for none) */
static void last_word(const char *name, char *last)
{
    char w[32];
    last[0] = '\0';
    for (size_t i = 0; next_word(name, &i, w, sizeof w);)
        memcpy(last, w, sizeof w);
}

/* Whether a word says a rating: satisfaction (satisfied, sat, CSAT, zufrieden,
 * soddisfatto), a rating (rate, rated), likely, agree, a score, recommend (NPS), intent,
 * importance, quality (qualite, Qualität), easy (effort), happy, and French note (a mark) and
 * recommander; the start of a word when it ends in '*'. */
static int rating_word(const char *w)
{
    static const char *const words[] = {
        "satisf*",  "dissatisf*", "unsatisf*", "insatisf*",  "zufried*",  "unzufried*",
        "soddisf*", "sat",        "csat",      "osat",       "rate",      "rated",
        "rates",    "rating*",    "bewert*",   "likel*",     "unlikel*",  "wahrscheinlich*",
        "agree*",   "disagree*",  "score*",    "recommend*", "recomend*", "raccomand*",
        "empfehl*", "nps",        "intent*",   "importan*",  "qualit*",   "easy",
        "ease",     "effort",     "ces",       "happy",      "recommand*", "note",
        NULL};
    for (const char *const *p = words; *p; p++) {
        size_t n = strlen(*p);
        if ((*p)[n - 1] == '*' ? strncmp(w, *p, n - 1) == 0 : strcmp(w, *p) == 0)
            return 1;
    }
    return 0;
}

/* Whether the last word of name says a grouping, not a rating, whatever words come before
 * it ("nps_group", "satisfaction_segment", "rating_code", "store", "panel"). */
static int grouping_name(const char *name)
{
    static const char *const words[] = {
        "id",     "code",     "codes",   "group", "grp",     "segment", "seg",   "cluster",
        "region", "store",    "shop",    "panel", "wave",    "bracket", "band",  "class",
        "type",   "category", "area",    "zone",  "country", "city",    "state", "district",
        "branch", "channel",  "version", "quota", "cell",    "gender",  "sex",   "age",
        "income", "flag",     "number",  "num",   "nr",      "no",      NULL};
    char last[32];
    last_word(name, last);
    return in_list(last, words);
}

/* Whether a word of name says a date, a place or a form's progress, no measure (date,
 * datum, fecha, year, month, day, latitude, longitude, progress, zip, postcode), or its
 * last word a number that names (dnum, snum: a district's, a school's; pid, uid), or the
 * name is a weight's w. */
static int not_measure_word(const char *name)
{
    char last[32];
    last_word(name, last);
    size_t n = strlen(last);
    if ((n >= 3 && strcmp(last + n - 3, "num") == 0) || (n == 3 && strcmp(last + 1, "id") == 0) ||
        ((name[0] == 'w' || name[0] == 'W') && name[1] == '\0'))
        return 1;
    static const char *const words[] = {
        "date",      "datum", "fecha", "year", "years",    "jahr", "month",    "day", "latitude",
        "longitude", "lat",   "lon",   "lng",  "progress", "zip",  "postcode", "plz", NULL};
    return any_word_in(name, words);
}

/* Whether name's last word is age or income: a grouping's name for a few codes (age_group's
 * 1-5, income's brackets), a measure's for more than 20 numbers (ages in years, incomes). */
static int counted_name(const char *name)
{
    char last[32];
    last_word(name, last);
    return strcmp(last, "age") == 0 || strcmp(last, "income") == 0;
}

/* Whether a word of name says an amount, a count, a length or a price (montant, amount,
 * prix, price, spend, cost, panier, basket, revenu, salary, nb, count, qty, duree, delai,
 * hours, minutes, days, km, weight in kg...): a measure's name, which no code word of it
 * overrides ("montant_commande" is an order's amount, "nb_articles" a count). */
static int amount_word(const char *name)
{
    static const char *const words[] = {
        "montant", "amount",  "amt",     "prix",     "price",    "spend",    "spent",
        "depense", "cost",    "cout",    "panier",   "basket",   "revenu",   "revenue",
        "salary",  "salaire", "income",  "umsatz",   "betrag",   "preis",    "importo",
        "prezzo",  "nb",      "nbr",     "nombre",   "count",    "qty",      "quantity",
        "quantite", "menge",  "anzahl",  "duree",    "duration", "delai",    "delay",
        "time",    "temps",   "hours",   "hour",     "h",        "heures",   "minutes",
        "min",     "mins",    "seconds", "sec",      "secs",     "s",        "days",
        "jours",   "weeks",   "km",      "kg",       "eur",      "euros",    "usd",
        "dollars", "total",   "sum",     "somme",    "value",    "valeur",   "wert",
        "age",     "size",    "taille",  "distance", "visits",   "visites",  "orders",
        "height",  "cm",      "score",   "points",   "spending", NULL};
    return any_word_in(name, words);
}

/* Whether a word of name says a code or a number that names a thing, no quantity: a postcode
 * (cp, npa, postal, codepostal), a store or point of sale (magasin, boutique, filiale,
 * pdv, pos, outlet, agence, etab, branche, location, loc), a product (sku, ean, gtin, upc, ref,
 * reference, article, produit, product, item), a firm or place register (siret, siren,
 * insee, commune, departement, dept), a phone, a customer's or an order's number (client,
 * customer, kunde, account, compte, order, commande, invoice, facture, serial); a store,
 * a shop, a branch (store, shop, branch, tienda, negozio, sucursal) and a postcode by its
 * other names (zip, zipcode, postcode, plz, postleitzahl). */
static int code_word(const char *name)
{
    static const char *const words[] = {
        "cp",        "npa",      "postal",    "codepostal", "magasin",  "boutique", "filiale",
        "pdv",       "pos",      "outlet",    "agence",     "etab",     "sku",      "ean",
        "gtin",      "upc",      "ref",       "reference",  "article",  "produit",  "product",
        "item",      "siret",    "siren",     "insee",      "commune",  "departement", "dept",
        "phone",     "telephone", "tel",      "client",     "customer", "kunde",    "account",
        "compte",    "order",    "commande",  "invoice",    "facture",  "serial",   "location",
        "loc",       "branche",  "store",    "shop",      "branch",     "zip",      "zipcode",
        "postcode",  "plz",      "postleitzahl", "tienda",  "negozio",  "sucursal", NULL};
    return any_word_in(name, words);
}

shopstat_code_evidence shopstat_describe_code_evidence(const shopstat_colsummary *c)
{
    if (!c || !c->all_numeric || c->fractional || !c->name || amount_word(c->name))
        return SHOPSTAT_CODE_NONE;
    /* "01000": a postcode or a code written to a width; no measure is written so */
    if (c->leading_zero)
        return SHOPSTAT_CODE_ZEROS;
    /* every value 4 digits or more, all as many, few of them rounded (1001 to 1250, 75011:
     * an amount or an income of that size is mostly a multiple of 10, a code's last digit
     * is any: a tenth of them) */
    if (c->digits_min >= 4 && c->digits_min == c->digits_max && c->tens * 4 < c->present)
        return SHOPSTAT_CODE_WIDTH;
    /* 4 and 5 digits, few rounded: a 5-digit code (a German PLZ, a US ZIP) whose leading 0
     * a spreadsheet dropped (01067 read as 1067) */
    if (c->digits_min == 4 && c->digits_max == 5 && c->tens * 4 < c->present)
        return SHOPSTAT_CODE_STRIPPED;
    /* 3 digits each, few rounded, and numbered through: at least 20 distinct values filling
     * half their range or more, their mean within 15% of the range from its middle (stores
     * 101 to 250, each about as often; an amount of 3 digits is skewed to its low end, a
     * count or an age is no 3 digits) */
    double range = c->max - c->min;
    if (c->digits_min == 3 && c->digits_max == 3 && c->tens * 4 < c->present &&
        !c->distinct_capped && c->distinct >= 20 && (double)c->distinct * 2 >= range + 1 &&
        fabs(c->mean - (c->min + c->max) / 2) <= 0.15 * range)
        return SHOPSTAT_CODE_SERIAL;
    if (code_word(c->name))
        return SHOPSTAT_CODE_NAME;
    return SHOPSTAT_CODE_NONE;
}

/* Whether column i is a measure, a question of numbers to average (describe.h's rules):
 * rep_first, nrep: the replicate weights' run (nrep 0: none), speed: the interview length's
 * column (SIZE_MAX: none). */
static int measure_column(const shopstat_description *ds, size_t i, size_t rep_first, size_t nrep,
                          size_t speed)
{
    const shopstat_colsummary *c = shopstat_description_column(ds, i);
    if (c->type != SHOPSTAT_COL_NUMERIC || !c->all_numeric || !(c->min < c->max) ||
        (i >= rep_first && i < rep_first + nrep) || i == speed || looks_like_weight(c->name) ||
        (grouping_name(c->name) && !counted_name(c->name)) || not_measure_word(c->name))
        return 0;
    if (c->fractional)
        return 1;
    /* whole numbers written as codes are or named like one (a store's, a postcode) */
    if (shopstat_describe_code_evidence(c) != SHOPSTAT_CODE_NONE)
        return 0;
    /* whole numbers: nearly all distinct is an identifier, a row number; years, dates */
    if (!c->distinct_capped && c->distinct * 20 >= c->present * 19)
        return 0;
    return !(c->min >= 1900 && c->max <= 2100) && !(c->min >= 19000101 && c->max <= 21001231);
}

/* Whether a 1-K column looks like a rating by its words: its name (unless its last word
 * says a grouping) or its question text (Qualtrics' second row) holds a rating word. */
static int named_rating(const shopstat_colsummary *c)
{
    char w[32];
    int named = 0;
    for (size_t i = 0; !named && next_word(c->name, &i, w, sizeof w);)
        named = rating_word(w);
    if (named && !grouping_name(c->name))
        return 1;
    for (size_t i = 0; c->text && next_word(c->text, &i, w, sizeof w);)
        if (rating_word(w))
            return 1;
    return 0;
}

/* Whether a word of name says free-text remarks (comments, commentaire, remarques, notes,
 * observations, verbatim, Bemerkung, Kommentar, commento): an auditor's notes column, whose
 * repeated phrases make it categorical, is no question to tab in a start. */
static int remarks_name(const char *name)
{
    static const char *const words[] = {
        "comment",   "comments",    "commentaire", "commentaires", "remark",       "remarks",
        "remarque",  "remarques",   "notes",       "observation",  "observations", "verbatim",
        "bemerkung", "bemerkungen", "kommentar",   "kommentare",   "commento",     "commenti",
        NULL};
    return any_word_in(name, words);
}

/* Whether every one of c's values names a period (a month, quarter, half, year or date:
 * shopstat_scale_time_order) and two of them name different ones: a fieldwork column of
 * "Jan 2024", "Feb 2024" is a wave however it is named; one period, however spelt
 * ("Mar 2024", "2024-03"), is no change to follow. Numbers alone (2023, 2024) are left to
 * the year names. */
static int period_values(const shopstat_colsummary *c)
{
    if (c->all_numeric || c->nlevels < 2)
        return 0;
    long first = 0, key;
    int other = 0;
    for (size_t i = 0; i < c->nlevels; i++) {
        const char *v = c->levels[i].value;
        if (!period_key(v, &key))
            return 0;
        if (i == 0)
            first = key;
        other |= key != first;
    }
    return other;
}

/* How much a column's name, else its values, say it is the survey's wave: 3, 2, 1 or 0
 * (describe.h). Words are split at non-letters and where a lower-case letter meets an
 * upper-case one (surveyWave). */
static int wave_name(const shopstat_colsummary *c)
{
    static const char *const wave[] = {"wave",  "welle", "erhebungswelle", "befragungswelle",
                                       "vague", "ola",   "onda",           "ondata",
                                       NULL};
    static const char *const period[] = {"period",  "periode",   "periodo", "quarter",
                                         "quartal", "trimestre", NULL};
    static const char *const year[] = {"year",     "jahr", "annee", "ann\u00e9e",
                                       "a\u00f1o", "jaar", NULL};
    const char *name = c->name;
    if (any_word_in(name, wave))
        return 3;
    char low[32];
    if (lower_name(name, low, sizeof low) &&
        (in_list(low, period) || (in_list(low, year) && years(c))))
        return 2;
    return period_values(c);
}

void shopstat_suggestions_free(shopstat_suggestion *s, size_t n)
{
    if (!s)
        return;
    for (size_t i = 0; i < n; i++) {
        free((void *)s[i].name);
        free((void *)s[i].columns);
        free((void *)s[i].pattern);
        free((void *)s[i].missing);
    }
    free(s);
}

typedef struct sbuf {
    shopstat_suggestion *s;
    size_t n, cap;
} sbuf;

/* Append a suggestion (name copied, nlen bytes of it). 0, or -1 out of memory. */
static int push(sbuf *b, shopstat_suggest_kind kind, const char *name, size_t nlen,
                const char *suffix, size_t first, size_t ncols)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 16;
        shopstat_suggestion *t = realloc(b->s, cap * sizeof *t);
        if (!t)
            return -1;
        b->s = t;
        b->cap = cap;
    }
    size_t slen = suffix ? strlen(suffix) : 0;
    char *nm = malloc(nlen + slen + 1);
    size_t *cols = malloc(ncols * sizeof *cols);
    if (!nm || !cols) {
        free(nm);
        free(cols);
        return -1;
    }
    memcpy(nm, name, nlen);
    memcpy(nm + nlen, suffix ? suffix : "", slen + 1);
    for (size_t i = 0; i < ncols; i++)
        cols[i] = first + i;
    b->s[b->n++] =
        (shopstat_suggestion){.kind = kind, .name = nm, .columns = cols, .ncolumns = ncols};
    return 0;
}

/* The columns sorted by name, to find a name's columns in log time (a header may have
 * 100,000 columns: a scan per column was minutes). */
typedef struct named {
    const char *name;
    size_t i;
} named;

static int by_name(const void *a, const void *b)
{
    const named *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->i > y->i) - (x->i < y->i);
}

typedef struct names {
    named *v;
    size_t n;
} names;

/* The named columns of ds, sorted; 0, or -1 out of memory. */
static int names_build(const shopstat_description *ds, names *nx)
{
    size_t nc = shopstat_description_ncols(ds);
    nx->n = 0;
    nx->v = malloc((nc ? nc : 1) * sizeof *nx->v);
    if (!nx->v)
        return -1;
    for (size_t i = 0; i < nc; i++) {
        const char *name = shopstat_description_column(ds, i)->name;
        if (name)
            nx->v[nx->n++] = (named){name, i};
    }
    qsort(nx->v, nx->n, sizeof *nx->v, by_name);
    return 0;
}

/* name[0..len) against s: as strcmp would order the name cut there. */
static int cmp_len(const char *name, size_t len, const char *s)
{
    int c = strncmp(name, s, len);
    if (c)
        return c;
    return s[len] ? -1 : 0; /* (strncmp stops at s's end too: s shorter differs above) */
}

/* Whether a column other than those of [first, first + n) is named name[0..len). */
static int name_taken(const names *nx, const char *name, size_t len, size_t first, size_t n)
{
    size_t lo = 0, hi = nx->n; /* the first entry not below the name */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cmp_len(name, len, nx->v[mid].name) > 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t k = lo; k < nx->n && cmp_len(name, len, nx->v[k].name) == 0; k++)
        if (nx->v[k].i < first || nx->v[k].i >= first + n)
            return 1;
    return 0;
}

/* Whether another column has column i's name: a command naming it stops (ambiguous). */
static int ambiguous(const shopstat_description *ds, const names *nx, size_t i)
{
    const char *name = shopstat_description_column(ds, i)->name;
    return name && name_taken(nx, name, strlen(name), i, 1);
}

/* Whether column i heads columns without a name: SurveyMonkey names a grid's or a
 * multi-select's first column by the question and leaves the others' names empty, so the
 * column holds the first item only, not the question its name says. */
static int heads_unnamed(const shopstat_description *ds, size_t i)
{
    if (i + 1 >= shopstat_description_ncols(ds))
        return 0;
    const shopstat_colsummary *next = shopstat_description_column(ds, i + 1);
    return (!next->name || !*next->name) && next->type != SHOPSTAT_COL_EMPTY;
}

/* Whether column i is Qualtrics' "Other (please specify)" box, Q4_4_TEXT beside the
 * option Q4_4: the texts typed there, not a question of its own to tab (a pattern Q4_*
 * leaves it out of the option's question too: reader_columns_for). */
static int other_text(const shopstat_description *ds, const names *nx, size_t i)
{
    const char *name = shopstat_description_column(ds, i)->name;
    size_t n = name ? strlen(name) : 0;
    return n > 5 && strcasecmp(name + n - 5, "_TEXT") == 0 && name_taken(nx, name, n - 5, i, 1);
}

/* Whether a column is named as column i's Qualtrics NPS group, "Q3_NPS_GROUP" beside
 * "Q3": Qualtrics adds it to a Net Promoter question only. */
static int nps_group_of(const shopstat_description *ds, const names *nx, size_t i)
{
    static const char suffix[] = "_NPS_GROUP";
    const char *name = shopstat_description_column(ds, i)->name;
    char g[256];
    size_t n = strlen(name);
    if (n + sizeof suffix > sizeof g)
        return 0;
    memcpy(g, name, n);
    memcpy(g + n, suffix, sizeof suffix);
    return name_taken(nx, g, n + sizeof suffix - 1, i, 1);
}

/* Whether name continues a set whose first column is first, of stem bytes: the same stem
 * and separator, and something after them. Options named with the separator inside
 * (reason_delivery, reason_product_info) share the set's stem though their own stems differ. */
static int same_stem(const char *name, const char *first, size_t stem)
{
    return strncmp(name, first, stem) == 0 && name[stem] == first[stem] && name[stem] &&
           name[stem + 1];
}

/* The set of columns from i whose names share first's stem of stem bytes: its length and
 * kind, or 0. */
static size_t set_of_stem(const shopstat_description *ds, const names *nx,
                          const shopstat_design_opts *d, size_t i, size_t stem,
                          shopstat_suggest_kind *kind)
{
    size_t nc = shopstat_description_ncols(ds);
    const char *name = shopstat_description_column(ds, i)->name;
    size_t n = 0;
    int all01 = 1, any_member = 0, same_missing = 1;
    size_t missing0 = shopstat_description_column(ds, i)->missing;
    for (size_t j = i; j < nc; j++) {
        const shopstat_colsummary *c = shopstat_description_column(ds, j);
        if (!listable(c->name) || is_design(d, c->name) || !same_stem(c->name, name, stem) ||
            ambiguous(ds, nx, j))
            break;
        enum member m = member_kind(c);
        if (m == NOT_MEMBER)
            break;
        all01 &= m == MEMBER_01;
        any_member |= m != MEMBER_EMPTY;
        same_missing &= c->missing == missing0;
        n++;
    }
    /* 0/1 columns are a set only when three or more leave the same rows unanswered: yes/no
     * questions asked in turn share a stem too (phone_shown, then phone_premium and
     * phone_reached of the sites showing a number, both blank elsewhere) */
    if (n < 2 || !any_member || (all01 && (!same_missing || n < 3)))
        return 0;
    *kind = all01 ? SHOPSTAT_SUGGEST_MULTI : SHOPSTAT_SUGGEST_MULTI_TICKED;
    return n;
}

/* The set starting at column i: its length (>= 2), kind and stem (the name's part before
 * its last separator, else before an earlier one: reason_product_info first in its set,
 * before reason_delivery, is of stem 'reason'), or 0. */
static size_t set_at(const shopstat_description *ds, const names *nx, const shopstat_design_opts *d,
                     size_t i, shopstat_suggest_kind *kind, size_t *stem_out)
{
    const char *name = shopstat_description_column(ds, i)->name;
    if (!listable(name))
        return 0;
    size_t stem = suggest_stem_len(name);
    if (stem == 0)
        return 0;
    size_t n = set_of_stem(ds, nx, d, i, stem, kind);
    for (size_t k = stem; n == 0 && k-- > 1;)
        if (name[k] == '_' && (n = set_of_stem(ds, nx, d, i, k, kind)) != 0)
            stem = k;
    *stem_out = stem;
    return n;
}

/* Words a question's short name leaves out ("Which channels would you use to contact us?"
 * is channels_contact). */
static int stop_word(const char *w, size_t n)
{
    static const char *const stop[] = {
        "a",      "about",  "all",    "an",    "and",   "any",   "apply", "are",       "as",
        "at",     "be",     "been",   "by",    "can",   "could", "did",   "do",        "does",
        "each",   "for",    "from",   "had",   "has",   "have",  "how",   "i",         "if",
        "in",     "is",     "it",     "me",    "most",  "my",    "of",    "on",        "or",
        "our",    "please", "select", "that",  "the",   "these", "this",  "those",     "to",
        "us",     "use",    "was",    "we",    "were",  "what",  "when",  "where",     "which",
        "who",    "why",    "will",   "with",  "would", "you",   "your",  "following", "check",
        "choose", "one",    "many",   "apply."};
    for (size_t k = 0; k < sizeof stop / sizeof *stop; k++)
        if (strlen(stop[k]) == n && strncmp(stop[k], w, n) == 0)
            return 1;
    return 0;
}

/* A short name for the question whose text is q[0..n): its first two words that are not
 * stop words, in lower case, joined by '_' (ASCII letters and digits only), in buf; "" when
 * there are none. */
static void short_name(const char *q, size_t n, char *buf, size_t cap)
{
    size_t used = 0, words = 0, i = 0;
    buf[0] = '\0';
    while (i < n && words < 2) {
        while (i < n && !isalnum((unsigned char)q[i]))
            i++;
        size_t start = i;
        while (i < n && isalnum((unsigned char)q[i]))
            i++;
        if (i == start)
            break;
        char w[24];
        size_t wl = i - start < sizeof w - 1 ? i - start : sizeof w - 1;
        for (size_t k = 0; k < wl; k++)
            w[k] = (char)tolower((unsigned char)q[start + k]);
        /* (a word of letters not ASCII: a split UTF-8 letter ends it; skip the rest) */
        if (i < n && (unsigned char)q[i] >= 0x80) {
            while (i < n && !isspace((unsigned char)q[i]))
                i++;
            continue;
        }
        if (stop_word(w, wl) || used + wl + 2 > cap)
            continue;
        used += (size_t)snprintf(buf + used, cap - used, "%s%.*s", used ? "_" : "", (int)wl, w);
        words++;
    }
}

/* Whether a suggestion already has name nm. */
static int suggested(const sbuf *b, const char *nm)
{
    for (size_t k = 0; k < b->n; k++)
        if (strcmp(b->s[k].name, nm) == 0)
            return 1;
    return 0;
}

/* Length of the question text of column c, read with two header rows ("Question" of
 * "Question / Option"), or 0 when it has no label. */
static size_t question_len(const shopstat_colsummary *c)
{
    if (!c->name || !c->label)
        return 0;
    size_t n = strlen(c->name), l = strlen(c->label);
    return n >= l + 3 ? n - l - 3 : 0;
}

/* Whether byte ch can stand in a bracket expression of fnmatch as itself: ASCII printable,
 * none of the characters that mean something there. */
static int class_char(unsigned char ch)
{
    return ch > 0x20 && ch < 0x7f && !strchr("]!^-\\[", ch);
}

/* The tails of the option labels of a question whose columns span [i, i + span) that leave
 * out the columns not among cols (n of them): "*" when none is; else "[!XY]*" (X, Y the
 * first characters of the labels left out, SurveyMonkey's "Other (please specify)": [!O]*)
 * when no option kept starts with one, else "*[!XY]" by their last characters; into tail
 * (16 bytes at least), "" when neither does. */
static void options_tail(const shopstat_description *ds, size_t i, size_t span, const size_t *cols,
                         size_t n, char *tail, size_t cap)
{
    tail[0] = '\0';
    if (n == span) {
        snprintf(tail, cap, "*");
        return;
    }
    for (int end = 0; end < 2 && !tail[0]; end++) {
        char set[16];
        size_t k = 0;
        int ok = 1;
        for (size_t j = i, c = 0; j < i + span && ok; j++) {
            const char *l = shopstat_description_column(ds, j)->label;
            unsigned char ch = l && *l ? (unsigned char)(end ? l[strlen(l) - 1] : l[0]) : 0;
            if (c < n && cols[c] == j) {
                c++;
                continue;
            }
            ok = class_char(ch) && (memchr(set, ch, k) || k + 1 < sizeof set);
            if (ok && !memchr(set, ch, k))
                set[k++] = (char)ch;
        }
        for (size_t c = 0; c < n && ok; c++) { /* (no option kept may be left out) */
            const char *l = shopstat_description_column(ds, cols[c])->label;
            ok = l && *l && !memchr(set, end ? l[strlen(l) - 1] : l[0], k);
        }
        if (ok)
            snprintf(tail, cap, end ? "*[!%.*s]" : "[!%.*s]*", (int)k, set);
    }
}

/* "Question / TAIL" for the multi-select question of columns cols (n of them) among the
 * span columns of its question from column i, when it matches these columns and no other
 * ('[' and '\' of the question's text escaped; a '?' or '*' of it matches itself too; TAIL
 * from options_tail), in *pat (malloc'd), else NULL. 0, or -1 out of memory. */
static int set_pattern(const shopstat_description *ds, const names *nx, size_t i, size_t span,
                       const size_t *cols, size_t n, char **pat)
{
    const shopstat_colsummary *c0 = shopstat_description_column(ds, i);
    size_t qlen = question_len(c0), nc = shopstat_description_ncols(ds);
    char tail[24];
    *pat = NULL;
    options_tail(ds, i, span, cols, n, tail, sizeof tail);
    if (!tail[0])
        return 0;
    char *p = malloc(2 * qlen + 4 + strlen(tail));
    if (!p)
        return -1;
    size_t at = 0;
    for (size_t j = 0; j < qlen; j++) {
        if (c0->name[j] == '[' || c0->name[j] == '\\')
            p[at++] = '\\';
        p[at++] = c0->name[j];
    }
    snprintf(p + at, 4 + strlen(tail), " / %s", tail);
    size_t matched = 0, c = 0;
    int only = 1;
    for (size_t j = 0; j < nc && only; j++) {
        const char *nm = shopstat_description_column(ds, j)->name;
        while (c < n && cols[c] < j)
            c++;
        if (nm && *nm && fnmatch(p, nm, 0) == 0) {
            matched++;
            only = c < n && cols[c] == j;
        }
    }
    if (!only || matched != n || name_taken(nx, p, strlen(p), SIZE_MAX, 0))
        free(p);
    else
        *pat = p;
    return 0;
}

/* A multi-select question of a two-header-row export starting at column i (see
 * describe.h): pushed, and the columns it spans returned; 0 when there is none, -1 out
 * of memory. */
static long labelled_set(sbuf *b, const shopstat_description *ds, const names *nx,
                         const shopstat_design_opts *d, size_t i)
{
    size_t nc = shopstat_description_ncols(ds);
    const shopstat_colsummary *c0 = shopstat_description_column(ds, i);
    size_t qlen = question_len(c0);
    if (!qlen)
        return 0;
    size_t span = 0, members = 0;
    int any = 0;
    for (size_t j = i; j < nc; j++) {
        const shopstat_colsummary *c = shopstat_description_column(ds, j);
        if (question_len(c) != qlen || strncmp(c->name, c0->name, qlen) != 0)
            break;
        span++;
        enum member m = member_kind(c);
        if ((m == MEMBER_TICKED || m == MEMBER_EMPTY) && !is_design(d, c->name) &&
            !ambiguous(ds, nx, j)) {
            members++;
            any |= m == MEMBER_TICKED;
        }
    }
    if (members < 2 || !any)
        return 0;
    size_t *cols = malloc(members * sizeof *cols);
    char *pat = NULL;
    if (!cols)
        return -1;
    size_t k = 0;
    for (size_t j = i; j < i + span; j++) {
        const shopstat_colsummary *c = shopstat_description_column(ds, j);
        enum member m = member_kind(c);
        if ((m == MEMBER_TICKED || m == MEMBER_EMPTY) && !is_design(d, c->name) &&
            !ambiguous(ds, nx, j))
            cols[k++] = j;
    }
    if (set_pattern(ds, nx, i, span, cols, members, &pat)) {
        free(cols);
        return -1;
    }
    char nm[48];
    short_name(c0->name, qlen, nm, sizeof nm);
    if (!nm[0] || suggested(b, nm) || name_taken(nx, nm, strlen(nm), SIZE_MAX, 0))
        snprintf(nm, sizeof nm, "q%zu", i + 1);
    if (push(b, SHOPSTAT_SUGGEST_MULTI_TICKED, nm, strlen(nm), NULL, i, 1)) {
        free(cols);
        free(pat);
        return -1;
    }
    free((void *)b->s[b->n - 1].columns);
    b->s[b->n - 1].columns = cols;
    b->s[b->n - 1].ncolumns = members;
    b->s[b->n - 1].pattern = pat;
    return (long)span;
}

/* Whether suggestion s is a 1-K scale that may be a rating: a single choice, not named
 * like a wave or a grouping. */
static int scale_of(const shopstat_description *ds, const shopstat_suggestion *s)
{
    return s->kind == SHOPSTAT_SUGGEST_VAR && s->rating && !s->wave &&
           !grouping_name(shopstat_description_column(ds, s->columns[0])->name);
}

/* Whether suggestion b continues a's run of items: both 1-K scales of one K, in adjacent
 * columns whose names share their stem (Q5_1, Q5_2). */
static int same_run(const shopstat_description *ds, const shopstat_suggestion *a,
                    const shopstat_suggestion *b)
{
    const char *na = shopstat_description_column(ds, a->columns[0])->name;
    const char *nb = shopstat_description_column(ds, b->columns[0])->name;
    size_t stem = suggest_stem_len(na);
    return scale_of(ds, a) && scale_of(ds, b) && a->rating == b->rating &&
           b->columns[0] == a->columns[0] + 1 && stem && suggest_stem_len(nb) == stem &&
           strncmp(na, nb, stem) == 0;
}

/* A 1-K scale keeps its rating (so a mean is proposed) only when it looks like one: its
 * words say so (named_rating), or it is one of a run of two items or more on one scale
 * (a grid, Q5_1..Q5_4). Codes of a region, a store, a panel, a spend bracket or a wave are
 * 1-5 too, and their mean means nothing. */
static void keep_ratings(const shopstat_description *ds, shopstat_suggestion *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t k = 1;
        while (i + k < n && same_run(ds, &s[i + k - 1], &s[i + k]))
            k++;
        for (size_t j = i; j < i + k && k == 1; j++)
            if (s[j].rating && (!scale_of(ds, &s[j]) ||
                                !named_rating(shopstat_description_column(ds, s[j].columns[0]))))
                s[j].rating = 0;
        i += k;
    }
}

int shopstat_describe_weight_unfit(const shopstat_description *ds, const shopstat_design_opts *d,
                                   size_t *col)
{
    size_t nc = shopstat_description_ncols(ds), unfit = SIZE_MAX;
    if (d && d->weight)
        return 0;
    for (size_t i = 0; i < nc; i++) {
        const shopstat_colsummary *c = shopstat_description_column(ds, i);
        if (!c->name || !*c->name || is_design(d, c->name))
            continue;
        if (c->all_numeric && c->min >= 0 && c->max > 0 && looks_like_weight(c->name))
            return 0; /* (a weight proposed) */
        if (unfit == SIZE_MAX && weight_unfit(c))
            unfit = i;
    }
    if (unfit == SIZE_MAX)
        return 0;
    *col = unfit;
    return 1;
}

shopstat_status shopstat_describe_suggest(const shopstat_description *ds,
                                          const shopstat_design_opts *d, shopstat_suggestion **out,
                                          size_t *n, shopstat_error *err)
{
    *out = NULL;
    *n = 0;
    sbuf b = {0};
    size_t nc = shopstat_description_ncols(ds);
    int weight_found = d && d->weight;
    /* the design roles d gives (any, with replicate weights) or a column took */
    int role_taken[SHOPSTAT_SUGGEST_FPC + 1] = {0};
    role_taken[SHOPSTAT_SUGGEST_STRATA] = d && (d->strata || d->repweights);
    role_taken[SHOPSTAT_SUGGEST_PSU] = d && (d->psu || d->repweights);
    role_taken[SHOPSTAT_SUGGEST_FPC] = d && (d->fpc || d->repweights);
    names nx = {0};
    if (names_build(ds, &nx))
        goto oom;
    size_t pop_fpc, pop_strata;
    population_pair(ds, &pop_fpc, &pop_strata);
    size_t rep_first = 0, rep_plen,
           nrep = shopstat_describe_repweights_guess(ds, &rep_first, &rep_plen);
    const shopstat_speed_summary *sp = shopstat_description_speed(ds);
    size_t speed = sp ? sp->col : SIZE_MAX;
    for (size_t i = 0; i < nc;) {
        const shopstat_colsummary *c = shopstat_description_column(ds, i);
        if (!c->name || !*c->name || is_design(d, c->name) || ambiguous(ds, &nx, i)) {
            i++;
            continue;
        }
        int ambiguous_name, role = design_role(c->name, &ambiguous_name), paired = 0;
        /* (the pair's other column given as its role, --strata secteur, still pairs) */
        if (!role && i == pop_fpc && !role_taken[SHOPSTAT_SUGGEST_FPC] &&
            (!d || !d->strata || !strcmp(d->strata, ds_name(ds, pop_strata))))
            role = SHOPSTAT_SUGGEST_FPC, paired = 1;
        if (!role && i == pop_strata && !role_taken[SHOPSTAT_SUGGEST_STRATA] &&
            (!d || !d->fpc || !strcmp(d->fpc, ds_name(ds, pop_fpc))))
            role = SHOPSTAT_SUGGEST_STRATA, paired = 1;
        if (role) { /* (a design column, never a question) */
            if (!role_taken[role] && listable(c->name)) {
                role_taken[role] = 1;
                if (push(&b, (shopstat_suggest_kind)role, c->name, strlen(c->name), NULL, i, 1))
                    goto oom;
                b.s[b.n - 1].ambiguous_name = ambiguous_name;
                b.s[b.n - 1].population = paired;
                b.s[b.n - 1].pair_column = i == pop_fpc ? pop_strata : pop_fpc;
            }
            i++;
            continue;
        }
        long span = labelled_set(&b, ds, &nx, d, i);
        if (span < 0)
            goto oom;
        if (span > 0) {
            i += (size_t)span;
            continue;
        }
        shopstat_suggest_kind kind;
        size_t stem;
        size_t len = set_at(ds, &nx, d, i, &kind, &stem);
        if (len) {
            int taken = name_taken(&nx, c->name, stem, i, len);
            if (push(&b, kind, c->name, stem, taken ? "_set" : NULL, i, len))
                goto oom;
            i += len;
            continue;
        }
        if ((c->code_lists || c->label_sep) && listable(c->name)) {
            if (push(&b, SHOPSTAT_SUGGEST_CODES, c->name, strlen(c->name), NULL, i, 1))
                goto oom;
            /* (the default splits at ';' and ',': '|' always needs the flag) */
            b.s[b.n - 1].sep = c->label_comma || c->label_sep == '|' ? c->label_sep : 0;
            /* codes in one cell: a non-answer among them ("1,-99", "-99") as for a single
             * choice, or it is a level of the question */
            shopstat_colsummary cc = *c;
            cc.levels = c->codes;
            cc.nlevels = c->ncodes;
            size_t idx[SHOPSTAT_SCORE_MAX_CODES];
            size_t k = c->code_lists ? nonanswers(&cc, idx) : 0;
            if (k) {
                const char **m = malloc(k * sizeof *m);
                if (!m)
                    goto oom;
                for (size_t j = 0; j < k; j++)
                    m[j] = c->codes[idx[j]].value;
                b.s[b.n - 1].missing = m;
                b.s[b.n - 1].nmissing = k;
            }
        } else if (!weight_found && c->all_numeric && c->min >= 0 && c->max > 0 &&
                   looks_like_weight(c->name)) {
            weight_found = 1;
            if (push(&b, SHOPSTAT_SUGGEST_WEIGHT, c->name, strlen(c->name), NULL, i, 1))
                goto oom;
        } else if (c->type == SHOPSTAT_COL_CATEGORICAL && c->distinct >= 2 && !identifier(c) &&
                   !amounts(c) && !c->comma_numeric && c->nlevels > 0 && !heads_unnamed(ds, i) &&
                   !(remarks_name(c->name) && !c->all_numeric) &&
                   !other_text(ds, &nx, i) && !weight_unfit(c)) {
            /* (nlevels 0: more values than describe lists, dates or clusters, not a
             * question to tab in a start) */
            if (push(&b, SHOPSTAT_SUGGEST_VAR, c->name, strlen(c->name), NULL, i, 1))
                goto oom;
            size_t idx[SHOPSTAT_SCORE_MAX_CODES];
            size_t k = nonanswers(c, idx);
            if (k) {
                const char **m = malloc(k * sizeof *m);
                if (!m)
                    goto oom;
                for (size_t j = 0; j < k; j++)
                    m[j] = c->levels[idx[j]].value;
                b.s[b.n - 1].missing = m;
                b.s[b.n - 1].nmissing = k;
            }
            b.s[b.n - 1].nps = zero_to_ten(c, idx, k, nps_group_of(ds, &nx, i));
            b.s[b.n - 1].rating = b.s[b.n - 1].nps ? 0 : rating_scale(c, idx, k);
            b.s[b.n - 1].wave = wave_name(c);
        } else if (listable(c->name) && measure_column(ds, i, rep_first, nrep, speed)) {
            if (push(&b, SHOPSTAT_SUGGEST_MEASURE, c->name, strlen(c->name), NULL, i, 1))
                goto oom;
        }
        i++;
    }
    keep_ratings(ds, b.s, b.n);
    free(nx.v);
    *out = b.s;
    *n = b.n;
    return SHOPSTAT_OK;
oom:
    free(nx.v);
    shopstat_suggestions_free(b.s, b.n);
    return shopstat_error_set(err, SHOPSTAT_ENOMEM, NULL, 0, 0, "out of memory");
}

/* Whether a name is prefix (plen bytes) followed by the digits of k: with no zero ahead
 * (width 0: REPWT1 .. REPWT80) or zero-padded to width digits (rw_001 .. rw_080). */
static int named_k(const char *name, const char *prefix, size_t plen, size_t k, int width)
{
    char digits[32];
    snprintf(digits, sizeof digits, "%0*zu", width, k);
    return strncmp(name, prefix, plen) == 0 && strcmp(name + plen, digits) == 0;
}

/* Whether column c holds a question's codes, not weights: at most
 * SHOPSTAT_DESCRIBE_MAX_LEVELS distinct values, every one a whole number of 1 or more (a
 * screener block S1 ... S6 of codes 1-9). A set of replicate weights of so few values is
 * the weight's few values times factors, and the jackknife's, BRR's and the bootstrap's
 * leave rows out (0); Fay's times rho is rarely whole. */
static int codes_not_weights(const shopstat_colsummary *c)
{
    if (!c->all_numeric || c->distinct_capped || !c->nlevels || c->min < 1)
        return 0;
    for (size_t j = 0; j < c->nlevels; j++) {
        double v = strtod(c->levels[j].value, NULL);
        if (v != floor(v))
            return 0;
    }
    return 1;
}

size_t shopstat_describe_repweights_guess(const shopstat_description *ds, size_t *first,
                                          size_t *prefix_len)
{
    size_t nc = shopstat_description_ncols(ds), best = 0;
    for (size_t i = 0; i < nc; i++) {
        const shopstat_colsummary *c = shopstat_description_column(ds, i);
        size_t len = c->name ? strlen(c->name) : 0;
        if (len < 2 || c->name[len - 1] != '1')
            continue;
        /* the digits ending the name: "1" (REPWT1) or zeros and a 1 (rw_001, REPWT01) */
        size_t d = len - 1;
        while (d > 0 && c->name[d - 1] == '0')
            d--;
        if (d == 0 || isdigit((unsigned char)c->name[d - 1]) || len - d > 6)
            continue;
        size_t plen = d, k = 0;
        int width = len - d > 1 ? (int)(len - d) : 0;
        /* PREFIX1, PREFIX2, ... adjacent, every value a number, none missing (a replicate
         * weight is part of the design); negative ones only among many distinct values
         * (calibrated replicates, as the ACS's; not a grid's -99 code) */
        while (i + k < nc) {
            const shopstat_colsummary *e = shopstat_description_column(ds, i + k);
            if (!e->name || !named_k(e->name, c->name, plen, k + 1, width) || !e->all_numeric ||
                (e->min < 0 && e->distinct <= 20 && !e->distinct_capped) || e->missing ||
                codes_not_weights(e))
                break;
            k++;
        }
        if (k >= 2 && k > best) {
            best = k;
            *first = i;
            *prefix_len = plen;
        }
    }
    return best >= 4 ? best : 0;
}
