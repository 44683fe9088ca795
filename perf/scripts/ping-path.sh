#!/usr/bin/env bash
# ping-path.sh — where the server's time of one warm ping through DTLS goes (issue 11, item 3): the headend's share
# of each round trip, split into the way in and the way out, taken from packet timestamps in the server's namespace,
# and the system calls its event loop makes per ping.
#
#   way in:  the client's DTLS datagram arriving on veth-srv  →  the echo request written to the TUN (headend0)
#   way out: the echo reply the kernel sends to the TUN        →  the DTLS datagram leaving on veth-srv
# (tcpdump in the server namespace on both interfaces; the kernel's own answer in between is not the server's). The
# client's share and the wire are left out, so the figure does not move with the client's scheduling.
#
# Usage: perf/scripts/ping-path.sh [--rates "1 5 100"] [--pings N] [--rounds N] [--warm S] [--strace]
#                                  [--compare DIR] [--label NAME]
#   --rates    pings per second of the series (default "1 5 100"); each series has --pings pings (default 50)
#   --rounds   series per rate and variant (default 1)
#   --warm     seconds of iperf3 each way before the pings (default 5), as side-by-side.sh's warm series; their
#              throughput and the server's CPU-s per GB are printed too (a check that a latency change costs none)
#   --strace   after the timed series, one more at 5/s under strace -f on the data-plane event loop thread(s):
#              system calls per ping by name (strace slows the loop: its series is not timed)
#   --perf     after the timed series, perf record -g of the loop thread(s) during PERF_PINGS (default 1000) pings
#              at 100/s, with the JIT's symbols (jcmd Compiler.perfmap): perf report in $LOGS/VARIANT-perf.txt
#   --stages   the headend's own timestamps of each stage (-Dheadend.trace.stages, StageTrace: datagram in, record
#              opened, TUN write called and returned, TUN readable, TUN read, sendmsg called and returned), written
#              when it stops (the system calls' marks split our code from the kernel's work); the steps between
#              them, per ping, are printed (median, p90, µs) for every series of the start together
#   --compare  another clone (e.g. a worktree of main, built) whose ./headend runs in the same run: each round
#              runs this clone's headend and that one's, alternating which goes first, so the machine's load
#              drift favours neither; figures are printed per variant
# Needs root, openconnect, iperf3, tcpdump, python3. HEADEND_JAVA_OPTS reaches the JVMs. Build each clone first
# (mvn -B -q package -DskipTests); HEADEND_NO_BUILD=1 is set, so a stale build is run as it is.
# Logs stay in $HDBENCH_LOGS (default /tmp/ping-path-last). The run is capped at MAX_SECONDS (default 900).
set -uo pipefail

BENCH=ping-path
LOGS=${HDBENCH_LOGS:-/tmp/ping-path-last}
MAX_SECONDS=${MAX_SECONDS:-900}
MODE=dtls
RATES="1 5 100"
PINGS=50
ROUNDS=1
WARM=5
STRACE=
PERF=
STAGES=
COMPARE=
LABEL=this
while [ $# -gt 0 ]; do
    case "$1" in
        --rates) RATES=$2; shift 2 ;;
        --pings) PINGS=$2; shift 2 ;;
        --rounds) ROUNDS=$2; shift 2 ;;
        --warm) WARM=$2; shift 2 ;;
        --strace) STRACE=1; shift ;;
        --perf) PERF=1; shift ;;
        --stages) STAGES=1; shift ;;
        --compare) COMPARE=$(cd "$2" && pwd) || exit 2; shift 2 ;;
        --label) LABEL=$2; shift 2 ;;
        -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
[ "$(id -u)" = 0 ] || { echo "needs root" >&2; exit 1; }
for tool in openconnect iperf3 tcpdump python3 strace; do
    command -v "$tool" >/dev/null || { echo "$tool missing" >&2; exit 1; }
done

# shellcheck source=lib/netns-bench.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/netns-bench.sh"
THIS=$REPO
export HEADEND_NO_BUILD=1
bench_begin

bench_headend_config 1362 > "$LOGS/headend.conf"

# the data-plane event loop thread(s) of the JVM in the server namespace (Netty names them multiThreadIoEventLoopGroup-N-M;
# the front door's loop is named front-door)
loop_tids() {
    local p t
    for p in $(ip netns pids "$SRV"); do
        [ "$(cat "/proc/$p/comm" 2>/dev/null)" = java ] || continue
        for t in /proc/"$p"/task/*; do
            case "$(cat "$t/comm" 2>/dev/null)" in multiThreadIoEv*) echo "${t##*/}" ;; esac
        done
    done
}

timed_series() {   # timed_series VARIANT RATE ROUND: pings with tcpdump on both interfaces
    local variant=$1 rate=$2 round=$3 base="$LOGS/$1-$2-$3"
    ip netns exec "$SRV" tcpdump -i veth-srv -nn -tt --time-stamp-precision=nano -l udp port 443 \
        > "$base.veth.txt" 2>/dev/null &
    local d1=$!
    ip netns exec "$SRV" tcpdump -i headend0 -nn -tt --time-stamp-precision=nano -l icmp \
        > "$base.tun.txt" 2>/dev/null &
    local d2=$!
    PIDS+=("$d1" "$d2")
    sleep 1.5
    ip netns exec "$CLI" ping -n -i "$(awk -v r="$rate" 'BEGIN { printf "%.3f", 1 / r }')" -c "$PINGS" -W 2 "$TARGET" \
        > "$base.ping.txt" 2>&1
    sleep 0.5
    kill -INT "$d1" "$d2" 2>/dev/null; wait "$d1" "$d2" 2>/dev/null
}

strace_series() { # strace_series VARIANT: system calls of the loop thread(s) per ping at 5/s
    local variant=$1 tids args=() t n=40
    tids=$(loop_tids)
    [ -n "$tids" ] || { log "$variant: no event loop thread found"; return; }
    for t in $tids; do args+=(-p "$t"); done
    # no -f: with -p a thread, -f would take in every thread of the JVM
    strace -qq -tt -T "${args[@]}" -o "$LOGS/$variant-strace.txt" &
    local s=$!
    sleep 2
    ip netns exec "$CLI" ping -n -i 0.2 -c "$n" -W 2 "$TARGET" > "$LOGS/$variant-strace-ping.txt" 2>&1
    sleep 0.3
    kill -INT "$s" 2>/dev/null; wait "$s" 2>/dev/null
    python3 - "$LOGS/$variant-strace.txt" "$n" "$variant" <<'EOF'
import re, sys, collections
path, pings, variant = sys.argv[1], int(sys.argv[2]), sys.argv[3]
calls = collections.Counter()
for line in open(path):
    # "TID HH:MM:SS.micros name(...) = r <secs>"; a call cut by another thread's shows again as "<... name resumed>"
    m = re.match(r'(?:\d+\s+)?[\d:.]+\s+(\w+)\(', line)
    if m:
        calls[m.group(1)] += 1
total = sum(calls.values())
print(f"{variant}: system calls of the event loop thread(s) per ping at 5/s (strace, {pings} pings): "
      f"{total / pings:.1f} — " + ", ".join(f"{k} {v / pings:.1f}" for k, v in calls.most_common()))
EOF
}

perf_series() {    # perf_series VARIANT: where the loop thread's CPU goes at 100 pings/s
    local variant=$1 tids t list= jvm
    tids=$(loop_tids)
    [ -n "$tids" ] || { log "$variant: no event loop thread found"; return; }
    for t in $tids; do list+=${list:+,}$t; done
    jvm=$(for p in $(ip netns pids "$SRV"); do [ "$(cat "/proc/$p/comm" 2>/dev/null)" = java ] && echo "$p"; done | head -1)
    perf record -q -g -t "$list" -o "$LOGS/$variant-perf.data" 2>/dev/null &
    local r=$!
    ip netns exec "$CLI" ping -n -i 0.01 -c "${PERF_PINGS:-1000}" -W 2 "$TARGET" > "$LOGS/$variant-perf-ping.txt" 2>&1
    kill -INT "$r" 2>/dev/null; wait "$r" 2>/dev/null
    # the JIT's code addresses, for perf's symbols (/tmp/perf-PID.map); the JVM runs as the user headend
    runuser -u headend -- jcmd "$jvm" Compiler.perfmap > /dev/null 2>&1 || jcmd "$jvm" Compiler.perfmap > /dev/null 2>&1
    perf report -i "$LOGS/$variant-perf.data" --no-children --sort sym --stdio 2>/dev/null | grep -v '^$' \
        > "$LOGS/$variant-perf.txt"
    log "$variant: perf report in $LOGS/$variant-perf.txt"
}

run_variant() {    # run_variant VARIANT DIR: one start of DIR's headend, warm, every rate's timed series
    local variant=$1 round=$3
    REPO=$2 SERVER=$variant
    # the JVM runs as the user headend: the trace goes where it may write
    local stages=/tmp/ping-path-$$-$variant-$round.stages
    AOT_OPTS=
    [ -n "$STAGES" ] && AOT_OPTS="-Dheadend.trace.stages=$stages"
    start_headend || { log "$variant: no start"; return 1; }
    connect_client "$PIN" "$URL" || { stop_headend; return 1; }
    grep -q 'DTLS connected\|Established DTLS' "$LOGS/$SERVER-openconnect.txt" || log "$variant: DTLS is not up"
    start_iperf_server
    # the warm-up is also a throughput check of the variant: its server CPU-s per GB, each way
    DURATION=$WARM
    tcp_run "warm-up-$round"; tcp_run "warm-down-$round" -R
    stop_iperf_server
    echo "$variant round $round warm transfers: up ${RESULT[$variant:warm-up-$round.mbit]:-n/a} Mbit/s" \
        "${RESULT[$variant:warm-up-$round.cpugb]:-n/a} CPU-s/GB, down ${RESULT[$variant:warm-down-$round.mbit]:-n/a}" \
        "Mbit/s ${RESULT[$variant:warm-down-$round.cpugb]:-n/a} CPU-s/GB" >> "$LOGS/transfers.txt"
    local rate
    for rate in $RATES; do timed_series "$variant" "$rate" "$round"; done
    [ -n "$STRACE" ] && [ "$round" = 1 ] && strace_series "$variant"
    [ -n "$PERF" ] && [ "$round" = 1 ] && perf_series "$variant"
    disconnect_client
    stop_headend
    if [ -n "$STAGES" ]; then
        mv "$stages" "$LOGS/$variant-$round.stages" 2>/dev/null || log "$variant: no stage trace written"
    fi
    sleep 1
}

for round in $(seq 1 "$ROUNDS"); do
    if [ -z "$COMPARE" ]; then
        run_variant "$LABEL" "$THIS" "$round"
    elif [ $((round % 2)) = 1 ]; then
        run_variant "$LABEL" "$THIS" "$round"; run_variant other "$COMPARE" "$round"
    else
        run_variant other "$COMPARE" "$round"; run_variant "$LABEL" "$THIS" "$round"
    fi
done

python3 - "$LOGS" "$RATES" <<'EOF'
import glob, os, re, sys, collections
logs, rates = sys.argv[1], sys.argv[2].split()
TS = re.compile(r'^(\d+\.\d+) ')
def stamps(path, pattern):
    out = []
    for line in open(path):
        m = TS.match(line)
        if m and pattern in line:
            out.append(float(m.group(1)))
    return out
def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(p / 100 * len(s)))] if s else float('nan')
ways = collections.defaultdict(lambda: {'in': [], 'out': [], 'rtt': []})
for tun in sorted(glob.glob(os.path.join(logs, '*.tun.txt'))):
    base = tun[:-len('.tun.txt')]
    variant, rate, _ = os.path.basename(base).rsplit('-', 2)
    udp_in = [float(TS.match(l).group(1)) for l in open(base + '.veth.txt')
              if TS.match(l) and re.search(r'10\.77\.0\.2\.\d+ > 10\.77\.0\.1\.443', l)]
    udp_out = [float(TS.match(l).group(1)) for l in open(base + '.veth.txt')
               if TS.match(l) and re.search(r'10\.77\.0\.1\.443 > 10\.77\.0\.2', l)]
    requests = stamps(tun, 'echo request')
    replies = stamps(tun, 'echo reply')
    w = ways[(variant, rate)]
    for t in requests:
        before = [u for u in udp_in if u <= t]
        if before and t - before[-1] < 0.05:
            w['in'].append((t - before[-1]) * 1e6)
    for t in replies:
        after = [u for u in udp_out if u >= t]
        if after and after[0] - t < 0.05:
            w['out'].append((after[0] - t) * 1e6)
    for line in open(base + '.ping.txt'):
        m = re.search(r'time=([\d.]+) ms', line)
        if m:
            w['rtt'].append(float(m.group(1)) * 1000)
print(f"{'variant':>8} {'rate':>5} {'n':>4} | {'in p50':>7} {'in p90':>7} | {'out p50':>7} {'out p90':>7} | "
      f"{'RTT p50':>7} {'RTT p99':>7}   (µs; in = veth → TUN, out = TUN → veth)")
for (variant, rate) in sorted(ways, key=lambda k: (k[0], float(k[1]))):
    w = ways[(variant, rate)]
    print(f"{variant:>8} {rate:>5} {len(w['in']):>4} | {pct(w['in'], 50):7.0f} {pct(w['in'], 90):7.0f} | "
          f"{pct(w['out'], 50):7.0f} {pct(w['out'], 90):7.0f} | {pct(w['rtt'], 50):7.0f} {pct(w['rtt'], 99):7.0f}")
EOF
[ -n "$STAGES" ] && python3 - "$LOGS" <<'EOF'
import glob, os, sys, collections
# one ping through the server: the marks from a datagram that follows 5 ms of quiet (not a transfer's packet) to
# the first datagram sent after it, within 20 ms
def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(p / 100 * len(s)))] if s else float('nan')
per_variant = collections.defaultdict(lambda: collections.defaultdict(list))
for path in glob.glob(os.path.join(sys.argv[1], '*.stages')):
    variant = os.path.basename(path).rsplit('-', 1)[0]
    marks = [(int(t), name) for t, name in (line.split() for line in open(path))]
    for i, (t, name) in enumerate(marks):
        if name != 'datagram-in' or (i > 0 and t - marks[i - 1][0] < 5_000_000):
            continue
        j = i + 1
        while j < len(marks) and marks[j][1] != 'datagram-out' and marks[j][0] - t < 20_000_000:
            j += 1
        if j == len(marks) or marks[j][1] != 'datagram-out':
            continue
        intervals = per_variant[variant]
        for (t0, a), (t1, b) in zip(marks[i:j + 1], marks[i + 1:j + 1]):
            intervals[f'{a} -> {b}'].append((t1 - t0) / 1000)
        intervals['datagram-in -> datagram-out (all)'].append((marks[j][0] - t) / 1000)
for variant, intervals in sorted(per_variant.items()):
    pings = len(intervals['datagram-in -> datagram-out (all)'])
    print(f"{variant}: the headend's stages per ping (µs, {pings} pings; steps seen in fewer than half left out)")
    for name, values in intervals.items():
        if len(values) * 2 >= pings:
            print(f"  {name:36} p50 {pct(values, 50):7.1f}  p90 {pct(values, 90):7.1f}  (n {len(values)})")
EOF
cat "$LOGS/transfers.txt" 2>/dev/null
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end; logs in $LOGS"
