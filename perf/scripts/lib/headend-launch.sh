# headend-launch.sh — ./headend started in a network namespace as the benchmarks start it (sourced by bed.sh and
# lib/netns-bench.sh, not run). The caller sets REPO (the clone whose ./headend runs), LOGS and PIDS.

# Starts ./headend in NAMESPACE with its console on a fifo held open read-write on fd 9 (so that the appliance
# never sees EOF on stdin; the caller closes fd 9 once it has stopped it), its output in $LOGS/headend-std*.txt.
# Sets HEADEND_PID, and PIN and URL once it prints how to connect; returns 1 if it exits or says nothing in 3 min.
# HEADEND_JAVA_OPTS in the environment reaches the JVM.
launch_headend() { # launch_headend NAMESPACE CONFIG STATE-DIR
    rm -f "$LOGS/headend-console"; mkfifo "$LOGS/headend-console"
    exec 9<>"$LOGS/headend-console"
    (cd "$REPO" && exec ip netns exec "$1" ./headend --config "$2" --state-dir "$3") \
        < "$LOGS/headend-console" > "$LOGS/headend-stdout.txt" 2> "$LOGS/headend-stderr.txt" &
    HEADEND_PID=$!; PIDS+=("$HEADEND_PID")
    PIN= URL=
    for _ in $(seq 1 1800); do
        PIN=$(grep -o 'pin-sha256:[A-Za-z0-9+/]*=*' "$LOGS/headend-stdout.txt" 2>/dev/null | head -1)
        URL=$(grep -o 'https://[0-9.]*\(:[0-9]*\)\?/' "$LOGS/headend-stdout.txt" 2>/dev/null | head -1)
        [ -n "$PIN" ] && [ -n "$URL" ] && return 0
        kill -0 "$HEADEND_PID" 2>/dev/null || break
        sleep 0.1
    done
    return 1
}
