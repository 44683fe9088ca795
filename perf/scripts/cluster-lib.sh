# cluster-lib.sh — sourced by the cluster-*.sh scripts: the namespaces of a test cluster, a real 3-member etcd on a
# bridge and the members' networks, all torn down by cl_stop_all. The sourcing script sets REPO and P (a prefix unique
# to the run, e.g. hdcl$$), then calls cl_prepare (which makes WORK, a temporary directory) or sets WORK itself.
#
#   [$P-cN 10.77.0.2] ── [$P-mN 10.77.0.1 | cl0 192.0.2.2N] ── [$P-etcd  br-cl 192.0.2.10] ── [$P-eI eth0 192.0.2.1I: etcd I]
#
# Each etcd member has a namespace of its own: in one shared namespace every connection between members would leave
# from the bridge's first address (the kernel's source for local destinations), so that cutting member 1 off with nft
# cut all three apart. etcdctl runs in $P-etcd (192.0.2.10).
# Processes started go into PIDS, namespaces into NSES; cl_stop_all kills the first and deletes the second.
PIDS=()
NSES=()
ENDPOINTS="http://192.0.2.11:2379 http://192.0.2.12:2379 http://192.0.2.13:2379"

cl_addns() { ip netns add "$1"; NSES+=("$1"); ip -n "$1" link set lo up; }

cl_stop_all() {
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

# etcd member I (1-3) in $P-eI, on its data directory under $WORK; its pid in PIDS and in ETCD_PID[I]
declare -A ETCD_PID=()
cl_start_etcd_member() {
    local i=$1 initial=e1=http://192.0.2.11:2380,e2=http://192.0.2.12:2380,e3=http://192.0.2.13:2380
    ip netns exec "$P-e$i" etcd --logger=zap --log-level=warn --name "e$i" --data-dir "$WORK/e$i" \
        --listen-client-urls "http://192.0.2.1$i:2379" --advertise-client-urls "http://192.0.2.1$i:2379" \
        --listen-peer-urls "http://192.0.2.1$i:2380" --initial-advertise-peer-urls "http://192.0.2.1$i:2380" \
        --initial-cluster "$initial" --initial-cluster-token "$P" --initial-cluster-state new \
        --pre-vote=true >>"$WORK/etcd$i.log" 2>&1 &
    PIDS+=($!)
    ETCD_PID[$i]=$!
}

# a fresh 3-member etcd in $P-etcd on the bridge br-cl; returns once healthy, fails after 30 s
cl_start_etcd() {
    local i
    cl_addns "$P-etcd"
    ip -n "$P-etcd" link add br-cl type bridge && ip -n "$P-etcd" link set br-cl up
    ip -n "$P-etcd" addr add 192.0.2.10/24 dev br-cl
    for i in 1 2 3; do
        cl_addns "$P-e$i"
        ip -n "$P-etcd" link add "e$i" type veth peer name eth0 netns "$P-e$i"
        ip -n "$P-etcd" link set "e$i" master br-cl up
        ip -n "$P-e$i" addr add "192.0.2.1$i/24" dev eth0 && ip -n "$P-e$i" link set eth0 up
        rm -rf "${WORK:?}/e$i"
        cl_start_etcd_member "$i"
    done
    for _ in $(seq 100); do
        ip netns exec "$P-etcd" etcdctl --endpoints "${ENDPOINTS// /,}" endpoint health >/dev/null 2>&1 && return 0
        sleep 0.3
    done
    echo "etcd did not become healthy" >&2
    return 1
}

# member I's namespaces: $P-mI (outside 10.77.0.1 on veth-srv) and its client $P-cI (10.77.0.2); with CLUSTERED=1
# also cl0 192.0.2.2I on the etcd bridge
cl_member_net() {
    local i=$1 clustered=$2
    cl_addns "$P-m$i"; cl_addns "$P-c$i"
    ip -n "$P-m$i" link add veth-srv type veth peer name eth0 netns "$P-c$i"
    ip -n "$P-m$i" addr add 10.77.0.1/24 dev veth-srv && ip -n "$P-m$i" link set veth-srv up
    ip -n "$P-c$i" addr add 10.77.0.2/24 dev eth0 && ip -n "$P-c$i" link set eth0 up
    if [ "$clustered" = 1 ]; then
        ip -n "$P-etcd" link add "cl$i" type veth peer name cl0 netns "$P-m$i"
        ip -n "$P-etcd" link set "cl$i" master br-cl up
        ip -n "$P-m$i" addr add "192.0.2.2$i/24" dev cl0 && ip -n "$P-m$i" link set cl0 up
    fi
}

# starts the headend of member I on $WORK/mI/startup-config, its console on a pipe that never ends
cl_start_headend() {
    local i=$1
    (tail -f /dev/null | ip netns exec "$P-m$i" "$REPO/headend" --config "$WORK/m$i/startup-config" \
        --state-dir "$WORK/m$i/state" >"$WORK/m$i/out.log" 2>&1) &
    PIDS+=($!)
}

# member I's certificate pin once it printed it, else nothing
cl_pin() { grep -o -m1 'pin-sha256:[A-Za-z0-9+/=]*' "$WORK/m$1/out.log" 2>/dev/null || true; }

# a client namespace $P-pub on the etcd bridge, which doubles as the members' shared public subnet (an ASA cluster's
# members share one too): 192.0.2.FIRST to .LAST on pub0, so that one client reaches every member on its cl0 address
# and the director on the cluster address, and spreads its connections over many source addresses
cl_client_net() {
    local first=$1 last=$2 a
    cl_addns "$P-pub"
    ip -n "$P-etcd" link add pub type veth peer name pub0 netns "$P-pub"
    ip -n "$P-etcd" link set pub master br-cl up
    for a in $(seq "$first" "$last"); do echo "address add 192.0.2.$a/24 dev pub0"; done | ip -n "$P-pub" -batch -
    ip -n "$P-pub" link set pub0 up
}

# kill -9 of member I's headend (every process in its namespace), as a crash or power loss would end it
cl_kill_member() {
    local p
    for p in $(ip netns pids "$P-m$1" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
}

# etcd member I loses its peers (both directions); the headends and etcdctl still reach it
cl_cut_etcd() {
    local others
    others=$(for j in 1 2 3; do [ "$j" = "$1" ] || printf '192.0.2.1%s, ' "$j"; done)
    ip netns exec "$P-e$1" nft -f - <<NFT
table inet cl_cut {
    chain out { type filter hook output priority 0; ip daddr { ${others%, } } drop; }
    chain in { type filter hook input priority 0; ip saddr { ${others%, } } drop; }
}
NFT
}

# every etcd member reaches its peers again
cl_heal_etcd() {
    local i
    for i in 1 2 3; do ip netns exec "$P-e$i" nft delete table inet cl_cut 2>/dev/null || true; done
}

# The start every cluster script shares, after its options: root, the Debian packages (etcd, etcdctl, python3 and
# any COMMAND:PACKAGE given), the headend and ./loadgen built, a work directory WORK and log(). On exit cl_finish
# runs the script's cl_on_exit if it defines one, stops everything and removes WORK (kept with KEEP=1).
cl_prepare() {   # cl_prepare NAME [COMMAND:PACKAGE ...]
    local pair
    CL_NAME=$1
    shift
    log() { echo "$CL_NAME: $(date -u +%T) $*" >&2; }
    [ "$(id -u)" = 0 ] || { log "run as root (network namespaces)"; exit 2; }
    for pair in etcd:etcd-server etcdctl:etcd-client python3:python3 "$@"; do
        command -v "${pair%%:*}" >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${pair#*:}"
    done
    WORK=$(mktemp -d "/tmp/$CL_NAME.XXXXXX")
    chmod 755 "$WORK"  # the appliance drops to the user headend, which must reach its state directory
    trap cl_finish EXIT
    export JAVA_HOME=${HEADEND_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
    (cd "$REPO" && PATH="$JAVA_HOME/bin:$PATH" mvn -B -q -o -DskipTests -DskipITs package -pl perf,control -am) >&2
}

cl_finish() {
    if declare -F cl_on_exit >/dev/null; then cl_on_exit; fi
    cl_stop_all
    if [ "${KEEP:-0}" = 1 ]; then log "work directory kept: $WORK"; else rm -rf "$WORK"; fi
}

# the script's own header comment (from line 2 up to its first command), as its --help
cl_usage() { sed -n '2,/^[^#]/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

# etcd's final state (etcdctl get --prefix /vpn/ -w json) into FILE once etcd answers (30 s at most)
cl_etcd_state() {   # cl_etcd_state FILE
    local _
    for _ in $(seq 100); do
        ip netns exec "$P-etcd" etcdctl --endpoints "${ENDPOINTS// /,}" endpoint health >/dev/null 2>&1 && break
        sleep 0.3
    done
    ip netns exec "$P-etcd" etcdctl --endpoints "${ENDPOINTS// /,}" get --prefix /vpn/ -w json >"$1"
}
