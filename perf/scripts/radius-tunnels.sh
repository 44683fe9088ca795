#!/usr/bin/env bash
# radius-tunnels.sh — full VPN logins through RADIUS PAP while 100 tunnels pass traffic (issue 12's benchmark).
#
# The headend runs in the test bed of floods.sh (perf/scripts/bed.sh) with Debian's FreeRADIUS beside it in the
# server's namespace. ./loadgen brings up --tunnels sessions of RADIUS users t1, t2, … that ping the inside address
# every --ping-ms; once they are all up and a baseline has passed, a second ./loadgen logs --logins users r1, r2, …
# in through the tunnel-group whose authentication-server-group is RADIUS (TLS, aggregate auth, CONNECT, then BYE)
# at --rate per second, open loop. Prints the logins per second achieved, the auth phase's latency (the RADIUS
# round trip and what the appliance does around it), the tunnels' per-second RTT p99 before and during the logins,
# and the busy share of the appliance's control thread (where logins are decided) and of the whole JVM.
#
# Usage: perf/scripts/radius-tunnels.sh [--tunnels N] [--logins N] [--rate R] [--ping-ms MS] [--logs DIR]
#   --tunnels  sessions passing traffic (default 100)     --logins  RADIUS logins (default 1000)
#   --rate     logins started per second (default 50)     --ping-ms each tunnel pings this often (default 100)
#   --logs     where logs and the generators' summaries go (default /tmp/hdradius-tunnels-last)
# Needs root, freeradius, openconnect's test bed tools; build first: mvn -B -q package -DskipTests -DskipITs
set -uo pipefail

TUNNELS=100
LOGINS=1000
RATE=50
PING_MS=100
LOGS=/tmp/hdradius-tunnels-last
while [ $# -gt 0 ]; do
    case "$1" in
        --tunnels) TUNNELS=$2; shift 2 ;;
        --logins) LOGINS=$2; shift 2 ;;
        --rate) RATE=$2; shift 2 ;;
        --ping-ms) PING_MS=$2; shift 2 ;;
        --logs) LOGS=$2; shift 2 ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
    esac
done
[ "$(id -u)" = 0 ] || { echo "radius-tunnels: needs root (network namespaces)" >&2; exit 2; }
command -v freeradius >/dev/null || { echo "radius-tunnels: needs freeradius (apt-get install freeradius)" >&2; exit 2; }

PREFIX="hdrt-$$"
# every login stays up until the generator's run ends: a /16 pool holds them all beside the tunnels
export BED_POOL_FIRST=10.100.0.10 BED_POOL_LAST=10.100.255.250 BED_POOL_MASK=255.255.0.0
. "$(dirname "${BASH_SOURCE[0]}")/bed.sh"
TARGET=10.100.0.1   # the headend's inside address in that pool's network
[ -f "$REPO/perf/target/headend-perf.jar" ] || { log "build first (mvn -B -q package -DskipTests -DskipITs)"; exit 2; }
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
rm -rf "$LOGS"; mkdir -p "$LOGS"
trap 'bed_cleanup; exit 130' INT TERM
trap bed_cleanup EXIT
bed_make || { log "cannot build the namespaces"; exit 1; }
# the front door lets 64 connections that are not yet tunnels come from one address: spread the generators
for i in $(seq 3 42); do echo "address add 10.77.0.$i/24 dev eth0"; done | ip -n "$CLI" -batch -

# FreeRADIUS: every user r<N> or t<N> with the password loadpw, PAP, in the server's namespace on 127.0.0.1:18812
RADDB="$LOGS/raddb"
cp -a /etc/freeradius/3.0 "$RADDB"
sed -i 's/^\s*user = freerad/#&/; s/^\s*group = freerad/#&/' "$RADDB/radiusd.conf"
printf 'client localhost {\n ipaddr = 127.0.0.1\n secret = perf-secret\n require_message_authenticator = yes\n}\n' \
    > "$RADDB/clients.conf"
rm -f "$RADDB/sites-enabled/default" "$RADDB/sites-enabled/inner-tunnel" "$RADDB/mods-enabled/eap"
printf 'server default {\nlisten {\n type = auth\n ipaddr = 127.0.0.1\n port = 18812\n}\nauthorize {\n files\n pap\n}\nauthenticate {\n Auth-Type PAP {\n  pap\n }\n}\npost-auth {\n ok\n}\n}\n' \
    > "$RADDB/sites-enabled/perf"
printf 'DEFAULT User-Name =~ "^[rt][0-9]+$", Cleartext-Password := "loadpw"\n' > "$RADDB/mods-config/files/authorize"
ip netns exec "$SRV" freeradius -f -d "$RADDB" -l "$LOGS/radius.log" &
PIDS+=("$!")
for _ in $(seq 50); do grep -q "Ready to process" "$LOGS/radius.log" 2>/dev/null && break; sleep 0.2; done
grep -q "Ready to process" "$LOGS/radius.log" || { log "FreeRADIUS did not start (see $LOGS/radius.log)"; exit 1; }

bed_start_headend || exit 1
bed_console "configure terminal" > /dev/null
for line in "aaa-server RAD protocol radius" "aaa-server RAD (outside) host 127.0.0.1" " key perf-secret" \
            " authentication-port 18812" \
            "tunnel-group RADTG type remote-access" "tunnel-group RADTG general-attributes" " address-pool POOL" \
            " default-group-policy GP" " authentication-server-group RAD" "tunnel-group RADTG webvpn-attributes" \
            " group-url $URL""rad enable" "end"; do
    answer=$(bed_console "$line")
    case "$answer" in *ERROR*|*Invalid*|*invalid*) log "the headend refused '$line': $answer"; exit 1 ;; esac
done

LOADGEN=("$REPO/loadgen" --servercert "$PIN" --quiet)
SETTLE_S=$((TUNNELS / 20 + 60))
LOGIN_S=$((LOGINS / RATE + 30))
TS0=$(date +%s.%N)
ip netns exec "$CLI" "${LOADGEN[@]}" --server "${URL}rad" --sessions "$TUNNELS" --user-pattern 't%d' --password loadpw \
    --rate 20 --hold $((LOGIN_S + 30)) --ping-interval "$PING_MS" --ping-target "$TARGET" --source 10.77.0.2-11 \
    --duration $((SETTLE_S + LOGIN_S + 90)) --out "$LOGS/tunnels" > "$LOGS/tunnels.txt" 2> "$LOGS/tunnels-err.txt" &
TUN_PID=$!; PIDS+=("$TUN_PID")
for _ in $(seq $((SETTLE_S * 10))); do
    grep -q 'LOADGEN SETTLED' "$LOGS/tunnels.txt" && break
    kill -0 "$TUN_PID" 2>/dev/null || break
    sleep 0.1
done
grep 'LOADGEN SETTLED' "$LOGS/tunnels.txt" || { log "the tunnels did not come up (see $LOGS/tunnels*.txt)"; exit 1; }
sleep 10   # a baseline for the tunnels' RTT

JVM=$(bed_server_pids | while read -r p; do [ "$(cat /proc/$p/comm)" = java ] && echo "$p"; done | head -1)
thread_ticks() {   # thread_ticks NAME: utime+stime of the JVM's thread called NAME, in clock ticks
    local t
    for t in /proc/"$JVM"/task/*; do
        [ "$(cat "$t/comm" 2>/dev/null)" = "$1" ] && awk '{sub(/^.*\) /, ""); print $12 + $13}' "$t/stat"
    done | head -1
}
control0=$(thread_ticks control); jvm0=$(bed_cpu_ticks); t0=$(date +%s.%N)
ip netns exec "$CLI" "${LOADGEN[@]}" --server "${URL}rad" --sessions "$LOGINS" --user-pattern 'r%d' --password loadpw \
    --rate "$RATE" --hold 0 --ping-interval 0 --dtls off --source 10.77.0.12-42 --duration "$LOGIN_S" \
    --out "$LOGS/logins" > "$LOGS/logins.txt" 2> "$LOGS/logins-err.txt"
control1=$(thread_ticks control); jvm1=$(bed_cpu_ticks); t1=$(date +%s.%N)
wait "$TUN_PID"

echo "== RADIUS PAP logins through the headend while $TUNNELS tunnels ping every $PING_MS ms =="
sed -n '/^LOADGEN SETTLED/,$p' "$LOGS/logins.txt"
echo "== the $TUNNELS tunnels over the whole run =="
sed -n '/^LOADGEN SETTLED/,$p' "$LOGS/tunnels.txt"
awk -v a="$t0" -v b="$t1" -v c0="$control0" -v c1="$control1" -v j0="$jvm0" -v j1="$jvm1" -v hz="$HZ" 'BEGIN {
    wall = b - a
    printf "logins window %.1f s: control thread busy %.1f %%, whole JVM %.1f %% of one core\n",
        wall, 100 * (c1 - c0) / hz / wall, 100 * (j1 - j0) / hz / wall }'
# the tunnels' per-second RTT p99 (timeseries.csv counts seconds from the generator's start): before and during
python3 - "$LOGS/tunnels/timeseries.csv" "$TS0" "$t0" "$t1" <<'PY'
import csv, statistics, sys
ts0, t0, t1 = (float(x) for x in sys.argv[2:5])
before, during = [], []
for r in csv.DictReader(open(sys.argv[1])):
    if r["rtt_p99_ms"] in ("", "0", "0.0") or int(r["dtls"]) == 0:
        continue
    at = ts0 + float(r["seconds"])
    (during if t0 <= at <= t1 else before if at < t0 else []).append(float(r["rtt_p99_ms"]))
def line(name, xs):
    if xs:
        print("tunnels' per-second RTT p99 %s: median %.2f ms, worst %.2f ms (%d s)" %
              (name, statistics.median(xs), max(xs), len(xs)))
line("before the logins", before)
line("during the logins", during)
PY
