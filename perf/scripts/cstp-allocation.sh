#!/usr/bin/env bash
# cstp-allocation.sh — what the CSTP path allocates on the data-plane threads, socket and TLS included.
#
# Usage: perf/scripts/cstp-allocation.sh [--jfr FILE]
#   --jfr FILE  also records a JFR allocation profile of the run into FILE (jfr print --events
#               jdk.ObjectAllocationSample FILE shows where the bytes come from)
#
# Runs CstpSocketAllocationTest: a million packets each way through the real io_uring TCP connection, plain and over
# the appliance's TLS (SslHandler on the JDK's SSLEngine), in shared and dedicated threading, and prints one line per
# case: bytes allocated on the data-plane threads per million packets each way. The part the data plane owns (framing,
# tunnel core, egress, TUN loop) is held at zero by CstpAllocationTest in every ./run-tests; this shows what Netty's
# socket and the JDK's TLS add below it. About 7 minutes on two loaded cores.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

# the test JVM's flags are the pom's (those of ./headend), plus the recording when asked
flags=$(sed -n 's:.*<jvm.flags>\(.*\)</jvm.flags>.*:\1:p' pom.xml)
if [ "${1:-}" = --jfr ]; then
    flags="$flags -XX:StartFlightRecording=filename=$(realpath -m "${2:?--jfr needs a file}"),settings=profile"
fi
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export PATH="$JAVA_HOME/bin:$PATH"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! mvn -B -q -pl dataplane -am verify -DskipITs -Djacoco.skip=true -Dsurefire.failIfNoSpecifiedTests=false \
    -Dtest=CstpSocketAllocationTest -Dheadend.allocation.figures=true "-Djvm.flags=$flags" >"$log" 2>&1; then
    cat "$log" >&2
    exit 1
fi
grep '^CSTP ' "$log" || grep -h '^CSTP ' dataplane/target/surefire-reports/*CstpSocketAllocationTest-output.txt
