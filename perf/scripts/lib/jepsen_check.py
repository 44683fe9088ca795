#!/usr/bin/env python3
"""jepsen_check.py WORK: checks a cluster-jepsen.sh run from what it left in WORK and prints figures and verdicts.
jepsen_check.py --etcd FINAL.json: only etcd's final state (F below), in one line (cluster-loadgen.sh --nemesis).

Reads history-mN.jsonl (the load generators' --history of member N's clients), nemesis.jsonl, probe-mN.jsonl
(cookie_probe.py on member N) and final.json (etcdctl get --prefix /vpn/ -w json). Exit status 1 on a violation.

I1  no address held by two sessions at once: a session holds its address from its first tunnel up to its last
    sign of life (its last up, down or logoff); two sessions' spans on one address must not overlap.
I2  no session lost its address while it lived: no reconnect (after a loss, or a move to another member) got
    another address, no cookie that was never logged off was refused (401) when its session came back, and no
    session was left without its tunnel (its last event a loss or a move more than 30 s before the history ends).
I3  every logged-off cookie is refused by every member (those whose logoff the server answered by closing the
    connection; a logoff without that answer may not have reached the member, and is only counted).
F   etcd's final state: no address held for two sessions that had a tunnel, every such session's address held for
    it (a session is named in etcd by the same cookie digest as in the history; one whose first CONNECT was answered
    503 and whose client gave up only proposed its address, and is counted apart).
"""
import base64
import glob
import json
import os
import re
import sys
from collections import Counter, defaultdict


def load_lines(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def pct(values, p):
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100.0 * (len(values) - 1))))]


def histories(work):
    events = []
    for path in sorted(glob.glob(os.path.join(work, "history-m*.jsonl"))):
        member = re.search(r"history-m(\d+)", path).group(1)
        for e in load_lines(path):
            e["member"] = member
            events.append(e)
    events.sort(key=lambda e: e["t"])
    return events


def etcd_state(path):
    """etcd's /vpn/ keys as etcdctl -w json wrote them: {session: its address}, {address: the session holding it}."""
    kvs = json.load(open(path)).get("kvs", [])
    b = lambda s: base64.b64decode(s).decode()
    sessions, addrs = {}, {}
    for kv in kvs:
        key = b(kv["key"]).split("/")
        if len(key) >= 5 and key[3] == "sessions":
            sessions[key[4]] = json.loads(b(kv["value"])).get("ip4")
        elif len(key) >= 5 and key[3] == "addrs":
            addrs[key[4]] = b(kv["value"])
    return sessions, addrs


def etcd_violations(sessions, addrs):
    """F: the addresses held for two sessions, and the sessions whose address is not held for them."""
    by_address = defaultdict(list)
    for s, ip in sessions.items():
        by_address[ip].append(s)
    twice = [ip for ip, ss in by_address.items() if ip and len(ss) > 1]
    unheld = [f"{ip} of {s[:8]}" for s, ip in sessions.items() if ip and addrs.get(ip) != s]
    return twice, unheld


def check_etcd_only(path):
    sessions, addrs = etcd_state(path)
    twice, unheld = etcd_violations(sessions, addrs)
    leaked = [ip for ip, s in addrs.items() if sessions.get(s) != ip]
    print(f"sessions {len(sessions)} addresses_held {len(addrs)} held_twice {len(twice)} "
          f"held_for_no_session {len(leaked)} session_without_its_address {len(unheld)}")
    return 1 if twice or unheld else 0


def check(work):
    events = histories(work)
    by_session = defaultdict(list)
    for e in events:
        by_session[e["id"]].append(e)
    violations = Counter()
    examples = {}

    def violation(kind, text):
        violations[kind] += 1
        examples.setdefault(kind, text)

    # I1: spans per address
    spans = defaultdict(list)
    for sid, evs in by_session.items():
        ups = [e for e in evs if e["ev"] == "up"]
        if not ups:
            continue
        alive = [e for e in evs if e["ev"] in ("up", "down", "logoff")]
        spans[ups[0]["addr"]].append((ups[0]["t"], alive[-1]["t"], sid, ups[0]["member"]))
    for addr, ss in spans.items():
        ss.sort()
        for i in range(1, len(ss)):
            for j in range(i):
                if ss[j][1] > ss[i][0]:
                    violation("I1 address held by two sessions at once",
                              f"{addr}: session {ss[j][2]} (member {ss[j][3]}) {ss[j][0]}..{ss[j][1]} and "
                              f"{ss[i][2]} (member {ss[i][3]}) from {ss[i][0]}")

    # I2: reconnects, and refusals of sessions never logged off
    reconnect_ms = []
    losses = Counter()
    for sid, evs in by_session.items():
        first = next((e for e in evs if e["ev"] == "up"), None)
        down = None
        for e in evs:
            if e["ev"] == "down":
                down = e
                losses[e["why"]] += 1
            elif e["ev"] == "up" and down is not None:
                reconnect_ms.append(e["t"] - down["t"])
                if first is not None and e["addr"] != first["addr"]:
                    violation("I2 reconnect got another address", f"session {sid}: {first['addr']} then {e['addr']}")
                down = None
            elif e["ev"] == "violation" and e["why"] == "reconnect_address_changed":
                violation("I2 reconnect got another address", f"session {sid} (member {e['member']})")
            elif e["ev"] == "refused" and first is not None:
                violation("I2 living session's cookie refused",
                          f"session {sid} (member {e['member']}), lost at {down['t'] if down else '?'}, "
                          f"refused at {e['t']}")

    # I2: sessions left without their tunnel; moves between members and how long each took
    history_end = events[-1]["t"] if events else 0
    move_ms = []
    moved_elsewhere = 0
    served = Counter()
    for sid, evs in by_session.items():
        last = evs[-1]
        if last["ev"] == "down" and last["t"] < history_end - 30_000:
            violation("I2 session left without its tunnel", f"session {sid} (generator {last['member']}), "
                      f"{last['why']} at {last['t']}")
        server, moving = None, None
        for e in evs:
            if e["ev"] == "down" and e["why"] == "move":
                moving = e
            elif e["ev"] == "up":
                served[e["why"]] += 1
                if moving is not None:
                    move_ms.append(e["t"] - moving["t"])
                    moved_elsewhere += e["why"] != server
                    moving = None
                server = e["why"]

    # I3: logged-off cookies on every member
    logoffs = {e["id"] for e in events if e["ev"] == "logoff"}
    acked = {e["id"] for e in events if e["ev"] == "logoff-ack"}
    probes = []
    for path in sorted(glob.glob(os.path.join(work, "probe-m*.jsonl"))):
        probes += load_lines(path)
    probe_status = Counter()
    for p in probes:
        probe_status[str(p["status"])] += 1
        if p["status"] != 401 and p["id"] in acked:
            if p["status"] == "unavailable":
                violation("I3 logged-off cookie not checked (member unavailable)", f"session {p['id']} on {p['member']}")
            else:
                violation("I3 logged-off cookie accepted", f"session {p['id']} on {p['member']}: {p['status']}")
    members_probed = len({p["member"] for p in probes})
    if logoffs and members_probed < 3:
        violation("I3 logged-off cookie not checked (member unavailable)", f"only {members_probed} member(s) probed")
    unacked_accepted = sum(1 for p in probes if p["id"] not in acked and p["status"] == 200)

    # F: etcd's final state
    final = {"sessions": 0, "addrs": 0, "untried": 0}
    path = os.path.join(work, "final.json")
    if os.path.exists(path) and os.path.getsize(path) > 0:
        sessions, addrs = etcd_state(path)
        tunnelled = {sid.upper() for sid, evs in by_session.items() if any(e["ev"] == "up" for e in evs)}
        untried = {s for s in sessions if s[:16] not in tunnelled}
        sessions = {s: ip for s, ip in sessions.items() if s not in untried}
        twice, unheld = etcd_violations(sessions, addrs)
        for ip in twice:
            violation("F address held for two sessions in etcd", ip)
        for text in unheld:
            violation("F session without its address in etcd", text)
        final = {"sessions": len(sessions), "addrs": len(addrs), "untried": len(untried)}
    else:
        violation("F etcd's final state unreadable", path)

    faults = ("kill-member", "cut-member", "kill-etcd", "cut-etcd")
    nemesis = Counter(e["op"] for e in load_lines(os.path.join(work, "nemesis.jsonl")) if e["op"] in faults)
    failures = Counter(e["why"] for e in events if e["ev"] == "violation")
    ups = sum(1 for e in events if e["ev"] == "up")
    print(f"nemesis: {', '.join(f'{k} {v}' for k, v in sorted(nemesis.items())) or 'nothing'}")
    print(f"history: {len(events)} events, {len(by_session)} sessions, {ups} tunnels up, "
          f"{sum(losses.values())} losses ({', '.join(f'{k} {v}' for k, v in losses.most_common()) or 'none'}), "
          f"{len(reconnect_ms)} reconnects with the cookie")
    if reconnect_ms:
        print(f"reconnect after a loss: p50 {pct(reconnect_ms, 50) / 1000:.1f} s, p99 "
              f"{pct(reconnect_ms, 99) / 1000:.1f} s, max {max(reconnect_ms) / 1000:.1f} s")
    moves = sum(1 for e in events if e["ev"] == "down" and e["why"] == "move")
    print(f"moves: {moves} started, {len(move_ms)} back ({moved_elsewhere} on another member)"
          + (f", back after p50 {pct(move_ms, 50) / 1000:.1f} s, p99 {pct(move_ms, 99) / 1000:.1f} s, max "
             f"{max(move_ms) / 1000:.1f} s" if move_ms else "")
          + f"; tunnels up by member: {', '.join(f'{k}: {v}' for k, v in sorted(served.items(), key=str))}")
    print(f"logoffs: {len(logoffs)} ({len(acked & logoffs)} answered by the server closing); probes: {len(probes)} "
          f"on {members_probed} member(s): {', '.join(f'{k}: {v}' for k, v in sorted(probe_status.items()))}"
          f"{f'; unanswered logoffs accepted {unacked_accepted}' if unacked_accepted else ''}")
    if failures:
        print(f"other failures: {', '.join(f'{k} {v}' for k, v in failures.most_common())}")
    print(f"etcd at the end: {final['sessions']} session(s) that had a tunnel, {final['addrs']} address claim(s), "
          f"{final['untried']} session(s) whose first CONNECT failed")
    checks = ["I1 address held by two sessions at once", "I2 reconnect got another address",
              "I2 living session's cookie refused", "I2 session left without its tunnel",
              "I3 logged-off cookie accepted", "I3 logged-off cookie not checked (member unavailable)",
              "F address held for two sessions in etcd", "F session without its address in etcd",
              "F etcd's final state unreadable"]
    for kind in checks + sorted(k for k in violations if k not in checks):
        if kind in violations or kind in checks[:5] + checks[6:8]:
            n = violations.get(kind, 0)
            print(f"{kind}: {n}{'  e.g. ' + examples[kind] if n else ''}")
    print("verdict: " + ("VIOLATION" if violations else "ok"))
    return 1 if violations else 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--etcd":
        sys.exit(check_etcd_only(sys.argv[2]))
    sys.exit(check(sys.argv[1]))
