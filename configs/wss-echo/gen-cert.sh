#!/usr/bin/env bash
# Makes the self-signed ECDSA P-256 certificate for localhost that the TLS
# echo flow uses (cert.pem / key.pem next to this script). Re-run to renew.
set -euo pipefail
cd "$(dirname "$0")"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -days 365 -subj "/CN=localhost" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout key.pem -out cert.pem 2>/dev/null
echo "wrote $(pwd)/cert.pem and $(pwd)/key.pem"
