#!/usr/bin/env bash
# uring-vs-netty.sh — UDP echo on loopback: the FFM io_uring port (dataplane/.../uring) against Netty's
# IoUringDatagramChannel as the DTLS port configures it (receive batch 1 and 16, which bracket its adaptive batch).
#
# Usage: perf/scripts/uring-vs-netty.sh [--seconds N] [--rtt-seconds N] [--servers ffm,netty1,netty16]
#
# Prints one line per server (each runs alone, on one thread): echoes/s of 1400-byte datagrams with 32 in flight,
# echoes per CPU-second of the server thread, bytes that thread allocated per echo, and RTT p50/p99 in µs of 100-byte
# datagrams paced at 10,000, 100 and 1 per second. About 40 s per server with the defaults (10 s, 10 s).
# Run it on an otherwise idle machine: the client is a JDK socket on the other core, and RTTs measure its
# scheduling as much as the server's.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

seconds=10 rtt=10 servers=ffm,netty1,netty16
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) seconds=$2; shift 2 ;;
        --rtt-seconds) rtt=$2; shift 2 ;;
        --servers) servers=$2; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export PATH="$JAVA_HOME/bin:$PATH"
if [ ! -f perf/target/headend-perf.jar ] || [ -n "$(find dataplane/src perf/src -newer perf/target/headend-perf.jar -name '*.java' | head -1)" ]; then
    mvn -B -q -pl perf -am package -DskipTests -DskipITs -Djacoco.skip=true >&2
fi
# the JVM flags the appliance runs with (native access for FFM, Unsafe denied)
flags=$(sed -n 's:.*<jvm.flags>\(.*\)</jvm.flags>.*:\1:p' pom.xml)
# shellcheck disable=SC2086
exec java $flags -Xmx512m -During.seconds="$seconds" -During.rtt.seconds="$rtt" -During.servers="$servers" \
    -cp "perf/target/headend-perf.jar:perf/target/lib/*" org.headend.perf.uring.UdpEchoFigures
