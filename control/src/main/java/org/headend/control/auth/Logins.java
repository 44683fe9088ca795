package org.headend.control.auth;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.headend.control.LogText;
import org.headend.control.auth.ldap.LdapAuthenticator;
import org.headend.control.auth.radius.RadiusClient;
import org.headend.control.auth.radius.RadiusEap;
import org.headend.control.config.AaaServerGroup;
import org.headend.control.config.HeadendConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every login of the appliance goes through here — AnyConnect, the portal, SSH to the CLI: the user name's format,
 * the one {@link FailedLoginLimiter}, the server group the configuration names ({@code LOCAL} or an
 * {@code aaa-server} group, with the LOCAL fallback while its servers are down), and one log line per decision
 * with the untrusted text escaped. The answer comes later, on the back end's thread; callers bring it back to
 * their own thread. It never blocks. Thread-safe.
 */
public final class Logins implements AutoCloseable
{
    public static final int MAX_USERNAME = 64;
    public static final int MAX_PASSWORD = 128;
    /**
     * The largest EAP response relayed to RADIUS: with its EAP-Message headers, the State, the user name and the
     * other attributes it always fits one 4096-byte Access-Request (IKEv2 takes larger EAP for EAP-AnyConnect,
     * which is never relayed).
     */
    public static final int MAX_RELAYED_EAP = 3072;
    private static final Logger LOG = LoggerFactory.getLogger(Logins.class);

    private final Supplier<HeadendConfig> config;
    private final FailedLoginLimiter limiter;
    private volatile SharedLockout shared;
    private final LongSupplier nanoClock;
    private final LocalAuthenticator local;
    /** RADIUS clients by server group name; follows the configuration. */
    private final Map<String, RadiusClient> radius = new HashMap<>();
    /** LDAP back ends by server group name; follows the configuration. */
    private final Map<String, LdapAuthenticator> ldap = new HashMap<>();
    /** Turns a {@code disk0:} path into a file (an LDAP host's {@code ldap-trusted-ca}). */
    private volatile java.util.function.Function<String, java.nio.file.Path> flash = path ->
    {
        throw new IllegalArgumentException("no disk0: store to read " + path + " from");
    };

    public Logins(final Supplier<HeadendConfig> config, final FailedLoginLimiter limiter, final LongSupplier nanoClock)
    {
        this.config = config;
        this.limiter = limiter;
        this.nanoClock = nanoClock;
        this.local = new LocalAuthenticator(config, nanoClock, System::currentTimeMillis);
    }

    public FailedLoginLimiter limiter()
    {
        return limiter;
    }

    /** Where {@code disk0:} files named by the configuration (an LDAP host's CA certificates) are read from. */
    public Logins flash(final java.util.function.Function<String, java.nio.file.Path> resolver)
    {
        flash = resolver;
        return this;
    }

    /** Starts, reconfigures and stops the RADIUS and LDAP back ends to match {@code cfg}'s {@code aaa-server} groups. */
    public synchronized void apply(final HeadendConfig cfg)
    {
        radius.entrySet().removeIf(entry ->
        {
            final AaaServerGroup group = cfg.aaaServers().get(entry.getKey());
            if (group == null || group.isLdap())
            {
                entry.getValue().close();
                return true;
            }
            return false;
        });
        ldap.entrySet().removeIf(entry ->
        {
            final AaaServerGroup group = cfg.aaaServers().get(entry.getKey());
            if (group == null || !group.isLdap())
            {
                entry.getValue().close();
                return true;
            }
            return false;
        });
        for (final AaaServerGroup group : cfg.aaaServers().values())
        {
            if (group.isLdap())
            {
                final LdapAuthenticator existing = ldap.get(group.name());
                if (existing != null)
                {
                    existing.configure(group);
                }
                else
                {
                    ldap.put(group.name(), new LdapAuthenticator(group, config, path -> flash.apply(path),
                        nanoClock));
                }
                continue;
            }
            final RadiusClient client = radius.get(group.name());
            if (client != null)
            {
                client.configure(group);
                continue;
            }
            try
            {
                radius.put(group.name(), RadiusClient.start(group, cfg.hostname(), nanoClock));
            }
            catch (final IOException ex)
            {
                LOG.error("aaa-server {}: cannot open its UDP socket: {}", group.name(), ex.toString());
            }
        }
    }

    /** The RADIUS client of {@code group}, or null when there is none. */
    public synchronized RadiusClient radius(final String group)
    {
        return radius.get(group);
    }

    /** The LDAP back end of {@code group}, or null when there is none. */
    public synchronized LdapAuthenticator ldap(final String group)
    {
        return ldap.get(group);
    }

    /** The back end of a server group, RADIUS or LDAP, or null when there is none. */
    private synchronized Authenticator backend(final String group)
    {
        final Authenticator client = radius.get(group);
        return client != null ? client : ldap.get(group);
    }

    /**
     * Makes this member count failed logins in its cluster too, and refuse users the cluster locked out (a user
     * failing on several members is locked on all of them). Null: this headend alone.
     */
    public Logins sharedLockout(final SharedLockout cluster)
    {
        shared = cluster;
        return this;
    }

    /** Failed-login counts shared by the members of a cluster; every call completes off the caller's thread. */
    public interface SharedLockout
    {
        CompletionStage<Boolean> locked(String user);

        CompletionStage<Boolean> failed(String user);

        CompletionStage<Void> succeeded(String user);
    }

    /**
     * Checks one login step with {@code serverGroup}.
     *
     * @param fallbackLocal whether the local users answer while every server of the group is down
     * @return the decision; {@link AuthOutcome.Rejected} for malformed names, locked users or addresses, as for a
     *         wrong password; never {@link AuthOutcome.Unavailable} (no server and no fallback is a rejection)
     */
    public CompletionStage<AuthOutcome> login(final String serverGroup, final boolean fallbackLocal,
        final AuthRequest request)
    {
        final String who = LogText.escape(request.username());
        final String from = LogText.escape(request.clientAddress());
        final long now = nanoClock.getAsLong();
        if (!acceptable(request))
        {
            limiter.onFailure(request.username() == null ? "" : request.username(), request.clientAddress(), now);
            LOG.info("login failed for user {} from {}: malformed user name or password", who, from);
            return CompletableFuture.completedFuture(new AuthOutcome.Rejected(null));
        }
        final boolean viaLocal = AaaServerGroup.LOCAL.equals(serverGroup);
        if (limiter.isLocked(request.username(), request.clientAddress(), now))
        {
            if (viaLocal)
            {
                local.spendPasswordCheck(request); // the same time as a wrong password: a lockout cannot be told apart
            }
            limiter.onFailure(request.username(), request.clientAddress(), now);
            LOG.info("login failed for user {} from {}: locked out after repeated failures", who, from);
            return CompletableFuture.completedFuture(new AuthOutcome.Rejected(null));
        }
        final SharedLockout cluster = shared;
        if (cluster == null)
        {
            return verify(serverGroup, fallbackLocal, request, viaLocal, who, from);
        }
        // a cluster member asks the cluster first: failures on other members count too
        return cluster.locked(request.username()).exceptionally(error ->
        {
            LOG.warn("cluster lockout state unavailable ({}); this member's counters decide", error.toString());
            return false;
        }).thenCompose(locked ->
        {
            if (!locked)
            {
                return verify(serverGroup, fallbackLocal, request, viaLocal, who, from).thenCompose(outcome ->
                    outcome instanceof AuthOutcome.Rejected
                        ? cluster.failed(request.username()).handle((nowLocked, error) -> outcome)
                        : outcome instanceof AuthOutcome.Accepted
                            ? cluster.succeeded(request.username()).handle((done, error) -> outcome)
                            : CompletableFuture.completedFuture(outcome));
            }
            if (viaLocal)
            {
                local.spendPasswordCheck(request);
            }
            limiter.onFailure(request.username(), request.clientAddress(), nanoClock.getAsLong());
            LOG.info("login failed for user {} from {}: locked out cluster-wide after repeated failures", who, from);
            return CompletableFuture.completedFuture(new AuthOutcome.Rejected(null));
        });
    }

    private CompletionStage<AuthOutcome> verify(final String serverGroup, final boolean fallbackLocal,
        final AuthRequest request, final boolean viaLocal, final String who, final String from)
    {
        final Authenticator backend = viaLocal ? local : backend(serverGroup);
        final CompletionStage<AuthOutcome> first = backend == null
            ? CompletableFuture.completedFuture(new AuthOutcome.Unavailable("aaa-server " + serverGroup
                + " is not configured"))
            : backend.authenticate(request);
        return first.thenCompose(outcome ->
        {
            if (outcome instanceof AuthOutcome.Unavailable down && fallbackLocal && !viaLocal)
            {
                LOG.warn("login of {} from {}: {}; falling back to LOCAL", who, from, down.why());
                return local.authenticate(request);
            }
            return CompletableFuture.completedFuture(outcome);
        }).thenApply(outcome -> account(serverGroup, request, outcome, who, from));
    }

    /**
     * Relays one round of a peer's EAP conversation to the RADIUS group {@code serverGroup} (IKEv2 EAP): the same
     * lockout, counting and log lines as a password login. {@code request} names the user by the EAP identity and
     * carries the server's State of the previous round; it has no password. A cluster member asks the cluster's
     * lockout first and reports the server's final verdict to it, as for a password login. Never falls back to LOCAL
     * (the local users cannot take over an EAP conversation a server began) and never completes with
     * {@link AuthOutcome.Unavailable}: no answer is a rejection.
     */
    public CompletionStage<RadiusEap.Answer> relayEap(final String serverGroup, final AuthRequest request,
        final byte[] eap)
    {
        final String who = LogText.escape(request.username());
        final String from = LogText.escape(request.clientAddress());
        final long now = nanoClock.getAsLong();
        if (!acceptable(new AuthRequest(request.username(), "", request.clientAddress(), request.state(),
            request.purpose())))
        {
            limiter.onFailure(request.username() == null ? "" : request.username(), request.clientAddress(), now);
            LOG.info("login failed for user {} from {}: malformed EAP identity", who, from);
            return CompletableFuture.completedFuture(new RadiusEap.Answer(new AuthOutcome.Rejected(null), null, null));
        }
        if (limiter.isLocked(request.username(), request.clientAddress(), now))
        {
            limiter.onFailure(request.username(), request.clientAddress(), now);
            LOG.info("login failed for user {} from {}: locked out after repeated failures", who, from);
            return CompletableFuture.completedFuture(new RadiusEap.Answer(new AuthOutcome.Rejected(null), null, null));
        }
        if (eap.length > MAX_RELAYED_EAP)
        {
            LOG.info("login failed for user {} from {}: an EAP response of {} bytes is too large to relay", who, from,
                eap.length);
            return CompletableFuture.completedFuture(new RadiusEap.Answer(new AuthOutcome.Rejected(null), null, null));
        }
        final SharedLockout cluster = shared;
        if (cluster == null)
        {
            return relay(serverGroup, request, eap, who, from);
        }
        // as a password login: the cluster's counts decide first, and the server's verdict feeds them
        return cluster.locked(request.username()).exceptionally(error ->
        {
            LOG.warn("cluster lockout state unavailable ({}); this member's counters decide", error.toString());
            return false;
        }).thenCompose(locked ->
        {
            if (!locked)
            {
                return relay(serverGroup, request, eap, who, from).thenCompose(relayed ->
                    relayed.outcome() instanceof AuthOutcome.Rejected
                        ? cluster.failed(request.username()).handle((nowLocked, error) -> relayed)
                        : relayed.outcome() instanceof AuthOutcome.Accepted
                            ? cluster.succeeded(request.username()).handle((done, error) -> relayed)
                            : CompletableFuture.completedFuture(relayed));
            }
            limiter.onFailure(request.username(), request.clientAddress(), nanoClock.getAsLong());
            LOG.info("login failed for user {} from {}: locked out cluster-wide after repeated failures", who, from);
            return CompletableFuture.completedFuture(new RadiusEap.Answer(new AuthOutcome.Rejected(null), null, null));
        });
    }

    /** One relayed round to the RADIUS group, its verdict counted by this member's limiter. */
    private CompletionStage<RadiusEap.Answer> relay(final String serverGroup, final AuthRequest request,
        final byte[] eap, final String who, final String from)
    {
        final RadiusClient client = radius(serverGroup);
        final CompletionStage<RadiusEap.Answer> answer;
        try
        {
            answer = client == null ? CompletableFuture.completedFuture(new RadiusEap.Answer(
                new AuthOutcome.Unavailable("aaa-server " + serverGroup + " is not a RADIUS group"), null, null))
                : client.relayEap(request, eap);
        }
        catch (final IllegalStateException closed)
        {
            return CompletableFuture.completedFuture(new RadiusEap.Answer(new AuthOutcome.Rejected(null), null, null));
        }
        return answer.thenApply(relayed -> new RadiusEap.Answer(account(serverGroup, request, relayed.outcome(), who,
            from), relayed.eap(), relayed.msk()));
    }

    /**
     * Changes a password a server said must be changed ({@code password-management}), then logs in with the new
     * one: the same checks, lockout and counting as a login. Only directories (LDAP) take a new password; any other
     * server group refuses.
     *
     * @param request the user and the old password
     */
    public CompletionStage<AuthOutcome> changePassword(final String serverGroup, final AuthRequest request,
        final String newPassword)
    {
        final String who = LogText.escape(request.username());
        final String from = LogText.escape(request.clientAddress());
        final long now = nanoClock.getAsLong();
        if (!acceptable(request) || newPassword == null
            || newPassword.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_PASSWORD)
        {
            limiter.onFailure(request.username() == null ? "" : request.username(), request.clientAddress(), now);
            LOG.info("password change failed for user {} from {}: malformed user name or password", who, from);
            return CompletableFuture.completedFuture(new AuthOutcome.Rejected(null));
        }
        if (limiter.isLocked(request.username(), request.clientAddress(), now))
        {
            limiter.onFailure(request.username(), request.clientAddress(), now);
            LOG.info("password change failed for user {} from {}: locked out after repeated failures", who, from);
            return CompletableFuture.completedFuture(new AuthOutcome.Rejected(null));
        }
        final LdapAuthenticator directory = ldap(serverGroup);
        if (directory == null)
        {
            LOG.info("password change of user {} from {} refused: {} is not an LDAP server group", who, from,
                serverGroup);
            return CompletableFuture.completedFuture(new AuthOutcome.Rejected("password change not supported"));
        }
        LOG.info("user {} from {} changes the password at {}", who, from, serverGroup);
        return directory.changePassword(request, newPassword)
            .thenApply(outcome -> account(serverGroup, request, outcome, who, from));
    }

    /**
     * Asks the tunnel-group's {@code authorization-server-group} (LDAP) for the group-policy of a user another back
     * end accepted, as the ASA does: the directory's mapped group-policy replaces the first one's; a user the
     * directory does not know, or no server answering, refuses the login. Never blocks.
     */
    public CompletionStage<AuthOutcome> authorize(final String serverGroup, final AuthOutcome.Accepted accepted,
        final AuthRequest request)
    {
        final String who = LogText.escape(request.username());
        final LdapAuthenticator directory = ldap(serverGroup);
        if (directory == null)
        {
            LOG.warn("login of {} refused: authorization-server-group {} is not an LDAP server group", who,
                serverGroup);
            return CompletableFuture.completedFuture(new AuthOutcome.Rejected("no authorization server"));
        }
        return directory.authorize(accepted.username()).thenApply(outcome ->
        {
            if (outcome instanceof AuthOutcome.Accepted found)
            {
                LOG.info("user {} authorized by {}: group-policy {}", who, serverGroup,
                    found.groupPolicy() == null ? "(none mapped)" : found.groupPolicy());
                return new AuthOutcome.Accepted(accepted.username(), found.groupPolicy() != null
                    ? found.groupPolicy() : accepted.groupPolicy(), accepted.framedAddress(), accepted.radiusClass(),
                    accepted.backend(), accepted.vpnFilter(), accepted.passwordExpiresIn());
            }
            final String why = outcome instanceof AuthOutcome.Rejected r ? r.message()
                : outcome instanceof AuthOutcome.Unavailable u ? u.why() : "unexpected answer";
            LOG.info("login of user {} refused: authorization by {} failed ({})", who, serverGroup,
                LogText.escape(why));
            return new AuthOutcome.Rejected("authorization failed");
        });
    }

    private AuthOutcome account(final String serverGroup, final AuthRequest request, final AuthOutcome outcome,
        final String who, final String from)
    {
        final long now = nanoClock.getAsLong();
        switch (outcome)
        {
            case AuthOutcome.Accepted accepted ->
            {
                limiter.onSuccess(request.username());
                LOG.info("login of user {} from {} accepted by {}", who, from, accepted.backend());
                return accepted;
            }
            case AuthOutcome.Rejected rejected ->
            {
                limiter.onFailure(request.username(), request.clientAddress(), now);
                LOG.info("login failed for user {} from {}: rejected by {}{}", who, from, serverGroup,
                    rejected.message() == null ? "" : " (" + LogText.escape(rejected.message()) + ")");
                return rejected;
            }
            case AuthOutcome.Challenged challenged ->
            {
                LOG.info("login of user {} from {}: {} asks for another step", who, from, serverGroup);
                return challenged;
            }
            case AuthOutcome.Unavailable down ->
            {
                LOG.warn("login failed for user {} from {}: {}", who, from, down.why());
                return new AuthOutcome.Rejected(null);
            }
        }
    }

    /** Names an attacker can fill with control characters, padding or 4 KiB never reach a back end. */
    static boolean acceptable(final AuthRequest request)
    {
        final String username = request.username();
        if (username == null || request.password() == null || username.isEmpty()
            || username.length() > MAX_USERNAME
            || request.password().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_PASSWORD
            || request.state() != null && request.state().length > 253)
        {
            return false;
        }
        return username.chars().allMatch(c -> c > 0x20 && c < 0x7f);
    }

    @Override
    public synchronized void close()
    {
        radius.values().forEach(RadiusClient::close);
        radius.clear();
        ldap.values().forEach(LdapAuthenticator::close);
        ldap.clear();
    }
}
