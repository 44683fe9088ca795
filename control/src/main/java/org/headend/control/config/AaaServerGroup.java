package org.headend.control.config;

import java.util.List;

/**
 * An {@code aaa-server NAME protocol radius|ldap} server group and its hosts.
 *
 * @param name              the group's name
 * @param protocol          {@code radius} or {@code ldap}
 * @param maxFailedAttempts {@code max-failed-attempts}: consecutive unanswered requests that mark a host failed
 *                          (default 3)
 * @param timedReactivation {@code reactivation-mode timed}: a failed host is tried again {@link #TIMED_SECONDS}
 *                          after it failed; otherwise (depletion, the default) failed hosts stay failed until every
 *                          host of the group has failed, then all come back after {@code deadtime}
 * @param deadtimeMinutes   {@code reactivation-mode depletion deadtime N} (default 10)
 * @param hosts             {@code aaa-server NAME (IF) host ADDR} lines in configuration order, tried in that order
 * @param interimUpdates    {@code interim-accounting-update}: an Interim-Update each time a tunnel joins a session
 * @param interimHours      {@code interim-accounting-update periodic N}: also one every N hours; 0 for none
 * @param dynamicAuthorizationPort {@code dynamic-authorization [port N]}: the UDP port on which the group's hosts may
 *                          send RFC 5176 Disconnect- and CoA-Requests; 0 when the group has no such line
 */
public record AaaServerGroup(String name, String protocol, int maxFailedAttempts, boolean timedReactivation,
    int deadtimeMinutes, List<AaaServerHost> hosts, boolean interimUpdates, int interimHours,
    int dynamicAuthorizationPort)
{
    /** RFC 5176 §3: the port of dynamic authorization unless {@code dynamic-authorization port N} says otherwise. */
    public static final int DEFAULT_DYNAMIC_AUTHORIZATION_PORT = 3799;

    /** Without dynamic authorization. */
    public AaaServerGroup(final String name, final String protocol, final int maxFailedAttempts,
        final boolean timedReactivation, final int deadtimeMinutes, final List<AaaServerHost> hosts,
        final boolean interimUpdates, final int interimHours)
    {
        this(name, protocol, maxFailedAttempts, timedReactivation, deadtimeMinutes, hosts, interimUpdates,
            interimHours, 0);
    }

    /** {@code interim-accounting-update periodic} without a number, as on the ASA. */
    public static final int DEFAULT_INTERIM_HOURS = 24;

    /** Without Interim-Updates. */
    public AaaServerGroup(final String name, final String protocol, final int maxFailedAttempts,
        final boolean timedReactivation, final int deadtimeMinutes, final List<AaaServerHost> hosts)
    {
        this(name, protocol, maxFailedAttempts, timedReactivation, deadtimeMinutes, hosts, false, 0, 0);
    }

    /** The local user database, usable wherever a server group is named. */
    public static final String LOCAL = "LOCAL";
    public static final int DEFAULT_MAX_FAILED_ATTEMPTS = 3;
    public static final int DEFAULT_DEADTIME_MINUTES = 10;
    /** How long a failed host rests under {@code reactivation-mode timed}, as on the ASA. */
    public static final int TIMED_SECONDS = 30;
    public static final String LDAP = "ldap";

    /** Whether the group's servers are LDAP directories. */
    public boolean isLdap()
    {
        return LDAP.equals(protocol);
    }
}
