package org.headend.control;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.headend.control.auth.AggregateAuth;
import org.headend.control.auth.AuthMessage;
import org.headend.control.auth.AuthXml;
import org.headend.control.auth.AuthXmlException;
import org.headend.control.auth.saml.SsoLogins;
import org.headend.control.http.Exchange;
import org.headend.control.http.HttpAnswer;
import org.headend.control.http.HttpRequestView;
import org.headend.control.portal.Portal;
import org.headend.control.session.Session;
import org.headend.control.session.SessionManager;
import org.headend.control.tunnel.TunnelGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what each HTTPS request is (docs/protocol/auth-and-portal.md §1.5): an aggregate-auth document, a legacy
 * form login, a client's probe, a logout, the browser portal and the download paths ({@link Portal}), or the tunnel
 * CONNECT. Paths are matched exactly after decoding, portal paths only in normal form; nothing is ever read from the
 * file system, so no path can traverse anywhere. Control thread only.
 */
final class RequestRouter
{
    private static final Logger LOG = LoggerFactory.getLogger(RequestRouter.class);
    private static final int MAX_FORM_FIELDS = 16;

    private final AggregateAuth auth;
    private final TunnelGateway tunnels;
    private final SessionManager sessions;
    private final Portal portal;
    private java.util.function.UnaryOperator<String> director = host -> null;
    /** The SAML login paths; null when single sign-on is not wired. */
    private final SsoLogins sso;

    RequestRouter(final AggregateAuth auth, final TunnelGateway tunnels, final SessionManager sessions,
        final Portal portal)
    {
        this(auth, tunnels, sessions, portal, null);
    }

    RequestRouter(final AggregateAuth auth, final TunnelGateway tunnels, final SessionManager sessions,
        final Portal portal, final SsoLogins sso)
    {
        this.auth = auth;
        this.tunnels = tunnels;
        this.sessions = sessions;
        this.portal = portal;
        this.sso = sso;
    }

    /**
     * On a cluster member: where a first login request ({@code init}) addressed to {@code Host} goes instead, as a
     * URL without path (the director's redirect to the least-loaded member); null to serve it here.
     */
    RequestRouter director(final java.util.function.UnaryOperator<String> redirectTarget)
    {
        director = redirectTarget;
        return this;
    }

    void route(final HttpRequestView request, final Exchange exchange)
    {
        try
        {
            switch (request.method())
            {
                case "CONNECT" -> connect(request, exchange);
                case "POST" -> post(request, exchange).whenComplete((answer, error) ->
                {
                    if (error != null)
                    {
                        LOG.error("request POST {} from {} failed", request.path(), exchange.client().address(), error);
                    }
                    exchange.reply(error == null ? answer
                        : HttpAnswer.text(500, "Internal Server Error", "Internal error", true));
                });
                case "GET" ->
                {
                    if (sso != null && SsoLogins.LOGOUT.equals(request.path()))
                    {
                        // the IdP's logout message is checked off the control thread, like its login answer
                        sso.logout(request.query(), exchange.client()).whenComplete((answer, error) ->
                            exchange.reply(error == null ? answer
                                : HttpAnswer.text(500, "Internal Server Error", "Internal error", true)));
                    }
                    else
                    {
                        exchange.reply(get(request, exchange));
                    }
                }
                case "HEAD" -> exchange.reply(HttpAnswer.empty("/".equals(request.path()) ? 200 : 404,
                    "/".equals(request.path()) ? "OK" : "Not Found", false));
                default -> exchange.reply(HttpAnswer.text(405, "Method Not Allowed", "Method not allowed", true));
            }
        }
        catch (final RuntimeException ex)
        {
            LOG.error("request {} {} from {} failed", request.method(), request.path(), exchange.client().address(),
                ex);
            exchange.reply(HttpAnswer.text(500, "Internal Server Error", "Internal error", true));
        }
    }

    private void connect(final HttpRequestView request, final Exchange exchange)
    {
        if ("/CSCOSSLC/tunnel".equals(request.path()) || "CSCOSSLC/tunnel".equals(request.path()))
        {
            tunnels.connect(request, exchange);
        }
        else
        {
            exchange.reply(HttpAnswer.text(404, "Not Found", "Not found", true));
        }
    }

    /** Logins complete later (their back end answers on its own thread); everything else at once. */
    private CompletionStage<HttpAnswer> post(final HttpRequestView request, final Exchange exchange)
    {
        if (AuthXml.looksLikeXml(request.body()))
        {
            try
            {
                final AuthMessage message = AuthXml.parse(request.body());
                final String target = "init".equals(message.type()) ? director.apply(request.header("host"))
                    : null;
                if (target != null)
                {
                    // only a first login request moves, never a CONNECT, and never to this same member
                    LOG.info("login request from {} redirected to {}", exchange.client().address(), target);
                    return done(new HttpAnswer(302, "Found", java.util.List.of(Map.entry("Location",
                        target + request.path())), new byte[0], true));
                }
                return auth.onMessage(message, request.cookies(), exchange.client(), request.path(),
                    request.header("x-anyconnect-strap-dh-pubkey"));
            }
            catch (final AuthXmlException ex)
            {
                LOG.info("auth document from {} refused: {}", exchange.client().address(), ex.getMessage());
                return done(HttpAnswer.text(400, "Bad Request", "Bad request", true));
            }
        }
        final Map<String, String> form = parseForm(request.body());
        if (form == null)
        {
            return done(HttpAnswer.text(400, "Bad Request", "Bad request", true));
        }
        if (sso != null && SsoLogins.ACS.equals(request.path()))
        {
            return sso.acs(form, exchange.client());
        }
        if (portal != null && Portal.LOGIN_POST.equals(request.path()) && form.containsKey("csrf_token"))
        {
            return portal.login(request, form, exchange.client());
        }
        if (form.containsKey("username") || form.containsKey("password"))
        {
            return auth.onForm(form, request.cookies(), exchange.client(), request.path());
        }
        return done(auth.start(request.cookies().get("webvpncontext"), request.path(), null, null));
    }

    private static CompletionStage<HttpAnswer> done(final HttpAnswer answer)
    {
        return CompletableFuture.completedFuture(answer);
    }

    private HttpAnswer get(final HttpRequestView request, final Exchange exchange)
    {
        final String path = request.path();
        if ("/logout".equals(path))
        {
            final Session session = sessions.find(request.cookies().get("webvpn"));
            if (session != null)
            {
                sessions.end(session, "the client logged out");
            }
            return HttpAnswer.text(200, "OK", "Logged out", false)
                .withHeader("Set-Cookie", "webvpn=; expires=Thu, 01 Jan 1970 22:00:00 GMT; path=/; Secure; HttpOnly");
        }
        if ("/".equals(path))
        {
            if (isVpnClient(request))
            {
                return auth.start(request.cookies().get("webvpncontext"));
            }
            return new HttpAnswer(302, "Found", java.util.List.of(Map.entry("Location", Portal.LOGON),
                Map.entry("Set-Cookie", "webvpnlogin=1; path=/; Secure; HttpOnly; SameSite=Strict"),
                Map.entry("Content-Type", "text/plain; charset=utf-8")), new byte[0], false);
        }
        if (sso != null && SsoLogins.LOGIN.equals(path))
        {
            final Map<String, String> query = parseForm(request.query().getBytes(StandardCharsets.US_ASCII));
            return query == null ? HttpAnswer.text(400, "Bad Request", "Bad request", true)
                : sso.login(query, exchange.client());
        }
        if (sso != null && SsoLogins.FINAL.equals(path))
        {
            return SsoLogins.finalPage();
        }
        if (portal != null)
        {
            final HttpAnswer answer = portal.get(request, exchange.client());
            if (answer != null)
            {
                return answer;
            }
        }
        if (isVpnClient(request) && Portal.normalForm(path) && path.indexOf('/', 1) < 0)
        {
            // a group-url path ("/eng"), fetched by a client in legacy mode
            return auth.start(request.cookies().get("webvpncontext"), path, null, null);
        }
        return HttpAnswer.text(404, "Not Found", "Not found", false);
    }

    private static boolean isVpnClient(final HttpRequestView request)
    {
        final String agent = request.header("user-agent");
        return request.header("x-transcend-version") != null || request.header("x-aggregate-auth") != null
            || agent != null && (agent.contains("AnyConnect") || agent.contains("OpenConnect"));
    }

    /** {@code application/x-www-form-urlencoded}, or null when it is not one. */
    private static Map<String, String> parseForm(final byte[] body)
    {
        final Map<String, String> form = new HashMap<>();
        final String text = new String(body, StandardCharsets.US_ASCII);
        if (text.isBlank())
        {
            return form;
        }
        for (final String pair : text.strip().split("&"))
        {
            final int eq = pair.indexOf('=');
            if (eq <= 0 || form.size() >= MAX_FORM_FIELDS)
            {
                return null;
            }
            try
            {
                final String name = java.net.URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
                form.putIfAbsent(name, java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
            catch (final IllegalArgumentException ex)
            {
                return null;
            }
        }
        return form;
    }
}
