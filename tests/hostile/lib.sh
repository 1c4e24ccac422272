# Shared by the scripts in tests/hostile/ (sourced, not run): the paths, a scratch folder
# that becomes the working directory (removed on exit unless the script sets its own EXIT
# trap), and the pass/fail counters that end in "N passed, N failed".
BUILD=${BUILD:-build}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() {
    echo "FAIL $1: $2"
    failed=$((failed + 1))
}
