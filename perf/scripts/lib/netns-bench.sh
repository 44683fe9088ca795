#!/usr/bin/env bash
# netns-bench.sh — the pieces the side-by-side benchmarks share (sourced, not run): two network namespaces joined
# by a veth, their cleanup, the server's CPU accounting, iperf3 TCP runs, the openconnect client and the headend's
# start and stop. The caller sets LOGS (its log directory) and BENCH (its name in messages) before sourcing, and
# SERVER (the name results are kept under) before each measurement; results go to RESULT[server:metric].
#
#   [hdbench-PID-cli  eth0 10.77.0.2/24] ──veth── [veth-srv 10.77.0.1/24  hdbench-PID-srv]
# The server under test runs in the srv namespace; its tunnel address there is 192.168.100.1.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
SCRIPT="$REPO/integration-tests/src/test/resources/hdit-connect-script.sh"
PREFIX="hdbench-$$"
SRV="$PREFIX-srv"
CLI="$PREFIX-cli"
SERVER_ADDR=10.77.0.1
CLIENT_ADDR=10.77.0.2
TARGET=192.168.100.1
HZ=$(getconf CLK_TCK)
PIDS=()
WATCHDOG=
declare -A RESULT  # RESULT[server:metric]=value

log() { echo "${BENCH:-bench}: $*" >&2; }
# shellcheck source=headend-launch.sh
source "$(dirname "${BASH_SOURCE[0]}")/headend-launch.sh"

# ---------------------------------------------------------------- cleanup

kill_ns_pids() {
    local p
    for p in $(ip netns pids "$1" 2>/dev/null); do kill -TERM "$p" 2>/dev/null; done
    sleep 0.5
    for p in $(ip netns pids "$1" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
}

remove_stale() {
    local ns pid
    for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep '^hdbench-[0-9]*-' || true); do
        pid=${ns#hdbench-}; pid=${pid%%-*}
        if ! kill -0 "$pid" 2>/dev/null; then
            log "removing stale namespace $ns"
            kill_ns_pids "$ns"; ip netns del "$ns" 2>/dev/null
        fi
    done
}

cleanup() {
    trap - EXIT INT TERM
    local p
    for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
    sleep 0.5
    for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
    for ns in "$CLI" "$SRV"; do
        if ip netns list | grep -q "^$ns\b"; then kill_ns_pids "$ns"; ip netns del "$ns" 2>/dev/null; fi
    done
    [ -n "$WATCHDOG" ] && kill "$WATCHDOG" 2>/dev/null
    exec 9>&- 2>/dev/null || true
}

# ---------------------------------------------------------------- a run's start

bench_begin() {    # a fresh $LOGS, cleanup on exit or signal, the MAX_SECONDS cap on the whole run, the namespaces
    remove_stale
    rm -rf "$LOGS"; mkdir -p "$LOGS"; chmod 755 "$LOGS"
    trap 'cleanup; exit 130' INT TERM
    trap cleanup EXIT
    # the watchdog's sleep must die with it, or it keeps our stdout open after we have exited
    ( trap 'kill $sleeper 2>/dev/null; exit 0' TERM
      sleep "$MAX_SECONDS" & sleeper=$!; wait $sleeper
      echo "$BENCH: time limit of $MAX_SECONDS s reached, stopping" >&2; kill -TERM $$ ) &
    WATCHDOG=$!
    make_topology || { log "cannot build the namespaces"; exit 1; }
}

# ---------------------------------------------------------------- topology

make_topology() {
    ip netns add "$SRV" && ip netns add "$CLI" || return 1
    ip -n "$SRV" link set lo up; ip -n "$CLI" link set lo up
    ip -n "$SRV" link add veth-srv type veth peer name eth0 netns "$CLI" || return 1
    ip -n "$SRV" addr add "$SERVER_ADDR/24" dev veth-srv
    ip -n "$CLI" addr add "$CLIENT_ADDR/24" dev eth0
    ip -n "$SRV" link set veth-srv up; ip -n "$CLI" link set eth0 up
    ip netns exec "$CLI" ping -c 1 -W 2 "$SERVER_ADDR" >/dev/null
}

# ---------------------------------------------------------------- server CPU accounting

declare -A CPU0
cpu_snapshot() {   # fills CPU0[pid]=ticks for the server processes in $SRV
    CPU0=()
    local p comm
    for p in $(ip netns pids "$SRV" 2>/dev/null); do
        comm=$(cat "/proc/$p/comm" 2>/dev/null) || continue
        case "$comm" in iperf3|ping|sleep|cat) continue ;; esac
        CPU0[$p]=$(awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$p/stat" 2>/dev/null || echo 0)
    done
}
cpu_since() {      # prints CPU seconds used by server processes since the matching cpu_snapshot
    local -A before=()
    local p
    for p in "${!CPU0[@]}"; do before[$p]=${CPU0[$p]}; done
    cpu_snapshot
    local ticks=0
    for p in "${!CPU0[@]}"; do ticks=$((ticks + CPU0[$p] - ${before[$p]:-0})); done
    awk -v t="$ticks" -v hz="$HZ" 'BEGIN { printf "%.3f", t / hz }'
}

# ---------------------------------------------------------------- iperf3 TCP runs, server CPU per GB

iperf() {          # iperf() NAME ARGS… : runs the client in $CLI, output in $LOGS/$SERVER-NAME.txt
    local name=$1; shift
    local out="$LOGS/$SERVER-$name.txt"
    timeout $((DURATION + 30)) ip netns exec "$CLI" iperf3 -c "$TARGET" -f m "$@" > "$out" 2>&1
    grep -E ' receiver$' "$out" | tail -1
}

transfer_mbytes() { # the Transfer column of an iperf3 summary line in MBytes, whatever unit iperf3 chose
    echo "$1" | awk '{for (i = 1; i <= NF; i++) {
        if ($i == "KBytes") { print $(i - 1) / 1024; exit }
        if ($i == "MBytes") { print $(i - 1); exit }
        if ($i == "GBytes") { print $(i - 1) * 1024; exit } }}'
}

IPERF_PID=
start_iperf_server() { # iperf3 -s beside the tunnel's far end, for the server now running
    ip netns exec "$SRV" iperf3 -s -p 5201 > "$LOGS/$SERVER-iperf3-server.txt" 2>&1 &
    IPERF_PID=$!; PIDS+=("$IPERF_PID")
    sleep 0.5
}
stop_iperf_server() {
    kill "$IPERF_PID" 2>/dev/null; wait "$IPERF_PID" 2>/dev/null
}
warm_up() {        # a short run that counts nowhere: lets a JIT settle (costs a native server nothing)
    timeout 20 ip netns exec "$CLI" iperf3 -c "$TARGET" -t 2 > "$LOGS/$SERVER-warmup.txt" 2>&1
}

tcp_run() {        # tcp_run NAME [-R]
    local name=$1; shift
    cpu_snapshot
    local line; line=$(iperf "$name" -t "$DURATION" "$@")
    local cpu; cpu=$(cpu_since)
    [ -n "$line" ] || { log "$SERVER $name: no iperf3 result (see $LOGS/$SERVER-$name.txt)"; return 1; }
    # [  5]   0.00-10.04  sec   679 MBytes   567 Mbits/sec                  receiver
    local mbytes mbits
    mbytes=$(transfer_mbytes "$line")
    mbits=$(echo "$line" | awk '{for (i = 1; i <= NF; i++) if ($i == "Mbits/sec") print $(i - 1)}')
    RESULT[$SERVER:$name.mbit]=$mbits
    RESULT[$SERVER:$name.cpu]=$cpu
    RESULT[$SERVER:$name.bytes]=$(awk -v m="$mbytes" 'BEGIN { printf "%.0f", m * 1048576 }')
    RESULT[$SERVER:$name.cpugb]=$(awk -v c="$cpu" -v m="$mbytes" 'BEGIN { if (m > 0) printf "%.2f", c / (m * 1048576 / 1e9); else print "n/a" }')
}

# ---------------------------------------------------------------- the client

OC_PID=
connect_client() { # connect_client PIN URL [cold]: with cold, no ping goes through before the caller's
    local args=(--protocol=anyconnect --non-inter --passwd-on-stdin --user demo --servercert "$1"
                --script "bash $SCRIPT" --interface hdtun0)
    [ "$MODE" = tls ] && args+=(--no-dtls)
    echo demo-secret | HDIT_ENV_LOG="$LOGS/$SERVER-script-env.txt" \
        ip netns exec "$CLI" openconnect "${args[@]}" "$2" > "$LOGS/$SERVER-openconnect.txt" 2>&1 &
    OC_PID=$!; PIDS+=("$OC_PID")
    local i
    for i in $(seq 1 300); do
        if grep -q 'Configured as' "$LOGS/$SERVER-openconnect.txt"; then break; fi
        kill -0 "$OC_PID" 2>/dev/null || { log "$SERVER: openconnect exited (see $LOGS/$SERVER-openconnect.txt)"; return 1; }
        sleep 0.1
    done
    grep -q 'Configured as' "$LOGS/$SERVER-openconnect.txt" || { log "$SERVER: no tunnel within 30 s"; return 1; }
    if [ "$MODE" = dtls ]; then
        for i in $(seq 1 100); do grep -q 'DTLS connected\|Established DTLS' "$LOGS/$SERVER-openconnect.txt" && break; sleep 0.1; done
        grep -q 'DTLS connected\|Established DTLS' "$LOGS/$SERVER-openconnect.txt" || log "$SERVER: DTLS did not come up; measuring over TLS"
    fi
    RESULT[$SERVER:mtu]=$(sed -n 's/^INTERNAL_IP4_MTU=//p' "$LOGS/$SERVER-script-env.txt" | tail -1)
    # the client's script sets the route after "Configured as" (on a loaded machine, seconds after): wait for it
    # without a ping through the tunnel
    for i in $(seq 1 100); do ip -n "$CLI" route get "$TARGET" 2>/dev/null | grep -q hdtun0 && break; sleep 0.1; done
    [ "${3:-}" = cold ] && return 0
    # the tunnel's far end must be there
    ip netns exec "$CLI" ping -c 3 -i 0.2 -W 2 "$TARGET" > /dev/null || { log "$SERVER: $TARGET unreachable through the tunnel"; return 1; }
}

disconnect_client() {
    [ -n "$OC_PID" ] && kill -TERM "$OC_PID" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$OC_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$OC_PID" 2>/dev/null; OC_PID=
}

# ---------------------------------------------------------------- headend (the caller writes $LOGS/headend.conf)

AOT_OPTS=          # more JVM options for the next start (side-by-side --aot: the training's or the cache's)
bench_headend_config() { # bench_headend_config MTU: the startup-config of the headend under test on this topology
    cat <<EOC
hostname headend
interface veth-srv
 nameif outside
 ip address $SERVER_ADDR 255.255.255.0
ip local pool POOL 192.168.100.10-192.168.100.250 mask 255.255.255.0
username demo password demo-secret
group-policy GP internal
group-policy GP attributes
 vpn-tunnel-protocol ssl-client
 webvpn
  anyconnect ssl keepalive 20
  anyconnect dpd-interval gateway 30
  anyconnect dpd-interval client 30
  anyconnect mtu $1
tunnel-group DefaultWEBVPNGroup general-attributes
 address-pool POOL
 default-group-policy GP
webvpn
 enable outside
 port 443
 anyconnect enable
EOC
}

start_headend() {
    local launched; launched=$(date +%s%N)
    HEADEND_JAVA_OPTS="${HEADEND_JAVA_OPTS:-} $AOT_OPTS" launch_headend "$SRV" "$LOGS/headend.conf" "$LOGS/headend-state"
    local started=$?
    SPID=$HEADEND_PID
    if [ $started != 0 ]; then
        log "headend did not print how to connect (see $LOGS/headend-stdout.txt, headend-stderr.txt)"
        kill -TERM "$SPID" 2>/dev/null; return 1
    fi
    STARTUP_MS=$(( ($(date +%s%N) - launched) / 1000000 ))   # launch to "how to connect"
    # no connection here: the cold series' client must be the first to reach the appliance
}

stop_headend() {
    kill -TERM "$SPID" 2>/dev/null
    # a training run (-XX:AOTCacheOutput) writes its AOT cache on the way out: give it time
    local tenths=100
    case "${HEADEND_JAVA_OPTS:-} $AOT_OPTS" in *AOTCacheOutput*) tenths=1200 ;; esac
    for _ in $(seq 1 $tenths); do kill -0 "$SPID" 2>/dev/null || break; sleep 0.1; done
    kill_ns_pids "$SRV"
    exec 9>&-
}

# ---------------------------------------------------------------- report cells

fmt() { [ -n "${1:-}" ] && echo "$1" || echo "n/a"; }
ratio() {          # ratio A B: A / B to two places, n/a where either is missing or B is 0
    awk -v a="${1:-}" -v b="${2:-}" 'BEGIN { if (a == "" || b == "" || a == "n/a" || b == "n/a" || b + 0 == 0) print "n/a"; else printf "%.2f", a / b }'
}
