package org.headend.control.config;

/**
 * {@code anyconnect ask none | enable [default anyconnect|webvpn [timeout SECONDS]]}: whether the portal asks the
 * user to download the client.
 *
 * @param enabled        {@code enable}; false for {@code none}
 * @param defaultAction  {@code anyconnect} or {@code webvpn}, or null when no default is given
 * @param timeoutSeconds seconds before the default action is taken; 0 to wait for the user
 */
public record AnyconnectAsk(boolean enabled, String defaultAction, int timeoutSeconds)
{
    /** {@code anyconnect ask none}: the built-in behaviour. */
    public static final AnyconnectAsk NONE = new AnyconnectAsk(false, null, 0);
}
