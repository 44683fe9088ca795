package org.headend.control.session;

import java.net.Inet4Address;

/**
 * What an AAA server assigned to a session at login.
 *
 * @param groupPolicy   the group-policy (RADIUS {@code Class OU=NAME;}), or null for the configured inheritance
 * @param framedAddress the tunnel address (RADIUS {@code Framed-IP-Address}), or null for one from the pools
 * @param vpnFilter     the access list the session's traffic is held to (RADIUS {@code Filter-Id}), or null
 */
public record AaaAssignment(String groupPolicy, Inet4Address framedAddress, String vpnFilter)
{
    /** Nothing assigned: a local login. */
    public static final AaaAssignment NONE = new AaaAssignment(null, null, null);

    /** Without a filter. */
    public AaaAssignment(final String groupPolicy, final Inet4Address framedAddress)
    {
        this(groupPolicy, framedAddress, null);
    }
}
