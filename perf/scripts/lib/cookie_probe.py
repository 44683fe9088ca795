#!/usr/bin/env python3
"""cookie_probe.py HOST PORT MEMBER < cookies: tries each cookie (lines "ID COOKIE") with an openconnect-style
CONNECT on one headend and prints one JSON line per cookie: {"member", "id", "status"}, where status is the HTTP
status answered (401: refused), or "unavailable" when the member kept answering 503 or could not be reached.
A 503 (cluster state unavailable) or a failed connection is tried again, up to 10 times a second apart. A cookie
that is accepted (200) gets its tunnel closed at once. Cookies are never printed.
Used by cluster-jepsen.sh, run inside the member's client namespace; it checks no certificate (its own namespace).
"""
import json
import socket
import ssl
import sys
import time

TRIES = 10


def connect_status(host, port, cookie):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with socket.create_connection((host, port), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname=host) as tls:
            tls.settimeout(20)
            tls.sendall(("CONNECT /CSCOSSLC/tunnel HTTP/1.1\r\n"
                         f"Host: {host}\r\n"
                         "User-Agent: Open AnyConnect VPN Agent v9.12\r\n"
                         f"Cookie: webvpn={cookie}\r\n"
                         "X-CSTP-Version: 1\r\n"
                         "X-CSTP-Hostname: jepsen-probe\r\n"
                         "X-CSTP-Base-MTU: 1500\r\n"
                         "X-CSTP-MTU: 1406\r\n"
                         "X-CSTP-Address-Type: IPv6,IPv4\r\n\r\n").encode())
            head = b""
            while b"\r\n" not in head and len(head) < 4096:
                chunk = tls.recv(4096)
                if not chunk:
                    break
                head += chunk
            line = head.split(b"\r\n", 1)[0].decode(errors="replace").split()
            return int(line[1]) if len(line) >= 2 and line[1].isdigit() else None


def probe(host, port, cookie):
    for _ in range(TRIES):
        try:
            status = connect_status(host, port, cookie)
        except OSError:
            status = None
        if status not in (None, 503):
            return status
        time.sleep(1)
    return "unavailable"


def main():
    host, port, member = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    for line in sys.stdin:
        parts = line.split()
        if len(parts) != 2:
            continue
        print(json.dumps({"member": member, "id": parts[0], "status": probe(host, port, parts[1])}), flush=True)


if __name__ == "__main__":
    main()
