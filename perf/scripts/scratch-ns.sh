# scratch-ns.sh — sourced by the AAA login benchmarks: a throw-away network namespace with loopback up ($NS), a
# scratch directory ($T) and the JDK 25 java ($JAVA); everything the namespace runs is killed and both are removed at
# exit. Set SCRATCH_NAME before sourcing (it names the namespace).
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
NS=hdperf-${SCRATCH_NAME:?}-$$
T=$(mktemp -d)
scratch_cleanup() {
    for pid in $(ip netns pids "$NS" 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
    ip netns del "$NS" 2>/dev/null || true
    rm -rf "$T"
}
trap scratch_cleanup EXIT
ip netns add "$NS"
ip -n "$NS" link set lo up
