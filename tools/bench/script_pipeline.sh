#!/usr/bin/env bash
# A script-heavy pipeline (match with 6 cases, `let` of 3 metadata fields, a
# `patch`) against the plain passthrough, both file -> json -> pipeline ->
# file over 100k ~1 KB events, alternating in the same run.
#   tools/bench/script_pipeline.sh [RUNS]
source "$(dirname "$0")/lib.sh"
runs=${1:-5}
bench_build_peers
bench_build_temblor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

events=$peers_dir/events1k.ndjson
count=$(wc -l < "$events")
cat "$events" > "$work/in.json"
echo '"exit"' >> "$work/in.json"
bench_passthrough_pipeline | bench_write_file_flow "$work/pass.troy" "$work/in.json" "$work/pass.json"
bench_write_file_flow "$work/script.troy" "$work/in.json" "$work/script.json" <<'TROY'
  define pipeline main
  into out, exit
  pipeline
    define script enrich
    script
      let $service = event.service;
      let $level = event.level;
      let $status = event.http.status;
      match event of
        case %{ level == "error", http ~= %{ status >= 500 } } =>
          patch event of insert "severity" => "page"; upsert "retryable" => true; erase "metrics" end
        case %{ level == "error" } => patch event of insert "severity" => "ticket"; erase "metrics" end
        case %{ level == "warn" } => patch event of insert "severity" => "warning"; erase "metrics" end
        case %{ http ~= %{ latency_ms > 100.0 } } => patch event of insert "severity" => "slow"; erase "metrics" end
        case %{ present error } => patch event of insert "severity" => "info"; erase "metrics" end
        case _ => patch event of insert "severity" => "none"; erase "metrics" end
      end
    end;
    create script enrich;
    select event from in where event == "exit" into exit;
    select event from in where event != "exit" into enrich;
    select event from enrich into out;
  end;
TROY

pass_times=()
script_times=()
for i in $(seq "$runs"); do
  pass_times+=("$(bench_run_flow "$work/pass.troy" "$work/pass.json" "$count")")
  script_times+=("$(bench_run_flow "$work/script.troy" "$work/script.json" "$count")")
done
p=$(bench_median "${pass_times[@]}")
s=$(bench_median "${script_times[@]}")
printf 'script_pipeline: %d events, %d runs (medians)\n' "$count" "$runs"
printf '  passthrough  %8.0f events/s  (%.3f s)\n' "$(bench_calc "$count / $p")" "$p"
printf '  script       %8.0f events/s  (%.3f s)\n' "$(bench_calc "$count / $s")" "$s"
printf '  ratio        %.2fx passthrough (target >= 0.50)\n' "$(bench_calc "$p / $s")"
