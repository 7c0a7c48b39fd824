#!/usr/bin/env bash
# Differential check of sou's script verdicts against Bitcoin Core (development only; not
# part of CI). Needs the oracle built as described in ../shared/core-oracle/README.md:
#   CARGO_TARGET_DIR=$HOME/.cache/core-oracle cargo build --release \
#     --manifest-path ../shared/core-oracle/Cargo.toml
# Usage: scripts/compare-with-core.sh [CASES] [SEED]
set -euo pipefail
cd "$(dirname "$0")/.."
cases=${1:-2000}
seed=${2:-1}
oracle=${CORE_ORACLE:-$HOME/.cache/core-oracle/release/core-oracle}
out=$(mktemp -d)
cargo run --quiet --release -p sou-script --example oracle_cases -- "$cases" "$seed" "$out"
"$oracle" script --batch "$out/cases.txt" | grep -v '^#' | cut -f2,3 > "$out/core.txt"
paste -d'\t' <(tr ' ' '\t' < "$out/sou.txt") "$out/core.txt" \
  | awk -F'\t' '{ if ($1 != $3 || $2 != $4) { bad++; if (bad <= 20) print NR": sou "$1" "$2", core "$3" "$4 } }
                END { printf "%d cases, %d disagreements\n", NR, bad + 0; exit (bad > 0) }'
echo "cases kept in $out"
