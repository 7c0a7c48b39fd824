#!/usr/bin/env bash
# Differential check of sou's script verdicts against Bitcoin Core (development only; not
# part of CI). Needs core-oracle: Bitcoin Core's own VerifyScript (libbitcoinkernel) built
# as a command that prints Core's verdict and error name for each case. CORE_ORACLE names
# the binary (default: $HOME/.cache/core-oracle/release/core-oracle).
# Usage: scripts/compare-with-core.sh [CASES] [SEED] [MODE]
#   MODE: legacy (bare, P2SH, P2WSH, P2SH-P2WSH, P2WPKH spends of generated scripts),
#         taproot (key path and tapscript), all (each case either; the default), or
#         opcodes (every opcode on every small stack, a fixed sweep of at most CASES).
# Prints every disagreement (the first 20 in full), the count, and how Core's verdicts
# spread over error names. Exit status 1 if sou and Core disagree anywhere.
set -euo pipefail
cd "$(dirname "$0")/.."
cases=${1:-2000}
seed=${2:-1}
mode=${3:-all}
case $mode in
  legacy | taproot | all | opcodes) ;;
  *) echo "MODE must be legacy, taproot, all or opcodes, not $mode" >&2; exit 2 ;;
esac
oracle=${CORE_ORACLE:-$HOME/.cache/core-oracle/release/core-oracle}
out=$(mktemp -d)
cargo run --quiet --release -p sou-script --example oracle_cases -- "$cases" "$seed" "$out" "$mode"
# The oracle exits 1 when the last case is invalid; its output is what matters.
"$oracle" script --batch "$out/cases.txt" > "$out/core-full.txt" || true
grep -v '^#' "$out/core-full.txt" > "$out/core-lines.txt"
cut -f2,3 "$out/core-lines.txt" > "$out/core.txt"
generated=$(wc -l < "$out/sou.txt")
if [ "$(wc -l < "$out/core.txt")" -ne "$generated" ]; then
  echo "the oracle judged $(wc -l < "$out/core.txt") of $generated cases; see $out" >&2
  exit 2
fi
# With consensus flags only, the oracle also asks the kernel's public API and marks any
# disagreement between Core's two paths.
mismatches=$(grep -c $'\tMISMATCH$' "$out/core-lines.txt" || true)
[ "$mismatches" -eq 0 ] || echo "oracle: $mismatches cases where Core's public API disagrees with VerifyScript"
echo "cases kept in $out (line N of cases.txt is case N)"
echo "Core's verdicts (mode $mode, seed $seed):"
cut -f1 "$out/core.txt" | sort | uniq -c | sort -rn | awk '{ printf "  %7d %s\n", $1, $2 }'
echo "Core's error names:"
cut -f2 "$out/core.txt" | sort | uniq -c | sort -rn | awk '{ printf "  %7d %s\n", $1, $2 }'
echo "Core's verdicts by kind of spend (valid / invalid):"
paste "$out/kinds.txt" "$out/core.txt" | awk -F'\t' '{ n[$1]++; if ($2 == "valid") v[$1]++ }
  END { for (k in n) printf "  %-14s %7d / %7d\n", k, v[k], n[k] - v[k] }' | sort
paste -d'\t' <(tr ' ' '\t' < "$out/sou.txt") "$out/core.txt" \
  | awk -F'\t' '{ if ($1 != $3 || $2 != $4) { bad++; if (bad <= 20) print NR": sou "$1" "$2", core "$3" "$4 } }
                END { printf "%d cases, %d disagreements\n", NR, bad + 0; exit (bad > 0) }'
