package org.headend.control.ike.sa;

import java.util.List;
import org.headend.control.ike.codec.TrafficSelector;

/**
 * What a client gets through CP and traffic selectors: its pool address, DNS servers, default domain, and the
 * networks it may reach through the tunnel (all of IPv4 unless the group-policy splits the tunnel).
 */
public record ClientConfig(byte[] address, List<byte[]> dnsServers, String defaultDomain,
    List<TrafficSelector> networks)
{
    public ClientConfig
    {
        address = address.clone();
        dnsServers = List.copyOf(dnsServers);
        networks = List.copyOf(networks);
    }

    @Override
    public byte[] address()
    {
        return address.clone();
    }
}
