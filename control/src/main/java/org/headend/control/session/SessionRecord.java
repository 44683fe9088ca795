package org.headend.control.session;

import java.time.Instant;

/**
 * What a {@link SessionStore} keeps of one parent session: enough to bring it back after a restart, nothing secret
 * beyond the SHA-256 of its cookie (which cannot be turned back into the cookie).
 *
 * @param index              the session's index ({@code show vpn-sessiondb})
 * @param tokenKey           the upper-case hex SHA-256 of the cookie ({@link SessionTokens#key})
 * @param username           the user
 * @param tunnelGroup        the tunnel-group of the login
 * @param groupPolicy        the effective group-policy name at login
 * @param loginTime          when the user logged in (the session timeout runs from here)
 * @param lastActivity       when user traffic was last seen, to within {@link SessionManager#ACTIVITY_SAVE_NANOS}
 * @param disconnectedSince  since when the session has had no tunnel; null while it has one
 * @param lease              its IPv4 address, or null before its first tunnel
 * @param lease6             its IPv6 address, or null when it has none
 * @param clientAddress      the client's outside address at its last connection
 * @param userAgent          the client's User-Agent at its last connection (already cut to 128 printable characters)
 * @param dhcp               what confirms its DHCP lease after a restart, when {@code lease} came from DHCP; else null
 * @param aaa                what the AAA server assigned at login (or a CoA since): its policy, timers and filter must
 *                           outlive a restart too; {@link AaaAssignment#NONE} for a local login
 */
public record SessionRecord(int index, String tokenKey, String username, String tunnelGroup, String groupPolicy,
    Instant loginTime, Instant lastActivity, Instant disconnectedSince, AddressPools.Lease lease,
    AddressPools.Lease6 lease6, String clientAddress, String userAgent, DhcpBinding dhcp, AaaAssignment aaa)
{
    public SessionRecord
    {
        aaa = aaa == null ? AaaAssignment.NONE : aaa;
    }

    /** A session of a local login. */
    public SessionRecord(final int index, final String tokenKey, final String username, final String tunnelGroup,
        final String groupPolicy, final Instant loginTime, final Instant lastActivity, final Instant disconnectedSince,
        final AddressPools.Lease lease, final AddressPools.Lease6 lease6, final String clientAddress,
        final String userAgent, final DhcpBinding dhcp)
    {
        this(index, tokenKey, username, tunnelGroup, groupPolicy, loginTime, lastActivity, disconnectedSince, lease,
            lease6, clientAddress, userAgent, dhcp, AaaAssignment.NONE);
    }

    /** A session of a local login without a DHCP lease. */
    public SessionRecord(final int index, final String tokenKey, final String username, final String tunnelGroup,
        final String groupPolicy, final Instant loginTime, final Instant lastActivity, final Instant disconnectedSince,
        final AddressPools.Lease lease, final AddressPools.Lease6 lease6, final String clientAddress,
        final String userAgent)
    {
        this(index, tokenKey, username, tunnelGroup, groupPolicy, loginTime, lastActivity, disconnectedSince, lease,
            lease6, clientAddress, userAgent, null);
    }

    /** The same record, disconnected since {@code when} if it had a tunnel. */
    public SessionRecord disconnectedBy(final Instant when)
    {
        return disconnectedSince != null ? this : new SessionRecord(index, tokenKey, username, tunnelGroup,
            groupPolicy, loginTime, lastActivity, when, lease, lease6, clientAddress, userAgent, dhcp, aaa);
    }
}
