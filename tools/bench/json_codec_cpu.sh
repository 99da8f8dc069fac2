#!/usr/bin/env bash
# CPU per event of the json codec alone (one thread, no runtime): the chain
# separate -> json decode and json encode -> separate over 100k ~1 KB
# events, then the direct reader and the RapidJSON path it falls back to,
# each alone on the same lines. Medians of ROUNDS rounds, in microseconds
# per event (a round's decoders alternate, so load hits them alike).
#   tools/bench/json_codec_cpu.sh [ROUNDS]
source "$(dirname "$0")/lib.sh"
rounds=${1:-7}
bench_build_peers
"$bench_root/tools/build.sh" Release temblor_codecs temblor_core >&2
build=${TEMBLOR_BUILD_DIR:-$bench_root/build}
bin=$peers_dir/json_codec_cpu
g++ -std=c++17 -O2 -I"$bench_root" "$bench_root/tools/bench/json_codec_cpu.cpp" \
    "$build/codecs/libtemblor_codecs.a" "$build/runtime/core/libtemblor_core.a" \
    -lz -llzma -lzstd -llz4 -lbrotlienc -lbrotlidec -lyaml-cpp -o "$bin"
out=$("$bin" "$peers_dir/events1k.ndjson" "$rounds")
field() { printf '%s\n' "$out" | sed -n "s/.* $1=\([0-9.]*\).*/\1/p"; }
printf 'json codec, one thread, %s rounds (medians, us per event):\n' "$rounds"
printf '  separate + json decode (chain)     %.3f\n' "$(bench_median $(field chain_decode_us))"
printf '  json encode + separate (chain)     %.3f\n' "$(bench_median $(field encode_us))"
printf '  decode alone, direct reader        %.3f\n' "$(bench_median $(field direct_decode_us))"
printf '  decode alone, RapidJSON path       %.3f\n' "$(bench_median $(field rapidjson_decode_us))"
