#!/usr/bin/env bash
# ldap-logins.sh — LDAPS logins per second and latency through the appliance's LDAP back end
# (control/.../auth/ldap/LdapAuthenticator: service bind, search, user bind, one TLS connection per login) against
# Debian's slapd, both in a throw-away network namespace. slapd gets its own config directory and is killed at exit.
# Usage (root): perf/scripts/ldap-logins.sh [TOTAL=2000] [CONCURRENCY=8]
# Needs: slapd, ldap-utils, openssl, the perf jar (mvn -B -q -pl perf -am package -DskipTests).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
TOTAL=${1:-2000}
CONCURRENCY=${2:-8}
SCRATCH_NAME=ldap
. perf/scripts/scratch-ns.sh
BASE=dc=example,dc=com
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/ca.key" -out "$T/ca.pem" \
    -days 1 -subj "/CN=perf LDAP CA" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/server.key" -out "$T/server.csr" \
    -subj "/CN=127.0.0.1" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > "$T/server.ext"
openssl x509 -req -in "$T/server.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" -CAcreateserial -out "$T/server.pem" \
    -days 1 -extfile "$T/server.ext" 2>/dev/null
mkdir "$T/db"
cat > "$T/slapd.conf" <<CONF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile $T/slapd.pid
TLSCACertificateFile $T/ca.pem
TLSCertificateFile $T/server.pem
TLSCertificateKeyFile $T/server.key
database mdb
maxsize 16777216
suffix "$BASE"
rootdn "cn=admin,$BASE"
rootpw perf-admin
directory $T/db
CONF
ip netns exec "$NS" slapd -f "$T/slapd.conf" -h "ldap://127.0.0.1:13890/ ldaps://127.0.0.1:13891/"
for _ in $(seq 50); do [ -s "$T/slapd.pid" ] && break; sleep 0.2; done
printf '%s\n' "dn: $BASE" "objectClass: dcObject" "objectClass: organization" "dc: example" "o: Example" "" \
    "dn: ou=people,$BASE" "objectClass: organizationalUnit" "ou: people" "" \
    "dn: cn=vpn,$BASE" "objectClass: person" "cn: vpn" "sn: vpn" "userPassword: perf-svc" "" \
    "dn: uid=loaduser,ou=people,$BASE" "objectClass: inetOrgPerson" "uid: loaduser" "cn: l" "sn: l" \
    "userPassword: loadpw" > "$T/data.ldif"
ip netns exec "$NS" ldapadd -x -H ldap://127.0.0.1:13890 -D "cn=admin,$BASE" -w perf-admin -f "$T/data.ldif" >/dev/null
ip netns exec "$NS" "$JAVA" -cp perf/target/headend-perf.jar org.headend.perf.aaa.LdapLoginLoad \
    127.0.0.1 13891 "$T/ca.pem" "ou=people,$BASE" "cn=vpn,$BASE" perf-svc loaduser loadpw "$TOTAL" "$CONCURRENCY"
