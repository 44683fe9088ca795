#!/usr/bin/env bash
# cluster-loadgen.sh — logins/s and setup p99 of one headend alone, a cluster of 1 and a cluster of 3 on a real
# 3-member etcd, driven by ./loadgen (one generator per member, in that member's client namespace, each with its
# share of the sessions and of the rate). Same topology as cluster-demo.sh:
#
#   [$P-c1 10.77.0.2] ── [$P-m1 10.77.0.1 | cl0 192.0.2.21] ─┐
#   [$P-c2 10.77.0.2] ── [$P-m2 10.77.0.1 | cl0 192.0.2.22] ─┼── [$P-etcd  br-cl: etcd 192.0.2.11, .12, .13]
#   [$P-c3 10.77.0.2] ── [$P-m3 10.77.0.1 | cl0 192.0.2.23] ─┘
#
# Each member has a pool of its own (as the ASA asks), so address claims rarely collide; every login still writes
# its session and claims its address in etcd before the client hears of it. Tunnels on TLS only (--dtls off), no
# pings: the figure is the login path (TLS, aggregate auth, CONNECT with the cluster's claim).
#
# Usage (root): perf/scripts/cluster-loadgen.sh [--sessions 120] [--rate 30] [--runs "0 1 3"]
#   --runs  what to measure: 0 = one headend without vpn load-balancing (no etcd), N = a cluster of N members
# Prints one line per run: members, sessions up/failed, logins/s achieved (all generators together), setup p50/p99
# from the actual start (worst member), and the machine's load average. Everything is removed on exit.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
P=hdlg$$
SESSIONS=120
RATE=30
RUNS="0 1 3"
PASSWORD=loadgen-secret
while [ $# -gt 0 ]; do
    case "$1" in
        --sessions) SESSIONS=$2; shift 2 ;;
        --rate) RATE=$2; shift 2 ;;
        --runs) RUNS=$2; shift 2 ;;
        *) echo "usage: $0 [--sessions N] [--rate R] [--runs \"0 1 3\"]" >&2; exit 2 ;;
    esac
done
WORK=$(mktemp -d /tmp/cluster-loadgen.XXXXXX)
chmod 755 "$WORK"  # the appliance drops to the user headend, which must reach its state directory
PIDS=()
NSES=()
log() { echo "cluster-loadgen: $*" >&2; }

stop_all() {
    local p ns
    for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    sleep 1
    for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
    for ns in "${NSES[@]}"; do
        for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
        ip netns del "$ns" 2>/dev/null || true
    done
    PIDS=()
    NSES=()
}
trap 'stop_all; rm -rf "$WORK"' EXIT

[ "$(id -u)" = 0 ] || { log "run as root (network namespaces)"; exit 2; }
for pair in etcd:etcd-server etcdctl:etcd-client python3:python3; do
    command -v "${pair%%:*}" >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${pair#*:}"
done
export JAVA_HOME=${HEADEND_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
(cd "$REPO" && PATH="$JAVA_HOME/bin:$PATH" mvn -B -q -o -DskipTests -DskipITs package -pl perf,control -am) >&2

# one salted PBKDF2 hash (the headend's own form) for every user: the configurations load quickly
HASH=$(python3 -c 'import hashlib, base64, os, sys
s = os.urandom(16); h = hashlib.pbkdf2_hmac("sha512", sys.argv[1].encode(), s, 5000, 32)
b = lambda x: base64.b64encode(x).decode().rstrip("=")
print("$sha512$5000$" + b(s) + "$" + b(h))' "$PASSWORD")
USERS=$(for i in $(seq 1 "$SESSIONS"); do echo "username user$i password $HASH pbkdf2"; done)
json() { python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): d = d.get(k) if isinstance(d, dict) else None
print(0 if d is None else d)' "$1" "$2"; }
addns() { ip netns add "$1"; NSES+=("$1"); ip -n "$1" link set lo up; }
ENDPOINTS="http://192.0.2.11:2379 http://192.0.2.12:2379 http://192.0.2.13:2379"

start_etcd() {
    local i initial=
    addns "$P-etcd"
    ip -n "$P-etcd" link add br-cl type bridge && ip -n "$P-etcd" link set br-cl up
    for i in 1 2 3; do
        ip -n "$P-etcd" addr add 192.0.2.1$i/24 dev br-cl
        initial+="${initial:+,}e$i=http://192.0.2.1$i:2380"
    done
    for i in 1 2 3; do
        rm -rf "$WORK/e$i"
        ip netns exec "$P-etcd" etcd --logger=zap --log-level=warn --name e$i --data-dir "$WORK/e$i" \
            --listen-client-urls http://192.0.2.1$i:2379 --advertise-client-urls http://192.0.2.1$i:2379 \
            --listen-peer-urls http://192.0.2.1$i:2380 --initial-advertise-peer-urls http://192.0.2.1$i:2380 \
            --initial-cluster "$initial" --initial-cluster-token "$P" --initial-cluster-state new \
            --pre-vote=true >"$WORK/etcd$i.log" 2>&1 &
        PIDS+=($!)
    done
    for _ in $(seq 100); do
        ip netns exec "$P-etcd" etcdctl --endpoints "${ENDPOINTS// /,}" endpoint health >/dev/null 2>&1 && return
        sleep 0.3
    done
    log "etcd did not become healthy"; exit 1
}

start_member() {   # start_member I CLUSTERED
    local i=$1 clustered=$2
    addns "$P-m$i"; addns "$P-c$i"
    ip -n "$P-m$i" link add veth-srv type veth peer name eth0 netns "$P-c$i"
    ip -n "$P-m$i" addr add 10.77.0.1/24 dev veth-srv && ip -n "$P-m$i" link set veth-srv up
    ip -n "$P-c$i" addr add 10.77.0.2/24 dev eth0 && ip -n "$P-c$i" link set eth0 up
    if [ "$clustered" = 1 ]; then
        ip -n "$P-etcd" link add cl$i type veth peer name cl0 netns "$P-m$i"
        ip -n "$P-etcd" link set cl$i master br-cl up
        ip -n "$P-m$i" addr add 192.0.2.2$i/24 dev cl0 && ip -n "$P-m$i" link set cl0 up
    fi
    rm -rf "$WORK/m$i" && mkdir -p "$WORK/m$i"
    {
        cat <<CONF
hostname member-$i
interface veth-srv
 nameif outside
 ip address 10.77.0.1 255.255.255.0
ip local pool POOL 10.$((100 + i)).0.10-10.$((100 + i)).0.250 mask 255.255.255.0
$USERS
tunnel-group DefaultWEBVPNGroup general-attributes
 address-pool POOL
webvpn
 enable outside
 anyconnect enable
CONF
        if [ "$clustered" = 1 ]; then
            cat <<CONF
vpn load-balancing
 cluster key loadgen-cluster-key
 cluster etcd-endpoints $ENDPOINTS
 priority $((10 - i))
 participate
CONF
        fi
    } >"$WORK/m$i/startup-config"
    # the console stays open on a pipe that never ends
    (tail -f /dev/null | ip netns exec "$P-m$i" "$REPO/headend" --config "$WORK/m$i/startup-config" \
        --state-dir "$WORK/m$i/state" >"$WORK/m$i/out.log" 2>&1) &
    PIDS+=($!)
}
pin() { grep -o -m1 'pin-sha256:[A-Za-z0-9+/=]*' "$WORK/m$1/out.log" 2>/dev/null || true; }

echo "members sessions_up failed logins_per_s setup_p50_ms setup_p99_ms load_avg"
for run in $RUNS; do
    n=$((run == 0 ? 1 : run))
    [ "$run" -gt 0 ] && start_etcd
    for i in $(seq 1 "$n"); do start_member "$i" $((run > 0 ? 1 : 0)); done
    for i in $(seq 1 "$n"); do
        for _ in $(seq 360); do [ -n "$(pin "$i")" ] && break; sleep 0.5; done
        [ -n "$(pin "$i")" ] || { log "member $i did not start:"; tail -30 "$WORK/m$i/out.log"; exit 1; }
    done
    per=$((SESSIONS / n))
    GENS=()
    for i in $(seq 1 "$n"); do
        (cd "$REPO" && LOADGEN_NO_BUILD=1 ip netns exec "$P-c$i" ./loadgen --server https://10.77.0.1/ \
            --servercert "$(pin "$i")" --user-pattern 'user%d' --first-user $(((i - 1) * per + 1)) \
            --password "$PASSWORD" --sessions "$per" --rate "$(python3 -c "print($RATE / $n)")" --dtls off \
            --ping-interval 0 --hold 2 --max-inflight 32 --quiet --out "$WORK/run$run-m$i") \
            >"$WORK/run$run-m$i.out" 2>"$WORK/run$run-m$i.err" &
        GENS+=($!)
    done
    for g in "${GENS[@]}"; do wait "$g" || true; done
    up=0; failed=0; rate=0; p50=0; p99=0
    for i in $(seq 1 "$n"); do
        s="$WORK/run$run-m$i/summary.json"
        [ -f "$s" ] || { log "run $run member $i: no summary"; tail -5 "$WORK/run$run-m$i.err" >&2; continue; }
        up=$((up + $(json "$s" setup.up_at_hold)))
        failed=$((failed + $(json "$s" setup.failures)))
        rate=$(python3 -c "print(round($rate + $(json "$s" setup.achieved_setup_rate_per_s), 1))")
        p50=$(python3 -c "print(max($p50, $(json "$s" latency_ms.setup_service.p50)))")
        p99=$(python3 -c "print(max($p99, $(json "$s" latency_ms.setup_service.p99)))")
    done
    echo "$( [ "$run" = 0 ] && echo "1-alone" || echo "$run-cluster") $up $failed $rate $p50 $p99 $(cut -d' ' -f1 /proc/loadavg)"
    stop_all
done
