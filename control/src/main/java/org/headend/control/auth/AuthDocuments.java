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
     * The login form: username and password, the group list when one is shown, the login context's handle and group
     * in the opaque, an optional error.
     *
     * @param tunnelGroup the group whose form this is
     * @param alias       its alias (selected in the list, and named in the opaque), or null
     * @param options     the aliases of the group list, selected first; empty for no list
     * @param handle      the login context's aggauth-handle
     * @param configHash  a number that changes with the configuration
     * @param banner      the pre-login banner, or null
     * @param error       an error line (e.g. {@code Login failed.}), or null
     */
    public static String loginForm(final String tunnelGroup, final String alias, final java.util.List<String> options,
        final String handle, final long configHash, final String banner, final String error)
    {
        return loginForm(tunnelGroup, alias, options, handle, configHash, banner, error, null);
    }

    /**
     * As above; with double authentication ({@code secondary} not null) the form also asks for the second password
     * ({@code secondary_password}, the field openconnect knows) and, unless {@code use-primary-username}, the second
     * user name ({@code secondary_username}), as the ASA's form does.
     */
    public static String loginForm(final String tunnelGroup, final String alias, final java.util.List<String> options,
        final String handle, final long configHash, final String banner, final String error,
        final org.headend.control.config.SecondaryAuthentication secondary)
    {
        final StringBuilder xml = new StringBuilder(1024).append(PROLOG)
            .append("<config-auth client=\"vpn\" type=\"auth-request\" aggregate-auth-version=\"2\">\n")
            .append("<opaque is-for=\"sg\">\n")
            .append("<tunnel-group>").append(escape(tunnelGroup)).append("</tunnel-group>\n");
        if (alias != null)
        {
            xml.append("<group-alias>").append(escape(alias)).append("</group-alias>\n");
        }
        xml.append("<aggauth-handle>").append(escape(handle)).append("</aggauth-handle>\n")
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
        xml.append("<form>\n")
            .append("<input type=\"text\" name=\"username\" label=\"Username:\"></input>\n")
            .append("<input type=\"password\" name=\"password\" label=\"Password:\"></input>\n");
        if (secondary != null && !secondary.usePrimaryUsername())
        {
            xml.append("<input type=\"text\" name=\"secondary_username\" label=\"Second Username:\"></input>\n");
        }
        if (secondary != null)
        {
            xml.append("<input type=\"password\" name=\"secondary_password\" label=\"Second Password:\"></input>\n");
        }
        if (!options.isEmpty())
        {
            xml.append("<select name=\"group_list\" label=\"GROUP:\">\n");
            for (final String option : options)
            {
                xml.append(option.equals(alias) ? "<option selected=\"true\">" : "<option>").append(escape(option))
                    .append("</option>\n");
            }
            xml.append("</select>\n");
        }
        return xml.append("</form>\n")
            .append("</auth>\n")
            .append("</config-auth>\n")
            .toString();
    }

    /** The login form without a group list (the skeleton's form). */
    public static String loginForm(final String tunnelGroup, final String handle, final long configHash,
        final String banner, final String error)
    {
        return loginForm(tunnelGroup, null, java.util.List.of(), handle, configHash, banner, error);
    }

    /**
     * The single sign-on form (auth-and-portal.md §2.11): the IdP kick-off URL and the rest of the {@code sso-v2-*}
     * elements, and one {@code sso} input the client fills with the token it gets at the end of the browser login.
     * {@code external}: the client opens the URL in the system browser and takes the token at its local listener
     * (openconnect from the command line has no web view), else the client's web view watches for the token cookie.
     */
    public static String ssoForm(final String tunnelGroup, final String alias, final java.util.List<String> options,
        final String handle, final long configHash, final String loginUrl, final String finalUrl,
        final boolean external, final String error)
    {
        final StringBuilder xml = new StringBuilder(1024).append(PROLOG)
            .append("<config-auth client=\"vpn\" type=\"auth-request\" aggregate-auth-version=\"2\">\n")
            .append("<opaque is-for=\"sg\">\n")
            .append("<tunnel-group>").append(escape(tunnelGroup)).append("</tunnel-group>\n");
        if (alias != null)
        {
            xml.append("<group-alias>").append(escape(alias)).append("</group-alias>\n");
        }
        xml.append("<aggauth-handle>").append(escape(handle)).append("</aggauth-handle>\n")
            .append("<auth-method>single-sign-on-v2</auth-method>\n")
            .append("<config-hash>").append(configHash).append("</config-hash>\n")
            .append("</opaque>\n")
            .append("<auth id=\"main\">\n")
            .append("<title>Login</title>\n")
            .append("<message>Please complete the authentication process in the browser.</message>\n");
        if (error != null)
        {
            xml.append("<error id=\"88\" param1=\"\" param2=\"\">").append(escape(error)).append("</error>\n");
        }
        xml.append("<sso-v2-login>").append(escape(loginUrl)).append("</sso-v2-login>\n");
        if (external)
        {
            xml.append("<sso-v2-browser-mode>external</sso-v2-browser-mode>\n");
        }
        xml.append("<sso-v2-login-final>").append(escape(finalUrl)).append("</sso-v2-login-final>\n")
            .append("<sso-v2-token-cookie-name>acSamlv2Token</sso-v2-token-cookie-name>\n")
            .append("<sso-v2-error-cookie-name>acSamlv2Error</sso-v2-error-cookie-name>\n")
            .append("<form>\n")
            .append("<input type=\"sso\" name=\"sso-token\"></input>\n");
        if (!options.isEmpty())
        {
            xml.append("<select name=\"group_list\" label=\"GROUP:\">\n");
            for (final String option : options)
            {
                xml.append(option.equals(alias) ? "<option selected=\"true\">" : "<option>").append(escape(option))
                    .append("</option>\n");
            }
            xml.append("</select>\n");
        }
        return xml.append("</form>\n</auth>\n</config-auth>\n").toString();
    }

    /**
     * The second step a server asked for (RADIUS Access-Challenge): {@code <auth id="challenge">} with one password
     * field named {@code secondary_password}, the two things openconnect's {@code --token-mode=totp|hotp} looks for
     * before it fills a code in by itself. The user name is kept server-side, in the login context.
     */
    public static String challengeForm(final String tunnelGroup, final String handle, final String prompt)
    {
        return followUpForm(tunnelGroup, handle, "challenge", "Second factor",
            prompt == null || prompt.isBlank() ? "Enter the code." : prompt, null,
            "<input type=\"password\" name=\"secondary_password\" label=\"Code:\"></input>\n");
    }

    /**
     * The new-password form of {@code password-management}: the directory's message, the new password twice. Its
     * {@code auth id} is {@code passwd}, so {@code openconnect --form-entry=passwd:new_password=…} can fill it.
     */
    public static String passwordForm(final String tunnelGroup, final String handle, final String message,
        final String error)
    {
        return followUpForm(tunnelGroup, handle, "passwd", "Change password", message, error,
            "<input type=\"password\" name=\"new_password\" label=\"New Password:\"></input>\n"
                + "<input type=\"password\" name=\"verify_password\" label=\"Verify Password:\"></input>\n");
    }

    /**
     * A further step of a login under way: the opaque block that ties the answer to its login context (the
     * tunnel-group and the handle), then one {@code <auth>} with its message, an optional error and the inputs.
     */
    private static String followUpForm(final String tunnelGroup, final String handle, final String authId,
        final String title, final String message, final String error, final String inputs)
    {
        return PROLOG
            + "<config-auth client=\"vpn\" type=\"auth-request\" aggregate-auth-version=\"2\">\n"
            + "<opaque is-for=\"sg\">\n"
            + "<tunnel-group>" + escape(tunnelGroup) + "</tunnel-group>\n"
            + "<aggauth-handle>" + escape(handle) + "</aggauth-handle>\n"
            + "</opaque>\n"
            + "<auth id=\"" + authId + "\">\n"
            + "<title>" + title + "</title>\n"
            + "<message>" + escape(message) + "</message>\n"
            + (error == null ? "" : "<error id=\"88\" param1=\"\" param2=\"\">" + escape(error) + "</error>\n")
            + "<form>\n"
            + inputs
            + "</form>\n"
            + "</auth>\n"
            + "</config-auth>\n";
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
     * The first request of EAP-AnyConnect (ikev2-plan.md §1.2): the server opens with an empty {@code hello} and the
     * client answers with its {@code init}. Built from the reverse-engineered flow, unverified against real AnyConnect.
     */
    public static String hello()
    {
        return PROLOG + "<config-auth client=\"vpn\" type=\"hello\" aggregate-auth-version=\"2\"></config-auth>\n";
    }

    /**
     * Login succeeded: the session token (also sent as the {@code webvpn} cookie), the hash of the certificate the
     * client is talking to, the post-login banner, and what the client should download.
     */
    public static String complete(final int sessionId, final String token, final String serverCertSha1,
        final String banner, final ClientDelivery.Content content)
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
            + (content.basePackageUri() == null ? "<nopkg></nopkg>\n"
                : "<base-package-uri>" + escape(content.basePackageUri()) + "</base-package-uri>\n")
            + "<server-cert-hash>" + escape(serverCertSha1) + "</server-cert-hash>\n"
            + "</vpn-base-config>\n"
            + "<opaque is-for=\"vpn-client\">\n" + content.vpnClientOpaque() + "</opaque>\n"
            + content.profileManifest()
            + "</config>\n"
            + "</config-auth>\n";
    }

    /** {@link #complete(int, String, String, String, ClientDelivery.Content)} with nothing to download. */
    public static String complete(final int sessionId, final String token, final String serverCertSha1,
        final String banner)
    {
        return complete(sessionId, token, serverCertSha1, banner, ClientDelivery.Content.EMPTY);
    }
}
