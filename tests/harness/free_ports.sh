# Sourced by check_selftest.sh and check_summary.sh: replaces every
# @FREE_PORT@ in the *.yaml files under a copy of the self-test tree with a
# port that is free at run time, one port per file, so that no self-test
# binds a fixed port (a fixed one in Linux's ephemeral range collides with
# other connections now and then).
fill_free_ports() {
  grep -rl --include='*.yaml' '@FREE_PORT@' "$1" | while IFS= read -r file; do
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    sed -i "s/@FREE_PORT@/$port/g" "$file"
  done
}
