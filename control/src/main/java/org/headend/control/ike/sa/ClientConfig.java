package org.headend.control.ike.sa;

import java.util.List;
import org.headend.control.ike.codec.TrafficSelector;

/**
 * What a client gets through CP and traffic selectors: its pool address, DNS servers, default domain, the networks
 * it may reach through the tunnel (all of IPv4 unless the group-policy splits the tunnel), and those networks as
 * INTERNAL_IP4_SUBNET attributes (RFC 7296 §3.15.1: address then netmask, 8 bytes each) when the tunnel is split.
 */
public record ClientConfig(byte[] address, List<byte[]> dnsServers, String defaultDomain,
    List<TrafficSelector> networks, List<byte[]> splitSubnets)
{
    public ClientConfig
    {
        address = address.clone();
        dnsServers = List.copyOf(dnsServers);
        networks = List.copyOf(networks);
        splitSubnets = List.copyOf(splitSubnets);
    }

    /** Without split subnets in CP. */
    public ClientConfig(final byte[] address, final List<byte[]> dnsServers, final String defaultDomain,
        final List<TrafficSelector> networks)
    {
        this(address, dnsServers, defaultDomain, networks, List.of());
    }

    @Override
    public byte[] address()
    {
        return address.clone();
    }
}
