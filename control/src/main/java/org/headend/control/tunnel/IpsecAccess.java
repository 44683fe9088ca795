package org.headend.control.tunnel;

import java.util.List;
import org.headend.control.config.AclAddress;
import org.headend.control.config.EffectivePolicy;
import org.headend.control.config.HeadendConfig;
import org.headend.control.session.AddressPools;
import org.headend.control.session.Session;
import org.headend.dataplane.api.TunnelAccess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SSL tunnels' access rules for an IPsec (IKEv2/ESP) tunnel, so that both kinds hold a session to the same
 * networks: the group-policy's split tunnel (the networks the client is told of, and the data plane's filter) and the
 * session's {@code vpn-filter}. IPv4 only, as the IKEv2 pool is.
 *
 * An IKEv2 client can only be told what to send through the tunnel (TSr narrowing, INTERNAL_IP4_SUBNET; RFC 7296
 * has no exclude), so an {@code excludespecified} list is told as everything but the excluded networks, in CIDR
 * blocks: the client then reaches the excluded networks directly, as an SSL client given {@code X-CSTP-Split-Exclude}
 * does, instead of sending them into the tunnel where the data plane drops them.
 *
 * @param ipv4Includes the networks the client is told to tunnel (TSr and INTERNAL_IP4_SUBNET): those of a
 *                     {@code tunnelspecified} split tunnel, or the complement of an {@code excludespecified} one;
 *                     empty when the client may send everything (tunnel-all, or an exclude list too fragmented to
 *                     tell in {@value #MAX_BLOCKS} blocks, which the data plane still enforces)
 * @param access       what the data plane lets the client send
 */
public record IpsecAccess(List<AclAddress> ipv4Includes, TunnelAccess access)
{
    /**
     * The most blocks an exclude list is told in: each is a traffic selector and a CP attribute, and a TS payload
     * holds 64 (two excluded /24s already take 46).
     */
    public static final int MAX_BLOCKS = 64;

    private static final Logger LOG = LoggerFactory.getLogger(IpsecAccess.class);

    public IpsecAccess
    {
        ipv4Includes = List.copyOf(ipv4Includes);
    }

    /** The access of {@code session}, leased {@code lease}, under {@code policy}. */
    public static IpsecAccess of(final HeadendConfig config, final EffectivePolicy policy, final Session session,
        final AddressPools.Lease lease)
    {
        final SplitTunnel split = SplitTunnel.of(policy, config, false, session.index());
        List<AclAddress> told = split.ipv4Includes();
        final List<AclAddress> excluded = split.ipv4Excludes();
        if (!excluded.isEmpty())
        {
            told = Ipv4Complement.of(excluded, MAX_BLOCKS);
            if (told == null)
            {
                LOG.warn("session {}: the split-tunnel exclude list needs more than {} networks to be told to an "
                    + "IKEv2 client: it tunnels everything, and what the list excludes is dropped", session.index(),
                    MAX_BLOCKS);
                told = List.of();
            }
        }
        return new IpsecAccess(told, new TunnelAccess(lease.address(), null, split.filter(),
            TunnelGateway.vpnFilter(config, session, lease, null)));
    }
}
