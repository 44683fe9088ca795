package org.headend.dataplane.esp;

import io.netty.channel.EventLoop;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.headend.crypto.Aead;
import org.headend.dataplane.api.DataplaneCounter;
import org.headend.dataplane.api.DataplaneCounters;
import org.headend.dataplane.api.EspSa;
import org.headend.dataplane.api.EspTunnel;
import org.headend.dataplane.api.RoundTripTimes;
import org.headend.dataplane.api.TunnelAccess;
import org.headend.dataplane.api.TunnelListener;
import org.headend.dataplane.dtls.RecordBatch;
import org.headend.dataplane.tunnel.AccessDrops;
import org.headend.dataplane.tunnel.EgressTarget;
import org.headend.dataplane.tunnel.InboundSink;
import org.headend.dataplane.tunnel.TunnelCounters;
import org.headend.dataplane.tunnel.TunnelPath;

/**
 * One IKEv2 session's ESP tunnel: its child SAs (one outbound, up to two inbound during a rekey), the client's UDP
 * address, the inbound stage (open, access check, to the TUN) and the outbound stage (inside packets routed to its
 * path are sealed into the port's send batch). The handle control keeps, as {@link EspTunnel}.
 *
 * <p>Thread: the ESP port's event loop for everything that moves packets or SAs; control's calls hop there.
 */
public final class EspSession implements EspTunnel, EgressTarget
{
    private static final VarHandle LAST_RX;

    static
    {
        try
        {
            LAST_RX = MethodHandles.lookup().findVarHandle(EspSession.class, "lastRxNanos", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final TunnelPath path;
    private final int mtu;
    private final InboundSink inbound;
    private final TunnelListener listener;
    private final Function<byte[], Aead> aead;
    private final EspPortHandler port;
    private final EventLoop loop;
    private final TunnelCounters traffic = new TunnelCounters();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final UnsafeBuffer sealView = new UnsafeBuffer(0, 0);
    private final String cipherName;

    private final AtomicCounter rxPackets;
    private final AtomicCounter txPackets;
    private final AtomicCounter replays;
    private final AtomicCounter authFailures;
    private final AtomicCounter malformed;
    private final AtomicCounter dummies;
    private final AtomicCounter badNextHeader;
    private final AtomicCounter rebinds;
    private final AtomicCounter exhausted;
    private final AtomicCounter ringFull;
    private final AccessDrops drops;

    /** Read by control for lifetimes and the CLI: volatile references, replaced on the loop at a rekey. */
    private volatile OutboundSa outbound;
    private volatile InboundSa current;
    private InboundSa previous;
    /** Written on the loop (NAT rebinding), read by control. */
    private volatile InetSocketAddress peer;
    private RecordBatch batch;
    private boolean flushPending;
    private boolean isClosed;
    @SuppressWarnings("unused") // through LAST_RX
    private long lastRxNanos;

    EspSession(final TunnelPath path, final int mtu, final InetSocketAddress peer, final EspSa inboundSa,
        final EspSa outboundSa, final InboundSink inbound, final TunnelListener listener,
        final Function<byte[], Aead> aead, final EspPortHandler port, final EventLoop loop,
        final DataplaneCounters counters)
    {
        this.path = path;
        this.mtu = mtu;
        this.peer = peer;
        this.inbound = inbound;
        this.listener = listener;
        this.aead = aead;
        this.port = port;
        this.loop = loop;
        this.cipherName = outboundSa.cipherName();
        this.current = new InboundSa(inboundSa, aead, this);
        this.outbound = new OutboundSa(outboundSa, aead);
        rxPackets = counters.counter(DataplaneCounter.ESP_RX_PACKETS);
        txPackets = counters.counter(DataplaneCounter.ESP_TX_PACKETS);
        replays = counters.counter(DataplaneCounter.ESP_REPLAY_DROPS);
        authFailures = counters.counter(DataplaneCounter.ESP_AUTH_FAILURES);
        malformed = counters.counter(DataplaneCounter.ESP_MALFORMED_DROPS);
        dummies = counters.counter(DataplaneCounter.ESP_DUMMY_PACKETS);
        badNextHeader = counters.counter(DataplaneCounter.ESP_UNEXPECTED_NEXT_HEADER);
        rebinds = counters.counter(DataplaneCounter.ESP_NAT_REBINDS);
        exhausted = counters.counter(DataplaneCounter.ESP_SEQUENCE_EXHAUSTED_DROPS);
        ringFull = counters.counter(DataplaneCounter.INBOUND_RING_FULL_DROPS);
        drops = new AccessDrops(counters);
        LAST_RX.setRelease(this, System.nanoTime());
    }

    public TunnelPath path()
    {
        return path;
    }

    InboundSa currentInbound()
    {
        return current;
    }

    /** Starts carrying the tunnel: its SA is in the port's table, its batch ready. Event loop. */
    void start(final RecordBatch batch)
    {
        this.batch = batch;
        batch.peer(peer);
        path.cstp().register(path.tunnelId(), this);
    }

    /**
     * One ESP packet for {@code sa}, already copied into {@code packet} at 0: opened, checked and written inside.
     * Event loop; allocation-free.
     */
    void onPacket(final InboundSa sa, final MutableDirectBuffer packet, final int length,
        final InetSocketAddress sender, final long nowNanos)
    {
        final int inner = sa.open(packet, 0, length);
        if (inner < 0)
        {
            switch (inner)
            {
                case InboundSa.REPLAYED -> replays.increment();
                case InboundSa.AUTH_FAILED -> authFailures.increment();
                default -> malformed.increment();
            }
            return;
        }
        LAST_RX.setRelease(this, nowNanos);
        if (sa.newest() && !sender.equals(peer) && port.sameFamily(sender, peer))
        {
            // RFC 3948 §2.3 / RFC 7296 §2.23: follow the NAT only for an authenticated packet that is the newest
            rebinds.increment();
            peer = sender;
            batch.peer(sender);
        }
        final int nextHeader = sa.nextHeader();
        if (nextHeader == EspFormat.NEXT_HEADER_NONE)
        {
            dummies.increment();
            return;
        }
        if (nextHeader != EspFormat.NEXT_HEADER_IPV4 && nextHeader != EspFormat.NEXT_HEADER_IPV6)
        {
            badNextHeader.increment();
            traffic.addRxDrop();
            return;
        }
        onData(sa, packet, EspFormat.PAYLOAD_OFFSET, inner);
    }

    private void onData(final InboundSa sa, final DirectBuffer buffer, final int index, final int length)
    {
        if (length > mtu)
        {
            malformed.increment();
            traffic.addRxDrop();
            return;
        }
        final int verdict = path.access().check(buffer, index, length);
        if (verdict != TunnelAccess.ADMIT)
        {
            drops.count(verdict);
            traffic.addRxDrop();
            return;
        }
        if (!inbound.offer(buffer, index, length))
        {
            ringFull.increment();
            traffic.addRxDrop();
            return;
        }
        rxPackets.increment();
        traffic.addRx(length);
        sa.lifetime().addRx(length);
    }

    @Override
    public boolean writeData(final DirectBuffer src, final int index, final int length)
    {
        if (isClosed)
        {
            return false;
        }
        final OutboundSa sa = outbound;
        final int nextHeader = ((src.getByte(index) >> 4) & 0xF) == 6 ? EspFormat.NEXT_HEADER_IPV6
            : EspFormat.NEXT_HEADER_IPV4;
        batch.open(OutboundSa.sealedLength(length), sealView);
        final int sealed = sa.seal(src, index, length, nextHeader, sealView, 0);
        if (sealed < 0)
        {
            if (sealed == OutboundSa.SEQUENCE_EXHAUSTED)
            {
                exhausted.increment();
            }
            traffic.addTxDrop();
            return false;
        }
        batch.commit(sealed);
        txPackets.increment();
        traffic.addTx(length);
        sa.lifetime().addTx(length);
        if (flushPending)
        {
            return false;
        }
        flushPending = true;
        return true;
    }

    @Override
    public void flushBatch()
    {
        flushPending = false;
        batch.emit();
        batch.flush();
    }

    /** Event loop: the new pair takes over; the current inbound SA stays as the previous one. */
    private void onRekey(final InboundSa newInbound, final OutboundSa newOutbound)
    {
        if (isClosed)
        {
            newInbound.close();
            newOutbound.close();
            port.release(newInbound.spi());
            return;
        }
        if (previous != null)
        {
            port.unregister(previous);
            previous.close();
        }
        previous = current;
        current = newInbound;
        port.register(newInbound);
        final OutboundSa old = outbound;
        if (batch != null)
        {
            // records sealed under the old key leave before the first under the new one
            batch.emit();
            batch.flush();
        }
        outbound = newOutbound;
        old.close();
    }

    private void onRetire(final int spi)
    {
        if (previous != null && previous.spi() == spi)
        {
            port.unregister(previous);
            previous.close();
            previous = null;
        }
    }

    /** Event loop: takes the SAs out, wipes the keys, tells control once. */
    void close(final TunnelListener.CloseCause cause, final String why)
    {
        if (isClosed)
        {
            return;
        }
        isClosed = true;
        path.cstp().unregister(path.tunnelId(), this);
        if (batch != null)
        {
            batch.discard();
        }
        port.unregister(current);
        current.close();
        if (previous != null)
        {
            port.unregister(previous);
            previous.close();
            previous = null;
        }
        outbound.close();
        port.forget(this);
        closed.complete(null);
        listener.onClosed(cause, why);
    }

    @Override
    public void rekey(final EspSa inboundSa, final EspSa outboundSa)
    {
        final InboundSa newInbound = new InboundSa(inboundSa, aead, this);
        final OutboundSa newOutbound = new OutboundSa(outboundSa, aead);
        loop.execute(() -> onRekey(newInbound, newOutbound));
    }

    @Override
    public void retireInbound(final int spi)
    {
        loop.execute(() -> onRetire(spi));
    }

    @Override
    public int inboundSpi()
    {
        return current.spi();
    }

    @Override
    public int outboundSpi()
    {
        return outbound.spi();
    }

    @Override
    public InetSocketAddress peer()
    {
        return peer;
    }

    @Override
    public String cipherName()
    {
        return cipherName;
    }

    @Override
    public long saRxBytes()
    {
        final InboundSa old = previous;
        return current.lifetime().rxBytes() + (old == null ? 0 : old.lifetime().rxBytes());
    }

    @Override
    public long saTxBytes()
    {
        return outbound.lifetime().txBytes();
    }

    @Override
    public long saTxPackets()
    {
        return outbound.lifetime().txPackets();
    }

    @Override
    public long lastRxNanos()
    {
        return (long)LAST_RX.getAcquire(this);
    }

    @Override
    public int id()
    {
        return path.tunnelId();
    }

    @Override
    public void disconnect(final String why)
    {
        loop.execute(() -> close(TunnelListener.CloseCause.LOCAL, why));
    }

    @Override
    public void drop(final String why)
    {
        loop.execute(() -> close(TunnelListener.CloseCause.LOCAL, why));
    }

    @Override
    public int gatewayDpdSeconds()
    {
        return 0;
    }

    @Override
    public void gatewayDpd(final int seconds)
    {
        // liveness of an IKEv2 session is IKE's INFORMATIONAL exchange, which control runs
    }

    @Override
    public Future<?> closed()
    {
        return closed;
    }

    @Override
    public long rxBytes()
    {
        return traffic.rxBytes();
    }

    @Override
    public long txBytes()
    {
        return traffic.txBytes();
    }

    @Override
    public long rxPackets()
    {
        return traffic.rxPackets();
    }

    @Override
    public long txPackets()
    {
        return traffic.txPackets();
    }

    @Override
    public long rxDrops()
    {
        return traffic.rxDrops();
    }

    @Override
    public long txDrops()
    {
        return traffic.txDrops();
    }

    @Override
    public RoundTripTimes tlsRoundTrips()
    {
        return new RoundTripTimes(0, 0, 0);
    }

    @Override
    public RoundTripTimes dtlsRoundTrips()
    {
        return new RoundTripTimes(0, 0, 0);
    }

    @Override
    public String toString()
    {
        return "ESP tunnel " + id();
    }
}
