#!/bin/sh
# A self-signed certificate for elsewhere.test only, made per run: a client
# that connects to `localhost` must reject it.
set -e
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -days 1 -subj "/CN=elsewhere.test" \
  -addext "subjectAltName=DNS:elsewhere.test" \
  -keyout key.pem -out cert.pem 2>/dev/null
