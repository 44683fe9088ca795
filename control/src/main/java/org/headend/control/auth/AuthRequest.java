package org.headend.control.auth;

/**
 * One login step as a back end sees it.
 *
 * @param username      the user name typed (checked for length and printable characters before any back end sees it)
 * @param password      the password, or the answer to a challenge
 * @param clientAddress the client's address, for the limiter and RADIUS Calling-Station-Id
 * @param state         the opaque state of the challenge this step answers (RADIUS State), or null
 * @param purpose       what the login is for: local users of {@code service-type remote-access} may not manage
 * @param accountingSessionId the Acct-Session-Id the session will be accounted under, sent in the Access-Request
 *                      too so the server can tie the two together; null when the login opens no accounted session
 */
public record AuthRequest(String username, String password, String clientAddress, byte[] state, Purpose purpose,
    String accountingSessionId)
{
    /** A step of a login that is not accounted. */
    public AuthRequest(final String username, final String password, final String clientAddress, final byte[] state,
        final Purpose purpose)
    {
        this(username, password, clientAddress, state, purpose, null);
    }

    /** What a login opens. */
    public enum Purpose
    {
        VPN,
        MANAGEMENT
    }

    /** A first step (no challenge answered yet). */
    public static AuthRequest first(final String username, final String password, final String clientAddress,
        final Purpose purpose)
    {
        return new AuthRequest(username, password, clientAddress, null, purpose);
    }

    @Override
    public String toString()
    {
        return "AuthRequest[" + username + " from " + clientAddress + "]";
    }
}
