#!/usr/bin/env bash
# cluster-failover.sh — issue 17's benchmark with ./loadgen: logins/s on one member and on a cluster of three, and
# the failover time of a member killed with -9 (from the kill until every one of its sessions is up again on another
# member, with the same address and its cookie alone), against a real 3-member etcd. Members and client share one
# public subnet (the etcd bridge, as ClusterIT has it), so one generator reaches every member and the director:
#
#   [$P-m1 cl0 192.0.2.21] ─┐
#   [$P-m2 cl0 192.0.2.22] ─┼─ [$P-etcd br-cl: etcd $P-e1..3 192.0.2.11-13, cluster address .100] ─ [$P-pub ./loadgen]
#   [$P-m3 cl0 192.0.2.23] ─┘                                                                  192.0.2.150-189
#
# Runs, in order:
#   1-alone    one headend without vpn load-balancing (no etcd): logins/s; then kill -9 and restart it: do its
#              sessions come back from its own session store (state directory)?
#   1-cluster  a cluster of one member: the same, its sessions read back from etcd at the restart
#   3-cluster  three members: logins/s with the generator spread over them, and through the director (every login to
#              the cluster address, the redirect followed as openconnect does); then sessions spread over the three,
#              kill -9 of member 2, and its sessions reconnect with their cookies, each try on the next member
#              (what a client sees once member 2's address moved to a survivor: the product has no floating member
#              addresses yet, so the generator moves, see --reconnect-on-loss in ./loadgen --help)
# Every member hands out the same pool (as in ClusterIT): an adopting member can only take a session over with an
# address of a pool of its own, and the cluster's claims keep the addresses unique.
#
# Usage (root): perf/scripts/cluster-failover.sh [--logins 300] [--login-rate 100] [--sessions 300] [--rate 30]
#                                                [--runs "1-alone 1-cluster 3-cluster"] [--keep]
#   --keep  leave the work directory (members' logs, generator summaries) and print where it is
# Prints one table; the figures of a machine shared with other work are upper bounds for the times, lower bounds for
# the rates. Everything (processes, namespaces, temporary files) is removed on exit.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
P=hdfo$$
LOGINS=300
LOGIN_RATE=100
SESSIONS=300
RATE=30
RUNS="1-alone 1-cluster 3-cluster"
KEEP=0
PASSWORD=loadgen-secret
TARGET=10.100.0.1        # every member's own inside address in the pool's network: the pings' target
KILLED=2                 # the member killed in the 3-member run
. "$REPO/perf/scripts/cluster-lib.sh"
. "$REPO/perf/scripts/lib/loadgen-bench.sh"
while [ $# -gt 0 ]; do
    case "$1" in
        --logins) LOGINS=$2; shift 2 ;;
        --login-rate) LOGIN_RATE=$2; shift 2 ;;
        --sessions) SESSIONS=$2; shift 2 ;;
        --rate) RATE=$2; shift 2 ;;
        --runs) RUNS=$2; shift 2 ;;
        --keep) KEEP=1; shift ;;
        -h|--help) cl_usage; exit 0 ;;
        *) cl_usage >&2; exit 2 ;;
    esac
done
cl_prepare cluster-failover

MAX_USERS=$((LOGINS > SESSIONS ? LOGINS : SESSIONS))
USERS=$(headend_users "$PASSWORD" "$MAX_USERS")
calc() { python3 -c "print($1)"; }
url() { echo "https://192.0.2.2$1/"; }

# member I's configuration: CLUSTERED=1 adds vpn load-balancing on the etcd cluster
write_config() {
    local i=$1 clustered=$2
    mkdir -p "$WORK/m$i"
    {
        cat <<CONF
hostname member-$i
interface veth-srv
 nameif outside
 ip address 10.77.0.1 255.255.255.0
interface cl0
 nameif cluster
 ip address 192.0.2.2$i 255.255.255.0
ip local pool POOL 10.100.0.10-10.100.3.250 mask 255.255.252.0
$USERS
tunnel-group DefaultWEBVPNGroup general-attributes
 address-pool POOL
webvpn
 enable outside
 enable cluster
 anyconnect enable
CONF
        if [ "$clustered" = 1 ]; then
            cat <<CONF
vpn load-balancing
 cluster ip address 192.0.2.100
 cluster key failover-cluster-key
 cluster etcd-endpoints $ENDPOINTS
 priority $((10 - i))
 nat 192.0.2.2$i
 participate
CONF
        fi
    } >"$WORK/m$i/startup-config"
}

# starts member I's headend; its end (kill -9 here) is no news for the shell to print
start_member() { cl_start_headend "$1"; disown; }

# waits until member I printed its certificate pin (it serves), at most 180 s; prints the seconds it took
await_member() {
    local i=$1 t0 n
    t0=$(date +%s.%N)
    for n in $(seq 360); do [ -n "$(cl_pin "$i")" ] && break; sleep 0.5; done
    [ -n "$(cl_pin "$i")" ] || { log "member $i did not start:"; tail -30 "$WORK/m$i/out.log" >&2; exit 1; }
    calc "round($(date +%s.%N) - $t0, 1)"
}

# runs ./loadgen in the client namespace, in the background (GEN = its pid): NAME then its options
start_loadgen() {
    local name=$1
    shift
    (cd "$REPO" && LOADGEN_NO_BUILD=1 ip netns exec "$P-pub" ./loadgen --user-pattern 'user%d' \
        --password "$PASSWORD" --source 192.0.2.150-189 --max-inflight 32 --quiet --out "$WORK/$name" "$@") \
        >"$WORK/$name.out" 2>"$WORK/$name.err" &
    GEN=$!
}

# logins/s: LOGINS fresh logins offered at LOGIN_RATE, each tunnel up once (TLS, aggregate auth with the password,
# CONNECT with the cluster's address claim; no DTLS, no pings), then logged off; prints a table row
logins() {
    local name=$1 servers=$2 s
    [ "$LOGINS" -gt 0 ] || return 0  # --logins 0: failover only
    start_loadgen "logins $name" --server "$servers" --sessions "$LOGINS" --rate "$LOGIN_RATE" --dtls off \
        --ping-interval 0 --hold 1 --duration 300
    wait "$GEN" || true
    s="$WORK/logins $name/summary.json"
    [ -f "$s" ] || { log "$name: no summary"; tail -5 "$WORK/logins $name.err" >&2; return; }
    [ "$(json "$s" setup.failures 0)" = 0 ] || log "logins $name: failures $(json "$s" setup.failures_by_reason)"
    printf '%-28s %6s %6s %9s %9s %9s %9s\n' "$name" "$(json "$s" setup.established)" "$(json "$s" setup.failures)" \
        "$(json "$s" setup.achieved_setup_rate_per_s)" "$(json "$s" latency_ms.setup_service.p50)" \
        "$(json "$s" latency_ms.setup_service.p99)" "$(cut -d' ' -f1 /proc/loadavg)" >>"$WORK/logins.table"
}

# sessions by owning member in etcd now, e.g. "member-1:100 member-3:200"
owners() {
    ip netns exec "$P-etcd" etcdctl --endpoints "${ENDPOINTS// /,}" get --prefix /vpn/ -w json 2>/dev/null \
        | python3 -c 'import base64, collections, json, sys
c = collections.Counter()
for kv in json.load(sys.stdin).get("kvs", []):
    key = base64.b64decode(kv["key"]).decode().split("/")
    if len(key) >= 5 and key[3] == "sessions":
        c[json.loads(base64.b64decode(kv["value"])).get("owner")] += 1
print(" ".join(f"{k}:{v}" for k, v in sorted(c.items())) or "none")'
}

# failover: N sessions held with pings (DTLS on, as openconnect), kill -9 of member VICTIM once all are up; with
# RESTART=1 the member is started again at once (a lone member has nobody else). The generator reconnects every lost
# tunnel with its cookie (every second, on the next member) until the run ends. Prints a table row.
failover() {
    local name=$1 servers=$2 victim=$3 restart=$4 n=$5 hold=$6 s kill_ms restart_s=- lost back failed after=-
    start_loadgen "$name" --server "$servers" --sessions "$n" --rate "$RATE" --ping-interval 1000 \
        --ping-target "$TARGET" --reconnect-on-loss on --hold "$hold" --duration 600
    for _ in $(seq 600); do grep -q '^LOADGEN SETTLED' "$WORK/$name.out" 2>/dev/null && break; sleep 0.5; done
    grep -q '^LOADGEN SETTLED' "$WORK/$name.out" || { log "$name: the sessions never settled"; return; }
    log "$name: $(grep -m1 '^LOADGEN SETTLED' "$WORK/$name.out"); owners in etcd: $( [ "$name" = 1-alone ] \
        && echo - || owners)"
    sleep 5
    kill_ms=$(date +%s%3N)
    cl_kill_member "$victim"
    log "$name: member $victim killed (-9)"
    if [ "$restart" = 1 ]; then
        sleep 1
        start_member "$victim"
        restart_s=$(await_member "$victim")
        log "$name: member $victim serves again $restart_s s after its start"
    fi
    # who owns the sessions in etcd a minute after the kill (the generator still holds them then)
    while [ $(($(date +%s%3N) - kill_ms)) -lt 60000 ]; do sleep 0.5; done
    [ "$name" = 1-alone ] || after=$(owners)
    wait "$GEN" || true
    s="$WORK/$name/summary.json"
    [ -f "$s" ] || { log "$name: no summary"; tail -5 "$WORK/$name.err" >&2; return; }
    lost=$(json "$s" setup.tunnels_lost)
    back=$(json "$s" setup.last_back_epoch_ms 0)
    failed=$(json "$s" setup.failures 0)
    printf '%-12s %5s %5s %5s %6s %7s %9s %9s %7s %6s %s\n' "$name" "$(json "$s" setup.up_at_hold)" "$lost" \
        "$(json "$s" setup.reconnected)" "$failed" \
        "$( [ "$back" = 0 ] && echo - || calc "round(($back - $kill_ms) / 1000, 2)")" \
        "$(json "$s" latency_ms.reconnect.p50)" "$(json "$s" latency_ms.reconnect.max)" "$restart_s" \
        "$(json "$s" traffic.loss_pct)" "$after" >>"$WORK/failover.table"
    if [ "$failed" != 0 ]; then
        log "$name: failures $(python3 -c 'import json, sys
print(json.load(open(sys.argv[1]))["setup"]["failures_by_reason"])' "$s")"
    fi
}

cl_start_etcd
cl_client_net 150 189
for i in 1 2 3; do cl_member_net "$i" 1; done
: >"$WORK/logins.table"
: >"$WORK/failover.table"
for run in $RUNS; do
    case "$run" in
        1-alone|1-cluster)
            write_config 1 "$( [ "$run" = 1-cluster ] && echo 1 || echo 0)"
            start_member 1
            log "$run: member 1 serves after $(await_member 1) s"
            logins "$run" "$(url 1)"
            failover "$run" "$(url 1)" 1 1 $((SESSIONS / 3)) 120
            cl_kill_member 1
            rm -rf "$WORK/m1"
            ;;
        3-cluster)
            for i in 1 2 3; do write_config "$i" 1; start_member "$i"; done
            for i in 1 2 3; do log "$run: member $i serves after $(await_member "$i") s"; done
            logins "3-cluster spread" "$(url 1),$(url 2),$(url 3)"
            logins "3-cluster via director" "https://192.0.2.100/"
            failover "3-cluster" "$(url 1),$(url 2),$(url 3)" "$KILLED" 0 "$SESSIONS" 80
            for i in 1 2 3; do cl_kill_member "$i"; done
            ;;
        *) log "unknown run $run"; exit 2 ;;
    esac
done

echo "logins/s: $LOGINS fresh logins offered at $LOGIN_RATE/s (at most 32 in flight), TLS + aggregate auth +"
echo "CONNECT with the cluster's address claim, no DTLS; setup from the actual start, ms"
printf '%-28s %6s %6s %9s %9s %9s %9s\n' run up failed logins/s p50_ms p99_ms load
cat "$WORK/logins.table"
echo
echo "failover: sessions held with DTLS and 1 ping/s each; one member killed with -9 once all were up (1-member runs:"
echo "restarted at once); back_s = from the kill until the last lost tunnel was up again with its cookie and the same"
echo "address (the generator fails a session whose address changed); rec_* from each loss, ms; start_s until the"
echo "restarted member said it is up; owners = sessions by member in etcd 60 s after the kill"
printf '%-12s %5s %5s %5s %6s %7s %9s %9s %7s %6s %s\n' run up lost back failed back_s rec_p50 rec_max start_s loss% \
    owners
cat "$WORK/failover.table"
