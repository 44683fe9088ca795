package org.headend.control.auth;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.headend.control.config.ConfigHash;
import org.headend.control.config.EffectivePolicy;
import org.headend.control.config.HeadendConfig;
import org.headend.control.config.PolicyAttribute;
import org.headend.control.config.SecondaryAuthentication;
import org.headend.control.config.TunnelAuthentication;
import org.headend.control.config.TunnelGroup;
import org.headend.control.LogText;
import org.headend.control.auth.saml.AcEcies;
import org.headend.control.auth.saml.SamlServiceProvider;
import org.headend.control.auth.saml.SsoLogins;
import org.headend.control.config.SamlIdp;
import org.headend.control.http.ClientInfo;
import org.headend.control.http.HttpAnswer;
import org.headend.control.session.AaaAssignment;
import org.headend.control.ops.VpnEvents;
import org.headend.control.session.SessionManager;
import org.headend.control.tls.CertificateCheck;
import org.headend.control.tls.CertificateNames;
import org.headend.control.tls.ClientCertificateValidator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * XML aggregate authentication (docs/protocol/auth-and-portal.md §2–3): {@code init} → login form of the selected
 * tunnel-group, {@code auth-reply} → {@code complete} with the session token, or the form again with "Login failed."
 * so the client asks once more — never a 401, which openconnect treats as fatal. When the tunnel-group's server
 * asks for another step (RADIUS Access-Challenge) the answer is a second form, {@code <auth id="challenge">} with a
 * {@code secondary_password} field, which {@code openconnect --token-mode=totp} fills; the secondary server of
 * double authentication may ask too, after the primary said yes. With {@code password-management} a directory's
 * "change after reset" earns a new-password form ({@code <auth id="passwd">}), and so does its warning that the
 * password expires within {@code password-expire-in-days}. The waiting login is a
 * {@link PendingStep}, which the portal can carry on with {@link #answer}. The browser portal logs in
 * through {@link #authenticate}, the same checks and the same failed-login counters: no tunnel-group and no front
 * door is a way around them (CVE-2023-20269). Passwords are checked by {@link Logins}, which answers later; the
 * reply is built on the control thread. A tunnel-group of {@code authentication certificate} logs the client in by
 * the certificate it sent in the TLS handshake, without a form; {@code aaa certificate} shows the form but wants a
 * valid certificate too. Control thread only.
 */
public final class AggregateAuth
{
    /** Wrong answers in one login context before the context is refused for good. */
    public static final int MAX_FAILURES_PER_LOGIN = 3;
    public static final String LOGIN_FAILED = "Login failed.";
    public static final String GROUP_REFUSED = "You are not permitted to use this group.";
    private static final Logger LOG = LoggerFactory.getLogger(AggregateAuth.class);

    private final Supplier<HeadendConfig> config;
    private final SessionManager sessions;
    private final LoginContexts contexts;
    private final Logins logins;
    private final Supplier<String> serverCertSha1;
    private final LongSupplier nanoClock;
    /** Where decisions are finished: the control thread (back ends answer on their own threads). */
    private final Executor control;
    private ClientDelivery delivery = ClientDelivery.NONE;
    private RadiusAccounting accounting;
    private VpnEvents events = VpnEvents.NONE;
    /** Checks client certificates; null: no tunnel-group may log in by certificate. */
    private ClientCertificateValidator certificates;
    /** SAML logins of the tunnel-groups with {@code authentication saml}; null: none can log in. */
    private SsoLogins sso;

    /**
     * @param logins  every login's checks and back ends
     * @param control the control thread, where the answers of back ends are turned into replies
     */
    public AggregateAuth(final Supplier<HeadendConfig> config, final SessionManager sessions,
        final LoginContexts contexts, final Logins logins, final Supplier<String> serverCertSha1,
        final LongSupplier nanoClock, final Executor control)
    {
        this.config = config;
        this.sessions = sessions;
        this.contexts = contexts;
        this.logins = logins;
        this.serverCertSha1 = serverCertSha1;
        this.nanoClock = nanoClock;
        this.control = control;
    }

    /** Local users only, decisions finished on the calling thread (tests of this class). */
    public AggregateAuth(final Supplier<HeadendConfig> config, final SessionManager sessions,
        final LoginContexts contexts, final FailedLoginLimiter limiter, final Supplier<String> serverCertSha1,
        final LongSupplier nanoClock)
    {
        this(config, sessions, contexts, new Logins(config, limiter, nanoClock), serverCertSha1, nanoClock,
            Runnable::run);
    }

    /** Where the package, profile and custom-attribute parts of {@code complete} come from. */
    public AggregateAuth delivery(final ClientDelivery value)
    {
        delivery = value;
        return this;
    }

    /** Who hears of logins accepted and refused (metrics, syslog). */
    public AggregateAuth events(final VpnEvents listener)
    {
        events = listener;
        return this;
    }

    /** Where accounting Start records go for the tunnel-groups that have an accounting-server-group. */
    public AggregateAuth accounting(final RadiusAccounting value)
    {
        accounting = value;
        return this;
    }

    /** Who checks the client certificates of the tunnel-groups that want one. */
    public AggregateAuth certificates(final ClientCertificateValidator value)
    {
        certificates = value;
        return this;
    }

    /** Where the single sign-on of {@code authentication saml} tunnel-groups happens. */
    public AggregateAuth sso(final SsoLogins value)
    {
        sso = value;
        return this;
    }

    /**
     * The outcome of {@link #authenticate}: the user's policy and what the server assigned when the login may go
     * on; else why not, or the server's next question ({@code challenge} not null).
     */
    public record Verdict(boolean ok, String error, EffectivePolicy policy, boolean terminal, AaaAssignment assigned,
        PendingStep challenge)
    {
        Verdict(final boolean ok, final String error, final EffectivePolicy policy, final boolean terminal)
        {
            this(ok, error, policy, terminal, AaaAssignment.NONE, null);
        }

        /** A server asks for another step: show its question, then go on with {@link AggregateAuth#answer}. */
        static Verdict challenged(final PendingStep step)
        {
            return new Verdict(false, null, null, false, AaaAssignment.NONE, step);
        }
    }

    /** Answers one {@code <config-auth>} document posted to {@code path} ({@code /} or a group-url path). */
    public CompletionStage<HttpAnswer> onMessage(final AuthMessage message, final Map<String, String> cookies,
        final ClientInfo client, final String path)
    {
        return onMessage(message, cookies, client, path, null);
    }

    /**
     * {@link #onMessage(AuthMessage, Map, ClientInfo, String)} of a client that sent its STRAP DH key
     * ({@code X-AnyConnect-STRAP-DH-Pubkey}, or null): single sign-on then hands the token over sealed for it.
     */
    public CompletionStage<HttpAnswer> onMessage(final AuthMessage message, final Map<String, String> cookies,
        final ClientInfo client, final String path, final String strapKey)
    {
        return switch (message.type())
        {
            case "init" -> init(message, cookies.get("webvpncontext"), client, path, strapKey);
            case "auth-reply" -> reply(message, cookies.get("webvpncontext"), client, path, strapKey);
            case "logout" -> CompletableFuture.completedFuture(
                logout(message.sessionToken() != null ? message.sessionToken() : cookies.get("webvpn")));
            default -> CompletableFuture.completedFuture(
                HttpAnswer.xml(AuthDocuments.refusal("Unsupported request.", null), List.of()));
        };
    }

    /** {@link #onMessage(AuthMessage, Map, ClientInfo, String)} for a document posted to {@code /}. */
    public CompletionStage<HttpAnswer> onMessage(final AuthMessage message, final Map<String, String> cookies,
        final ClientInfo client)
    {
        return onMessage(message, cookies, client, "/");
    }

    /** {@code init}: the login form of the selected group, or at once the login by certificate when it takes one. */
    private CompletionStage<HttpAnswer> init(final AuthMessage message, final String contextCookie,
        final ClientInfo client, final String path, final String strapKey)
    {
        final HeadendConfig cfg = config.get();
        final GroupSelection group = GroupSelection.resolve(cfg, message.groupSelect(), path, message.groupAccess());
        if (!cfg.webvpn().anyconnectEnabled() || group.error() != null
            || authenticationOf(cfg, group.tunnelGroup()) != TunnelAuthentication.CERTIFICATE)
        {
            return done(start(contextCookie, path, message.groupSelect(), message.groupAccess(), strapKey));
        }
        final LoginContexts.LoginContext context =
            contexts.start(group.tunnelGroup(), group.alias(), contextCookie, nanoClock.getAsLong());
        return certificateLogin(context, group, client, message);
    }

    private static TunnelAuthentication authenticationOf(final HeadendConfig cfg, final String tunnelGroup)
    {
        return cfg.tunnelGroup(tunnelGroup).orElse(cfg.defaultTunnelGroup()).authentication();
    }

    /**
     * {@code authentication certificate}: the certificate the client sent is checked off this thread, the user name
     * taken from it ({@code username-from-certificate}), and the session opened; a refusal says why, and is final.
     */
    private CompletionStage<HttpAnswer> certificateLogin(final LoginContexts.LoginContext context,
        final GroupSelection group, final ClientInfo client, final AuthMessage message)
    {
        final HeadendConfig cfg = config.get();
        final TunnelGroup tunnelGroup = cfg.tunnelGroup(context.tunnelGroup()).orElse(cfg.defaultTunnelGroup());
        return checkCertificate(client, cfg).thenApplyAsync(check ->
        {
            final String username = check.valid()
                ? CertificateNames.username(check.leaf(), tunnelGroup.usernameFromCertificate()) : null;
            final String refusal = !check.valid() ? check.refusal() : username == null
                ? "Certificate validation failed: the certificate holds no usable user name ("
                    + tunnelGroup.usernameFromCertificate().primary().word() + ")." : null;
            if (refusal != null)
            {
                return certificateRefused(context, client, check, refusal);
            }
            LOG.info("certificate of {} from {} accepted by trustpoint {} (serial {})", LogText.escape(username),
                client.address(), check.trustpoint(), check.leaf().getSerialNumber().toString(16));
            final Verdict verdict = policyCheck(new AuthOutcome.Accepted(username, null, null, null,
                "certificate"), username, context.tunnelGroup(), client, java.util.Set.of("ssl-client"));
            if (!verdict.ok())
            {
                contexts.finish(context);
                return HttpAnswer.xml(AuthDocuments.refusal(LOGIN_FAILED, verdict.error()), List.of());
            }
            return finish(verdict, username, context, group, client, message);
        }, control);
    }

    private HttpAnswer certificateRefused(final LoginContexts.LoginContext context, final ClientInfo client,
        final CertificateCheck check, final String refusal)
    {
        contexts.finish(context);
        LOG.info("certificate login refused from {}: {} (subject {})", client.address(), refusal,
            check.leaf() == null ? "none" : LogText.escape(check.leaf().getSubjectX500Principal().getName()));
        events.loginFailed(check.leaf() == null ? "" : LogText.escape(check.leaf().getSubjectX500Principal().getName()),
            client.address(), "certificate refused");
        return HttpAnswer.xml(AuthDocuments.refusal(LOGIN_FAILED, refusal), List.of());
    }

    private CompletionStage<CertificateCheck> checkCertificate(final ClientInfo client, final HeadendConfig cfg)
    {
        if (certificates == null)
        {
            return CompletableFuture.completedFuture(new CertificateCheck(null, null,
                "Certificate validation failed: certificates are not checked here."));
        }
        return certificates.check(client.certificates(), cfg);
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
        return start(oldContextCookie, path, groupSelect, groupAccess, null);
    }

    private HttpAnswer start(final String oldContextCookie, final String path, final String groupSelect,
        final String groupAccess, final String strapKey)
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
        return form(cfg, context, group, group.error(), strapKey);
    }

    /** A urlencoded login (openconnect's legacy mode): same checks, one shot. */
    public CompletionStage<HttpAnswer> onForm(final Map<String, String> form, final Map<String, String> cookies,
        final ClientInfo client, final String path)
    {
        final Map<String, String> fields = new java.util.HashMap<>();
        fields.put("username", form.getOrDefault("username", ""));
        fields.put("password", form.getOrDefault("password", ""));
        for (final String second : List.of("secondary_username", "secondary_password"))
        {
            if (form.containsKey(second))
            {
                fields.put(second, form.get(second));
            }
        }
        final AuthMessage asReply = new AuthMessage("auth-reply", null, null, form.get("group_list"), null, null,
            Map.copyOf(fields), null);
        return reply(asReply, cookies.get("webvpncontext"), client, path, null);
    }

    /** {@link #onForm(Map, Map, ClientInfo, String)} posted to {@code /}. */
    public CompletionStage<HttpAnswer> onForm(final Map<String, String> form, final Map<String, String> cookies,
        final ClientInfo client)
    {
        return onForm(form, cookies, client, "/");
    }

    /**
     * Checks one user name and password for {@code tunnelGroup} with its {@code authentication-server-group}:
     * format, lockout, password (or the answer to a challenge), the group's and the user's policy (ssl-client or
     * ssl-clientless allowed, group-lock). Failures are counted per user and per address, whichever group and
     * front door they came through. Completes on the control thread.
     *
     * @param state     the State of the challenge this answers, or null for a first step
     * @param protocols any of these in the policy's {@code vpn-tunnel-protocol} will do: {@code ssl-client} for the
     *                  VPN client; {@code ssl-client} or {@code ssl-clientless} for the browser portal
     */
    public CompletionStage<Verdict> authenticate(final String username, final String password, final byte[] state,
        final String tunnelGroup, final ClientInfo client, final java.util.Set<String> protocols)
    {
        return authenticate(username, password, state, tunnelGroup, client, protocols, null, null);
    }

    /**
     * {@link #authenticate(String, String, byte[], String, ClientInfo, java.util.Set)} with the second user name and
     * password of double authentication ({@code secondary-authentication-server-group}); {@code second} may be null
     * when the tunnel-group has none (a login to one that has fails without it).
     */
    public CompletionStage<Verdict> authenticate(final String username, final String password,
        final SecondCredentials second, final String tunnelGroup, final ClientInfo client,
        final java.util.Set<String> protocols)
    {
        return authenticate(username, password, null, tunnelGroup, client, protocols, null, second);
    }

    /** The second user name (null with {@code use-primary-username}) and password of double authentication. */
    public record SecondCredentials(String username, String password)
    {
        @Override
        public String toString()
        {
            return "SecondCredentials[" + username + ", *****]";
        }
    }

    /**
     * {@link #authenticate(String, String, byte[], String, ClientInfo, java.util.Set)} of an accounted session,
     * then, once the primary server said yes, the secondary's check.
     */
    private CompletionStage<Verdict> authenticate(final String username, final String password, final byte[] state,
        final String tunnelGroup, final ClientInfo client, final java.util.Set<String> protocols,
        final String accountingSessionId, final SecondCredentials second)
    {
        return primary(username, password, state, tunnelGroup, client, protocols, accountingSessionId)
            .thenCompose(verdict -> verdict.challenge() != null
                // a primary server's challenge comes first: the second password waits for its answer
                ? CompletableFuture.completedFuture(Verdict.challenged(verdict.challenge().ofLogin(password, second,
                    accountingSessionId)))
                : secondary(verdict, username, tunnelGroup, client, second, accountingSessionId, protocols));
    }

    /**
     * Goes on with a login a server asked another step of: {@code answer} goes to the server that asked (the
     * primary, or the secondary of double authentication) with its State, for the user the first step named.
     * The answer may earn another question. Completes on the control thread.
     */
    public CompletionStage<Verdict> answer(final PendingStep step, final String answer, final ClientInfo client)
    {
        if (step.passwordChange())
        {
            return changePassword(step, answer, client);
        }
        final byte[] state = step.challenge().state();
        if (step.fromSecondary())
        {
            return secondStep(step.primaryVerdict(), step.username(), step.tunnelGroup(), client, step.secondUser(),
                answer, state, step.accountingSessionId(), step.protocols());
        }
        return authenticate(step.username(), answer, state, step.tunnelGroup(), client, step.protocols(),
            step.accountingSessionId(), step.heldSecond());
    }

    /**
     * Double authentication (the ASA's {@code secondary-authentication-server-group}): after the primary server
     * accepted the user, the second password must pass the secondary group too; the primary's answer rules the
     * session. Failures count against the name checked, as every login's do. Completes on the control thread.
     */
    private CompletionStage<Verdict> secondary(final Verdict primary, final String username, final String tunnelGroup,
        final ClientInfo client, final SecondCredentials second, final String accountingSessionId,
        final java.util.Set<String> protocols)
    {
        final HeadendConfig cfg = config.get();
        final SecondaryAuthentication secondary =
            cfg.tunnelGroup(tunnelGroup).orElse(cfg.defaultTunnelGroup()).secondaryAuthentication();
        if (!primary.ok() || secondary == null)
        {
            return CompletableFuture.completedFuture(primary);
        }
        final String user = secondary.usePrimaryUsername() ? username : second == null ? null : second.username();
        if (user == null || user.isEmpty() || second == null || second.password() == null)
        {
            logins.limiter().onFailure(username, client.address(), nanoClock.getAsLong());
            LOG.info("login refused for user {} from {}: tunnel-group {} needs a second password", LogText.escape(
                username), client.address(), tunnelGroup);
            events.loginFailed(username, client.address(), "second password missing");
            return CompletableFuture.completedFuture(new Verdict(false, LOGIN_FAILED, null, false));
        }
        return secondStep(primary, username, tunnelGroup, client, user, second.password(), null, accountingSessionId,
            protocols);
    }

    /**
     * One step with the secondary server group: the second password, or the answer to its own question (then
     * {@code state} is the question's). Its yes gives the primary's verdict; its question, another form step.
     */
    private CompletionStage<Verdict> secondStep(final Verdict primary, final String username,
        final String tunnelGroup, final ClientInfo client, final String user, final String password,
        final byte[] state, final String accountingSessionId, final java.util.Set<String> protocols)
    {
        final HeadendConfig cfg = config.get();
        final SecondaryAuthentication secondary =
            cfg.tunnelGroup(tunnelGroup).orElse(cfg.defaultTunnelGroup()).secondaryAuthentication();
        if (secondary == null)
        {
            // the configuration changed under a pending question: nothing left to check it against
            return CompletableFuture.completedFuture(new Verdict(false, LOGIN_FAILED, null, false));
        }
        final AuthRequest request = new AuthRequest(user, password, client.address(), state,
            AuthRequest.Purpose.VPN, accountingSessionId);
        return logins.login(secondary.serverGroup(), secondary.fallbackLocal(), request).thenApplyAsync(outcome ->
        {
            if (outcome instanceof AuthOutcome.Accepted)
            {
                LOG.info("login of {} from {}: second password accepted by {} for {}", LogText.escape(username),
                    client.address(), secondary.serverGroup(), LogText.escape(user));
                return primary;
            }
            if (outcome instanceof AuthOutcome.Challenged challenged)
            {
                LOG.info("login of {} from {}: the secondary server group {} asks for another step for {}",
                    LogText.escape(username), client.address(), secondary.serverGroup(), LogText.escape(user));
                return Verdict.challenged(new PendingStep(username, tunnelGroup, protocols, accountingSessionId,
                    challenged, null, primary, user));
            }
            LOG.info("login refused for user {} from {}: the second password was not accepted by {} ({})",
                LogText.escape(username), client.address(), secondary.serverGroup(),
                outcome.getClass().getSimpleName());
            events.loginFailed(username, client.address(), "second password refused");
            return new Verdict(false, outcome instanceof AuthOutcome.Rejected rejected
                && rejected.userMessage() != null ? rejected.userMessage() : LOGIN_FAILED, null, false);
        }, control);
    }

    /**
     * {@code password-management}: the new password goes to the directory of the tunnel-group's
     * {@code authentication-server-group} with the old one; a login with the new password follows, then the rest
     * of the login as after any primary answer (authorization, double authentication).
     */
    private CompletionStage<Verdict> changePassword(final PendingStep step, final String newPassword,
        final ClientInfo client)
    {
        final HeadendConfig cfg = config.get();
        final TunnelGroup group = cfg.tunnelGroup(step.tunnelGroup()).orElse(cfg.defaultTunnelGroup());
        final AuthRequest request = new AuthRequest(step.username(), step.oldPassword(), client.address(), null,
            AuthRequest.Purpose.VPN, step.accountingSessionId());
        return logins.changePassword(group.authenticationServerGroup(), request, newPassword)
            .thenApply(AggregateAuth::withoutExpiry)
            .thenCompose(outcome -> authorized(group, outcome, request))
            .thenApplyAsync(outcome -> decide(outcome, step.username(), step.tunnelGroup(), client,
                step.protocols()), control)
            .thenCompose(verdict -> verdict.challenge() != null
                ? CompletableFuture.completedFuture(Verdict.challenged(verdict.challenge().ofLogin(newPassword,
                    step.heldSecond(), step.accountingSessionId())))
                : secondary(verdict, step.username(), step.tunnelGroup(), client, step.heldSecond(),
                    step.accountingSessionId(), step.protocols()));
    }

    /** The password was just changed: a warning about the new one must not ask for yet another change. */
    private static AuthOutcome withoutExpiry(final AuthOutcome outcome)
    {
        return outcome instanceof AuthOutcome.Accepted a && a.passwordExpiresIn() != null
            ? new AuthOutcome.Accepted(a.username(), a.groupPolicy(), a.framedAddress(), a.radiusClass(), a.backend(),
                a.vpnFilter())
            : outcome;
    }

    /** The tunnel-group's {@code authorization-server-group} asked about a user another back end accepted. */
    private CompletionStage<AuthOutcome> authorized(final TunnelGroup group, final AuthOutcome outcome,
        final AuthRequest request)
    {
        return group.authorizationServerGroup() != null && outcome instanceof AuthOutcome.Accepted accepted
            ? logins.authorize(group.authorizationServerGroup(), accepted, request)
            : CompletableFuture.completedFuture(outcome);
    }

    /** The primary server's check of {@link #authenticate}. */
    private CompletionStage<Verdict> primary(final String username, final String password, final byte[] state,
        final String tunnelGroup, final ClientInfo client, final java.util.Set<String> protocols,
        final String accountingSessionId)
    {
        final HeadendConfig cfg = config.get();
        final TunnelGroup group = cfg.tunnelGroup(tunnelGroup).orElse(cfg.defaultTunnelGroup());
        final AuthRequest request = new AuthRequest(username, password, client.address(), state,
            AuthRequest.Purpose.VPN, accountingSessionId);
        if (group.authentication() == TunnelAuthentication.SAML)
        {
            LOG.info("password login of {} from {} refused: tunnel-group {} logs in by single sign-on only",
                LogText.escape(username), client.address(), group.name());
            return CompletableFuture.completedFuture(new Verdict(false,
                "This connection logs in by single sign-on only.", null, true));
        }
        if (group.authentication() == TunnelAuthentication.CERTIFICATE)
        {
            LOG.info("password login of {} from {} refused: tunnel-group {} logs in by certificate only",
                LogText.escape(username), client.address(), group.name());
            return CompletableFuture.completedFuture(new Verdict(false,
                "This connection logs in by certificate only.", null, true));
        }
        if (group.authentication() == TunnelAuthentication.AAA_CERTIFICATE)
        {
            // the certificate first: no password is tried (nor counted) for a client without a valid one
            return checkCertificate(client, cfg).thenComposeAsync(check ->
            {
                if (!check.valid())
                {
                    LOG.info("login of {} from {} refused: {}", LogText.escape(username), client.address(),
                        check.refusal());
                    events.loginFailed(username, client.address(), "certificate refused");
                    return CompletableFuture.completedFuture(new Verdict(false, check.refusal(), null, true));
                }
                return logins.login(group.authenticationServerGroup(), group.authenticationFallbackLocal(), request)
                    .thenApplyAsync(outcome -> decide(outcome, username, tunnelGroup, client, protocols), control);
            }, control);
        }
        return logins.login(group.authenticationServerGroup(), group.authenticationFallbackLocal(), request)
            .thenCompose(outcome -> authorized(group, outcome, request))
            .thenApplyAsync(outcome -> decide(outcome, username, tunnelGroup, client, protocols), control);
    }

    /** {@link #authenticate(String, String, byte[], String, ClientInfo, java.util.Set)} of a first step. */
    public CompletionStage<Verdict> authenticate(final String username, final String password,
        final String tunnelGroup, final ClientInfo client, final java.util.Set<String> protocols)
    {
        return authenticate(username, password, (byte[])null, tunnelGroup, client, protocols);
    }

    private Verdict decide(final AuthOutcome outcome, final String username, final String tunnelGroup,
        final ClientInfo client, final java.util.Set<String> protocols)
    {
        return switch (outcome)
        {
            // completed with the login's second credentials and accounting id by the caller
            case AuthOutcome.Challenged challenged -> Verdict.challenged(new PendingStep(username, tunnelGroup,
                protocols, null, challenged, null, null, null));
            case AuthOutcome.Accepted accepted when expiresSoon(accepted, tunnelGroup) ->
            {
                LOG.info("login of {} from {}: the password expires in {} s; password-management asks for a new one",
                    LogText.escape(username), client.address(), accepted.passwordExpiresIn().toSeconds());
                // completed with the old password, second credentials and accounting id by the caller
                yield Verdict.challenged(new PendingStep(username, tunnelGroup, protocols, null,
                    new AuthOutcome.Challenged(expiryMessage(accepted.passwordExpiresIn()), null), null, null, null,
                    ""));
            }
            case AuthOutcome.Accepted accepted -> policyCheck(accepted, username, tunnelGroup, client, protocols);
            case AuthOutcome.Unavailable unavailable ->
            {
                events.loginFailed(username, client.address(), "server unavailable");
                yield new Verdict(false, LOGIN_FAILED, null, false);
            }
            case AuthOutcome.Rejected rejected when rejected.mayChangePassword() && passwordManagement(tunnelGroup) ->
            {
                LOG.info("login of {} from {}: the directory wants a new password; password-management asks for it",
                    LogText.escape(username), client.address());
                // completed with the old password, second credentials and accounting id by the caller
                yield Verdict.challenged(new PendingStep(username, tunnelGroup, protocols, null,
                    new AuthOutcome.Challenged(rejected.userMessage() != null ? rejected.userMessage()
                        : "Your password must be changed.", null), null, null, null, ""));
            }
            case AuthOutcome.Rejected rejected ->
            {
                events.loginFailed(username, client.address(), "rejected");
                yield new Verdict(false, rejected.userMessage() != null ? rejected.userMessage() : LOGIN_FAILED,
                    null, false);
            }
        };
    }

    /**
     * {@code password-management password-expire-in-days N}: the directory said the password expires within N days,
     * so the login is not completed before the user was asked for a new one (N = 0 never asks early).
     */
    private boolean expiresSoon(final AuthOutcome.Accepted accepted, final String tunnelGroup)
    {
        if (accepted.passwordExpiresIn() == null)
        {
            return false;
        }
        final HeadendConfig cfg = config.get();
        final TunnelGroup group = cfg.tunnelGroup(tunnelGroup).orElse(cfg.defaultTunnelGroup());
        return group.passwordManagement() && group.passwordExpireInDays() > 0
            && accepted.passwordExpiresIn().compareTo(Duration.ofDays(group.passwordExpireInDays())) <= 0;
    }

    /** What the new-password form says about a password that expires in {@code left}, in whole days. */
    static String expiryMessage(final Duration left)
    {
        final long days = left.toDays();
        final String when = days == 0 ? "within a day" : days == 1 ? "in 1 day" : "in " + days + " days";
        return "Your password expires " + when + ". Choose a new password to continue.";
    }

    private boolean passwordManagement(final String tunnelGroup)
    {
        final HeadendConfig cfg = config.get();
        return cfg.tunnelGroup(tunnelGroup).orElse(cfg.defaultTunnelGroup()).passwordManagement();
    }

    private Verdict policyCheck(final AuthOutcome.Accepted accepted, final String username, final String tunnelGroup,
        final ClientInfo client, final java.util.Set<String> protocols)
    {
        final HeadendConfig cfg = config.get();
        final String who = LogText.escape(username);
        final EffectivePolicy policy = cfg.effectivePolicy(tunnelGroup, username, accepted.groupPolicy());
        final String lock = policy.get(PolicyAttribute.GROUP_LOCK);
        if (!lock.isEmpty() && !lock.equals(tunnelGroup))
        {
            // counted like a wrong password: picking groups must not be a way to try passwords for free
            logins.limiter().onFailure(username, client.address(), nanoClock.getAsLong());
            LOG.info("login refused for user {} from {}: group-lock {} does not allow tunnel-group {}", who,
                client.address(), lock, tunnelGroup);
            events.loginFailed(username, client.address(), "group-lock");
            return new Verdict(false, GROUP_REFUSED, policy, false);
        }
        if (policy.get(PolicyAttribute.VPN_TUNNEL_PROTOCOL).stream().noneMatch(protocols::contains))
        {
            LOG.info("login refused for user {} from {}: group-policy {} does not allow {}", who,
                client.address(), policy.groupPolicyName(), protocols);
            events.loginFailed(username, client.address(), "tunnel protocol not allowed");
            return new Verdict(false, "Login denied, unauthorized connection mechanism, contact your administrator.",
                policy, true);
        }
        events.loginSucceeded(username, tunnelGroup, client.address());
        return new Verdict(true, null, policy, false,
            new AaaAssignment(accepted.groupPolicy(), accepted.framedAddress(), accepted.vpnFilter()), null);
    }

    private CompletionStage<HttpAnswer> reply(final AuthMessage message, final String contextCookie,
        final ClientInfo client, final String path, final String strapKey)
    {
        final long now = nanoClock.getAsLong();
        final HeadendConfig cfg = config.get();
        LoginContexts.LoginContext context = contexts.find(message.handle(), contextCookie, now);
        if (context != null && context.pending() != null)
        {
            return answerChallenge(message, context, client);
        }
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
                return done(form(cfg, fresh, group, picked != null && picked.error() != null ? picked.error()
                    : "Your login session expired. Please log in again."));
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
                logins.limiter().onFailure(username == null ? "" : username, client.address(), now);
                return done(form(cfg, context, group, picked.error()));
            }
            if (!picked.tunnelGroup().equals(context.tunnelGroup()))
            {
                contexts.finish(context);
                context = contexts.start(picked.tunnelGroup(), picked.alias(), null, now);
                group = picked;
            }
        }
        if (authenticationOf(cfg, context.tunnelGroup()) == TunnelAuthentication.CERTIFICATE)
        {
            return certificateLogin(context, group, client, message);
        }
        if (authenticationOf(cfg, context.tunnelGroup()) == TunnelAuthentication.SAML)
        {
            return done(ssoReply(cfg, message, context, group, client, strapKey));
        }
        if (username == null || password == null)
        {
            return done(form(cfg, context, group, null));
        }
        final LoginContexts.LoginContext current = context;
        final GroupSelection shown = group;
        final SecondCredentials second = new SecondCredentials(message.field("secondary_username"),
            message.field("secondary_password"));
        return authenticate(username, password, null, context.tunnelGroup(), client, java.util.Set.of("ssl-client"),
            context.accountingSessionId(), second)
            .thenApply(verdict -> finish(verdict, username, current, shown, client, message));
    }

    /** The answer to a challenge form: the user name is the one the first step gave, never the client's. */
    private CompletionStage<HttpAnswer> answerChallenge(final AuthMessage message,
        final LoginContexts.LoginContext context, final ClientInfo client)
    {
        final PendingStep step = context.pending();
        if (step.passwordChange())
        {
            return answerPasswordChange(message, context, client, step);
        }
        String answer = message.field("secondary_password");
        if (answer == null)
        {
            answer = message.field("password");
        }
        if (answer == null)
        {
            return done(challengeForm(context, step.prompt()));
        }
        context.pending(null); // one answer per question, right or wrong
        final GroupSelection group = new GroupSelection(context.tunnelGroup(), context.alias(), List.of(), null);
        return answer(step, answer, client)
            .thenApply(verdict -> finish(verdict, step.username(), context, group, client, message));
    }

    /**
     * The new password form posted back; it goes to the directory. AnyConnect clients (openconnect too) send the new
     * password as {@code password} and keep {@code verify_password} to themselves, having compared the two; a
     * client that sends both fields by name has them compared here.
     */
    private CompletionStage<HttpAnswer> answerPasswordChange(final AuthMessage message,
        final LoginContexts.LoginContext context, final ClientInfo client, final PendingStep step)
    {
        final String named = message.field("new_password");
        final String fresh = named != null ? named : message.field("password");
        final String again = message.field("verify_password");
        if (fresh == null)
        {
            return done(passwordForm(context, step.prompt(), null));
        }
        if (again != null && !fresh.equals(again))
        {
            return done(passwordForm(context, step.prompt(), "The new passwords do not match."));
        }
        context.pending(null);
        final GroupSelection group = new GroupSelection(context.tunnelGroup(), context.alias(), List.of(), null);
        return answer(step, fresh, client)
            .thenApply(verdict -> finish(verdict, step.username(), context, group, client, message));
    }

    /**
     * The {@code auth-reply} of a single sign-on login: the token the browser login ended with stands for the user
     * the IdP named; without one the SSO form again. A wrong token ends the login (it was used up).
     */
    private HttpAnswer ssoReply(final HeadendConfig cfg, final AuthMessage message,
        final LoginContexts.LoginContext context, final GroupSelection group, final ClientInfo client,
        final String strapKey)
    {
        final String token = message.field("sso-token");
        if (token == null)
        {
            return form(cfg, context, group, null, strapKey);
        }
        final SsoLogins.Identity identity = sso == null ? null : sso.redeem(context.handle(), token);
        if (identity == null)
        {
            contexts.finish(context);
            LOG.info("single sign-on from {} refused: no login of tunnel-group {} holds that token",
                client.address(), context.tunnelGroup());
            events.loginFailed("", client.address(), "sso token refused");
            return HttpAnswer.xml(AuthDocuments.refusal(LOGIN_FAILED,
                "Single sign-on did not complete. Please log in again."), List.of());
        }
        final Verdict verdict = ssoVerdict(identity.username(), identity.groupPolicy(), identity.idp(),
            context.tunnelGroup(), client, java.util.Set.of("ssl-client"));
        if (!verdict.ok())
        {
            contexts.finish(context);
            return HttpAnswer.xml(AuthDocuments.refusal(LOGIN_FAILED, verdict.error()), List.of());
        }
        return finish(verdict, identity.username(), context, group, client, message);
    }

    /**
     * The decision on a user an IdP vouched for (AnyConnect or the portal): the same policy checks as a password
     * login — group-lock, vpn-tunnel-protocol — with the group-policy the attribute-map gave.
     */
    public Verdict ssoVerdict(final String username, final String groupPolicy, final String idp,
        final String tunnelGroup, final ClientInfo client, final java.util.Set<String> protocols)
    {
        return policyCheck(new AuthOutcome.Accepted(username, groupPolicy, null, null, "SAML " + idp), username,
            tunnelGroup, client, protocols);
    }

    private HttpAnswer finish(final Verdict verdict, final String username, final LoginContexts.LoginContext context,
        final GroupSelection group, final ClientInfo client, final AuthMessage message)
    {
        final HeadendConfig cfg = config.get();
        if (verdict.challenge() != null)
        {
            context.pending(verdict.challenge());
            return verdict.challenge().passwordChange() ? passwordForm(context, verdict.challenge().prompt(), null)
                : challengeForm(context, verdict.challenge().prompt());
        }
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
        if (login == null && sessions.atCapacity())
        {
            return HttpAnswer.xml(AuthDocuments.refusal(LOGIN_FAILED,
                "Login denied: the VPN has reached its session limit, try again later."), List.of());
        }
        if (login == null)
        {
            LOG.info("login refused for user {} from {}: vpn-simultaneous-logins is 0", LogText.escape(username),
                client.address());
            return HttpAnswer.xml(AuthDocuments.refusal(LOGIN_FAILED,
                "Login denied: this account may not open VPN sessions, contact your administrator."), List.of());
        }
        login.session().assign(verdict.assigned());
        if (accounting != null)
        {
            accounting.start(login.session(), context.accountingSessionId());
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

    private static CompletionStage<HttpAnswer> done(final HttpAnswer answer)
    {
        return CompletableFuture.completedFuture(answer);
    }

    private HttpAnswer challengeForm(final LoginContexts.LoginContext context, final String prompt)
    {
        return HttpAnswer.xml(AuthDocuments.challengeForm(context.tunnelGroup(), context.handle(), prompt),
            List.of(Map.entry("Set-Cookie", "webvpncontext=" + context.cookie() + "; path=/; Secure; HttpOnly")));
    }

    private HttpAnswer passwordForm(final LoginContexts.LoginContext context, final String message,
        final String error)
    {
        return HttpAnswer.xml(AuthDocuments.passwordForm(context.tunnelGroup(), context.handle(), message, error),
            List.of(Map.entry("Set-Cookie", "webvpncontext=" + context.cookie() + "; path=/; Secure; HttpOnly")));
    }

    private HttpAnswer form(final HeadendConfig cfg, final LoginContexts.LoginContext context,
        final GroupSelection group, final String error)
    {
        return form(cfg, context, group, error, null);
    }

    /** The group's login form: user name and password, or for {@code authentication saml} the SSO form. */
    private HttpAnswer form(final HeadendConfig cfg, final LoginContexts.LoginContext context,
        final GroupSelection group, final String error, final String strapKey)
    {
        if (authenticationOf(cfg, context.tunnelGroup()) == TunnelAuthentication.SAML)
        {
            return ssoForm(cfg, context, group, error, strapKey);
        }
        return HttpAnswer.xml(
            AuthDocuments.loginForm(context.tunnelGroup(), group.alias(), group.options(), context.handle(),
                ConfigHash.of(cfg), null, error,
                cfg.tunnelGroup(context.tunnelGroup()).orElse(cfg.defaultTunnelGroup()).secondaryAuthentication()),
            List.of(Map.entry("Set-Cookie", "webvpncontext=" + context.cookie() + "; path=/; Secure; HttpOnly")));
    }

    private HttpAnswer ssoForm(final HeadendConfig cfg, final LoginContexts.LoginContext context,
        final GroupSelection group, final String error, final String strapKey)
    {
        final SamlIdp idp = SamlServiceProvider.idpOf(cfg, context.tunnelGroup());
        if (idp == null || sso == null)
        {
            contexts.finish(context);
            LOG.warn("tunnel-group {} has authentication saml but no complete saml identity-provider",
                context.tunnelGroup());
            return HttpAnswer.xml(AuthDocuments.refusal(LOGIN_FAILED,
                "Single sign-on is not available for this connection."), List.of());
        }
        java.security.interfaces.ECPublicKey key = null;
        if (strapKey != null)
        {
            try
            {
                key = AcEcies.clientKey(strapKey);
            }
            catch (final java.security.GeneralSecurityException ex)
            {
                LOG.info("STRAP DH key of a client of tunnel-group {} ignored: {}", context.tunnelGroup(),
                    ex.getMessage());
            }
        }
        final String loginUrl = sso.begin(idp, context.handle(), context.tunnelGroup(), key);
        return HttpAnswer.xml(AuthDocuments.ssoForm(context.tunnelGroup(), group.alias(), group.options(),
            context.handle(), ConfigHash.of(cfg), loginUrl, SsoLogins.finalUrl(idp), key != null, error),
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

}
