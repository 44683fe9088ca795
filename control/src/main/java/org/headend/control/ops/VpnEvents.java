package org.headend.control.ops;

import java.time.Duration;
import java.util.List;
import org.headend.control.session.Session;

/**
 * What the VPN does, as operations watch it: logins, sessions and tunnels. Called on the control thread;
 * implementations count or queue and return at once.
 */
public interface VpnEvents
{
    /** Nobody listens. */
    VpnEvents NONE = new VpnEvents()
    {
    };

    /** A user name and password were accepted for {@code tunnelGroup}. */
    default void loginSucceeded(final String username, final String tunnelGroup, final String address)
    {
    }

    /**
     * A login was refused.
     *
     * @param reason a short fixed phrase ({@code wrong password}, {@code locked out…}); also a metric label
     */
    default void loginFailed(final String username, final String address, final String reason)
    {
    }

    /** A parent session was opened after a successful login. */
    default void sessionStarted(final Session session)
    {
    }

    /**
     * A TLS tunnel came up under the session.
     *
     * @param sinceLoginNanos time from the login to this tunnel
     */
    default void tunnelUp(final Session session, final Session.Tunnel tunnel, final long sinceLoginNanos)
    {
    }

    /** The DTLS channel of the session's tunnel came up (again after each rekey). */
    default void dtlsUp(final Session session, final Session.Tunnel tunnel)
    {
    }

    /** The DTLS channel of the session's tunnel went away with the tunnel. */
    default void dtlsDown(final Session session, final Session.Tunnel tunnel)
    {
    }

    /** The session's TLS tunnel went away ({@code why} in the headend's words). */
    default void tunnelDown(final Session session, final Session.Tunnel tunnel, final String why)
    {
    }

    /** The session ended, with its totals. */
    default void sessionEnded(final Session session, final String why, final Duration duration, final long rxBytes,
        final long txBytes)
    {
    }

    /** Every one of {@code listeners}, in order. */
    static VpnEvents all(final List<VpnEvents> listeners)
    {
        final List<VpnEvents> copy = List.copyOf(listeners);
        return new VpnEvents()
        {
            @Override
            public void loginSucceeded(final String username, final String tunnelGroup, final String address)
            {
                copy.forEach(l -> l.loginSucceeded(username, tunnelGroup, address));
            }

            @Override
            public void loginFailed(final String username, final String address, final String reason)
            {
                copy.forEach(l -> l.loginFailed(username, address, reason));
            }

            @Override
            public void sessionStarted(final Session session)
            {
                copy.forEach(l -> l.sessionStarted(session));
            }

            @Override
            public void tunnelUp(final Session session, final Session.Tunnel tunnel, final long sinceLoginNanos)
            {
                copy.forEach(l -> l.tunnelUp(session, tunnel, sinceLoginNanos));
            }

            @Override
            public void dtlsUp(final Session session, final Session.Tunnel tunnel)
            {
                copy.forEach(l -> l.dtlsUp(session, tunnel));
            }

            @Override
            public void dtlsDown(final Session session, final Session.Tunnel tunnel)
            {
                copy.forEach(l -> l.dtlsDown(session, tunnel));
            }

            @Override
            public void tunnelDown(final Session session, final Session.Tunnel tunnel, final String why)
            {
                copy.forEach(l -> l.tunnelDown(session, tunnel, why));
            }

            @Override
            public void sessionEnded(final Session session, final String why, final Duration duration,
                final long rxBytes, final long txBytes)
            {
                copy.forEach(l -> l.sessionEnded(session, why, duration, rxBytes, txBytes));
            }
        };
    }
}
