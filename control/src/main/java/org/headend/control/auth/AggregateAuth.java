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
 * XML aggregate authentication (docs/protocol/auth-and-portal.md §2–3): {@code init} → login form of the selected
 * tunnel-group, {@code auth-reply} → {@code complete} with the session token, or the form again with "Login failed."
 * so the client asks once more — never a 401, which openconnect treats as fatal. The browser portal logs in through
 * {@link #authenticate}, the same checks and the same failed-login counters: no tunnel-group and no front door is a
 * way around them (CVE-2023-20269). Control thread only.
 */
public final class AggregateAuth
{
    /** Wrong answers in one login context before the context is refused for good. */
    public static final int MAX_FAILURES_PER_LOGIN = 3;
    public static final String LOGIN_FAILED = "Login failed.";
    public static final String GROUP_REFUSED = "You are not permitted to use this group.";
    private static final int MAX_USERNAME = 64;
    private static final int MAX_PASSWORD = 256;
    private static final Logger LOG = LoggerFactory.getLogger(AggregateAuth.class);
    /** Checked when the user does not exist, so that unknown and known users take the same time. */
    private static final PasswordHash DECOY = PasswordHash.of("decoy-password-never-matches");

    private final Supplier<HeadendConfig> config;
    private final SessionManager sessions;
    private final LoginContexts contexts;
    private final FailedLoginLimiter limiter;
    private final Supplier<String> serverCertSha1;
    private final LongSupplier nanoClock;
    private ClientDelivery delivery = ClientDelivery.NONE;

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

    /** Where the package, profile and custom-attribute parts of {@code complete} come from. */
    public AggregateAuth delivery(final ClientDelivery value)
    {
        delivery = value;
        return this;
    }

    /** The outcome of {@link #authenticate}: the user's policy when the login may go on, else why not. */
    public record Verdict(boolean ok, String error, EffectivePolicy policy, boolean terminal)
    {
    }

    /** Answers one {@code <config-auth>} document posted to {@code path} ({@code /} or a group-url path). */
    public HttpAnswer onMessage(final AuthMessage message, final Map<String, String> cookies, final ClientInfo client,
        final String path)
    {
        return switch (message.type())
        {
            case "init" -> start(cookies.get("webvpncontext"), path, message.groupSelect(), message.groupAccess());
            case "auth-reply" -> reply(message, cookies.get("webvpncontext"), client, path);
            case "logout" -> logout(message.sessionToken() != null ? message.sessionToken() : cookies.get("webvpn"));
            default -> HttpAnswer.xml(AuthDocuments.refusal("Unsupported request.", null), List.of());
        };
    }

    /** {@link #onMessage(AuthMessage, Map, ClientInfo, String)} for a document posted to {@code /}. */
    public HttpAnswer onMessage(final AuthMessage message, final Map<String, String> cookies, final ClientInfo client)
    {
        return onMessage(message, cookies, client, "/");
    }

    /** A login form for a client that fetched the URL instead of posting {@code init} (legacy probe). */
    public HttpAnswer start(final String oldContextCookie)
    {
        return start(oldContextCookie, "/", null, null);
    }

    /** A login form for the group the request selects (group-url path, group-select, else the default). */
    public HttpAnswer start(final String oldContextCookie, final String path, final String groupSelect,
        final String groupAccess)
    {
        final HeadendConfig cfg = config.get();
        if (!cfg.webvpn().anyconnectEnabled())
        {
            return HttpAnswer.xml(AuthDocuments.refusal("AnyConnect is not enabled on the VPN server.", null),
                List.of());
        }
        final GroupSelection group = GroupSelection.resolve(cfg, groupSelect, path, groupAccess);
        final LoginContexts.LoginContext context =
            contexts.start(group.tunnelGroup(), group.alias(), oldContextCookie, nanoClock.getAsLong());
        return form(cfg, context, group, group.error());
    }

    /** A urlencoded login (openconnect's legacy mode): same checks, one shot. */
    public HttpAnswer onForm(final Map<String, String> form, final Map<String, String> cookies,
        final ClientInfo client, final String path)
    {
        final AuthMessage asReply = new AuthMessage("auth-reply", null, null, form.get("group_list"), null, null,
            Map.of("username", form.getOrDefault("username", ""), "password", form.getOrDefault("password", "")),
            null);
        return reply(asReply, cookies.get("webvpncontext"), client, path);
    }

    /** {@link #onForm(Map, Map, ClientInfo, String)} posted to {@code /}. */
    public HttpAnswer onForm(final Map<String, String> form, final Map<String, String> cookies,
        final ClientInfo client)
    {
        return onForm(form, cookies, client, "/");
    }

    /**
     * Checks one user name and password for {@code tunnelGroup}: format, lockout, password, the group's and the
     * user's policy (ssl-client or ssl-clientless allowed, group-lock). Failures are counted per user and per
     * address, whichever group and front door they came through.
     *
     * @param protocols any of these in the policy's {@code vpn-tunnel-protocol} will do: {@code ssl-client} for the
     *                  VPN client; {@code ssl-client} or {@code ssl-clientless} for the browser portal
     */
    public Verdict authenticate(final String username, final String password, final String tunnelGroup,
        final ClientInfo client, final java.util.Set<String> protocols)
    {
        final long now = nanoClock.getAsLong();
        final HeadendConfig cfg = config.get();
        if (username == null || password == null || !acceptableUsername(username) || password.length() > MAX_PASSWORD)
        {
            return fail(username == null ? "" : printable(username), client, "malformed user name or password", now);
        }
        final UserAccount user = cfg.users().get(username);
        final boolean passwordOk = (user == null ? DECOY : user.password()).matches(password) && user != null;
        if (limiter.isLocked(username, client.address(), now))
        {
            return fail(username, client, "locked out after repeated failures", now);
        }
        if (!passwordOk)
        {
            return fail(username, client, user == null ? "unknown user" : "wrong password", now);
        }
        final EffectivePolicy policy = cfg.effectivePolicy(tunnelGroup, username);
        final String lock = policy.get(PolicyAttribute.GROUP_LOCK);
        if (!lock.isEmpty() && !lock.equals(tunnelGroup))
        {
            // counted like a wrong password: picking groups must not be a way to try passwords for free
            limiter.onFailure(username, client.address(), now);
            LOG.info("login refused for user {} from {}: group-lock {} does not allow tunnel-group {}", username,
                client.address(), lock, tunnelGroup);
            return new Verdict(false, GROUP_REFUSED, policy, false);
        }
        if (policy.get(PolicyAttribute.VPN_TUNNEL_PROTOCOL).stream().noneMatch(protocols::contains))
        {
            LOG.info("login refused for user {} from {}: group-policy {} does not allow {}", username,
                client.address(), policy.groupPolicyName(), protocols);
            return new Verdict(false, "Login denied, unauthorized connection mechanism, contact your administrator.",
                policy, true);
        }
        limiter.onSuccess(username);
        return new Verdict(true, null, policy, false);
    }

    private Verdict fail(final String username, final ClientInfo client, final String why, final long now)
    {
        limiter.onFailure(username, client.address(), now);
        LOG.info("login failed for user {} from {}: {}", username, client.address(), why);
        return new Verdict(false, LOGIN_FAILED, null, false);
    }

    private HttpAnswer reply(final AuthMessage message, final String contextCookie, final ClientInfo client,
        final String path)
    {
        final long now = nanoClock.getAsLong();
        final HeadendConfig cfg = config.get();
        LoginContexts.LoginContext context = contexts.find(message.handle(), contextCookie, now);
        final String username = message.field("username");
        final String password = message.field("password");
        final GroupSelection picked = GroupSelection.ofReply(cfg, message.groupSelect());
        if (context == null)
        {
            final GroupSelection group = picked != null && picked.error() == null ? picked
                : GroupSelection.resolve(cfg, null, path, null);
            final LoginContexts.LoginContext fresh = contexts.start(group.tunnelGroup(), group.alias(), contextCookie,
                now);
            if (username == null || password == null || picked != null && picked.error() != null)
            {
                return form(cfg, fresh, group, picked != null && picked.error() != null ? picked.error()
                    : "Your login session expired. Please log in again.");
            }
            context = fresh;
        }
        GroupSelection group = GroupSelection.resolve(cfg, context.alias(), path, null);
        if (!group.tunnelGroup().equals(context.tunnelGroup()))
        {
            group = new GroupSelection(context.tunnelGroup(), context.alias(), List.of(), null);
        }
        if (picked != null)
        {
            if (picked.error() != null)
            {
                // a group the list never offered (bad-inputs #20): no password check, nothing learnt
                context.failed();
                limiter.onFailure(username == null ? "" : username, client.address(), now);
                return form(cfg, context, group, picked.error());
            }
            if (!picked.tunnelGroup().equals(context.tunnelGroup()))
            {
                contexts.finish(context);
                context = contexts.start(picked.tunnelGroup(), picked.alias(), null, now);
                group = picked;
            }
        }
        if (username == null || password == null)
        {
            return form(cfg, context, group, null);
        }
        final Verdict verdict = authenticate(username, password, context.tunnelGroup(), client, java.util.Set.of("ssl-client"));
        if (!verdict.ok())
        {
            if (verdict.terminal())
            {
                contexts.finish(context);
                return HttpAnswer.xml(AuthDocuments.refusal(LOGIN_FAILED, verdict.error()), List.of());
            }
            context.failed();
            if (context.failures() >= MAX_FAILURES_PER_LOGIN)
            {
                contexts.finish(context);
                return HttpAnswer.xml(AuthDocuments.refusal(LOGIN_FAILED, "Too many failed attempts."), List.of());
            }
            return form(cfg, context, group, verdict.error());
        }
        contexts.finish(context);
        final EffectivePolicy policy = verdict.policy();
        final SessionManager.Login login =
            sessions.open(username, context.tunnelGroup(), policy.groupPolicyName(), client);
        if (login == null)
        {
            LOG.info("login refused for user {} from {}: vpn-simultaneous-logins is 0", username, client.address());
            return HttpAnswer.xml(AuthDocuments.refusal(LOGIN_FAILED,
                "Login denied: this account may not open VPN sessions, contact your administrator."), List.of());
        }
        final String hash = serverCertSha1.get();
        final ClientDelivery.Content content = delivery.forLogin(cfg, policy, message.deviceId(), client.userAgent());
        final List<Map.Entry<String, String>> cookies = new ArrayList<>();
        cookies.add(Map.entry("Set-Cookie",
            "webvpncontext=; expires=Thu, 01 Jan 1970 22:00:00 GMT; path=/; Secure; HttpOnly"));
        cookies.add(Map.entry("Set-Cookie", "webvpn=" + login.token() + "; path=/; Secure; HttpOnly"));
        cookies.add(Map.entry("Set-Cookie", "webvpnc=bu:/CACHE/stc/&p:t&iu:" + content.imageSlot() + "/&sh:" + hash
            + "&lu:/+CSCOT+/translation-table?textdomain%3DAnyConnect%26type%3Dmanifest" + content.webvpncHints()
            + "; path=/; Secure; HttpOnly"));
        final List<String> banner = policy.get(PolicyAttribute.BANNER);
        return HttpAnswer.xml(AuthDocuments.complete(login.session().index(), login.token(), hash,
            banner.isEmpty() ? null : String.join("\n", banner), content), cookies);
    }

    private HttpAnswer form(final HeadendConfig cfg, final LoginContexts.LoginContext context,
        final GroupSelection group, final String error)
    {
        return HttpAnswer.xml(
            AuthDocuments.loginForm(context.tunnelGroup(), group.alias(), group.options(), context.handle(),
                cfg.hashCode() & 0x7fffffffL, null, error),
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
