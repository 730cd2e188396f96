#!/usr/bin/env bash
# certreport tests: the command line, end to end.
# usage: bash cli_test.sh CERTREPORT_BINARY SOURCE_DIR GENCOHORT_BINARY
# Prints one line per check, then "N passed, M failed"; exits 1 if any check failed.
set -u

if [ $# -ne 3 ]; then
    echo "usage: bash cli_test.sh CERTREPORT_BINARY SOURCE_DIR GENCOHORT_BINARY" >&2
    exit 2
fi
CR=$1
SRC=$2
GEN=$3
COHORT=$SRC/samples/cohort
BAD=$SRC/tests/data/bad
# Always the assets of this source tree, whatever is installed.
export CERTREPORT_ASSETS=$SRC/assets

TMP=$(mktemp -d "${TMPDIR:-/tmp}/certreport-cli.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT

passed=0
failed=0
rc=0

# check NAME COMMAND...: one line per check; on failure, what the last run printed.
check() {
    local name=$1
    shift
    if "$@"; then
        echo "ok   $name"
        passed=$((passed + 1))
    else
        echo "FAIL $name"
        echo "     (exit status $rc)"
        [ -s "$TMP/out" ] && head -n 5 "$TMP/out" | sed 's/^/     stdout: /'
        [ -s "$TMP/err" ] && head -n 5 "$TMP/err" | sed 's/^/     stderr: /'
        failed=$((failed + 1))
    fi
    return 0
}

# run ARGS...: runs certreport; stdout in $TMP/out, stderr in $TMP/err, status in $rc.
run() {
    "$CR" "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
}

# json_ok EXPR: the JSON on stdout parses and the Python expression EXPR (over d) holds.
json_ok() {
    python3 -c '
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
sys.exit(0 if eval("(" + sys.argv[2] + ")") else 1)
' "$TMP/out" "$1"
}

lines() { # number of lines of a file
    wc -l <"$1" | tr -d ' '
}

# located PATH FILE: every line of FILE is "PATH:LINE: message" (PATH taken literally).
located() {
    local line rest
    [ -s "$2" ] || return 1
    while IFS= read -r line || [ -n "$line" ]; do
        [[ $line == "$1:"* ]] || return 1
        rest=${line#"$1:"}
        [[ $rest =~ ^[0-9]+:\ . ]] || return 1
    done <"$2"
}

# ---- help, version, usage errors ----

t_version() {
    run --version
    [ $rc -eq 0 ] && grep -Eq '^certreport [0-9]+\.[0-9]+' "$TMP/out" && [ ! -s "$TMP/err" ]
}
check "--version exits 0 and prints the version" t_version

t_help() {
    for h in --help -h help; do
        run "$h"
        [ $rc -eq 0 ] && grep -q '^usage: certreport COMMAND' "$TMP/out" && [ ! -s "$TMP/err" ] || return 1
    done
}
check "--help, -h and help exit 0 and print the usage" t_help

t_no_args() {
    run
    [ $rc -eq 2 ] && grep -q '^usage:' "$TMP/err" && [ ! -s "$TMP/out" ]
}
check "no command: exit 2, usage on stderr" t_no_args

t_command_help() {
    for cmd in validate score stats; do
        for h in --help -h; do
            run "$cmd" "$h"
            [ $rc -eq 0 ] && grep -q "^usage: certreport $cmd" "$TMP/out" && [ ! -s "$TMP/err" ] || return 1
        done
    done
}
check "every command's --help exits 0 and prints its usage" t_command_help

t_unknown_command() {
    run frobnicate
    [ $rc -eq 2 ] && grep -q "frobnicate" "$TMP/err" && [ ! -s "$TMP/out" ]
}
check "unknown command: exit 2" t_unknown_command

t_unknown_option() {
    run score --bogus "$COHORT/gold-city.submission.xml"
    [ $rc -eq 2 ] && grep -q -- "--bogus" "$TMP/err" && [ ! -s "$TMP/out" ] || return 1
    run validate --frobnicate "$COHORT/gold-city.submission.xml"
    [ $rc -eq 2 ] && grep -q -- "--frobnicate" "$TMP/err" || return 1
    run stats -x "$COHORT" --json
    [ $rc -eq 2 ] && [ ! -s "$TMP/out" ] || return 1
    # an option of another command
    run validate --json "$COHORT/gold-city.submission.xml"
    [ $rc -eq 2 ] && [ ! -s "$TMP/out" ]
}
check "unknown or misplaced option: exit 2" t_unknown_option

t_missing_operands() {
    run score
    [ $rc -eq 2 ] || return 1
    run validate
    [ $rc -eq 2 ] || return 1
    run stats "$COHORT" # neither -o nor --json
    [ $rc -eq 2 ] || return 1
    run score --audit
    [ $rc -eq 2 ]
}
check "missing operands: exit 2" t_missing_operands

# ---- score ----

t_score_gold() {
    run score "$COHORT/gold-city.submission.xml" --audit "$COHORT/gold-city.audit.xml" --json
    [ $rc -eq 0 ] && [ ! -s "$TMP/err" ] && json_ok '
d["tier"] == "gold" and d["awarded"] == "gold" and d["met"] == 31 and d["total"] == 43
and [d["areas"][a]["percent"] for a in ("DM", "EVAL", "LC", "OD", "PA", "BF", "RDC", "SI")]
    == [89, 75, 86, 100, 80, 67, 25, 67]
and d["stale"] == [] and d["core_missing"] == [] and d["eligible"] is True'
}
check "score gold-city --json: gold/gold, 31 of 43, area percents, nothing stale or missing" t_score_gold

t_score_gold_text() {
    run score "$COHORT/gold-city.submission.xml" --audit "$COHORT/gold-city.audit.xml"
    [ $rc -eq 0 ] && grep -q '^Criteria met: 31 of 43' "$TMP/out" && grep -q '^Awarded: Gold' "$TMP/out"
}
check "score gold-city (text): 31 of 43, awarded Gold" t_score_gold_text

t_score_stale() {
    run score "$COHORT/stale-city.submission.xml" --audit "$COHORT/stale-city.audit.xml" --json
    [ $rc -eq 0 ] && json_ok 'd["stale"] == ["OD2"]'
}
check "score stale-city --json: stale [\"OD2\"]" t_score_stale

t_score_small_town() {
    run score "$COHORT/small-town.submission.xml" --audit "$COHORT/small-town.audit.xml" --json
    [ $rc -eq 0 ] && json_ok 'd["eligible"] is False and d["tier"] == "none"'
}
check "score small-town --json: not eligible, tier none" t_score_small_town

t_score_bad() {
    run score "$BAD/population-zero.submission.xml"
    [ $rc -eq 1 ] && [ "$(lines "$TMP/err")" = 1 ] && [ ! -s "$TMP/out" ] &&
        grep -qF "$BAD/population-zero.submission.xml:3: " "$TMP/err"
}
check "score of a bad submission: exit 1, one line on stderr, nothing on stdout" t_score_bad

t_score_xxe() {
    run score "$BAD/xxe.submission.xml" --json
    [ $rc -eq 1 ] && [ "$(lines "$TMP/err")" = 1 ] && [ ! -s "$TMP/out" ] &&
        grep -q 'DOCTYPE' "$TMP/err" && ! grep -q 'root:' "$TMP/err"
}
check "score of an XXE submission: refused, nothing of /etc/passwd shown" t_score_xxe

t_score_other_audit() {
    run score "$COHORT/gold-city.submission.xml" --audit "$BAD/other-city.audit.xml"
    [ $rc -eq 1 ] && [ "$(lines "$TMP/err")" = 1 ] && [ ! -s "$TMP/out" ] &&
        grep -q 'other-city' "$TMP/err" && grep -q 'gold-city' "$TMP/err"
}
check "score with another city's audit log: exit 1, names both" t_score_other_audit

t_score_missing_file() {
    run score "$TMP/no-such.submission.xml"
    [ $rc -eq 1 ] && [ "$(lines "$TMP/err")" = 1 ] && [ ! -s "$TMP/out" ]
}
check "score of a missing file: exit 1, one line on stderr" t_score_missing_file

# ---- validate ----

t_validate_samples() {
    run validate "$COHORT"/*.xml
    local n
    n=$(ls "$COHORT"/*.xml | wc -l)
    [ $rc -eq 0 ] && [ ! -s "$TMP/err" ] && [ "$(grep -c ': ok$' "$TMP/out")" -eq "$n" ]
}
check "validate every sample file: exit 0, each ok" t_validate_samples

t_validate_broken() {
    local f
    for f in "$BAD"/*.xml; do
        case $f in */other-city.audit.xml) continue ;; esac # valid on its own
        run validate "$COHORT/gold-city.submission.xml" "$f"
        [ $rc -eq 1 ] && [ -s "$TMP/err" ] || { echo "     $f: exit $rc"; return 1; }
        # every problem is "PATH:LINE: message"
        located "$f" "$TMP/err" || { echo "     $f: stderr is not PATH:LINE: message"; return 1; }
        # nothing on stdout about the broken file; the good one is ok
        grep -qF "$f" "$TMP/out" && { echo "     $f: named on stdout"; return 1; }
        grep -q "gold-city.submission.xml: ok$" "$TMP/out" || return 1
    done
    return 0
}
check "validate broken files: exit 1, stderr is PATH:LINE: message, stdout silent about them" t_validate_broken

t_validate_dir() {
    run validate "$COHORT"
    [ $rc -eq 1 ] && [ -s "$TMP/err" ] && [ ! -s "$TMP/out" ]
}
check "validate of a directory: exit 1" t_validate_dir

# ---- stats ----

t_stats_peers() {
    run stats "$COHORT" -o "$TMP/peers.xml"
    [ $rc -eq 0 ] && [ -s "$TMP/peers.xml" ] || return 1
    ls "$TMP" | grep -q '\.tmp\.' && return 1 # no temporary file left behind
    run validate "$TMP/peers.xml"
    [ $rc -eq 0 ] && grep -q "peers.xml: ok$" "$TMP/out"
}
check "stats samples -o peers.xml: exit 0, a valid peers file" t_stats_peers

t_stats_json() {
    run stats "$COHORT" --json
    [ $rc -eq 0 ] && json_ok '
d["applicants"] == 10 and d["excluded"] == 1
and set(d["regions"]) == {"United States", "Canada", "Latin America"}
and sum(g["applicants"] for g in d["regions"].values()) == 10'
}
check "stats --json: 10 applicants (11 cities, one ineligible), three regions" t_stats_json

t_stats_broken() {
    cp -R "$COHORT" "$TMP/broken" || return 1
    sed 's/population="569353"/population="0"/' "$COHORT/hamilton.submission.xml" \
        >"$TMP/broken/hamilton.submission.xml" || return 1
    # The invalid city is named, left out and recorded; the others make the statistics.
    run stats "$TMP/broken" -o "$TMP/broken-peers.xml"
    [ $rc -eq 0 ] && grep -qF "$TMP/broken/hamilton.submission.xml:3: " "$TMP/err" &&
        grep -qx "certreport stats: peer statistics over 10 of 11 cities; left out (invalid files): hamilton" "$TMP/err" &&
        grep -q '<cohort cities="11" used="10">' "$TMP/broken-peers.xml" &&
        grep -q '<left-out id="hamilton"/>' "$TMP/broken-peers.xml" && [ ! -s "$TMP/out" ] || return 1
    run validate "$TMP/broken-peers.xml"
    [ $rc -eq 0 ] || return 1
    # --strict: the same problem is an error, and an existing peers file is left exactly as it was.
    cp "$TMP/peers.xml" "$TMP/existing.xml" || return 1
    run stats "$TMP/broken" -o "$TMP/existing.xml" --json --strict
    [ $rc -eq 1 ] && cmp -s "$TMP/peers.xml" "$TMP/existing.xml" && [ ! -s "$TMP/out" ] &&
        grep -qF "$TMP/broken/hamilton.submission.xml:3: " "$TMP/err" &&
        grep -q "^certreport stats: --strict: 0 warnings and 1 city left out; nothing written$" "$TMP/err" || return 1
    ! ls "$TMP" | grep -q '\.tmp\.'
}
check "stats of a cohort with a broken city: exit 0, names it, records it; --strict: exit 1, writes nothing" t_stats_broken

t_stats_no_valid_city() {
    mkdir -p "$TMP/allbroken" && printf '<submission' >"$TMP/allbroken/a.submission.xml" || return 1
    run stats "$TMP/allbroken" -o "$TMP/allbroken.xml"
    [ $rc -eq 1 ] && [ ! -e "$TMP/allbroken.xml" ] &&
        grep -qx "certreport stats: no valid city in the cohort folder (1 left out); nothing written" "$TMP/err"
}
check "stats of a cohort without a valid city: exit 1, nothing written" t_stats_no_valid_city

t_stats_strict_clean() {
    run stats "$COHORT" --json --strict
    [ $rc -eq 0 ] && json_ok 'd["cohort"] == {"cities": 11, "used": 11, "left_out": []}' &&
        grep -qx "certreport stats: peer statistics over 11 cities" "$TMP/err"
}
check "stats --strict of the samples: exit 0, the cohort recorded in the JSON" t_stats_strict_clean

t_stats_missing_dir() {
    run stats "$COHORT" -o "$TMP/no/such/dir/peers.xml"
    [ $rc -eq 1 ] && grep -qF "$TMP/no/such/dir/peers.xml" "$TMP/err" && [ ! -e "$TMP/no" ]
}
check "stats -o into a missing directory: exit 1 with a message" t_stats_missing_dir

t_stats_not_cohort() {
    run stats "$TMP/no-such-cohort" --json
    [ $rc -eq 1 ] && [ -s "$TMP/err" ] && [ ! -s "$TMP/out" ]
}
check "stats of a missing folder: exit 1" t_stats_not_cohort

t_gencohort() {
    "$GEN" 50 "$TMP/gen" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    [ $rc -eq 0 ] || return 1
    run stats "$TMP/gen" --json
    [ $rc -eq 0 ] && json_ok 'd["applicants"] == 50'
}
check "gencohort 50 cities, then stats: exit 0, 50 applicants" t_gencohort

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
