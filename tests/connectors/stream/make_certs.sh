#!/bin/sh
# Makes the certificates of the TLS tests in DIR, fresh per run:
#   ca.pem/ca.key            the CA the clients trust
#   other_ca.pem             a CA nobody signed with here (the "unknown CA" case)
#   server.pem/server.key    localhost and 127.0.0.1, signed by ca
#   expired.pem              the same key, expired yesterday
#   wronghost.pem            the same key, for elsewhere.test only
#   other.key                a key that matches no certificate
#   garbage.key              not PEM at all
set -e
cd "$1"
ec="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
openssl req -x509 $ec -days 2 -subj /CN=temblor-test-ca -keyout ca.key -out ca.pem 2>/dev/null
openssl req -x509 $ec -days 2 -subj /CN=temblor-other-ca -keyout other_ca.key -out other_ca.pem 2>/dev/null
openssl req $ec -subj /CN=localhost -keyout server.key -out server.csr 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > local.ext
printf 'subjectAltName=DNS:elsewhere.test\n' > elsewhere.ext
sign() { openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial "$@" 2>/dev/null; }
sign -days 2 -extfile local.ext -out server.pem
sign -days -1 -extfile local.ext -out expired.pem
sign -days 2 -extfile elsewhere.ext -out wronghost.pem
openssl genpkey -algorithm ec -pkeyopt ec_paramgen_curve:prime256v1 -out other.key 2>/dev/null
echo "this is not a key" > garbage.key
