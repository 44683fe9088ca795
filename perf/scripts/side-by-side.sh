#!/usr/bin/env bash
# side-by-side.sh — the headend against ocserv, on the same network-namespace test bed, with the same
# openconnect client and the same iperf3, measured in one run (issue 3, part 5).
#
# Topology (made here, removed on exit, also on failure or Ctrl-C):
#   [hdbench-PID-cli  eth0 10.77.0.2/24] ──veth── [veth-srv 10.77.0.1/24  hdbench-PID-srv]
# The server under test runs in the srv namespace; its tunnel address there is 192.168.100.1 (pool
# 192.168.100.0/24 on both), which is where iperf3 -s and the pings go. First ocserv, then ./headend.
#
# Measured per server, through the tunnel:
#   TCP throughput client→server (iperf3 -t N) and server→client (iperf3 -t N -R)
#   UDP throughput at a bounded offered rate, both ways: received rate and loss
#   ping RTT median (p50) and p99 at 1, 5 and 100 pings/s (issue 11):
#     cold: the first 20 pings on a freshly started server (one fresh server and client per rate)
#     warm: after the throughput runs (10 s of iperf3 each way): 30 pings at 1/s, 100 at 5/s, PINGS at 100/s
#   server CPU-seconds per GB moved: utime+stime from /proc/PID/stat of every server process in the srv
#   namespace (ocserv-main, ocserv-sm and the workers; the headend's JVM), sampled before and after each run
# and printed as a table: metric | headend | ocserv | ratio (headend / ocserv).
#
# Usage: perf/scripts/side-by-side.sh [--mode tls|dtls] [--only both|ocserv|headend] [--duration S]
#                                     [--udp-rate R] [--pings N] [--cold-rates "1 5 100"] [--mtu N]
#   --mode tls   (default) openconnect --no-dtls: everything over CSTP/TLS
#   --mode dtls  let openconnect bring DTLS up (for the DTLS issue; the headend half needs DTLS support)
#   --duration   seconds per TCP run (default 10; UDP runs take half)
#   --udp-rate   iperf3 -b for the UDP runs (default 200M)
#   --pings      number of warm pings at 100/s (default 1000)
#   --cold-rates pings/s of the cold series, each on a fresh start (default "1 5 100"; "" skips them)
#   --cold-only  the cold series only, no throughput or warm pings (to compare start-up options quickly)
#   --mtu        tunnel MTU asked of ocserv (default 1400, its mtu= is set 28 higher); the headend gets
#                the MTU ocserv actually handed its client (anyconnect mtu), so both carry equal packets
#   --aot        the headend alone, without and with JDK 25's AOT cache (JEP 483/515), in one run: a training
#                start writes the cache (-XX:AOTCacheOutput: log in, pings, 2 s of iperf3 each way), then
#                --aot-rounds fresh starts per cold rate and variant, alternating which goes first; prints the
#                start-up time (launch to "how to connect") and the cold pings of each variant, pooled
#   --aot-rounds starts per rate and variant in --aot (default 3)
# Needs root. Installs ocserv, openconnect, iperf3, iproute2, iputils-ping, procps, openssl if missing.
# HEADEND_JAVA_OPTS is passed to ./headend.
# Logs of the last run stay in /tmp/hdbench-last/ (HDBENCH_LOGS=DIR: there instead, so that two runs at once do not
# remove each other's). The whole run is capped (MAX_SECONDS, default 600).
# Build the headend first (mvn -B -q package -DskipTests) so ./headend does not build inside the time cap.
# Exit code: 0 if every requested half ran, 1 otherwise (the table is printed either way).
set -uo pipefail

MODE=tls
ONLY=both
DURATION=10
UDP_RATE=200M
PINGS=1000
COLD_RATES="1 5 100"
COLD_PINGS=20
COLD_ONLY=
MTU=1400
AOT=
AOT_ROUNDS=3
MAX_SECONDS=${MAX_SECONDS:-600}
while [ $# -gt 0 ]; do
    case "$1" in
        --mode) MODE=$2; shift 2 ;;
        --only) ONLY=$2; shift 2 ;;
        --duration) DURATION=$2; shift 2 ;;
        --udp-rate) UDP_RATE=$2; shift 2 ;;
        --pings) PINGS=$2; shift 2 ;;
        --cold-rates) COLD_RATES=$2; shift 2 ;;
        --cold-only) COLD_ONLY=1; shift ;;
        --mtu) MTU=$2; shift 2 ;;
        --aot) AOT=1; shift ;;
        --aot-rounds) AOT_ROUNDS=$2; shift 2 ;;
        -h|--help) sed -n '2,41p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
    esac
done
case "$MODE" in tls|dtls) ;; *) echo "--mode tls|dtls" >&2; exit 2 ;; esac
case "$ONLY" in both|ocserv|headend) ;; *) echo "--only both|ocserv|headend" >&2; exit 2 ;; esac
[ "$(id -u)" = 0 ] || { echo "side-by-side: needs root (network namespaces)" >&2; exit 2; }

LOGS=${HDBENCH_LOGS:-/tmp/hdbench-last}
BENCH=side-by-side
# the namespaces, their cleanup, CPU accounting, iperf3 runs, the openconnect client and the headend's start/stop
# shellcheck source=lib/netns-bench.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/netns-bench.sh"

# ---------------------------------------------------------------- prerequisites

install_missing() {
    local missing=() cmd pkg
    for pair in ocserv:ocserv openconnect:openconnect iperf3:iperf3 ip:iproute2 ping:iputils-ping \
                pkill:procps openssl:openssl; do
        cmd=${pair%%:*}; pkg=${pair#*:}
        command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing ${missing[*]}"
        apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" || exit 2
    fi
}

# ---------------------------------------------------------------- measurements

udp_run() {        # udp_run NAME [-R]
    local name=$1; shift
    cpu_snapshot
    local secs=$(( DURATION / 2 > 2 ? DURATION / 2 : 2 ))
    local line; line=$(iperf "$name" -u -b "$UDP_RATE" -l 1200 -t "$secs" "$@")
    local cpu; cpu=$(cpu_since)
    [ -n "$line" ] || { log "$SERVER $name: no iperf3 result (see $LOGS/$SERVER-$name.txt)"; return 1; }
    # [  5]   0.00-5.04   sec   110 MBytes   183 Mbits/sec  0.012 ms  7990/104166 (7.7%)  receiver
    local mbytes
    mbytes=$(transfer_mbytes "$line")
    RESULT[$SERVER:$name.mbit]=$(echo "$line" | awk '{for (i = 1; i <= NF; i++) if ($i == "Mbits/sec") print $(i - 1)}')
    RESULT[$SERVER:$name.loss]=$(echo "$line" | sed -n 's/.*(\([0-9.e+-]*\)%).*/\1/p')
    RESULT[$SERVER:$name.cpu]=$cpu
    RESULT[$SERVER:$name.bytes]=$(awk -v m="$mbytes" 'BEGIN { printf "%.0f", m * 1048576 }')
}

ping_series() {    # ping_series NAME RATE COUNT: COUNT pings at RATE per second; median and p99 in RESULT
    local name=$1 rate=$2 count=$3
    local out="$LOGS/$SERVER-ping-$name.txt"
    local interval; interval=$(awk -v r="$rate" 'BEGIN { printf "%.3f", 1 / r }')
    timeout $((count / rate + 30)) ip netns exec "$CLI" ping -n -c "$count" -i "$interval" -W 1 "$TARGET" > "$out" 2>&1
    local stats
    stats=$(sed -n 's/.* time=\([0-9.]*\) ms.*/\1/p' "$out" | sort -g | awk '
        { v[NR] = $1 }
        END {
            if (NR == 0) { print "n/a n/a 0"; exit }
            m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
            i = int(NR * 0.99 + 0.999999); if (i < 1) i = 1; if (i > NR) i = NR
            printf "%.3f %.3f %d\n", m, v[i], NR
        }')
    read -r RESULT[$SERVER:$name.median] RESULT[$SERVER:$name.p99] RESULT[$SERVER:$name.count] <<< "$stats"
}

measure() {        # all measurements against the server now running; the client is connected
    start_iperf_server
    warm_up
    tcp_run tcp-up || return 1
    tcp_run tcp-down -R || return 1
    udp_run udp-up || return 1
    udp_run udp-down -R || return 1
    # warm: right after 10 s transfers each way
    ping_series warm-1 1 30
    ping_series warm-5 5 100
    ping_series warm-100 100 "$PINGS"
    # CPU per GB over all four throughput runs
    local cpu=0 bytes=0 n
    for n in tcp-up tcp-down udp-up udp-down; do
        cpu=$(awk -v a="$cpu" -v b="${RESULT[$SERVER:$n.cpu]:-0}" 'BEGIN { print a + b }')
        bytes=$(awk -v a="$bytes" -v b="${RESULT[$SERVER:$n.bytes]:-0}" 'BEGIN { printf "%.0f", a + b }')
    done
    RESULT[$SERVER:all.cpugb]=$(awk -v c="$cpu" -v b="$bytes" 'BEGIN { if (b > 0) printf "%.2f", c / (b / 1e9); else print "n/a" }')
    stop_iperf_server
    return 0
}

# ---------------------------------------------------------------- ocserv

PIN= URL= SPID=
prepare_ocserv() {
    local d="$LOGS/ocserv-state"
    mkdir -p "$d"; chmod 755 "$LOGS" "$d"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$d/key.pem" -out "$d/cert.pem" \
        -days 30 -subj "/CN=$SERVER_ADDR" 2>/dev/null || return 1
    PIN="pin-sha256:$(openssl x509 -in "$d/cert.pem" -pubkey -noout | openssl pkey -pubin -outform der |
        openssl dgst -sha256 -binary | base64)"
    echo "demo:*:$(openssl passwd -6 demo-secret)" > "$d/ocpasswd"
    cat > "$d/ocserv.conf" <<EOC
# generated by side-by-side.sh; based on the reference traces' ocserv.conf (Debian ocserv 1.1.6)
auth = "plain[passwd=$d/ocpasswd]"
listen-host = $SERVER_ADDR
tcp-port = 443
udp-port = 443
run-as-user = nobody
run-as-group = nogroup
socket-file = $d/ocserv-socket
server-cert = $d/cert.pem
server-key = $d/key.pem
isolate-workers = true
max-clients = 16
max-same-clients = 0
rate-limit-ms = 0
keepalive = 32400
dpd = 90
mobile-dpd = 1800
switch-to-tcp-timeout = 25
try-mtu-discovery = false
tls-priorities = "NORMAL:%SERVER_PRECEDENCE:%COMPAT:-VERS-SSL3.0:-VERS-TLS1.0:-VERS-TLS1.1:-VERS-TLS1.3"
auth-timeout = 240
max-ban-score = 0
cookie-timeout = 300
deny-roaming = false
use-occtl = false
pid-file = $d/ocserv.pid
log-level = 1
device = vpns
predictable-ips = true
ipv4-network = 192.168.100.0
ipv4-netmask = 255.255.255.0
route = 192.168.100.0/255.255.255.0
ping-leases = false
cisco-client-compat = true
dtls-legacy = true
compression = false
# ocserv's mtu is the link MTU; it hands the client 28 bytes less (checked with 1.1.6)
mtu = $((MTU + 28))
EOC
    RESULT[ocserv:version]=$(ocserv --version 2>&1 | head -1)
    URL="https://$SERVER_ADDR/"
}

start_ocserv() {
    local d="$LOGS/ocserv-state"
    ip netns exec "$SRV" ocserv -f -c "$d/ocserv.conf" > "$LOGS/ocserv-server.txt" 2>&1 &
    SPID=$!; PIDS+=("$SPID")
    for _ in $(seq 1 100); do grep -q 'listening (TCP)' "$LOGS/ocserv-server.txt" && break; sleep 0.1; done
    grep -q 'listening (TCP)' "$LOGS/ocserv-server.txt" || { log "ocserv did not start (see $LOGS/ocserv-server.txt)"; return 1; }
}

stop_ocserv() {
    kill -TERM "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null
    kill_ns_pids "$SRV"
}

# ---------------------------------------------------------------- headend

prepare_headend() {
    mkdir -p "$LOGS/headend-state"
    [ -x "$REPO/headend" ] || { log "headend: $REPO/headend missing"; return 1; }
    # the same tunnel MTU as ocserv handed its client (it subtracts its DTLS overhead from mtu=), so that
    # both carry the same packet sizes; --mtu alone when ocserv was not measured
    local mtu=${RESULT[ocserv:mtu]:-$MTU}
    bench_headend_config "$mtu" > "$LOGS/headend.conf"
}

# ---------------------------------------------------------------- one server: cold series, then the measured run

run_server() {     # run_server ocserv|headend
    SERVER=$1
    prepare_$1 || return 1
    local rate
    for rate in $COLD_RATES; do
        start_$1 || return 1
        connect_client "$PIN" "$URL" cold || { stop_$1; return 1; }
        ping_series "cold-$rate" "$rate" "$COLD_PINGS"
        disconnect_client
        stop_$1
    done
    [ -n "$COLD_ONLY" ] && return 0
    start_$1 || return 1
    connect_client "$PIN" "$URL" || { stop_$1; return 1; }
    local rc=0
    measure || rc=1
    disconnect_client
    stop_$1
    return $rc
}

# ---------------------------------------------------------------- --aot: the headend with and without its AOT cache

AOT_DIR=$LOGS/aot
AOT_FILE=$AOT_DIR/headend.aot
declare -A AOT_STARTUP AOT_PINGS  # [variant] = start-up ms / RTTs (ms) of every cold start of that variant

aot_train() {      # a start that writes the cache on exit, after the path was run the way the cold series runs it
    SERVER=headend-training
    # the launcher runs the JVM as the user headend, which must be able to write the cache here
    mkdir -p "$AOT_DIR"; chmod 1777 "$AOT_DIR"; rm -f "$AOT_FILE"
    AOT_OPTS="-XX:AOTCacheOutput=$AOT_FILE"
    start_headend || return 1
    connect_client "$PIN" "$URL" || { stop_headend; return 1; }
    start_iperf_server
    ping_series train-100 100 200
    timeout 30 ip netns exec "$CLI" iperf3 -c "$TARGET" -t 2 > "$LOGS/$SERVER-up.txt" 2>&1
    timeout 30 ip netns exec "$CLI" iperf3 -c "$TARGET" -t 2 -R > "$LOGS/$SERVER-down.txt" 2>&1
    ping_series train-5 5 10
    stop_iperf_server
    disconnect_client
    stop_headend
    AOT_OPTS=
    [ -s "$AOT_FILE" ] || { log "training wrote no AOT cache (see $LOGS/headend-stdout.txt)"; return 1; }
    RESULT[aot:size]=$(( $(stat -c %s "$AOT_FILE") / 1048576 ))
}

aot_cold() {       # aot_cold VARIANT RATE: one fresh start, its first COLD_PINGS pings at RATE/s
    local variant=$1 rate=$2
    SERVER=headend-$variant
    AOT_OPTS=
    [ "$variant" = cache ] && AOT_OPTS="-XX:AOTCache=$AOT_FILE -Xlog:aot=info:file=$AOT_DIR/use-%p.log"
    start_headend || return 1
    AOT_STARTUP[$variant]+="$STARTUP_MS "
    connect_client "$PIN" "$URL" cold || { stop_headend; return 1; }
    ping_series "cold-$rate" "$rate" "$COLD_PINGS"
    AOT_PINGS[$variant:$rate]+="$(sed -n 's/.* time=\([0-9.]*\) ms.*/\1/p' "$LOGS/$SERVER-ping-cold-$rate.txt" | tr '\n' ' ')"
    disconnect_client
    stop_headend
}

run_aot() {
    SERVER=headend
    prepare_headend || return 1
    log "headend: AOT training run"
    aot_train || return 1
    local rate round
    for rate in $COLD_RATES; do
        for round in $(seq 1 "$AOT_ROUNDS"); do
            log "headend: cold $rate/s, round $round of $AOT_ROUNDS"
            # alternate which variant starts first, so that a drift in the machine's load favours neither
            if [ $((round % 2)) = 1 ]; then
                aot_cold none "$rate" && aot_cold cache "$rate" || return 1
            else
                aot_cold cache "$rate" && aot_cold none "$rate" || return 1
            fi
        done
    done
    grep -qs 'Opened AOT cache\|Using AOT-linked classes' "$AOT_DIR"/use-*.log ||
        log "warning: the JVM's log does not say it opened the cache (see $AOT_DIR/use-*.log)"
}

stats() {          # stats VALUES…: "p50 p99 n" of the numbers given
    printf '%s\n' "$@" | sed '/^$/d' | sort -g | awk '
        { v[NR] = $1 }
        END {
            if (NR == 0) { print "n/a n/a 0"; exit }
            m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
            i = int(NR * 0.99 + 0.999999); if (i < 1) i = 1; if (i > NR) i = NR
            printf "%s %s %d\n", m, v[i], NR
        }'
}

report_aot() {
    echo
    echo "side-by-side --aot, mode $MODE: the headend without and with its AOT cache (${RESULT[aot:size]:-?} MB),"
    echo "$AOT_ROUNDS fresh starts per variant and rate, alternating; cold = the first $COLD_PINGS pings of each start"
    echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end (figures taken under that load)"
    printf '%-42s | %10s | %10s | %6s\n' "metric" "no cache" "AOT cache" "ratio"
    printf '%s\n' "-------------------------------------------+------------+------------+-------"
    local rate n50 n99 nn c50 c99 cn
    # shellcheck disable=SC2086
    read -r n50 _ _ <<< "$(stats ${AOT_STARTUP[none]:-})"
    # shellcheck disable=SC2086
    read -r c50 _ _ <<< "$(stats ${AOT_STARTUP[cache]:-})"
    printf '%-42s | %10s | %10s | %6s\n' "start-up to \"how to connect\" p50 (ms)" "$n50" "$c50" "$(ratio "$c50" "$n50")"
    for rate in $COLD_RATES; do
        # shellcheck disable=SC2086
        read -r n50 n99 nn <<< "$(stats ${AOT_PINGS[none:$rate]:-})"
        # shellcheck disable=SC2086
        read -r c50 c99 cn <<< "$(stats ${AOT_PINGS[cache:$rate]:-})"
        printf '%-42s | %10s | %10s | %6s\n' "ping RTT cold ${rate}/s p50 (ms, $nn / $cn)" "$n50" "$c50" "$(ratio "$c50" "$n50")"
        printf '%-42s | %10s | %10s | %6s\n' "ping RTT cold ${rate}/s p99 (ms)" "$n99" "$c99" "$(ratio "$c99" "$n99")"
    done
    echo "(ratio = with cache / without; logs in $LOGS)"
}

# ---------------------------------------------------------------- report

row() {            # row LABEL KEY
    local h o
    h=$(fmt "${RESULT[headend:$2]:-}"); o=$(fmt "${RESULT[ocserv:$2]:-}")
    printf '%-42s | %10s | %10s | %6s\n' "$1" "$h" "$o" "$(ratio "$h" "$o")"
}
report() {
    echo
    echo "side-by-side, mode $MODE: TCP ${DURATION} s per direction, UDP ${UDP_RATE} offered for $(( DURATION / 2 > 2 ? DURATION / 2 : 2 )) s"
    echo "pings: cold = the first $COLD_PINGS on a fresh start (rates: ${COLD_RATES:-none}); warm = after the transfers"
    echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end (figures taken under that load)"
    echo "client: $(openconnect --version 2>&1 | head -1); $(iperf3 --version | head -1); ${RESULT[ocserv:version]:-ocserv}"
    echo "tunnel MTU given to the client: headend $(fmt "${RESULT[headend:mtu]:-}"), ocserv $(fmt "${RESULT[ocserv:mtu]:-}")"
    printf '%-42s | %10s | %10s | %6s\n' "metric" "headend" "ocserv" "ratio"
    printf '%s\n' "-------------------------------------------+------------+------------+-------"
    row "TCP client->server (Mbit/s)" tcp-up.mbit
    row "TCP server->client (Mbit/s)" tcp-down.mbit
    row "UDP client->server received (Mbit/s)" udp-up.mbit
    row "UDP client->server loss (%)" udp-up.loss
    row "UDP server->client received (Mbit/s)" udp-down.mbit
    row "UDP server->client loss (%)" udp-down.loss
    local rate
    for rate in $COLD_RATES; do
        row "ping RTT cold ${rate}/s p50 (ms)" "cold-$rate.median"
        row "ping RTT cold ${rate}/s p99 (ms)" "cold-$rate.p99"
    done
    for rate in 1 5 100; do
        row "ping RTT warm ${rate}/s p50 (ms)" "warm-$rate.median"
        row "ping RTT warm ${rate}/s p99 (ms)" "warm-$rate.p99"
    done
    row "server CPU-s per GB, TCP client->server" tcp-up.cpugb
    row "server CPU-s per GB, TCP server->client" tcp-down.cpugb
    row "server CPU-s per GB, all four runs" all.cpugb
    echo "(ratio = headend / ocserv; logs in $LOGS)"
}

# ---------------------------------------------------------------- main

install_missing
bench_begin

status=0
if [ -n "$AOT" ]; then
    run_aot || { log "AOT comparison failed"; status=1; }
    report_aot
    exit $status
fi
if [ "$ONLY" != headend ]; then
    log "ocserv: measuring"
    run_server ocserv || { log "ocserv half failed"; status=1; }
fi
if [ "$ONLY" != ocserv ]; then
    log "headend: measuring"
    run_server headend || { log "headend half failed"; status=1; }
fi
report
exit $status
