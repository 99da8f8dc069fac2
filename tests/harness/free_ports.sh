# Sourced by check_selftest.sh and check_summary.sh: replaces every
# @FREE_PORT@ in the *.yaml files under a copy of the self-test tree with a
# port that is free at run time, one port per file, so that no self-test
# binds a fixed port (a fixed one in Linux's ephemeral range collides with
# other connections now and then).
fill_free_ports() {
  files=$(grep -rl --include='*.yaml' '@FREE_PORT@' "$1")
  [ -n "$files" ] || return 0
  # One interpreter for all of them; sockets stay bound until every port is
  # picked, so the ports differ.
  ports=$(printf '%s\n' "$files" | /usr/bin/python3 -c '
import socket, sys
socks = [socket.socket() for _ in sys.stdin]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))')
  set -- $ports
  for file in $files; do
    sed -i "s/@FREE_PORT@/$1/g" "$file"
    shift
  done
}
