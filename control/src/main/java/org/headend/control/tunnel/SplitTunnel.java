package org.headend.control.tunnel;

import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.List;
import org.headend.control.config.AccessListEntry;
import org.headend.control.config.AclAddress;
import org.headend.control.config.EffectivePolicy;
import org.headend.control.config.HeadendConfig;
import org.headend.control.config.PolicyAttribute;
import org.headend.control.config.SplitTunnelPolicy;
import org.headend.control.config.grammar.Ipv4;
import org.headend.control.config.grammar.Ipv6;
import org.headend.dataplane.api.SplitFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session's split tunnel: the networks of its {@code split-tunnel-network-list} under its
 * {@code split-tunnel-policy}, announced to the client as split include or exclude routes and enforced by the data
 * plane with the same list, so that the client reaches only what it was given routes for.
 */
final class SplitTunnel
{
    private static final Logger LOG = LoggerFactory.getLogger(SplitTunnel.class);

    private final SplitTunnelPolicy policy;
    private final List<AclAddress> networks;

    private SplitTunnel(final SplitTunnelPolicy policy, final List<AclAddress> networks)
    {
        this.policy = policy;
        this.networks = networks;
    }

    /**
     * The split tunnel of {@code policy}; IPv6 networks only when the session carries IPv6 ({@code ipv6}).
     *
     * @param session for the log line when the list is missing or empty
     */
    static SplitTunnel of(final EffectivePolicy policy, final HeadendConfig config, final boolean ipv6,
        final int session)
    {
        final SplitTunnelPolicy mode = policy.get(PolicyAttribute.SPLIT_TUNNEL_POLICY);
        if (mode == SplitTunnelPolicy.TUNNELALL)
        {
            return new SplitTunnel(mode, List.of());
        }
        final String listName = policy.get(PolicyAttribute.SPLIT_TUNNEL_NETWORK_LIST);
        final List<AccessListEntry> entries = config.accessLists().getOrDefault(listName, List.of());
        final List<AclAddress> networks = new ArrayList<>();
        for (final AccessListEntry entry : entries)
        {
            final AclAddress network = entry.splitNetwork();
            if (network != null && (ipv6 || network.family() == 4))
            {
                networks.add(network);
            }
        }
        if (networks.isEmpty())
        {
            LOG.warn("session {}: split-tunnel-policy {} with {} networks in split-tunnel-network-list '{}'{}", session,
                mode.keyword(), entries.isEmpty() ? "no" : "no usable", listName,
                mode == SplitTunnelPolicy.TUNNELSPECIFIED ? ": the client gets no include route and tunnels everything" : "");
        }
        else if (ipv6 && mode == SplitTunnelPolicy.TUNNELSPECIFIED && networks.stream().noneMatch(n -> n.family() == 6))
        {
            LOG.info("session {}: split-tunnel-network-list '{}' has no IPv6 entries: the client tunnels all its IPv6",
                session, listName);
        }
        return new SplitTunnel(mode, List.copyOf(networks));
    }

    /** Adds the split routes: {@code X-CSTP-Split-Include}/{@code -Exclude} and their IPv6 forms. */
    void announce(final ConnectAnswer answer, final boolean fullIpv6)
    {
        if (policy == SplitTunnelPolicy.TUNNELALL)
        {
            return;
        }
        final String header = policy == SplitTunnelPolicy.TUNNELSPECIFIED ? "X-CSTP-Split-Include"
            : "X-CSTP-Split-Exclude";
        for (final AclAddress network : networks)
        {
            if (network.network() instanceof Inet6Address v6)
            {
                answer.header(fullIpv6 ? header + "-IP6" : header, Ipv6.format(v6) + "/" + network.prefixLength());
            }
            else
            {
                final long mask = network.prefixLength() == 0 ? 0
                    : 0xFFFF_FFFFL << (32 - network.prefixLength()) & 0xFFFF_FFFFL;
                answer.header(header, Ipv4.format((java.net.Inet4Address)network.network()) + "/"
                    + Ipv4.format(Ipv4.fromLong(mask)));
            }
        }
    }

    /** The IPv4 networks the client may reach under {@code tunnelspecified}; empty under the other policies. */
    List<AclAddress> ipv4Includes()
    {
        return policy != SplitTunnelPolicy.TUNNELSPECIFIED ? List.of()
            : networks.stream().filter(n -> n.family() == 4).toList();
    }

    /** The IPv4 networks the client must not reach through the tunnel under {@code excludespecified}; else empty. */
    List<AclAddress> ipv4Excludes()
    {
        return policy != SplitTunnelPolicy.EXCLUDESPECIFIED ? List.of()
            : networks.stream().filter(n -> n.family() == 4).toList();
    }

    /** Whether the client sends everything through the tunnel (then all its DNS goes there too). */
    boolean tunnelsAll()
    {
        return policy == SplitTunnelPolicy.TUNNELALL;
    }

    /** The data plane's filter for the session, or null when every destination is allowed. */
    SplitFilter filter()
    {
        if (policy == SplitTunnelPolicy.TUNNELALL)
        {
            return null;
        }
        final List<SplitFilter.Network> list = networks.stream()
            .map(n -> new SplitFilter.Network(n.network().getAddress(), n.prefixLength())).toList();
        return policy == SplitTunnelPolicy.TUNNELSPECIFIED ? SplitFilter.onlyTo(list) : SplitFilter.allBut(list);
    }
}
