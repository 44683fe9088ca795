#!/usr/bin/env bash
# cluster-jepsen.sh — a bounded Jepsen-style run: three headends on a real 3-member etcd, all handing out ONE shared
# pool (so that only etcd's compare-and-swap keeps an address from two sessions), under the load generator with
# churn (logoffs and new logins) and sessions moving between members (--move: a client leaves its member without a
# word and comes back with its cookie on the next one), while a seeded nemesis in turn
#   - kills a headend member (-9) and restarts it (its clients come back with their cookies: the restart path),
#   - cuts a headend member off from etcd with nft for 14 s (it fences itself; its clients come back once healed),
#   - kills an etcd member (-9) and restarts it,
#   - cuts an etcd member off from its peers with nft for 10 s (the two others keep the quorum: no headend fences).
# Topology: member N in $P-mN serves on cl0 192.0.2.2N; etcd member I in $P-eI (192.0.2.1I); the three generators
# in $P-pub (192.0.2.150-179), each with every member in its --server list, so that logins, losses and moves spread.
#
# Each generator writes a history (--history: for every session, named by a digest of its cookie: up with its
# address and member, down, logoff with the cookie, the server's close after the logoff, refused); the nemesis
# writes its own. Afterwards, with everything healed and every member up, the checker (lib/jepsen_check.py) prints
# figures (moves between members and how long they took) and:
#   I1 no address was held by two sessions at once (a session holds its address from its first tunnel up to its
#      last sign of life);
#   I2 no session lost its address while it lived: every reconnect (after a loss or a move) got the same address,
#      no cookie that was never logged off was refused, and no session was left without its tunnel;
#   I3 every logged-off cookie is refused by every member: each is tried again (CONNECT) on each of the three;
#   and etcd's final state: no address held for two sessions, every session's address held for it.
# Exit status 1 on a violation.
#
# Usage (root): perf/scripts/cluster-jepsen.sh [--sessions 30] [--rate 3] [--hold 240] [--churn 0.1] [--move 0.3]
#               [--seed N] [--keep]   (--keep: keep the work directory with the histories and logs)
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
P=hdjp$$
SESSIONS=30
RATE=3
HOLD=240
CHURN=0.1
MOVE=0.3
SEED=$RANDOM
KEEP=0
PASSWORD=jepsen-secret
. "$REPO/perf/scripts/cluster-lib.sh"
. "$REPO/perf/scripts/lib/loadgen-bench.sh"
while [ $# -gt 0 ]; do
    case "$1" in
        --sessions) SESSIONS=$2; shift 2 ;;
        --rate) RATE=$2; shift 2 ;;
        --hold) HOLD=$2; shift 2 ;;
        --churn) CHURN=$2; shift 2 ;;
        --move) MOVE=$2; shift 2 ;;
        --seed) SEED=$2; shift 2 ;;
        --keep) KEEP=1; shift ;;
        -h|--help) cl_usage; exit 0 ;;
        *) cl_usage >&2; exit 2 ;;
    esac
done
now_ms() { date +%s%3N; }

cl_on_exit() {
    touch "$WORK/stop-nemesis"
    local p
    # each headend's console feeder (tail) is a child of the subshell in PIDS
    # the nemesis restarts processes in a subshell of its own: their ids are in more-pids
    [ -f "$WORK/more-pids" ] && while read -r p; do PIDS+=("$p"); done <"$WORK/more-pids"
    for p in "${PIDS[@]}"; do pkill -KILL -P "$p" 2>/dev/null || true; done
}
cl_prepare cluster-jepsen nft:nftables
USERS=$(headend_users "$PASSWORD" "$SESSIONS")

member_config() {   # member_config I
    cat <<CONF
hostname member-$1
interface veth-srv
 nameif outside
 ip address 10.77.0.1 255.255.255.0
interface cl0
 nameif cluster
 ip address 192.0.2.2$1 255.255.255.0
ip local pool POOL 10.100.0.10-10.100.0.250 mask 255.255.255.0
$USERS
tunnel-group DefaultWEBVPNGroup general-attributes
 address-pool POOL
webvpn
 enable outside
 enable cluster
 anyconnect enable
vpn load-balancing
 cluster key jepsen-cluster-key
 cluster etcd-endpoints $ENDPOINTS
 priority $((10 - $1))
 participate
CONF
}

# every member's URL, member I's first
servers_from() { local j; for j in 0 1 2; do printf 'https://192.0.2.2%s/%s' $(((($1 - 1 + j) % 3) + 1)) "$([ $j -lt 2 ] && echo ,)"; done; }

nemesis_log() { echo "{\"t\":$(now_ms),\"op\":\"$1\",\"target\":$2}" >>"$WORK/nemesis.jsonl"; }

# member I is up: its log of this run shows its certificate pin
member_up() { [ -n "$(cl_pin "$1")" ]; }

await_member() {   # await_member I SECONDS
    local _
    for _ in $(seq $(($2 * 2))); do member_up "$1" && return 0; sleep 0.5; done
    return 1
}

restart_member() {
    local n=1
    while [ -e "$WORK/m$1/out.log.$n" ]; do n=$((n + 1)); done
    mv "$WORK/m$1/out.log" "$WORK/m$1/out.log.$n"
    cl_start_headend "$1"
    echo "${PIDS[-1]}" >>"$WORK/more-pids"
}

cut_member() {   # member I loses etcd (both directions), its clients keep reaching it
    ip netns exec "$P-m$1" nft -f - <<NFT
table inet jepsen {
    chain out { type filter hook output priority 0; ip daddr 192.0.2.10-192.0.2.13 drop; }
    chain in { type filter hook input priority 0; ip saddr 192.0.2.10-192.0.2.13 drop; }
}
NFT
}

heal_member() { ip netns exec "$P-m$1" nft delete table inet jepsen 2>/dev/null || true; }

# sleeps S seconds unless the nemesis is told to stop; false when told
pause() {
    local _
    for _ in $(seq $(($1 * 4))); do [ -e "$WORK/stop-nemesis" ] && return 1; sleep 0.25; done
    return 0
}

# one fault at a time, chosen by the seed, each followed by a heal and a quiet spell, until stop-nemesis
nemesis() {
    local op k
    RANDOM=$SEED  # a subshell draws afresh: seeded here, the same seed gives the same faults
    while pause 8; do
        op=$((RANDOM % 4)); k=$((RANDOM % 3 + 1))
        case $op in
            0)  member_up "$k" || continue
                log "nemesis: kill -9 member $k"
                nemesis_log kill-member "$k"
                cl_kill_member "$k"
                sleep 3
                restart_member "$k"
                await_member "$k" 240 || log "nemesis: member $k did not come back"
                nemesis_log member-up "$k" ;;
            1)  member_up "$k" || continue
                log "nemesis: member $k cut off from etcd"
                nemesis_log cut-member "$k"
                cut_member "$k"
                sleep 14
                heal_member "$k"
                nemesis_log heal-member "$k" ;;
            2)  log "nemesis: kill -9 etcd member $k"
                nemesis_log kill-etcd "$k"
                kill -KILL "${ETCD_PID[$k]}" 2>/dev/null || true
                sleep 5
                cl_start_etcd_member "$k"
                echo "${ETCD_PID[$k]}" >>"$WORK/more-pids"
                nemesis_log etcd-up "$k" ;;
            3)  log "nemesis: etcd member $k cut off from its peers"
                nemesis_log cut-etcd "$k"
                cl_cut_etcd "$k"
                sleep 10
                cl_heal_etcd
                nemesis_log heal-etcd "$k" ;;
        esac
    done
}

log "seed $SEED; work directory $WORK"
cl_start_etcd
cl_client_net 150 179
for i in 1 2 3; do
    cl_member_net "$i" 1
    mkdir -p "$WORK/m$i"
    member_config "$i" >"$WORK/m$i/startup-config"
    cl_start_headend "$i"
done
for i in 1 2 3; do
    await_member "$i" 240 || { log "member $i did not start:"; tail -30 "$WORK/m$i/out.log" >&2; exit 1; }
done
log "members up"

per=$((SESSIONS / 3))
GENS=()
for i in 1 2 3; do
    (cd "$REPO" && LOADGEN_NO_BUILD=1 ip netns exec "$P-pub" ./loadgen --server "$(servers_from "$i")" \
        --source "192.0.2.$((140 + 10 * i))-$((149 + 10 * i))" --user-pattern 'user%d' \
        --first-user $(((i - 1) * per + 1)) --password "$PASSWORD" --sessions "$per" \
        --rate "$(python3 -c "print($RATE / 3)")" --dtls off --ping-interval 0 --hold "$HOLD" --churn "$CHURN" \
        --move "$(python3 -c "print($MOVE / 3)")" --duration $((HOLD + 300)) --max-inflight 8 --quiet \
        --reconnect-on-loss on --history "$WORK/history-m$i.jsonl" --out "$WORK/gen$i") \
        >"$WORK/gen$i.out" 2>"$WORK/gen$i.err" &
    GENS+=($!)
done
for i in 1 2 3; do
    for _ in $(seq 1200); do grep -q "LOADGEN SETTLED" "$WORK/gen$i.out" 2>/dev/null && break; sleep 0.5; done
done
log "sessions settled: $(grep -ho 'LOADGEN SETTLED.*' "$WORK"/gen?.out | tr '\n' ';')"
HOLD_START=$(date +%s)
rm -f "$WORK/stop-nemesis"
nemesis &
NEMESIS_PID=$!
# the last 45 s of the hold are quiet: every fault healed, the sessions back before their final logoff
sleep $((HOLD > 60 ? HOLD - 45 : HOLD / 2))
touch "$WORK/stop-nemesis"
wait "$NEMESIS_PID" || true
cl_heal_etcd
for i in 1 2 3; do
    heal_member "$i"
    member_up "$i" || await_member "$i" 240 || log "member $i is not up after the nemesis"
done
log "nemesis over after $(($(date +%s) - HOLD_START)) s; waiting for the generators"
for g in "${GENS[@]}"; do wait "$g" || true; done

# every logged-off cookie against every member, once all are up
python3 - "$WORK" <<'PY' >"$WORK/cookies.txt"
import glob, json, sys
for f in sorted(glob.glob(sys.argv[1] + "/history-m*.jsonl")):
    for line in open(f):
        e = json.loads(line)
        if e["ev"] == "logoff":
            print(e["id"], e["cookie"])
PY
chmod 600 "$WORK/cookies.txt"
for i in 1 2 3; do
    member_up "$i" || await_member "$i" 240 || true
    ip netns exec "$P-pub" python3 "$REPO/perf/scripts/lib/cookie_probe.py" "192.0.2.2$i" 443 "member-$i" \
        <"$WORK/cookies.txt" >"$WORK/probe-m$i.jsonl" || log "probe of member $i failed"
done
cl_etcd_state "$WORK/final.json" || log "etcd's final state could not be read"

for i in 1 2 3; do
    restarts=$(find "$WORK/m$i" -maxdepth 1 -name 'out.log.*' | wc -l)
    fences=$(cat "$WORK/m$i"/out.log* | grep -c 'fences itself' || true)
    echo "member $i: restarts $restarts, self-fences $fences," \
        "generator: $(grep -o 'LOADGEN SETTLED.*' "$WORK/gen$i.out" || echo 'no summary')"
done
python3 "$REPO/perf/scripts/lib/jepsen_check.py" "$WORK"
