#!/usr/bin/env bash
# esp-side-by-side.sh — the headend's IKEv2/ESP against its own DTLS and against strongSwan as the responder, on
# the same network-namespace test bed, measured in one run (issue 16, "side by side").
#
# Topology and accounting as side-by-side.sh (lib/netns-bench.sh): the server under test runs in the srv
# namespace, the client in the cli namespace; through the tunnel iperf3 goes to 192.168.100.1 in the srv namespace.
#   esp   the headend (./headend), IKEv2 with EAP-MSCHAPv2, user-space ESP in UDP 4500; client: strongSwan charon
#         (kernel-libipsec, encap=yes), IKE aes256gcm16-prfsha384-ecp384, ESP aes256gcm16
#   dtls  the same headend process, right after: openconnect with DTLS (AnyConnect), anyconnect mtu 1400
#   swan  strongSwan charon as the responder (kernel-libipsec: ESP in user space too, as this kernel has no XFRM
#         ESP), same client charon, same proposals, same namespaces; 192.168.100.1 on its lo
# Measured per server: TCP throughput client->server (iperf3 -t N) and server->client (-R), and server CPU-seconds
# per GB moved (utime+stime of every server process in the srv namespace: the headend's JVM, or the responder's
# charon); the client's (charon or openconnect) the same way, to tell where a run is bounded. Printed as one table.
#
# Usage: perf/scripts/esp-side-by-side.sh [--duration S] [--only "esp dtls swan"]
# Needs root. Installs strongswan (charon, swanctl, plugins), openconnect, iperf3, iproute2, iputils-ping, procps,
# openssl if missing. Build the headend first (mvn -B -q -DskipTests -pl control -am package). Logs of the last
# run stay in /tmp/hdbench-esp-last/. The whole run is capped (MAX_SECONDS, default 600).
# Exit code: 0 if every requested server was measured, 1 otherwise (the table is printed either way).
set -uo pipefail

DURATION=10
ONLY="esp dtls swan"
MAX_SECONDS=${MAX_SECONDS:-600}
while [ $# -gt 0 ]; do
    case "$1" in
        --duration) DURATION=$2; shift 2 ;;
        --only) ONLY=$2; shift 2 ;;
        -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
    esac
done
[ "$(id -u)" = 0 ] || { echo "esp-side-by-side: needs root (network namespaces)" >&2; exit 2; }

LOGS=/tmp/hdbench-esp-last
BENCH=esp-side-by-side
MODE=dtls
# shellcheck source=lib/netns-bench.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/netns-bench.sh"

EAP_USER=alice
EAP_SECRET=Wonderland-42
IKE_PROPOSAL=aes256gcm16-prfsha384-ecp384
ESP_PROPOSAL=aes256gcm16
CHARON=/usr/lib/ipsec/charon
PLUGINS="random nonce openssl pem pkcs1 pkcs8 x509 pubkey constraints curve25519 aes sha1 sha2 hmac kdf gcm
 kernel-libipsec kernel-netlink socket-default vici eap-identity eap-mschapv2 attr"

# ---------------------------------------------------------------- prerequisites

install_missing() {
    local missing=() pair
    for pair in openconnect:openconnect iperf3:iperf3 ip:iproute2 ping:iputils-ping pkill:procps openssl:openssl \
                swanctl:strongswan-swanctl; do
        command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
    done
    for pair in $CHARON:strongswan-charon \
                /usr/lib/ipsec/plugins/libstrongswan-eap-mschapv2.so:libcharon-extauth-plugins \
                /usr/lib/ipsec/plugins/libstrongswan-kernel-libipsec.so:libcharon-extra-plugins \
                /usr/lib/ipsec/plugins/libstrongswan-curve25519.so:libstrongswan-extra-plugins \
                /usr/lib/ipsec/plugins/libstrongswan-gcm.so:libstrongswan-standard-plugins; do
        [ -e "${pair%%:*}" ] || missing+=("${pair#*:}")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing ${missing[*]}"
        apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" || exit 2
    fi
}

# ---------------------------------------------------------------- a test CA and the responder's certificate

make_pki() {       # the same identity for the headend and strongSwan: the client trusts the CA, pins nothing
    local d="$LOGS/pki"
    mkdir -p "$d"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=bench CA" \
        -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
        -keyout "$d/ca.key" -out "$d/ca.pem" 2>/dev/null || return 1
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=vpn.bench.test" \
        -keyout "$d/vpn.key" -out "$d/vpn.csr" 2>/dev/null || return 1
    printf 'subjectAltName=DNS:vpn.bench.test,IP:%s\nextendedKeyUsage=serverAuth\n' "$SERVER_ADDR" > "$d/ext.cnf"
    openssl x509 -req -in "$d/vpn.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -set_serial 7 -days 2 \
        -extfile "$d/ext.cnf" -out "$d/vpn.pem" 2>/dev/null
}

# ---------------------------------------------------------------- charon, one per side

start_charon() {   # start_charon SIDE NAMESPACE SWANCTL_CONF
    local side=$1 ns=$2 d="$LOGS/$1"
    mkdir -p "$d/swanctl/x509" "$d/swanctl/x509ca" "$d/swanctl/private"
    cat > "$d/strongswan.conf" <<EOC
charon {
  load = $(echo $PLUGINS)
  install_virtual_ip = yes
  filelog {
    bench { path = $d/charon.log
            time_format = %T
            default = 1 }
  }
  plugins {
    vici { socket = unix://$d/charon.vici }
  }
}
EOC
    echo "$3" > "$d/swanctl/swanctl.conf"
    # a private mount namespace with its own /run: each charon has its own pid file
    (STRONGSWAN_CONF="$d/strongswan.conf" exec ip netns exec "$ns" unshare -m --propagation private \
        sh -c "mount -t tmpfs tmpfs /run && exec $CHARON") > "$d/charon.stdout" 2>&1 &
    PIDS+=("$!")
    for _ in $(seq 1 100); do [ -S "$d/charon.vici" ] && break; sleep 0.1; done
    [ -S "$d/charon.vici" ] || { log "$side charon did not start (see $d/charon.log)"; return 1; }
    swanctl --load-all --uri "unix://$d/charon.vici" --file "$d/swanctl/swanctl.conf" > "$d/load.txt" 2>&1 \
        || { log "$side: swanctl --load-all failed (see $d/load.txt)"; return 1; }
}

swan() { local side=$1; shift; swanctl "$@" --uri "unix://$LOGS/$side/charon.vici"; }

start_client() {
    start_charon cli "$CLI" "connections {
  bench {
    version = 2
    remote_addrs = $SERVER_ADDR
    vips = 0.0.0.0
    encap = yes
    proposals = $IKE_PROPOSAL
    local { auth = eap-mschapv2
            eap_id = $EAP_USER }
    remote { auth = pubkey
             cacerts = $LOGS/pki/ca.pem }
    children {
      bench { remote_ts = 192.168.100.0/24
              esp_proposals = $ESP_PROPOSAL
              start_action = none }
    }
  }
}
secrets {
  eap-user { id = $EAP_USER
             secret = \"$EAP_SECRET\" }
}"
}

connect_ike() {    # brings the client's SA up to the server now running, and checks the tunnel's far end
    swan cli --initiate --child bench --timeout 30 > "$LOGS/$SERVER-initiate.txt" 2>&1 \
        || { log "$SERVER: IKE_SA not up (see $LOGS/$SERVER-initiate.txt, $LOGS/cli/charon.log)"; return 1; }
    ip netns exec "$CLI" ping -c 3 -i 0.2 -W 2 "$TARGET" > /dev/null \
        || { log "$SERVER: $TARGET unreachable through ESP"; return 1; }
    RESULT[$SERVER:sa]=$(swan cli --list-sas 2>/dev/null | grep -m1 -o 'AES_GCM_16[-_0-9]*' || true)
    RESULT[$SERVER:mtu]=$(ip -n "$CLI" -o link show ipsec0 2>/dev/null | sed -n 's/.* mtu \([0-9]*\).*/\1/p')
}

disconnect_ike() {
    swan cli --terminate --ike bench --timeout 10 > /dev/null 2>&1
}

# ---------------------------------------------------------------- the servers

prepare_headend() {
    local d="$LOGS/headend-state"
    mkdir -p "$d/disk0/ike"
    [ -x "$REPO/headend" ] || { log "headend: $REPO/headend missing"; return 1; }
    cat "$LOGS/pki/vpn.pem" "$LOGS/pki/vpn.key" > "$d/disk0/ike/vpn.pem"
    cat > "$LOGS/headend.conf" <<EOC
hostname headend
interface veth-srv
 nameif outside
 ip address $SERVER_ADDR 255.255.255.0
ip local pool POOL 192.168.100.10-192.168.100.250 mask 255.255.255.0
username demo password demo-secret
username $EAP_USER password $EAP_SECRET mschap
group-policy GP internal
group-policy GP attributes
 vpn-tunnel-protocol ssl-client ikev2
 webvpn
  anyconnect ssl keepalive 20
  anyconnect dpd-interval gateway 30
  anyconnect dpd-interval client 30
  anyconnect mtu 1400
tunnel-group DefaultWEBVPNGroup general-attributes
 address-pool POOL
 default-group-policy GP
tunnel-group DefaultRAGroup general-attributes
 address-pool POOL
 default-group-policy GP
webvpn
 enable outside
 port 443
 anyconnect enable
crypto ipsec ikev2 ipsec-proposal GCM256
 protocol esp encryption aes-gcm-256
 protocol esp integrity null
crypto dynamic-map DYN 10 set ikev2 ipsec-proposal GCM256
crypto map OUTSIDE_MAP 65535 ipsec-isakmp dynamic DYN
crypto map OUTSIDE_MAP interface outside
crypto ikev2 policy 10
 encryption aes-gcm-256
 group 20
 prf sha384
EOC
}

enable_ikev2() {   # typed on the running appliance, as Ikev2RemoteAccessIT does: the trustpoint, then IKEv2
    local line mark
    mark=$(wc -c < "$LOGS/headend-stdout.txt")
    for line in "configure terminal" "crypto ca trustpoint VPN-TP" "identity-certificate disk0:/ike/vpn.pem" \
                "exit" "crypto ikev2 remote-access trustpoint VPN-TP" \
                "crypto ikev2 enable outside client-services port 443" "end"; do
        echo "$line" >&9
        sleep 0.3
    done
    for _ in $(seq 1 50); do
        ip netns exec "$SRV" ss -Hlun 2>/dev/null | grep -q ":4500 " && break
        sleep 0.1
    done
    if tail -c +$((mark + 1)) "$LOGS/headend-stdout.txt" | grep -q "ERROR"; then
        log "headend refused an IKEv2 line (see $LOGS/headend-stdout.txt)"; return 1
    fi
    ip netns exec "$SRV" ss -Hlun | grep -q ":4500 " || { log "headend: nothing listens on UDP 4500"; return 1; }
}

start_swan() {
    ip -n "$SRV" addr add "$TARGET/32" dev lo
    mkdir -p "$LOGS/srv/swanctl/x509" "$LOGS/srv/swanctl/private"
    cp "$LOGS/pki/vpn.pem" "$LOGS/srv/swanctl/x509/"; cp "$LOGS/pki/vpn.key" "$LOGS/srv/swanctl/private/"
    start_charon srv "$SRV" "connections {
  ra {
    version = 2
    local_addrs = $SERVER_ADDR
    pools = pool4
    proposals = $IKE_PROPOSAL
    send_certreq = no
    local { auth = pubkey
            certs = vpn.pem
            id = vpn.bench.test }
    remote { auth = eap-mschapv2
             eap_id = %any }
    children {
      ra { local_ts = 192.168.100.0/24
           esp_proposals = $ESP_PROPOSAL }
    }
  }
}
pools { pool4 { addrs = 192.168.100.10-192.168.100.250 } }
secrets {
  eap-user { id = $EAP_USER
             secret = \"$EAP_SECRET\" }
}"
}

stop_swan() {
    kill_ns_pids "$SRV"
    ip -n "$SRV" addr del "$TARGET/32" dev lo 2>/dev/null
}

# ---------------------------------------------------------------- measurements

client_ticks() {   # CPU ticks used so far by the client processes in $CLI (not iperf3)
    local p comm t=0
    for p in $(ip netns pids "$CLI" 2>/dev/null); do
        comm=$(cat "/proc/$p/comm" 2>/dev/null) || continue
        case "$comm" in iperf3|ping|sleep|cat) continue ;; esac
        t=$((t + $(awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$p/stat" 2>/dev/null || echo 0)))
    done
    echo "$t"
}

client_run() {     # client_run NAME [-R]: tcp_run, and the client's CPU-s per GB of it
    local name=$1 t0 rc=0
    t0=$(client_ticks)
    tcp_run "$@" || rc=1
    RESULT[$SERVER:$name.clientcpugb]=$(awk -v t="$(( $(client_ticks) - t0 ))" -v hz="$HZ" \
        -v b="${RESULT[$SERVER:$name.bytes]:-0}" 'BEGIN { if (b > 0) printf "%.2f", t / hz / (b / 1e9); else print "n/a" }')
    return $rc
}

measure() {        # SERVER names the column; a tunnel to $TARGET is up
    start_iperf_server
    warm_up
    local rc=0
    client_run tcp-up || rc=1
    client_run tcp-down -R || rc=1
    stop_iperf_server
    return $rc
}

wanted() { case " $ONLY " in *" $1 "*) return 0 ;; esac; return 1; }

# ---------------------------------------------------------------- report

row() {            # row LABEL KEY
    local e d s
    e=$(fmt "${RESULT[esp:$2]:-}"); d=$(fmt "${RESULT[dtls:$2]:-}"); s=$(fmt "${RESULT[swan:$2]:-}")
    printf '%-36s | %12s | %12s | %14s | %8s | %8s\n' "$1" "$e" "$d" "$s" "$(ratio "$e" "$d")" "$(ratio "$e" "$s")"
}
report() {
    echo
    echo "esp-side-by-side: TCP ${DURATION} s per direction through the tunnel; server CPU = every process in the server namespace"
    echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end (figures taken under that load)"
    echo "client: strongSwan charon $(dpkg-query -W -f '${Version}' strongswan-charon 2>/dev/null) kernel-libipsec (esp, swan); $(openconnect --version 2>&1 | head -1) (dtls); $(iperf3 --version | head -1)"
    echo "ESP SA: headend $(fmt "${RESULT[esp:sa]:-}"), strongSwan $(fmt "${RESULT[swan:sa]:-}"); IKE $IKE_PROPOSAL"
    echo "client tunnel MTU: ESP (charon's ipsec0) $(fmt "${RESULT[esp:mtu]:-${RESULT[swan:mtu]:-}}"), DTLS $(fmt "${RESULT[dtls:mtu]:-}") (anyconnect mtu 1400)"
    printf '%-36s | %12s | %12s | %14s | %8s | %8s\n' "metric" "headend ESP" "headend DTLS" "strongSwan ESP" "ESP/DTLS" "ESP/swan"
    printf '%s\n' "-------------------------------------+--------------+--------------+----------------+----------+---------"
    row "TCP client->server (Mbit/s)" tcp-up.mbit
    row "TCP server->client (Mbit/s)" tcp-down.mbit
    row "server CPU-s per GB, client->server" tcp-up.cpugb
    row "server CPU-s per GB, server->client" tcp-down.cpugb
    row "client CPU-s per GB, client->server" tcp-up.clientcpugb
    row "client CPU-s per GB, server->client" tcp-down.clientcpugb
    echo "(logs in $LOGS)"
}

# ---------------------------------------------------------------- main

install_missing
bench_begin
make_pki || { log "cannot make the test certificates"; exit 1; }

status=0
if wanted esp || wanted dtls; then
    prepare_headend && start_headend || status=1
    if [ $status = 0 ] && wanted esp; then
        SERVER=esp
        log "headend IKEv2/ESP: measuring"
        if enable_ikev2 && start_client && connect_ike; then
            measure || status=1
            disconnect_ike
        else
            status=1
        fi
    fi
    if [ $status = 0 ] && wanted dtls; then
        SERVER=dtls
        log "headend DTLS: measuring"
        if connect_client "$PIN" "$URL"; then
            measure || status=1
            disconnect_client
        else
            status=1
        fi
    fi
    stop_headend
fi
if wanted swan; then
    SERVER=swan
    log "strongSwan responder: measuring"
    [ -S "$LOGS/cli/charon.vici" ] || start_client || status=1
    if start_swan && connect_ike; then
        measure || status=1
        disconnect_ike
    else
        status=1
    fi
    stop_swan
fi
report
exit $status
