#!/usr/bin/env bash
# The `bench` connector replaying Tremor's demo corpus
# (../shared/bench/data/tremor-demo-data.json.xz, 100 events, 63 KB; the
# connector decompresses it) through json -> passthrough -> json into a
# `bench` sink and into `null`, against rj_pipe (RapidJSON parse + serialize,
# no runtime) on the same data, decompressed and repeated as often, in the
# same run. Prints medians of wall-clock events/s and MB/s and the ratio,
# and the bench sink's own throughput figure.
#   tools/bench/qos_bench_connector.sh [RUNS] [ITERS]
#   TEMBLOR_BIN=path/to/temblor skips building build/temblor.
source "$(dirname "$0")/lib.sh"
runs=${1:-5}
iters=${2:-2000}
bench_build_peers
if [ -z "${TEMBLOR_BIN:-}" ]; then
  bench_build_temblor
  TEMBLOR_BIN=$bench_root/build/temblor
fi
temblor=$TEMBLOR_BIN
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

corpus_xz=$shared_bench/data/tremor-demo-data.json.xz
corpus=$peers_dir/tremor-demo-data.json
per_iter=$(wc -l < "$corpus")
per_iter_bytes=$(wc -c < "$corpus")
count=$((per_iter * iters))
bytes=$((per_iter_bytes * iters))
# rj_pipe reads the same events from a file: the corpus `iters` times over.
for _ in $(seq "$iters"); do cat "$corpus"; done > "$work/repeated.json"

flow() { # $1 = sink type (`null` is a keyword, so it is quoted)
  cat <<TROY
define flow bench
flow
  use tremor::pipelines;
  define connector input from bench
  with codec = "json", config = {"path": "$corpus_xz", "iters": $iters} end;
  define connector output from $1
  with codec = "json"$([ "$1" = bench ] && echo ", config = {\"path\": \"$corpus_xz\"}") end;
  create connector input;
  create connector output;
  create pipeline pass from pipelines::passthrough;
  connect /connector/input to /pipeline/pass;
  connect /pipeline/pass to /connector/output;
end;
deploy flow bench;
TROY
}
flow bench > "$work/to_bench.troy"
flow '`null`' > "$work/to_null.troy"

bench_times=(); null_times=(); rj_times=(); sink_eps=()
for _ in $(seq "$runs"); do
  start=$(date +%s.%N)
  "$temblor" server run -n --debug-connectors "$work/to_bench.troy" > "$work/bench.out" 2> "$work/bench.err" ||
    { echo "bench -> bench failed:" >&2; cat "$work/bench.err" >&2; exit 1; }
  end=$(date +%s.%N)
  bench_times+=("$(bench_calc "$end - $start")")
  # The bench sink prints "Throughput (events): 123.4k events/s" when it stops.
  eps=$(sed -n 's/^Throughput (events): \([0-9.]*\)k.*/\1/p' "$work/bench.out")
  if [ -z "$eps" ]; then
    echo "the bench sink printed no throughput:" >&2
    cat "$work/bench.out" "$work/bench.err" >&2
    exit 1
  fi
  sink_eps+=("$(bench_calc "$eps * 1000")")
  start=$(date +%s.%N)
  "$temblor" server run -n --debug-connectors "$work/to_null.troy" > /dev/null 2> "$work/null.err" ||
    { echo "bench -> null failed:" >&2; cat "$work/null.err" >&2; exit 1; }
  end=$(date +%s.%N)
  null_times+=("$(bench_calc "$end - $start")")
  rj_times+=("$(bench_time sh -c "'$peers_dir/rj_pipe' < '$work/repeated.json' > '$work/rj.json'")")
  got=$(wc -l < "$work/rj.json")
  [ "$got" -eq "$count" ] || { echo "rj_pipe wrote $got of $count events" >&2; exit 1; }
done
tb=$(bench_median "${bench_times[@]}")
tn=$(bench_median "${null_times[@]}")
tr=$(bench_median "${rj_times[@]}")
se=$(bench_median "${sink_eps[@]}")
line() { # name seconds
  printf '  %-22s %9.0f events/s  %7.1f MB/s  (%.3f s)\n' "$1" \
    "$(bench_calc "$count / $2")" "$(bench_calc "$bytes / $2 / 1000000")" "$2"
}
printf 'qos_bench_connector: %d events (%d x %d), %.1f MB, %d runs (medians, wall clock)\n' \
  "$count" "$iters" "$per_iter" "$(bench_calc "$bytes / 1000000")" "$runs"
line "temblor bench->bench" "$tb"
line "temblor bench->null" "$tn"
line "rj_pipe" "$tr"
printf '  bench sink reports      %9.0f events/s (first to last event at the sink)\n' "$se"
printf '  ratio bench->bench %.2fx rj_pipe, bench->null %.2fx rj_pipe\n' \
  "$(bench_calc "$tr / $tb")" "$(bench_calc "$tr / $tn")"
