#!/usr/bin/env bash
# Feeds the regtest blocks of tests/block_rejects.rs to Bitcoin Core (../shared/core-oracle)
# and compares Core's reject reason for each broken block with sou's. Development only.
set -euo pipefail
cd "$(dirname "$0")/.."
oracle=${CORE_ORACLE:-$HOME/.cache/core-oracle/release/core-oracle}
dir=$(mktemp -d)
SOU_DUMP_DIR=$dir cargo test --quiet --test block_rejects > /dev/null
bad=0
for case in "$dir"/*.hex; do
  sou=$(cat "${case%.hex}.sou")
  core=$("$oracle" blocks --chain regtest "$case" | awk -F'\t' '$1 !~ /^#/ && $1 != "tip" { last=$3" "$5 } END { print last }')
  # Core prints "rejected <reason> (<debug message>) [<result>]"; reasons may hold spaces.
  case "$core" in
    "rejected $sou "*) ;;
    *) bad=$((bad+1)); echo "sou: $sou | core: $core" ;;
  esac
done
echo "$(ls "$dir"/*.hex | wc -l) blocks, $bad disagreements"
