#!/usr/bin/env bash
# cluster-jepsen.sh — a bounded Jepsen-style run: a cluster of 3 headends on a real 3-member etcd under the load
# generator (logins, churn, a reconnect storm), while etcd members are killed with -9 in turn and restarted; then the
# invariants are checked on etcd's final state and the generators' reports (see cluster-loadgen.sh --nemesis).
# Usage (root): perf/scripts/cluster-jepsen.sh [--sessions 60] [--rate 10]
# Prints the load figures and a "nemesis:" line ending in ok or VIOLATION (exit status 1 on a violation).
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/cluster-loadgen.sh" --runs 3 --sessions 60 --rate 10 --nemesis "$@"
