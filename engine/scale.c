/* The table of recognised text answer scales: their order, neutral points, non-substantive answers.
 */
#include "shopstat/scale.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A label folded for comparison: ASCII and Latin-1 letters lower case ("Überhaupt" as
 * "überhaupt", UTF-8), U+2018/U+2019 and ` as ', runs of spaces as one, no spaces at the
 * ends, no final full stop. Labels longer than this are no scale point. */
#define NORM_MAX 96

static int norm(const char *s, char *out)
{
    size_t k = 0;
    int space = 0;
    while (*s == ' ' || *s == '\t')
        s++;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == ' ' || c == '\t') {
            space = 1;
            continue;
        }
        if (space) {
            if (k + 1 >= NORM_MAX)
                return 0;
            out[k++] = ' ';
            space = 0;
        }
        if (c == 0xe2 && (unsigned char)s[1] == 0x80 &&
            ((unsigned char)s[2] == 0x98 || (unsigned char)s[2] == 0x99)) {
            c = '\'';
            s += 2;
        } else if (c == 0xc3 && (unsigned char)s[1] >= 0x80 && (unsigned char)s[1] <= 0x9e &&
                   (unsigned char)s[1] != 0x97) {
            /* (U+00C0..U+00DE but the multiplication sign: their small letters are 0x20 on) */
            if (k + 2 >= NORM_MAX)
                return 0;
            out[k++] = (char)c;
            c = (unsigned char)(s[1] + 0x20);
            s++;
        } else if (c == '`') {
            c = '\'';
        } else if (c >= 'A' && c <= 'Z') {
            c = (unsigned char)(c - 'A' + 'a');
        }
        if (k + 1 >= NORM_MAX)
            return 0;
        out[k++] = (char)c;
    }
    while (k && out[k - 1] == '.')
        k--;
    out[k] = '\0';
    return 1;
}

static int is_word_end(char c)
{
    return !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '\'');
}

/* Non-substantive answers, matched at the start of the folded label as whole words. */
static const char *const nonsub[] = {
    "don't know",
    "dont know",
    "do not know",
    "i don't know",
    "i dont know",
    "dk",
    "not sure",
    "unsure",
    "no opinion",
    "n/a",
    "na",
    "not applicable",
    "does not apply",
    "doesn't apply",
    "prefer not",
    "rather not say",
    "refused",
    "no answer",
    "can't say",
    "cannot say",
    "can't answer",
    "cannot answer",
    "no idea",
    /* a European panel's: German, French, Spanish, Italian, Dutch */
    "weiß nicht",
    "weiss nicht",
    "keine angabe",
    "ne sait pas",
    "ne sais pas",
    "sans opinion",
    "no sé",
    "no sabe",
    "non so",
    "non sa",
    "weet niet",
    "geen mening",
    "keine antwort",
    "je ne sais pas",
    "nsp",
    "ns/nc",
    "ns/nr",
    "no contesta",
};

int shopstat_scale_nonsubstantive(const char *label)
{
    char s[NORM_MAX];
    if (!label || !norm(label, s))
        return 0;
    for (size_t i = 0; i < sizeof nonsub / sizeof nonsub[0]; i++) {
        size_t n = strlen(nonsub[i]);
        if (strncmp(s, nonsub[i], n) == 0 && is_word_end(s[n]))
            return 1;
    }
    return 0;
}

/* ---- the scales ---- */

/* Degree words before (or after: "Agree strongly") a point's stem, with its strength. */
typedef struct degree {
    const char *w;
    double k;
} degree;

static const degree degrees[] = {
    {"very strongly", 4},
    {"extremely", 4},
    {"completely", 4},
    {"totally", 4},
    {"absolutely", 4},
    {"entirely", 4},
    {"fully", 4},
    {"strongly", 3},
    {"very", 3},
    {"definitely", 3},
    {"much", 3},
    {"a lot", 3},
    {"far", 3},
    {"highly", 3},
    {"certainly", 3},
    {"moderately", 1.2},
    {"mostly", 1.2},
    {"quite", 1.2},
    {"somewhat", 1},
    {"fairly", 1},
    {"rather", 1},
    {"partly", 1},
    {"partially", 1},
    {"tend to", 1},
    {"mildly", 1},
    {"probably", 1},
    {"slightly", 0.8},
    {"a little", 0.8},
    {"a bit", 0.8},
    /* German, French, Spanish: "sehr zufrieden", "plutôt d'accord", "muy satisfecho" */
    {"voll und ganz", 4},
    {"völlig", 4},
    {"vollkommen", 4},
    {"äußerst", 4},
    {"äusserst", 4},
    {"voll", 3},
    {"sehr", 3},
    {"ziemlich", 1.2},
    {"weitgehend", 1.2},
    {"eher", 1},
    {"etwas", 0.8},
    {"tout à fait", 4},
    {"totalement", 4},
    {"complètement", 4},
    {"entièrement", 4},
    {"extrêmement", 4},
    {"très", 3},
    {"fortement", 3},
    {"assez", 1.2},
    {"plutôt", 1},
    {"un peu", 0.8},
    {"totalmente", 4},
    {"completamente", 4},
    {"extremadamente", 4},
    {"muy", 3},
    {"bastante", 1.2},
    {"más bien", 1},
    {"algo", 1},
    {"un poco", 0.8},
    {"ligeramente", 0.8},
};

/* Negations of the positive stem: "Not at all satisfied" is the far end. */
static const degree negations[] = {
    {"not at all", -4},
    {"not very", -1},
    {"not too", -1},
    {"not so", -1},
    {"not particularly", -1},
    {"not", -2},
    /* German, French, Spanish: "überhaupt nicht zufrieden", "pas du tout d'accord" */
    {"überhaupt nicht", -4},
    {"gar nicht", -4},
    {"nicht sehr", -1},
    {"nicht besonders", -1},
    {"nicht", -2},
    {"pas du tout", -4},
    {"pas très", -1},
    {"peu", -1},
    {"pas", -2},
    {"nada", -4},
    {"no muy", -1},
    {"poco", -1},
};

/* Middle points of every bipolar scale besides "Neither X nor Y" and its translations */
static const char *const neutral_words[] = {
    "neutral",    "neither", "teils/teils",        "teils, teils",   "teils teils", "teils-teils",
    "weder noch", "neutre",  "ni l'un ni l'autre", "ni uno ni otro", NULL,
};

/* A point given in full, with its rank. */
typedef struct fixed_point {
    const char *s;
    double v;
} fixed_point;

typedef struct scale_def {
    const char *name;
    int bipolar;                   /* its sign says the side of a Likert chart */
    const char *pos[12], *neg[12]; /* stems, NULL-ended, English first */
    const char *mid[8];            /* neutral points besides "Neutral", "Neither X nor Y" */
    fixed_point fixed[24];         /* points given in full (a list scale's only points) */
} scale_def;

static const scale_def scales[] = {
    /* (German agreement is said around the verb, "stimme eher nicht zu": given in full) */
    {"agree",
     1,
     {"agree", "d'accord", "de acuerdo"},
     {"disagree", "pas d'accord", "en désaccord", "en desacuerdo"},
     {NULL},
     {{"stimme voll und ganz zu", 4},
      {"stimme völlig zu", 4},
      {"stimme voll zu", 3},
      {"stimme zu", 2},
      {"stimme eher zu", 1},
      {"stimme eher nicht zu", -1},
      {"stimme nicht zu", -2},
      {"stimme überhaupt nicht zu", -4},
      {"stimme gar nicht zu", -4},
      {"trifft voll und ganz zu", 4},
      {"trifft völlig zu", 4},
      {"trifft voll zu", 3},
      {"trifft zu", 2},
      {"trifft eher zu", 1},
      {"trifft eher nicht zu", -1},
      {"trifft nicht zu", -2},
      {"trifft überhaupt nicht zu", -4},
      {"trifft gar nicht zu", -4},
      {NULL, 0}}},
    {"satisfied",
     1,
     {"satisfied", "zufrieden", "satisfait", "satisfaite", "satisfait(e)", "satisfecho",
      "satisfecha", "satisfecho(a)", "satisfecho/a"},
     {"dissatisfied", "unsatisfied", "unzufrieden", "nicht zufrieden", "insatisfait",
      "insatisfaite", "insatisfait(e)", "pas satisfait", "mécontent", "insatisfecho",
      "insatisfecha"},
     {NULL},
     {{NULL, 0}}},
    {"likely",
     1,
     {"likely", "wahrscheinlich", "probable"},
     {"unlikely", "unwahrscheinlich", "improbable"},
     {NULL},
     {{NULL, 0}}},
    {"would",
     1,
     {"would", "will"},
     {"would not", "wouldn't", "will not", "won't"},
     {"might or might not", "may or may not", "maybe", "not sure either way"},
     {{"yes, definitely", 3},
      {"yes, probably", 1},
      {"no, probably not", -1},
      {"no, definitely not", -3},
      {NULL, 0}}},
    {"important",
     0,
     {"important", "wichtig", "importante"},
     {"unimportant", "unwichtig"},
     {NULL},
     {{NULL, 0}}},
    {"change",
     1,
     {"better"},
     {"worse"},
     {"the same", "about the same", "same", "no change", "unchanged", "no different",
      "stayed the same"},
     {{NULL, 0}}},
    {"quality",
     0,
     {NULL},
     {NULL},
     {NULL},
     {{"very poor", 0},
      {"poor", 1},
      {"fair", 2},
      {"average", 2},
      {"good", 3},
      {"very good", 4},
      {"excellent", 5},
      {NULL, 0}}},
    {"frequency",
     0,
     {NULL},
     {NULL},
     {NULL},
     {{"never", 0},
      {"almost never", 1},
      {"hardly ever", 1},
      {"rarely", 2},
      {"seldom", 2},
      {"sometimes", 3},
      {"occasionally", 3},
      {"often", 4},
      {"frequently", 4},
      {"very often", 5},
      {"usually", 5},
      {"most of the time", 5},
      {"almost always", 6},
      {"always", 7},
      {NULL, 0}}},
};
#define NSCALES (sizeof scales / sizeof scales[0])

/* 1 if s[0..n) is one of the stems. */
static int stem_in(const char *s, size_t n, const char *const *stems)
{
    for (; *stems; stems++)
        if (strlen(*stems) == n && strncmp(s, *stems, n) == 0)
            return 1;
    return 0;
}

/* Sign of s[0..n) as a stem of scale c: 1 positive, -1 negative, 0 none. */
static int stem_sign(const scale_def *c, const char *s, size_t n)
{
    return stem_in(s, n, c->pos) ? 1 : stem_in(s, n, c->neg) ? -1 : 0;
}

/* "w " at the start of s: the length taken, else 0. */
static size_t word_prefix(const char *s, const char *w)
{
    size_t n = strlen(w);
    return strncmp(s, w, n) == 0 && s[n] == ' ' ? n + 1 : 0;
}

/* "Neither X nor Y" (or "or"; "weder X noch Y", "ni X ni Y", "ni X, ni Y"), X and Y stems
 * of c. */
static int neither(const scale_def *c, const char *s)
{
    static const char *const forms[][3] = {
        {"neither", " nor ", " or "}, {"weder", " noch ", NULL}, {"ni", ", ni ", " ni "}};
    for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++) {
        size_t p = word_prefix(s, forms[f][0]);
        if (!p)
            continue;
        const char *rest = s + p;
        for (int k = 1; k < 3 && forms[f][k]; k++) {
            const char *sep = strstr(rest, forms[f][k]);
            size_t sl = strlen(forms[f][k]);
            if (sep && stem_sign(c, rest, (size_t)(sep - rest)) != 0 &&
                stem_sign(c, sep + sl, strlen(sep + sl)) != 0)
                return 1;
        }
    }
    return 0;
}

/* The rank of folded label s on scale c: 1 with *v set, 0 if s is not one of its points. */
static int point(const scale_def *c, const char *s, double *v)
{
    for (const fixed_point *f = c->fixed; f->s; f++)
        if (strcmp(s, f->s) == 0) {
            *v = f->v;
            return 1;
        }
    if (!c->pos[0])
        return 0;
    for (const char *const *m = c->mid; *m; m++)
        if (strcmp(s, *m) == 0) {
            *v = 0;
            return 1;
        }
    for (const char *const *m = neutral_words; *m; m++)
        if (strcmp(s, *m) == 0) {
            *v = 0;
            return 1;
        }
    if (neither(c, s)) {
        *v = 0;
        return 1;
    }
    size_t n = strlen(s);
    for (size_t i = 0; i < sizeof negations / sizeof negations[0]; i++) {
        size_t p = word_prefix(s, negations[i].w);
        if (p && stem_in(s + p, n - p, c->pos)) {
            *v = negations[i].k;
            return 1;
        }
    }
    int sg = stem_sign(c, s, n);
    if (sg) {
        *v = 2 * sg;
        return 1;
    }
    for (size_t i = 0; i < sizeof degrees / sizeof degrees[0]; i++) {
        const char *w = degrees[i].w;
        size_t p = word_prefix(s, w), wl = strlen(w);
        if (p && (sg = stem_sign(c, s + p, n - p))) {
            *v = sg * degrees[i].k;
            return 1;
        }
        /* "Agree strongly", "Disagree somewhat" */
        if (n > wl + 1 && s[n - wl - 1] == ' ' && strcmp(s + n - wl, w) == 0 &&
            (sg = stem_sign(c, s, n - wl - 1))) {
            *v = sg * degrees[i].k;
            return 1;
        }
    }
    return 0;
}

typedef struct ranked {
    size_t i;
    double v;
    int sub;
} ranked;

static int by_rank(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->sub != y->sub)
        return x->sub ? -1 : 1; /* substantive first */
    if (x->sub && x->v != y->v)
        return x->v < y->v ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i; /* stable: the order given */
}

/* The scale all substantive labels fit (ranks in r[], r[k].sub set), or -1. */
static int find_scale(const char *const *labels, size_t n, ranked *r)
{
    char(*s)[NORM_MAX] = malloc((n ? n : 1) * sizeof *s);
    if (!s)
        return -1;
    size_t nsub = 0;
    for (size_t k = 0; k < n; k++) {
        r[k].i = k;
        r[k].v = 0;
        r[k].sub = !shopstat_scale_nonsubstantive(labels[k]);
        if (r[k].sub && (!labels[k] || !norm(labels[k], s[k]))) {
            free(s);
            return -1;
        }
        nsub += (size_t)r[k].sub;
    }
    int found = -1;
    for (size_t c = 0; nsub >= 2 && c < NSCALES && found < 0; c++) {
        size_t k = 0;
        for (; k < n; k++)
            if (r[k].sub && !point(&scales[c], s[k], &r[k].v))
                break;
        /* (two points of one rank, "Neutral" and "Neither", make no scale) */
        int spread = 0;
        for (size_t a = 0; k == n && a < n && !spread; a++)
            for (size_t b = a + 1; r[a].sub && b < n && !spread; b++)
                spread = r[b].sub && r[b].v != r[a].v;
        if (k == n && spread)
            found = (int)c;
    }
    free(s);
    return found;
}

const char *shopstat_scale_recognise(const char *const *labels, size_t n, size_t *order)
{
    ranked *r = malloc((n ? n : 1) * sizeof *r);
    if (!r)
        return NULL;
    int c = find_scale(labels, n, r);
    if (c >= 0 && order) {
        qsort(r, n, sizeof *r, by_rank);
        for (size_t k = 0; k < n; k++)
            order[k] = r[k].i;
    }
    free(r);
    return c >= 0 ? scales[c].name : NULL;
}

int shopstat_scale_numeric(const char *const *labels, size_t n)
{
    if (n < 3)
        return 0;
    long lo = 0, hi = 0;
    for (size_t l = 0; l < n; l++) {
        const char *p = labels[l];
        char *end;
        if (!p || !*p || !(*p == '-' || (*p >= '0' && *p <= '9')))
            return 0;
        long v = strtol(p, &end, 10);
        if (*end || end == p || v < -1000000 || v > 1000000)
            return 0;
        lo = l == 0 || v < lo ? v : lo;
        hi = l == 0 || v > hi ? v : hi;
    }
    long span = hi - lo + 1;
    return span <= 11 && (long)n * 2 >= span;
}

long shopstat_scale_sides(const char *const *labels, size_t n, long neutral, unsigned char *side)
{
    size_t nsub = 0, lo = n, hi = 0;
    int within = 0;
    for (size_t l = 0; l < n; l++) {
        side[l] =
            shopstat_scale_nonsubstantive(labels[l]) ? SHOPSTAT_SCALE_APART : SHOPSTAT_SCALE_LOW;
        if (side[l] != SHOPSTAT_SCALE_APART) {
            lo = lo < l ? lo : l;
            hi = l;
        }
    }
    /* one placed within the scale, between its points ("Not sure" coded 3 of a 1-5 intent
     * scale) is its middle point, as the caller or the data's codes put it there; those
     * outside it (a "Don't know" 9 after 1-5, or after a text scale) are apart */
    for (size_t l = 0; l < n; l++) {
        if (side[l] == SHOPSTAT_SCALE_APART && lo < l && l < hi) {
            side[l] = SHOPSTAT_SCALE_LOW;
            within = 1;
        }
        nsub += side[l] != SHOPSTAT_SCALE_APART;
    }
    if (neutral >= (long)n || (neutral >= 0 && side[neutral] == SHOPSTAT_SCALE_APART))
        neutral = -1;
    /* the count of substantive levels left of the centre, and whether one is the centre */
    size_t nlow = nsub / 2;
    int has_mid = nsub % 2 == 1;
    if (neutral >= 0) {
        nlow = 0;
        for (long l = 0; l < neutral; l++)
            nlow += side[l] != SHOPSTAT_SCALE_APART;
        has_mid = 1;
    } else {
        ranked *r = malloc((n ? n : 1) * sizeof *r);
        /* (no recognised scale's sides with a point taken in from outside it) */
        int c = r && !within ? find_scale(labels, n, r) : -1;
        if (c >= 0 && scales[c].bipolar) {
            /* in scale order as displayed (either way round: a spec may list the high end
             * first): one side, at most one neutral, the other side */
            size_t neg = 0, zero = 0, pos = 0;
            int up = 1, down = 1;
            double last = NAN;
            for (size_t l = 0; l < n; l++) {
                if (!r[l].sub)
                    continue;
                up &= !(r[l].v < last);
                down &= !(r[l].v > last);
                last = r[l].v;
                neg += r[l].v < 0;
                zero += r[l].v == 0;
                pos += r[l].v > 0;
            }
            size_t first = up ? neg : pos;
            if ((up || down) && zero == 1) {
                nlow = first;
                has_mid = 1;
            } else if ((up || down) && !zero && neg && pos &&
                       (neg > pos ? neg - pos : pos - neg) <= 1) {
                nlow = first;
                has_mid = 0;
            }
        }
        free(r);
    }
    long mid = -1;
    size_t k = 0;
    for (size_t l = 0; l < n; l++) {
        if (side[l] == SHOPSTAT_SCALE_APART)
            continue;
        if (k < nlow) {
            side[l] = SHOPSTAT_SCALE_LOW;
        } else if (k == nlow && has_mid) {
            side[l] = SHOPSTAT_SCALE_NEUTRAL;
            mid = (long)l;
        } else {
            side[l] = SHOPSTAT_SCALE_HIGH;
        }
        k++;
    }
    return mid;
}

/* Whether s (a level's label or code) is one of words, ignoring ASCII case and spaces
 * around it. */
static int is_word(const char *s, const char *const *words)
{
    if (!s)
        return 0;
    while (*s == ' ')
        s++;
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == ' ')
        n--;
    for (size_t k = 0; words[k]; k++)
        if (strlen(words[k]) == n && strncasecmp(s, words[k], n) == 0)
            return 1;
    return 0;
}

static const char *const YES_WORDS[] = {"yes", "y", "true", "oui", "ja", "si", "s\xc3\xad",
                                        "S\xc3\x8d", NULL};
static const char *const NO_WORDS[] = {"no", "n", "false", "non", "nein", NULL};

int shopstat_scale_yes_level(const char *const label[2], const char *const code[2])
{
    for (int k = 0; k < 2; k++)
        if (is_word(label[k], YES_WORDS) || is_word(code[k], YES_WORDS))
            return k;
    for (int k = 0; k < 2; k++)
        if (is_word(label[k], NO_WORDS) || is_word(code[k], NO_WORDS))
            return 1 - k;
    if (code[0] && code[1] && strcmp(code[0], "0") == 0 && strcmp(code[1], "1") == 0)
        return 1;
    return 0;
}
