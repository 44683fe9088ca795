#!/usr/bin/env bash
# cluster-loadgen.sh — logins/s and setup p99 of one headend alone, a cluster of 1 and a cluster of 3 on a real
# 3-member etcd, driven by ./loadgen (one generator per member, in that member's client namespace, each with its
# share of the sessions and of the rate). Same topology as cluster-demo.sh:
#
#   [$P-c1 10.77.0.2] ── [$P-m1 10.77.0.1 | cl0 192.0.2.21] ─┐
#   [$P-c2 10.77.0.2] ── [$P-m2 10.77.0.1 | cl0 192.0.2.22] ─┼── [$P-etcd br-cl: etcd $P-e1..3, 192.0.2.11-13]
#   [$P-c3 10.77.0.2] ── [$P-m3 10.77.0.1 | cl0 192.0.2.23] ─┘
#
# Each member has a pool of its own (as the ASA asks), so address claims rarely collide; every login still writes
# its session and claims its address in etcd before the client hears of it. Tunnels on TLS only (--dtls off), no
# pings: the figure is the login path (TLS, aggregate auth, CONNECT with the cluster's claim).
#
# Usage (root): perf/scripts/cluster-loadgen.sh [--sessions 120] [--rate 30] [--runs "0 1 3"] [--nemesis]
#   --runs     what to measure: 0 = one headend without vpn load-balancing (no etcd), N = a cluster of N members
#   --nemesis  (cluster runs; cluster-jepsen.sh) hold the sessions 30 s with churn (1 logoff and login again per s
#              per generator) and a reconnect storm at 10 s, while etcd members are killed (-9) in turn every few
#              seconds and restarted; then check etcd's final state: no address held by two sessions, none held for
#              a session that is gone, every session's address held for it; and no reconnect changed an address
# Prints one line per run: members, sessions up/failed, logins/s achieved (all generators together), setup p50/p99
# from the actual start (worst member), and the machine's load average. Everything is removed on exit.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
P=hdlg$$
SESSIONS=120
RATE=30
RUNS="0 1 3"
NEMESIS=0
VIOLATIONS=0
PASSWORD=loadgen-secret
. "$REPO/perf/scripts/cluster-lib.sh"
. "$REPO/perf/scripts/lib/loadgen-bench.sh"
while [ $# -gt 0 ]; do
    case "$1" in
        --sessions) SESSIONS=$2; shift 2 ;;
        --rate) RATE=$2; shift 2 ;;
        --runs) RUNS=$2; shift 2 ;;
        --nemesis) NEMESIS=1; shift ;;
        -h|--help) cl_usage; exit 0 ;;
        *) cl_usage >&2; exit 2 ;;
    esac
done
cl_prepare cluster-loadgen

# one salted PBKDF2 hash (the headend's own form) for every user: the configurations load quickly
USERS=$(headend_users "$PASSWORD" "$SESSIONS")

start_member() {   # start_member I CLUSTERED
    local i=$1 clustered=$2
    cl_member_net "$i" "$clustered"
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
    cl_start_headend "$i"
}

# kills etcd member 1, 2, 3, 1, … (-9) every 4 s and restarts it 3 s later, until $WORK/stop-nemesis exists
nemesis() {
    local k=1 kills=0
    while [ ! -e "$WORK/stop-nemesis" ]; do
        sleep 4
        [ -e "$WORK/stop-nemesis" ] && break
        kill -KILL "${ETCD_PID[$k]}" 2>/dev/null || true
        kills=$((kills + 1))
        sleep 3
        cl_start_etcd_member "$k"
        k=$((k % 3 + 1))
    done
    echo "$kills" >"$WORK/nemesis-kills"
}

# etcd's final state against the invariants (see --nemesis); prints one line, fails on a violation
check_etcd() {
    cl_etcd_state "$WORK/final.json" || { log "etcd's final state could not be read after the nemesis"; return 1; }
    python3 "$REPO/perf/scripts/lib/jepsen_check.py" --etcd "$WORK/final.json"
}

echo "members sessions_up failed logins_per_s setup_p50_ms setup_p99_ms load_avg"
for run in $RUNS; do
    n=$((run == 0 ? 1 : run))
    [ "$run" -gt 0 ] && cl_start_etcd
    for i in $(seq 1 "$n"); do start_member "$i" $((run > 0 ? 1 : 0)); done
    for i in $(seq 1 "$n"); do
        for _ in $(seq 360); do [ -n "$(cl_pin "$i")" ] && break; sleep 0.5; done
        [ -n "$(cl_pin "$i")" ] || { log "member $i did not start:"; tail -30 "$WORK/m$i/out.log"; exit 1; }
    done
    per=$((SESSIONS / n))
    hold=(--hold 2)
    [ "$NEMESIS" = 1 ] && [ "$run" -gt 0 ] && hold=(--hold 30 --churn 1 --storm-at 10 --duration 300)
    GENS=()
    for i in $(seq 1 "$n"); do
        (cd "$REPO" && LOADGEN_NO_BUILD=1 ip netns exec "$P-c$i" ./loadgen --server https://10.77.0.1/ \
            --servercert "$(cl_pin "$i")" --user-pattern 'user%d' --first-user $(((i - 1) * per + 1)) \
            --password "$PASSWORD" --sessions "$per" --rate "$(python3 -c "print($RATE / $n)")" --dtls off \
            --ping-interval 0 "${hold[@]}" --max-inflight 32 --quiet --out "$WORK/run$run-m$i") \
            >"$WORK/run$run-m$i.out" 2>"$WORK/run$run-m$i.err" &
        GENS+=($!)
    done
    if [ "$NEMESIS" = 1 ] && [ "$run" -gt 0 ]; then
        rm -f "$WORK/stop-nemesis"
        nemesis &
        NEMESIS_PID=$!
    fi
    for g in "${GENS[@]}"; do wait "$g" || true; done
    if [ "$NEMESIS" = 1 ] && [ "$run" -gt 0 ]; then
        touch "$WORK/stop-nemesis"
        wait "$NEMESIS_PID" || true
        changed=0
        for i in $(seq 1 "$n"); do
            s="$WORK/run$run-m$i/summary.json"
            [ -f "$s" ] && changed=$((changed + $(json "$s" setup.failures_by_reason.reconnect_address_changed 0)))
        done
        verdict=ok
        check_etcd || verdict=VIOLATION
        [ "$changed" = 0 ] || verdict=VIOLATION
        [ "$verdict" = ok ] || VIOLATIONS=1
        echo "nemesis: $(cat "$WORK/nemesis-kills" 2>/dev/null || echo 0) etcd member kills (-9, restarted 3 s later);" \
            "reconnects whose address changed $changed; $verdict"
    fi
    up=0; failed=0; rate=0; p50=0; p99=0
    for i in $(seq 1 "$n"); do
        s="$WORK/run$run-m$i/summary.json"
        [ -f "$s" ] || { log "run $run member $i: no summary"; tail -5 "$WORK/run$run-m$i.err" >&2; continue; }
        up=$((up + $(json "$s" setup.up_at_hold 0)))
        failed=$((failed + $(json "$s" setup.failures 0)))
        rate=$(python3 -c "print(round($rate + $(json "$s" setup.achieved_setup_rate_per_s 0), 1))")
        p50=$(python3 -c "print(max($p50, $(json "$s" latency_ms.setup_service.p50 0)))")
        p99=$(python3 -c "print(max($p99, $(json "$s" latency_ms.setup_service.p99 0)))")
    done
    echo "$( [ "$run" = 0 ] && echo "1-alone" || echo "$run-cluster") $up $failed $rate $p50 $p99 $(cut -d' ' -f1 /proc/loadavg)"
    cl_stop_all
done
exit "$VIOLATIONS"
