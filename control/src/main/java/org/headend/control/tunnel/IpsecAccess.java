package org.headend.control.tunnel;

import java.util.List;
import org.headend.control.config.AclAddress;
import org.headend.control.config.EffectivePolicy;
import org.headend.control.config.HeadendConfig;
import org.headend.control.session.AddressPools;
import org.headend.control.session.Session;
import org.headend.dataplane.api.TunnelAccess;

/**
 * The SSL tunnels' access rules for an IPsec (IKEv2/ESP) tunnel, so that both kinds hold a session to the same
 * networks: the group-policy's split tunnel (the networks the client is told of, and the data plane's filter) and the
 * session's {@code vpn-filter}. IPv4 only, as the IKEv2 pool is.
 *
 * @param ipv4Includes the networks of a {@code tunnelspecified} split tunnel (TSr and INTERNAL_IP4_SUBNET), empty
 *                     when the client may send everything (the data plane still drops what an
 *                     {@code excludespecified} list excludes)
 * @param access       what the data plane lets the client send
 */
public record IpsecAccess(List<AclAddress> ipv4Includes, TunnelAccess access)
{
    public IpsecAccess
    {
        ipv4Includes = List.copyOf(ipv4Includes);
    }

    /** The access of {@code session}, leased {@code lease}, under {@code policy}. */
    public static IpsecAccess of(final HeadendConfig config, final EffectivePolicy policy, final Session session,
        final AddressPools.Lease lease)
    {
        final SplitTunnel split = SplitTunnel.of(policy, config, false, session.index());
        return new IpsecAccess(split.ipv4Includes(), new TunnelAccess(lease.address(), null, split.filter(),
            TunnelGateway.vpnFilter(config, session, lease, null)));
    }
}
