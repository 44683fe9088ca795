package org.headend.dataplane.esp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.util.function.Function;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.headend.crypto.Aead;
import org.headend.dataplane.api.DataplaneCounter;
import org.headend.dataplane.api.DataplaneCounters;
import org.headend.dataplane.api.EspTunnel;
import org.headend.dataplane.api.TunnelListener;
import org.headend.dataplane.tunnel.InboundSink;
import org.headend.dataplane.tunnel.TunnelPath;

/**
 * The ESP port's datagram handler without an {@link EspPort} (which needs a whole data plane): tests in other
 * packages put it on a UDP socket they bound themselves, install one session, and play its client with the same
 * keys.
 */
public final class EspPortAccess implements AutoCloseable
{
    private static final int IN_SPI = 0x1111_0001;
    private static final int OUT_SPI = 0x2222_0001;

    private final DataplaneCounters counters;
    private final IkeInbox inbox;
    private final EspPortHandler handler;
    private final OutboundSa clientSeal;
    private final InboundSa clientOpen;
    private final Function<byte[], Aead> aead;

    public EspPortAccess(final DataplaneCounters counters, final Function<byte[], Aead> aead, final boolean gso)
    {
        this.counters = counters;
        this.aead = aead;
        inbox = new IkeInbox((peer, local, message) -> { }, counters.counter(DataplaneCounter.ESP_IKE_MESSAGES),
            counters.counter(DataplaneCounter.ESP_IKE_QUEUE_FULL_DROPS));
        handler = new EspPortHandler(inbox, new SpiRegistry(), counters, gso);
        clientSeal = new OutboundSa(EspFixture.sa(IN_SPI, 1, 0), aead);
        clientOpen = new InboundSa(EspFixture.sa(OUT_SPI, 2, 0), aead, null);
    }

    /** The handler to put last in the UDP channel's pipeline. */
    public ChannelHandler handler()
    {
        return handler;
    }

    /** Starts the session of {@code path} with its client at {@code peer}; on the channel's loop. */
    public EspTunnel install(final Channel channel, final TunnelPath path, final InboundSink inbound,
        final InetSocketAddress peer, final int mtu, final TunnelListener listener)
    {
        final EspSession session = new EspSession(path, mtu, peer, EspFixture.sa(IN_SPI, 1, 128),
            EspFixture.sa(OUT_SPI, 2, 0), inbound, listener, aead, handler, (EventLoop)channel.eventLoop(), counters);
        channel.eventLoop().execute(() -> handler.install(session));
        return session;
    }

    /** Room the client's packet for an inner packet of {@code length} bytes takes. */
    public static int sealedLength(final int length)
    {
        return OutboundSa.sealedLength(length);
    }

    /** Seals an inner IPv4 packet as the client; one thread at a time. */
    public int sealAsClient(final DirectBuffer inner, final int index, final int length,
        final MutableDirectBuffer out, final int offset)
    {
        return clientSeal.seal(inner, index, length, EspFormat.NEXT_HEADER_IPV4, out, offset);
    }

    /** Opens the headend's packet in place as the client: the inner length (at offset 16), or negative. */
    public int openAsClient(final MutableDirectBuffer packet, final int length)
    {
        return clientOpen.open(packet, 0, length);
    }

    /** Where {@link #openAsClient} leaves the inner packet. */
    public static int innerOffset()
    {
        return EspFormat.PAYLOAD_OFFSET;
    }

    @Override
    public void close()
    {
        inbox.close();
        clientSeal.close();
        clientOpen.close();
    }
}
