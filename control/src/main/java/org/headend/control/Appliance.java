package org.headend.control;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.headend.control.auth.AggregateAuth;
import org.headend.control.auth.DynamicAuthorization;
import org.headend.control.auth.FailedLoginLimiter;
import org.headend.control.auth.Logins;
import org.headend.control.auth.RadiusAccounting;
import org.headend.control.auth.LoginContexts;
import org.headend.control.config.ConfigStore;
import org.headend.control.config.HeadendConfig;
import org.headend.control.dtls.DtlsService;
import org.headend.control.auth.saml.SamlServiceProvider;
import org.headend.control.auth.saml.SsoLogins;
import org.headend.control.flash.FlashStore;
import org.headend.control.portal.ClientFiles;
import org.headend.control.portal.Portal;
import org.headend.control.portal.Translations;
import org.headend.control.http.HttpRedirectListeners;
import org.headend.control.http.HttpsListener;
import org.headend.control.inside.InsideInterface;
import org.headend.control.ops.ManagementServer;
import org.headend.control.ops.MetricsExporter;
import org.headend.control.ops.VpnEvents;
import org.headend.control.ops.VpnMetrics;
import org.headend.control.ops.syslog.Syslog;
import org.headend.control.session.AddressPools;
import org.headend.control.session.FileSessionStore;
import org.headend.control.session.SessionStore;
import org.headend.control.session.SessionManager;
import org.headend.control.tls.ClientCertificateValidator;
import org.headend.control.tls.ServerCertificates;
import org.headend.control.tls.ServerIdentity;
import org.headend.control.tunnel.TunnelGateway;
import org.headend.control.dhcp.DhcpAddresses;
import org.headend.control.dhcp.DhcpRelay;
import org.headend.crypto.AeadProvider;
import org.headend.dataplane.api.Dataplane;
import org.headend.dataplane.api.DataplaneCounter;
import org.headend.dataplane.api.DtlsSocket;
import org.headend.nativecfg.sched.ThreadNice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running appliance: every component, started in dependency order and stopped in reverse. Threads: the front
 * door's event loop (accept, TLS handshakes, HTTP), Netty's data plane event loops (tunnels' TLS and CSTP, DTLS),
 * one TUN agent per TUN queue, one control thread (auth, sessions, timers), the console.
 */
final class Appliance
{
    static final String IO_THREADS_PROP_NAME = "headend.io.threads";
    static final String TUN_QUEUES_PROP_NAME = "headend.tun.queues";
    /** {@code shared}, {@code dedicated} or {@code auto} (shared on up to 2 cores when io_uring is there). */
    static final String THREADING_PROP_NAME = "headend.threading";
    /** {@code false} turns the TUN's TSO/GRO offloads off (shared threading mode only). */
    static final String TUN_OFFLOAD_PROP_NAME = "headend.tun.offload";
    /** The MTU assumed when the interface of a local address cannot be found (e.g. a wildcard listener). */
    private static final int DEFAULT_OUTSIDE_MTU = 1500;
    /** How long a CONNECT waits for a DHCP server's ACK before the address comes from the pools (or none). */
    private static final java.time.Duration DHCP_ACQUIRE_TIMEOUT = java.time.Duration.ofSeconds(
        Long.getLong("headend.dhcp.acquireTimeoutSeconds", 12));
    /** Datagrams one receive buffer takes, each by its own RECVMSG; 1 turns batching off. */
    static final String UDP_RECV_BATCH_PROP_NAME = "headend.udp.recv.batch";
    /**
     * The DTLS and ESP ports' batch unless {@value #UDP_RECV_BATCH_PROP_NAME} says otherwise: adaptive, so a quiet
     * socket is still read one datagram at a time, while a flood is read 16 at a time and does not overflow the socket
     * (perf/README.md, DTLS flood and UDP receive batching; ESP receive path: batched like the DTLS port).
     */
    private static final int UDP_RECV_BATCH = 16;
    /** {@code false}: every DTLS receive takes the whole batch, not only while datagrams keep coming. */
    static final String UDP_RECV_ADAPTIVE_PROP_NAME = "headend.udp.recv.adaptive";
    private static final Logger LOG = LoggerFactory.getLogger(Appliance.class);
    /**
     * The stop's time for closing the tunnels: the control thread's backlog (a mass disconnect just before) and
     * then every connection's close. 10,000 tunnels close in well under it (see perf/README.md).
     */
    private static final java.time.Duration TUNNEL_CLOSE_BUDGET = java.time.Duration.ofSeconds(10);
    /** Nice value of the front door, control and every other thread that does not forward (0: the loops' priority). */
    static final String FRONT_DOOR_NICE_PROP_NAME = "headend.frontdoor.nice";
    static final int FRONT_DOOR_NICE = Integer.getInteger(FRONT_DOOR_NICE_PROP_NAME, 5);
    /**
     * Kernel names (the first 15 characters) of the threads that stay at nice 0: the data plane's event loops
     * (Netty's default name), the TUN agents, and the JVM's safepoint and GC threads.
     */
    private static final java.util.regex.Pattern FORWARDING_THREADS = java.util.regex.Pattern.compile(
        "multiThreadIoEv|tun-agent-|VM Thread|VM Periodic|GC Thread|G1 ");
    /** How often threads started since are lowered too. */
    private static final int PRIORITY_SWEEP_SECONDS = 10;

    private final ConfigStore config;
    private final ServerIdentity identity;
    private final ClientFiles clientFiles;
    private final FlashStore flash;
    private final Translations translations;
    private final java.nio.file.Path stateDir;
    private SessionStore sessionStore;
    private org.headend.control.cluster.EtcdClusterStore cluster;
    /** The cluster's virtual address, held while this member is the director; null outside a cluster. */
    private ClusterAddress clusterAddress;
    /** Logins (XML, password checks) run here: at the front door's priority, below forwarding's. */
    private final ScheduledExecutorService control = Executors.newSingleThreadScheduledExecutor(
        r -> platformThread(() ->
        {
            lowerPriority("control");
            r.run();
        }, "control"));
    private EventLoopGroup eventLoops;
    /**
     * The front door's own event loop: accepts, TLS handshakes, HTTP parsing and the login exchanges, so that none of
     * it ever delays the forwarding of an established tunnel; a connection moves to a tunnel loop after its CONNECT.
     */
    private EventLoopGroup frontDoor;
    private InsideInterface inside;
    private Dataplane dataplane;
    private SessionManager sessions;
    private WebvpnListeners listeners;
    private ServerCertificates certificates;
    private DtlsService dtls;
    /** RFC 5176 listeners of the {@code aaa-server} groups with {@code dynamic-authorization}. */
    private DynamicAuthorization dynamicAuthorization;
    private org.headend.control.ike.Ikev2Listener ike;
    private HttpRedirectListeners redirects;
    private DhcpRelay dhcpRelay;
    private ManagementServer management;
    private final VpnMetrics metrics = new VpnMetrics();
    private final Syslog syslog = new Syslog(Clock.systemUTC());
    /**
     * One virtual thread per DTLS handshake: BouncyCastle's handshake blocks while it waits for the client, and a
     * waiting handshake must not hold a thread another client's handshake needs (the UDP port bounds how many run).
     */
    private final ExecutorService handshakes = Executors.newThreadPerTaskExecutor(
        Thread.ofVirtual().name("dtls-handshake-", 0).factory());
    /** Client certificate checks (PKIX, CRL files): one thread of their own, off the event loops and control. */
    private final ExecutorService certificateChecks = Executors.newSingleThreadExecutor(
        r -> platformThread(r, "certificate-check"));
    private final OutsideAddresses outsideAddresses = new OutsideAddresses();
    private final Logins logins;

    /** @param stateDir where disk0: and the translation tables are kept */
    Appliance(final ConfigStore config, final ServerIdentity identity, final java.nio.file.Path stateDir)
        throws java.io.IOException
    {
        this.config = config;
        this.identity = identity;
        this.flash = FlashStore.inStateDir(stateDir);
        this.stateDir = stateDir;
        this.clientFiles = new ClientFiles(flash);
        this.translations = Translations.inStateDir(stateDir);
        this.sessionStore = FileSessionStore.inStateDir(stateDir, Clock.systemUTC());
        this.logins = new Logins(config::current, new FailedLoginLimiter(), System::nanoTime).flash(flash::resolve);
    }

    /** Starts everything; on failure, stops what was started and rethrows. */
    void start() throws Exception
    {
        try
        {
            final HeadendConfig cfg = config.current();
            final boolean uring = IoUring.isAvailable();
            final IoHandlerFactory io = uring ? IoUringIoHandler.newFactory() : NioIoHandler.newFactory();
            final Class<? extends ServerChannel> serverChannel =
                uring ? IoUringServerSocketChannel.class : NioServerSocketChannel.class;
            final Dataplane.ThreadingMode threading = threadingMode(uring);
            eventLoops = new MultiThreadIoEventLoopGroup(threading == Dataplane.ThreadingMode.SHARED ? 1
                : Integer.getInteger(IO_THREADS_PROP_NAME, Math.max(1, Runtime.getRuntime().availableProcessors() / 2)),
                io);
            // a thread inherits the nice value of the thread that starts it, and Netty starts a loop's thread at its
            // first task: started here, by main at nice 0, a forwarding loop never inherits control's nice 5
            eventLoops.forEach(loop -> loop.execute(() -> { }));
            frontDoor = new MultiThreadIoEventLoopGroup(1, frontDoorThreads(), io);
            final boolean shared = threading == Dataplane.ThreadingMode.SHARED;
            inside = InsideInterface.open(cfg, shared ? 1 : Integer.getInteger(TUN_QUEUES_PROP_NAME, 1),
                shared && Boolean.parseBoolean(System.getProperty(TUN_OFFLOAD_PROP_NAME, "true")));
            if (threading == Dataplane.ThreadingMode.SHARED)
            {
                dataplane = Dataplane.startShared(inside.queues().getFirst(), (IoEventLoop)eventLoops.next());
            }
            else
            {
                final List<EventExecutor> loops = new ArrayList<>();
                eventLoops.forEach(loops::add);
                dataplane = Dataplane.start(inside.queues(), loops, ex -> LOG.error("data plane agent error", ex));
            }
            LOG.info("network I/O: {}; threading {}: {} event loop(s){}", uring ? "io_uring" : "NIO (io_uring unavailable)",
                threading.name().toLowerCase(java.util.Locale.ROOT), count(eventLoops),
                threading == Dataplane.ThreadingMode.SHARED ? " also driving the TUN queue" : " and TUN agent thread(s)");

            final AddressPools pools = new AddressPools(inside.address() == 0 ? Set.of() : Set.of(inside.address()),
                inside.address6() == null ? Set.of() : Set.of(inside.address6()));
            pools.configure(cfg.pools());
            pools.configure6(cfg.ipv6Pools());
            final AeadProvider aead = AeadProvider.fromSystemProperties();
            LOG.info("DTLS record crypto: {}", aead.description());
            LOG.info("DTLS sends: {}", uring && IoUringDatagramChannel.isSegmentedDatagramPacketSupported()
                ? "UDP GSO, one send per batch of equal-sized records" : "one datagram per send");
            final boolean gso = uring && IoUringDatagramChannel.isSegmentedDatagramPacketSupported();
            // the IPv4 and IPv6 sockets share the port's tables: one event loop for both
            dtls = new DtlsService(control, handshakes, dataplane, new DtlsSocket.Options(eventLoops.next(), uring,
                Integer.getInteger(UDP_RECV_BATCH_PROP_NAME, UDP_RECV_BATCH), gso,
                !"false".equals(System.getProperty(UDP_RECV_ADAPTIVE_PROP_NAME))), aead::create);
            if (cfg.globals().loadBalancing().active())
            {
                // a cluster member keeps its sessions in the cluster, where any member can take them over
                cluster = org.headend.control.cluster.ClusterMembership.join(cfg.globals().loadBalancing(),
                    cfg.hostname(), memberAddress(cfg), cfg.webvpn().port(), cfg.trustpoints(), flash::resolve,
                    control, stateDir);
                sessionStore.close();
                sessionStore = cluster;
            }
            sessions = new SessionManager(control, dataplane, pools, dtls,
                (group, user) -> config.current().effectivePolicy(group, user), System::nanoTime, Clock.systemUTC(),
                sessionStore);
            syslog.configure(cfg.operations().logging());
            final RadiusAccounting accounting = new RadiusAccounting(config::current, logins, System::nanoTime)
                .views(sessions::view);
            final VpnEvents events = VpnEvents.all(List.of(metrics, syslog, accounting));
            sessions.events(events);
            sessions.sessionLimit(() -> config.current().globals().sessionLimit());
            sessions.assignedPolicies((group, user, assigned) -> config.current().effectivePolicy(group, user,
                assigned));
            // an AAA server's Framed-IP-Address outside the pools gets its host route when leased, loses it after
            sessions.onFixedLeasesChanged(() ->
            {
                try
                {
                    inside.routePools(config.current(), pools.fixedLeased());
                }
                catch (final RuntimeException ex)
                {
                    LOG.warn("host routes of fixed addresses not updated: {}", ex.toString());
                }
            });
            dtls.onUp(sessions::onDtlsUp);
            // before any listener opens: a client reconnecting with its cookie finds its session
            control.submit(sessions::restore).get(30, TimeUnit.SECONDS);
            // restored sessions may hold fixed addresses the configuration no longer names
            control.submit(() -> inside.routePools(cfg, pools.fixedLeased())).get(30, TimeUnit.SECONDS);
            logins.apply(cfg);
            certificates = new ServerCertificates(identity, flash::resolve);
            final AggregateAuth auth = new AggregateAuth(config::current, sessions, new LoginContexts(), logins,
                certificates::sha1Hex, System::nanoTime, control).delivery(clientFiles).events(events)
                .certificates(new ClientCertificateValidator(flash, certificateChecks, Clock.systemUTC()));
            auth.accounting(accounting);
            sessions.onEnd(accounting::stop);
            dynamicAuthorization = new DynamicAuthorization(config::current, sessions, accounting, control,
                System::nanoTime, null);
            dynamicAuthorization.apply(cfg);
            clientFiles.apply(cfg);
            dhcpRelay = new DhcpRelay(control, DhcpRelay.SERVER_PORT, DhcpRelay.SERVER_PORT, DHCP_ACQUIRE_TIMEOUT,
                System::nanoTime);
            inside.dhcpScopes(cfg);
            final DhcpAddresses dhcpAddresses = new DhcpAddresses(sessions, dhcpRelay);
            // before any listener opens: a restored session's client gets its DHCP address once the server confirms
            control.submit(() -> dhcpAddresses.confirmRestored(cfg)).get(30, TimeUnit.SECONDS);
            final TunnelGateway gateway = new TunnelGateway(config::current, sessions, dataplane, dtls, control,
                Appliance::interfaceMtu, cfg.hostname()).onKeyUpdate(metrics::keyUpdateSent)
                .dhcp(dhcpAddresses);
            if (cluster != null)
            {
                final SessionManager table = sessions;
                cluster.onLost(table::lost);
                gateway.cluster(new org.headend.control.cluster.ClusterSessions(cluster, table, control));
                logins.sharedLockout(org.headend.control.cluster.ClusterMembership.lockout(cluster));
                control.scheduleWithFixedDelay(() -> cluster.load(table.count(),
                    config.current().globals().sessionLimit()), 0, 1, TimeUnit.SECONDS);
            }
            // SAML responses are checked beside client certificates, off the control thread
            final SsoLogins sso = new SsoLogins(new SamlServiceProvider<>(config::current, flash::resolve,
                Clock.systemUTC()), certificateChecks, control, System::nanoTime);
            auth.sso(sso);
            final Portal portal = new Portal(config::current, auth, sessions, clientFiles, translations,
                System::nanoTime);
            sso.portal(portal::samlLoggedIn).sessions(sessions);
            portal.singleLogout(sso::logoutRedirect);
            final RequestRouter router = new RequestRouter(auth, gateway, sessions, portal, sso);
            if (cluster != null)
            {
                // as on the ASA, only logins addressed to the cluster address move; a member's own address serves
                router.director(host -> org.headend.control.cluster.ClusterMembership.toClusterAddress(host,
                    config.current().globals().loadBalancing()) ? cluster.redirectTarget() : null);
            }
            redirects = new HttpRedirectListeners(frontDoor, serverChannel, config::current);
            config.addListener(updated ->
            {
                // on the committing thread, so that the operator's next command (show webvpn anyconnect) sees
                // the packages just configured; the rest follows on the control thread
                clientFiles.apply(updated);
                logins.apply(updated);
                dynamicAuthorization.apply(updated);
                syslog.configure(updated.operations().logging());
                if (cluster != null)
                {
                    org.headend.control.cluster.ClusterMembership.apply(cluster, cfg.globals().loadBalancing(),
                        updated.globals().loadBalancing());
                }
                control.execute(() ->
                {
                    // first: it never throws, so a refused pool route cannot keep the ipv6 route lines from applying
                    inside.routeIpv6(updated);
                    sessions.policiesChanged(); // never throws either: the sessions' timers follow the new policies
                    pools.configure(updated.pools());
                    pools.configure6(updated.ipv6Pools());
                    inside.routePools(updated, pools.fixedLeased());
                    inside.dhcpScopes(updated);
                    redirects.apply(updated);
                    if (management != null)
                    {
                        management.apply(updated);
                    }
                });
            });
            config.addVeto(updated -> onControl(() -> leasedPoolRemoved(pools, updated)));
            control.scheduleWithFixedDelay(sessions::expire, SessionManager.SWEEP_PERIOD_SECONDS,
                SessionManager.SWEEP_PERIOD_SECONDS, TimeUnit.SECONDS);
            control.scheduleWithFixedDelay(() -> accounting.periodic(sessions::view), RadiusAccounting.TICK_SECONDS,
                RadiusAccounting.TICK_SECONDS, TimeUnit.SECONDS);

            listeners = new WebvpnListeners(frontDoor, serverChannel, dtls, certificates, outsideAddresses,
                () -> config.current().wantsClientCertificates(),
                (channel, nameif, tls, ask) -> HttpsListener.setUp(channel, nameif, tls, ask, control, router::route));
            final String listening = listeners.start(cfg);
            if (listening != null)
            {
                throw new IllegalStateException(listening);
            }
            // last of the checks: it opens the new listeners, and the change is committed once it passes
            config.addFinalVeto(listeners::apply);
            if (cluster != null)
            {
                clusterAddress = new ClusterAddress(cluster, config::current, listeners);
                clusterAddress.start();
            }
            // IKEv2 beside the SSL VPN: UDP 500 here, 4500 (IKE and ESP) on a data-plane event loop; live like the
            // webvpn listeners (crypto ikev2 enable / no crypto ikev2 enable)
            ike = new org.headend.control.ike.Ikev2Listener(control, sessions, config::current,
                sink -> dataplane.openEsp(new org.headend.dataplane.api.EspSocket.Options(eventLoops.next(), uring,
                    Integer.getInteger(UDP_RECV_BATCH_PROP_NAME, UDP_RECV_BATCH), gso), sink, aead::create),
                c -> c.interfaceByNameif(c.globals().ikev2Interface())
                    .map(org.headend.control.config.InterfaceConfig::address)
                    .map(java.net.InetAddress.class::cast).orElseGet(() -> memberAddress(c)),
                identity.key(), identity.certificate(), flash::resolve, logins);
            // as the TLS trustpoints at start: a file that cannot be read keeps IKEv2 off, not the appliance down
            final String ikeRefused = ike.apply(cfg);
            if (ikeRefused != null)
            {
                LOG.error("IKEv2 is off: {}", ikeRefused);
            }
            config.addVeto(ike::check);
            config.addFinalVeto(ike::apply);
            redirects.apply(cfg);
            final MetricsExporter exporter = new MetricsExporter(dataplane.counters(), sessions, metrics,
                () -> logins.limiter().lockedAddresses(System.nanoTime()));
            management = new ManagementServer(frontDoor, serverChannel, certificates::context, config::current,
                exporter::scrape);
            management.apply(cfg);
            control.scheduleWithFixedDelay(Appliance::lowerNonForwardingThreads, 0, PRIORITY_SWEEP_SECONDS,
                TimeUnit.SECONDS);
        }
        catch (final Exception | Error ex)
        {
            stop();
            throw ex;
        }
    }

    private String onControl(final java.util.concurrent.Callable<String> check)
    {
        try
        {
            return control.submit(check).get(10, TimeUnit.SECONDS);
        }
        catch (final Exception ex)
        {
            return "the change could not be checked against live sessions: " + ex;
        }
    }

    private static Dataplane.ThreadingMode threadingMode(final boolean uring)
    {
        final String wanted = System.getProperty(THREADING_PROP_NAME, "auto");
        return switch (wanted)
        {
            case "shared" ->
            {
                if (!uring)
                {
                    throw new IllegalStateException(THREADING_PROP_NAME + "=shared needs io_uring, which is unavailable");
                }
                yield Dataplane.ThreadingMode.SHARED;
            }
            case "dedicated" -> Dataplane.ThreadingMode.DEDICATED;
            case "auto" -> uring && Runtime.getRuntime().availableProcessors() <= 2
                ? Dataplane.ThreadingMode.SHARED : Dataplane.ThreadingMode.DEDICATED;
            default -> throw new IllegalStateException(THREADING_PROP_NAME + " must be shared, dedicated or auto");
        };
    }

    /**
     * The front door's thread, at nice 5 unless {@value #FRONT_DOOR_NICE_PROP_NAME} says otherwise (as the control
     * thread, which runs the logins): when TLS handshakes, HTTP parsing and password checks compete with forwarding
     * for a busy CPU (2 cores, {@code shared} mode), the scheduler favours the tunnel loops about 3 to 1.
     */
    private static java.util.concurrent.ThreadFactory frontDoorThreads()
    {
        final java.util.concurrent.ThreadFactory netty = new DefaultThreadFactory("front-door", true);
        return task -> netty.newThread(() ->
        {
            lowerPriority("front door");
            task.run();
        });
    }

    /**
     * Every thread but the forwarding ones to the front door's nice value: the JIT compilers (the appliance's largest
     * CPU user while hostile clients ran in {@code IsolationIT}: they compile the handshake and parsing code the
     * floods exercise), the DTLS handshakes' carrier threads, the CLI, SSH, RADIUS, LDAP, metrics and syslog threads,
     * whichever thread started them. Kept at 0: the data plane's event loops and TUN agents, and the JVM's
     * safepoint and GC threads (every thread, forwarding ones too, waits for them in a pause). A sweep, repeated,
     * as libraries start threads from threads at nice 0 (MINA's, the virtual threads' carriers) and a thread
     * cannot be handed back a higher priority once lowered (that needs CAP_SYS_NICE, which the appliance drops).
     */
    private static void lowerNonForwardingThreads()
    {
        ThreadNice.lowerThreads(name -> !FORWARDING_THREADS.matcher(name).lookingAt(), FRONT_DOOR_NICE);
    }

    private static void lowerPriority(final String what)
    {
        final String error = ThreadNice.setForCurrentThread(FRONT_DOOR_NICE);
        if (error != null)
        {
            LOG.warn("the {} runs at the tunnels' priority: {}", what, error);
        }
    }

    /** Refuses to delete a pool while sessions hold addresses from it (bad-inputs #45); null when fine. */
    private static String leasedPoolRemoved(final AddressPools pools, final HeadendConfig updated)
    {
        for (final String pool : pools.names())
        {
            if (!updated.pools().containsKey(pool) && pools.leased(pool) > 0)
            {
                return "pool " + pool + " has " + pools.leased(pool) + " address(es) in use; log the sessions off first";
            }
        }
        for (final String pool : pools.names6())
        {
            if (!updated.ipv6Pools().containsKey(pool) && pools.leased6(pool) > 0)
            {
                return "ipv6 pool " + pool + " has " + pools.leased6(pool)
                    + " address(es) in use; log the sessions off first";
            }
        }
        return null;
    }

    /** The MTU of the interface that owns {@code local}, where a client's connection arrived. Control path. */
    static int interfaceMtu(final InetAddress local)
    {
        try
        {
            final java.net.NetworkInterface nic = local.isAnyLocalAddress() ? null
                : java.net.NetworkInterface.getByInetAddress(local);
            return nic == null ? DEFAULT_OUTSIDE_MTU : nic.getMTU();
        }
        catch (final java.net.SocketException ex)
        {
            LOG.debug("no interface MTU for {}: {}", local, ex.toString());
            return DEFAULT_OUTSIDE_MTU;
        }
    }

    /** The session table, as the CLI sees it. */
    /** Every login's checks, limiter and AAA back ends (SSH and the CLI share them). */
    Logins logins()
    {
        return logins;
    }

    SessionManager sessions()
    {
        return sessions;
    }

    /** What the operator's session commands act on: this member's table, or the whole cluster's. */
    org.headend.control.session.SessionDirectory directory()
    {
        return cluster == null ? sessions : new org.headend.control.cluster.ClusterDirectory(sessions, cluster);
    }

    /** The IKEv2 SAs for the CLI; {@code CryptoStatus.NONE} without {@code crypto ikev2 enable}. */
    org.headend.control.cli.CryptoStatus crypto()
    {
        return ike == null ? org.headend.control.cli.CryptoStatus.NONE : ike.status();
    }

    /** The web-deploy cache (packages and profiles), for the CLI. */
    ClientFiles clientFiles()
    {
        return clientFiles;
    }

    /** The translation tables, for the CLI. */
    Translations translations()
    {
        return translations;
    }

    /** The data plane's counters, for {@code show counters}. */
    List<Map.Entry<String, Long>> counters()
    {
        final List<Map.Entry<String, Long>> values = new ArrayList<>();
        for (final DataplaneCounter counter : DataplaneCounter.values())
        {
            values.add(Map.entry(counter.description(), dataplane.counters().get(counter)));
        }
        return values;
    }

    /** The ASA syslog, for the CLI ({@code show logging}, command and login messages). */
    Syslog syslog()
    {
        return syslog;
    }

    /** The address other members and the director send clients to: the first enabled interface's. */
    private static java.net.InetAddress memberAddress(final HeadendConfig cfg)
    {
        for (final String nameif : cfg.webvpn().enabledNameifs())
        {
            final var address = cfg.interfaceByNameif(nameif).map(org.headend.control.config.InterfaceConfig::address).orElse(null);
            if (address != null)
            {
                return address;
            }
        }
        return java.net.InetAddress.getLoopbackAddress();
    }

    /** Where clients connect. */
    InetSocketAddress listenAddress()
    {
        return listeners.firstAddress();
    }

    /** openconnect's {@code --servercert} value for the certificate served at {@link #listenAddress}. */
    String serverPin()
    {
        return certificates.pinSha256(listeners.firstNameif());
    }

    /**
     * Stops for a restart: the listeners close first (so that no client reconnects to a process on its way out),
     * then every tunnel is closed without DISCONNECT, so that clients keep trying with their cookies, and the
     * sessions are saved; then the event loops, the data plane and the TUN device (with its routes and the policy
     * routing of tunneled routes) go, and an outside address the appliance added is removed. Sessions logged off
     * before ({@code vpn-sessiondb logoff all} for a full stop) are gone for good.
     */
    void stop()
    {
        if (redirects != null)
        {
            redirects.close();
        }
        if (dynamicAuthorization != null)
        {
            dynamicAuthorization.close();
        }
        if (management != null)
        {
            management.close();
        }
        if (clusterAddress != null)
        {
            clusterAddress.close();
        }
        if (listeners != null)
        {
            listeners.close();
        }
        if (sessions != null)
        {
            suspendTunnels();
        }
        if (ike != null)
        {
            ike.close();
        }
        if (dhcpRelay != null)
        {
            if (cluster == null)
            {
                // the sessions are kept in the state directory: the next run confirms their leases with the servers
                dhcpRelay.closeKeepingLeases();
            }
            else
            {
                dhcpRelay.close(); // a cluster does not carry DHCP leases to the member that takes a session over
            }
        }
        sessionStore.close();
        syslog.close();
        if (dtls != null)
        {
            dtls.port().close();
        }
        handshakes.shutdownNow();
        certificateChecks.shutdownNow();
        logins.close();
        control.shutdownNow();
        if (frontDoor != null)
        {
            frontDoor.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        if (eventLoops != null)
        {
            eventLoops.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        if (dataplane != null)
        {
            dataplane.close();
        }
        if (inside != null)
        {
            inside.close();
        }
        outsideAddresses.removeAll();
    }

    private static int count(final EventLoopGroup group)
    {
        int n = 0;
        for (final EventExecutor ignored : group)
        {
            n++;
        }
        return n;
    }

    static Thread platformThread(final Runnable task, final String name)
    {
        final Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    /** Used in the connect hint when listening on all addresses. */
    static String someLocalAddress()
    {
        try
        {
            for (final var nic : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()))
            {
                if (nic.isUp() && !nic.isLoopback() && !InsideInterface.DEVICE.equals(nic.getName()))
                {
                    for (final InetAddress address : java.util.Collections.list(nic.getInetAddresses()))
                    {
                        if (address instanceof Inet4Address)
                        {
                            return address.getHostAddress();
                        }
                    }
                }
            }
        }
        catch (final java.net.SocketException ex)
        {
            LOG.debug("cannot list interfaces: {}", ex.toString());
        }
        return "127.0.0.1";
    }

    /** Closes every tunnel for the stop within {@link #TUNNEL_CLOSE_BUDGET}, however many there are. */
    private void suspendTunnels()
    {
        try
        {
            final TunnelsAtStop.Outcome done = TunnelsAtStop.close(control,
                () -> sessions.suspendAll("the headend is restarting"), TUNNEL_CLOSE_BUDGET);
            if (done.failure() != null)
            {
                LOG.warn("the tunnels were not closed before the stop: {}", done.failure());
            }
            else if (done.stillOpen() > 0)
            {
                LOG.warn("{} tunnel connection(s) closed in {} ms, {} still open after {} s", done.closed(),
                    done.millis(), done.stillOpen(), TUNNEL_CLOSE_BUDGET.toSeconds());
            }
            else
            {
                LOG.info("{} tunnel connection(s) closed in {} ms", done.closed(), done.millis());
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            LOG.warn("interrupted while closing the tunnels for the stop");
        }
    }
}
