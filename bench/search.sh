#!/usr/bin/env bash
# Full-text search on at least 100,000 provisions, SQLite FTS5 and PostgreSQL GIN side by
# side with ripgrep scanning the same provisions as plain text, in the same run.
#
#   bash bench/search.sh                        # SQLite and PostgreSQL (127.0.0.1:5432/test)
#   PROVISIONS=200000 RUNS=50 bash bench/search.sh
#   PLENARY_TEST_POSTGRES_URL= bash bench/search.sh   # SQLite only
#
# The corpus: every English UN resolution in ../shared/data and the ITU PP-18 Final Acts,
# repeated with numbers shifted and country names rotated until there are PROVISIONS
# provisions; recorded through App::execute_all (the normal write path: events, views and
# index in one transaction), then the index is compacted as `plenary import` does. Each of
# 20 fixed queries runs RUNS times through App::search (access filter, the first page of
# hits with snippets and the total; then again with every facet counted, unless
# SEARCH_BENCH_FACETS=0) after two warm-ups; ripgrep runs a whole-process `rg -i -c` per
# query (its pattern is the phrase or the first word). Each backend's floor is one row read
# by its key through the same pool. SEARCH_BENCH_DIR=DIR keeps the loaded corpus (SQLite
# in DIR, PostgreSQL in schema search_bench) for trying changes; reported runs load afresh.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
[ -d "$root/../shared/data" ] || { echo "SKIPPED: ../shared/data not found (CI always has it)" >&2; exit 0; }
command -v rg >/dev/null || { apt-get update -qq && apt-get install -y -qq ripgrep; }
export PLENARY_TEST_POSTGRES_URL="${PLENARY_TEST_POSTGRES_URL-postgres://postgres@127.0.0.1:5432/test}"
[ -n "$PLENARY_TEST_POSTGRES_URL" ] || unset PLENARY_TEST_POSTGRES_URL
cd "$root"
cargo build --release -q -p plenary-cli --example search_bench
"${CARGO_TARGET_DIR:-$root/target}/release/examples/search_bench"
