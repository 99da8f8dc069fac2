#!/usr/bin/env bash
# Validates a TLS example flow: copies its folder, makes the certificate its
# gen-cert.sh makes, then runs `temblor check` on the copy.
# Usage: check_with_cert.sh TEMBLOR CONFIG_DIR FLOW_FILE
set -euo pipefail
temblor=$(realpath "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$2"/. "$work"
cd "$work"
./gen-cert.sh >/dev/null
"$temblor" check --debug-connectors "$3"
