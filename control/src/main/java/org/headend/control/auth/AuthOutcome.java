package org.headend.control.auth;

import java.net.Inet4Address;
import java.time.Duration;

/** What a back end decided about one login step. */
public sealed interface AuthOutcome
{
    /**
     * The user is who they say.
     *
     * @param username       the identity to open the session for
     * @param groupPolicy    the group-policy the server assigned (RADIUS {@code Class OU=NAME;}), or null
     * @param framedAddress  the address the server assigned (RADIUS {@code Framed-IP-Address}), or null
     * @param radiusClass    the raw Class attribute, echoed in accounting, or null
     * @param backend        which back end answered, e.g. {@code LOCAL} or the server group's name
     * @param vpnFilter      the access list the session's traffic is held to (RADIUS {@code Filter-Id}), or null
     * @param passwordExpiresIn how long the password the user logged in with stays valid, when the server said so
     *                       (a directory's password-policy warning), else null
     */
    record Accepted(String username, String groupPolicy, Inet4Address framedAddress, byte[] radiusClass,
        String backend, String vpnFilter, Duration passwordExpiresIn) implements AuthOutcome
    {
        /** Without word of the password's expiry. */
        public Accepted(final String username, final String groupPolicy, final Inet4Address framedAddress,
            final byte[] radiusClass, final String backend, final String vpnFilter)
        {
            this(username, groupPolicy, framedAddress, radiusClass, backend, vpnFilter, null);
        }

        /** Without a filter. */
        public Accepted(final String username, final String groupPolicy, final Inet4Address framedAddress,
            final byte[] radiusClass, final String backend)
        {
            this(username, groupPolicy, framedAddress, radiusClass, backend, null);
        }
    }

    /**
     * The credentials are wrong (or the user may not log in).
     *
     * @param message     the server's reason, for the log, or null
     * @param userMessage what the user is told instead of "Login failed." (e.g. that the password has expired),
     *                    or null; only set once the password was found right, so it tells an attacker nothing
     * @param mayChangePassword the password was right and the server would take a new one from this user now
     *                    (a directory's "change after reset"): with {@code password-management} the user is asked
     *                    for it
     */
    record Rejected(String message, String userMessage, boolean mayChangePassword) implements AuthOutcome
    {
        public Rejected(final String message)
        {
            this(message, null, false);
        }

        public Rejected(final String message, final String userMessage)
        {
            this(message, userMessage, false);
        }
    }

    /** Another step is needed: show {@code prompt}, send the answer back with {@code state}. */
    record Challenged(String prompt, byte[] state) implements AuthOutcome
    {
    }

    /** No server of the group answered (or all are marked dead): the login may fall back to LOCAL. */
    record Unavailable(String why) implements AuthOutcome
    {
    }
}
