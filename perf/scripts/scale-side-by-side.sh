#!/usr/bin/env bash
# scale-side-by-side.sh — the headend and ocserv at scale, in one run, on the namespace test bed of bed.sh, driven
# by ./loadgen (issue 13, item 5). Per server:
#   idle RTT      a few sessions pinging once a second, before any load (the reference for "p99 within 2x idle")
#   warm-up       --warmup connects (default 200) that count nowhere: the JVM's JIT compiles the connect path
#                 during its first hundreds of connects (half of its CPU then), ocserv has nothing to warm
#   setup rate    open-loop steps (--rates), each for --step-seconds, every session logging off at once: the highest
#                 rate with 0 failures and a setup p99 (from the intended start, so a server that falls behind shows)
#                 under --slo-ms; server CPU ms per connect (utime+stime of every server process / connects, the
#                 logoff included) at each step
#   plateaus      generators ramp to each of --levels (default 1000 5000 10000), offered --rate (default 50/s)
#                 with at most 64 setups in flight, so the ramp runs as fast as the server sets sessions up without
#                 piling up handshakes that time out; each level is held for
#                 --hold seconds with every session pinging once a second: server PSS (all its processes, from
#                 smaps_rollup), its fds, CPU ms per connect over the ramp to the level, and the RTT percentiles
#                 of the hold; memory per session is the PSS slope between levels (fixed costs cancel)
# The generator runs in the attacker namespace of bed.sh with its 100 source addresses (so no per-address cap of
# either server applies), as one process per 5,000 sessions (2 fds each under a hard limit of 20,000). Both servers get the same /16 pool, users user1..N with one
# password, ECDSA P-256 server keys, and no rate limit or ban score in ocserv (its defaults would cap it at 10
# connects/s). Server CPU counts the children that ended (ocserv's workers exit at logoff).
#
# Usage: perf/scripts/scale-side-by-side.sh [--only both|headend|ocserv] [--levels "1000 5000 10000"]
#            [--ocserv-levels "…"] [--rate R] [--hold S] [--rates "10 20 40 80 160"] [--step-seconds S]
#            [--slo-ms MS] [--idle-sessions N] [--warmup N] [--max-seconds S]
# Needs root. Logs and every generator's summary.json stay in /tmp/hdscale-last/. Build first (mvn -B -q package
# -DskipTests -DskipITs) so that neither launcher builds inside the time cap. HEADEND_JAVA_OPTS reaches the headend.
# Every figure is printed with the load average at that moment: on a shared machine they are upper bounds.
set -uo pipefail

ONLY=both
LEVELS="1000 5000 10000"
OCSERV_LEVELS=
RATE=50
HOLD=30
RATES="10 20 40 80 160"
STEP_SECONDS=10
SLO_MS=5000
IDLE_SESSIONS=20
WARMUP=200
MAX_SECONDS=${MAX_SECONDS:-3000}
while [ $# -gt 0 ]; do
    case "$1" in
        --only) ONLY=$2; shift 2 ;;
        --levels) LEVELS=$2; shift 2 ;;
        --ocserv-levels) OCSERV_LEVELS=$2; shift 2 ;;
        --rate) RATE=$2; shift 2 ;;
        --hold) HOLD=$2; shift 2 ;;
        --rates) RATES=$2; shift 2 ;;
        --step-seconds) STEP_SECONDS=$2; shift 2 ;;
        --slo-ms) SLO_MS=$2; shift 2 ;;
        --idle-sessions) IDLE_SESSIONS=$2; shift 2 ;;
        --warmup) WARMUP=$2; shift 2 ;;
        --max-seconds) MAX_SECONDS=$2; shift 2 ;;
        -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
    esac
done
case "$ONLY" in both|ocserv|headend) ;; *) echo "--only both|ocserv|headend" >&2; exit 2 ;; esac
[ "$(id -u)" = 0 ] || { echo "scale-side-by-side: needs root (network namespaces)" >&2; exit 2; }
OCSERV_LEVELS=${OCSERV_LEVELS:-$LEVELS}

PREFIX="hdscale-$$"
LOGS=${SCALE_LOGS:-/tmp/hdscale-last}   # SCALE_LOGS: another directory, so that two runs do not share one
# shellcheck source=bed.sh
source "$(dirname "${BASH_SOURCE[0]}")/bed.sh"
# shellcheck source=lib/loadgen-bench.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/loadgen-bench.sh"

MAX_USERS=0
for n in $LEVELS $OCSERV_LEVELS $WARMUP; do [ "$n" -gt "$MAX_USERS" ] && MAX_USERS=$n; done
for r in $RATES; do n=$(awk -v r="$r" -v s="$STEP_SECONDS" 'BEGIN { printf "%d", r * s }'); [ "$n" -gt "$MAX_USERS" ] && MAX_USERS=$n; done
PASSWORD=scale-secret
BED_POOL_FIRST=10.100.0.10
BED_POOL_LAST=10.100.255.250
BED_POOL_MASK=255.255.0.0
BED_OCSERV_PREDICTABLE=false
BED_OCSERV_KEY=ec    # the headend's own key is ECDSA P-256 (RSA-2048 before 2026-12-07): both sign alike
# TLS 1.3 so that the JDK client can export the DTLS PSK (ocserv's TLS 1.2 has no extended master secret)
BED_OCSERV_LINES='rate-limit-ms = 0
max-ban-score = 0
tls-priorities = "NORMAL:%SERVER_PRECEDENCE:%COMPAT:-VERS-SSL3.0:-VERS-TLS1.0:-VERS-TLS1.1"'
TARGET=10.100.0.1
SOURCES=10.78.0.10-109

rm -rf "$LOGS"; mkdir -p "$LOGS"
# the headend needs one fd per TLS session (10,000 at the top level); ulimit -n must allow that plus its own
ulimit -n "$(ulimit -Hn)"

WATCHDOG=
cleanup() {
    trap - EXIT INT TERM
    [ -n "$WATCHDOG" ] && kill "$WATCHDOG" 2>/dev/null
    bed_cleanup
}
trap cleanup EXIT
# the time cap (or Ctrl-C): the generators stop, and what was measured so far is printed
trap 'for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done; print_table; exit 130' INT TERM
( sleep "$MAX_SECONDS"; log "time cap of $MAX_SECONDS s reached"; kill -TERM $$ ) & WATCHDOG=$!

bed_install_missing
bed_make || { log "could not build the test bed"; exit 1; }

# one salted PBKDF2 hash (the headend's own form) and one sha512-crypt for every user: the configs load quickly
BED_HEADEND_LINES=$(headend_users "$PASSWORD" "$MAX_USERS")
CRYPT=$(openssl passwd -6 "$PASSWORD")
for i in $(seq 1 "$MAX_USERS"); do echo "user$i:*:$CRYPT"; done > "$LOGS/users.ocpasswd"
BED_OCSERV_USERS="$LOGS/users.ocpasswd"

loadavg() { cut -d' ' -f1 /proc/loadavg; }
fds() { local total=0 p; for p in $(bed_server_pids); do total=$((total + $(ls "/proc/$p/fd" 2>/dev/null | wc -l))); done; echo "$total"; }
ms_per() { awk -v t="$1" -v n="$2" -v hz="$HZ" 'BEGIN { if (n > 0) printf "%.2f", 1000 * t / hz / n; else print "n/a" }'; }

loadgen() {        # loadgen NAME ARGS…: one generator run in the attacker namespace; stdout in $LOGS/$SERVER-NAME.out
    local name=$1; shift
    (cd "$REPO" && LOADGEN_NO_BUILD=1 ip netns exec "$ATK" ./loadgen --server "$URL" --servercert "$PIN" \
        --user-pattern 'user%d' --password "$PASSWORD" --source "$SOURCES" --ping-target "$TARGET" --quiet \
        --out "$LOGS/$SERVER-$name" "$@") > "$LOGS/$SERVER-$name.out" 2> "$LOGS/$SERVER-$name.err"
}

declare -A R       # R[server:metric]=value

thread_ticks() {   # the headend's CPU ticks by thread kind: "jit gc front control loops other"
    local pid; pid=$(bed_server_pids | head -1)
    [ -n "$pid" ] || { echo "0 0 0 0 0 0"; return; }
    for t in /proc/"$pid"/task/*; do
        echo "$(cat "$t/comm" 2>/dev/null) $(awk '{sub(/^.*\) /, ""); print $12 + $13}' "$t/stat" 2>/dev/null)"
    done | awk '{ v = $NF; $NF = ""
        if ($0 ~ /^C[12] Compiler/) j += v; else if ($0 ~ /^(GC |G1 )/) g += v
        else if ($0 ~ /^front-door/) f += v; else if ($0 ~ /^control/) c += v
        else if ($0 ~ /^(multiThreadIoEv|tun-agent|dtls-handshake)/) l += v; else o += v }
        END { printf "%d %d %d %d %d %d\n", j, g, f, c, l, o }'
}
thread_split() {   # thread_split "BEFORE" "AFTER" CONNECTS: ms per connect by thread kind
    awk -v a="$1" -v b="$2" -v n="$3" -v hz="$HZ" 'BEGIN { split(a, x, " "); split(b, y, " ")
        split("JIT GC front-door control loops other", kind, " "); out = ""
        for (i = 1; i <= 6; i++) {
            v = (n > 0) ? 1000 * (y[i] - x[i]) / hz / n : 0
            out = out sprintf("%s%s %.2f", (i > 1) ? ", " : "", kind[i], v)
        }
        print out " ms/connect" }'
}

memory_detail() {  # memory_detail LEVEL: where the headend's PSS is, in $LOGS/headend-memory-LEVEL.txt (after the GC
    local jcmd="${HEADEND_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/jcmd" pid out="$LOGS/headend-memory-$1.txt"
    pid=$(bed_server_pids | head -1)
    [ -n "$pid" ] || return 0
    {
        echo "== PSS by kind of mapping (kB)"
        perl "$(dirname "${BASH_SOURCE[0]}")/lib/smaps-by-kind.pl" "/proc/$pid/smaps" | awk '$1 > 0'
        # with HEADEND_JAVA_OPTS=-XX:NativeMemoryTracking=summary: the JVM's own reckoning, committed by category
        if [ -x "$jcmd" ]; then
            echo "== jcmd VM.native_memory summary"
            setpriv --reuid=headend --regid=headend --init-groups -- "$jcmd" "$pid" VM.native_memory summary scale=KB 2>&1
        fi
        echo "== glibc malloc settings in the environment: $(tr "\\0" "\\n" < "/proc/$pid/environ" | grep "^MALLOC_" | paste -sd" " || true) (empty: glibc's defaults)"
    } > "$out"
}

heap_histogram() { # the headend's live objects at a level (forces a full GC, after the hold's RTT window closed)
    local jcmd="${HEADEND_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/jcmd" pid
    pid=$(bed_server_pids | head -1)
    [ -x "$jcmd" ] && [ -n "$pid" ] || return 0
    setpriv --reuid=headend --regid=headend --init-groups -- "$jcmd" "$pid" GC.class_histogram \
        > "$LOGS/headend-histogram-$1.txt" 2>&1
    R[$SERVER:live-$1]=$(awk '/^Total/ { printf "%.0f", $3 / 1048576 }' "$LOGS/headend-histogram-$1.txt")
}

idle_rtt() {
    loadgen idle --sessions "$IDLE_SESSIONS" --rate 20 --hold 30 --ping-interval 1000 --duration 120
    local s="$LOGS/$SERVER-idle/summary.json"
    [ -f "$s" ] || { log "$SERVER: idle run wrote no summary (see $LOGS/$SERVER-idle.err)"; return 1; }
    R[$SERVER:idle]="p50 $(json "$s" latency_ms.rtt.p50) / p99 $(json "$s" latency_ms.rtt.p99) ms, $(json "$s" traffic.pings_received)/$(json "$s" traffic.pings_sent) pings (load $(loadavg))"
}

setup_steps() {    # highest step rate with 0 failures and setup p99 (from the intended start) under the SLO
    local r n t0 t1 s fail p99 best=none split0
    for r in $RATES; do
        n=$(awk -v r="$r" -v s="$STEP_SECONDS" 'BEGIN { printf "%d", r * s }')
        t0=$(bed_cpu_ticks); [ "$SERVER" = headend ] && split0=$(thread_ticks)
        loadgen "step-$r" --sessions "$n" --rate "$r" --max-inflight 256 --hold 0 --ping-interval 0 \
            --duration $((STEP_SECONDS * 6 + 60))
        t1=$(bed_cpu_ticks)
        [ "$SERVER" = headend ] && R[$SERVER:split-step-$r]=$(thread_split "$split0" "$(thread_ticks)" "$n")
        s="$LOGS/$SERVER-step-$r/summary.json"
        [ -f "$s" ] || { log "$SERVER: step $r/s wrote no summary"; break; }
        fail=$(json "$s" setup.failures); p99=$(json "$s" latency_ms.setup_corrected.p99)
        R[$SERVER:step-$r]="$(json "$s" setup.established)/$n up, $fail failed, achieved $(json "$s" setup.achieved_setup_rate_per_s)/s, setup p50 $(json "$s" latency_ms.setup_corrected.p50) p99 $p99 ms, CPU $(ms_per $((t1 - t0)) "$n") ms/connect (load $(loadavg))"
        log "$SERVER step $r/s: ${R[$SERVER:step-$r]}"
        if [ "$fail" != 0 ] || awk -v p="$p99" -v m="$SLO_MS" 'BEGIN { exit !(p == "n/a" || p > m) }'; then
            break
        fi
        best=$r
        sleep 3    # the logoffs settle before the next step
    done
    R[$SERVER:maxrate]=$best
    sleep 10       # a step past the limit leaves setups behind in the server: let them time out
}

PER_GENERATOR=5000  # a DTLS session costs the generator 2 fds and the hard limit here is 20,000: more generators

has_line() { grep -q "^$2" "$1" 2>/dev/null; }
alive() { local p; for p in "$@"; do kill -0 "$p" 2>/dev/null && return 0; done; return 1; }
await_lines() {    # await_lines PREFIX PIDS…: until every generator printed the line (0), or one died without it (1)
    local prefix=$1 k; shift
    while :; do
        local all=1
        for ((k = 0; k < GENERATORS; k++)); do
            has_line "$LOGS/$SERVER-plateaus-$k.out" "$prefix" && continue
            all=0
            kill -0 "${GEN_PIDS[k]}" 2>/dev/null || return 1
        done
        [ "$all" = 1 ] && return 0
        sleep 0.2
    done
}

plateaus() {       # plateaus "L1 L2 …": generators ramp together, PSS/fds/CPU sampled at each level, RTT of each hold
    local levels=($1) top=${1##* } n k per list prev_n=0 prev_ticks prev_split ticks pss sent got p50 p99 max rate=$RATE
    GENERATORS=$(( (top + PER_GENERATOR - 1) / PER_GENERATOR ))
    per=$((top / GENERATORS))
    list=$(for n in "${levels[@]}"; do echo $((n / GENERATORS)); done | paste -sd,)
    GEN_PIDS=()
    R[$SERVER:stopped]=
    for ((k = 0; k < GENERATORS; k++)); do
        ( cd "$REPO" && LOADGEN_NO_BUILD=1 exec ip netns exec "$ATK" ./loadgen --server "$URL" \
            --servercert "$PIN" --user-pattern 'user%d' --first-user $((k * per + 1)) --password "$PASSWORD" \
            --source "$SOURCES" --ping-target "$TARGET" --quiet --out "$LOGS/$SERVER-plateaus-$k" \
            --sessions "$per" --rate "$(awk -v r="$rate" -v g="$GENERATORS" 'BEGIN { print r / g }')" \
            --max-inflight $((64 / GENERATORS)) --plateaus "$list" --plateau-hold "$HOLD" --hold 30 --ping-interval 1000 \
            --loss-timeout 2000 --duration "$(awk -v t="$top" -v l="${#levels[@]}" -v h="$HOLD" \
                'BEGIN { printf "%d", t / 4 + l * (h + 60) + 120 }')" ) \
            > "$LOGS/$SERVER-plateaus-$k.out" 2> "$LOGS/$SERVER-plateaus-$k.err" &
        GEN_PIDS+=($!); PIDS+=($!)
    done
    [ "$SERVER" = headend ] && { heap_histogram 0; memory_detail 0; }
    prev_ticks=$(bed_cpu_ticks); prev_split=$(thread_ticks)
    R[$SERVER:pss-0]=$(bed_pss_mb)
    for n in "${levels[@]}"; do
        local each=$((n / GENERATORS)) actual=$(( (n / GENERATORS) * GENERATORS ))
        await_lines "LOADGEN PLATEAU n=$each " || break
        ticks=$(bed_cpu_ticks)
        R[$SERVER:ramp-$actual]="$(ms_per $((ticks - prev_ticks)) $((actual - prev_n))) ms/connect over $((actual - prev_n)) connects (pings of the sessions already up included)"
        [ "$SERVER" = headend ] && R[$SERVER:split-$actual]=$(thread_split "$prev_split" "$(thread_ticks)" $((actual - prev_n)))
        if [ "$SERVER" = ocserv ]; then
            sleep $((HOLD / 2))  # past the setup burst, halfway into the hold
            pss=$(bed_pss_mb)
        fi
        await_lines "LOADGEN PLATEAU-END n=$each " || break
        if [ "$SERVER" = headend ]; then
            # after the hold's RTT window (the generators' --hold keeps the top level up for this): a full GC (the class histogram), so that PSS is compared after GC at
            # every level rather than wherever G1 happened to be in growing or shrinking its heap
            heap_histogram "$actual"
            pss=$(bed_pss_mb)
            memory_detail "$actual"
        fi
        R[$SERVER:pss-$actual]=$pss
        R[$SERVER:level-$actual]="$(cat "$LOGS/$SERVER"-plateaus-*.out | grep -h "^LOADGEN PLATEAU n=$each " | sed 's/.*n=[0-9]* //' | paste -sd';'), PSS $pss MB, fds $(fds), procs $(bed_server_pids | wc -l), load $(loadavg)"
        log "$SERVER at $actual: ${R[$SERVER:level-$actual]}; ${R[$SERVER:ramp-$actual]}"
        # the generators' windows: pings summed, p50 the mean of theirs, p99 and max the worst of theirs
        read -r got sent p50 p99 max < <(grep -h "^LOADGEN PLATEAU-END n=$each " "$LOGS/$SERVER"-plateaus-*.out | awk '
            { for (i = 1; i <= NF; i++) { split($i, kv, "=")
                if (kv[1] == "pings") { split(kv[2], ps, "/"); got += ps[1]; sent += ps[2] }
                if (kv[1] == "rtt_p50_ms") { p50 += kv[2]; g++ }
                if (kv[1] == "rtt_p99_ms" && kv[2] > p99) p99 = kv[2]
                if (kv[1] == "rtt_max_ms" && kv[2] > mx) mx = kv[2] } }
            END { printf "%d %d %.3f %.3f %.3f\n", got, sent, g ? p50 / g : 0, p99, mx }')
        R[$SERVER:rtt-$actual]="RTT p50 $p50 / p99 $p99 / max $max ms, $got/$sent pings answered within 2 s (load $(loadavg))"
        log "$SERVER hold $actual: ${R[$SERVER:rtt-$actual]}"
        prev_n=$actual; prev_ticks=$(bed_cpu_ticks); prev_split=$(thread_ticks)
    done
    for k in "${GEN_PIDS[@]}"; do wait "$k"; done
    for n in "${levels[@]}"; do
        [ -n "${R[$SERVER:rtt-$(( (n / GENERATORS) * GENERATORS ))]:-}" ] && continue
        R[$SERVER:stopped]="stopped before $n: $(grep -h 'loadgen: first' "$LOGS/$SERVER"-plateaus-*.err | head -3 | paste -sd';') $(tail -qn 1 "$LOGS/$SERVER"-plateaus-*.err | paste -sd' ')"
        break
    done
    # memory per session: the PSS slope between consecutive levels reached
    prev_n=0
    for n in "${levels[@]}"; do
        n=$(( (n / GENERATORS) * GENERATORS ))
        [ -n "${R[$SERVER:pss-$n]:-}" ] || break
        R[$SERVER:kb-$n]=$(awk -v a="${R[$SERVER:pss-$prev_n]}" -v b="${R[$SERVER:pss-$n]}" -v d=$((n - prev_n)) \
            'BEGIN { printf "%.1f", (b - a) * 1024 / d }')
        prev_n=$n
    done
}

run_server() {     # run_server headend|ocserv "LEVELS"
    local levels=$2
    if [ "$1" = headend ]; then bed_start_headend || return 1; else bed_start_ocserv || return 1; fi
    log "$SERVER up (load $(loadavg))"
    idle_rtt
    if [ "$WARMUP" -gt 0 ]; then
        local t0; t0=$(bed_cpu_ticks)
        loadgen warmup --sessions "$WARMUP" --rate 20 --max-inflight 32 --hold 0 --ping-interval 0 --duration 900
        R[$SERVER:warmup]="$(json "$LOGS/$SERVER-warmup/summary.json" setup.established)/$WARMUP up, CPU $(ms_per $(( $(bed_cpu_ticks) - t0 )) "$WARMUP") ms/connect (load $(loadavg))"
        log "$SERVER warm-up: ${R[$SERVER:warmup]}"
    fi
    setup_steps
    [ -n "${levels// }" ] && plateaus "$levels"    # --levels "": the rate steps alone
    bed_stop_server
    SERVER_PID=
}

print_table() {
    echo
    echo "== scale side by side ($(date -u +%FT%TZ), $(nproc) cores, load average now $(loadavg)) =="
    for srv in headend ocserv; do
        [ "$ONLY" = both ] || [ "$ONLY" = "$srv" ] || continue
        levels=$LEVELS; [ "$srv" = ocserv ] && levels=$OCSERV_LEVELS
        echo "-- $srv"
        echo "idle RTT ($IDLE_SESSIONS sessions, 1 ping/s each): ${R[$srv:idle]:-n/a}"
        echo "warm-up ($WARMUP connects, not counted below): ${R[$srv:warmup]:-n/a}"
        for r in $RATES; do
            [ -n "${R[$srv:step-$r]:-}" ] && echo "setup step $r/s: ${R[$srv:step-$r]}"
            [ -n "${R[$srv:split-step-$r]:-}" ] && echo "   by thread: ${R[$srv:split-step-$r]}"
        done
        echo "max setup rate at 0 failures (setup p99 < $SLO_MS ms): ${R[$srv:maxrate]:-n/a}/s"
        echo "plateau ramp: offered $RATE/s, at most 64 in flight"
        for n in $(for k in "${!R[@]}"; do echo "$k"; done | sed -n "s/^$srv:level-//p" | sort -n); do
            echo "$n sessions: ${R[$srv:level-$n]}"
            echo "   ramp: ${R[$srv:ramp-$n]:-n/a}; PSS slope ${R[$srv:kb-$n]:-n/a} KB/session"
            [ -n "${R[$srv:split-$n]:-}" ] && echo "   ramp by thread: ${R[$srv:split-$n]}"
            [ -n "${R[$srv:live-$n]:-}" ] && echo "   live Java heap after a full GC: ${R[$srv:live-$n]} MB (histogram in $LOGS/headend-histogram-$n.txt)"
            echo "   RTT during the hold: ${R[$srv:rtt-$n]:-n/a}"
        done
        [ -n "${R[$srv:stopped]:-}" ] && echo "${R[$srv:stopped]}"
    done
}
[ "$ONLY" = ocserv ] || run_server headend "$LEVELS"
[ "$ONLY" = headend ] || run_server ocserv "$OCSERV_LEVELS"

print_table
