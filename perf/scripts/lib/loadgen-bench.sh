# loadgen-bench.sh — what the ./loadgen benchmarks share (sourced, not run): many headend users that load quickly,
# and reading loadgen's summary.json. Needs python3.

# The headend's own salted PBKDF2-SHA512 form of PASSWORD (5,000 iterations), one salt per call.
pbkdf2_hash() {    # pbkdf2_hash PASSWORD
    python3 -c 'import hashlib, base64, os, sys
s = os.urandom(16); h = hashlib.pbkdf2_hmac("sha512", sys.argv[1].encode(), s, 5000, 32)
b = lambda x: base64.b64encode(x).decode().rstrip("=")
print("$sha512$5000$" + b(s) + "$" + b(h))' "$1"
}

# Startup-config lines for users user1 … userCOUNT, all with PASSWORD: one hash for all, so the config loads quickly.
headend_users() {  # headend_users PASSWORD COUNT
    local hash i
    hash=$(pbkdf2_hash "$1")
    for i in $(seq 1 "$2"); do echo "username user$i password $hash pbkdf2"; done
}

# A field of a JSON file by its dotted path (setup.established), or MISSING (default n/a) where there is none.
json() {           # json FILE PATH [MISSING]
    python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): d = d.get(k) if isinstance(d, dict) else None
print(sys.argv[3] if d is None else d)' "$1" "$2" "${3:-n/a}"
}
