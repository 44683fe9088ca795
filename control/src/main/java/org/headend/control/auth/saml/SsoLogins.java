package org.headend.control.auth.saml;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import org.headend.control.LogText;
import org.headend.control.config.SamlIdp;
import org.headend.control.http.ClientInfo;
import org.headend.control.http.HttpAnswer;
import org.headend.control.session.Session;
import org.headend.control.session.SessionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The browser side of SAML logins (the ASA's paths): {@value #LOGIN} sends the browser to the IdP,
 * {@value #ACS} takes the IdP's answer, {@value #FINAL} is the page a login ends on, {@value #LOGOUT} takes the
 * IdP's single logout messages. An AnyConnect login (the
 * {@code sso-v2-login} URL of its auth-request names it by a random id) ends with a one-time SSO token: sealed for
 * the client's STRAP key and handed to openconnect's local listener ({@code sso-v2-browser-mode external},
 * {@link AcEcies}), or else set as the {@code acSamlv2Token} cookie the client's web view watches for; the client
 * then posts it in its {@code auth-reply} and {@link #redeem} gives the user. A browser login (no id) goes to the
 * portal. Logins in progress are bounded in number and time. Control thread only, except that responses are
 * checked on {@code checker}.
 */
public final class SsoLogins
{
    public static final String LOGIN = "/+CSCOE+/saml/sp/login";
    public static final String ACS = "/+CSCOE+/saml/sp/acs";
    public static final String FINAL = "/+CSCOE+/saml_ac_login.html";
    /** Single logout (HTTP-Redirect): the IdP's LogoutRequest, or its LogoutResponse to ours. */
    public static final String LOGOUT = "/+CSCOE+/saml/sp/logout";
    public static final String TOKEN_COOKIE = "acSamlv2Token";
    public static final String ERROR_COOKIE = "acSamlv2Error";
    /** Where openconnect (and AnyConnect) listen for the token in external-browser mode (hpke.c). */
    static final String CLIENT_LISTENER = "http://localhost:29786/api/sso/";
    private static final long TIMEOUT_NANOS = PendingRequests.LIFETIME.toNanos();
    private static final int MAX_LOGINS = 10_000;
    private static final int TOKEN_CHARS = 32;
    private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final Logger LOG = LoggerFactory.getLogger(SsoLogins.class);

    private final SecureRandom random = new SecureRandom();
    private final SamlServiceProvider<String> provider;
    private final Executor checker;
    private final Executor control;
    private final LongSupplier nanoClock;
    private final LinkedHashMap<String, ClientLogin> byId = new LinkedHashMap<>();
    private final Map<String, ClientLogin> byHandle = new LinkedHashMap<>();
    private PortalLogins portal;
    private SessionManager sessions;

    /** Where a browser's (not a VPN client's) SAML login is finished: the portal opens its session. */
    public interface PortalLogins
    {
        CompletionStage<HttpAnswer> loggedIn(SamlServiceProvider.Result<String> result, ClientInfo browser);
    }

    /** Who a redeemed token names. */
    public record Identity(String username, String groupPolicy, String idp)
    {
    }

    /** One AnyConnect login waiting for, or holding, its IdP's answer. */
    private static final class ClientLogin
    {
        final String id;
        final String handle;
        final String tunnelGroup;
        final ECPublicKey strapKey;
        final String finalUrl;
        final long startedNanos;
        String token;
        Identity identity;

        ClientLogin(final String id, final String handle, final String tunnelGroup, final ECPublicKey strapKey,
            final String finalUrl, final long startedNanos)
        {
            this.finalUrl = finalUrl;
            this.id = id;
            this.handle = handle;
            this.tunnelGroup = tunnelGroup;
            this.strapKey = strapKey;
            this.startedNanos = startedNanos;
        }
    }

    /**
     * @param checker where responses are parsed and their signatures checked (not the control thread)
     * @param control the control thread, where the answers are finished
     */
    public SsoLogins(final SamlServiceProvider<String> provider, final Executor checker, final Executor control,
        final LongSupplier nanoClock)
    {
        this.provider = provider;
        this.checker = checker;
        this.control = control;
        this.nanoClock = nanoClock;
    }

    public SsoLogins portal(final PortalLogins value)
    {
        portal = value;
        return this;
    }

    /** The sessions an IdP's LogoutRequest ends. */
    public SsoLogins sessions(final SessionManager value)
    {
        sessions = value;
        return this;
    }

    /**
     * Where the portal's logout of {@code username} sends the browser: our LogoutRequest to the IdP of
     * {@code tunnelGroup}, or null when the group does not log in by SAML or its IdP has no {@code url sign-out}.
     */
    public String logoutRedirect(final String tunnelGroup, final String username)
    {
        try
        {
            return provider.logoutRequest(tunnelGroup, username);
        }
        catch (final SamlException ex)
        {
            LOG.warn("single logout of {} not sent to the IdP: {}", LogText.escape(username), ex.getMessage());
            return null;
        }
    }

    /**
     * GET {@value #LOGOUT}: the IdP's message, checked off the control thread. A LogoutRequest ends every session
     * of the user it names in the tunnel-groups that log in at that IdP (AnyConnect tunnels get a DISCONNECT, as
     * with {@code vpn-sessiondb logoff}), then the browser goes back to the IdP with our LogoutResponse. An answer
     * to our own LogoutRequest ends on a page that says so.
     */
    public CompletionStage<HttpAnswer> logout(final String rawQuery, final ClientInfo browser)
    {
        final String tunnelGroup = tunnelGroupOf(rawQuery);
        return CompletableFuture.supplyAsync(() ->
        {
            try
            {
                return provider.logout(tunnelGroup, rawQuery);
            }
            catch (final SamlException ex)
            {
                LOG.info("SAML logout message from {} refused: {}", browser.address(), LogText.escape(ex.getMessage()));
                return null;
            }
        }, checker).thenApplyAsync(logout ->
        {
            if (logout == null)
            {
                return page(403, "Forbidden", "The identity provider's logout message was refused.");
            }
            if (!logout.request())
            {
                return page(200, "OK", "You are logged out of the VPN and of the identity provider.");
            }
            int ended = 0;
            for (final Session session : sessions == null || logout.username() == null ? List.<Session>of()
                : sessions.list())
            {
                if (session.username().equals(logout.username())
                    && logout.idp().equals(provider.idpEntityOf(session.tunnelGroup())))
                {
                    sessions.end(session, "logged out at the identity provider (SAML single logout)");
                    ended++;
                }
            }
            LOG.info("SAML single logout of {} from {} at {}: {} session(s) ended",
                logout.username() == null ? "(unknown user)" : LogText.escape(logout.username()),
                LogText.escape(logout.idp()), browser.address(), ended);
            return logout.answer() != null ? redirect(logout.answer())
                : page(200, "OK", "You are logged out of the VPN.");
        }, control);
    }

    private static String tunnelGroupOf(final String rawQuery)
    {
        for (final String pair : rawQuery == null ? new String[0] : rawQuery.split("&"))
        {
            if (pair.startsWith("tgname="))
            {
                return java.net.URLDecoder.decode(pair.substring("tgname=".length()), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /**
     * Registers an AnyConnect login and gives the {@code sso-v2-login} URL of its auth-request.
     *
     * @param handle    the login context's aggauth-handle, which the client's auth-reply echoes
     * @param strapKey  the client's STRAP DH key, or null (then the token goes by cookie to a web view)
     */
    public String begin(final SamlIdp idp, final String handle, final String tunnelGroup, final ECPublicKey strapKey)
    {
        final long now = nanoClock.getAsLong();
        expire(now);
        final ClientLogin old = byHandle.remove(handle);
        if (old != null)
        {
            byId.remove(old.id);
        }
        while (byId.size() >= MAX_LOGINS)
        {
            final Iterator<ClientLogin> oldest = byId.values().iterator();
            byHandle.remove(oldest.next().handle);
            oldest.remove();
        }
        final byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        final ClientLogin login = new ClientLogin(HexFormat.of().formatHex(bytes), handle, tunnelGroup, strapKey,
            finalUrl(idp), now);
        byId.put(login.id, login);
        byHandle.put(handle, login);
        return idp.baseUrl() + LOGIN + "?tgname=" + encode(tunnelGroup) + "&acsamlcap=v2&sso=" + login.id;
    }

    /** The {@code sso-v2-login-final} URL: the page the browser ends on, where the token cookie is set. */
    public static String finalUrl(final SamlIdp idp)
    {
        return idp.baseUrl() + FINAL;
    }

    /** GET {@value #LOGIN}: the redirect to the IdP, for the AnyConnect login {@code sso} or a browser. */
    public HttpAnswer login(final Map<String, String> query, final ClientInfo browser)
    {
        final String id = query.get("sso");
        String tunnelGroup = query.get("tgname");
        if (id != null)
        {
            expire(nanoClock.getAsLong());
            final ClientLogin login = byId.get(id);
            if (login == null)
            {
                return page(400, "Bad Request", "This login has expired. Start it again from the VPN client.");
            }
            tunnelGroup = login.tunnelGroup;
        }
        else if (portal == null || tunnelGroup == null)
        {
            return page(400, "Bad Request", "No login to continue.");
        }
        try
        {
            return redirect(provider.start(tunnelGroup, id == null ? "" : id));
        }
        catch (final SamlException ex)
        {
            LOG.info("SAML login from {} not started: {}", browser.address(), ex.getMessage());
            return page(404, "Not Found", "Single sign-on is not available for this connection.");
        }
    }

    /** POST {@value #ACS}: the IdP's answer, checked off the control thread, then the login finished. */
    public CompletionStage<HttpAnswer> acs(final Map<String, String> form, final ClientInfo browser)
    {
        final String response = form.get("SAMLResponse");
        final String relayState = form.get("RelayState");
        return CompletableFuture.supplyAsync(() ->
        {
            try
            {
                return provider.consume(response, relayState);
            }
            catch (final SamlException ex)
            {
                LOG.info("SAML response from {} refused: {}", browser.address(), LogText.escape(ex.getMessage()));
                return null;
            }
        }, checker).thenComposeAsync(result ->
        {
            if (result == null)
            {
                return done(page(403, "Forbidden", "The identity provider's answer was refused."));
            }
            LOG.info("SAML login of {} at {} for tunnel-group {} from {}", LogText.escape(result.username()),
                LogText.escape(result.idp()), result.tunnelGroup(), browser.address());
            if (result.owner().isEmpty())
            {
                return portal == null ? done(page(404, "Not Found", "No portal.")) : portal.loggedIn(result, browser);
            }
            return done(toClient(result));
        }, control);
    }

    private HttpAnswer toClient(final SamlServiceProvider.Result<String> result)
    {
        final ClientLogin login = byId.get(result.owner());
        if (login == null || nanoClock.getAsLong() - login.startedNanos >= TIMEOUT_NANOS)
        {
            return page(410, "Gone", "The VPN client's login has expired. Start it again from the VPN client.");
        }
        login.identity = new Identity(result.username(), result.groupPolicy(), result.idp());
        login.token = newToken();
        if (login.strapKey == null)
        {
            return redirect(FINAL).withHeader("Set-Cookie", TOKEN_COOKIE + "=" + login.token
                + "; path=/; Secure; HttpOnly");
        }
        try
        {
            final String blob = Base64.getEncoder().encodeToString(AcEcies.wrap(login.strapKey, login.token));
            return redirect(CLIENT_LISTENER + encode(blob) + "?return=" + encode(login.finalUrl));
        }
        catch (final GeneralSecurityException ex)
        {
            LOG.warn("the SSO token for the client's STRAP key cannot be sealed: {}", ex.toString());
            return page(500, "Internal Server Error", "The login cannot be handed to the VPN client.");
        }
    }

    /**
     * The identity an {@code auth-reply}'s {@code sso-token} stands for, once: the token is compared in constant
     * time and forgotten, right or wrong (a guess costs the login).
     *
     * @return the identity, or null when the login has no such token (yet)
     */
    public Identity redeem(final String handle, final String token)
    {
        expire(nanoClock.getAsLong());
        final ClientLogin login = byHandle.get(handle);
        if (login == null || login.token == null || token == null)
        {
            return null;
        }
        byHandle.remove(handle);
        byId.remove(login.id);
        return MessageDigest.isEqual(login.token.getBytes(StandardCharsets.US_ASCII),
            token.getBytes(StandardCharsets.US_ASCII)) ? login.identity : null;
    }

    private String newToken()
    {
        final StringBuilder token = new StringBuilder(TOKEN_CHARS);
        for (int i = 0; i < TOKEN_CHARS; i++)
        {
            token.append(ALPHANUMERIC.charAt(random.nextInt(ALPHANUMERIC.length())));
        }
        return token.toString();
    }

    private void expire(final long now)
    {
        final Iterator<ClientLogin> it = byId.values().iterator();
        while (it.hasNext())
        {
            final ClientLogin login = it.next();
            if (now - login.startedNanos < TIMEOUT_NANOS)
            {
                break;
            }
            it.remove();
            byHandle.remove(login.handle);
        }
    }

    private static String encode(final String value)
    {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static CompletionStage<HttpAnswer> done(final HttpAnswer answer)
    {
        return CompletableFuture.completedFuture(answer);
    }

    static HttpAnswer redirect(final String location)
    {
        return new HttpAnswer(302, "Found", List.of(Map.entry("Location", location),
            Map.entry("Cache-Control", "no-store"), Map.entry("Content-Type", "text/plain; charset=utf-8")),
            new byte[0], false);
    }

    /** GET {@value #FINAL}: where a login ends in the browser (the VPN client has the token by then). */
    public static HttpAnswer finalPage()
    {
        return page(200, "OK", "Login complete. You may close this window and return to the VPN client.");
    }

    /** A small page for the browser; the reason stays in our log. */
    static HttpAnswer page(final int status, final String reason, final String text)
    {
        final String html = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>VPN login</title></head>"
            + "<body><p>" + org.headend.control.auth.AuthXml.escape(text) + "</p></body></html>\n";
        return new HttpAnswer(status, reason, List.of(Map.entry("Content-Type", "text/html; charset=utf-8"),
            Map.entry("Cache-Control", "no-store")), html.getBytes(StandardCharsets.UTF_8), false);
    }
}
