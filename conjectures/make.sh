#!/usr/bin/env bash
# Regenerate every file of the esma catalogue from scratch.
#
#   conjectures/make.sh            (from the repository root; uses `esma` from $PATH)
#   ESMA=.venv/bin/esma conjectures/make.sh
#
# Each constant is searched over the same space: Möbius maps (a*x + b)/(c*x + d) with
# |coefficients| <= 2, every primitive sign period of length 1 to 4, 100 certified terms screened,
# approval to 1000 digits, every approved record proved where the constant has a theorem. The searches go into a fresh temporary database, so nothing in the
# working tree's esma.db is read or changed. Results do not depend on --jobs.
set -euo pipefail

ESMA=${ESMA:-esma}
SPACE=(--degree 1 --coeff 2 --periods 1-4 --depth 100 --digits 1000)
JOBS=${JOBS:-2}
cd "$(dirname "$0")/.."

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db="sqlite:///$tmp/catalogue.db"

# Constants with formulas: one canonical JSONL file each.
for name in e e2 tan1 besselratio sqrte e13; do
    "$ESMA" search "$name" "${SPACE[@]}" --db "$db" --jobs "$JOBS" --quiet | tail -n 1
    "$ESMA" export --db "$db" --constant "$name" --format jsonl -o "conjectures/$name.jsonl"
done

# Negative results: the same space finds nothing for these (see README.md); fail if it does.
for name in pi zeta3 log2 catalan; do
    "$ESMA" search "$name" "${SPACE[@]}" --db "$db" --jobs "$JOBS" | tail -n 1
    if [ -n "$("$ESMA" export --db "$db" --constant "$name" --format jsonl)" ]; then
        echo "make.sh: $name now has conjectures; update conjectures/README.md" >&2
        exit 1
    fi
done

# The table of everything found, generated from the same database; its families (one line per
# family, new ones first for each constant, with the funnel records -> families -> new families);
# and one HTML page with a row per family, its other members folded.
"$ESMA" export --db "$db" --format md -o conjectures/catalogue.md
"$ESMA" families --db "$db" --md > "$tmp/families.md"
mv "$tmp/families.md" conjectures/families.md
"$ESMA" export --db "$db" --format html -o conjectures/catalogue.html

# Every certificate, replayed by the independent checker from the files alone.
"$ESMA" check conjectures/*.jsonl
