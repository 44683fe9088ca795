package org.headend.control.auth;

import static org.headend.control.auth.AuthXml.escape;

/**
 * The headend's {@code <config-auth>} answers (docs/protocol/auth-and-portal.md §2.3, §2.7, §3.2, §3.4), in the
 * element order real ASAs use. Every value is escaped.
 */
public final class AuthDocuments
{
    private static final String PROLOG = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

    private AuthDocuments()
    {
    }

    /**
     * The login form: username and password, the login context's handle in the opaque, an optional error.
     *
     * @param tunnelGroup the group whose form this is
     * @param handle      the login context's aggauth-handle
     * @param configHash  a number that changes with the configuration
     * @param banner      the pre-login banner, or null
     * @param error       an error line (e.g. {@code Login failed.}), or null
     */
    public static String loginForm(final String tunnelGroup, final String handle, final long configHash,
        final String banner, final String error)
    {
        final StringBuilder xml = new StringBuilder(1024).append(PROLOG)
            .append("<config-auth client=\"vpn\" type=\"auth-request\" aggregate-auth-version=\"2\">\n")
            .append("<opaque is-for=\"sg\">\n")
            .append("<tunnel-group>").append(escape(tunnelGroup)).append("</tunnel-group>\n")
            .append("<aggauth-handle>").append(escape(handle)).append("</aggauth-handle>\n")
            .append("<config-hash>").append(configHash).append("</config-hash>\n")
            .append("</opaque>\n")
            .append("<auth id=\"main\">\n")
            .append("<title>Login</title>\n")
            .append("<message>Please enter your username and password.</message>\n");
        if (banner != null && !banner.isEmpty())
        {
            xml.append("<banner>").append(escape(banner)).append("</banner>\n");
        }
        if (error != null)
        {
            xml.append("<error id=\"88\" param1=\"\" param2=\"\">").append(escape(error)).append("</error>\n");
        }
        return xml.append("<form>\n")
            .append("<input type=\"text\" name=\"username\" label=\"Username:\"></input>\n")
            .append("<input type=\"password\" name=\"password\" label=\"Password:\"></input>\n")
            .append("</form>\n")
            .append("</auth>\n")
            .append("</config-auth>\n")
            .toString();
    }

    /** A terminal answer (no form): the client prints the message and stops. */
    public static String refusal(final String error, final String message)
    {
        return PROLOG
            + "<config-auth client=\"vpn\" type=\"auth-request\" aggregate-auth-version=\"2\">\n"
            + "<auth id=\"main\">\n"
            + "<title>Login</title>\n"
            + "<error id=\"88\" param1=\"\" param2=\"\">" + escape(error) + "</error>\n"
            + (message == null ? "" : "<message>" + escape(message) + "</message>\n")
            + "</auth>\n"
            + "</config-auth>\n";
    }

    /**
     * Login succeeded: the session token (also sent as the {@code webvpn} cookie) and the hash of the certificate the
     * client is talking to.
     */
    public static String complete(final int sessionId, final String token, final String serverCertSha1,
        final String banner)
    {
        return PROLOG
            + "<config-auth client=\"vpn\" type=\"complete\" aggregate-auth-version=\"2\">\n"
            + "<session-id>" + sessionId + "</session-id>\n"
            + "<session-token>" + escape(token) + "</session-token>\n"
            + "<auth id=\"success\">\n"
            + (banner == null || banner.isEmpty() ? "" : "<banner>" + escape(banner) + "</banner>\n")
            + "<message id=\"0\" param1=\"\" param2=\"\"></message>\n"
            + "</auth>\n"
            + "<capabilities>\n<crypto-supported>ssl-dhe</crypto-supported>\n</capabilities>\n"
            + "<config client=\"vpn\" type=\"private\">\n"
            + "<vpn-base-config>\n"
            + "<nopkg></nopkg>\n"
            + "<server-cert-hash>" + escape(serverCertSha1) + "</server-cert-hash>\n"
            + "</vpn-base-config>\n"
            + "<opaque is-for=\"vpn-client\"></opaque>\n"
            + "</config>\n"
            + "</config-auth>\n";
    }
}
