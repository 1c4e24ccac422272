#!/usr/bin/env bash
# The randomized audit against R's survey package (needs R and r-cran-survey; not part of
# make check): tests/oracle/audit/run.sh [FROM [TO]] runs seeds FROM..TO (default 1..160) in
# batches of 20 against build/shopstat, in $AUDIT_OUT (default a new /tmp folder), and
# prints how many lines of each kind the logs hold (README.md says what each kind means).
# audit.R sources ext.R (AUDIT_EXT=0 leaves it out), ext2.R (AUDIT_EXT2=0), ext3.R
# (AUDIT_EXT3=0), ext4.R (AUDIT_EXT4=0, or AUDIT_EXT4=only for its part alone), ext5.R
# (AUDIT_EXT5=0, or AUDIT_EXT5=only) and ext6.R (AUDIT_EXT6=0, or AUDIT_EXT6=only):
# README.md says what each part draws.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
FROM=${1:-1}
TO=${2:-160}
export AUDIT_SHOPSTAT=${AUDIT_SHOPSTAT:-$root/${BUILD:-build}/shopstat}
export AUDIT_OUT=${AUDIT_OUT:-$(mktemp -d /tmp/shopstat-audit-XXXXXX)}
command -v Rscript >/dev/null || { echo "audit: Rscript not found (apt-get install r-base-core r-cran-survey)" >&2; exit 2; }
mkdir -p "$AUDIT_OUT"
[ -x "$AUDIT_SHOPSTAT" ] || { echo "audit: $AUDIT_SHOPSTAT: no such program (run make)" >&2; exit 2; }
echo "audit: seeds $FROM..$TO, shopstat $AUDIT_SHOPSTAT, output in $AUDIT_OUT"
i=$FROM
while [ "$i" -le "$TO" ]; do
    j=$((i + 19)); [ "$j" -gt "$TO" ] && j=$TO
    Rscript "$here/audit.R" "$i" "$j" >"$AUDIT_OUT/rlog_${i}_${j}.txt" 2>&1 || echo "audit: R batch $i-$j failed (see $AUDIT_OUT/rlog_${i}_${j}.txt)"
    i=$((j + 1))
done
cat "$AUDIT_OUT"/log_*.txt | grep '^SUMMARY' || true
echo "line kinds (DIFF: beyond 1e-6 of R; FAIL: shopstat refused where R answered):"
# (a case's lines are TAG|KIND|...; LIKSPLINE and LOGITREP lines start with their kind)
cat "$AUDIT_OUT"/log_*.txt | grep -v '|RUN|' | awk -F'|' '/^s[0-9]/ { print $2; next } NF > 1 { print $1 }' |
    grep -E '^[A-Z][A-Z0-9-]*$' | sort | uniq -c | sort -nr
