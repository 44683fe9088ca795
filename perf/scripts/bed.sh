# bed.sh — the network-namespace test bed of floods.sh and soak.sh (sourced, not run).
#
#   [$CLI  eth0 10.77.0.2/24] ──veth── [veth-srv 10.77.0.1/24   $SRV   veth-atk 10.78.0.1/24] ──veth── [$ATK atk0]
#                                                                                   10.78.0.10 … 10.78.0.109 /24
# The server under test (./headend, or ocserv as perf/scripts/side-by-side.sh sets it up) runs in $SRV and
# listens on 10.77.0.1:443 (TCP and UDP); its tunnel's far end is 192.168.100.1. The live openconnect client is in
# $CLI; hostile clients are in $ATK with 100 source addresses. Everything is removed on exit.
# The caller sets PREFIX and LOGS, and calls bed_cleanup from its EXIT trap. For a larger bed it may also set
#   BED_POOL_FIRST/BED_POOL_LAST/BED_POOL_MASK   the address pool of both servers (default 192.168.100.10-250 /24;
#                                                the servers' inside address is then the pool subnet's first host)
#   BED_HEADEND_LINES   extra top-level startup-config lines for the headend (e.g. many username lines)
#   BED_OCSERV_USERS    a file of ocpasswd lines for ocserv instead of demo's alone
#   BED_OCSERV_LINES    extra ocserv.conf lines (options the default configuration does not set)
#   BED_OCSERV_KEY      rsa for an RSA-2048 server key (the headend's own kind before 2026-12-07) instead of ECDSA P-256

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SCRIPT="$REPO/integration-tests/src/test/resources/hdit-connect-script.sh"
SRV="$PREFIX-srv"
CLI="$PREFIX-cli"
ATK="$PREFIX-atk"
SERVER_ADDR=10.77.0.1
CLIENT_ADDR=10.77.0.2
ATTACK_SOURCES=10.78.0.10-10.78.0.109
TARGET=192.168.100.1
HZ=$(getconf CLK_TCK)
PAGE_KB=$(( $(getconf PAGESIZE) / 1024 ))
PIDS=()
SERVER=
SERVER_PID=
PIN=
URL=
OC_PID=

log() { echo "$(basename "$0"): $*" >&2; }
# shellcheck source=lib/headend-launch.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/headend-launch.sh"

bed_install_missing() {
    local missing=() pair
    for pair in ocserv:ocserv occtl:ocserv openconnect:openconnect ip:iproute2 ping:iputils-ping pkill:procps \
                openssl:openssl tcpdump:tcpdump python3:python3; do
        command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing ${missing[*]}"
        apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" || exit 2
    fi
}

bed_kill_ns_pids() {
    local p
    for p in $(ip netns pids "$1" 2>/dev/null); do kill -TERM "$p" 2>/dev/null; done
    sleep 0.5
    for p in $(ip netns pids "$1" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
}

bed_cleanup() {
    local p ns
    # the server first and gently, so that it removes its TUN and routes as it does on SIGTERM
    [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null && bed_stop_server
    for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
    sleep 0.5
    for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
    for ns in "$CLI" "$ATK" "$SRV"; do
        if ip netns list | grep -q "^$ns\b"; then bed_kill_ns_pids "$ns"; ip netns del "$ns" 2>/dev/null; fi
    done
    { exec 9>&-; } 2>/dev/null || true
}

bed_make() {
    ip netns add "$SRV" && ip netns add "$CLI" && ip netns add "$ATK" || return 1
    local ns
    for ns in "$SRV" "$CLI" "$ATK"; do ip -n "$ns" link set lo up; done
    ip -n "$SRV" link add veth-srv type veth peer name eth0 netns "$CLI" || return 1
    ip -n "$SRV" link add veth-atk type veth peer name atk0 netns "$ATK" || return 1
    ip -n "$SRV" addr add "$SERVER_ADDR/24" dev veth-srv
    ip -n "$SRV" addr add 10.78.0.1/24 dev veth-atk
    ip -n "$CLI" addr add "$CLIENT_ADDR/24" dev eth0
    local i
    for i in $(seq 10 109); do echo "address add 10.78.0.$i/24 dev atk0"; done | ip -n "$ATK" -batch -
    for ns_dev in "$SRV:veth-srv" "$SRV:veth-atk" "$CLI:eth0" "$ATK:atk0"; do
        ip -n "${ns_dev%%:*}" link set "${ns_dev#*:}" up
    done
    ip -n "$ATK" route add default via 10.78.0.1
    ip netns exec "$CLI" ping -c 1 -W 2 "$SERVER_ADDR" >/dev/null && ip netns exec "$ATK" ping -c 1 -W 2 "$SERVER_ADDR" >/dev/null
}

# ---------------------------------------------------------------- servers

bed_start_headend() {   # bed_start_headend [GROUP-POLICY-LINES]: starts ./headend, sets PIN, URL, SERVER_PID
    SERVER=headend
    local d="$LOGS/headend"
    rm -rf "$d"; mkdir -p "$d"
    cat > "$d/startup-config" <<EOC
hostname headend
interface veth-srv
 nameif outside
 ip address $SERVER_ADDR 255.255.255.0
ip local pool POOL ${BED_POOL_FIRST:-192.168.100.10}-${BED_POOL_LAST:-192.168.100.250} mask ${BED_POOL_MASK:-255.255.255.0}
username demo password demo-secret
${BED_HEADEND_LINES:-}
group-policy GP internal
group-policy GP attributes
 vpn-tunnel-protocol ssl-client
 vpn-simultaneous-logins 100
${1:-}
 webvpn
  anyconnect ssl keepalive 20
  anyconnect dpd-interval gateway 30
  anyconnect dpd-interval client 30
  anyconnect mtu 1400
tunnel-group DefaultWEBVPNGroup general-attributes
 address-pool POOL
 default-group-policy GP
webvpn
 enable outside
 port 443
 anyconnect enable
EOC
    launch_headend "$SRV" "$d/startup-config" "$d/state"
    local started=$?
    SERVER_PID=$HEADEND_PID
    [ $started = 0 ] || { log "headend did not start (see $LOGS/headend-std*.txt)"; return 1; }
    bed_await_tcp
}

bed_console() {         # bed_console COMMAND: prints what the headend's console answered
    local out="$LOGS/headend-stdout.txt" before
    before=$(stat -c %s "$out")
    echo "$1" >&9
    for _ in $(seq 1 100); do
        sleep 0.1
        tail -c +"$((before + 1))" "$out" | grep -q '[#>] $' && break
    done
    tail -c +"$((before + 1))" "$out"
}

bed_start_ocserv() {    # as perf/scripts/side-by-side.sh, with ocserv's own defaults for bans and rate limits
    SERVER=ocserv
    local d="$LOGS/ocserv"
    rm -rf "$d"; mkdir -p "$d"; chmod 755 "$LOGS" "$d"
    # BED_OCSERV_KEY=rsa: an RSA-2048 key (the headend's own kind before 2026-12-07; an RSA trustpoint's now)
    local key=(-newkey ec -pkeyopt ec_paramgen_curve:P-256)
    [ "${BED_OCSERV_KEY:-ec}" = rsa ] && key=(-newkey rsa:2048)
    openssl req -x509 "${key[@]}" -nodes -keyout "$d/key.pem" -out "$d/cert.pem" \
        -days 30 -subj "/CN=$SERVER_ADDR" 2>/dev/null || return 1
    PIN="pin-sha256:$(openssl x509 -in "$d/cert.pem" -pubkey -noout | openssl pkey -pubin -outform der |
        openssl dgst -sha256 -binary | base64)"
    URL="https://$SERVER_ADDR/"
    echo "demo:*:$(openssl passwd -6 demo-secret)" > "$d/ocpasswd"
    [ -n "${BED_OCSERV_USERS:-}" ] && cat "$BED_OCSERV_USERS" >> "$d/ocpasswd"
    cat > "$d/ocserv.conf" <<EOC
auth = "plain[passwd=$d/ocpasswd]"
listen-host = $SERVER_ADDR
tcp-port = 443
udp-port = 443
run-as-user = nobody
run-as-group = nogroup
socket-file = $d/ocserv-socket
occtl-socket-file = $d/occtl-socket
use-occtl = true
server-cert = $d/cert.pem
server-key = $d/key.pem
isolate-workers = true
max-clients = 0
max-same-clients = 0
keepalive = 32400
dpd = 90
mobile-dpd = 1800
switch-to-tcp-timeout = 25
try-mtu-discovery = false
auth-timeout = 240
cookie-timeout = 300
deny-roaming = false
pid-file = $d/ocserv.pid
log-level = 1
device = vpns
predictable-ips = ${BED_OCSERV_PREDICTABLE:-true}
ipv4-network = $(bed_pool_network)
ipv4-netmask = ${BED_POOL_MASK:-255.255.255.0}
route = $(bed_pool_network)/${BED_POOL_MASK:-255.255.255.0}
ping-leases = false
cisco-client-compat = true
dtls-legacy = true
compression = false
mtu = 1428
${BED_OCSERV_LINES:-}
EOC
    ip netns exec "$SRV" ocserv -f -c "$d/ocserv.conf" > "$LOGS/ocserv-server.txt" 2>&1 &
    SERVER_PID=$!; PIDS+=("$SERVER_PID")
    for _ in $(seq 1 100); do grep -q 'listening (TCP)' "$LOGS/ocserv-server.txt" && break; sleep 0.1; done
    grep -q 'listening (TCP)' "$LOGS/ocserv-server.txt" || { log "ocserv did not start (see $LOGS/ocserv-server.txt)"; return 1; }
    bed_await_tcp
}

bed_pool_network() {    # the pool's subnet address (BED_POOL_FIRST masked by BED_POOL_MASK)
    python3 -c 'import ipaddress, sys; print(ipaddress.ip_network(sys.argv[1] + "/" + sys.argv[2], strict=False).network_address)' \
        "${BED_POOL_FIRST:-192.168.100.10}" "${BED_POOL_MASK:-255.255.255.0}"
}

bed_occtl() { ip netns exec "$SRV" occtl -s "$LOGS/ocserv/occtl-socket" "$@" 2>&1; }

bed_await_tcp() {
    for _ in $(seq 1 100); do
        ip netns exec "$CLI" timeout 1 bash -c "exec 3<>/dev/tcp/$SERVER_ADDR/443" 2>/dev/null && return 0
        sleep 0.2
    done
    log "$SERVER does not accept TCP on $SERVER_ADDR:443"; return 1
}

bed_stop_server() {
    kill -TERM "$SERVER_PID" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    bed_kill_ns_pids "$SRV"
    { exec 9>&-; } 2>/dev/null || true
}

# ---------------------------------------------------------------- server resources

bed_server_pids() {     # the server's processes in $SRV (the JVM; ocserv-main, sec-mod and workers)
    local p comm
    for p in $(ip netns pids "$SRV" 2>/dev/null); do
        comm=$(cat "/proc/$p/comm" 2>/dev/null) || continue
        case "$comm" in java|ocserv*) echo "$p" ;; esac
    done
}
bed_cpu_ticks() {       # utime+stime of the server's processes, in clock ticks, with that of their children that
    local total=0 p t   # ended (cutime+cstime): ocserv's workers exit at logoff, and their handshakes count too
    for p in $(bed_server_pids); do
        t=$(awk '{sub(/^.*\) /, ""); print $12 + $13 + $14 + $15}' "/proc/$p/stat" 2>/dev/null) || continue
        total=$((total + t))
    done
    echo "$total"
}
bed_pss_mb() {          # proportional set size of the server's processes (summed), MB: ocserv's workers share
    local total=0 p kb  # most of their pages, so summing their RSS would count those pages once per worker
    for p in $(bed_server_pids); do
        kb=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null) || continue
        total=$((total + ${kb:-0}))
    done
    awk -v k="$total" 'BEGIN { printf "%.0f", k / 1024 }'
}

# ---------------------------------------------------------------- the live client

bed_connect() {         # bed_connect NAME [openconnect options]: a client in $CLI, up and pinging; sets OC_PID
    local name=$1; shift
    local out="$LOGS/$SERVER-$name-openconnect.txt"
    rm -f "$LOGS/$SERVER-$name-env.txt"
    echo demo-secret | HDIT_ENV_LOG="$LOGS/$SERVER-$name-env.txt" ip netns exec "$CLI" openconnect \
        --protocol=anyconnect --non-inter --passwd-on-stdin --user demo --servercert "$PIN" \
        --script "bash $SCRIPT" --interface "${OC_IFNAME:-hdtun0}" "$@" "$URL" > "$out" 2>&1 &
    OC_PID=$!; PIDS+=("$OC_PID")
    for _ in $(seq 1 300); do
        grep -q 'Configured as' "$out" && break
        kill -0 "$OC_PID" 2>/dev/null || { log "$SERVER: openconnect exited (see $out)"; return 1; }
        sleep 0.1
    done
    grep -q 'Configured as' "$out" || { log "$SERVER: no tunnel within 30 s"; return 1; }
    # openconnect says so before its script has put the address and route on the tun: wait for the script's log
    for _ in $(seq 1 100); do
        grep -q '^### reason=connect' "$LOGS/$SERVER-$name-env.txt" 2>/dev/null && break
        sleep 0.1
    done
    ip netns exec "$CLI" ping -c 3 -i 0.2 -W 2 "$TARGET" > /dev/null || { log "$SERVER: $TARGET unreachable"; return 1; }
}

bed_disconnect() {
    [ -n "$OC_PID" ] || return 0
    kill -TERM "$OC_PID" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$OC_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$OC_PID" 2>/dev/null; OC_PID=
}

bed_ping_stats() {      # bed_ping_stats FILE: "sent received loss% p50 p99" of a ping -c N -i 0.01 output
    # without ping's summary (killed), the highest icmp_seq answered stands in for what was sent
    awk '
        / time=/ { for (i = 1; i <= NF; i++) if ($i ~ /^time=/) { sub(/time=/, "", $i); v[++n] = $i + 0 } }
        / packets transmitted/ { sent = $1; recv = $4 }
        /icmp_seq=/ { for (i = 1; i <= NF; i++) if ($i ~ /^icmp_seq=/) { q = substr($i, 10) + 0; if (q > seq) seq = q } }
        END {
            if (sent == "") { sent = seq; recv = n }
            if (n > 0) {
                # insertion-free percentile: sort with a simple loop (n is small)
                for (i = 2; i <= n; i++) { x = v[i]; j = i - 1; while (j > 0 && v[j] > x) { v[j + 1] = v[j]; j-- } v[j + 1] = x }
                p50 = v[int(n * 0.5 + 0.999999)]; p99 = v[int(n * 0.99 + 0.999999)]
            } else { p50 = "n/a"; p99 = "n/a" }
            loss = sent > 0 ? 100 * (sent - recv) / sent : 0
            printf "%d %d %.2f %s %s\n", sent, recv, loss, p50, p99
        }' "$1"
}

bed_legit_login() {     # prints "ok|failed SECONDS": a fresh openconnect --authenticate for demo, timed
    local start end out="$LOGS/$SERVER-legit-login-$1.txt"
    start=$(date +%s.%N)
    if echo demo-secret | timeout 60 ip netns exec "$CLI" openconnect --protocol=anyconnect --non-inter \
        --passwd-on-stdin --user demo --servercert "$PIN" --authenticate "$URL" > "$out" 2>&1 \
        && grep -q '^COOKIE=' "$out"; then
        end=$(date +%s.%N); awk -v a="$start" -v b="$end" 'BEGIN { printf "ok %.2f\n", b - a }'
    else
        end=$(date +%s.%N); awk -v a="$start" -v b="$end" 'BEGIN { printf "failed %.2f\n", b - a }'
    fi
}
