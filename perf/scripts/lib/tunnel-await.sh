# tunnel-await.sh — waiting for an openconnect client started in the background to have a usable tunnel (sourced).
#
# "Configured as" in openconnect's output is not that moment: openconnect prints it before its --script has put
# the address and the route on the tun (a ping at once fails with "Network is unreachable"). The moment is the
# script's own log: hdit-connect-script.sh appends a "### reason=connect" block to $HDIT_ENV_LOG when it is done.
# A caller that reuses the log files from one client to the next takes the baseline before starting the client,
# so that a block (or an output line) of the previous client is never taken for this one's.
#
#   base=$(tunnel_baseline OUT ENV)     empties OUT now (not in the background child that opens it for the client,
#                                       which may run after the caller's first look) and prints ENV's block count
#   client ... > OUT 2>&1 & pid=$!
#   tunnel_await PID ENV BASE WAIT_S    prints "up|exited|timeout SECONDS" (SECONDS since the call); status 0 if up

tunnel_connect_blocks() {   # tunnel_connect_blocks ENV: how many connect blocks the script has logged
    local n
    n=$(grep -c '^### reason=connect' "$1" 2>/dev/null) || true
    echo "${n:-0}"
}

tunnel_baseline() {         # tunnel_baseline OUT ENV
    : > "$1"
    tunnel_connect_blocks "$2"
}

tunnel_await() {            # tunnel_await PID ENV BASE WAIT_S
    local pid=$1 env=$2 base=$3 wait_ns=$(( $4 * 1000000000 )) start now state
    start=$(date +%s%N)
    while :; do
        now=$(date +%s%N)
        if [ "$(tunnel_connect_blocks "$env")" -gt "$base" ]; then state=up
        elif ! kill -0 "$pid" 2>/dev/null; then state=exited
        elif [ $(( now - start )) -ge "$wait_ns" ]; then state=timeout
        else sleep 0.1; continue
        fi
        printf '%s %d.%02d\n' "$state" $(( (now - start) / 1000000000 )) $(( (now - start) / 10000000 % 100 ))
        [ "$state" = up ]
        return
    done
}
