package org.headend.control.config;

import java.net.InetAddress;

/**
 * {@code logging host NAMEIF ADDRESS [udp/PORT | tcp/PORT]}: a syslog collector reached through an interface.
 *
 * @param nameif  the interface the collector is reached by
 * @param address the collector
 * @param tcp     true for TCP (one message per line), false for UDP (one message per datagram)
 * @param port    the collector's port (514 for UDP and 1470 for TCP unless given, as on the ASA)
 */
public record LogHost(String nameif, InetAddress address, boolean tcp, int port)
{
    public static final int DEFAULT_UDP_PORT = 514;
    public static final int DEFAULT_TCP_PORT = 1470;
}
