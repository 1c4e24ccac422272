# Checks of a table view laid out to a width (sourced by the width_* cases' check scripts).
# Widths are display columns as GNU wc -L counts them under C.UTF-8 (wcwidth: "é" 1,
# "東" 2), independent of the program's own measure.

# cols LINE: the display columns of one line
cols() { printf '%s\n' "$1" | LC_ALL=C.UTF-8 wc -L; }

# fits FILE W: no line of FILE wider than W columns
fits() {
    local w
    w=$(LC_ALL=C.UTF-8 wc -L <"$1")
    [ "$w" -le "$2" ] || { echo "widest line $w > $2" >&2; return 1; }
}

# aligned FILE LABEL...: in each block of the table (up to the first line that starts a
# note), the lines starting with one of the labels (a level, "base", the question) end at
# the same column: right-aligned cells measured by display columns line up
aligned() {
    local f=$1; shift
    local want="" line l w
    while IFS= read -r line; do
        if [ -z "$line" ]; then want=""; continue; fi
        for l in "$@"; do
            case $line in "$l "*)
                w=$(cols "$line")
                if [ -z "$want" ]; then want=$w
                elif [ "$w" != "$want" ]; then
                    echo "misaligned ($w, not $want): $line" >&2; return 1
                fi ;;
            esac
        done
    done < <(sed '/^Weighted\|^Rows:\|^Letters:/,$d' "$f")
}

# count FILE PATTERN: lines of FILE matching the fixed string PATTERN at their start
count() { grep -c "^$2" "$1"; }

# once OUT CSV: every estimate of tab's csv CSV, as the table view writes it
# ("36.0% [23.7, 50.4]", formatted here by awk's printf), is in OUT exactly once: no
# column lost or shown twice by the blocks
once() {
    local cell n
    while IFS= read -r cell; do
        n=$(grep -cF -- "$cell" "$1")
        [ "$n" = 1 ] || { echo "'$cell' $n times" >&2; return 1; }
    done < <(awk -F, 'NR > 1 { printf "%.1f%% [%.1f, %.1f]\n", 100 * $7, 100 * $9, 100 * $10 }' "$2")
}
