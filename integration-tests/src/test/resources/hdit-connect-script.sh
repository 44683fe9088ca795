#!/bin/bash
# openconnect --script for the integration tests and the side-by-side benchmark.
#
# openconnect runs this with reason=pre-init|connect|reconnect|attempt-reconnect|disconnect and the tunnel
# parameters in the environment. It records what it was given and configures the tun device minimally:
# up, MTU, address/prefix (IPv4, and IPv6 when the headend gave one), one route per CISCO_SPLIT_INC_n and
# CISCO_IPV6_SPLIT_INC_n. Re-running it (reconnect) changes nothing that is already right. It never touches /etc/resolv.conf, the default route or anything outside $TUNDEV.
#
# HDIT_ENV_LOG (optional): file that gets one block per call:
#   ### reason=connect
#   KEY=value ...      (CISCO_BANNER with its line breaks written as \n)
#   ### end
set -u

# written after the tun is configured, so that a test that sees the call can use the tunnel at once
log_env() {
    if [ -n "${HDIT_ENV_LOG:-}" ]; then
        {
            echo "### reason=${reason:-}"
            env | grep -E '^(reason|TUNDEV|VPNGATEWAY|VPNPID|INTERNAL_IP4_|INTERNAL_IP6_|CISCO_|IDLE_TIMEOUT)' \
                | grep -v '^CISCO_BANNER=' | sort
            # the banner may have several lines: one log line, with a literal \n between them
            if [ -n "${CISCO_BANNER:-}" ]; then
                printf 'CISCO_BANNER=%s\n' \
                    "$(printf '%s' "$CISCO_BANNER" | awk 'NR > 1 { printf "\\n" } { printf "%s", $0 }')"
            fi
            echo "### end"
        } >> "$HDIT_ENV_LOG"
    fi
}

case "${reason:-}" in
    connect|reconnect)
        ;;
    *)
        log_env
        exit 0
        ;;
esac

dev="${TUNDEV:?}"
ipv6="${INTERNAL_IP6_ADDRESS:-}${INTERNAL_IP6_NETMASK:-}"
# without an IPv6 address, router solicitations and the like would only show up as stray packets on the server
sysctl -q -w "net.ipv6.conf.${dev}.disable_ipv6=$([ -n "$ipv6" ] && echo 0 || echo 1)" 2>/dev/null || true
ip link set dev "$dev" up mtu "${INTERNAL_IP4_MTU:-1400}"
if [ -n "${INTERNAL_IP4_ADDRESS:-}" ]; then
    ip addr replace "${INTERNAL_IP4_ADDRESS}/${INTERNAL_IP4_NETMASKLEN:-32}" dev "$dev"
fi
if [ -n "$ipv6" ]; then
    # INTERNAL_IP6_NETMASK is address/prefix when the headend sent X-CSTP-Address-IP6
    ip -6 addr replace "${INTERNAL_IP6_NETMASK:-${INTERNAL_IP6_ADDRESS}/128}" dev "$dev" nodad
    j=0
    while [ "$j" -lt "${CISCO_IPV6_SPLIT_INC:-0}" ]; do
        addr_var="CISCO_IPV6_SPLIT_INC_${j}_ADDR"
        len_var="CISCO_IPV6_SPLIT_INC_${j}_MASKLEN"
        if [ -n "${!addr_var:-}" ] && [ -n "${!len_var:-}" ]; then
            ip -6 route replace "${!addr_var}/${!len_var}" dev "$dev"
        fi
        j=$((j + 1))
    done
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
log_env
exit 0
