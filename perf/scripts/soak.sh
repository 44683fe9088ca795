#!/usr/bin/env bash
# soak.sh — a bounded soak of the headend (issue 10, item 8): openconnect sessions churn with traffic for --minutes
# (default 30), and every --interval seconds (default 60) the JVM's heap after a full GC (jcmd GC.run, then
# GC.heap_info), RSS, open file descriptors and threads are sampled and printed.
#
# Churn: two clients, one in each client namespace of perf/scripts/bed.sh, each in a loop: log in (DTLS allowed),
# ping 192.168.100.1 through the tunnel (1000-byte pings every 10 ms) for 5-15 s, leave: 4 times in 5 with a clean
# disconnect (the session ends), once in 5 killed (SIGKILL: the session stays until vpn-idle-timeout, 1 minute here).
# A cycle is connected when openconnect's script has put the address and route on the tun (lib/tunnel-await.sh),
# and counts only if its pings got replies. The wait for that is stated at the start: --connect-wait, by default
# 30 s times the run queue per core at the start (load average / cores, at least 1, the wait at most 600 s): a
# connect is CPU work, so at load L on C cores it takes about L/C times as long as on an idle machine, and the first
# connect of a run also waits for the appliance's JIT (a cold connect at nice 19 and load 30 took over 30 s).
# The connect times of the connected cycles are printed at the end (p50, p90, p99, max; the cold first ones apart).
#
# Trend test, per metric: the least-squares slope over the second half of the samples (the first half is warm-up:
# JIT, heap sizing, pools), times that half's time span, is the rise. The run fails when the rise exceeds both an
# absolute floor (heap 4 MB, RSS 16 MB, fds 8, threads 4) and 5 % of the metric's median over that half; it also
# fails when the appliance dies or a metric cannot be read. At least 4 samples in the second half are needed for a
# verdict (so --minutes 6 or more at the default interval); fewer print "too short" and fail.
#
# Usage: perf/scripts/soak.sh [--minutes N] [--interval S] [--connect-wait S]
# Needs root. Logs: /tmp/hdsoak-last/ ($SOAK_LOGS), each failed cycle's openconnect output as churnN-failed-CYCLE.txt.
set -uo pipefail

MINUTES=30 INTERVAL=60 CONNECT_WAIT=
while [ $# -gt 0 ]; do
    case "$1" in
        --minutes) MINUTES=$2; shift 2 ;;
        --interval) INTERVAL=$2; shift 2 ;;
        --connect-wait) CONNECT_WAIT=$2; shift 2 ;;
        -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
    esac
done
[ "$(id -u)" = 0 ] || { echo "soak: needs root (network namespaces)" >&2; exit 2; }

PREFIX="hdsoak-$$"
LOGS=${SOAK_LOGS:-/tmp/hdsoak-last}
# shellcheck source=bed.sh
. "$(dirname "${BASH_SOURCE[0]}")/bed.sh"
# shellcheck source=lib/tunnel-await.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/tunnel-await.sh"
[ -n "$CONNECT_WAIT" ] || CONNECT_WAIT=$(awk -v c="$(nproc)" '{ w = 30 * $1 / c; w = w < 30 ? 30 : w; w = w > 600 ? 600 : w
    printf "%d", w + 0.999 }' /proc/loadavg)
JCMD="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/jcmd"
SAMPLES="$LOGS/samples.tsv"

churn() {               # churn NS N: one client's endless loop of sessions in namespace NS
    local ns=$1 n=$2 cycle=0 pid base result received
    local out="$LOGS/churn$n-openconnect.txt" env="$LOGS/churn$n-env.txt"
    while :; do
        cycle=$((cycle + 1))
        base=$(tunnel_baseline "$out" "$env")
        echo demo-secret | HDIT_ENV_LOG="$env" ip netns exec "$ns" openconnect \
            --protocol=anyconnect --non-inter --passwd-on-stdin --user demo --servercert "$PIN" \
            --script "bash $SCRIPT" --interface "hdsoak$n" "$URL" > "$out" 2>&1 &
        pid=$!
        if result=$(tunnel_await "$pid" "$env" "$base" "$CONNECT_WAIT"); then
            received=$(ip netns exec "$ns" ping -n -q -i 0.01 -s 1000 -W 1 -w $((5 + RANDOM % 11)) "$TARGET" 2>&1 |
                sed -n 's/.* \([0-9]*\) received.*/\1/p')
            if [ "${received:-0}" -gt 0 ]; then
                echo "$cycle ok ${result#up } $(date -u +%T) $received replies" >> "$LOGS/churn$n-cycles.txt"
            else
                echo "$cycle failed noreply ${result#up } $(date -u +%T)" >> "$LOGS/churn$n-cycles.txt"
                cp "$out" "$LOGS/churn$n-failed-$cycle.txt"
            fi
        else
            echo "$cycle failed $result $(date -u +%T)" >> "$LOGS/churn$n-cycles.txt"
            # the next cycle empties $out: keep what openconnect said when it could not connect
            cp "$out" "$LOGS/churn$n-failed-$cycle.txt"
        fi
        if [ $((cycle % 5)) -eq 0 ]; then kill -KILL "$pid" 2>/dev/null; else kill -TERM "$pid" 2>/dev/null; fi
        wait "$pid" 2>/dev/null
        sleep 0.5
    done
}

connect_times() {       # connect_times LABEL AWK-CONDITION: the distribution of the connected cycles' connect times
    awk "\$2 == \"ok\" && $2 { print \$3 }" "$LOGS"/churn*-cycles.txt | sort -n | awk -v label="$1" '
        function rank(p,  i) { i = int(p * NR); return v[i < p * NR ? i + 1 : i] }    # nearest rank
        { v[NR] = $1 }
        END {
            if (NR == 0) { printf "%s: none\n", label; exit }
            printf "%s: %d, p50 %.2f s, p90 %.2f s, p99 %.2f s, max %.2f s\n", label, NR, rank(0.5), rank(0.9),
                rank(0.99), v[NR]
        }'
}

sample() {              # one line: seconds heapMB rssMB fds threads
    local pid=$SERVER_PID heap
    runuser -u headend -- "$JCMD" "$pid" GC.run >/dev/null 2>&1
    heap=$(runuser -u headend -- "$JCMD" "$pid" GC.heap_info 2>/dev/null |
        sed -n 's/.* heap .*used \([0-9]*\)K.*/\1/p' | head -1)
    printf '%d\t%s\t%s\t%s\t%s\n' "$(( $(date +%s) - START ))" \
        "$(awk -v k="${heap:-}" 'BEGIN { if (k == "") print "n/a"; else printf "%.1f", k / 1024 }')" \
        "$(awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$pid/status" 2>/dev/null || echo n/a)" \
        "$(ls "/proc/$pid/fd" 2>/dev/null | wc -l)" \
        "$(awk '/^Threads:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo n/a)"
}

trend() {               # trend COLUMN NAME FLOOR: prints the verdict line; exit status 1 when it rises
    awk -F'\t' -v c="$1" -v name="$2" -v floor="$3" '
        { t[NR] = $1; v[NR] = $c }
        END {
            first = int(NR / 2) + 1; n = NR - first + 1
            if (n < 4) { printf "%-8s too short: %d sample(s) in the second half, 4 needed\n", name, n; exit 1 }
            for (i = first; i <= NR; i++) {
                if (v[i] == "n/a" || v[i] == "") { printf "%-8s unreadable at %ds\n", name, t[i]; exit 1 }
                st += t[i]; sv += v[i]; m[i - first + 1] = v[i] + 0
            }
            mt = st / n; mv = sv / n
            for (i = first; i <= NR; i++) { num += (t[i] - mt) * (v[i] - mv); den += (t[i] - mt) ^ 2 }
            slope = den > 0 ? num / den : 0
            rise = slope * (t[NR] - t[first])
            for (i = 2; i <= n; i++) { x = m[i]; j = i - 1; while (j > 0 && m[j] > x) { m[j + 1] = m[j]; j-- } m[j + 1] = x }
            median = (n % 2) ? m[(n + 1) / 2] : (m[n / 2] + m[n / 2 + 1]) / 2
            limit = floor > 0.05 * median ? floor : 0.05 * median
            up = rise > limit
            printf "%-8s slope %+.4f/min over the second half, rise %+.2f (limit %.2f): %s\n", name, slope * 60, rise,
                limit, up ? "TRENDS UPWARD" : "flat"
            exit up
        }' "$SAMPLES"
}

bed_install_missing
rm -rf "$LOGS"; mkdir -p "$LOGS"; chmod 755 "$LOGS"
trap 'bed_cleanup; exit 130' INT TERM
trap bed_cleanup EXIT
bed_make || { log "cannot build the namespaces"; exit 1; }
bed_start_headend " vpn-idle-timeout 1" || exit 1
churn "$CLI" 1 & PIDS+=($!)
churn "$ATK" 2 & PIDS+=($!)
START=$(date +%s)
END=$((START + MINUTES * 60))
printf 'soak: %d min, a sample every %d s; headend JVM pid %d; a connect may take %d s (load %s on %d cores)\n' \
    "$MINUTES" "$INTERVAL" "$SERVER_PID" "$CONNECT_WAIT" "$(cut -d' ' -f1 /proc/loadavg)" "$(nproc)"
printf '%8s %10s %10s %6s %8s %8s\n' "seconds" "heap MB" "RSS MB" "fds" "threads" "sessions done"
: > "$SAMPLES"
status=0
while :; do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then log "the appliance died (see $LOGS/headend-stderr.txt)"; status=1; break; fi
    line=$(sample)
    echo "$line" >> "$SAMPLES"
    cycles=$(cat "$LOGS"/churn*-cycles.txt 2>/dev/null | grep -c ' ok ')
    IFS=$'\t' read -r s h r f t <<< "$line"
    printf '%8s %10s %10s %6s %8s %8s\n' "$s" "$h" "$r" "$f" "$t" "$cycles"
    [ "$(date +%s)" -ge "$END" ] && break
    sleep "$(( INTERVAL - ($(date +%s) - START) % INTERVAL ))"
done
failed=$(cat "$LOGS"/churn*-cycles.txt 2>/dev/null | grep -c failed)
echo "sessions: $(cat "$LOGS"/churn*-cycles.txt 2>/dev/null | grep -c ' ok ') with traffic, $failed failed (see $LOGS/churn*-cycles.txt)"
connect_times "connect times, first cycles (cold)" '$1 == 1'
connect_times "connect times, other cycles" '$1 > 1'
trend 2 heap 4 || status=1
trend 3 RSS 16 || status=1
trend 4 fds 8 || status=1
trend 5 threads 4 || status=1
[ "$failed" -eq 0 ] || { echo "some logins failed"; status=1; }
exit $status
