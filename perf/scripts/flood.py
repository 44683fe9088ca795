#!/usr/bin/env python3
"""flood.py — hostile load against an AnyConnect headend (ours or ocserv), for perf/scripts/floods.sh.

  flood.py logins --target A --sources 10.78.0.10-10.78.0.109 --rate 1000 --seconds 60
      failed aggregate-auth logins (init, then an auth-reply with a wrong password), offered at --rate per second
      whatever the answers take (open loop), round-robin over the sources, on keep-alive TLS connections (at most
      --conns-per-source each and --max-inflight under way per process; an attempt finding no room is skipped and
      counted), from --procs processes
  flood.py stall --target A --sources ... --count 2000 [--tls] --hold 30
      --count connections that send nothing: before TLS (plain TCP), or with --tls after the handshake;
      held --hold seconds; reports how many the server refused or closed, and when
  flood.py dtls --target A --sources ... --count 100000 --rate 20000 [--replay-pcap FILE]
      datagrams to the DTLS port: half random garbage, half ClientHellos (crafted with a random session id, or
      the first ClientHello found in --replay-pcap, sent again as captured)

Prints one line of key=value results on stdout. Needs nothing beyond the Python 3 standard library.
"""
import argparse
import asyncio
import ipaddress
import os
import random
import re
import resource
import socket
import ssl
import struct
import sys
import time


def source_list(spec):
    first, _, last = spec.partition("-")
    a, b = int(ipaddress.IPv4Address(first)), int(ipaddress.IPv4Address(last or first))
    return [str(ipaddress.IPv4Address(i)) for i in range(a, b + 1)]


_TLS = None


def tls_context():
    """One client context for every connection (making one is far dearer than a handshake); no verification."""
    global _TLS
    if _TLS is None:
        _TLS = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        _TLS.check_hostname = False
        _TLS.verify_mode = ssl.CERT_NONE
    return _TLS


def percentile(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(len(ordered) * p + 0.999999) - 1))]


def report(**fields):
    print(" ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in fields.items()), flush=True)


# ---------------------------------------------------------------- HTTP over one TLS connection

class HttpConnection:
    """Just enough HTTP/1.1: requests with Content-Length, answers with Content-Length or chunked or close."""

    def __init__(self, reader, writer, host):
        self.reader, self.writer, self.host = reader, writer, host
        self.cookies = {}

    async def post(self, path, body, timeout):
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        head = (f"POST {path} HTTP/1.1\r\nHost: {self.host}\r\nUser-Agent: AnyConnect Linux_64 4.10.07061\r\n"
                "X-Transcend-Version: 1\r\nX-Aggregate-Auth: 1\r\nContent-Type: application/xml\r\n"
                f"Content-Length: {len(body)}\r\n" + (f"Cookie: {cookie}\r\n" if cookie else "") + "\r\n")
        self.writer.write(head.encode() + body.encode())
        return await asyncio.wait_for(self.answer(), timeout)

    async def answer(self):
        raw = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        length, chunked, close = None, False, False
        for line in lines[1:]:
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value.lower():
                chunked = True
            elif name == "connection" and value.lower() == "close":
                close = True
            elif name == "set-cookie":
                pair = value.split(";")[0]
                key, _, val = pair.partition("=")
                if val:
                    self.cookies[key.strip()] = val.strip()
                else:
                    self.cookies.pop(key.strip(), None)
        if chunked:
            body = b""
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                body += await self.reader.readexactly(size + 2)
                if size == 0:
                    break
        elif length is not None:
            body = await self.reader.readexactly(length)
        else:
            body, close = await self.read_to_close(), True
        return status, body.decode("utf-8", "replace"), close

    async def read_to_close(self):
        """The body of an answer that ends with the connection; a close without TLS close_notify ends it too."""
        body = b""
        try:
            while chunk := await self.reader.read(65536):
                body += chunk
        except (ssl.SSLError, ConnectionResetError):
            pass
        return body


INIT = ('<?xml version="1.0" encoding="UTF-8"?>\n<config-auth client="vpn" type="init" aggregate-auth-version="2">'
        '<version who="vpn">v9.01</version><device-id>linux-64</device-id>'
        '<group-access>https://{host}/</group-access></config-auth>')
REPLY = ('<?xml version="1.0" encoding="UTF-8"?>\n<config-auth client="vpn" type="auth-reply" '
         'aggregate-auth-version="2"><version who="vpn">v9.01</version><device-id>linux-64</device-id>{opaque}'
         '<auth><username>{user}</username><password>{password}</password></auth></config-auth>')


class LoginStats:
    def __init__(self):
        self.attempts = self.skipped = self.errors = self.connects = self.connect_errors = self.inflight = 0
        self.outcomes = {}
        self.latencies = []

    def count(self, outcome):
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1


class SourcePool:
    """One source address's idle keep-alive connections, and how many it has in use."""

    def __init__(self, address):
        self.address, self.idle, self.busy = address, [], 0


async def login_attempt(args, pool, stats):
    """One failed login, open-loop: on an idle connection of this source, or a new one while it has fewer than
    --conns-per-source; an attempt with none to be had is skipped (counted), never queued."""
    conn = pool.idle.pop() if pool.idle else None
    if conn is None and (pool.busy >= args.conns_per_source or stats.inflight >= args.max_inflight):
        stats.skipped += 1
        return
    pool.busy += 1
    stats.inflight += 1
    started = time.monotonic()
    try:
        if conn is None:
            stats.connects += 1
            try:
                reader, writer = await asyncio.wait_for(asyncio.open_connection(
                    args.target, args.port, ssl=tls_context(), local_addr=(pool.address, 0)), args.timeout)
            except (OSError, asyncio.TimeoutError, ssl.SSLError) as ex:
                stats.connect_errors += 1
                stats.count("connect_" + type(ex).__name__)
                return
            conn = HttpConnection(reader, writer, args.target)
        try:
            conn.cookies.clear()
            status, body, close = await conn.post("/", INIT.format(host=args.target), args.timeout)
            if status == 200 and "auth-request" in body:
                if close:
                    conn.writer.close()
                    stats.connects += 1
                    reader, writer = await asyncio.wait_for(asyncio.open_connection(
                        args.target, args.port, ssl=tls_context(), local_addr=(pool.address, 0)), args.timeout)
                    cookies, conn = conn.cookies, HttpConnection(reader, writer, args.target)
                    conn.cookies.update(cookies)
                opaque = (re.search(r"(?s)<opaque.*?</opaque>", body) or [""])[0]
                action = (re.search(r'<form[^>]*action="([^"]+)"', body) or [None, "/"])[1]
                user = args.user if args.user else f"flood{random.randrange(1_000_000):06d}"
                status, body, close = await conn.post(action, REPLY.format(opaque=opaque, user=user,
                                                                          password="wrong-password"), args.timeout)
                outcome = f"reply_http{status}"
            else:
                outcome = f"init_http{status}"
            stats.attempts += 1
            stats.count(outcome + ("_error" if "<error" in body else "")
                        + ("_complete" if 'type="complete"' in body else ""))
            stats.latencies.append(time.monotonic() - started)
            if close:
                conn.writer.close()
            else:
                pool.idle.append(conn)
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError, IndexError,
                ssl.SSLError) as ex:
            stats.errors += 1
            stats.count("err_" + type(ex).__name__)
            conn.writer.close()
    finally:
        pool.busy -= 1
        stats.inflight -= 1


async def login_share(args, sources, rate):
    """This process's share of the flood: its sources at its part of the rate; returns the raw figures."""
    pools = [SourcePool(a) for a in sources]
    stats = LoginStats()
    start = time.monotonic()
    tasks = set()
    i = 0
    while start + i / rate - start < args.seconds:
        delay = start + i / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.ensure_future(login_attempt(args, pools[i % len(pools)], stats))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        i += 1
    offered_seconds = time.monotonic() - start
    if tasks:
        await asyncio.wait(tasks, timeout=2 * args.timeout)
    for pool in pools:
        for conn in pool.idle:
            conn.writer.close()
    return dict(offered=i, offered_seconds=offered_seconds, attempts=stats.attempts, skipped=stats.skipped,
                connects=stats.connects, connect_errors=stats.connect_errors, errors=stats.errors,
                unfinished=len(tasks), latencies=stats.latencies, outcomes=stats.outcomes)


def login_process(args, sources, rate, out):
    out.send(asyncio.run(login_share(args, sources, rate)))
    out.close()


def logins(args):
    """--procs processes, each with every --procs-th source: one Python process cannot offer 1000 TLS logins/s."""
    import multiprocessing
    sources = source_list(args.sources)
    procs = max(1, min(args.procs, len(sources)))
    children = []
    for k in range(procs):
        receive, send = multiprocessing.Pipe(duplex=False)
        child = multiprocessing.Process(target=login_process, args=(args, sources[k::procs], args.rate / procs, send))
        child.start()
        children.append((child, receive))
    shares = []
    for child, receive in children:
        shares.append(receive.recv())
        child.join()
    total = {key: sum(share[key] for share in shares)
             for key in ("offered", "attempts", "skipped", "connects", "connect_errors", "errors", "unfinished")}
    offered_seconds = max(share["offered_seconds"] for share in shares)
    latencies = [x for share in shares for x in share["latencies"]]
    outcomes = {}
    for share in shares:
        for key, value in share["outcomes"].items():
            outcomes[key] = outcomes.get(key, 0) + value
    report(offered=total["offered"], offered_seconds=offered_seconds, attempts=total["attempts"],
           rate_per_s=total["attempts"] / offered_seconds, skipped_no_free_connection=total["skipped"],
           unfinished=total["unfinished"], tls_connects=total["connects"], connect_errors=total["connect_errors"],
           errors=total["errors"], latency_p50_ms=1000 * percentile(latencies, 0.5),
           latency_p99_ms=1000 * percentile(latencies, 0.99),
           outcomes=",".join(f"{k}:{v}" for k, v in sorted(outcomes.items())))


# ---------------------------------------------------------------- connections that stall

async def stall_one(args, source, opened, closed_at, failures, start):
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(
            args.target, args.port, local_addr=(source, 0), ssl=tls_context() if args.tls else None,
            ssl_handshake_timeout=args.timeout if args.tls else None), args.timeout)
    except (OSError, asyncio.TimeoutError, ssl.SSLError) as ex:
        failures[type(ex).__name__] = failures.get(type(ex).__name__, 0) + 1
        return
    at = time.monotonic()
    opened.append(at)
    try:
        # the server's end: EOF (or a reset) is its close; nothing read before the hold ends means it held on
        await asyncio.wait_for(reader.read(65536), max(0.1, args.hold - (at - start)))
        closed_at.append(time.monotonic() - at)
    except asyncio.TimeoutError:
        pass
    except (OSError, ssl.SSLError):
        closed_at.append(time.monotonic() - at)
    finally:
        writer.transport.abort()


async def stall(args):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, args.count + 256)), hard))
    sources = source_list(args.sources)
    opened, closed_at, failures = [], [], {}
    start = time.monotonic()
    tasks = []
    for i in range(args.count):
        tasks.append(asyncio.ensure_future(stall_one(args, sources[i % len(sources)], opened, closed_at, failures,
                                                      start)))
        await asyncio.sleep(1.0 / args.open_rate)
    open_seconds = time.monotonic() - start
    await asyncio.gather(*tasks)
    report(kind="after-tls" if args.tls else "before-tls", requested=args.count, opened=len(opened),
           open_seconds=open_seconds, failed=sum(failures.values()),
           failures=",".join(f"{k}:{v}" for k, v in sorted(failures.items())) or "none",
           closed_by_server=len(closed_at), held_to_end=len(opened) - len(closed_at),
           close_after_p50_s=percentile(closed_at, 0.5), close_after_max_s=max(closed_at, default=float("nan")))


# ---------------------------------------------------------------- the DTLS port

def crafted_client_hello():
    """A DTLS 1.2 ClientHello, epoch 0, no cookie, a random session id, the usual GCM suites."""
    suites = bytes.fromhex("c02bc02fc02cc030009e009f")
    body = (b"\xfe\xfd" + os.urandom(32) + b"\x20" + os.urandom(32) + b"\x00"
            + struct.pack("!H", len(suites)) + suites + b"\x01\x00")
    handshake = (b"\x01" + struct.pack("!I", len(body))[1:] + b"\x00\x00" + b"\x00\x00\x00"
                 + struct.pack("!I", len(body))[1:] + body)
    return b"\x16\xfe\xff" + b"\x00\x00" + os.urandom(2) + b"\x00\x00\x00\x00" + struct.pack("!H", len(handshake)) \
        + handshake


def first_client_hello(pcap):
    """The UDP payload of the first DTLS handshake record with a ClientHello in a classic pcap (Ethernet)."""
    with open(pcap, "rb") as f:
        data = f.read()
    endian = "<" if data[:4] == b"\xd4\xc3\xb2\xa1" else ">"
    link = struct.unpack(endian + "I", data[20:24])[0]
    offset = 24
    while offset + 16 <= len(data):
        incl = struct.unpack(endian + "I", data[offset + 8:offset + 12])[0]
        frame = data[offset + 16:offset + 16 + incl]
        offset += 16 + incl
        ip = frame[14:] if link == 1 else frame[16:] if link == 113 else frame
        if len(ip) < 28 or ip[0] >> 4 != 4 or ip[9] != 17:
            continue
        payload = ip[(ip[0] & 15) * 4 + 8:]
        if len(payload) > 25 and payload[0] == 22 and payload[13] == 1:
            return payload
    return None


def dtls(args):
    sources = source_list(args.sources)
    replay = first_client_hello(args.replay_pcap) if args.replay_pcap else None
    sockets = []
    for source in sources:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((source, 0))
        s.setblocking(False)
        sockets.append(s)
    sent = answers = answer_bytes = errors = 0
    start = time.monotonic()
    for i in range(args.count):
        due = start + i / args.rate
        now = time.monotonic()
        if due > now:
            time.sleep(due - now)
        if i % 2:
            datagram = replay if replay else crafted_client_hello()
        else:
            datagram = os.urandom(random.randrange(13, 200))
        try:
            sockets[i % len(sockets)].sendto(datagram, (args.target, args.port))
            sent += 1
        except OSError:
            errors += 1
        if i % 512 == 0:
            for s in sockets:
                try:
                    while True:
                        answer_bytes += len(s.recv(4096))
                        answers += 1
                except OSError:
                    pass
    elapsed = time.monotonic() - start
    time.sleep(1)
    for s in sockets:
        try:
            while True:
                answer_bytes += len(s.recv(4096))
                answers += 1
        except OSError:
            pass
        s.close()
    report(datagrams=sent, send_errors=errors, rate_per_s=sent / elapsed,
           client_hellos="replayed" if replay else "crafted", answers=answers, answer_bytes=answer_bytes)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="flood", required=True)
    for name in ("logins", "stall", "dtls"):
        p = sub.add_parser(name)
        p.add_argument("--target", required=True)
        p.add_argument("--port", type=int, default=443)
        p.add_argument("--sources", required=True, help="FIRST-LAST IPv4 addresses to send from")
        p.add_argument("--timeout", type=float, default=10.0)
        if name == "logins":
            p.add_argument("--rate", type=float, default=1000)
            p.add_argument("--seconds", type=float, default=60)
            p.add_argument("--user", default="", help="one user name for every attempt (default: random names)")
            p.add_argument("--conns-per-source", type=int, default=8)
            p.add_argument("--max-inflight", type=int, default=200, help="attempts under way at once, per process")
            p.add_argument("--procs", type=int, default=os.cpu_count() or 1)
        elif name == "stall":
            p.add_argument("--count", type=int, default=2000)
            p.add_argument("--tls", action="store_true")
            p.add_argument("--hold", type=float, default=30)
            p.add_argument("--open-rate", type=float, default=500, help="new connections per second")
        else:
            p.add_argument("--count", type=int, default=100000)
            p.add_argument("--rate", type=float, default=20000)
            p.add_argument("--replay-pcap")
    args = parser.parse_args()
    if args.flood == "logins":
        logins(args)
    elif args.flood == "stall":
        asyncio.run(stall(args))
    else:
        dtls(args)


if __name__ == "__main__":
    sys.exit(main())
