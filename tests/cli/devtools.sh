#!/usr/bin/env bash
# The developer commands, as a newcomer uses them: `new` makes a project
# whose flow checks and whose test passes; `dbg` shows its graph, tokens,
# source and deployment; `doc` turns its doc comments into Markdown;
# `completions` prints scripts the shells accept.
# Usage: devtools.sh TEMBLOR_BINARY
set -euo pipefail
temblor=$(realpath "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }
# Pipes end in `grep > /dev/null`, not `grep -q`: grep -q stops reading at
# the first match and under pipefail the writer's SIGPIPE would fail the test.

"$temblor" new demo > new.out
grep -q "created demo" new.out || fail "new says nothing"
"$temblor" new demo 2> again.err && fail "new overwrote an existing project"
grep -q "exists already" again.err || fail "new: no reason given"
cd demo
export TREMOR_PATH=$PWD
"$temblor" check -d main.troy > /dev/null || fail "the new project's flow does not check"
"$temblor" test integration tests > test.out 2>&1 || { cat test.out; fail "the new project's test fails"; }
grep -q "1 passed, 0 failed" test.out || fail "the new project's test did not run"

"$temblor" dbg dot main.troy > graph.dot
grep -q 'subgraph "cluster_main"' graph.dot || fail "dot: no flow cluster"
grep -q '"main/connector/input" -> "main/pipeline/errors" \[label="out → in"\]' graph.dot ||
  fail "dot: the input -> pipeline edge is missing"
grep -q '"main/pipeline/errors" -> "main/connector/exit" \[label="exit → in"\]' graph.dot ||
  fail "dot: the exit edge is missing"
"$temblor" dbg lex main.troy | grep -P '^3:1\tkeyword\tdefine$' > /dev/null || fail "lex: define at 3:1"
"$temblor" dbg src main.troy | grep '^    3 | define flow main$' > /dev/null || fail "src: numbered lines"
"$temblor" dbg ast main.troy | grep "errors" > /dev/null || fail "ast: the pipeline is missing"
"$temblor" dbg dot lib/flows.tremor 2> /dev/null && fail "dot took a module file"

"$temblor" doc lib docs
grep -q '^# pipelines$' docs/pipelines.md || fail "doc: no module title"
grep -q '^Pipelines of this project.$' docs/pipelines.md || fail "doc: the ### comment"
grep -q '^## `define pipeline only_errors into out, exit`$' docs/pipelines.md ||
  fail "doc: the documented definition's header"
grep -q '^## `fn tag(e)`$' docs/scripts.md || fail "doc: the fn header"

"$temblor" completions bash | bash -n || fail "bash rejects the bash script"
"$temblor" completions bash | grep "complete -F _temblor temblor" > /dev/null || fail "bash: not registered"
"$temblor" completions zsh | grep '^#compdef temblor' > /dev/null || fail "zsh script"
"$temblor" completions fish | grep "complete -c temblor" > /dev/null || fail "fish script"
"$temblor" completions tcsh 2> /dev/null && fail "an unknown shell was accepted"
echo ok
