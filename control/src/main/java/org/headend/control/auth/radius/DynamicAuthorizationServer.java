package org.headend.control.auth.radius;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RFC 5176 listener of one UDP port: Disconnect- and CoA-Requests are taken only from the configured servers
 * ({@link #peers}), checked with that server's key (Request Authenticator and the required Message-Authenticator),
 * and refused as replays when their Event-Timestamp is more than {@link #WINDOW_SECONDS} away from now or when they
 * repeat a request already seen within that window (the same source, identifier and authenticator: the earlier
 * answer is sent again, nothing is done twice). What passes goes to the {@link Handler}; its verdict is signed and
 * sent back. Whatever fails is dropped without an answer and counted, as RFC 5176 §3 asks.
 * <p>
 * One thread of its own with a selector: the socket, the replay cache and every send are on it; the handler's
 * verdict comes back through a queue, so neither the control thread nor an event loop ever touches the socket.
 */
public final class DynamicAuthorizationServer implements AutoCloseable
{
    /** RFC 5176 §3.5: the default window of Event-Timestamp, and how long a request is remembered. */
    public static final long WINDOW_SECONDS = 300;
    /** Requests remembered at most; the oldest are forgotten first (only verified requests get in). */
    static final int MAX_REMEMBERED = 4096;
    private static final long LOG_EVERY_NANOS = 10_000_000_000L;
    private static final Logger LOG = LoggerFactory.getLogger(DynamicAuthorizationServer.class);

    private final DatagramChannel channel;
    private final Selector selector;
    private final Thread thread;
    private final Handler handler;
    private final LongSupplier nanoClock;
    private final LongSupplier epochSeconds;
    private final ByteBuffer receiveBuffer = ByteBuffer.allocate(RadiusPacket.MAX_LENGTH + 1);
    private final Queue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final Map<String, Remembered> remembered = new LinkedHashMap<>();
    private volatile List<Peer> peers = List.of();
    private volatile boolean closed;
    private long lastDropLogNanos;
    private final AtomicLong[] counters = new AtomicLong[Counter.values().length];

    /** A server allowed to send requests, its key, and the {@code aaa-server} group it is configured in. */
    public record Peer(InetAddress address, byte[] secret, String group)
    {
    }

    /** A verified request, from {@code peer}. */
    public record Request(RadiusPacket packet, Peer peer)
    {
    }

    /** What to answer: ACK, or NAK with an RFC 5176 §3.6 Error-Cause (0 for none). */
    public record Verdict(boolean ack, int errorCause)
    {
        public static final Verdict ACK = new Verdict(true, 0);

        public static Verdict nak(final int errorCause)
        {
            return new Verdict(false, errorCause);
        }
    }

    /** Acts on a verified request; may complete on any thread. */
    @FunctionalInterface
    public interface Handler
    {
        CompletionStage<Verdict> handle(Request request);
    }

    /** What happened to the datagrams, as {@code show aaa-server} prints it. */
    public enum Counter
    {
        RECEIVED, UNKNOWN_SOURCE, MALFORMED_OR_FORGED, STALE, DUPLICATE, ACK, NAK
    }

    private static final class Remembered
    {
        private final long atNanos;
        private byte[] answer;
        private InetSocketAddress to;

        private Remembered(final long atNanos)
        {
            this.atNanos = atNanos;
        }
    }

    private DynamicAuthorizationServer(final InetSocketAddress bind, final Handler handler,
        final LongSupplier nanoClock, final LongSupplier epochSeconds) throws IOException
    {
        this.handler = handler;
        this.nanoClock = nanoClock;
        this.epochSeconds = epochSeconds;
        for (int i = 0; i < counters.length; i++)
        {
            counters[i] = new AtomicLong();
        }
        this.selector = Selector.open();
        this.channel = DatagramChannel.open();
        try
        {
            channel.bind(bind);
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ);
        }
        catch (final IOException ex)
        {
            channel.close();
            selector.close();
            throw ex;
        }
        this.thread = new Thread(this::run, "radius-coa-" + bind.getPort());
        thread.setDaemon(true);
    }

    /** Listens on {@code bind} (port 0: any free one), its thread started. */
    public static DynamicAuthorizationServer start(final InetSocketAddress bind, final Handler handler,
        final LongSupplier nanoClock, final LongSupplier epochSeconds) throws IOException
    {
        final DynamicAuthorizationServer server = new DynamicAuthorizationServer(bind, handler, nanoClock,
            epochSeconds);
        server.thread.start();
        return server;
    }

    /** The servers requests are taken from, replacing the earlier list (the configuration changed). */
    public void peers(final List<Peer> value)
    {
        peers = List.copyOf(value);
    }

    public int port()
    {
        return ((InetSocketAddress)channel.socket().getLocalSocketAddress()).getPort();
    }

    public long count(final Counter counter)
    {
        return counters[counter.ordinal()].get();
    }

    private void run()
    {
        while (!closed)
        {
            try
            {
                selector.select(1000);
                selector.selectedKeys().clear();
                Runnable command;
                while ((command = commands.poll()) != null)
                {
                    command.run();
                }
                receiveAll();
            }
            catch (final IOException | RuntimeException ex)
            {
                if (!closed)
                {
                    LOG.error("dynamic authorization on UDP {} failed a turn", port(), ex);
                }
            }
        }
    }

    private void receiveAll() throws IOException
    {
        for (int i = 0; i < 64; i++)
        {
            receiveBuffer.clear();
            final SocketAddress from = channel.receive(receiveBuffer);
            if (from == null)
            {
                return;
            }
            counters[Counter.RECEIVED.ordinal()].incrementAndGet();
            onDatagram(receiveBuffer.array(), receiveBuffer.position(), (InetSocketAddress)from);
        }
    }

    private void onDatagram(final byte[] datagram, final int length, final InetSocketAddress from)
    {
        final Peer peer = peerAt(from.getAddress());
        if (peer == null)
        {
            drop(Counter.UNKNOWN_SOURCE, from, "not a configured server of a group with dynamic-authorization");
            return;
        }
        final RadiusPacket packet;
        try
        {
            packet = DynamicAuthorizationPacket.decodeRequest(datagram, Math.min(length, RadiusPacket.MAX_LENGTH),
                peer.secret());
        }
        catch (final RadiusException ex)
        {
            drop(Counter.MALFORMED_OR_FORGED, from, ex.getMessage());
            return;
        }
        final byte[] timestamp = packet.first(DynamicAuthorizationPacket.EVENT_TIMESTAMP);
        if (timestamp != null && (timestamp.length != 4 || Math.abs(epochSeconds.getAsLong()
            - ((timestamp[0] & 0xffL) << 24 | (timestamp[1] & 0xff) << 16 | (timestamp[2] & 0xff) << 8
            | timestamp[3] & 0xff)) > WINDOW_SECONDS))
        {
            drop(Counter.STALE, from, "Event-Timestamp outside the window of " + WINDOW_SECONDS + " s (a replay?)");
            return;
        }
        final long now = nanoClock.getAsLong();
        forget(now);
        final String key = from.getAddress().getHostAddress() + "/" + packet.identifier() + "/"
            + HexFormat.of().formatHex(packet.authenticator());
        final Remembered earlier = remembered.get(key);
        if (earlier != null)
        {
            counters[Counter.DUPLICATE.ordinal()].incrementAndGet();
            if (earlier.answer != null)
            {
                send(earlier.answer, from);
            }
            return;
        }
        if (remembered.size() >= MAX_REMEMBERED)
        {
            final Iterator<Remembered> oldest = remembered.values().iterator();
            oldest.next();
            oldest.remove();
        }
        final Remembered entry = new Remembered(now);
        entry.to = from;
        remembered.put(key, entry);
        final CompletionStage<Verdict> verdict;
        try
        {
            verdict = handler.handle(new Request(packet, peer));
        }
        catch (final RuntimeException ex)
        {
            LOG.error("dynamic authorization request from {} failed", from, ex);
            answer(entry, packet, peer, Verdict.nak(DynamicAuthorizationPacket.RESOURCES_UNAVAILABLE));
            return;
        }
        verdict.whenComplete((value, error) ->
        {
            final Verdict v = error != null || value == null
                ? Verdict.nak(DynamicAuthorizationPacket.RESOURCES_UNAVAILABLE) : value;
            if (error != null)
            {
                LOG.error("dynamic authorization request from {} failed", from, error);
            }
            if (!closed)
            {
                commands.add(() -> answer(entry, packet, peer, v));
                selector.wakeup();
            }
        });
    }

    private void answer(final Remembered entry, final RadiusPacket request, final Peer peer, final Verdict verdict)
    {
        entry.answer = DynamicAuthorizationPacket.answer(request, verdict.ack(), verdict.errorCause(), peer.secret());
        counters[(verdict.ack() ? Counter.ACK : Counter.NAK).ordinal()].incrementAndGet();
        send(entry.answer, entry.to);
    }

    private void send(final byte[] answer, final InetSocketAddress to)
    {
        try
        {
            channel.send(ByteBuffer.wrap(answer), to);
        }
        catch (final IOException ex)
        {
            LOG.warn("dynamic authorization answer to {} not sent: {}", to, ex.toString());
        }
    }

    private void forget(final long now)
    {
        final Iterator<Remembered> oldest = remembered.values().iterator();
        while (oldest.hasNext() && now - oldest.next().atNanos > WINDOW_SECONDS * 1_000_000_000L)
        {
            oldest.remove();
        }
    }

    private Peer peerAt(final InetAddress address)
    {
        for (final Peer peer : peers)
        {
            if (peer.address().equals(address))
            {
                return peer;
            }
        }
        return null;
    }

    /** Counts the drop; logs one in {@link #LOG_EVERY_NANOS} so that a flood does not flood the log. */
    private void drop(final Counter counter, final InetSocketAddress from, final String why)
    {
        counters[counter.ordinal()].incrementAndGet();
        final long now = nanoClock.getAsLong();
        if (lastDropLogNanos == 0 || now - lastDropLogNanos >= LOG_EVERY_NANOS)
        {
            lastDropLogNanos = now;
            LOG.warn("dynamic authorization request from {} dropped: {}", from.getAddress().getHostAddress(), why);
        }
    }

    @Override
    public void close()
    {
        closed = true;
        selector.wakeup();
        try
        {
            thread.join(2000);
            selector.close();
            channel.close();
        }
        catch (final IOException | InterruptedException ex)
        {
            LOG.debug("closing dynamic authorization on UDP {}", channel.socket().getLocalPort(), ex);
        }
    }
}
