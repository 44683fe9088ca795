package org.headend.control.ssh;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.auth.AsyncAuthException;
import org.apache.sshd.server.session.ServerSession;
import org.headend.control.LogText;
import org.headend.control.auth.AuthOutcome;
import org.headend.control.auth.AuthRequest;
import org.headend.control.auth.Logins;
import org.headend.control.cli.CliContext;
import org.headend.control.cli.LoginGuard;
import org.headend.control.config.HeadendConfig;
import org.headend.control.config.InterfaceConfig;
import org.headend.control.config.ManagementConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SSH server of the management CLI (Apache MINA SSHD), configured the ASA way and following the configuration
 * live:
 * <ul>
 * <li>it listens on port 22 of every interface named by an {@code ssh A.B.C.D M.M.M.M NAMEIF} line (one listener
 * per address, so adding or removing an interface never drops the sessions on another);</li>
 * <li>a connection is closed at once unless an {@code ssh} line of the interface it arrived on allows its source,
 * or when {@link #MAX_SESSIONS} sessions are already open (the ASA's limit);</li>
 * <li>logins need {@code aaa authentication ssh console GROUP [LOCAL]}: a local user whose password matches and
 * whose {@code service-type} is not {@code remote-access}, or a user the RADIUS group accepts (the local users while
 * its servers are down, with LOCAL), by password or keyboard-interactive — the latter also shows a server's
 * question ({@link SshPrompts}); three tries per connection; failures are counted per user ({@code show aaa
 * local user}, lockout with {@code aaa local authentication attempts max-fail}) and in the appliance's one login
 * limiter per user and address, logged (user names escaped) and audited;</li>
 * <li>{@code ssh timeout} minutes of silence close a session;</li>
 * <li>the host key is generated once and kept in the state directory.</li>
 * </ul>
 */
public final class SshCliServer implements AutoCloseable
{
    /** System property: the TCP port (default 22), for hosts where another sshd owns port 22. */
    public static final String PORT_PROP_NAME = "headend.ssh.port";
    public static final int PORT_DEFAULT = 22;
    public static final String HOST_KEY_FILE = "ssh_host_key";
    /** Concurrent SSH sessions, as the ASA allows. */
    static final int MAX_SESSIONS = 5;
    /** Password tries per connection, as the ASA gives. */
    static final int MAX_AUTH_TRIES = 3;
    private static final Logger LOG = LoggerFactory.getLogger(SshCliServer.class);

    private final CliContext context;
    private final Path hostKey;
    private final int port;
    /** Applies configuration changes off the committing thread, one at a time. */
    private final ExecutorService applier = Executors.newSingleThreadExecutor(r ->
    {
        final Thread thread = new Thread(r, "ssh-config");
        thread.setDaemon(true);
        return thread;
    });
    /** Listening address → its server. Touched only by the applier thread (and close). */
    private final Map<String, SshServer> servers = new HashMap<>();
    private volatile boolean closed;

    private SshCliServer(final CliContext context, final Path hostKey, final int port)
    {
        this.context = context;
        this.hostKey = hostKey;
        this.port = port;
    }

    /**
     * Starts following the configuration: listeners come and go with the {@code ssh} lines.
     *
     * @param stateDir where the host key is kept
     */
    public static SshCliServer start(final CliContext context, final Path stateDir)
    {
        final SshCliServer server = new SshCliServer(context, stateDir.resolve(HOST_KEY_FILE),
            Integer.getInteger(PORT_PROP_NAME, PORT_DEFAULT));
        context.config().addListener(updated -> server.applier.execute(() -> server.apply(updated)));
        // the first listeners are up before the appliance says it is ready (its console prompt)
        try
        {
            server.applier.submit(() -> server.apply(context.config().current())).get(30, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        catch (final java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ex)
        {
            LOG.error("the SSH console did not start: {}", ex.toString());
        }
        return server;
    }

    /** Waits until the configuration seen so far is applied (tests). */
    public void awaitApplied() throws InterruptedException
    {
        final var marker = applier.submit(() -> { });
        try
        {
            marker.get(10, TimeUnit.SECONDS);
        }
        catch (final java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /** The addresses listened on now. */
    public Set<String> listening() throws InterruptedException
    {
        awaitApplied();
        try
        {
            return applier.submit(() -> Set.copyOf(servers.keySet())).get();
        }
        catch (final java.util.concurrent.ExecutionException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private void apply(final HeadendConfig config)
    {
        if (closed)
        {
            return;
        }
        final Set<String> wanted = new LinkedHashSet<>();
        final ManagementConfig management = config.management();
        for (final var access : management.sshAccess())
        {
            final Optional<InterfaceConfig> iface = config.interfaceByNameif(access.nameif());
            if (iface.isPresent() && iface.get().address() != null)
            {
                wanted.add(iface.get().address().getHostAddress());
            }
            else
            {
                LOG.warn("ssh access on '{}': no interface with that nameif and an ip address", access.nameif());
            }
        }
        for (final String address : Set.copyOf(servers.keySet()))
        {
            if (!wanted.contains(address))
            {
                stop(address, servers.remove(address));
            }
        }
        for (final String address : wanted)
        {
            if (!servers.containsKey(address))
            {
                final SshServer server = startOn(address);
                if (server != null)
                {
                    servers.put(address, server);
                }
            }
        }
        final Duration idle = Duration.ofMinutes(management.sshTimeoutMinutes());
        for (final SshServer server : servers.values())
        {
            CoreModuleProperties.IDLE_TIMEOUT.set(server, idle);
        }
    }

    private SshServer startOn(final String address)
    {
        final SshServer server = SshServer.setUpDefaultServer();
        server.setHost(address);
        server.setPort(port);
        final SimpleGeneratorHostKeyProvider keys = new SimpleGeneratorHostKeyProvider(hostKey);
        server.setKeyPairProvider(keys);
        server.setPasswordAuthenticator((user, password, session) -> authenticate(user, password, null, session));
        server.setPublickeyAuthenticator(null);
        server.setKeyboardInteractiveAuthenticator(new SshPrompts(this::authenticate));
        server.setHostBasedAuthenticator(null);
        server.setShellFactory(channel -> new SshShell(context));
        // exec requests: only SCP uploads to disk0: (ssh scopy enable); anything else is refused
        server.setCommandFactory((channel, line) ->
        {
            final org.apache.sshd.server.command.Command scp = ScpUpload.parse(context, line);
            if (scp == null)
            {
                throw new IOException("only scp uploads to disk0: are accepted as commands");
            }
            return scp;
        });
        CoreModuleProperties.MAX_AUTH_REQUESTS.set(server, MAX_AUTH_TRIES);
        CoreModuleProperties.AUTH_TIMEOUT.set(server, Duration.ofSeconds(60));
        CoreModuleProperties.IDLE_TIMEOUT.set(server,
            Duration.ofMinutes(context.config().current().management().sshTimeoutMinutes()));
        server.addSessionListener(new SessionListener()
        {
            @Override
            public void sessionCreated(final Session session)
            {
                admit(session);
            }
        });
        try
        {
            server.start();
            keys.loadKeys(null);
            if (Files.exists(hostKey))
            {
                Files.setPosixFilePermissions(hostKey, PosixFilePermissions.fromString("rw-------"));
            }
            LOG.info("SSH console listening on {}:{}", address, port);
            return server;
        }
        catch (final IOException | RuntimeException ex)
        {
            LOG.error("cannot start the SSH console on {}:{}: {}", address, port, ex.toString());
            stop(address, server);
            return null;
        }
    }

    /** Closes a new connection that no {@code ssh} line allows, or one too many. */
    private void admit(final Session session)
    {
        final HeadendConfig config = context.config().current();
        final String from = SshShell.describe(session.getRemoteAddress());
        if (!permitted(config, session))
        {
            LOG.warn("SSH connection from {} refused: no ssh line allows it", from);
            context.services().audit().record("-", "ssh " + from, "exec", "(connect)", "denied: not allowed by ssh");
            session.close(true);
            return;
        }
        final long open = servers.values().stream().mapToLong(s -> s.getActiveSessions().size()).sum();
        if (open > MAX_SESSIONS)
        {
            LOG.warn("SSH connection from {} refused: {} sessions already open", from, MAX_SESSIONS);
            session.close(true);
        }
    }

    private static boolean permitted(final HeadendConfig config, final Session session)
    {
        if (!(session.getRemoteAddress() instanceof InetSocketAddress remote)
            || !(remote.getAddress() instanceof Inet4Address client)
            || !(session.getLocalAddress() instanceof InetSocketAddress local))
        {
            return false;
        }
        for (final InterfaceConfig iface : config.interfaces())
        {
            if (iface.nameif() != null && local.getAddress().equals(iface.address())
                && config.management().sshPermits(client, iface.nameif()))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Checks an SSH login with the server group of {@code aaa authentication ssh console}: a local answer comes at
     * once; a RADIUS one later, through MINA's asynchronous authentication, so no SSH thread waits on a server.
     */
    private boolean authenticate(final String user, final String password, final byte[] state,
        final ServerSession session)
    {
        final HeadendConfig config = context.config().current();
        final String from = SshShell.describe(session.getRemoteAddress());
        final String address = session.getRemoteAddress() instanceof InetSocketAddress inet
            ? inet.getAddress().getHostAddress() : from;
        final LoginGuard guard = context.services().logins();
        final long now = context.services().nanoClock().getAsLong();
        final String shownUser = LogText.escape(user);
        final ManagementConfig management = config.management();
        if (!management.sshAuthLocal())
        {
            LOG.warn("SSH login of {} from {} refused: aaa authentication ssh console is not configured",
                shownUser, from);
            return false;
        }
        if (!permitted(config, session))
        {
            return false;
        }
        if (!guard.allows(user, address, now))
        {
            LOG.warn("SSH login of {} from {} refused: locked out after failed attempts", shownUser, from);
            context.services().audit().record(shownUser, "ssh " + from, "exec", "(login)", "denied: locked out");
            guard.onFailure(user, config.user(user).isPresent(), address, now, management.maxFailedAttempts());
            return false;
        }
        final Logins logins = context.services().authn() != null ? context.services().authn()
            : new Logins(context.config()::current, guard.limiter(), context.services().nanoClock());
        final CompletableFuture<Boolean> decided = logins.login(management.sshAuthServerGroup(),
                management.sshAuthFallbackLocal(),
                new AuthRequest(user, password, address, state, AuthRequest.Purpose.MANAGEMENT))
            .thenApply(outcome -> decided(outcome, user, from, shownUser, session))
            .toCompletableFuture();
        if (decided.isDone())
        {
            return decided.join();
        }
        final AsyncAuthException later = new AsyncAuthException();
        decided.whenComplete((ok, error) -> later.setAuthed(error == null && ok));
        throw later;
    }

    private boolean decided(final AuthOutcome outcome, final String user, final String from, final String shownUser,
        final ServerSession session)
    {
        final HeadendConfig config = context.config().current();
        final LoginGuard guard = context.services().logins();
        if (outcome instanceof AuthOutcome.Accepted accepted)
        {
            guard.onSuccess(user);
            LOG.info("SSH login of {} from {} (by {})", shownUser, from, accepted.backend());
            return true;
        }
        if (outcome instanceof AuthOutcome.Challenged challenged)
        {
            // not a failure: the next keyboard-interactive round shows the server's question
            SshPrompts.pending(session, user, challenged);
            LOG.info("SSH login of {} from {}: the server asks for another step", shownUser, from);
            return false;
        }
        guard.onRejected(user, config.user(user).isPresent(), config.management().maxFailedAttempts());
        LOG.warn("SSH login of {} from {} failed: bad credentials", shownUser, from);
        context.services().audit().record(shownUser, "ssh " + from, "exec", "(login)", "denied: bad credentials");
        return false;
    }

    private void stop(final String address, final SshServer server)
    {
        if (server == null)
        {
            return;
        }
        try
        {
            server.stop(true);
            LOG.info("SSH console on {}:{} stopped", address, port);
        }
        catch (final IOException ex)
        {
            LOG.warn("stopping the SSH console on {}: {}", address, ex.toString());
        }
    }

    @Override
    public void close()
    {
        closed = true;
        try
        {
            applier.submit(() ->
            {
                servers.forEach(this::stop);
                servers.clear();
            }).get(10, TimeUnit.SECONDS);
        }
        catch (final Exception ex)
        {
            LOG.warn("stopping the SSH console: {}", ex.toString());
        }
        applier.shutdownNow();
    }
}
