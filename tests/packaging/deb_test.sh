#!/usr/bin/env bash
# Builds the .deb with cpack, unpacks it into a scratch root and checks what
# an operator gets: the unit passes `systemd-analyze verify` with its
# hardening, the installed binary runs and checks every shipped example.
# Usage: deb_test.sh BUILD_DIR
set -euo pipefail
build=$(realpath "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

(cd "$build" && cpack -G DEB > "$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; fail "cpack"; }
deb=$(ls "$build"/packages/temblor_*_amd64.deb | head -1)
[ -f "$deb" ] || fail "no temblor_<version>_amd64.deb"
dpkg-deb --info "$deb" > "$work/info"
grep -q "Package: temblor" "$work/info" || fail "package name"
grep -q "Depends:.*libcaf" "$work/info" || fail "shared library dependencies are missing"
dpkg-deb --contents "$deb" > "$work/contents"
for f in ./usr/bin/temblor ./usr/share/man/man1/temblor.1.gz ./usr/lib/systemd/system/temblor.service \
         ./usr/share/tremor/lib/std/time/nanos.tremor ./usr/share/doc/temblor/examples/passthrough.troy \
         ./usr/share/doc/temblor/README.md; do
  grep -q " $f\$" "$work/contents" || fail "$f is not in the package"
done
# Listed to a file first: `grep -q` stops reading at the first match, and
# under pipefail the tar it leaves writing dies of SIGPIPE and fails the test.
dpkg-deb --ctrl-tarfile "$deb" | tar -t > "$work/control"
grep -q postinst "$work/control" || fail "no postinst"

root=$work/root
dpkg -x "$deb" "$root"
unit=$root/usr/lib/systemd/system/temblor.service
for setting in NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes PrivateTmp=yes \
               'CapabilityBoundingSet=$' 'ReadWritePaths=/var/lib/temblor' User=temblor; do
  grep -q "^$setting" "$unit" || fail "the unit lacks $setting"
done
# verify resolves ExecStart's binary: point it at the unpacked one.
sed "s|/usr/bin/temblor|$root/usr/bin/temblor|" "$unit" > "$work/temblor.service"
systemd-analyze verify --man=no "$work/temblor.service" 2> "$work/verify.log" || { cat "$work/verify.log"; fail "systemd-analyze verify"; }
grep -v "Cannot add dependency job\|Failed to load\|not found" "$work/verify.log" | grep -q . &&
  { cat "$work/verify.log"; fail "systemd-analyze verify complained"; }

"$root/usr/bin/temblor" --version | grep -q "temblor" || fail "--version"
zcat "$root/usr/share/man/man1/temblor.1.gz" > "$work/man"
grep -q "^.SH COMMAND: SERVER RUN" "$work/man" || fail "man page"
export TREMOR_PATH=$root/usr/share/tremor/lib
cd "$root/usr/share/doc/temblor/examples"
for flow in passthrough.troy file-filter/flow.troy ws-echo/flow.troy; do
  (cd "$(dirname "$flow")" && "$root/usr/bin/temblor" check -d "$(basename "$flow")" > /dev/null) ||
    fail "check $flow"
done
echo "ok: $(basename "$deb")"
