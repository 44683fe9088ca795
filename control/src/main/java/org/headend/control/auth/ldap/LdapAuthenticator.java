package org.headend.control.auth.ldap;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.headend.control.auth.AuthOutcome;
import org.headend.control.auth.AuthRequest;
import org.headend.control.auth.Authenticator;
import org.headend.control.auth.ServerHealth;
import org.headend.control.config.AaaServerGroup;
import org.headend.control.config.AaaServerHost;
import org.headend.control.config.HeadendConfig;
import org.headend.control.config.LdapAttributeMap;
import org.headend.control.config.LdapHostSettings;
import org.headend.control.config.Trustpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The LDAP back end of one {@code aaa-server NAME protocol ldap} group. The SDK's bind is blocking, so each login
 * runs as one task on the group's own small pool ({@link #THREADS} threads, at most {@link #QUEUE} logins waiting;
 * beyond that a login is refused at once): the control thread and the event loops only ever get a stage that
 * completes later. Hosts are tried in configuration order; a host that cannot answer (down, TLS refused, the
 * service account refused) counts a failure and the next live host is asked for the same login. After
 * {@code max-failed-attempts} failures in a row a host is failed and comes back by the group's
 * {@code reactivation-mode}, as for RADIUS. When no host is live the answer is {@link AuthOutcome.Unavailable} (the
 * caller may fall back to LOCAL). Thread-safe.
 */
public final class LdapAuthenticator implements Authenticator, AutoCloseable
{
    static final int THREADS = 4;
    static final int QUEUE = 64;
    private static final Logger LOG = LoggerFactory.getLogger(LdapAuthenticator.class);

    private final String groupName;
    private final Supplier<HeadendConfig> config;
    private final Function<String, Path> flash;
    private final LongSupplier nanoClock;
    private final ThreadPoolExecutor executor;
    /** Guarded by this: the group as last configured and each host's health, by address. */
    private AaaServerGroup group;
    private final Map<String, HostState> hosts = new HashMap<>();

    /** One host's health and counters, as {@code show aaa-server} prints them. */
    public record HostStatus(String address, int port, boolean failed, long requests, long accepts, long rejects,
        long failures)
    {
    }

    private static final class HostState extends ServerHealth
    {
        private AaaServerHost host;
        private long requests;
        private long accepts;
        private long rejects;
        private long failures;
        /** The TLS context and the CA file's modification time it was built from. */
        private SSLContext tls;
        private String tlsSource;
    }

    /**
     * @param config the running configuration, for the attribute maps
     * @param flash  turns a {@code disk0:} path into a file ({@code ldap-trusted-ca})
     */
    public LdapAuthenticator(final AaaServerGroup group, final Supplier<HeadendConfig> config,
        final Function<String, Path> flash, final LongSupplier nanoClock)
    {
        this.groupName = group.name();
        this.config = config;
        this.flash = flash;
        this.nanoClock = nanoClock;
        final AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUE), task ->
            {
                final Thread thread = new Thread(task, "ldap-" + groupName + "-" + n.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });
        executor.allowCoreThreadTimeOut(true);
        configure(group);
    }

    /** Follows a new version of the group's configuration; hosts that stay keep their state. */
    public synchronized void configure(final AaaServerGroup updated)
    {
        group = updated;
        final Map<String, HostState> kept = new HashMap<>();
        for (final AaaServerHost host : updated.hosts())
        {
            final HostState state = hosts.getOrDefault(key(host), new HostState());
            if (state.host == null || !state.host.equals(host))
            {
                state.tls = null;
                if (host.ldap() != null && host.ldap().trustedCaFile() != null)
                {
                    LOG.warn("aaa-server {} host {}: ldap-trusted-ca is not an ASA command and will go away: import "
                        + "the CA with crypto ca trustpoint NAME / ca-certificate {} / validation-usage ssl-server, "
                        + "then remove the line", groupName, host.address().getHostAddress(),
                        host.ldap().trustedCaFile());
                }
                if (host.ldap() != null && host.ldap().transport() == LdapHostSettings.Transport.PLAIN)
                {
                    LOG.warn("aaa-server {} host {}: ldap-over-ssl is not enabled, user passwords cross the network "
                        + "in clear", groupName, host.address().getHostAddress());
                }
            }
            state.host = host;
            kept.put(key(host), state);
        }
        hosts.clear();
        hosts.putAll(kept);
    }

    /** The hosts and their counters, in configuration order. */
    public synchronized List<HostStatus> status()
    {
        final List<HostStatus> rows = new ArrayList<>();
        for (final AaaServerHost host : group.hosts())
        {
            final HostState s = hosts.get(key(host));
            rows.add(new HostStatus(host.address().getHostAddress(), host.ldap() == null ? 0
                : host.ldap().effectivePort(), s.failed(), s.requests, s.accepts, s.rejects, s.failures));
        }
        return rows;
    }

    @Override
    public CompletionStage<AuthOutcome> authenticate(final AuthRequest request)
    {
        return submit(request, null, false);
    }

    /** {@link #authenticate} against one host of the group only ({@code test aaa-server}). */
    public CompletionStage<AuthOutcome> test(final InetAddress address, final AuthRequest request)
    {
        return submit(request, address, false);
    }

    /**
     * Changes the password of {@code request}'s user (its password is the old one) to {@code newPassword}, then
     * logs in with it: Accepted, Rejected (old password wrong, new one refused), Unavailable.
     */
    public CompletionStage<AuthOutcome> changePassword(final AuthRequest request, final String newPassword)
    {
        return submit(request, null, false, newPassword);
    }

    /**
     * Looks a user up without their password ({@code authorization-server-group}): Accepted with the mapped
     * group-policy, Rejected when the directory has no such user, Unavailable when no server answers.
     */
    public CompletionStage<AuthOutcome> authorize(final String username)
    {
        return submit(AuthRequest.first(username, "", null, AuthRequest.Purpose.VPN), null, true);
    }

    private CompletionStage<AuthOutcome> submit(final AuthRequest request, final InetAddress only,
        final boolean lookupOnly)
    {
        return submit(request, only, lookupOnly, null);
    }

    private CompletionStage<AuthOutcome> submit(final AuthRequest request, final InetAddress only,
        final boolean lookupOnly, final String newPassword)
    {
        final LoginTask task = new LoginTask(request, only, lookupOnly, newPassword);
        try
        {
            executor.execute(task);
        }
        catch (final RejectedExecutionException ex)
        {
            task.answer.complete(executor.isShutdown() ? removed()
                : new AuthOutcome.Rejected("too many logins in progress"));
        }
        return task.answer;
    }

    private AuthOutcome removed()
    {
        return new AuthOutcome.Unavailable("aaa-server " + groupName + " was removed");
    }

    /** One login waiting for or running on the pool. */
    private final class LoginTask implements Runnable
    {
        private final AuthRequest request;
        private final InetAddress only;
        private final boolean lookupOnly;
        /** The password to change to, or null for a login. */
        private final String newPassword;
        private final CompletableFuture<AuthOutcome> answer = new CompletableFuture<>();

        private LoginTask(final AuthRequest request, final InetAddress only, final boolean lookupOnly,
            final String newPassword)
        {
            this.request = request;
            this.only = only;
            this.lookupOnly = lookupOnly;
            this.newPassword = newPassword;
        }

        @Override
        public void run()
        {
            try
            {
                answer.complete(login(request, only, lookupOnly, newPassword));
            }
            catch (final RuntimeException ex)
            {
                LOG.error("aaa-server {}: the LDAP login failed unexpectedly", groupName, ex);
                answer.complete(new AuthOutcome.Unavailable("aaa-server " + groupName + " failed: " + ex));
            }
        }
    }

    private AuthOutcome login(final AuthRequest request, final InetAddress only, final boolean lookupOnly,
        final String newPassword)
    {
        if (!lookupOnly && request.password().isEmpty())
        {
            // an LDAP simple bind with a DN and no password is an anonymous bind, which "succeeds"
            return new AuthOutcome.Rejected("empty password");
        }
        if (newPassword != null && newPassword.isEmpty())
        {
            return new AuthOutcome.Rejected("empty new password", "The new password may not be empty.");
        }
        final List<HostState> tried = new ArrayList<>();
        while (true)
        {
            final HostState host = pick(tried, only);
            if (host == null)
            {
                return new AuthOutcome.Unavailable("no server of aaa-server " + groupName + " is available");
            }
            tried.add(host);
            final AaaServerHost config;
            synchronized (this)
            {
                host.requests++;
                config = host.host;
            }
            try
            {
                final LdapAttributeMap map = config.ldap().attributeMap() == null ? null
                    : this.config.get().ldapAttributeMaps().get(config.ldap().attributeMap());
                final AuthOutcome outcome = lookupOnly
                    ? LdapLogin.lookup(config, tls(host, config), map, request.username(), groupName)
                    : newPassword != null
                        ? LdapLogin.change(config, tls(host, config), map, request, newPassword, groupName)
                        : LdapLogin.attempt(config, tls(host, config), map, request, groupName);
                answered(host, outcome);
                return outcome;
            }
            catch (final LdapLogin.HostFailure ex)
            {
                failed(host, ex.getMessage());
            }
        }
    }

    private SSLContext tls(final HostState state, final AaaServerHost host) throws LdapLogin.HostFailure
    {
        final LdapHostSettings ldap = host.ldap();
        if (ldap.transport() == LdapHostSettings.Transport.PLAIN)
        {
            return null;
        }
        try
        {
            final List<Path> files = trustedCaFiles(ldap);
            final StringBuilder sources = new StringBuilder("default");
            for (final Path file : files)
            {
                sources.append(' ').append(file).append('@').append(Files.getLastModifiedTime(file));
            }
            final String source = sources.toString();
            synchronized (this)
            {
                if (state.tls != null && source.equals(state.tlsSource))
                {
                    return state.tls;
                }
            }
            final SSLContext context = LdapTrust.context(files);
            synchronized (this)
            {
                state.tls = context;
                state.tlsSource = source;
            }
            return context;
        }
        catch (final IOException | GeneralSecurityException | IllegalArgumentException ex)
        {
            throw new LdapLogin.HostFailure((ldap.trustedCaFile() != null ? "ldap-trusted-ca "
                + ldap.trustedCaFile() : "the CA certificates of the validation-usage ssl-server trustpoints")
                + " cannot be used: " + ex, ex);
        }
    }

    /**
     * The CA files the host's certificate must chain to: the ASA way, those of every {@code crypto ca trustpoint}
     * with {@code validation-usage ssl-server}; the older {@code ldap-trusted-ca} file when the host still names one.
     * Empty: the JDK's default trust store.
     */
    private List<Path> trustedCaFiles(final LdapHostSettings ldap)
    {
        if (ldap.trustedCaFile() != null)
        {
            return List.of(flash.apply(ldap.trustedCaFile()));
        }
        final List<Path> files = new java.util.ArrayList<>();
        for (final Trustpoint trustpoint : config.get().trustpoints().values())
        {
            if (trustpoint.validatesServers() && trustpoint.caCertificate() != null)
            {
                files.add(flash.apply(trustpoint.caCertificate()));
            }
        }
        return files;
    }

    private synchronized HostState pick(final List<HostState> tried, final InetAddress only)
    {
        final long now = nanoClock.getAsLong();
        ServerHealth.reactivate(hosts.values(), group, now);
        for (final AaaServerHost host : group.hosts())
        {
            final HostState state = hosts.get(key(host));
            if (only != null ? host.address().equals(only) && tried.isEmpty()
                : !state.failed() && !tried.contains(state) && host.ldap() != null)
            {
                return state;
            }
        }
        return null;
    }

    private synchronized void answered(final HostState host, final AuthOutcome outcome)
    {
        host.answered();
        if (outcome instanceof AuthOutcome.Accepted)
        {
            host.accepts++;
        }
        else
        {
            host.rejects++;
        }
    }

    /** @param why printable and bounded ({@link LdapLogin#describe}), without secrets */
    private synchronized void failed(final HostState host, final String why)
    {
        host.failures++;
        final String address = host.host.address().getHostAddress();
        if (host.failure(group.maxFailedAttempts(), nanoClock.getAsLong()))
        {
            LOG.warn("aaa-server {} host {} failed after {} unanswered logins in a row: {}", groupName, address,
                host.consecutiveFailures(), why);
        }
        else
        {
            LOG.warn("aaa-server {} host {} could not answer: {}", groupName, address, why);
        }
    }

    private static String key(final AaaServerHost host)
    {
        return host.address().getHostAddress();
    }

    /** Stops the group's threads; logins still waiting are answered Unavailable. */
    @Override
    public void close()
    {
        for (final Runnable waiting : executor.shutdownNow())
        {
            ((LoginTask)waiting).answer.complete(removed());
        }
    }
}
