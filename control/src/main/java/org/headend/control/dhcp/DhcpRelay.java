package org.headend.control.dhcp;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UDP side of the DHCP leases ({@link DhcpLease}): one socket on the relay port (67), a thread that blocks on it
 * and a thread that runs every lease's state machine and timers. What a lease's holder must know (bound, failed,
 * lost) is handed to its {@link Listener} on the executor given (the control thread), which never waits here.
 * The socket opens at the first lease, so an appliance without DHCP never holds port 67.
 */
public final class DhcpRelay implements AutoCloseable
{
    /** The port a relay agent and a server use (RFC 2131 §4.1). */
    public static final int SERVER_PORT = 67;

    private static final Logger LOG = LoggerFactory.getLogger(DhcpRelay.class);

    /** What becomes of one lease; called on the listeners' executor. */
    public interface Listener
    {
        /** The lease is held: {@code address} with {@code mask}. */
        default void bound(final int address, final int mask)
        {
        }

        /**
         * As {@link #bound(int, int)}, with what confirms the lease after a restart: the server that leased, the
         * hardware address it knows the lease by, and the lease time in seconds (all ones: infinite).
         */
        default void bound(final int address, final int mask, final int server, final byte[] chaddr,
            final long leaseSeconds)
        {
            bound(address, mask);
        }

        /** The lease was renewed for {@code leaseSeconds} by {@code server}. */
        default void renewed(final int server, final long leaseSeconds)
        {
        }

        void failed(String why);

        void lost(String why);
    }

    /** One lease asked for; {@link #release} gives it back (any thread, any time). */
    public final class Handle
    {
        private final Entry entry;

        private Handle(final Entry entry)
        {
            this.entry = entry;
        }

        /** Sends RELEASE when a lease is held, and forgets it; the listener hears nothing more. */
        public void release()
        {
            try
            {
                worker.execute(() -> finish(entry, entry.lease.release()));
            }
            catch (final java.util.concurrent.RejectedExecutionException ex)
            {
                LOG.debug("DHCP relay closed: its leases were released at close");
            }
        }
    }

    private static final class Entry
    {
        final DhcpLease lease;
        final Listener listener;
        final java.util.Set<Integer> servers;
        int xid;
        ScheduledFuture<?> timer;
        boolean done;

        Entry(final DhcpLease lease, final Listener listener, final List<Integer> servers)
        {
            this.lease = lease;
            this.listener = listener;
            this.servers = java.util.Set.copyOf(servers);
            this.xid = lease.xid();
        }
    }

    private final Executor listeners;
    private final int localPort;
    private final int serverPort;
    private final long acquireTimeoutNanos;
    private final LongSupplier nanoClock;
    private final ScheduledExecutorService worker;
    private final SecureRandom random = new SecureRandom();
    /** Worker thread only. */
    private final Map<Integer, Entry> byXid = new HashMap<>();
    private DatagramChannel channel;
    private Thread receiver;
    private long malformed;

    /**
     * @param listeners       where listeners are called (the control thread)
     * @param localPort       the port to receive answers on: {@link #SERVER_PORT}, as servers answer a relay there
     * @param serverPort      the servers' port: {@link #SERVER_PORT}
     * @param acquireTimeout  how long a first lease may take before it fails
     * @param nanoClock       monotonic time
     */
    public DhcpRelay(final Executor listeners, final int localPort, final int serverPort,
        final java.time.Duration acquireTimeout, final LongSupplier nanoClock)
    {
        this.listeners = listeners;
        this.localPort = localPort;
        this.serverPort = serverPort;
        this.acquireTimeoutNanos = acquireTimeout.toNanos();
        this.nanoClock = nanoClock;
        this.worker = Executors.newSingleThreadScheduledExecutor(r ->
        {
            final Thread thread = new Thread(r, "dhcp");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Starts leasing an address from {@code servers} with {@code giaddr} as the relay address.
     *
     * @return the handle that releases it
     */
    public Handle acquire(final List<Inet4Address> servers, final Inet4Address giaddr, final Listener listener)
    {
        final byte[] chaddr = new byte[6];
        random.nextBytes(chaddr);
        chaddr[0] = (byte)((chaddr[0] & 0xFC) | 0x02); // unicast, locally administered: never a real NIC's
        final List<Integer> serverInts = servers.stream().map(DhcpRelay::toInt).toList();
        final Entry entry = new Entry(new DhcpLease(random.nextInt(), chaddr, toInt(giaddr), serverInts,
            acquireTimeoutNanos, nanoClock.getAsLong()), listener, serverInts);
        worker.execute(() -> start(entry));
        return new Handle(entry);
    }

    /**
     * Confirms a lease an earlier run held ({@link DhcpLease#rebooting}): the listener hears {@code bound} when a
     * server acknowledges {@code address} for {@code chaddr} again, {@code failed} on a NAK or no answer in time.
     *
     * @return the handle that releases it
     */
    public Handle confirm(final List<Inet4Address> servers, final Inet4Address giaddr, final int address,
        final int server, final byte[] chaddr, final Listener listener)
    {
        final List<Integer> serverInts = servers.stream().map(DhcpRelay::toInt).toList();
        final Entry entry = new Entry(DhcpLease.rebooting(random.nextInt(), chaddr, toInt(giaddr), serverInts,
            address, server, acquireTimeoutNanos, nanoClock.getAsLong()), listener, serverInts);
        worker.execute(() -> start(entry));
        return new Handle(entry);
    }

    private void start(final Entry entry)
    {
        final String why = open();
        if (why != null)
        {
            entry.done = true;
            listeners.execute(() -> entry.listener.failed(why));
            return;
        }
        byXid.put(entry.xid, entry);
        apply(entry, entry.lease.start(nanoClock.getAsLong()));
    }

    /** Opens the socket and its receiver on first use; null when open, else why not. */
    private String open()
    {
        if (channel != null)
        {
            return null;
        }
        try
        {
            final DatagramChannel opened = DatagramChannel.open(java.net.StandardProtocolFamily.INET);
            opened.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            opened.bind(new InetSocketAddress(localPort));
            channel = opened;
        }
        catch (final IOException ex)
        {
            return "the DHCP relay cannot receive on UDP port " + localPort + ": " + ex.getMessage();
        }
        receiver = new Thread(this::receive, "dhcp-receive");
        receiver.setDaemon(true);
        receiver.start();
        LOG.info("DHCP relay listening on UDP port {}", localPort);
        return null;
    }

    private void receive()
    {
        final ByteBuffer buffer = ByteBuffer.allocate(DhcpMessage.MAX_LENGTH + 1);
        while (true)
        {
            try
            {
                buffer.clear();
                final InetSocketAddress from = (InetSocketAddress)channel.receive(buffer);
                final DhcpMessage message = DhcpMessage.decode(buffer.array(), buffer.position());
                worker.execute(() -> onMessage(message, from.getAddress()));
            }
            catch (final DhcpFormatException ex)
            {
                worker.execute(() -> countMalformed(ex.getMessage()));
            }
            catch (final ClosedChannelException ex)
            {
                return;
            }
            catch (final IOException ex)
            {
                LOG.warn("DHCP relay receive failed: {}", ex.toString());
            }
        }
    }

    private void countMalformed(final String why)
    {
        // only the first and then every 1,000th: a stream of junk must not flood the log
        if (malformed++ % 1000 == 0)
        {
            LOG.info("malformed DHCP datagram ignored ({} so far): {}", malformed, why);
        }
    }

    private void onMessage(final DhcpMessage message, final InetAddress from)
    {
        final Entry entry = byXid.get(message.xid());
        // only the lease's own servers are heard: a host of the inside network cannot hand out addresses
        if (entry != null && from instanceof Inet4Address source && (entry.servers.contains(toInt(source))
            || entry.lease.server() != 0 && entry.lease.server() == toInt(source)))
        {
            apply(entry, entry.lease.onMessage(message, nanoClock.getAsLong()));
        }
    }

    private void onTimer(final Entry entry)
    {
        if (!entry.done)
        {
            apply(entry, entry.lease.onTimer(nanoClock.getAsLong()));
        }
    }

    /** Sends what a step asks, tells the listener what happened, and sets the next timer. Worker thread. */
    private void apply(final Entry entry, final DhcpLease.Step step)
    {
        send(step.send());
        if (entry.lease.xid() != entry.xid)
        {
            byXid.remove(entry.xid);
            entry.xid = entry.lease.xid();
            byXid.put(entry.xid, entry);
        }
        final DhcpLease.Event event = step.event();
        if (event != null)
        {
            LOG.debug("DHCP lease xid {}: {}", Integer.toHexString(entry.xid), event);
            // read here, on the worker: the lease is the worker's alone
            final int server = entry.lease.server();
            final byte[] chaddr = entry.lease.chaddr();
            listeners.execute(() -> deliver(entry.listener, event, server, chaddr));
        }
        if (event instanceof DhcpLease.Failed || event instanceof DhcpLease.Lost)
        {
            finish(entry, new DhcpLease.Step(List.of(), null));
            return;
        }
        if (entry.timer != null)
        {
            entry.timer.cancel(false);
        }
        final long deadline = entry.lease.deadline();
        if (deadline != Long.MAX_VALUE)
        {
            entry.timer = worker.schedule(() -> onTimer(entry), Math.max(0, deadline - nanoClock.getAsLong()),
                TimeUnit.NANOSECONDS);
        }
    }

    private static void deliver(final Listener listener, final DhcpLease.Event event, final int server,
        final byte[] chaddr)
    {
        switch (event)
        {
            case DhcpLease.Bound bound -> listener.bound(bound.address(), bound.mask(), server, chaddr,
                bound.leaseSeconds());
            case DhcpLease.Failed failed -> listener.failed(failed.why());
            case DhcpLease.Lost lost -> listener.lost(lost.why());
            case DhcpLease.Renewed renewed -> listener.renewed(server, renewed.leaseSeconds());
        }
    }

    private void finish(final Entry entry, final DhcpLease.Step last)
    {
        send(last.send());
        entry.done = true;
        byXid.remove(entry.xid);
        if (entry.timer != null)
        {
            entry.timer.cancel(false);
        }
    }

    private void send(final List<DhcpLease.Outgoing> messages)
    {
        for (final DhcpLease.Outgoing out : messages)
        {
            try
            {
                channel.send(ByteBuffer.wrap(out.message().encode()), new InetSocketAddress(toInet(out.server()),
                    serverPort));
            }
            catch (final IOException ex)
            {
                // the lease's timer retries; a server that stays unreachable ends in a clear Failed or Lost
                LOG.info("DHCP message to {} not sent: {}", DhcpLease.ipv4(out.server()), ex.toString());
            }
        }
    }

    /** How many leases are being acquired or held (for tests and metrics); waits for the worker. */
    public int active() throws Exception
    {
        return worker.submit(byXid::size).get(10, TimeUnit.SECONDS);
    }

    /** Releases every lease held (RELEASE to its server), then stops. */
    @Override
    public void close()
    {
        stop(true);
    }

    /**
     * Stops without releasing the leases held: their sessions are kept for the next run, which confirms them with
     * the servers ({@link #confirm}). RELEASEs already asked for ({@link Handle#release}) still go out first.
     */
    public void closeKeepingLeases()
    {
        stop(false);
    }

    private void stop(final boolean release)
    {
        try
        {
            // one worker thread: what was queued before (RELEASEs of sessions logged off) runs first
            worker.submit(() -> List.copyOf(byXid.values()).forEach(entry -> finish(entry,
                release ? entry.lease.release() : new DhcpLease.Step(List.of(), null)))).get(2, TimeUnit.SECONDS);
        }
        catch (final Exception ex)
        {
            LOG.warn("DHCP relay not stopped cleanly: {}", ex.toString());
        }
        worker.shutdownNow();
        if (channel != null)
        {
            try
            {
                channel.close();
            }
            catch (final IOException ex)
            {
                LOG.debug("DHCP relay socket close: {}", ex.toString());
            }
        }
    }

    static int toInt(final Inet4Address address)
    {
        final byte[] b = address.getAddress();
        return ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
    }

    static InetAddress toInet(final int address)
    {
        try
        {
            return InetAddress.getByAddress(new byte[] {
                (byte)(address >>> 24), (byte)(address >>> 16), (byte)(address >>> 8), (byte)address});
        }
        catch (final java.net.UnknownHostException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
