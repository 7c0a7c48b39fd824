#!/usr/bin/env bash
# Feeds the regtest blocks of tests/block_rejects.rs, tests/block_mutations.rs and
# tests/wallet_payments.rs to Bitcoin Core and compares Core's verdict on each block with
# sou's: the same reject reason, or both accept it. Development only: it needs
# core-oracle, Bitcoin Core's libbitcoinkernel built as a command that prints Core's verdict
# and reject reason per block (CORE_ORACLE names the binary).
set -euo pipefail
cd "$(dirname "$0")/.."
oracle=${CORE_ORACLE:-$HOME/.cache/core-oracle/release/core-oracle}
dir=${SOU_KEEP_DIR:-$(mktemp -d)}
SOU_DUMP_DIR=$dir cargo test --quiet --test block_rejects --test block_mutations --test wallet_payments > /dev/null
bad=0
for case in "$dir"/*.hex; do
  sou=$(cat "${case%.hex}.sou")
  core=$("$oracle" blocks --chain regtest "$case" | awk -F'\t' '$1 !~ /^#/ && $1 != "tip" { last=$3" "$5 } END { print last }')
  # Core prints "rejected <reason> (<debug message>) [<result>]"; reasons may hold spaces.
  case "$core" in
    "rejected $sou "*) ;;
    "accepted connected"*) [ "$sou" = valid ] || { bad=$((bad+1)); echo "$case: sou: $sou | core: $core"; } ;;
    *) bad=$((bad+1)); echo "$case: sou: $sou | core: $core" ;;
  esac
done
echo "$(ls "$dir"/*.hex | wc -l) blocks, $bad disagreements"
