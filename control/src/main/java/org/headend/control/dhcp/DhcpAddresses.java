package org.headend.control.dhcp;

import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.headend.control.config.EffectivePolicy;
import org.headend.control.config.HeadendConfig;
import org.headend.control.config.PolicyAttribute;
import org.headend.control.config.TunnelGroup;
import org.headend.control.config.grammar.Ipv4;
import org.headend.control.session.Session;
import org.headend.control.session.SessionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tunnel addresses from DHCP, as the ASA gets them: when the session's tunnel-group names {@code dhcp-server}s and
 * its group-policy a {@code dhcp-network-scope}, and neither an AAA server nor the user's attributes give the address,
 * the headend relays a lease request for the client (giaddr = the scope) and the tunnel waits for the ACK, never
 * the control thread. The lease is renewed while the session lives, released when it ends, and a lease lost (NAK,
 * or ran out) ends the session: its address may be someone else's by then. Control thread only.
 */
public final class DhcpAddresses
{
    private static final Logger LOG = LoggerFactory.getLogger(DhcpAddresses.class);

    private final SessionManager sessions;
    private final DhcpRelay relay;
    /** Sessions waiting for their first ACK, and who waits with them (a reconnect may ask twice). */
    private final Map<Session, List<Waiter>> acquiring = new HashMap<>();
    /** Sessions restored with a lease the server is asked to confirm, and the CONNECTs waiting for that. */
    private final Map<Session, List<Waiter>> confirming = new HashMap<>();
    /** Sessions holding a lease. */
    private final Map<Session, DhcpRelay.Handle> held = new HashMap<>();

    private record Waiter(Runnable then, Consumer<String> failed)
    {
    }

    public DhcpAddresses(final SessionManager sessions, final DhcpRelay relay)
    {
        this.sessions = sessions;
        this.relay = relay;
        sessions.onDhcpLeaseEnded(this::released);
    }

    /**
     * Starts (or joins) leasing the session's address from DHCP when that is how it gets one.
     *
     * @param then   runs once the session holds its DHCP lease ({@link Session#lease()})
     * @param failed runs with the reason when no lease was had (the caller falls back to the pools, as the ASA
     *               tries its next method)
     * @return false when DHCP does not apply: nothing will be called
     */
    public boolean leaseThen(final Session session, final TunnelGroup group, final EffectivePolicy policy,
        final Runnable then, final Consumer<String> failed)
    {
        final List<Waiter> unconfirmed = confirming.get(session);
        if (unconfirmed != null)
        {
            // its address came back with the restart: the client gets it once the server says it is still the lease
            unconfirmed.add(new Waiter(then, failed));
            return true;
        }
        if (group.dhcpServers().isEmpty() || !sessions.addressFromDhcp(session))
        {
            return false;
        }
        final List<Inet4Address> scope = policy.get(PolicyAttribute.DHCP_NETWORK_SCOPE);
        if (scope.isEmpty())
        {
            LOG.warn("session {}: tunnel-group {} has dhcp-server but its group-policy no dhcp-network-scope: "
                + "the address comes from the pools", session.index(), group.name());
            return false;
        }
        final List<Waiter> waiting = acquiring.get(session);
        if (waiting != null)
        {
            waiting.add(new Waiter(then, failed));
            return true;
        }
        final List<Waiter> waiters = new ArrayList<>(List.of(new Waiter(then, failed)));
        acquiring.put(session, waiters);
        LOG.info("session {}: asking DHCP server(s) {} for an address in scope {}", session.index(),
            group.dhcpServers().stream().map(Inet4Address::getHostAddress).toList(), scope.getFirst().getHostAddress());
        final DhcpRelay.Handle[] handle = new DhcpRelay.Handle[1];
        handle[0] = relay.acquire(group.dhcpServers(), scope.getFirst(), new DhcpRelay.Listener()
        {
            @Override
            public void bound(final int address, final int mask, final int server, final byte[] chaddr,
                final long leaseSeconds)
            {
                onBound(session, handle[0], address, mask, server, chaddr, leaseSeconds);
            }

            @Override
            public void renewed(final int server, final long leaseSeconds)
            {
                sessions.dhcpRenewed(session, server, leaseSeconds);
            }

            @Override
            public void failed(final String why)
            {
                onFailed(session, why);
            }

            @Override
            public void lost(final String why)
            {
                onLost(session, why);
            }
        });
        return true;
    }

    private void onBound(final Session session, final DhcpRelay.Handle handle, final int address, final int mask,
        final int server, final byte[] chaddr, final long leaseSeconds)
    {
        final List<Waiter> waiters = acquiring.remove(session);
        if (session.ended())
        {
            handle.release(); // the user left while the server answered
            return;
        }
        if (sessions.leaseFromDhcp(session, address, mask, server, chaddr, leaseSeconds) == null)
        {
            handle.release();
            fail(waiters, "the address " + Ipv4.format(address) + " the DHCP server leased is in use here");
            return;
        }
        held.put(session, handle);
        LOG.info("session {}: DHCP leased {} mask {}", session.index(), Ipv4.format(address), Ipv4.format(mask));
        if (waiters != null)
        {
            waiters.forEach(waiter -> waiter.then().run());
        }
    }

    private void onFailed(final Session session, final String why)
    {
        LOG.warn("session {}: no DHCP lease: {}", session.index(), why);
        fail(acquiring.remove(session), why);
    }

    private static void fail(final List<Waiter> waiters, final String why)
    {
        if (waiters != null)
        {
            waiters.forEach(waiter -> waiter.failed().accept(why));
        }
    }

    private void onLost(final Session session, final String why)
    {
        if (held.remove(session) != null && !session.ended())
        {
            sessions.end(session, "its DHCP lease was lost: " + why);
        }
    }

    /**
     * After a restart: asks the servers to confirm the lease of every restored session that held one (a REQUEST as
     * in INIT-REBOOT, from the same client, through the same scope). Until the ACK the session's CONNECTs wait; a
     * NAK, no answer within the acquire timeout, or a configuration without its DHCP server or scope any longer
     * ends the session, whose client then has to log in again.
     */
    public void confirmRestored(final HeadendConfig config)
    {
        for (final Session session : sessions.list())
        {
            if (session.dhcp() == null || session.lease() == null || session.tunnel() != null)
            {
                continue;
            }
            final TunnelGroup group = config.tunnelGroup(session.tunnelGroup()).orElse(config.defaultTunnelGroup());
            final List<Inet4Address> scope = config.effectivePolicy(group.name(), session.username(),
                session.aaa().groupPolicy()).get(PolicyAttribute.DHCP_NETWORK_SCOPE);
            if (group.dhcpServers().isEmpty() || scope.isEmpty())
            {
                sessions.end(session, "its DHCP lease cannot be confirmed after the restart: tunnel-group "
                    + group.name() + " has no dhcp-server or its group-policy no dhcp-network-scope any longer");
                continue;
            }
            confirming.put(session, new ArrayList<>());
            final int address = session.lease().address();
            LOG.info("session {}: asking DHCP server(s) {} to confirm {} after the restart", session.index(),
                group.dhcpServers().stream().map(Inet4Address::getHostAddress).toList(), Ipv4.format(address));
            final DhcpRelay.Handle[] handle = new DhcpRelay.Handle[1];
            handle[0] = relay.confirm(group.dhcpServers(), scope.getFirst(), address, session.dhcp().server(),
                session.dhcp().chaddrBytes(), new DhcpRelay.Listener()
                {
                    @Override
                    public void bound(final int confirmed, final int mask, final int server, final byte[] chaddr,
                        final long leaseSeconds)
                    {
                        onConfirmed(session, handle[0], server, leaseSeconds);
                    }

                    @Override
                    public void renewed(final int server, final long leaseSeconds)
                    {
                        sessions.dhcpRenewed(session, server, leaseSeconds);
                    }

                    @Override
                    public void failed(final String why)
                    {
                        onNotConfirmed(session, why);
                    }

                    @Override
                    public void lost(final String why)
                    {
                        onLost(session, why);
                    }
                });
        }
    }

    private void onConfirmed(final Session session, final DhcpRelay.Handle handle, final int server,
        final long leaseSeconds)
    {
        final List<Waiter> waiters = confirming.remove(session);
        if (session.ended())
        {
            handle.release(); // ended while the server answered (its timer, a logoff)
            return;
        }
        held.put(session, handle);
        sessions.dhcpRenewed(session, server, leaseSeconds);
        LOG.info("session {}: DHCP lease of {} confirmed after the restart", session.index(),
            Ipv4.format(session.lease().address()));
        if (waiters != null)
        {
            waiters.forEach(waiter -> waiter.then().run());
        }
    }

    private void onNotConfirmed(final Session session, final String why)
    {
        final List<Waiter> waiters = confirming.remove(session);
        if (!session.ended())
        {
            sessions.end(session, "its DHCP lease was not confirmed after the restart: " + why);
        }
        // the session is gone: a waiting CONNECT finds its cookie refused
        fail(waiters, why);
    }

    /** The session holding a lease ended: RELEASE goes to the server. */
    private void released(final Session session)
    {
        final DhcpRelay.Handle handle = held.remove(session);
        if (handle != null)
        {
            handle.release();
            LOG.info("session {}: DHCP lease of {} released", session.index(),
                session.lease() == null ? "?" : Ipv4.format(session.lease().address()));
        }
    }

    /** How many sessions hold a DHCP lease. */
    public int held()
    {
        return held.size();
    }
}
