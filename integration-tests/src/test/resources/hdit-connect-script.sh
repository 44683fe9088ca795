#!/bin/bash
# openconnect --script for the integration tests and the side-by-side benchmark.
#
# openconnect runs this with reason=pre-init|connect|reconnect|attempt-reconnect|disconnect and the tunnel
# parameters in the environment. It records what it was given and configures the tun device minimally:
# up, MTU, address/prefix, one route per CISCO_SPLIT_INC_n. Re-running it (reconnect) changes nothing that is
# already right. It never touches /etc/resolv.conf, the default route or anything outside $TUNDEV.
#
# HDIT_ENV_LOG (optional): file that gets one block per call:
#   ### reason=connect
#   KEY=value ...
#   ### end
set -u

if [ -n "${HDIT_ENV_LOG:-}" ]; then
    {
        echo "### reason=${reason:-}"
        env | grep -E '^(reason|TUNDEV|VPNGATEWAY|VPNPID|INTERNAL_IP4_|INTERNAL_IP6_|CISCO_|IDLE_TIMEOUT)' | sort
        echo "### end"
    } >> "$HDIT_ENV_LOG"
fi

case "${reason:-}" in
    connect|reconnect)
        ;;
    *)
        exit 0
        ;;
esac

dev="${TUNDEV:?}"
# router solicitations and the like would show up as foreign-source packets on the server: keep the tun IPv4-only
sysctl -q -w "net.ipv6.conf.${dev}.disable_ipv6=1" 2>/dev/null || true
ip link set dev "$dev" up mtu "${INTERNAL_IP4_MTU:-1400}"
if [ -n "${INTERNAL_IP4_ADDRESS:-}" ]; then
    ip addr replace "${INTERNAL_IP4_ADDRESS}/${INTERNAL_IP4_NETMASKLEN:-32}" dev "$dev"
fi
i=0
while [ "$i" -lt "${CISCO_SPLIT_INC:-0}" ]; do
    addr_var="CISCO_SPLIT_INC_${i}_ADDR"
    len_var="CISCO_SPLIT_INC_${i}_MASKLEN"
    if [ -n "${!addr_var:-}" ] && [ -n "${!len_var:-}" ]; then
        ip route replace "${!addr_var}/${!len_var}" dev "$dev"
    fi
    i=$((i + 1))
done
exit 0
