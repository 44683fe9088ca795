package org.headend.control.dhcp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One tunnel address leased from DHCP servers on a session's behalf, as a relay agent does it (RFC 2131 §4.4 with
 * the headend in the client's place, every message carrying {@code giaddr}): DISCOVER, the first OFFER, REQUEST,
 * ACK; then RENEWING at T1 (to the server that leased), REBINDING at T2 (to every server), and the lease lost when
 * it runs out or a server says NAK; RELEASE when the session ends.
 * <p>
 * Sans-IO: it never touches a socket or a clock. Each call takes the time now (monotonic nanoseconds) and answers
 * with a {@link Step}: the messages to send and what happened to the lease; {@link #deadline()} says when
 * {@link #onTimer} is next due. One thread only (the caller's).
 */
public final class DhcpLease
{
    /** Where the lease stands. */
    public enum State
    {
        SELECTING, REQUESTING, REBOOTING, BOUND, RENEWING, REBINDING, RELEASED, FAILED, LOST
    }

    /** A message for one server. */
    public record Outgoing(int server, DhcpMessage message)
    {
    }

    /** What a call changed: the messages to send, and an event or null. */
    public record Step(List<Outgoing> send, Event event)
    {
        static final Step NOTHING = new Step(List.of(), null);
    }

    /** What happened to the lease. */
    public sealed interface Event permits Bound, Renewed, Failed, Lost
    {
    }

    /** The first ACK: the address is the session's. */
    public record Bound(int address, int mask, long leaseSeconds) implements Event
    {
    }

    /** A later ACK: the lease goes on. */
    public record Renewed(long leaseSeconds) implements Event
    {
    }

    /** No lease was had before the acquisition deadline, or none can be had. */
    public record Failed(String why) implements Event
    {
    }

    /** A lease held is gone (NAK, or it ran out): the address must not be used any longer. */
    public record Lost(String why) implements Event
    {
    }

    /** First retransmission of DISCOVER/REQUEST while acquiring (RFC 2131 §4.1: 4 s, then doubling). */
    static final long FIRST_RETRY_NANOS = TimeUnit.SECONDS.toNanos(4);
    /** The shortest wait between REQUESTs while renewing or rebinding (RFC 2131 §4.4.5 says 60 s for hosts). */
    static final long MIN_RENEW_RETRY_NANOS = TimeUnit.SECONDS.toNanos(4);
    /** A lease time of all ones: infinite (RFC 2132 §9.2). */
    private static final long INFINITE = 0xFFFF_FFFFL;
    private static final long NEVER = Long.MAX_VALUE;

    private final byte[] chaddr;
    private final byte[] clientId;
    private final int giaddr;
    private final List<Integer> servers;
    private final long acquireTimeout;
    private final long acquireDeadline;
    private int xid;
    private State state = State.SELECTING;
    private long deadline;
    private long retryNanos = FIRST_RETRY_NANOS;
    private int server;
    private int address;
    private int mask;
    private long requestSentNanos;
    private long t1;
    private long t2;
    private long expiry;

    /**
     * @param xid             the first transaction id (random: a reply must name it)
     * @param chaddr          the hardware address the servers see for this session (6 bytes, unique)
     * @param giaddr          the relay address: {@code dhcp-network-scope}
     * @param servers         the {@code dhcp-server}s, at least one
     * @param acquireTimeout  how long acquiring may take in all before it fails, in nanoseconds
     * @param nowNanos        the time now
     */
    public DhcpLease(final int xid, final byte[] chaddr, final int giaddr, final List<Integer> servers,
        final long acquireTimeout, final long nowNanos)
    {
        if (servers.isEmpty())
        {
            throw new IllegalArgumentException("no DHCP server");
        }
        this.xid = xid;
        this.chaddr = chaddr.clone();
        this.clientId = new byte[chaddr.length + 1];
        clientId[0] = 1; // hardware type Ethernet, then the address (RFC 2132 §9.14)
        System.arraycopy(chaddr, 0, clientId, 1, chaddr.length);
        this.giaddr = giaddr;
        this.servers = List.copyOf(servers);
        this.acquireTimeout = acquireTimeout;
        this.acquireDeadline = nowNanos + acquireTimeout;
    }

    /**
     * A lease an earlier run of the headend held (restart), to be confirmed rather than acquired anew: {@link #start}
     * sends a REQUEST as a client in INIT-REBOOT does (RFC 2131 §4.3.2: the address asked for, no server identifier)
     * to every server. An ACK for that address gives {@link Bound}; a NAK, or no answer before the acquire timeout,
     * gives {@link Failed}: the address is not the session's any longer, and a new DISCOVER would hand its client
     * another one behind its back.
     *
     * @param address the address held
     * @param server  the server that leased it (its answer is heard even if it is no longer configured)
     */
    public static DhcpLease rebooting(final int xid, final byte[] chaddr, final int giaddr, final List<Integer> servers,
        final int address, final int server, final long acquireTimeout, final long nowNanos)
    {
        final DhcpLease lease = new DhcpLease(xid, chaddr, giaddr, servers, acquireTimeout, nowNanos);
        lease.state = State.REBOOTING;
        lease.address = address;
        lease.server = server;
        return lease;
    }

    /** Sends DISCOVER (or, for a lease {@link #rebooting}, the confirming REQUEST) to every server. */
    public Step start(final long nowNanos)
    {
        return state == State.REBOOTING ? toAll(rebootingRequest(), nowNanos) : discover(nowNanos);
    }

    /** The hardware address the servers know this lease by. */
    public byte[] chaddr()
    {
        return chaddr.clone();
    }

    public State state()
    {
        return state;
    }

    /** The transaction id replies must carry now. */
    public int xid()
    {
        return xid;
    }

    /** When {@link #onTimer} is next due; {@link Long#MAX_VALUE} when never. */
    public long deadline()
    {
        return deadline;
    }

    /** The leased address (0 before the first ACK). */
    public int address()
    {
        return address;
    }

    /** The server that leased it (0 before the first ACK). */
    public int server()
    {
        return server;
    }

    /** A reply from a server; anything that is not an answer to this lease's current transaction is ignored. */
    public Step onMessage(final DhcpMessage reply, final long nowNanos)
    {
        if (reply.op() != DhcpMessage.BOOTREPLY || reply.xid() != xid
            || !java.util.Arrays.equals(reply.chaddr(), chaddr))
        {
            return Step.NOTHING;
        }
        final int type = reply.messageType();
        return switch (state)
        {
            case SELECTING -> type == DhcpMessage.OFFER ? onOffer(reply, nowNanos) : Step.NOTHING;
            case REQUESTING -> type == DhcpMessage.ACK ? onAck(reply, nowNanos)
                : type == DhcpMessage.NAK ? onNakWhileAcquiring(reply, nowNanos) : Step.NOTHING;
            case REBOOTING -> type == DhcpMessage.ACK ? onAck(reply, nowNanos)
                : type == DhcpMessage.NAK ? fail("server " + ipv4(serverOf(reply)) + " refused to confirm "
                    + ipv4(address) + " (DHCPNAK" + text(reply) + ")") : Step.NOTHING;
            case RENEWING, REBINDING -> type == DhcpMessage.ACK ? onAck(reply, nowNanos)
                : type == DhcpMessage.NAK ? lose("server " + ipv4(serverOf(reply)) + " refused the renewal (DHCPNAK"
                    + text(reply) + ")") : Step.NOTHING;
            default -> Step.NOTHING;
        };
    }

    /** The deadline passed: retransmit, move to RENEWING/REBINDING, or give up. */
    public Step onTimer(final long nowNanos)
    {
        if (nowNanos - deadline < 0)
        {
            return Step.NOTHING;
        }
        return switch (state)
        {
            case SELECTING, REQUESTING, REBOOTING -> nowNanos - acquireDeadline >= 0
                ? fail("no lease from " + serverList() + " within "
                    + TimeUnit.NANOSECONDS.toSeconds(acquireTimeout) + " s")
                : retransmit(nowNanos);
            case BOUND, RENEWING, REBINDING -> renewalTimer(nowNanos);
            default -> Step.NOTHING;
        };
    }

    /** The session ended: RELEASE to the server that leased, when a lease is held; the lease is done with. */
    public Step release()
    {
        final State was = state;
        state = State.RELEASED;
        deadline = NEVER;
        if (was != State.BOUND && was != State.RENEWING && was != State.REBINDING)
        {
            return Step.NOTHING;
        }
        final Map<Integer, byte[]> options = new LinkedHashMap<>();
        options.put(DhcpMessage.OPTION_MESSAGE_TYPE, new byte[] {DhcpMessage.RELEASE});
        options.put(DhcpMessage.OPTION_SERVER_ID, DhcpMessage.int32(server));
        options.put(DhcpMessage.OPTION_CLIENT_ID, clientId);
        return new Step(List.of(new Outgoing(server, message(address, options))), null);
    }

    private Step discover(final long nowNanos)
    {
        state = State.SELECTING;
        retryNanos = FIRST_RETRY_NANOS;
        return toAll(discoverMessage(), nowNanos);
    }

    private Step onOffer(final DhcpMessage offer, final long nowNanos)
    {
        final int offeredBy = serverOf(offer);
        if (offer.yiaddr() == 0 || offeredBy == 0)
        {
            return Step.NOTHING; // an offer must name an address and its server (RFC 2131 table 3)
        }
        state = State.REQUESTING;
        server = offeredBy;
        address = offer.yiaddr();
        retryNanos = FIRST_RETRY_NANOS;
        // to every server: those whose offers were not taken learn it from the server identifier
        return toAll(selectingRequest(), nowNanos);
    }

    private DhcpMessage selectingRequest()
    {
        final Map<Integer, byte[]> options = new LinkedHashMap<>();
        options.put(DhcpMessage.OPTION_MESSAGE_TYPE, new byte[] {DhcpMessage.REQUEST});
        options.put(DhcpMessage.OPTION_CLIENT_ID, clientId);
        options.put(DhcpMessage.OPTION_REQUESTED_ADDRESS, DhcpMessage.int32(address));
        options.put(DhcpMessage.OPTION_SERVER_ID, DhcpMessage.int32(server));
        options.put(DhcpMessage.OPTION_PARAMETER_LIST, new byte[] {DhcpMessage.OPTION_SUBNET_MASK,
            DhcpMessage.OPTION_LEASE_TIME, DhcpMessage.OPTION_RENEWAL_TIME, DhcpMessage.OPTION_REBINDING_TIME});
        return message(0, options);
    }

    private DhcpMessage rebootingRequest()
    {
        final Map<Integer, byte[]> options = new LinkedHashMap<>();
        options.put(DhcpMessage.OPTION_MESSAGE_TYPE, new byte[] {DhcpMessage.REQUEST});
        options.put(DhcpMessage.OPTION_CLIENT_ID, clientId);
        options.put(DhcpMessage.OPTION_REQUESTED_ADDRESS, DhcpMessage.int32(address));
        options.put(DhcpMessage.OPTION_PARAMETER_LIST, new byte[] {DhcpMessage.OPTION_SUBNET_MASK,
            DhcpMessage.OPTION_LEASE_TIME, DhcpMessage.OPTION_RENEWAL_TIME, DhcpMessage.OPTION_REBINDING_TIME});
        return message(0, options);
    }

    private DhcpMessage renewingRequest()
    {
        final Map<Integer, byte[]> options = new LinkedHashMap<>();
        options.put(DhcpMessage.OPTION_MESSAGE_TYPE, new byte[] {DhcpMessage.REQUEST});
        options.put(DhcpMessage.OPTION_CLIENT_ID, clientId);
        return message(address, options);
    }

    private Step onAck(final DhcpMessage ack, final long nowNanos)
    {
        final long leaseSeconds = ack.intOption(DhcpMessage.OPTION_LEASE_TIME, -1);
        if (ack.yiaddr() != address || leaseSeconds < 0)
        {
            final String why = ack.yiaddr() != address
                ? "server " + ipv4(serverOf(ack)) + " acknowledged " + ipv4(ack.yiaddr()) + ", not " + ipv4(address)
                : "server " + ipv4(serverOf(ack)) + " sent a DHCPACK without a lease time";
            return state == State.REQUESTING || state == State.REBOOTING ? fail(why) : lose(why);
        }
        final boolean first = state == State.REQUESTING || state == State.REBOOTING;
        if (first)
        {
            mask = (int)ack.intOption(DhcpMessage.OPTION_SUBNET_MASK, 0xFFFF_FFFFL);
        }
        if (serverOf(ack) != 0)
        {
            server = serverOf(ack);
        }
        state = State.BOUND;
        schedule(requestSentNanos, leaseSeconds, ack);
        return new Step(List.of(), first ? new Bound(address, mask, leaseSeconds) : new Renewed(leaseSeconds));
    }

    /** T1, T2 and the expiry, counted from when the REQUEST went out (RFC 2131 §4.4.1). */
    private void schedule(final long from, final long leaseSeconds, final DhcpMessage ack)
    {
        if (leaseSeconds == INFINITE)
        {
            t1 = NEVER;
            t2 = NEVER;
            expiry = NEVER;
            deadline = NEVER;
            return;
        }
        long renew = ack.intOption(DhcpMessage.OPTION_RENEWAL_TIME, leaseSeconds / 2);
        long rebind = ack.intOption(DhcpMessage.OPTION_REBINDING_TIME, leaseSeconds * 7 / 8);
        if (rebind > leaseSeconds || rebind <= 0)
        {
            rebind = leaseSeconds * 7 / 8;
        }
        if (renew > rebind || renew <= 0)
        {
            renew = rebind / 2;
        }
        t1 = from + TimeUnit.SECONDS.toNanos(renew);
        t2 = from + TimeUnit.SECONDS.toNanos(rebind);
        expiry = from + TimeUnit.SECONDS.toNanos(leaseSeconds);
        deadline = t1;
    }

    private Step onNakWhileAcquiring(final DhcpMessage nak, final long nowNanos)
    {
        if (nowNanos - acquireDeadline >= 0)
        {
            return fail("server " + ipv4(serverOf(nak)) + " refused the request (DHCPNAK" + text(nak) + ")");
        }
        address = 0;
        server = 0;
        xid++;
        return discover(nowNanos); // RFC 2131 §3.1 step 5: a NAK sends the client back to DISCOVER
    }

    private Step retransmit(final long nowNanos)
    {
        retryNanos = Math.min(retryNanos * 2, TimeUnit.SECONDS.toNanos(64));
        final DhcpMessage again = state == State.SELECTING ? discoverMessage()
            : state == State.REBOOTING ? rebootingRequest() : selectingRequest();
        return toAll(again, nowNanos);
    }

    private DhcpMessage discoverMessage()
    {
        final Map<Integer, byte[]> options = new LinkedHashMap<>();
        options.put(DhcpMessage.OPTION_MESSAGE_TYPE, new byte[] {DhcpMessage.DISCOVER});
        options.put(DhcpMessage.OPTION_CLIENT_ID, clientId);
        options.put(DhcpMessage.OPTION_PARAMETER_LIST, new byte[] {DhcpMessage.OPTION_SUBNET_MASK,
            DhcpMessage.OPTION_LEASE_TIME, DhcpMessage.OPTION_RENEWAL_TIME, DhcpMessage.OPTION_REBINDING_TIME});
        return message(0, options);
    }

    private Step renewalTimer(final long nowNanos)
    {
        if (nowNanos - expiry >= 0)
        {
            return lose("the lease from " + ipv4(server) + " ran out without a renewal");
        }
        if (nowNanos - t2 >= 0)
        {
            state = State.REBINDING;
            requestSentNanos = nowNanos;
            deadline = nowNanos + Math.max(MIN_RENEW_RETRY_NANOS, (expiry - nowNanos) / 2);
            deadline = deadline - expiry > 0 ? expiry : deadline;
            final List<Outgoing> send = new ArrayList<>();
            final DhcpMessage request = renewingRequest();
            for (final int each : servers)
            {
                send.add(new Outgoing(each, request));
            }
            return new Step(send, null);
        }
        state = State.RENEWING;
        requestSentNanos = nowNanos;
        deadline = nowNanos + Math.max(MIN_RENEW_RETRY_NANOS, (t2 - nowNanos) / 2);
        deadline = deadline - t2 > 0 ? t2 : deadline;
        return new Step(List.of(new Outgoing(server, renewingRequest())), null);
    }

    private Step toAll(final DhcpMessage message, final long nowNanos)
    {
        requestSentNanos = nowNanos;
        deadline = nowNanos + retryNanos;
        deadline = deadline - acquireDeadline > 0 ? acquireDeadline : deadline;
        final List<Outgoing> send = new ArrayList<>(servers.size());
        for (final int each : servers)
        {
            send.add(new Outgoing(each, message));
        }
        return new Step(send, null);
    }

    private Step fail(final String why)
    {
        state = State.FAILED;
        deadline = NEVER;
        return new Step(List.of(), new Failed(why));
    }

    private Step lose(final String why)
    {
        state = State.LOST;
        deadline = NEVER;
        return new Step(List.of(), new Lost(why));
    }

    private DhcpMessage message(final int ciaddr, final Map<Integer, byte[]> options)
    {
        return new DhcpMessage(DhcpMessage.BOOTREQUEST, xid, 0, 0, ciaddr, 0, 0, giaddr, chaddr, options);
    }

    private static int serverOf(final DhcpMessage reply)
    {
        return (int)reply.intOption(DhcpMessage.OPTION_SERVER_ID, 0);
    }

    private String serverList()
    {
        return String.join(", ", servers.stream().map(DhcpLease::ipv4).toList());
    }

    private static String text(final DhcpMessage reply)
    {
        final String text = reply.serverText();
        return text.isEmpty() ? "" : ": " + text;
    }

    static String ipv4(final int address)
    {
        return (address >>> 24) + "." + (address >>> 16 & 0xFF) + "." + (address >>> 8 & 0xFF) + "." + (address & 0xFF);
    }
}
