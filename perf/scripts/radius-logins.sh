#!/usr/bin/env bash
# radius-logins.sh — RADIUS PAP (or MS-CHAPv2) logins per second and latency through the appliance's RADIUS client
# (control/.../auth/radius/RadiusClient) against Debian's FreeRADIUS, both in a throw-away network namespace.
# Usage (root): perf/scripts/radius-logins.sh [TOTAL=20000] [CONCURRENCY=64] [pap|mschapv2]
# Needs: freeradius, the perf jar (mvn -B -q -pl perf -am package -DskipTests).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
TOTAL=${1:-20000}
CONCURRENCY=${2:-64}
METHOD=${3:-pap}
SCRATCH_NAME=radius
. perf/scripts/scratch-ns.sh
cp -a /etc/freeradius/3.0 "$T/raddb"
sed -i 's/^\s*user = freerad/#&/; s/^\s*group = freerad/#&/' "$T/raddb/radiusd.conf"
printf 'client localhost {\n ipaddr = 127.0.0.1\n secret = perf-secret\n require_message_authenticator = yes\n}\n' \
    > "$T/raddb/clients.conf"
rm -f "$T/raddb/sites-enabled/default" "$T/raddb/sites-enabled/inner-tunnel" "$T/raddb/mods-enabled/eap"
printf 'server default {\nlisten {\n type = auth\n ipaddr = 127.0.0.1\n port = 18812\n}\nauthorize {\n files\n mschap\n pap\n}\nauthenticate {\n Auth-Type PAP {\n  pap\n }\n Auth-Type MS-CHAP {\n  mschap\n }\n}\npost-auth {\n ok\n}\n}\n' \
    > "$T/raddb/sites-enabled/perf"
printf 'loaduser Cleartext-Password := "loadpw"\n\tClass := "OU=STAFF;"\n' > "$T/raddb/mods-config/files/authorize"
ip netns exec "$NS" freeradius -f -d "$T/raddb" -l "$T/radius.log" &
for _ in $(seq 50); do grep -q "Ready to process" "$T/radius.log" 2>/dev/null && break; sleep 0.2; done
ip netns exec "$NS" "$JAVA" -cp perf/target/headend-perf.jar org.headend.perf.aaa.RadiusLoginLoad \
    127.0.0.1 18812 perf-secret loaduser loadpw "$TOTAL" "$CONCURRENCY" "$METHOD"
