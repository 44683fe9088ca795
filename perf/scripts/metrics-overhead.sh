#!/usr/bin/env bash
# metrics-overhead.sh — does scraping /metrics cost the data plane anything? (issue 15, part 5)
#
# One headend, one openconnect client, one iperf3, in a pair of network namespaces made here (removed on exit):
#   [hdmet-PID-cli eth0 10.77.0.2/24] ──veth── [veth-srv 10.77.0.1/24  hdmet-PID-srv]
# The headend has `http server enable` (port 8443) and `http 10.77.0.2 255.255.255.255 outside`. Rounds of TCP
# throughput client→server through the tunnel alternate between "quiet" (nobody scrapes) and "scraped" (curl
# fetches https://10.77.0.1:8443/metrics every --interval seconds from the client namespace, outside the tunnel),
# so that drift in the machine's load hits both alike. Prints every round, then mean and spread of each kind and
# the difference of the means in percent.
#
# Usage: perf/scripts/metrics-overhead.sh [--rounds N] [--duration S] [--interval S] [--mode tls|dtls]
#   --rounds    pairs of rounds (default 3)
#   --duration  seconds per iperf3 round (default 8)
#   --interval  seconds between scrapes in the scraped rounds (default 1)
#   --mode      tls (default: openconnect --no-dtls) or dtls
# Needs root, openconnect, iperf3, curl. Build first: mvn -B -q package -DskipTests. Logs in /tmp/hdmet-last/.
set -uo pipefail

ROUNDS=3
DURATION=8
INTERVAL=1
MODE=tls
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) ROUNDS=$2; shift 2 ;;
        --duration) DURATION=$2; shift 2 ;;
        --interval) INTERVAL=$2; shift 2 ;;
        --mode) MODE=$2; shift 2 ;;
        -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
    esac
done
case "$MODE" in tls|dtls) ;; *) echo "--mode tls|dtls" >&2; exit 2 ;; esac
[ "$(id -u)" = 0 ] || { echo "metrics-overhead: needs root (network namespaces)" >&2; exit 2; }

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SCRIPT="$REPO/integration-tests/src/test/resources/hdit-connect-script.sh"
SRV="hdmet-$$-srv"
CLI="hdmet-$$-cli"
SERVER_ADDR=10.77.0.1
CLIENT_ADDR=10.77.0.2
TARGET=192.168.100.1
LOGS=/tmp/hdmet-last
PIDS=()

log() { echo "metrics-overhead: $*" >&2; }

cleanup() {
    trap - EXIT INT TERM
    local p ns
    for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
    sleep 0.5
    for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
    for ns in "$CLI" "$SRV"; do
        if ip netns list | grep -q "^$ns\b"; then
            for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
            ip netns del "$ns" 2>/dev/null
        fi
    done
    exec 9>&- 2>/dev/null || true
}

rm -rf "$LOGS"; mkdir -p "$LOGS/state"
trap 'cleanup; exit 130' INT TERM
trap cleanup EXIT

ip netns add "$SRV" && ip netns add "$CLI" || exit 1
ip -n "$SRV" link set lo up; ip -n "$CLI" link set lo up
ip -n "$SRV" link add veth-srv type veth peer name eth0 netns "$CLI" || exit 1
ip -n "$SRV" addr add "$SERVER_ADDR/24" dev veth-srv
ip -n "$CLI" addr add "$CLIENT_ADDR/24" dev eth0
ip -n "$SRV" link set veth-srv up; ip -n "$CLI" link set eth0 up

cat > "$LOGS/headend.conf" <<EOC
hostname headend
interface veth-srv
 nameif outside
 ip address $SERVER_ADDR 255.255.255.0
ip local pool POOL 192.168.100.10-192.168.100.250 mask 255.255.255.0
username demo password demo-secret
group-policy GP internal
group-policy GP attributes
 vpn-tunnel-protocol ssl-client
tunnel-group DefaultWEBVPNGroup general-attributes
 address-pool POOL
 default-group-policy GP
webvpn
 enable outside
 anyconnect enable
http server enable
http $CLIENT_ADDR 255.255.255.255 outside
EOC
rm -f "$LOGS/console"; mkfifo "$LOGS/console"
exec 9<>"$LOGS/console"
(cd "$REPO" && exec ip netns exec "$SRV" ./headend --config "$LOGS/headend.conf" --state-dir "$LOGS/state") \
    < "$LOGS/console" > "$LOGS/headend-stdout.txt" 2> "$LOGS/headend-stderr.txt" &
PIDS+=($!)
PIN=
for _ in $(seq 1 1800); do
    PIN=$(grep -o 'pin-sha256:[A-Za-z0-9+/]*=*' "$LOGS/headend-stdout.txt" 2>/dev/null | head -1)
    [ -n "$PIN" ] && break
    sleep 0.1
done
[ -n "$PIN" ] || { log "headend did not start (see $LOGS)"; exit 1; }

ARGS=(--protocol=anyconnect --non-inter --passwd-on-stdin --user demo --servercert "$PIN"
      --script "bash $SCRIPT" --interface hdtun0)
[ "$MODE" = tls ] && ARGS+=(--no-dtls)
echo demo-secret | HDIT_ENV_LOG="$LOGS/script-env.txt" \
    ip netns exec "$CLI" openconnect "${ARGS[@]}" "https://$SERVER_ADDR/" > "$LOGS/openconnect.txt" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 300); do grep -q 'Configured as' "$LOGS/openconnect.txt" && break; sleep 0.1; done
grep -q 'Configured as' "$LOGS/openconnect.txt" || { log "no tunnel (see $LOGS/openconnect.txt)"; exit 1; }
ip netns exec "$CLI" ping -c 3 -i 0.2 -W 2 "$TARGET" > /dev/null || { log "$TARGET unreachable"; exit 1; }
ip netns exec "$CLI" curl -sk -m 5 "https://$SERVER_ADDR:8443/metrics" > "$LOGS/first-scrape.txt" \
    || { log "no /metrics from the client namespace"; exit 1; }

ip netns exec "$SRV" iperf3 -s -p 5201 > "$LOGS/iperf3-server.txt" 2>&1 &
PIDS+=($!)
sleep 0.5
timeout 20 ip netns exec "$CLI" iperf3 -c "$TARGET" -t 2 > "$LOGS/warmup.txt" 2>&1

round() {          # round NAME : one iperf3 run, prints its receiver Mbit/s
    local out="$LOGS/$1.txt"
    timeout $((DURATION + 30)) ip netns exec "$CLI" iperf3 -c "$TARGET" -f m -t "$DURATION" > "$out" 2>&1
    grep -E ' receiver$' "$out" | tail -1 | awk '{for (i = 1; i <= NF; i++) if ($i == "Mbits/sec") print $(i - 1)}'
}

QUIET=(); SCRAPED=(); SCRAPES=0
for r in $(seq 1 "$ROUNDS"); do
    q=$(round "quiet-$r")
    ( while true; do
          ip netns exec "$CLI" curl -sk -m 5 -o /dev/null -w '%{http_code} %{time_total}\n' \
              "https://$SERVER_ADDR:8443/metrics" >> "$LOGS/scrapes.txt"
          sleep "$INTERVAL"
      done ) &
    scraper=$!
    s=$(round "scraped-$r")
    kill "$scraper" 2>/dev/null; wait "$scraper" 2>/dev/null
    echo "round $r: quiet ${q:-n/a} Mbit/s, scraped ${s:-n/a} Mbit/s"
    [ -n "$q" ] && QUIET+=("$q"); [ -n "$s" ] && SCRAPED+=("$s")
done
SCRAPES=$(grep -c '^200 ' "$LOGS/scrapes.txt" 2>/dev/null || echo 0)

stats() { printf '%s\n' "$@" | awk '{ s += $1; q += $1 * $1; if (NR == 1 || $1 < lo) lo = $1; if ($1 > hi) hi = $1 }
    END { m = s / NR; sd = sqrt(q / NR - m * m); printf "%.0f %.0f %.0f %.0f\n", m, sd, lo, hi }'; }
read -r QM QSD QLO QHI <<< "$(stats "${QUIET[@]}")"
read -r SM SSD SLO SHI <<< "$(stats "${SCRAPED[@]}")"
echo
echo "metrics-overhead, mode $MODE: $ROUNDS x ${DURATION} s per kind, TCP client->server through the tunnel"
echo "quiet   : mean $QM Mbit/s, sd $QSD, range $QLO-$QHI"
echo "scraped : mean $SM Mbit/s, sd $SSD, range $SLO-$SHI ($SCRAPES scrapes answered 200, every ${INTERVAL} s)"
awk -v q="$QM" -v s="$SM" -v qsd="$QSD" -v ssd="$SSD" 'BEGIN {
    printf "difference of the means: %+.1f %% (scraped vs quiet); spread within a kind: %.1f %% / %.1f %%\n",
        (s - q) / q * 100, qsd / q * 100, ssd / s * 100 }'
echo "scrape time (s), median of all: $(awk '{print $2}' "$LOGS/scrapes.txt" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}')"
