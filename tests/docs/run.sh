#!/usr/bin/env bash
# The docs against the program, so that they cannot go stale silently: runs the shopstat
# commands README.md and docs/tutorial.md show, as a user would copy them (from a scratch copy
# of the repository's layout), and compares what they print with the text shown; checks the
# numbers the prose quotes against the tool, the links between the docs, that every flag of
# every command's --help is in the man page (and the reverse) and every key the spec parser
# accepts is in docs/spec.md, and that every doc showing bundled data says it is synthetic.
# No R; a few seconds. Ends with "N passed, N failed".
set -u
# the table views fit $COLUMNS when it is set (shopstat.1): the goldens are one line a row
unset COLUMNS
BUILD=${BUILD:-build}
root=$(cd "$(dirname "$0")/../.." && pwd)
S="$root/$BUILD/shopstat"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() {
    echo "FAIL $1: $2"
    failed=$((failed + 1))
}
# same NAME EXPECTED ACTUAL: equal, or the diff printed
same() {
    if [ "$2" = "$3" ]; then pass; else
        fail "$1" "differs (doc, then program):"
        diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") | head -20
    fi
}

# blocks FILE DIR: every fenced block of FILE as DIR/NNN.txt, with NNN.lang (its info
# string), NNN.line (the fence's line), NNN.follows (1 when only blank lines separate it from
# the block before: an output shown under its command) and NNN.before (the paragraph of prose
# above it, on one line).
blocks() {
    mkdir -p "$2"
    perl -e '
        my ($file, $dir) = @ARGV; open my $f, "<", $file or die "$file: $!";
        my ($n, $in, $lang, $buf, $start, $gap, $before) = (0, 0, "", "", 0, 0, "");
        my ($after_block, $para) = (0, 0);
        sub put { my ($name, $text) = @_; open my $o, ">", "$dir/$name" or die; print $o $text }
        while (my $l = <$f>) {
            if (!$in && $l =~ /^```(\S*)\s*$/) {
                ($in, $lang, $buf, $start, $gap) = (1, $1, "", $., $after_block); next;
            }
            if ($in && $l =~ /^```\s*$/) {
                $in = 0; $n++; my $id = sprintf "%03d", $n;
                put("$id.txt", $buf); put("$id.lang", $lang); put("$id.line", $start);
                put("$id.follows", $gap ? 1 : 0); put("$id.before", $before);
                $after_block = 1; next;
            }
            if ($in) { $buf .= $l; next }
            if ($l =~ /\S/) {
                chomp $l; $before = $after_block || $para == 0 ? $l : "$before $l";
                ($after_block, $para) = (0, 1);
            } else { $para = 0 }
        }' "$1" "$2"
}

# A scratch "repository" for the commands: surveys/ and build/ as a user has them, every
# file a command writes (charts, out/) lands here.
W="$T/repo"
mkdir -p "$W"
ln -s "$root/surveys" "$W/surveys"
ln -s "$root/$BUILD" "$W/build"

# ---------------------------------------------------------------------------------------
# README.md: every block that runs build/shopstat runs with status 0; a block shown under
# it is its standard output (a line ending in "..." is cut there, and then the lines after
# it are left out too); a "# -> DIR" comment and a --chart FILE are checked to exist.
blocks "$root/README.md" "$T/readme"
vars=""
for f in "$T"/readme/*.txt; do
    id=${f%.txt}
    [ "$(cat "$id.lang")" = sh ] || continue
    text=$(cat "$f")
    vars="$vars$(printf '%s\n' "$text" | grep -E '^[A-Za-z_]+=[^ ]*$')
"
    printf '%s\n' "$text" | grep -q '^build/shopstat ' || continue
    printf '%s\n' "$text" | grep -qE '^(make|cc) ' && continue
    name="README.md:$(cat "$id.line")"
    (cd "$W" && bash -c "$vars$text" >"$T/out" 2>"$T/err")
    rc=$?
    if [ $rc -ne 0 ]; then
        fail "$name" "exit $rc: $(head -3 "$T/err")"
        continue
    fi
    pass
    next=$(printf '%s.txt' "${id%???}$(printf '%03d' $((10#${id##*/} + 1)))")
    if [ -f "$next" ] && [ "$(cat "${next%.txt}.follows")" = 1 ] && [ -z "$(cat "${next%.txt}.lang")" ]; then
        expected=$(cat "$next")
        actual=$(cat "$T/out")
        if [ "$(tail -1 "$next" | grep -c '\.\.\.$')" = 1 ]; then
            # cut at "...": the shown lines as prefixes of the program's first lines
            n=$(wc -l <"$next")
            actual=$(head -n "$n" "$T/out" | paste -d '\t' "$next" - | while IFS=$'\t' read -r e a; do
                case $e in *...) p=${e%...}; [ "${a#"$p"}" != "$a" ] && a=$e ;; esac
                printf '%s\n' "$a"
            done)
        fi
        same "$name output" "$expected" "$actual"
    fi
    for dir in $(printf '%s\n' "$text" | sed -n 's/.*# -> \([^ ]*\).*/\1/p'); do
        if [ -d "$W/$dir" ]; then pass; else fail "$name" "no folder $dir after the run"; fi
    done
    for chart in $(printf '%s\n' "$text" | grep -o -- '--chart [^ ]*' | sed 's/--chart //'); do
        if [ -s "$W/$chart" ]; then pass; else fail "$name" "no chart $chart after the run"; fi
    done
done

# README's spec excerpt is a spec that runs (next to the bundled data).
yaml=$(for f in "$T"/readme/*.txt; do [ "$(cat "${f%.txt}.lang")" = yaml ] && cat "$f"; done)
mkdir -p "$T/excerpt" && ln -s "$root/surveys/servicesoft-1999/respondents.csv" "$T/excerpt/"
printf '%s\n' "$yaml" >"$T/excerpt/survey.yml"
if "$S" report "$T/excerpt/survey.yml" -o "$T/excerpt/out" --quiet --no-charts 2>"$T/err"; then pass; else
    fail "README.md spec excerpt" "$(cat "$T/err")"
fi

# ---------------------------------------------------------------------------------------
# The numbers the prose quotes: "a 1999 survey of 836 online buyers (69% of all buyers but
# 87% of heavy buyers would switch ...)" and "the 2011 ... audit of 494 merchant sites".
ss="$root/surveys/servicesoft-1999/respondents.csv"
tt="$root/surveys/teletech-open-to-dialog-2011/respondents.csv"
tab=$("$S" tab "$ss" --weight wt --strata region --psu panel --var would_switch \
    --segment heavy=spend_6m:3 --format csv 2>/dev/null)
pct() { printf '%s\n' "$tab" | awk -F, -v s="$1" '$2 == 1 && $3 == s { printf "%.0f", 100 * $7 }'; }
read_rows=$("$S" describe "$ss" | awk '$1 == "read" { print $2 }')
sites=$("$S" tab "$tt" --var wave --format csv | awk -F, '$2 == 2011 && $3 == "all" { print $6 }')
for doc in README.md docs/tutorial.md surveys/servicesoft-1999/README.md; do
    # the figures' sentence, joined over its line breaks
    prose=$(tr '\n' ' ' <"$root/$doc")
    n=$(printf '%s' "$prose" | grep -oE '[0-9]+ online (buyers|users)' | head -1 | cut -d' ' -f1)
    [ -n "$n" ] && same "$doc: online buyers" "$n" "$read_rows"
    all=$(printf '%s' "$prose" | grep -oE '[0-9]+% of (all|online) buyers' | head -1 | cut -d% -f1)
    heavy=$(printf '%s' "$prose" | grep -oE '[0-9]+% of (heavy buyers|those who spent)' | head -1 | cut -d% -f1)
    [ -n "$all" ] && same "$doc: % of all buyers who would switch" "$all" "$(pct all)"
    [ -n "$heavy" ] && same "$doc: % of heavy buyers who would switch" "$heavy" "$(pct heavy)"
done
n=$(tr '\n' ' ' <"$root/README.md" | grep -oE 'audit of [0-9]+ merchant sites' | grep -oE '[0-9]+')
same "README.md: merchant sites audited in 2011" "$n" "$sites"

# methods.md: "74 cases of Taylor designs ..., 28 of replicate-weight designs"
prose=$(tr '\n' ' ' <"$root/docs/methods.md")
cases() { grep -cvE '^[[:space:]]*(#|$)' "$root/tests/oracle/$1"; }
same "methods.md: Taylor oracle cases" \
    "$(printf '%s' "$prose" | grep -oE '[0-9]+ cases of Taylor' | cut -d' ' -f1)" "$(cases cases.txt)"
same "methods.md: replicate oracle cases" \
    "$(printf '%s' "$prose" | grep -oE '[0-9]+ of +replicate-weight' | cut -d' ' -f1)" \
    "$(cases rep_cases.txt)"

# The man page's chisq example is what chisq prints on the bundled survey.
example=$(sed 's/\\-/-/g' "$root/docs/shopstat.1" | tr '\n' ' ' |
    grep -oE 'would_switch by spend_6m +F = [^"]*' | tr -s ' ' | sed 's/ *$//')
actual=$("$S" chisq "$ss" --weight wt --strata region --psu panel --var would_switch \
    --by spend_6m --format table | head -1 | tr -s ' ')
same "shopstat.1: chisq example" "$example" "$actual"

# The csv columns the man page, --help and spec.md list are the headers the commands write.
tabh=$("$S" tab "$ss" --var would_switch --format csv | head -1)
cmph=$("$S" compare "$ss" --var would_switch --segment h=spend_6m:3 --pair h:all --format csv | head -1)
chih=$("$S" chisq "$ss" --var would_switch --by spend_6m --format csv | head -1)
i=0
for cols in $(sed 's/\\-/-/g; s/\\%//g; s/\\://g' "$root/docs/shopstat.1" | grep -v '^\.' | tr '\n' ' ' |
    grep -oE 'csv columns are [a-z_,]+[a-z_]' | sed 's/.* //'); do
    i=$((i + 1))
    case $i in 1) want=$tabh ;; 2) want=$cmph ;; *) want=$chih ;; esac
    same "shopstat.1: csv columns ($i)" "$cols" "$want"
done
same "shopstat.1: three csv column lists" 3 "$i"
for c in tab compare chisq; do
    cols=$("$S" $c --help | tr '\n' ' ' | tr -s ' ' | sed 's/, /,/g' | grep -oE 'csv columns: [a-z_,]+' | sed 's/.* //')
    case $c in tab) want=$tabh ;; compare) want=$cmph ;; *) want=$chih ;; esac
    same "$c --help: csv columns" "$cols" "$want"
done
same "spec.md: tables.csv columns" "$(grep -oE '`variable,level,segment,[a-z_,]+`' "$root/docs/spec.md" | tr -d '`')" "$tabh"
same "spec.md: comparisons.csv columns" \
    "$(grep -oE '`variable,level,segment_a,[a-z_,]+`' "$root/docs/spec.md" | tr -d '`')" "$cmph"

# ---------------------------------------------------------------------------------------
# docs/tutorial.md, step by step in a scratch home.
blocks "$root/docs/tutorial.md" "$T/tut"
H="$T/home"
mkdir -p "$H"
tut() { for f in "$T"/tut/*.txt; do grep -q -- "$1" "${f%.txt}.before" && { cat "$f"; return; }; done; }
tutrun() { (cd "$1" && HOME="$H" PATH="$root/$BUILD:$PATH" bash -c "$2"); }
prose=$(tr '\n' ' ' <"$root/docs/tutorial.md")

# 1. describe: the design and the columns the prose describes
describe=$(tutrun "$W" "$(for f in "$T"/tut/*.txt; do grep -q 'shopstat describe' "$f" && cat "$f"; done)")
same "tutorial: strata" "$(printf '%s' "$prose" | grep -oE 'here [0-9]+ strata' | grep -oE '[0-9]+')" \
    "$(printf '%s\n' "$describe" | sed -n 's/^ *strata: *[^,]*, \([0-9]*\) strata.*/\1/p')"
same "tutorial: PSUs" "$(printf '%s' "$prose" | grep -oE '[0-9]+ PSUs \(`panel`' | cut -d' ' -f1)" \
    "$(printf '%s\n' "$describe" | sed -n 's/^ *PSUs: *[^,]*, \([0-9]*\) in all.*/\1/p')"
same "tutorial: weight range" \
    "$(printf '%s' "$prose" | grep -oE 'from [0-9]+(\.[0-9]+)? to [0-9]+(\.[0-9]+)?' | head -1)" \
    "$(printf '%s\n' "$describe" | awk '/^ *min .*max/ { printf "from %.2f to %.2f", $2, $6 }')"
same "tutorial: would_switch empty cells" \
    "$(printf '%s' "$prose" | grep -oE 'with [0-9]+ empty cells' | grep -oE '[0-9]+')" \
    "$(printf '%s\n' "$describe" | awk '$1 == "would_switch" && $2 == "categorical" { print $4 }')"
# the start's --multi the prose quotes is in describe's start, and the start's tab runs
start_multi=$(printf '%s' "$prose" | grep -oE 'here `--multi [^`]*`' | sed 's/^here `//; s/`$//')
same "tutorial: the start's set" "$start_multi" \
    "$(printf '%s\n' "$describe" | sed -n '/^a start/,$p' | grep -oE -- "--multi pref=[^ ]*")"
start_tab=$(printf '%s\n' "$describe" | sed -n '/^a start/,/^  shopstat score\|^  --/p' |
    sed -n '/^  shopstat tab/,/[^\\]$/p' | sed 's/^ *//; s/ \\$//' | tr '\n' ' ')
if [ -n "$start_tab" ] && tutrun "$H/buyers" "$start_tab" >/dev/null 2>&1; then pass; else
    fail "tutorial: the start's tab" "does not run: $start_tab"
fi

# 2. the spec, and 3. the error it shows for a misspelt question: nothing written
B="$H/buyers"
tut 'Save as' >"$B/survey.yml"
err_line=$(tut 'A mistake in the spec')
if [[ $err_line =~ ^survey\.yml:([0-9]+):([0-9]+):\ error:\ unknown\ question\ \'([a-z_]+)\' ]]; then
    l=${BASH_REMATCH[1]} c=${BASH_REMATCH[2]} typo=${BASH_REMATCH[3]}
    awk -v l="$l" -v c="$c" -v t="$typo" 'NR == l { s = substr($0, c); sub(/^[a-z_]+/, t, s);
        $0 = substr($0, 1, c - 1) s } { print }' "$B/survey.yml" >"$B/typo.yml"
    (cd "$B" && mv survey.yml good.yml && mv typo.yml survey.yml)
    out=$(tutrun "$B" "shopstat report survey.yml" 2>&1)
    rc=$?
    same "tutorial: spec error" "$err_line" "$out"
    same "tutorial: spec error status" 2 "$rc"
    if [ -e "$B/out" ]; then fail "tutorial: spec error" "out/ written"; else pass; fi
    mv "$B/good.yml" "$B/survey.yml"
else
    fail "tutorial: spec error" "no 'survey.yml:L:C: error: unknown question' block"
fi
run=$(for f in "$T"/tut/*.txt; do [ "$(cat "$f")" = "shopstat report survey.yml" ] && echo "$f"; done)
next="${run%???.txt}$(printf '%03d' $((10#$(basename "$run" .txt) + 1))).txt"
same "tutorial: report" "$(cat "$next")" "$(tutrun "$B" "$(cat "$run")" 2>&1)"

# 4. report.md holds the excerpt shown; the files listed exist; the design the prose quotes
md="$B/out/buyers-1999/report.md"
excerpt=$(tut 'out/buyers-1999/report.md')
if [ -f "$md" ] && grep -qF -- "$(printf '%s\n' "$excerpt" | head -1)" "$md"; then
    first=$(printf '%s\n' "$excerpt" | head -1)
    got=$(awk -v f="$first" -v n="$(printf '%s\n' "$excerpt" | wc -l)" \
        '$0 == f { k = n } k > 0 { print; k-- }' "$md")
    same "tutorial: report.md excerpt" "$excerpt" "$got"
else
    fail "tutorial: report.md excerpt" "not in $md"
fi
for file in $(sed -n 's/^- `\([a-z_]*\.[a-z]*\)`.*/\1/p' "$root/docs/tutorial.md"); do
    if [ -s "$B/out/buyers-1999/$file" ]; then pass; else fail "tutorial: $file" "not written"; fi
done
same "report: tables.csv header" "table,$tabh" "$(head -1 "$B/out/buyers-1999/tables.csv")"
same "report: comparisons.csv header" "table,$cmph" "$(head -1 "$B/out/buyers-1999/comparisons.csv")"
design=$(printf '%s' "$prose" | grep -oE 'design: [0-9]+ strata, [0-9]+ PSUs, [0-9]+ df')
same "tutorial: report design" "$design" \
    "$(sed -n 's/.*strata [a-z]* (\([0-9]*\)), PSU [a-z]* (\([0-9]*\)), design df \([0-9]*\).*/design: \1 strata, \2 PSUs, \3 df/p' "$md")"

# The table view within a width (--width 80): the block the tutorial shows under its
# command is what the program prints, run from the repository's root (COLUMNS unset: the
# command's own --width decides).
wide=$(for f in "$T"/tut/*.txt; do grep -q -- '--width 80' "$f" && echo "$f"; done | head -1)
if [ -n "$wide" ]; then
    next=$(printf '%s.txt' "${wide%???.txt}$(printf '%03d' $((10#$(basename "${wide%.txt}") + 1)))")
    same "tutorial: --width 80" "$(cat "$next")" \
        "$(cd "$root" && env -u COLUMNS PATH="$root/$BUILD:$PATH" bash -c "$(cat "$wide")" 2>&1)"
else
    fail "tutorial: --width 80" "no block running tab --width 80"
fi

# ---------------------------------------------------------------------------------------
# Links between the docs: the file exists, and a #section is a heading of it.
docs=(README.md docs/tutorial.md docs/spec.md docs/charts.md docs/methods.md docs/architecture.md
    docs/reliability.md docs/performance.md docs/performance-log.md docs/library.md surveys/*/README.md tests/oracle/README.md)
for doc in "${docs[@]}"; do
    dir=$(dirname "$root/$doc")
    for link in $(grep -oE '\]\([^)]+\)' "$root/$doc" | sed 's/^](//; s/)$//' | grep -vE '^[a-z]+:'); do
        path=${link%%#*}
        anchor=${link#"$path"}
        anchor=${anchor#\#}
        target=$dir/$path
        [ -z "$path" ] && target=$root/$doc
        if [ ! -e "$target" ]; then
            fail "$doc" "link $link: no such file"
            continue
        fi
        if [ -n "$anchor" ]; then
            # GitHub's anchors: lower case, punctuation dropped, spaces to '-'
            if grep -E '^#+ ' "$target" | sed -E 's/^#+ //' | tr 'A-Z' 'a-z' |
                sed -E 's/[^a-z0-9 _-]//g; s/ /-/g' | grep -qx -- "$anchor"; then pass; else
                fail "$doc" "link $link: no such section"
                continue
            fi
        fi
        pass
    done
done

# ---------------------------------------------------------------------------------------
# Every flag of every command's --help is in the man page, and every flag the man page
# names is in some --help.
man_flags=$(sed 's/\\-/-/g' "$root/docs/shopstat.1" | grep -oE -- '--[a-z][a-z-]*[a-z]' | sort -u)
help_flags=$({
    "$S" --help
    for c in describe tab compare score chisq report replicate; do "$S" "$c" --help; done
} | grep -oE -- '--[a-z][a-z-]*[a-z]' | sort -u)
missing=$(comm -23 <(printf '%s\n' "$help_flags") <(printf '%s\n' "$man_flags"))
extra=$(comm -13 <(printf '%s\n' "$help_flags") <(printf '%s\n' "$man_flags"))
for flag in $missing; do fail "shopstat.1" "$flag (in --help) is not documented"; done
for flag in $extra; do fail "shopstat.1" "$flag is in no command's --help"; done
[ -z "$missing$extra" ] && pass

# Every --flag the docs name is one of shopstat's (or of the other tools they show: pkg-config,
# chartdemo, csvcompare, valgrind, git diff, perf report, the linker's -Wl,--wrap, cppcheck).
others="--cflags --libs --static --size --rel --abs --error-exitcode --errors-for-leak-kinds
    --leak-check --exit-code --no-children --tool --wrap --enable --std"
for doc in "${docs[@]}"; do
    for flag in $(grep -oE -- '--[a-z][a-z-]*[a-z]' "$root/$doc" | sort -u); do
        if printf '%s\n' $help_flags $others | grep -qx -- "$flag"; then pass; else
            fail "$doc" "$flag is not a flag of shopstat"
        fi
    done
done

# Every key the spec parser accepts (its keys[] and csv_keys[] tables) is in docs/spec.md, and
# every key of spec.md's tables (their first column) is one the parser accepts.
parser_keys=$(perl -0ne 'while (/keys\[\]\s*=\s*\{([^}]*)\}/g) { print "$1\n" }' \
    "$root/engine/spec.c" | grep -oE '"[a-z_]+"' | tr -d '"' | sort -u)
for key in $parser_keys; do
    if grep -qE "\`$key\`|\b$key:" "$root/docs/spec.md"; then pass; else
        fail "spec.md" "key $key (engine/spec.c) is not documented"
    fi
done
for key in $(grep -oE '^\| `[a-z_]+`( / `[a-z_]+`)*( \(or `[a-z_]+`\))? \|' "$root/docs/spec.md" |
    grep -oE '`[a-z_]+`' | tr -d '`' | sort -u); do
    if printf '%s\n' "$parser_keys" | grep -qx -- "$key"; then pass; else
        fail "spec.md" "key $key is not one engine/spec.c accepts"
    fi
done

# ---------------------------------------------------------------------------------------
# Every file of spec.md's "What it writes" table (tables.csv, scores.csv, ...) is named by
# 'shopstat report --help' and the man page's report section, so that neither lists fewer
# files than a report folder holds.
report_help=$("$S" report --help)
man_report=$(sed -n '/^\.SS report/,/^\.SH/p' "$root/docs/shopstat.1")
outputs=$(sed -n '/^## Outputs/,/^## /p' "$root/docs/spec.md" | grep -oE '^\| `[a-z]+\.[a-z]+`' |
    grep -oE '[a-z]+\.[a-z]+')
[ -n "$outputs" ] || fail "spec.md" "no output files found under '## Outputs'"
for f in $outputs; do
    if printf '%s\n' "$report_help" | grep -qF -- "$f"; then pass; else
        fail "report --help" "does not name $f (docs/spec.md, Outputs)"
    fi
    if printf '%s\n' "$man_report" | grep -qF -- "$f"; then pass; else
        fail "shopstat.1" "report section does not name $f (docs/spec.md, Outputs)"
    fi
done

# ---------------------------------------------------------------------------------------
# Every environment variable the library reads (getenv in engine/ and plots/, not the
# program's engine/cli/) is named in docs/library.md: a program embedding the library
# inherits its environment, and these change threads, chunks, caps and grouping.
lib_env=$(grep -ohE 'getenv\("SHOPSTAT_[A-Z0-9_]+"\)|env_long\("SHOPSTAT_[A-Z0-9_]+"\)' \
    "$root"/engine/*.c "$root"/plots/*.c | grep -oE 'SHOPSTAT_[A-Z0-9_]+' | sort -u)
[ -n "$lib_env" ] || fail "engine/*.c" "no getenv(\"SHOPSTAT_...\") found: the check reads nothing"
for v in $lib_env; do
    if grep -q "\`$v\`" "$root/docs/library.md"; then pass; else
        fail "docs/library.md" "does not name $v, which the library reads from the environment"
    fi
done

# ---------------------------------------------------------------------------------------
# Every doc that names a bundled survey says that its data are synthetic.
for doc in "${docs[@]}" docs/shopstat.1; do
    if grep -qiE 'servicesoft|teletech' "$root/$doc"; then
        if grep -qi synthetic "$root/$doc"; then pass; else
            fail "$doc" "shows bundled data without saying they are synthetic"
        fi
    fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
