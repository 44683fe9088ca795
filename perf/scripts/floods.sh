#!/usr/bin/env bash
# floods.sh — hostile floods as benchmarks (issue 10, item 5): the headend and ocserv, each with a live openconnect
# tunnel (DTLS allowed) pinging 192.168.100.1 every 10 ms, measured before, during and after each flood.
#
# Floods (from 100 source addresses, 10.78.0.10-109, in their own namespace; perf/scripts/flood.py):
#   logins      failed logins (random user names, wrong password): --login-rate per second for --login-seconds
#   stall-pre   --stalls TCP connections that never start TLS, held --hold seconds
#   stall-post  --stalls connections that finish the TLS handshake and then send nothing, held --hold seconds
#   dtls        --datagrams datagrams to the DTLS port at --dtls-rate/s: half garbage, half the live client's
#               ClientHello (captured with tcpdump when it connected) sent again from the 100 sources
# Per flood and server: the tunnel's ping loss and RTT p50/p99 before (--settle s), during and after (--settle s);
# the server's memory (PSS summed over its processes: the JVM; ocserv-main, sec-mod and workers) before, peak and
# after, and its CPU during the flood; a legitimate `openconnect --authenticate` half-way through: did it succeed
# and in how long; what the flood tool saw; what the limits did (headend: the `show counters` lines that changed;
# ocserv: banned addresses from occtl).
#
# Usage: perf/scripts/floods.sh [--only both|headend|ocserv] [--flood all|logins|stall-pre|stall-post|dtls]
#          [--login-rate 1000] [--login-seconds 60] [--stalls 2000] [--hold 30] [--datagrams 100000]
#          [--dtls-rate 20000] [--settle 10]
# A short run: --login-seconds 10 --stalls 500 --hold 10 --datagrams 20000 --settle 5
# Needs root; installs ocserv, openconnect, tcpdump and the like if missing. Logs: /tmp/hdfloods-last/.
set -uo pipefail

ONLY=both FLOOD=all LOGIN_RATE=1000 LOGIN_SECONDS=60 STALLS=2000 HOLD=30 DATAGRAMS=100000 DTLS_RATE=20000 SETTLE=10
while [ $# -gt 0 ]; do
    case "$1" in
        --only) ONLY=$2; shift 2 ;;
        --flood) FLOOD=$2; shift 2 ;;
        --login-rate) LOGIN_RATE=$2; shift 2 ;;
        --login-seconds) LOGIN_SECONDS=$2; shift 2 ;;
        --stalls) STALLS=$2; shift 2 ;;
        --hold) HOLD=$2; shift 2 ;;
        --datagrams) DATAGRAMS=$2; shift 2 ;;
        --dtls-rate) DTLS_RATE=$2; shift 2 ;;
        --settle) SETTLE=$2; shift 2 ;;
        -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
    esac
done
case "$ONLY" in both|ocserv|headend) ;; *) echo "--only both|ocserv|headend" >&2; exit 2 ;; esac
case "$FLOOD" in all) FLOODS="logins stall-pre stall-post dtls" ;; logins|stall-pre|stall-post|dtls) FLOODS=$FLOOD ;;
    *) echo "--flood all|logins|stall-pre|stall-post|dtls" >&2; exit 2 ;; esac
[ "$(id -u)" = 0 ] || { echo "floods: needs root (network namespaces)" >&2; exit 2; }

PREFIX="hdflood-$$"
LOGS=/tmp/hdfloods-last
# shellcheck source=bed.sh
. "$(dirname "${BASH_SOURCE[0]}")/bed.sh"
FLOOD_TOOL="$REPO/perf/scripts/flood.py"
OPEN_RATE=500
ROWS=()

flood_seconds() {       # how long the flood of $1 lasts, for the "during" ping
    case "$1" in
        logins) echo "$LOGIN_SECONDS" ;;
        stall-pre|stall-post) awk -v n="$STALLS" -v r="$OPEN_RATE" -v h="$HOLD" 'BEGIN { printf "%d", (n / r > h ? n / r : h) + 1 }' ;;
        dtls) awk -v n="$DATAGRAMS" -v r="$DTLS_RATE" 'BEGIN { printf "%d", n / r + 2 }' ;;
    esac
}

flood_command() {       # the flood tool's command line for $1
    local common=(--target "$SERVER_ADDR" --sources "$ATTACK_SOURCES")
    case "$1" in
        logins) echo python3 "$FLOOD_TOOL" logins "${common[@]}" --rate "$LOGIN_RATE" --seconds "$LOGIN_SECONDS" ;;
        stall-pre) echo python3 "$FLOOD_TOOL" stall "${common[@]}" --count "$STALLS" --hold "$HOLD" --open-rate "$OPEN_RATE" ;;
        stall-post) echo python3 "$FLOOD_TOOL" stall "${common[@]}" --tls --count "$STALLS" --hold "$HOLD" --open-rate "$OPEN_RATE" ;;
        dtls) echo python3 "$FLOOD_TOOL" dtls "${common[@]}" --count "$DATAGRAMS" --rate "$DTLS_RATE" \
                  "${CAPTURE:+--replay-pcap $CAPTURE}" ;;
    esac
}

limits_snapshot() {     # what the server says about its limits, one "name value" per line
    if [ "$SERVER" = headend ]; then
        bed_console "show counters" | tr -d '\r' | sed -n 's/^ *\(.*[^ ]\)[ :=]\+\([0-9]\+\) *$/\1\t\2/p'
    else
        printf 'banned addresses\t%s\n' "$(bed_occtl show ip bans | grep -c 'IP:')"
    fi
}

limits_changed() {      # limits_changed BEFORE AFTER: "name +delta; …" for what changed
    awk -F'\t' 'NR == FNR { before[$1] = $2; next }
        $1 ~ /data packets|inside TUN/ { next }  # traffic of the live tunnel
        ($2 - before[$1]) != 0 { printf "%s%s %+d", sep, $1, $2 - before[$1]; sep = "; " }
        END { if (!sep) printf "nothing changed" }' "$1" "$2"
}

live_client() {         # the live tunnel: (re)connected when it is gone; the first connect is captured
    if [ -n "$OC_PID" ] && kill -0 "$OC_PID" 2>/dev/null; then return 0; fi
    CAPTURE="$LOGS/$SERVER-client-hello.pcap"
    ip netns exec "$CLI" timeout 30 tcpdump -i eth0 -U -c 1 -w "$CAPTURE" "udp and dst port 443" >/dev/null 2>&1 &
    local dump=$!
    sleep 0.5
    bed_connect live || return 1
    for _ in $(seq 1 50); do kill -0 "$dump" 2>/dev/null || break; sleep 0.1; done
    kill "$dump" 2>/dev/null; wait "$dump" 2>/dev/null
    [ -s "$CAPTURE" ] || CAPTURE=
}

ping_run() {            # ping_run SECONDS FILE: 10 ms pings through the tunnel
    timeout -s INT $(( $1 + 15 )) ip netns exec "$CLI" ping -n -i 0.01 -W 1 -c $(( $1 * 100 )) "$TARGET" > "$2" 2>&1
}

run_flood() {           # run_flood NAME: one flood against the running server; appends to ROWS
    local name=$1 secs; secs=$(flood_seconds "$name")
    live_client || { ROWS+=("$name|$SERVER|no live tunnel"); return 1; }
    local tag="$LOGS/$SERVER-$name"
    limits_snapshot > "$tag-limits-before.txt"
    ping_run "$SETTLE" "$tag-ping-before.txt"
    local pss_before; pss_before=$(bed_pss_mb)
    # memory peak, sampled twice a second while the flood runs
    ( peak=0; while :; do r=$(bed_pss_mb); [ "$r" -gt "$peak" ] && peak=$r && echo "$peak" > "$tag-pss-peak.txt"; sleep 0.5; done ) &
    local sampler=$!
    local ticks0; ticks0=$(bed_cpu_ticks)
    local t0; t0=$(date +%s.%N)
    ping_run "$secs" "$tag-ping-during.txt" &
    local pinger=$!
    # shellcheck disable=SC2046
    ip netns exec "$ATK" $(flood_command "$name") > "$tag-flood.txt" 2> "$tag-flood-stderr.txt" &
    local flooder=$!
    sleep "$(awk -v s="$secs" 'BEGIN { print s / 2 }')"
    local login; login=$(bed_legit_login "$name")
    wait "$flooder"
    wait "$pinger"
    local cpu; cpu=$(awk -v a="$ticks0" -v b="$(bed_cpu_ticks)" -v hz="$HZ" -v t0="$t0" -v t1="$(date +%s.%N)" \
        'BEGIN { printf "%.0f", 100 * (b - a) / hz / (t1 - t0) }')
    kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null
    ping_run "$SETTLE" "$tag-ping-after.txt"
    limits_snapshot > "$tag-limits-after.txt"
    local alive=yes; kill -0 "$OC_PID" 2>/dev/null || alive="no (tunnel lost)"
    ROWS+=("$name|$SERVER|$(bed_ping_stats "$tag-ping-before.txt")|$(bed_ping_stats "$tag-ping-during.txt")|$(bed_ping_stats "$tag-ping-after.txt")|$pss_before $(cat "$tag-pss-peak.txt" 2>/dev/null || echo "$pss_before") $(bed_pss_mb)|$cpu|$login|$alive|$(tr -d '\n' < "$tag-flood.txt")|$(limits_changed "$tag-limits-before.txt" "$tag-limits-after.txt")")
}

run_server() {          # run_server headend|ocserv
    if [ "$1" = headend ]; then bed_start_headend || return 1; else bed_start_ocserv || return 1; fi
    OC_PID=
    local f
    for f in $FLOODS; do
        log "$1: $f"
        run_flood "$f"
    done
    bed_disconnect
    bed_stop_server
}

report() {
    echo
    echo "floods: logins ${LOGIN_RATE}/s for ${LOGIN_SECONDS} s; ${STALLS} stalled connections held ${HOLD} s; ${DATAGRAMS} datagrams at ${DTLS_RATE}/s; ${SETTLE} s before and after; 100 sources"
    echo "ping: 10 ms apart through the live tunnel; columns sent recv loss% p50 p99 (ms)"
    local row f
    for row in "${ROWS[@]}"; do
        IFS='|' read -r -a f <<< "$row"
        echo "== ${f[0]} / ${f[1]}"
        [ ${#f[@]} -lt 10 ] && { echo "   ${f[2]:-}"; continue; }
        echo "   ping before: ${f[2]}   during: ${f[3]}   after: ${f[4]}"
        echo "   memory (PSS) MB before/peak/after: ${f[5]}   CPU during: ${f[6]} %   live tunnel still up: ${f[8]}"
        echo "   legitimate login during the flood: ${f[7]} s"
        echo "   flood: ${f[9]}"
        echo "   limits: ${f[10]}"
    done
    echo "(logs in $LOGS)"
}

bed_install_missing
rm -rf "$LOGS"; mkdir -p "$LOGS"; chmod 755 "$LOGS"
trap 'bed_cleanup; exit 130' INT TERM
trap bed_cleanup EXIT
bed_make || { log "cannot build the namespaces"; exit 1; }
status=0
if [ "$ONLY" != headend ]; then run_server ocserv || { log "ocserv half failed"; status=1; }; fi
if [ "$ONLY" != ocserv ]; then run_server headend || { log "headend half failed"; status=1; }; fi
report
exit $status
