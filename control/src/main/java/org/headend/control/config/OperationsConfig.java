package org.headend.control.config;

import java.net.Inet4Address;
import java.util.List;

/**
 * How the appliance is watched: the management HTTPS server that serves {@code /metrics}, and syslog.
 *
 * @param httpServerPort {@code http server enable [PORT]}: the management HTTPS port; 0 when the server is off
 * @param httpAccess     {@code http A.B.C.D M.M.M.M NAMEIF} lines: who may reach it, and on which interfaces it
 *                       listens
 * @param logging        the {@code logging} commands
 */
public record OperationsConfig(int httpServerPort, List<HttpAccess> httpAccess, LoggingConfig logging)
{
    /**
     * The port of {@code http server enable} without one. The ASA's default, 443, is the VPN's own port here, so the
     * management server takes 8443 unless told otherwise.
     */
    public static final int DEFAULT_HTTP_SERVER_PORT = 8443;
    public static final OperationsConfig DEFAULT = new OperationsConfig(0, List.of(), LoggingConfig.OFF);

    /** Whether a client at {@code address} arriving on interface {@code nameif} may use the management server. */
    public boolean httpPermits(final Inet4Address address, final String nameif)
    {
        return httpAccess.stream().anyMatch(a -> a.nameif().equals(nameif) && a.permits(address));
    }
}
