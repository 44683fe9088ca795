package org.headend.control.config;

import java.net.InetAddress;

/**
 * One {@code aaa-server NAME (IF) host ADDR} and its sub-mode.
 *
 * @param nameif                the interface the server is reached by, as given (informational)
 * @param address               the server's address
 * @param key                   {@code key}: the shared secret (never logged, masked in {@code show running-config})
 * @param authenticationPort    {@code authentication-port} (default 1645, as on the ASA)
 * @param accountingPort        {@code accounting-port} (default 1646)
 * @param timeoutSeconds        {@code timeout}: how long the host gets to answer one request, retries included
 *                              (default 10)
 * @param retryIntervalSeconds  {@code retry-interval}: seconds between retransmissions (default 10)
 * @param requireMessageAuthenticator {@code message-authenticator-required}: refuse answers without one
 * @param ldap                  the LDAP lines of a host of a {@code protocol ldap} group; null for RADIUS hosts
 * @param msChapV2              {@code authentication-protocol mschapv2}: send MS-CHAPv2 (RFC 2759/2548) instead of a
 *                              PAP password, and require the server's proof in MS-CHAP2-Success
 */
public record AaaServerHost(String nameif, InetAddress address, String key, int authenticationPort,
    int accountingPort, int timeoutSeconds, int retryIntervalSeconds, boolean requireMessageAuthenticator,
    LdapHostSettings ldap, boolean msChapV2)
{
    public static final int DEFAULT_AUTHENTICATION_PORT = 1645;
    public static final int DEFAULT_ACCOUNTING_PORT = 1646;
    public static final int DEFAULT_TIMEOUT_SECONDS = 10;
    public static final int DEFAULT_RETRY_INTERVAL_SECONDS = 10;

    /** A RADIUS host that sends PAP. */
    public AaaServerHost(final String nameif, final InetAddress address, final String key,
        final int authenticationPort, final int accountingPort, final int timeoutSeconds,
        final int retryIntervalSeconds, final boolean requireMessageAuthenticator)
    {
        this(nameif, address, key, authenticationPort, accountingPort, timeoutSeconds, retryIntervalSeconds,
            requireMessageAuthenticator, null, false);
    }

    /** A host of a {@code protocol ldap} group (or a PAP RADIUS host when {@code ldap} is null). */
    public AaaServerHost(final String nameif, final InetAddress address, final String key,
        final int authenticationPort, final int accountingPort, final int timeoutSeconds,
        final int retryIntervalSeconds, final boolean requireMessageAuthenticator, final LdapHostSettings ldap)
    {
        this(nameif, address, key, authenticationPort, accountingPort, timeoutSeconds, retryIntervalSeconds,
            requireMessageAuthenticator, ldap, false);
    }

    @Override
    public String toString()
    {
        return "AaaServerHost[" + address.getHostAddress() + ":" + authenticationPort + "]";
    }
}
