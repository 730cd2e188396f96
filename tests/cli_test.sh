#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
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
    [ $rc -eq 0 ] && json_ok 'd["eligible"] is False and d["tier"] is None'
}
check "score small-town --json: not eligible, tier none" t_score_small_town

t_score_roadmap() {
    run score "$COHORT/gold-city.submission.xml" --audit "$COHORT/gold-city.audit.xml" --json
    [ $rc -eq 0 ] && json_ok '
[p["tier"] for p in d["roadmap"]["paths"]] == ["platinum"]
and d["roadmap"]["paths"][0]["steps"][0]["criteria"] == ["DM8"]
and d["roadmap"]["paths"][0]["cost"] == 7 and d["roadmap"]["keep"] is None' || return 1
    run score "$COHORT/hamilton.submission.xml" --audit "$COHORT/hamilton.audit.xml" --json
    [ $rc -eq 0 ] && json_ok '
d["tier"] is None and d["roadmap"]["paths"][0]["tier"] == "silver"
and d["roadmap"]["paths"][0]["reaches"] == "gold" and d["roadmap"]["paths"][0]["cost"] == 1' || return 1
    run score "$COHORT/small-town.submission.xml" --audit "$COHORT/small-town.audit.xml" --json
    [ $rc -eq 0 ] && json_ok '
d["roadmap"]["paths"] == [] and [b["kind"] for b in d["roadmap"]["blockers"]] == ["eligibility"]'
}
check "score --json roadmap: gold-city one step to Platinum, hamilton one outcome to Gold, small-town ineligible" t_score_roadmap

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
    ls -A "$TMP" | grep -q '^\.certreport-tmp-' && return 1 # no temporary file left behind
    run validate "$TMP/peers.xml"
    [ $rc -eq 0 ] && grep -q "peers.xml: ok$" "$TMP/out"
}
check "stats samples -o peers.xml: exit 0, a valid peers file" t_stats_peers

t_stats_json() {
    run stats "$COHORT" --json
    [ $rc -eq 0 ] && json_ok '
d["applicants"] == 10 and d["excluded"] == 1
and set(d["regions"]) == {"us", "ca", "latam"} and d["regions"]["us"]["name"] == "United States"
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
    ! ls -A "$TMP" | grep -q '^\.certreport-tmp-'
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

# ---- real inputs: written differently, odd but not wrong ----

# Tempe's files as another tool writes them: bare subdivision code, lower-case country, codes and
# answers, a language tag with a region, the submission time, a decomposed (NFD) accent.
real_inputs() {
    mkdir -p "$TMP/real" || return 1
    sed -e 's/subdivision="US-AZ"/subdivision="AZ"/' -e 's/country="US"/country="us"/' \
        -e 's/criterion="DM\([0-9]\)" answer="yes"/criterion="dm\1" answer="Yes"/' \
        -e 's/lang="en"/lang="en-US"/' -e 's/submitted="\([0-9-]*\)"/submitted="\1T09:30:00-07:00"/' \
        "$COHORT/gold-city.submission.xml" >"$TMP/real/gold-city.submission.xml"
    sed -e 's/criterion="RDC\([0-9]\)"/criterion="rdc\1"/' "$COHORT/gold-city.audit.xml" >"$TMP/real/gold-city.audit.xml"
}

t_real_same_score() {
    real_inputs || return 1
    grep -q 'subdivision="AZ"' "$TMP/real/gold-city.submission.xml" && grep -q 'answer="Yes"' "$TMP/real/gold-city.submission.xml" || return 1
    run score "$COHORT/gold-city.submission.xml" --audit "$COHORT/gold-city.audit.xml" --json
    cp "$TMP/out" "$TMP/real/canon.json"
    run score "$TMP/real/gold-city.submission.xml" --audit "$TMP/real/gold-city.audit.xml" --json
    [ $rc -eq 0 ] && [ ! -s "$TMP/err" ] && cmp -s "$TMP/out" "$TMP/real/canon.json"
}
check "score: bare subdivision, lower-case codes, Yes, en-US, a submission time: the same JSON, no warning" t_real_same_score

t_real_same_pdf() {
    real_inputs || return 1
    run stats "$COHORT" -o "$TMP/real/peers.xml"
    SOURCE_DATE_EPOCH=1689336000 "$CR" render "$COHORT/gold-city.submission.xml" --audit "$COHORT/gold-city.audit.xml" \
        --peers "$TMP/real/peers.xml" -o "$TMP/real/canon.pdf" 2>"$TMP/err" || return 1
    SOURCE_DATE_EPOCH=1689336000 "$CR" render "$TMP/real/gold-city.submission.xml" --audit "$TMP/real/gold-city.audit.xml" \
        --peers "$TMP/real/peers.xml" -o "$TMP/real/real.pdf" 2>"$TMP/err" || return 1
    cmp -s "$TMP/real/canon.pdf" "$TMP/real/real.pdf" && pdftotext "$TMP/real/real.pdf" - | grep -q "Arizona, United States"
}
check "render: the same files written differently give a byte-identical PDF (\"Arizona, United States\")" t_real_same_pdf

t_nfd_name() {
    real_inputs || return 1
    # "Bogotá" typed decomposed: a + U+0301.
    sed -e "s/name=\"Bogotá\"/name=\"Bogota$(printf '\xcc\x81')\"/" "$COHORT/bogota.submission.xml" >"$TMP/real/bogota.submission.xml"
    grep -q "Bogota$(printf '\xcc\x81')" "$TMP/real/bogota.submission.xml" || return 1
    run render "$TMP/real/bogota.submission.xml" --cohort "$COHORT" -o "$TMP/real/bogota.pdf"
    [ $rc -eq 0 ] && [ ! -s "$TMP/err" ] && pdftotext "$TMP/real/bogota.pdf" - | grep -q "^Bogotá$"
}
check "render: a city name typed decomposed (NFD) comes out composed (NFC), no warning" t_nfd_name

# Warnings: an attribute the format does not know, an invisible character, a change that changes
# nothing. validate, score and render print the same ones; --strict makes them errors.
odd_inputs() {
    real_inputs || return 1
    sed -e 's/<city name="Tempe"/<city portal-id="77" name="Te\xe2\x80\x8bmpe"/' \
        "$COHORT/gold-city.submission.xml" >"$TMP/real/odd.submission.xml"
    sed -e 's|</audit>|  <event at="2023-12-01T10:00:00Z" by="R" type="change" criterion="DM1" from="yes" to="yes"><comment>Confirmed.</comment></event>\n</audit>|' \
        "$COHORT/gold-city.audit.xml" >"$TMP/real/odd.audit.xml"
    sed -i 's/<audit submission="gold-city"/<audit submission="odd"/; s/id="gold-city"/id="odd"/' \
        "$TMP/real/odd.submission.xml" "$TMP/real/odd.audit.xml"
}

t_warnings_same_everywhere() {
    odd_inputs || return 1
    run validate "$TMP/real/odd.submission.xml" "$TMP/real/odd.audit.xml"
    [ $rc -eq 0 ] && grep -q "odd.submission.xml: ok, 2 warnings" "$TMP/out" || return 1
    grep 'warning:' "$TMP/err" | sort >"$TMP/real/w.validate"
    [ "$(lines "$TMP/real/w.validate")" -eq 3 ] || return 1
    grep -q "odd.submission.xml:3: warning: unknown attribute portal-id on <city> (ignored)" "$TMP/real/w.validate" &&
        grep -q "odd.submission.xml:3: warning: invisible formatting character U+200B removed" "$TMP/real/w.validate" &&
        grep -q "odd.audit.xml:[0-9]*: warning: change from yes to yes changes nothing" "$TMP/real/w.validate" || return 1
    run score "$TMP/real/odd.submission.xml" --audit "$TMP/real/odd.audit.xml"
    [ $rc -eq 0 ] && grep 'warning:' "$TMP/err" | sort | cmp -s - "$TMP/real/w.validate" || return 1
    run render "$TMP/real/odd.submission.xml" --audit "$TMP/real/odd.audit.xml" --cohort "$COHORT" -o "$TMP/real/odd.pdf"
    [ $rc -eq 0 ] && [ -s "$TMP/real/odd.pdf" ] && grep 'warning:' "$TMP/err" | sort | cmp -s - "$TMP/real/w.validate"
}
check "validate, score and render print the same three warnings (unknown attribute, U+200B, no-op change) and succeed" t_warnings_same_everywhere

t_strict() {
    odd_inputs || return 1
    rm -f "$TMP/real/strict.pdf"
    run render "$TMP/real/odd.submission.xml" --audit "$TMP/real/odd.audit.xml" --cohort "$COHORT" -o "$TMP/real/strict.pdf" --strict
    [ $rc -eq 1 ] && [ ! -e "$TMP/real/strict.pdf" ] && grep -q "treated as errors (--strict)" "$TMP/err" || return 1
    run score "$TMP/real/odd.submission.xml" --strict --json
    [ $rc -eq 1 ] && [ ! -s "$TMP/out" ] || return 1
    run validate --strict "$TMP/real/odd.submission.xml"
    [ $rc -eq 1 ] || return 1
    run validate --strict "$COHORT/gold-city.submission.xml"
    [ $rc -eq 0 ]
}
check "--strict: warnings fail render (no file), score (no output) and validate; a clean file passes" t_strict

t_batch_warnings() {
    odd_inputs || return 1
    mkdir -p "$TMP/real/cohort" && cp "$COHORT"/*.xml "$TMP/real/cohort/" && cp "$TMP/real/odd."*.xml "$TMP/real/cohort/" || return 1
    # One thread of pass 1, and two (its cities loaded in parallel, their warnings still theirs).
    local j
    for j in 1 2; do
        run batch "$TMP/real/cohort" -o "$TMP/real/out$j" -j $j --quiet
        [ $rc -eq 0 ] && [ -s "$TMP/real/out$j/odd.pdf" ] || return 1
        python3 - "$TMP/real/out$j/manifest.json" "$TMP/real/out$j/manifest.csv" <<'PY' || return 1
import csv, json, sys
m = json.load(open(sys.argv[1], encoding="utf-8"))
odd = [c for c in m["cities"] if c["id"] == "odd"][0]
assert len(odd["warnings"]) == 3, odd["warnings"]
assert all(": warning: " in w for w in odd["warnings"])
assert all(c["warnings"] == [] for c in m["cities"] if c["id"] != "odd")
rows = {r["id"]: r for r in csv.DictReader(open(sys.argv[2], encoding="utf-8"))}
assert rows["odd"]["warnings"].count("warning:") == 3
PY
    done
    # --strict: a warning anywhere stops the run after pass 1, as stats does: nothing rendered.
    run batch "$TMP/real/cohort" -o "$TMP/real/out-strict" -j 1 --quiet --strict
    [ $rc -eq 1 ] && [ ! -e "$TMP/real/out-strict/odd.pdf" ] && [ ! -e "$TMP/real/out-strict/gold-city.pdf" ] &&
        grep -q -- "--strict: 3 warnings and 0 cities left out; nothing rendered" "$TMP/err"
}
check "batch: a city's warnings in the manifest (JSON array, CSV field); --strict renders nothing" t_batch_warnings

# ---- XMP metadata (PDF/UA-1 identification) ----

t_xmp() {
    run render "$COHORT/montreal.submission.xml" --audit "$COHORT/montreal.audit.xml" --cohort "$COHORT" -o "$TMP/xmp.pdf"
    [ $rc -eq 0 ] || return 1
    pdfinfo -meta "$TMP/xmp.pdf" >"$TMP/xmp.xml" || return 1
    local title
    title=$(pdfinfo "$TMP/xmp.pdf" | sed -n 's/^Title: *//p')
    [ -n "$title" ] && grep -qF "<rdf:li xml:lang=\"x-default\">$title</rdf:li>" "$TMP/xmp.xml" &&
        grep -q "<pdfuaid:part>1</pdfuaid:part>" "$TMP/xmp.xml" &&
        grep -q "<dc:language><rdf:Bag><rdf:li>fr</rdf:li>" "$TMP/xmp.xml" &&
        grep -q "<xmp:CreateDate>2023-" "$TMP/xmp.xml" &&
        python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' "$TMP/xmp.xml" || return 1
    run render "$COHORT/montreal.submission.xml" --audit "$COHORT/montreal.audit.xml" --cohort "$COHORT" -o "$TMP/xmp2.pdf" --no-accessible
    [ $rc -eq 0 ] && pdfinfo -meta "$TMP/xmp2.pdf" | grep -q "<dc:title>" && ! pdfinfo -meta "$TMP/xmp2.pdf" | grep -q pdfuaid
}
check "XMP metadata: well-formed, dc:title equals the info title, dc:language, pdfuaid:part 1 on tagged PDFs only" t_xmp

t_link_contents() {
    run render "$COHORT/gold-city.submission.xml" --audit "$COHORT/gold-city.audit.xml" --cohort "$COHORT" -o "$TMP/links.pdf"
    [ $rc -eq 0 ] && qpdf --qdf --object-streams=disable "$TMP/links.pdf" "$TMP/links.qdf" || return 1
    grep -aq "/Contents (Data Management: 89%)" "$TMP/links.qdf" && ! grep -aq "/Contents (.*())" "$TMP/links.qdf"
}
check "link descriptions without a previous cycle: \"Data Management: 89%\", never an empty \"()\"" t_link_contents

# ---- language of parts: a reviewer's comment in English inside a French report ----

t_lang_of_parts() {
    sed -e '5s/<comment>/<comment xml:lang="en">/' -e '8s/<comment>/<comment lang="en-CA">/' \
        "$COHORT/montreal.audit.xml" >"$TMP/mtl.audit.xml"
    grep -q 'xml:lang="en"' "$TMP/mtl.audit.xml" || return 1
    run render "$COHORT/montreal.submission.xml" --audit "$TMP/mtl.audit.xml" --cohort "$COHORT" --lang fr -o "$TMP/mtl.pdf"
    [ $rc -eq 0 ] && [ ! -s "$TMP/err" ] || return 1
    qpdf --qdf --object-streams=disable "$TMP/mtl.pdf" "$TMP/mtl.qdf" || return 1
    [ "$(grep -ac '/Lang (en)' "$TMP/mtl.qdf")" -eq 1 ] && [ "$(grep -ac '/Lang (en-CA)' "$TMP/mtl.qdf")" -eq 1 ] || return 1
    # The same log in an English report marks nothing: the comments are in the report's language.
    run render "$COHORT/montreal.submission.xml" --audit "$TMP/mtl.audit.xml" --cohort "$COHORT" --lang en -o "$TMP/mtl-en.pdf"
    [ $rc -eq 0 ] && qpdf --qdf --object-streams=disable "$TMP/mtl-en.pdf" "$TMP/mtl-en.qdf" &&
        [ "$(grep -ac '/Lang (en' "$TMP/mtl-en.qdf")" -eq 1 ] # the catalog's only
}
check "a comment marked xml:lang=\"en\" in a French report: its P element has /Lang (en); unmarked in English" t_lang_of_parts

t_lang_bad_tag() {
    sed -e '5s/<comment>/<comment xml:lang="english please">/' "$COHORT/montreal.audit.xml" >"$TMP/mtl-bad.audit.xml"
    run validate "$TMP/mtl-bad.audit.xml"
    [ $rc -eq 0 ] && grep -q "mtl-bad.audit.xml:5: warning: lang \"english please\" is not a language tag" "$TMP/err"
}
check "a lang that is no language tag: a warning, and the comment is left unmarked" t_lang_bad_tag

# ---- standard input and output, devices, short usage errors ----

t_stdin() {
    "$CR" score - --json <"$COHORT/gold-city.submission.xml" >"$TMP/out" 2>"$TMP/err" || return 1
    json_ok 'd["id"] == "gold-city" and d["met"] == 35' || return 1
    "$CR" score "$COHORT/gold-city.submission.xml" --audit - --json <"$COHORT/gold-city.audit.xml" >"$TMP/out" 2>"$TMP/err" || return 1
    json_ok 'd["met"] == 31' || return 1
    run score - --audit - </dev/null
    [ $rc -eq 2 ] && grep -q "only one input can come from standard input" "$TMP/err"
}
check "score - reads the submission (or --audit - the audit log) from standard input" t_stdin

t_stdout() {
    local args=("$COHORT/gold-city.submission.xml" --audit "$COHORT/gold-city.audit.xml" --cohort "$COHORT")
    SOURCE_DATE_EPOCH=1 "$CR" render "${args[@]}" -o "$TMP/file.pdf" 2>"$TMP/err" || return 1
    SOURCE_DATE_EPOCH=1 "$CR" render "${args[@]}" -o - >"$TMP/dash.pdf" 2>"$TMP/err" || return 1
    SOURCE_DATE_EPOCH=1 "$CR" render "${args[@]}" -o /dev/stdout >"$TMP/dev.pdf" 2>"$TMP/err" || return 1
    cmp -s "$TMP/file.pdf" "$TMP/dash.pdf" && cmp -s "$TMP/file.pdf" "$TMP/dev.pdf" && [ ! -e ./- ] || return 1
    SOURCE_DATE_EPOCH=1 "$CR" render "${args[@]}" -o - | cmp -s - "$TMP/file.pdf" || return 1
    run render "${args[@]}" -o - --format png
    [ $rc -eq 2 ]
}
check "render -o - and -o /dev/stdout (redirected to a file, or a pipe): the same bytes as -o FILE; PNG refused" t_stdout

t_brief_usage() {
    run render "$COHORT/gold-city.submission.xml"
    [ $rc -eq 2 ] && grep -q "^certreport render: give either --peers FILE or --cohort DIR" "$TMP/err" &&
        grep -q "^usage: certreport render" "$TMP/err" && [ "$(lines "$TMP/err")" -le 6 ] &&
        ! grep -q "SOURCE_DATE_EPOCH" "$TMP/err"
}
check "a usage error prints the message and the usage lines, not the whole help" t_brief_usage

# ---- the man page and the bash completion know every option ----

t_man_and_completion() {
    local opts o st=0
    opts=$(sed -n '/long_opts\[\] = {/,/{NULL, 0, NULL, 0}/p' "$SRC/app/cli.c" | grep -o '{"[a-z-]*"' | tr -d '{"')
    [ "$(echo "$opts" | wc -w)" -ge 20 ] || { echo "read no options from cli.c"; return 1; }
    for o in $opts; do
        case $o in help | version | output | jobs | accessible) continue ;; esac
        grep -q -- "\\\\-\\\\-${o//-/\\\\-}" "$SRC/docs/man/certreport.1" || { echo "man page lacks --$o"; st=1; }
        grep -q -- "--$o" "$SRC/completions/certreport.bash" || { echo "completion lacks --$o"; st=1; }
    done
    MANWIDTH=80 man -l "$SRC/docs/man/certreport.1" >"$TMP/man.txt" 2>"$TMP/man.err" && [ ! -s "$TMP/man.err" ] &&
        grep -q "certreport render" "$TMP/man.txt" || st=1
    bash -c "source '$SRC/completions/certreport.bash' && COMP_WORDS=(certreport render --lan) COMP_CWORD=2 && _certreport && echo \${COMPREPLY[*]}" >"$TMP/comp" &&
        grep -qx -- "--lang" "$TMP/comp" || st=1
    return $st
}
check "man page and bash completion: every option of the program, the page renders without a warning" t_man_and_completion

t_peers_vocabulary() {
    run stats "$COHORT" -o "$TMP/lower.xml"
    [ $rc -eq 0 ] && grep -q '<band id="30k-100k"' "$TMP/lower.xml" && ! grep -q 'id="30K' "$TMP/lower.xml" || return 1
    # A peers file written before (upper-case band ids) still loads, to the same report.
    sed 's/id="\([0-9]*\)K-\([0-9]*\)K"/id="\1K-\2K"/g; s/id="30k-100k"/id="30K-100K"/g; s/id="100k-250k"/id="100K-250K"/g; s/id="250k-500k"/id="250K-500K"/g; s/id="500k+"/id="500K+"/g' \
        "$TMP/lower.xml" >"$TMP/upper.xml"
    grep -q 'id="30K-100K"' "$TMP/upper.xml" || return 1
    local args=("$COHORT/gold-city.submission.xml" --audit "$COHORT/gold-city.audit.xml")
    SOURCE_DATE_EPOCH=1 "$CR" render "${args[@]}" --peers "$TMP/lower.xml" -o "$TMP/lower.pdf" 2>/dev/null &&
        SOURCE_DATE_EPOCH=1 "$CR" render "${args[@]}" --peers "$TMP/upper.xml" -o "$TMP/upper.pdf" 2>/dev/null &&
        cmp -s "$TMP/lower.pdf" "$TMP/upper.pdf"
}
check "peers file: band ids in lower case like every output; an older file with upper-case ids gives the same report" t_peers_vocabulary

# Outputs get the mode any new file of the user gets (0666, 0777 for a folder, less the umask),
# not mkstemp's 0600: the library creates its temporaries with that mode rather than reading
# the umask (which means setting it, process-wide).
t_output_modes() {
    local args=("$COHORT/gold-city.submission.xml" --audit "$COHORT/gold-city.audit.xml" --cohort "$COHORT")
    (umask 022 && "$CR" render "${args[@]}" -o "$TMP/m022.pdf" 2>/dev/null) &&
        (umask 077 && "$CR" render "${args[@]}" -o "$TMP/m077.pdf" 2>/dev/null) &&
        (umask 027 && "$CR" render "${args[@]}" --format png -o "$TMP/m027.png" 2>/dev/null) || return 1
    [ "$(stat -c %a "$TMP/m022.pdf")" = 644 ] && [ "$(stat -c %a "$TMP/m077.pdf")" = 600 ] &&
        [ "$(stat -c %a "$TMP/m027.png")" = 750 ] && [ "$(stat -c %a "$TMP/m027.png/1.png")" = 640 ]
}
check "outputs: mode 0666/0777 less the umask (022, 077, 027), never mkstemp's 0600" t_output_modes

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
