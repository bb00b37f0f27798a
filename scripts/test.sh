#!/usr/bin/env bash
# The README's test command (`npm test`); .ci/run calls exactly this.
# Sets up everything on a fresh machine, starts one throwaway local stack for
# the whole run, runs every test with node's test runner, stops the stack.
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"

check_prerequisites
install_node_dependencies
say "preparing Kafka, PostgreSQL, Python environments and Chromium (cached after the first run)"
turnover setup kafka postgres python spark chromium

STATE_DIR="$(mktemp -d "${TMPDIR:-/tmp}/turnover-tests-XXXXXX")"
chmod 755 "$STATE_DIR"   # the postgres OS user must reach it when we run as root
cleanup() {
  turnover stack down --state-dir "$STATE_DIR" >/dev/null 2>&1 || true
  rm -rf "$STATE_DIR"
}
trap cleanup EXIT
say "starting the test stack in $STATE_DIR"
turnover stack up --state-dir "$STATE_DIR" --kafka-port 0 --postgres-port 0 >/dev/null
export TURNOVER_TEST_STATE_DIR="$STATE_DIR"

mapfile -t files < <(find dist/test -name '*.test.js' | sort)
if [[ $# -gt 0 ]]; then mapfile -t files < <(printf '%s\n' "${files[@]}" | grep -E "$1"); fi
say "running ${#files[@]} test files"
set +e
node --test --test-reporter=spec --test-concurrency=1 --test-timeout=1200000 "${files[@]}"
status=$?
set -e
exit $status
