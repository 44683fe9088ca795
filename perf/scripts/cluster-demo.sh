#!/usr/bin/env bash
# cluster-demo.sh — a VPN load-balancing cluster to try by hand: a real 3-member etcd and three headends, each in
# network namespaces of its own, then a client that logs in on member A, loses A (kill -9) and comes back on member B
# with its cookie alone and the same address.
#
#   [$P-c1 10.77.0.2] ── [$P-m1 10.77.0.1 | cl0 192.0.2.21] ─┐
#   [$P-c2 10.77.0.2] ── [$P-m2 10.77.0.1 | cl0 192.0.2.22] ─┼── [$P-etcd br-cl: etcd $P-e1..3, 192.0.2.11-13]
#   [$P-c3 10.77.0.2] ── [$P-m3 10.77.0.1 | cl0 192.0.2.23] ─┘
#
# Usage (root): perf/scripts/cluster-demo.sh [--hold SECONDS]
#   --hold N  keep the cluster up N seconds after the demo (for `ip netns exec $P-c2 openconnect …` by hand)
# Everything (processes, namespaces, temporary files) is removed on exit, also on failure or Ctrl-C.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
P=hdcl$$
HOLD=0
. "$REPO/perf/scripts/cluster-lib.sh"
case "${1:-}" in
    --hold) HOLD=${2:?seconds} ;;
    -h|--help) cl_usage; exit 0 ;;
    '') ;;
    *) cl_usage >&2; exit 2 ;;
esac
WORK=$(mktemp -d /tmp/cluster-demo.XXXXXX)
chmod 755 "$WORK"  # the appliance drops to the user headend, which must reach its state directory
SCRIPT="$REPO/integration-tests/src/test/resources/hdit-connect-script.sh"
log() { echo "cluster-demo: $*" >&2; }

trap 'cl_stop_all; rm -rf "$WORK"' EXIT

[ "$(id -u)" = 0 ] || { log "run as root (network namespaces)"; exit 2; }
for pair in etcd:etcd-server etcdctl:etcd-client openconnect:openconnect; do
    command -v "${pair%%:*}" >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${pair#*:}"
done

cl_start_etcd || exit 1
ip netns exec "$P-etcd" etcdctl --endpoints "${ENDPOINTS// /,}" endpoint status -w table

for i in 1 2 3; do
    cl_member_net "$i" 1
    mkdir -p "$WORK/m$i"
    cat >"$WORK/m$i/startup-config" <<CONF
hostname member-$i
interface veth-srv
 nameif outside
 ip address 10.77.0.1 255.255.255.0
ip local pool POOL 192.168.100.10-192.168.100.250 mask 255.255.255.0
username demo password demo-secret
tunnel-group DefaultWEBVPNGroup general-attributes
 address-pool POOL
webvpn
 enable outside
 anyconnect enable
vpn load-balancing
 cluster ip address 10.77.0.100
 cluster key demo-cluster-key
 cluster etcd-endpoints $ENDPOINTS
 priority $((10 - i))
 participate
CONF
    cl_start_headend "$i"
done
for i in 1 2 3; do
    for _ in $(seq 240); do [ -n "$(cl_pin $i)" ] && break; sleep 0.5; done
    [ -n "$(cl_pin $i)" ] || { log "member $i did not start:"; tail -30 "$WORK/m$i/out.log"; exit 1; }
    log "member-$i is up ($(cl_pin $i))"
done

log "client logs in on member 1"
COOKIE=$(echo demo-secret | ip netns exec "$P-c1" openconnect --protocol=anyconnect --non-inter \
    --servercert "$(cl_pin 1)" --authenticate --passwd-on-stdin --user demo https://10.77.0.1/ 2>/dev/null \
    | sed -n "s/^COOKIE='\{0,1\}\([^']*\)'\{0,1\}$/\1/p")
[ -n "$COOKIE" ] || { log "no cookie from member 1"; exit 1; }
echo "$COOKIE" | ip netns exec "$P-c1" openconnect --protocol=anyconnect --non-inter --servercert "$(cl_pin 1)" \
    --cookie-on-stdin --script "$SCRIPT" --interface hdtun1 https://10.77.0.1/ >"$WORK/oc1.log" 2>&1 &
OC1=$!
PIDS+=($OC1)
for _ in $(seq 60); do grep -q "Configured as" "$WORK/oc1.log" && break; sleep 0.5; done
ADDR1=$(grep -o -m1 'Configured as [0-9.]*' "$WORK/oc1.log" | cut -d' ' -f3)
log "tunnel on member 1: $ADDR1"
sleep 1
log "kill -9 member 1"
for p in $(ip netns pids "$P-m1"); do kill -KILL "$p" 2>/dev/null || true; done
kill -TERM "$OC1" 2>/dev/null || true
START=$(date +%s.%N)
echo "$COOKIE" | ip netns exec "$P-c2" openconnect --protocol=anyconnect --non-inter --servercert "$(cl_pin 2)" \
    --cookie-on-stdin --script "$SCRIPT" --interface hdtun2 https://10.77.0.1/ >"$WORK/oc2.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 60); do grep -q "Configured as" "$WORK/oc2.log" && break; sleep 0.5; done
ADDR2=$(grep -o -m1 'Configured as [0-9.]*' "$WORK/oc2.log" | cut -d' ' -f3)
log "tunnel on member 2 with the cookie alone: $ADDR2 ($(echo "$(date +%s.%N) - $START" | bc 2>/dev/null || echo '?') s)"
[ "$ADDR1" = "$ADDR2" ] && log "same address: yes" || { log "same address: NO"; exit 1; }
if [ "$HOLD" -gt 0 ]; then
    log "holding the cluster for $HOLD s; work dir $WORK"
    sleep "$HOLD"
fi
