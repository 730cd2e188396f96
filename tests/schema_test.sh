#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# certreport tests: every machine output of every sample validates against its JSON Schema
# (assets/schemas/*.schema.json, python3-jsonschema), and the schemas catch the old mixed
# vocabulary (a tier "Gold", a band "30K-100K", core_missing as a string).
# usage: bash schema_test.sh CERTREPORT_BINARY SOURCE_DIR
set -u
CR=$1
SRC=$2
export CERTREPORT_ASSETS=$SRC/assets
PY=/usr/bin/python3 # Debian's, with python3-jsonschema (a pyenv python3 may lack it)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/certreport-schema.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
passed=0
failed=0
check() {
    local name=$1
    shift
    if "$@" >"$TMP/log" 2>&1; then
        echo "ok   $name"
        passed=$((passed + 1))
    else
        echo "FAIL $name"
        head -n 15 "$TMP/log" | sed 's/^/     /'
        failed=$((failed + 1))
    fi
}
SCHEMAS=$SRC/assets/schemas
COHORT=$SRC/samples/cohort

t_score() {
    local f id n=0
    for f in "$COHORT"/*.submission.xml; do
        id=$(basename "$f" .submission.xml)
        if [ -f "$COHORT/$id.audit.xml" ]; then
            "$CR" score "$f" --audit "$COHORT/$id.audit.xml" --json >"$TMP/score-$id.json" || return 1
            n=$((n + 1))
        fi
        "$CR" score "$f" --json >"$TMP/score-$id-self.json" || return 1
        n=$((n + 1))
    done
    [ "$n" -ge 20 ] && $PY "$SRC/tests/schema_check.py" "$SCHEMAS/score.schema.json" "$TMP"/score-*.json
}
check "score --json of every sample (with and without its audit log) validates against score.schema.json" t_score

t_stats() {
    "$CR" stats "$COHORT" --json >"$TMP/stats.json" 2>/dev/null || return 1
    "$CR" stats "$COHORT" -o "$TMP/peers.xml" 2>/dev/null || return 1
    $PY "$SRC/tests/schema_check.py" "$SCHEMAS/stats.schema.json" "$TMP/stats.json"
}
check "stats --json validates against stats.schema.json" t_stats

t_manifest() {
    "$CR" batch "$COHORT" -o "$TMP/out" -j 1 --quiet --peers "$TMP/peers.xml" >/dev/null 2>&1 || return 1
    "$CR" batch "$COHORT" -o "$TMP/out" -j 1 --quiet --peers "$TMP/peers.xml" --shard 1/2 >/dev/null 2>&1 || return 1
    $PY "$SRC/tests/schema_check.py" "$SCHEMAS/manifest.schema.json" "$TMP/out/manifest.json" "$TMP/out/manifest-1-of-2.json"
}
check "the batch manifest (a whole run and a shard's) validates against manifest.schema.json" t_manifest

# The schemas must refuse what the old outputs wrote.
t_negative() {
    "$CR" score "$COHORT/gold-city.submission.xml" --audit "$COHORT/gold-city.audit.xml" --json >"$TMP/good.json" || return 1
    $PY - "$TMP" <<'PY' || return 1
import json, sys
d = json.load(open(sys.argv[1] + "/good.json"))
for name, edit in [("tier", lambda x: x.update(tier="Gold")),
                   ("band", lambda x: x.update(band="100K-250K")),
                   ("core", lambda x: x.update(core_missing="LC1 PA1")),
                   ("none", lambda x: x.update(tier="none")),
                   ("format", lambda x: x.update(format=1))]:
    bad = json.loads(json.dumps(d))
    edit(bad)
    json.dump(bad, open(f"{sys.argv[1]}/bad-{name}.json", "w"))
PY
    local f st=0
    for f in "$TMP"/bad-*.json; do
        if $PY "$SRC/tests/schema_check.py" "$SCHEMAS/score.schema.json" "$f" >/dev/null; then
            echo "accepted: $f"
            st=1
        fi
    done
    [ "$(ls "$TMP"/bad-*.json | wc -l)" -eq 5 ] && return $st
}
check "the score schema refuses a tier \"Gold\", a band \"100K-250K\", core_missing as a string, \"none\", format 1" t_negative

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
