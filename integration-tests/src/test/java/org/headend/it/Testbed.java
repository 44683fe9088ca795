package org.headend.it;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * One appliance in its namespaces, shared by the tests of a class: the network, the running headend, and every
 * openconnect client the tests made (all closed by {@link #close()}, which runs from @AfterAll even after
 * failures).
 */
public final class Testbed implements AutoCloseable
{
    private final Netns net;
    private final ApplianceConfig config;
    private HeadendProcess headend;
    /** Tests may make clients from several threads at once. */
    private final List<OpenconnectClient> clients = new CopyOnWriteArrayList<>();
    /** Servers the tests started in these namespaces (RADIUS, LDAP), closed first, last started first. */
    private final List<AutoCloseable> servers = new CopyOnWriteArrayList<>();

    private Testbed(final Netns net, final ApplianceConfig config)
    {
        this.net = net;
        this.config = config;
    }

    /** Namespaces for clientCount clients and an appliance on the default test config, changed by tweak. */
    public static Testbed start(final int clientCount, final Consumer<ApplianceConfig> tweak)
    {
        return start(clientCount, false, tweak);
    }

    /** As {@link #start(int, Consumer)}, with an inside host behind the server when insideHost (see {@link Netns}). */
    public static Testbed start(final int clientCount, final boolean insideHost, final Consumer<ApplianceConfig> tweak)
    {
        final Netns net = Netns.create(clientCount, insideHost, true);
        final ApplianceConfig config = ApplianceConfig.forNetwork(net);
        tweak.accept(config);
        final Testbed bed = new Testbed(net, config);
        try
        {
            bed.headend = HeadendProcess.start(net, config);
        }
        catch (final RuntimeException | AssertionError ex)
        {
            bed.close();
            throw ex;
        }
        return bed;
    }

    public static Testbed start(final int clientCount)
    {
        return start(clientCount, c -> { });
    }

    public Netns net()
    {
        return net;
    }

    public ApplianceConfig config()
    {
        return config;
    }

    public HeadendProcess headend()
    {
        return headend;
    }

    /**
     * Stops the appliance with SIGTERM and starts it again on the same startup-config and state directory
     * (clients are closed first); waits until it is ready.
     */
    public HeadendProcess restartHeadend()
    {
        stopHeadend();
        return startHeadendAgain();
    }

    /** Closes the clients and stops the appliance with SIGTERM; returns its exit code. */
    public int stopHeadend()
    {
        closeClients();
        final Integer code = headend.terminate(Duration.ofSeconds(30));
        if (code == null)
        {
            throw new AssertionError("the appliance did not stop within 30 s of SIGTERM");
        }
        return code;
    }

    /**
     * Starts the appliance again, after it stopped or was killed, on the same startup-config and state directory;
     * waits until it is ready.
     */
    public HeadendProcess startHeadendAgain()
    {
        headend = HeadendProcess.relaunch(net, headend.configFile());
        headend.awaitReady();
        return headend;
    }

    /** A new (not yet started) openconnect for user in client namespace n, TLS only, plus extra options. */
    public OpenconnectClient client(final int n, final String user, final String... extraArgs)
    {
        final OpenconnectClient client = new OpenconnectClient(net.client(n), headend.url(), headend.pin(), user,
            false, List.of(extraArgs));
        clients.add(client);
        return client;
    }

    /** A new (not yet started) openconnect for user in client namespace n with DTLS allowed, plus extra options. */
    public OpenconnectClient dtlsClient(final int n, final String user, final String... extraArgs)
    {
        final OpenconnectClient client = new OpenconnectClient(net.client(n), headend.url(), headend.pin(), user,
            true, List.of(extraArgs));
        clients.add(client);
        return client;
    }

    /** Connects user with a password in client namespace n and waits for the tunnel; returns the client. */
    public OpenconnectClient connect(final int n, final String user, final String password)
    {
        final OpenconnectClient client = client(n, user).startWithPassword(password);
        client.awaitConfigured(Duration.ofSeconds(30));
        return client;
    }

    /**
     * Has {@link #close()} stop {@code server} (one the test started in this bed's namespaces) before anything of the
     * bed, so that a test class's @AfterAll need only close the bed.
     */
    public <T extends AutoCloseable> T own(final T server)
    {
        servers.addFirst(server);
        return server;
    }

    /** Stops every client started so far (the appliance keeps running). */
    public void closeClients()
    {
        for (final OpenconnectClient c : clients)
        {
            c.close();
        }
        clients.clear();
    }

    @Override
    public void close()
    {
        for (final AutoCloseable server : servers)
        {
            try
            {
                server.close();
            }
            catch (final RuntimeException ex)
            {
                throw ex;
            }
            catch (final Exception ex)
            {
                throw new IllegalStateException("closing " + server, ex);
            }
        }
        closeClients();
        if (headend != null)
        {
            headend.close();
        }
        net.close();
    }
}
