#!/usr/bin/env bash
# Installs the Debian packages Temblor needs to build and test, when missing.
# Sourced by run.sh and test.sh; safe to run again (installs nothing twice).
set -euo pipefail

temblor_build_packages=(
  cmake g++ make pkg-config openssl ccache
  libcaf-dev libwebsocketpp-dev libasio-dev rapidjson-dev doctest-dev
  libssl-dev libyaml-cpp-dev libcli11-dev liblzma-dev zlib1g-dev libzstd-dev liblz4-dev
  libbrotli-dev libre2-dev librdkafka-dev liblmdb-dev libc-ares-dev
  libhttp-parser-dev libcurl4-openssl-dev
)
# Real peers the test suite talks to (Python websockets, headless Chromium),
# the tools its scripts use, and clang with libFuzzer for tools/fuzz.sh.
temblor_test_packages=(python3-websockets chromium xz-utils procps util-linux kcat lmdb-utils
                       bsdutils socat ncat
                       clang-14 libfuzzer-14-dev libclang-rt-14-dev
                       curl nginx-light wrk nghttp2-client python3-cryptography
                       python3-yaml python3-prometheus-client)

temblor_install_missing() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing: ${missing[*]}" >&2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Node and npm come with the machine image; Debian's npm conflicts with that install.
temblor_install_node() {
  command -v npm >/dev/null 2>&1 || temblor_install_missing nodejs npm
}

# Node-RED, the benchmarks' flow-engine peer, pinned by tools/bench/node-red/package-lock.json.
temblor_install_node_red() {
  local dir=$1/tools/bench/node-red
  temblor_install_node
  [ -x "$dir/node_modules/.bin/node-red" ] || npm ci --prefix "$dir" --silent --no-audit --no-fund >/dev/null
}
