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
import org.headend.dataplane.api.TunnelListener;
import org.headend.dataplane.compress.PacketCompression;
import org.headend.dataplane.dtls.RecordBatch;
import org.headend.dataplane.tunnel.EgressTarget;
import org.headend.dataplane.tunnel.InboundSink;
import org.headend.dataplane.tunnel.TunnelCore;
import org.headend.dataplane.tunnel.TunnelPath;
import org.headend.dataplane.wire.CstpHeader;

/**
 * The ESP adapter of one IKEv2 session's tunnel, the third beside CSTP and DTLS: it owns the child SAs (one
 * outbound, up to two inbound during a rekey) and the client's UDP address, opens and seals, and hands each opened
 * packet to the tunnel's {@link TunnelCore}, which does what every tunnel does with it (MTU, lease, split filter and
 * vpn-filter, hand-off to the TUN, counters). A dummy packet (next header 59) is the core's keepalive: it proves the
 * peer and carries nothing. The core has no DPD here: an IKEv2 session's liveness is IKE's INFORMATIONAL exchange,
 * which control runs. The handle control keeps, as {@link EspTunnel}.
 *
 * <p>Thread: the ESP port's event loop for everything that moves packets or SAs; control's calls hop there.
 */
public final class EspSession implements EspTunnel, EgressTarget
{
    /**
     * ESP as the core sees it: a datagram channel, its path's own (there is no other to fall back to), without
     * compression (IPComp is not offered).
     */
    public static final TunnelCore.Transport TRANSPORT = new TunnelCore.Transport("ESP", false,
        DataplaneCounter.ESP_RX_PACKETS, DataplaneCounter.ESP_TX_PACKETS, DataplaneCounter.ESP_DUMMY_PACKETS,
        DataplaneCounter.ESP_UNEXPECTED_NEXT_HEADER, DataplaneCounter.ESP_MALFORMED_DROPS, null);

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
    private final TunnelCore core;
    private final TunnelListener listener;
    private final Function<byte[], Aead> aead;
    private final EspPortHandler port;
    private final EventLoop loop;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final UnsafeBuffer sealView = new UnsafeBuffer(0, 0);
    private final String cipherName;

    private final AtomicCounter replays;
    private final AtomicCounter authFailures;
    private final AtomicCounter malformed;
    private final AtomicCounter badNextHeader;
    private final AtomicCounter rebinds;
    private final AtomicCounter exhausted;

    /** Read by control for lifetimes and the CLI: volatile references, replaced on the loop at a rekey. */
    private volatile OutboundSa outbound;
    private volatile InboundSa current;
    private volatile InboundSa previous;
    /**
     * A rekey's new outbound SA, not yet sealing: the client may not have installed the pair yet (it does when our
     * CREATE_CHILD_SA response reaches it), so the old outbound SA seals until the client shows it has the new one:
     * a packet on the new inbound SA, or the DELETE of the old pair (RFC 7296 §2.8). Event loop only.
     */
    private OutboundSa pendingOutbound;
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
        // no DPD interval: IKE's INFORMATIONAL exchange is the session's liveness check
        this.core = new TunnelCore(TRANSPORT, path, null, mtu, 0, inbound, PacketCompression.none(), counters,
            listener);
        this.peer = peer;
        this.listener = listener;
        this.aead = aead;
        this.port = port;
        this.loop = loop;
        this.cipherName = outboundSa.cipherName();
        this.current = new InboundSa(inboundSa, aead, this);
        this.outbound = new OutboundSa(outboundSa, aead);
        replays = counters.counter(DataplaneCounter.ESP_REPLAY_DROPS);
        authFailures = counters.counter(DataplaneCounter.ESP_AUTH_FAILURES);
        malformed = counters.counter(DataplaneCounter.ESP_MALFORMED_DROPS);
        badNextHeader = counters.counter(DataplaneCounter.ESP_UNEXPECTED_NEXT_HEADER);
        rebinds = counters.counter(DataplaneCounter.ESP_NAT_REBINDS);
        exhausted = counters.counter(DataplaneCounter.ESP_SEQUENCE_EXHAUSTED_DROPS);
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
        core.onStart(System.nanoTime());
        path.cstp().register(path.tunnelId(), this);
    }

    /**
     * One ESP packet for {@code sa}, already copied into {@code packet} at 0: opened here, then checked and written
     * inside by the core. Event loop; allocation-free.
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
        core.onHeard(nowNanos);
        if (pendingOutbound != null && sa == current)
        {
            takeOverOutbound();
        }
        if (sa.newest() && !sender.equals(peer) && port.sameFamily(sender, peer))
        {
            // RFC 3948 §2.3 / RFC 7296 §2.23: follow the NAT only for an authenticated packet that is the newest
            rebinds.increment();
            peer = sender;
            batch.peer(sender);
        }
        final int type;
        switch (sa.nextHeader())
        {
            case EspFormat.NEXT_HEADER_IPV4, EspFormat.NEXT_HEADER_IPV6 ->
            {
                // the SA's lifetime counts what it opened, whatever the access check makes of it
                sa.lifetime().addRx(inner);
                type = CstpHeader.TYPE_DATA;
            }
            case EspFormat.NEXT_HEADER_NONE -> type = CstpHeader.TYPE_KEEPALIVE;
            default ->
            {
                // transport-mode payloads and the like: not a packet this tunnel carries
                badNextHeader.increment();
                core.traffic().addRxDrop();
                return;
            }
        }
        if (core.onMessage(type, packet, EspFormat.PAYLOAD_OFFSET, inner, nowNanos, true) == TunnelCore.CLOSE)
        {
            close(core.closeCause(), core.closeDetail());
        }
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
            core.onDataDropped();
            return false;
        }
        batch.commit(sealed);
        core.onDataSent(length, false);
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

    /**
     * Event loop: the new inbound SA opens at once, the current one stays as the previous one; the new outbound SA
     * waits in {@link #pendingOutbound}.
     */
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
        if (pendingOutbound != null)
        {
            // rekeyed again before the client used the last pair: that pair is replaced unused
            pendingOutbound.close();
        }
        pendingOutbound = newOutbound;
    }

    /** Event loop: the pending outbound SA seals from now on. */
    private void takeOverOutbound()
    {
        final OutboundSa old = outbound;
        if (batch != null)
        {
            // records sealed under the old key leave before the first under the new one
            batch.emit();
            batch.flush();
        }
        outbound = pendingOutbound;
        pendingOutbound = null;
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
        if (pendingOutbound != null)
        {
            // the client deleted the old pair: it holds the new one
            takeOverOutbound();
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
        core.onStop();
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
        if (pendingOutbound != null)
        {
            pendingOutbound.close();
            pendingOutbound = null;
        }
        port.forget(this);
        closed.complete(null);
        listener.onClosed(cause, why);
    }

    @Override
    public void rekey(final EspSa inboundSa, final EspSa outboundSa)
    {
        final InboundSa newInbound = new InboundSa(inboundSa, aead, this);
        final OutboundSa newOutbound = new OutboundSa(outboundSa, aead);
        // an SPI control chose itself is claimed here; one reserved through the port is already taken
        port.claim(inboundSa.spi());
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
        return current.lifetime().rxBytes();
    }

    @Override
    public long saRxPackets()
    {
        return current.lifetime().rxPackets();
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
        return core.traffic().rxBytes();
    }

    @Override
    public long txBytes()
    {
        return core.traffic().txBytes();
    }

    @Override
    public long rxPackets()
    {
        return core.traffic().rxPackets();
    }

    @Override
    public long txPackets()
    {
        return core.traffic().txPackets();
    }

    @Override
    public long rxDrops()
    {
        return core.traffic().rxDrops();
    }

    @Override
    public long txDrops()
    {
        return core.traffic().txDrops();
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
