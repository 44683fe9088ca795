#!/usr/bin/env bash
# tftp-copy.sh — how fast the headend's TFTP client (copy tftp://, import/export) moves a file (issue 14, item 5).
#
# One network namespace made here (removed on exit) with a veth pair; Debian's tftpd-hpa (in.tftpd) serves a
# directory of its own on one end, the headend's TftpClient (blksize 1432, lock-step as RFC 1350 has it) reads a
# random file of --size MiB from the other end and writes it back, --rounds times. Prints MB/s per direction.
#
# Usage: perf/scripts/tftp-copy.sh [--size MIB] [--rounds N]
#   --size    MiB of the file (default 32)
#   --rounds  read/write rounds (default 3; the first includes the JIT's warm-up)
# Needs root and tftpd-hpa. Build first: mvn -B -q -pl control -am compile
set -uo pipefail

SIZE=32
ROUNDS=3
while [ $# -gt 0 ]; do
    case "$1" in
        --size) SIZE=$2; shift 2 ;;
        --rounds) ROUNDS=$2; shift 2 ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
    esac
done
[ "$(id -u)" = 0 ] || { echo "tftp-copy: needs root (network namespace)" >&2; exit 2; }
command -v in.tftpd >/dev/null || { echo "tftp-copy: needs tftpd-hpa (apt-get install tftpd-hpa)" >&2; exit 2; }

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CLASSES="$REPO/control/target/classes"
[ -d "$CLASSES/org/headend/control/flash" ] || { echo "tftp-copy: build first (mvn -B -q -pl control -am compile)" >&2; exit 2; }
JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
NS="hdtftp-$$"
DIR=$(mktemp -d /tmp/hdtftp-XXXXXX)
TFTPD_PID=
cleanup() {
    [ -n "$TFTPD_PID" ] && kill "$TFTPD_PID" 2>/dev/null
    ip netns del "$NS" 2>/dev/null
    rm -rf "$DIR"
}
trap cleanup EXIT

ip netns add "$NS"
ip -n "$NS" link set lo up
# tftpd-hpa resolves its bind address with AI_ADDRCONFIG, which ignores loopback: a veth pair gives a real address
ip -n "$NS" link add tftp0 type veth peer name tftp1
ip -n "$NS" addr add 10.99.0.1/24 dev tftp0
ip -n "$NS" link set tftp0 up
ip -n "$NS" link set tftp1 up
head -c "$((SIZE * 1024 * 1024))" /dev/urandom > "$DIR/file.bin"
ip netns exec "$NS" in.tftpd -L -c -u root -s "$DIR" -a 10.99.0.1:69 &
TFTPD_PID=$!
for _ in $(seq 50); do
    ip netns exec "$NS" ss -Hlun sport = :69 | grep -q 10.99.0.1 && break
    sleep 0.1
done
echo "tftp-copy: ${SIZE} MiB, ${ROUNDS} rounds, tftpd-hpa $(dpkg-query -W -f '${Version}' tftpd-hpa 2>/dev/null)"
ip netns exec "$NS" "$JAVA" -cp "$CLASSES" "$REPO/perf/scripts/TftpCopy.java" 10.99.0.1 file.bin "$ROUNDS" "$DIR/file.bin"
