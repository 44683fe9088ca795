#!/usr/bin/env bash
# connect-cost.sh — the headend's server CPU per full connect (TLS, aggregate auth, CONNECT, DTLS, BYE), driven by
# ./loadgen on the namespace bed of bed.sh, for one or more builds (and ocserv) alternated in the same run (issue
# 13: a change's before/after on a shared machine is only readable as a same-run ratio). Per round and contender: a
# fresh server, --warmup connects that count nowhere (the JIT), then --connects connects at --rate/s with
# --max-inflight, each logging off at once; server CPU (utime+stime of the JVM, of every ocserv process) over them
# divided by the connects, for the headend split by thread kind (store: the sessions file's writer; other: the rest,
# with the virtual threads' carriers that run the DTLS handshakes: they come and go, so only the process total
# counts them whole).
#
# Usage (root): perf/scripts/connect-cost.sh [--repos "DIR_A DIR_B"] [--ocserv "rsa ec"] [--rounds 2]
#                   [--connects 300] [--rate 20] [--warmup 300] [--max-inflight 16] [--windows 1] [--jfr]
#   --repos   clones to compare (each built: mvn -B -q package -DskipTests -DskipITs); default this one
#   --ocserv  ocserv (Debian package) as one more contender per round, once per server key kind listed (rsa:
#             RSA-2048, ec: ECDSA P-256); sha512-crypt passwords (its 5,000 rounds), TLS 1.3 allowed (the DTLS PSK
#             is exported from it), no rate limit or ban score; CPU of all its processes, ended workers included
#   --windows measure that many windows of --connects one after another on the same server (each printed): whether
#             the JIT's share still falls after thousands of connects; the mean counts the last window only
#   --jfr     record a JFR execution profile of each measured window (HEADEND_JAVA_OPTS also reaches the JVM);
#             /tmp/hdcost-last/jfr/<round>-<n>.jfr, then: jfr print --events jdk.ExecutionSample FILE
# The loadgen of this clone drives every build. Figures are upper bounds on a loaded machine; the ratio between
# builds measured in the same round is what to read.
set -uo pipefail

REPOS=
ROUNDS=2
CONNECTS=300
RATE=20
WARMUP=300
INFLIGHT=16
JFR=
OCSERV=
WINDOWS=1
while [ $# -gt 0 ]; do
    case "$1" in
        --repos) REPOS=$2; shift 2 ;;
        --rounds) ROUNDS=$2; shift 2 ;;
        --connects) CONNECTS=$2; shift 2 ;;
        --rate) RATE=$2; shift 2 ;;
        --warmup) WARMUP=$2; shift 2 ;;
        --max-inflight) INFLIGHT=$2; shift 2 ;;
        --ocserv) OCSERV=$2; shift 2 ;;
        --windows) WINDOWS=$2; shift 2 ;;
        --jfr) JFR=1; shift ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
    esac
done
[ "$(id -u)" = 0 ] || { echo "connect-cost: needs root (network namespaces)" >&2; exit 2; }

JAVA_HOME=${HEADEND_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
PREFIX="hdcost-$$"
LOGS=/tmp/hdcost-last
# shellcheck source=bed.sh
source "$(dirname "${BASH_SOURCE[0]}")/bed.sh"
# shellcheck source=lib/loadgen-bench.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/loadgen-bench.sh"
GEN_REPO=$REPO
REPOS=${REPOS:-$REPO}
PASSWORD=cost-secret
BED_POOL_FIRST=10.100.0.10
BED_POOL_LAST=10.100.255.250
BED_POOL_MASK=255.255.0.0
TARGET=10.100.0.1
USERS=$((CONNECTS > WARMUP ? CONNECTS : WARMUP))

rm -rf "$LOGS"; mkdir -p "$LOGS/jfr"; chmod 755 "$LOGS"; chmod 1777 "$LOGS/jfr"   # the JVM runs as headend
trap bed_cleanup EXIT
bed_install_missing
bed_make || { log "could not build the test bed"; exit 1; }

# one salted PBKDF2 hash (the headend's own form, 5,000 iterations) for every user
BED_HEADEND_LINES=$(headend_users "$PASSWORD" "$USERS")
CRYPT=$(openssl passwd -6 "$PASSWORD")
for i in $(seq 1 "$USERS"); do echo "user$i:*:$CRYPT"; done > "$LOGS/users.ocpasswd"
BED_OCSERV_USERS="$LOGS/users.ocpasswd"
BED_OCSERV_PREDICTABLE=false
# TLS 1.3 so that the JDK client can export the DTLS PSK (ocserv's TLS 1.2 has no extended master secret)
BED_OCSERV_LINES='rate-limit-ms = 0
max-ban-score = 0
tls-priorities = "NORMAL:%SERVER_PRECEDENCE:%COMPAT:-VERS-SSL3.0:-VERS-TLS1.0:-VERS-TLS1.1"'
CONTENDERS=$(for r in $REPOS; do echo "$r"; done; for k in $OCSERV; do echo "ocserv-$k"; done)

jvm_ticks() {      # the JVM's CPU ticks by thread kind: "total jit gc front control loops store other"
    # the total is the process's (threads that ended, such as idle virtual-thread carriers, included); "other" is
    # what the live threads of the named kinds do not account for
    local pid; pid=$(bed_server_pids | head -1)
    { echo "TOTAL $(awk '{sub(/^.*\) /, ""); print $12 + $13}' /proc/"$pid"/stat)"
      for t in /proc/"$pid"/task/*; do
        echo "$(cat "$t/comm" 2>/dev/null) $(awk '{sub(/^.*\) /, ""); print $12 + $13}' "$t/stat" 2>/dev/null)"
      done; } | awk '{ v = $NF; $NF = ""
        if ($0 ~ /^TOTAL/) { s = v; next }
        if ($0 ~ /^C[12] Compiler/) j += v; else if ($0 ~ /^(GC |G1 )/) g += v
        else if ($0 ~ /^front-door/) f += v; else if ($0 ~ /^control/) c += v
        else if ($0 ~ /^(multiThreadIoEv|tun-agent)/) l += v
        else if ($0 ~ /^session-store/) w += v }
        END { printf "%d %d %d %d %d %d %d %d\n", s, j, g, f, c, l, w, s - j - g - f - c - l - w }'
}
server_ticks() {   # jvm_ticks for the headend; for ocserv the total of all its processes (ended workers included)
    if [ "$SERVER" = headend ]; then jvm_ticks; else echo "$(bed_cpu_ticks) 0 0 0 0 0 0 0"; fi
}
per_connect() {    # per_connect "BEFORE" "AFTER" N: ms per connect, total and by thread kind
    awk -v a="$1" -v b="$2" -v n="$3" -v hz="$HZ" 'BEGIN { split(a, x, " "); split(b, y, " ")
        split("total JIT GC front-door control loops store other", kind, " "); out = ""
        for (i = 1; i <= 8; i++) out = out sprintf("%s%s %.2f", (i > 1) ? ", " : "", kind[i], 1000 * (y[i] - x[i]) / hz / n)
        print out }'
}
loadgen() {        # loadgen NAME ARGS…
    local name=$1; shift
    (cd "$GEN_REPO" && LOADGEN_NO_BUILD=1 ip netns exec "$ATK" ./loadgen --server "$URL" --servercert "$PIN" \
        --user-pattern 'user%d' --password "$PASSWORD" --source 10.78.0.10-109 --quiet --hold 0 \
        --ping-interval 0 --out "$LOGS/$name" "$@") > "$LOGS/$name.out" 2> "$LOGS/$name.err"
}

declare -A SUM COUNT
for round in $(seq 1 "$ROUNDS"); do
    n=0
    for repo in $CONTENDERS; do
        n=$((n + 1))
        case "$repo" in
            ocserv-*)
                BED_OCSERV_KEY=${repo#ocserv-} bed_start_ocserv || exit 1 ;;
            *)
                REPO=$repo
                opts=${HEADEND_JAVA_OPTS:-}
                [ -n "$JFR" ] && opts="$opts -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints"
                HEADEND_JAVA_OPTS=$opts HEADEND_NO_BUILD=1 bed_start_headend || exit 1 ;;
        esac
        loadgen "warmup-$round-$n" --sessions "$WARMUP" --rate "$RATE" --max-inflight "$INFLIGHT" --duration 900
        sleep 2
        pid=$(bed_server_pids | head -1)
        for w in $(seq 1 "$WINDOWS"); do
            tag=$round-$n; [ "$WINDOWS" -gt 1 ] && tag=$round-$n-$w
            if [ -n "$JFR" ] && [ "$SERVER" = headend ]; then
                setpriv --reuid=headend --regid=headend --init-groups -- "$JAVA_HOME/bin/jcmd" "$pid" JFR.start \
                    name=cost settings=profile filename="$LOGS/jfr/$tag.jfr" > /dev/null
            fi
            t0=$(server_ticks)
            loadgen "measure-$tag" --sessions "$CONNECTS" --rate "$RATE" --max-inflight "$INFLIGHT" --duration 900
            sleep 2    # the logoffs settle
            t1=$(server_ticks)
            if [ -n "$JFR" ] && [ "$SERVER" = headend ]; then
                setpriv --reuid=headend --regid=headend --init-groups -- "$JAVA_HOME/bin/jcmd" "$pid" JFR.stop \
                    name=cost > /dev/null
            fi
            s="$LOGS/measure-$tag/summary.json"
            up=$(python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(d["setup"]["established"], d["setup"]["failures"])' "$s" 2>/dev/null || echo "? ?")
            line=$(per_connect "$t0" "$t1" "$CONNECTS")
            [ "$SERVER" = ocserv ] && line=${line%%,*}   # no thread split for ocserv's processes
            window=; [ "$WINDOWS" -gt 1 ] && window=" window $w"
            echo "round $round contender $n ($repo)$window: $CONNECTS connects (up/failed ${up}), CPU ms/connect: $line (load $(cut -d' ' -f1 /proc/loadavg))"
        done
        total=$(echo "$line" | awk '{print $2}' | tr -d ,)
        SUM[$n]=$(awk -v a="${SUM[$n]:-0}" -v b="$total" 'BEGIN { print a + b }')
        COUNT[$n]=$(( ${COUNT[$n]:-0} + 1 ))
        bed_stop_server
        sleep 1
    done
done
n=0
for repo in $CONTENDERS; do
    n=$((n + 1))
    echo "contender $n ($repo): mean CPU $(awk -v s="${SUM[$n]}" -v c="${COUNT[$n]}" 'BEGIN { printf "%.2f", s / c }') ms/connect over $ROUNDS round(s)"
done
