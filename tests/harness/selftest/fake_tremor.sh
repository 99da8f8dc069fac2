#!/bin/sh
# Stands in for `tremor server run [-n] [--debug-connectors] [-p PIDFILE] FILE…`
# in the harness's self-tests (env.yaml points TREMOR_BIN here): it checks the
# command line has Tremor's shape, then runs each .troy file, in the order
# given, as a shell script. A failing script's status is the exit status.
if [ "$1" != server ] || [ "$2" != run ]; then
  echo "fake_tremor: expected 'server run', got: $*" >&2
  exit 99
fi
shift 2
while [ $# -gt 0 ]; do
  case "$1" in
    -n | --no-api | -d | --debug-connectors) shift ;;
    -p | --pid) echo $$ > "$2"; shift 2 ;;
    -*) echo "fake_tremor: unknown flag $1" >&2; exit 99 ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || { echo "fake_tremor: no .troy files" >&2; exit 99; }
for f in "$@"; do
  sh "$f" || exit $?
done
