package org.headend.control.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.headend.control.config.EffectivePolicy;
import org.headend.control.config.HeadendConfig;
import org.headend.control.config.PasswordHash;
import org.headend.control.config.PolicyAttribute;
import org.headend.control.config.UserAccount;
import org.headend.control.http.ClientInfo;
import org.headend.control.http.HttpAnswer;
import org.headend.control.session.SessionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * XML aggregate authentication (docs/protocol/auth-and-portal.md §2–3): {@code init} → login form,
 * {@code auth-reply} → {@code complete} with the session token, or the form again with "Login failed." so the client
 * asks once more — never a 401, which openconnect treats as fatal. Control thread only.
 */
public final class AggregateAuth
{
    /** Wrong answers in one login context before the context is refused for good. */
    public static final int MAX_FAILURES_PER_LOGIN = 3;
    private static final int MAX_USERNAME = 64;
    private static final int MAX_PASSWORD = 256;
    private static final String LOGIN_FAILED = "Login failed.";
    private static final Logger LOG = LoggerFactory.getLogger(AggregateAuth.class);
    /** Checked when the user does not exist, so that unknown and known users take the same time. */
    private static final PasswordHash DECOY = PasswordHash.of("decoy-password-never-matches");

    private final Supplier<HeadendConfig> config;
    private final SessionManager sessions;
    private final LoginContexts contexts;
    private final FailedLoginLimiter limiter;
    private final Supplier<String> serverCertSha1;
    private final LongSupplier nanoClock;

    public AggregateAuth(final Supplier<HeadendConfig> config, final SessionManager sessions,
        final LoginContexts contexts, final FailedLoginLimiter limiter, final Supplier<String> serverCertSha1,
        final LongSupplier nanoClock)
    {
        this.config = config;
        this.sessions = sessions;
        this.contexts = contexts;
        this.limiter = limiter;
        this.serverCertSha1 = serverCertSha1;
        this.nanoClock = nanoClock;
    }

    /** Answers one {@code <config-auth>} document. */
    public HttpAnswer onMessage(final AuthMessage message, final Map<String, String> cookies, final ClientInfo client)
    {
        return switch (message.type())
        {
            case "init" -> start(cookies.get("webvpncontext"));
            case "auth-reply" -> reply(message, cookies.get("webvpncontext"), client);
            case "logout" -> logout(message.sessionToken() != null ? message.sessionToken() : cookies.get("webvpn"));
            default -> HttpAnswer.xml(AuthDocuments.refusal("Unsupported request.", null), List.of());
        };
    }

    /** A login form for a client that fetched the URL instead of posting {@code init} (legacy probe). */
    public HttpAnswer start(final String oldContextCookie)
    {
        final HeadendConfig cfg = config.get();
        if (!cfg.webvpn().anyconnectEnabled())
        {
            return HttpAnswer.xml(AuthDocuments.refusal("AnyConnect is not enabled on the VPN server.", null),
                List.of());
        }
        final LoginContexts.LoginContext context =
            contexts.start(HeadendConfig.DEFAULT_TUNNEL_GROUP, oldContextCookie, nanoClock.getAsLong());
        return form(cfg, context, null);
    }

    /** A urlencoded login (openconnect's legacy mode): same checks, one shot. */
    public HttpAnswer onForm(final Map<String, String> form, final Map<String, String> cookies,
        final ClientInfo client)
    {
        final AuthMessage asReply = new AuthMessage("auth-reply", null, null, form.get("group_list"), null, null,
            Map.of("username", form.getOrDefault("username", ""), "password", form.getOrDefault("password", "")),
            null);
        return reply(asReply, cookies.get("webvpncontext"), client);
    }

    private HttpAnswer reply(final AuthMessage message, final String contextCookie, final ClientInfo client)
    {
        final long now = nanoClock.getAsLong();
        final HeadendConfig cfg = config.get();
        LoginContexts.LoginContext context = contexts.find(message.handle(), contextCookie, now);
        final String username = message.field("username");
        final String password = message.field("password");
        if (context == null)
        {
            if (username == null || password == null)
            {
                final LoginContexts.LoginContext fresh =
                    contexts.start(HeadendConfig.DEFAULT_TUNNEL_GROUP, contextCookie, now);
                return form(cfg, fresh, "Your login session expired. Please log in again.");
            }
            context = contexts.start(HeadendConfig.DEFAULT_TUNNEL_GROUP, contextCookie, now);
        }
        if (username == null || password == null)
        {
            return form(cfg, context, null);
        }
        if (!acceptableUsername(username) || password.length() > MAX_PASSWORD)
        {
            return failed(cfg, context, printable(username), client, "malformed user name or password", now);
        }
        final UserAccount user = cfg.users().get(username);
        final boolean passwordOk = (user == null ? DECOY : user.password()).matches(password) && user != null;
        if (limiter.isLocked(username, client.address(), now))
        {
            return failed(cfg, context, username, client, "locked out after repeated failures", now);
        }
        if (!passwordOk)
        {
            return failed(cfg, context, username, client, user == null ? "unknown user" : "wrong password", now);
        }
        final EffectivePolicy policy = cfg.effectivePolicy(context.tunnelGroup(), username);
        if (!policy.get(PolicyAttribute.VPN_TUNNEL_PROTOCOL).contains("ssl-client"))
        {
            contexts.finish(context);
            LOG.info("login refused for user {} from {}: group-policy {} does not allow ssl-client", username,
                client.address(), policy.groupPolicyName());
            return HttpAnswer.xml(AuthDocuments.refusal(LOGIN_FAILED,
                "Login denied, unauthorized connection mechanism, contact your administrator."), List.of());
        }
        contexts.finish(context);
        limiter.onSuccess(username);
        final SessionManager.Login login =
            sessions.open(username, context.tunnelGroup(), policy.groupPolicyName(), client);
        if (login == null)
        {
            LOG.info("login refused for user {} from {}: vpn-simultaneous-logins is 0", username, client.address());
            return HttpAnswer.xml(AuthDocuments.refusal(LOGIN_FAILED,
                "Login denied: this account may not open VPN sessions, contact your administrator."), List.of());
        }
        final String hash = serverCertSha1.get();
        final List<Map.Entry<String, String>> cookies = new ArrayList<>();
        cookies.add(Map.entry("Set-Cookie", "webvpncontext=; expires=Thu, 01 Jan 1970 22:00:00 GMT; path=/; Secure; HttpOnly"));
        cookies.add(Map.entry("Set-Cookie", "webvpn=" + login.token() + "; path=/; Secure; HttpOnly"));
        cookies.add(Map.entry("Set-Cookie", "webvpnc=bu:/CACHE/stc/&p:t&iu:1/&sh:" + hash + "; path=/; Secure; HttpOnly"));
        return HttpAnswer.xml(AuthDocuments.complete(login.session().index(), login.token(), hash, null), cookies);
    }

    private HttpAnswer failed(final HeadendConfig cfg, final LoginContexts.LoginContext context,
        final String username, final ClientInfo client, final String why, final long now)
    {
        context.failed();
        limiter.onFailure(username, client.address(), now);
        LOG.info("login failed for user {} from {}: {}", username, client.address(), why);
        if (context.failures() >= MAX_FAILURES_PER_LOGIN)
        {
            contexts.finish(context);
            return HttpAnswer.xml(AuthDocuments.refusal(LOGIN_FAILED, "Too many failed attempts."), List.of());
        }
        return form(cfg, context, LOGIN_FAILED);
    }

    private HttpAnswer form(final HeadendConfig cfg, final LoginContexts.LoginContext context, final String error)
    {
        return HttpAnswer.xml(
            AuthDocuments.loginForm(context.tunnelGroup(), context.handle(), cfg.hashCode() & 0x7fffffffL, null, error),
            List.of(Map.entry("Set-Cookie", "webvpncontext=" + context.cookie() + "; path=/; Secure; HttpOnly")));
    }

    private HttpAnswer logout(final String token)
    {
        final var session = sessions.find(token);
        if (session != null)
        {
            sessions.end(session, "the client logged out");
        }
        return HttpAnswer.xml("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<config-auth client=\"vpn\" type=\"complete\" aggregate-auth-version=\"2\">\n"
            + "<auth id=\"success\"><message>Logged out.</message></auth>\n</config-auth>\n", List.of());
    }

    /** Names an attacker can fill with control characters, padding or 4 KiB never reach the user table. */
    private static boolean acceptableUsername(final String username)
    {
        if (username.isEmpty() || username.length() > MAX_USERNAME || !username.equals(username.strip()))
        {
            return false;
        }
        return username.chars().allMatch(c -> c > 0x20 && c < 0x7f);
    }

    private static String printable(final String text)
    {
        final String cut = text.length() > MAX_USERNAME ? text.substring(0, MAX_USERNAME) : text;
        return cut.replaceAll("[^\\x21-\\x7e]", "?");
    }
}
