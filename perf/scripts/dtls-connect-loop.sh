#!/usr/bin/env bash
# dtls-connect-loop.sh — does DTLS come up on every openconnect connect? (issue 10, item 3)
#
# Runs the integration test DtlsEveryTimeIT with a larger count: three openconnect clients in their own network
# namespaces log in, CONNECT and wait for "Established DTLS connection", again and again (the connects overlap),
# while tcpdump records the DTLS port in the server namespace. Prints the number of connects, the failures (each
# with the client's output and its last datagrams) and the time to DTLS (p50, max).
#
# Usage: perf/scripts/dtls-connect-loop.sh [CONNECTS] [PCAP]
#   CONNECTS  how many connects (default 500; the suite runs 30)
#   PCAP      where to keep the capture of the DTLS port (default /tmp/dtls-connect-loop.pcap)
# Needs root (namespaces). Exit code 0 when every connect got DTLS.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

connects="${1:-500}"
pcap="${2:-/tmp/dtls-connect-loop.pcap}"
log="$(mktemp /tmp/dtls-connect-loop.XXXXXX.log)"

status=0
./run-tests -q -pl integration-tests -am -Dit.test=DtlsEveryTimeIT -Dtest=none \
    -Dsurefire.failIfNoSpecifiedTests=false -Dit.dtls.connects="$connects" -Dit.dtls.pcap="$pcap" \
    >"$log" 2>&1 || status=$?

grep -E "DTLS connects:" "$log" || echo "no result line; see $log"
if [ "$status" -ne 0 ]; then
    # each failure: which connect, what openconnect said, and its datagrams
    sed -n '/connects without DTLS/,/^====/p' "$log" | head -400
fi
echo "capture: $pcap  full log: $log"
exit "$status"
