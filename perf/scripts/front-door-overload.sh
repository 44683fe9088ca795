#!/usr/bin/env bash
# front-door-overload.sh — the headend's front door offered more TLS connects than it can serve (issue 13): every
# arrival starts at once (open loop, no client-side cap on setups in flight), so the server alone decides what
# happens past its capacity. Runs the headend on the namespace bed of bed.sh, once per --runs value: MAX or
# MAX/BACKLOG (-Dheadend.tls.handshakes.max, the bound on TLS handshakes in flight, "off" = 100000, no bound in
# practice, "default" = the built-in one; -Dheadend.tls.backlog, the listen queue), the runs alternating so that
# each round sees the same machine, and prints per run: sessions up and failed (by reason),
# achieved setup rate, TLS phase and whole-setup latency p50/p99 (from the actual start: what the server made a
# client wait), the server CPU per connect, and how often the bound stopped the listeners.
#
# Usage: perf/scripts/front-door-overload.sh [--rate 100] [--seconds 15] [--runs "off default"] [--rounds 1]
#          [--warmup 100]
# Needs root. Build first (mvn -B -q package -DskipTests -DskipITs). Logs in /tmp/hdfrontdoor-last/.
set -uo pipefail

RATE=100 SECONDS_=15 RUNS="off default" ROUNDS=1 WARMUP=100
while [ $# -gt 0 ]; do
    case "$1" in
        --rate) RATE=$2; shift 2 ;;
        --seconds) SECONDS_=$2; shift 2 ;;
        --runs) RUNS=$2; shift 2 ;;
        --rounds) ROUNDS=$2; shift 2 ;;
        --warmup) WARMUP=$2; shift 2 ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
    esac
done
[ "$(id -u)" = 0 ] || { echo "front-door-overload: needs root (network namespaces)" >&2; exit 2; }

PREFIX="hdfront-$$"
LOGS=/tmp/hdfrontdoor-last
# shellcheck source=bed.sh
source "$(dirname "${BASH_SOURCE[0]}")/bed.sh"
# shellcheck source=lib/loadgen-bench.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/loadgen-bench.sh"
PASSWORD=overload-secret
SESSIONS=$(( RATE * SECONDS_ ))
USERS=$(( SESSIONS + WARMUP ))
BED_POOL_FIRST=10.100.0.10
BED_POOL_LAST=10.100.255.250
BED_POOL_MASK=255.255.0.0
SOURCES=10.78.0.10-109

rm -rf "$LOGS"; mkdir -p "$LOGS"
ulimit -n "$(ulimit -Hn)"
trap bed_cleanup EXIT
bed_install_missing
bed_make || { log "could not build the test bed"; exit 1; }
BED_HEADEND_LINES=$(headend_users "$PASSWORD" "$USERS")
failures() { python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))["setup"].get("failures_by_reason", {})
print(", ".join("%s %s" % kv for kv in sorted(d.items())) or "none")' "$1"; }

loadgen() {        # loadgen OUT-DIR ARGS…
    local out=$1; shift
    (cd "$REPO" && LOADGEN_NO_BUILD=1 ip netns exec "$ATK" ./loadgen --server "$URL" --servercert "$PIN" \
        --user-pattern 'user%d' --password "$PASSWORD" --source "$SOURCES" --quiet --dtls off --ping-interval 0 \
        --hold 0 --out "$out" "$@") > "$out.out" 2> "$out.err"
}

one_run() {        # one_run MAX[/BACKLOG] ROUND
    local run=$1 pair=$2 opts="" name="run-${1//\//-}-$2" max=${1%%/*} t0 t1 s
    [ "$max" = off ] && opts="-Dheadend.tls.handshakes.max=100000"
    [ "$max" != off ] && [ "$max" != default ] && opts="-Dheadend.tls.handshakes.max=$max"
    [ "$run" != "$max" ] && opts="$opts -Dheadend.tls.backlog=${run#*/}"
    HEADEND_JAVA_OPTS="${HEADEND_JAVA_OPTS:-} $opts" bed_start_headend || return 1
    loadgen "$LOGS/$name-warmup" --sessions "$WARMUP" --rate 20 --max-inflight 32 --duration 300
    t0=$(bed_cpu_ticks)
    loadgen "$LOGS/$name" --sessions "$SESSIONS" --first-user $((WARMUP + 1)) --rate "$RATE" \
        --max-inflight "$SESSIONS" --duration $((SECONDS_ + 150))
    t1=$(bed_cpu_ticks)
    s="$LOGS/$name/summary.json"
    if [ -f "$s" ]; then
        printf '%-10s round %s: %s/%s up, failed: %s; achieved %s/s; TLS p50 %s p99 %s ms; setup (actual start) p50 %s p99 %s ms; CPU %s ms/connect; gate closed %s times (load %s)\n' \
            "$run" "$pair" "$(json "$s" setup.established)" "$SESSIONS" "$(failures "$s")" \
            "$(json "$s" setup.achieved_setup_rate_per_s)" "$(json "$s" latency_ms.tls.p50)" \
            "$(json "$s" latency_ms.tls.p99)" "$(json "$s" latency_ms.setup_service.p50)" \
            "$(json "$s" latency_ms.setup_service.p99)" \
            "$(awk -v t=$((t1 - t0)) -v n="$SESSIONS" -v hz="$HZ" 'BEGIN { printf "%.1f", 1000 * t / hz / n }')" \
            "$(grep -c 'TLS handshakes in flight' "$LOGS/headend-stderr.txt")+ (logged at most every 10 s)" \
            "$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$LOGS/results.txt"
    else
        echo "$run round $pair: no summary (see $LOGS/$name.err)" | tee -a "$LOGS/results.txt"
    fi
    bed_stop_server
    SERVER_PID=
    cp "$LOGS/headend-stderr.txt" "$LOGS/$name-headend-stderr.txt" 2>/dev/null
}

for ((p = 1; p <= ROUNDS; p++)); do
    for r in $RUNS; do one_run "$r" "$p"; done
done
echo; echo "== front door at $RATE/s offered for $SECONDS_ s, no client-side cap ($(nproc) cores) =="
cat "$LOGS/results.txt"
