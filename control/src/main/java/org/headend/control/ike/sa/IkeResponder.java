package org.headend.control.ike.sa;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.headend.control.ike.codec.Ike;
import org.headend.control.ike.codec.IkeHeader;
import org.headend.control.ike.codec.IkeParseException;
import org.headend.control.ike.eap.EapResult;

/**
 * The IKEv2 responder of the appliance, without I/O: {@code onDatagram(bytes, peer, local, now)} and
 * {@code onTimer(now)} return what to send and what to install or tear down. IKE SAs are found by our SPI; a
 * retransmitted IKE_SA_INIT (same initiator SPI and peer, same bytes) gets the cached response, so a lost answer
 * never creates a second SA. Runs on the control thread only.
 */
public final class IkeResponder
{
    private record InitKey(long spiI, InetSocketAddress peer)
    {
    }

    private final Map<Long, IkeSa> byResponderSpi = new HashMap<>();
    private final Map<InitKey, IkeSa> halfOpen = new HashMap<>();
    private final ResponderContext context;
    private final InitExchange init;
    private final IkeHeader header = new IkeHeader();

    public IkeResponder(final ResponderPolicy policy, final IkeHost host, final SecureRandom random,
        final long nowNanos)
    {
        context = new ResponderContext(policy, host, random, byResponderSpi::containsKey);
        init = new InitExchange(context, new Cookies(random, nowNanos));
    }

    /** A new policy for SAs negotiated from now on (config change); existing SAs keep their algorithms. */
    public void policy(final ResponderPolicy policy)
    {
        context.policy = policy;
    }

    public ResponderPolicy policy()
    {
        return context.policy;
    }

    /** The fragmentation counters since this responder started. */
    public IkeStats stats()
    {
        return context.stats;
    }

    /** The IKE SAs, established or still negotiating. */
    public Collection<IkeSa> sas()
    {
        return List.copyOf(byResponderSpi.values());
    }

    public IkeSa sa(final long responderSpi)
    {
        return byResponderSpi.get(responderSpi);
    }

    /**
     * One IKE message as received (without the non-ESP marker on 4500).
     *
     * @param local the address and port it arrived on, which any answer leaves from
     */
    public List<IkeAction> onDatagram(final byte[] datagram, final InetSocketAddress peer,
        final InetSocketAddress local, final long nowNanos)
    {
        final List<IkeAction> out = new ArrayList<>();
        try
        {
            header.wrap(ByteBuffer.wrap(datagram), 0, datagram.length);
        }
        catch (final IkeParseException ex)
        {
            return out;
        }
        if (header.exchangeType() == Ike.IKE_SA_INIT)
        {
            onInit(datagram, peer, local, nowNanos, out);
        }
        else
        {
            final IkeSa sa = byResponderSpi.get(header.responderSpi());
            if (sa != null && sa.initiatorSpi() == header.initiatorSpi())
            {
                sa.onMessage(header, datagram, peer, local, nowNanos, out);
            }
        }
        settle(out);
        return out;
    }

    private void onInit(final byte[] datagram, final InetSocketAddress peer, final InetSocketAddress local,
        final long nowNanos, final List<IkeAction> out)
    {
        if (header.isResponse() || !header.fromInitiator() || header.responderSpi() != 0 || header.messageId() != 0)
        {
            return;
        }
        final InitKey key = new InitKey(header.initiatorSpi(), peer);
        final IkeSa existing = halfOpen.get(key);
        if (existing != null)
        {
            if (java.util.Arrays.equals(existing.initRequest(), datagram))
            {
                out.add(new IkeAction.Send(peer, local, existing.initResponse()));
            }
            return;
        }
        final IkeSa sa = init.onRequest(header, datagram, peer, local, halfOpen.size(), nowNanos, out);
        if (sa != null)
        {
            byResponderSpi.put(sa.responderSpi(), sa);
            halfOpen.put(key, sa);
        }
    }

    /** Timers of every SA; call about once a second. */
    public List<IkeAction> onTimer(final long nowNanos)
    {
        final List<IkeAction> out = new ArrayList<>();
        for (final IkeSa sa : List.copyOf(byResponderSpi.values()))
        {
            sa.onTimer(nowNanos, out);
        }
        settle(out);
        return out;
    }

    /**
     * The AAA server's answer to a {@link IkeAction.RelayEap} of SA {@code responderSpi}: the IKE_AUTH response
     * that waited for it goes out. Nothing happens when the SA is gone or no longer waiting.
     */
    public List<IkeAction> onEapResult(final long responderSpi, final EapResult result)
    {
        final List<IkeAction> out = new ArrayList<>();
        final IkeSa sa = byResponderSpi.get(responderSpi);
        if (sa != null)
        {
            sa.onEapResult(result, out);
        }
        settle(out);
        return out;
    }

    /** The verdict on the password of a {@link IkeAction.CheckPassword} of SA {@code responderSpi}. */
    public List<IkeAction> onPasswordChecked(final long responderSpi, final boolean accepted)
    {
        final List<IkeAction> out = new ArrayList<>();
        final IkeSa sa = byResponderSpi.get(responderSpi);
        if (sa != null)
        {
            sa.onPasswordChecked(accepted, out);
        }
        settle(out);
        return out;
    }

    /** Ends one IKE SA from our side ({@code vpn-sessiondb logoff}): DELETE sent to the client, SA gone. */
    public List<IkeAction> delete(final long responderSpi, final String reason, final long nowNanos)
    {
        final List<IkeAction> out = new ArrayList<>();
        final IkeSa sa = byResponderSpi.get(responderSpi);
        if (sa != null)
        {
            sa.delete(nowNanos, out, reason);
        }
        settle(out);
        return out;
    }

    /** Registers rekeyed SAs, forgets closed ones and those no longer half open. */
    private void settle(final List<IkeAction> out)
    {
        for (final IkeAction action : out)
        {
            if (action instanceof IkeAction.Rekeyed rekeyed)
            {
                byResponderSpi.put(rekeyed.replacement().responderSpi(), rekeyed.replacement());
            }
        }
        byResponderSpi.values().removeIf(sa -> sa.state() == IkeSa.State.CLOSED);
        final Iterator<IkeSa> it = halfOpen.values().iterator();
        while (it.hasNext())
        {
            final IkeSa sa = it.next();
            if (sa.state() == IkeSa.State.CLOSED || sa.state() == IkeSa.State.ESTABLISHED)
            {
                it.remove();
            }
        }
    }
}
