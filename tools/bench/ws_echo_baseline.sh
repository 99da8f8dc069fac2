#!/usr/bin/env bash
# The ws echo flow of ws_echo.sh on this checkout's temblor against the same
# flow on an older commit's build (issue #16: the reliability fixes may cost
# at most 3% of the echo rate). The older commit is checked out as a detached
# worktree under .bench-build/baseline-SHA and built there (through ccache);
# runs alternate (baseline, current, baseline, current…) through
# ../shared/bench's pair.sh and wsload. Prints medians and current/baseline
# ratios (rate target >= 0.97).
#   tools/bench/ws_echo_baseline.sh [RUNS] [SECONDS]
# BASELINE=REF picks the older commit. The default, 0d605f4, is main just
# before `Merge branch 'ws'` (12bd335), which brought issue #16's ws fixes
# (c93f353: random masks, handshake deadline, idle pings, max_connections,
# partial-message budget, slow readers failed and counted; 80690ae: one read
# at a time) -- and also ws on the shared event loops (7c60b10). `Merge
# branch 'reliability'` (f166472) came after and added only tests and the
# soak, so the commit before it already holds every fix.
# CURRENT=REF builds that commit the same way instead of using this checkout
# (e.g. BASELINE=7c60b10 CURRENT=c93f353: exactly the ws fixes commit).
# TEMBLOR_BASELINE_BIN=PATH uses an already built baseline binary instead.
source "$(dirname "$0")/lib.sh"
runs=${1:-5}
secs=${2:-8}
bench_build_peers

# Checks REF out as a detached worktree under .bench-build/baseline-SHA
# (once), builds temblor there and prints the binary's path.
build_commit() {
  local sha tree
  sha=$(git -C "$bench_root" rev-parse --short "$1^{commit}")
  tree=$peers_dir/baseline-$sha
  if [ ! -d "$tree" ]; then
    mkdir -p "$peers_dir"
    git -C "$bench_root" worktree add --detach "$tree" "$sha" >&2
  fi
  TEMBLOR_BUILD_DIR=$tree/build "$tree/tools/build.sh" Release temblor >&2
  echo "$tree/build/temblor"
}
describe_commit() {
  git -C "$bench_root" log -1 --format='%h (%s)' "$1" | cut -c1-72
}

if [ -n "${CURRENT:-}" ]; then
  current=$(build_commit "$CURRENT")
  current_name=$(describe_commit "$CURRENT")
else
  bench_build_temblor
  current=$bench_root/build/temblor
  current_name="$(describe_commit HEAD)$(git -C "$bench_root" diff --quiet HEAD -- . || echo ' + uncommitted changes')"
fi
if [ -n "${TEMBLOR_BASELINE_BIN:-}" ]; then
  baseline=$TEMBLOR_BASELINE_BIN
  baseline_name=$baseline
else
  baseline=$(build_commit "${BASELINE:-0d605f4}")
  baseline_name=$(describe_commit "${BASELINE:-0d605f4}")
fi
work=$(mktemp -d)
trap 'bench_stop_group; rm -rf "$work"' EXIT

# The server command for LABEL (current/baseline) on PORT.
server_command() {
  local label=$1 port=$2 bin no_api=""
  bin=$current
  [ "$label" = baseline ] && bin=$baseline
  # Commits before the REST API have no -n.
  [[ $("$bin" server run --help 2>&1) == *--no-api* ]] && no_api=-n
  bench_ws_echo_flow "$work/$label.troy" "$port"
  echo "env RUST_LOG=error $bin server run $no_api $work/$label.troy"
}

run_scenario() {
  local name=$1; shift
  bench_ws_alternate "$runs" "$secs" server_command "baseline current" "$@"
  bench_ws_table "$name (medians of $runs alternating runs; ratios current/baseline, target rate >= 0.97)" \
    current baseline current
}

echo "baseline: $baseline_name"
echo "current:  $current_name"
run_scenario "ws echo, 100 connections, 100-byte messages" --conns 100 --pipeline 1 --size 100
run_scenario "ws echo, 1 connection, 64 in flight" --conns 1 --pipeline 64 --size 100
