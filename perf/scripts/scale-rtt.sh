#!/usr/bin/env bash
# scale-rtt.sh — where the round trip goes with thousands of sessions pinging once a second (issue 13: "RTT p99
# under that load within 2x of the idle p99"). One headend on the namespace bed of bed.sh, in one run:
#   idle      a probe generator (--probe-sessions, a ping a second each) alone: the idle p99
#   load      a load generator ramps to --sessions and holds them with a ping a second each; while it holds, the
#             same probe runs again in a process of its own. The load generator's own p99 against the probe's
#             tells whether the load generator adds latency of its own (both cross the same server and machine;
#             the probe's event loops are almost idle); the load generator's ping send lag (how late its timers
#             fire) is printed too
#   CPU       over the probe's window: the share of a CPU each side used (the headend by thread kind, the load
#             generator by thread kind) and the machine's busy share of its cores, from /proc
# Usage: perf/scripts/scale-rtt.sh [--sessions 2500] [--rate 50] [--hold 30] [--probe-sessions 20]
#            [--threads 2] [--gclog] [--jfr]
# --gclog writes the GC logs of the headend and the generators to $LOGS/*gc.log; --jfr records JFR profiles of the
# headend over the probe's window ($LOGS/headend.jfr) and of each generator's whole run ($LOGS/NAME.jfr). Needs root; build first (mvn -B -q package -DskipTests
# -DskipITs). Logs and summaries stay in /tmp/hdrtt-last/. On a shared machine every figure is an upper bound: the
# ratio to take is the one of the same run.
set -uo pipefail

SESSIONS=2500
RATE=50
HOLD=30
PROBE=20
THREADS=2
GCLOG=
JFR=
while [ $# -gt 0 ]; do
    case "$1" in
        --sessions) SESSIONS=$2; shift 2 ;;
        --rate) RATE=$2; shift 2 ;;
        --hold) HOLD=$2; shift 2 ;;
        --probe-sessions) PROBE=$2; shift 2 ;;
        --threads) THREADS=$2; shift 2 ;;
        --gclog) GCLOG=1; shift ;;
        --jfr) JFR=1; shift ;;
        -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
    esac
done
[ "$(id -u)" = 0 ] || { echo "scale-rtt: needs root (network namespaces)" >&2; exit 2; }
[ "$SESSIONS" -le 9000 ] || { echo "scale-rtt: one generator holds at most 9,000 DTLS sessions (2 fds each)" >&2; exit 2; }

PREFIX="hdrtt-$$"
LOGS=/tmp/hdrtt-last
# shellcheck source=bed.sh
source "$(dirname "${BASH_SOURCE[0]}")/bed.sh"
# shellcheck source=lib/loadgen-bench.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/loadgen-bench.sh"

PASSWORD=rtt-secret
BED_POOL_FIRST=10.100.0.10
BED_POOL_LAST=10.100.255.250
BED_POOL_MASK=255.255.0.0
TARGET=10.100.0.1
SOURCES=10.78.0.10-109
rm -rf "$LOGS"; mkdir -p "$LOGS"
ulimit -n "$(ulimit -Hn)"
trap bed_cleanup EXIT
trap 'exit 130' INT TERM

bed_install_missing
bed_make || { log "could not build the test bed"; exit 1; }
BED_HEADEND_LINES=$(headend_users "$PASSWORD" $((SESSIONS + PROBE)))
opts=${HEADEND_JAVA_OPTS:-}
[ -n "$GCLOG" ] && opts="$opts -Xlog:gc*:file=$LOGS/headend-gc.log:uptime"
export HEADEND_JAVA_OPTS=$opts
chmod 777 "$LOGS"    # the appliance drops to its own user: its GC log and JFR file are written here
bed_start_headend || exit 1
log "headend up (load $(cut -d' ' -f1 /proc/loadavg))"

generator() {      # generator NAME FIRST-USER SESSIONS RATE HOLD: in the background (GEN_PID), output in $LOGS/NAME.out
    local name=$1 first=$2 n=$3 rate=$4 hold=$5
    local gc=
    [ -n "$GCLOG" ] && gc="-Xlog:gc:file=$LOGS/$name-gc.log:uptime"
    [ -n "$JFR" ] && gc="$gc -XX:StartFlightRecording:filename=$LOGS/$name.jfr,settings=profile"
    (cd "$REPO" && LOADGEN_NO_BUILD=1 LOADGEN_JAVA_OPTS="${LOADGEN_JAVA_OPTS:-} $gc" exec ip netns exec "$ATK" ./loadgen --server "$URL" --servercert "$PIN" \
        --user-pattern 'user%d' --first-user "$first" --password "$PASSWORD" --source "$SOURCES" \
        --ping-target "$TARGET" --quiet --out "$LOGS/$name" --threads "$THREADS" --sessions "$n" --rate "$rate" \
        --max-inflight 64 --plateaus "$n" --plateau-hold "$hold" --hold 1 --ping-interval 1000 --loss-timeout 2000 \
        --duration $((n / 4 + hold + 180))) > "$LOGS/$name.out" 2> "$LOGS/$name.err" &
    GEN_PID=$!; PIDS+=("$GEN_PID")
}
await_line() {     # await_line FILE PREFIX PID
    while ! grep -q "^$2" "$1" 2>/dev/null; do kill -0 "$3" 2>/dev/null || return 1; sleep 0.2; done
}
window() { grep -h "^LOADGEN PLATEAU-END" "$1" | sed 's/^LOADGEN PLATEAU-END //'; }
field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

# ticks by thread kind of one JVM: "KIND TICKS" lines
jvm_threads() {
    local t
    for t in /proc/"$1"/task/*; do
        echo "$(cat "$t/comm" 2>/dev/null)|$(awk '{sub(/^.*\) /, ""); print $12 + $13}' "$t/stat" 2>/dev/null)"
    done | awk -F'|' '{ k = "other"
        if ($1 ~ /^C[12] Compiler/) k = "JIT"; else if ($1 ~ /^(GC |G1 )/) k = "GC"
        else if ($1 ~ /^front-door/) k = "front-door"; else if ($1 ~ /^control/) k = "control"
        else if ($1 ~ /^(multiThreadIoEv|tun-agent)/) k = "loops"; else if ($1 ~ /^(ForkJoinPool|dtls-)/) k = "virtual"
        t[k] += $2 } END { for (k in t) print k, t[k] }' | sort
}
java_pid() {       # the JVM under the launcher's process tree whose command line has $1
    pgrep -f "$1" | while read -r p; do [ "$(cat /proc/"$p"/comm 2>/dev/null)" = java ] && echo "$p"; done | head -1
}
udp_errors() {     # udp_errors NAMESPACE: "receive-buffer-errors send-buffer-errors" of its UDP sockets so far
    ip netns exec "$1" awk '/^Udp:/ { if (!h) { for (i = 2; i <= NF; i++) c[$i] = i; h = 1 } else print $c["RcvbufErrors"], $c["SndbufErrors"] }' /proc/net/snmp
}
machine_busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8 }' /proc/stat; }
share() {          # share BEFORE-FILE AFTER-FILE SECONDS: "kind N% …" of one CPU
    join -o 0,1.2,2.2 "$1" "$2" | awk -v s="$3" -v hz="$HZ" '{ d = $3 - $2; tot += d
        out = out sprintf("%s %.0f%%, ", $1, 100 * d / hz / s) } END { printf "%.0f%% of one CPU (%s)\n", 100 * tot / hz / s, out }' | sed 's/, )/)/'
}

udp0_srv=$(udp_errors "$SRV"); udp0_atk=$(udp_errors "$ATK")
# idle: the probe alone
generator idle $((SESSIONS + 1)) "$PROBE" 20 "$HOLD"; p=$GEN_PID
await_line "$LOGS/idle.out" "LOADGEN PLATEAU-END" "$p" || { log "idle probe failed (see $LOGS/idle.err)"; exit 1; }
wait "$p"
IDLE=$(window "$LOGS/idle.out")
log "idle: $IDLE"

# load: the big generator ramps and holds; the probe runs again during its hold
generator load 1 "$SESSIONS" "$RATE" $((HOLD + 60)); g=$GEN_PID
await_line "$LOGS/load.out" "LOADGEN PLATEAU n=" "$g" || { log "load generator stopped (see $LOGS/load.err)"; exit 1; }
log "load: $(grep -h '^LOADGEN PLATEAU n=' "$LOGS/load.out") (load $(cut -d' ' -f1 /proc/loadavg))"
hpid=$(bed_server_pids | head -1)
lpid=$(java_pid "LoadGenerator.*--out $LOGS/load ")
sleep 2
generator probe $((SESSIONS + 1)) "$PROBE" 20 "$HOLD"; p=$GEN_PID
await_line "$LOGS/probe.out" "LOADGEN PLATEAU n=" "$p" || { log "probe failed (see $LOGS/probe.err)"; exit 1; }
[ -n "$JFR" ] && setpriv --reuid=headend --regid=headend --init-groups -- \
    "${HEADEND_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/jcmd" "$hpid" JFR.start name=rtt \
    filename="$LOGS/headend.jfr" duration="${HOLD}s" settings=profile > /dev/null 2>&1
jvm_threads "$hpid" > "$LOGS/h0"; jvm_threads "$lpid" > "$LOGS/l0"; m0=$(machine_busy); t0=$(date +%s.%N)
await_line "$LOGS/probe.out" "LOADGEN PLATEAU-END" "$p"
jvm_threads "$hpid" > "$LOGS/h1"; jvm_threads "$lpid" > "$LOGS/l1"; m1=$(machine_busy); t1=$(date +%s.%N)
wait "$p"
await_line "$LOGS/load.out" "LOADGEN PLATEAU-END" "$g"
wait "$g"
secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
PROBED=$(window "$LOGS/probe.out")
LOADED=$(window "$LOGS/load.out")
lag=$(json "$LOGS/load/summary.json" generator.ping_send_lag_p99_ms)
fails=$(json "$LOGS/load/summary.json" setup.failures)

echo
echo "== scale RTT ($(date -u +%FT%TZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)) =="
echo "idle probe ($PROBE sessions): $IDLE"
echo "load generator ($SESSIONS sessions, hold $((HOLD + 60)) s): $LOADED; failures $fails; ping send lag p99 $lag ms (whole run)"
echo "probe during the load ($PROBE sessions, own process): $PROBED"
for w in load probe; do
    v=$([ $w = load ] && echo "$LOADED" || echo "$PROBED")
    awk -v a="$(field "$v" rtt_p99_ms)" -v b="$(field "$IDLE" rtt_p99_ms)" -v w="$w" \
        'BEGIN { if (b > 0) printf "ratio p99 (%s) / p99 (idle probe): %.1f\n", w, a / b }'
done
echo "$LOADED" | tr ' ' '\n' | awk -F= '{ v[$1] = $2 } END { split(v["pings"], p, "/")
    if (p[2] > 0) printf "load generator per ping (its hold): %.1f us CPU, %.2f KB allocated, %d GCs (%d ms)\n",
        1000 * v["gen_cpu_ms"] / p[2], 1024 * v["gen_alloc_mb"] / p[2], v["gen_gcs"], v["gen_gc_ms"] }'
echo "CPU over the probe's window ($secs s):"
echo "  headend:        $(share "$LOGS/h0" "$LOGS/h1" "$secs")"
echo "  load generator: $(share "$LOGS/l0" "$LOGS/l1" "$secs")"
echo "  machine busy:   $(echo "$m0 $m1" | awk -v c="$(nproc)" '{ printf "%.0f%% of %d cores", 100 * ($3 - $1) / ($4 - $2), c }')"
echo "UDP socket buffer overflows (receive send) over the run: server $(udp_errors "$SRV") (from $udp0_srv), generators $(udp_errors "$ATK") (from $udp0_atk)"
echo "headend DTLS counters:"
bed_console "show counters" | tr -d '\r' | grep -i "dtls.*\(hello\|handshake\|flight\|drop\)" | sed 's/^/  /'
grep -h "^loadgen: \(first\|again\)" "$LOGS"/*.err 2>/dev/null | head -40
# the server's view of the first failed DTLS handshakes: what its log says about that client address and port
grep -h "^loadgen: \(first\|again\).*dtls_" "$LOGS"/*.err 2>/dev/null | head -5 | sed -n 's|.* from /\([0-9.:]*\) to .*|\1|p' |
    while read -r peer; do
        echo "headend on $peer: $(grep -h "$peer" "$LOGS"/headend-std*.txt | cut -c1-200 | paste -sd';' | head -c 600)"
    done
