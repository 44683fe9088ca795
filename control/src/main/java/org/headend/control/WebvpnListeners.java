package org.headend.control;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import org.headend.control.config.HeadendConfig;
import org.headend.control.config.InterfaceConfig;
import org.headend.control.config.grammar.ArgTypes;
import org.headend.control.config.grammar.Ipv6Prefix;
import org.headend.control.dtls.DtlsService;
import org.headend.control.http.HttpsListener;
import org.headend.control.http.ListenerSet;
import org.headend.control.session.AddressPools;
import org.headend.control.tls.ServerCertificates;
import org.headend.dataplane.api.DtlsSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AnyConnect listeners as the {@code webvpn} block has them, kept so live: TLS on TCP {@code port} and DTLS on
 * UDP {@code dtls port} at every address (IPv4 and IPv6) of every interface an {@code enable NAMEIF} line names
 * (no DTLS socket where it says {@code tls-only}), each TLS connection with the certificate {@code ssl trust-point}
 * gives its interface. {@link #apply} runs as a configuration veto: the new listeners and certificates are opened
 * and read before anything old goes, and when one fails nothing changes and the change is refused with the reason
 * (the operator sees it at the CLI). Connections accepted by a listener that closes keep running: a tunnel is never
 * dropped by a listener change. A DTLS socket on an address or port the configuration no longer has stays open
 * while tunnels that were told to use it (X-DTLS-Port) live, and closes when the last of them ends: current DTLS
 * tunnels keep their channel, new ones get the new port. Any thread; calls are serialized.
 */
final class WebvpnListeners implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(WebvpnListeners.class);
    /** The tag of a DTLS socket kept open only for the tunnels told to use it. */
    static final String DRAINING = "(draining)";

    private final ListenerSet<String> tls;
    private final ListenerSet<String> dtls;
    private final DtlsService dtlsService;
    private final ServerCertificates certificates;
    private final OutsideAddresses outside;
    /** Closes drained DTLS sockets: off the control thread, which tells of a port released. */
    private final ExecutorService drains = Executors.newSingleThreadExecutor(
        r -> Appliance.platformThread(r, "dtls-drain"));
    private HeadendConfig applied;
    /** The cluster's address while this member holds it ({@link #clusterAddress}), else null. */
    private InetAddress clusterAddress;

    /** What a configuration asks to listen on. */
    record Plan(Map<InetSocketAddress, String> tls, Map<InetSocketAddress, String> dtls,
        List<OutsideAddresses.Wanted> addresses)
    {
        /** The first TLS address, where the start-up hint sends clients; null when there is none. */
        InetSocketAddress firstTls()
        {
            return tls.isEmpty() ? null : tls.keySet().iterator().next();
        }
    }

    /**
     * @param frontDoor         the front door's event loop (accepts, handshakes, HTTP)
     * @param serverChannel     the server channel class matching its transport
     * @param dtlsService       the DTLS service: its data-plane port, and the ports its tunnels were told
     * @param certificates      the certificates of the TLS listeners
     * @param outside           puts missing interface addresses on Linux
     * @param askForCertificate whether new connections are asked for a client certificate
     * @param connections       sets up a TLS connection's pipeline after TLS (see {@link HttpsListener#setUp})
     */
    WebvpnListeners(final EventLoopGroup frontDoor, final Class<? extends ServerChannel> serverChannel,
        final DtlsService dtlsService, final ServerCertificates certificates, final OutsideAddresses outside,
        final BooleanSupplier askForCertificate, final Connections connections)
    {
        this.dtlsService = dtlsService;
        this.certificates = certificates;
        this.outside = outside;
        this.tls = new ListenerSet<>("AnyConnect TLS", frontDoor, serverChannel, HttpsListener.BACKLOG,
            (channel, nameif) -> connections.setUp(channel, nameif, certificates.context(nameif),
                askForCertificate.getAsBoolean()));
        final DtlsSocket port = dtlsService.port();
        this.dtls = new ListenerSet<>("AnyConnect DTLS", (address, tag) ->
        {
            port.bind(address.getAddress(), address.getPort());
            return () -> port.unbind(address.getAddress(), address.getPort());
        });
        dtlsService.onPortReleased(released -> drainLater());
    }

    /** Closes the sockets of released ports off the control thread; after close, the stop closes every one. */
    private void drainLater()
    {
        try
        {
            drains.execute(this::drain);
        }
        catch (final RejectedExecutionException stopping)
        {
            // closed: the stop's last tunnels release their ports, and the data plane's port closes the sockets
        }
    }

    /** Builds a TLS connection's pipeline. */
    @FunctionalInterface
    interface Connections
    {
        void setUp(io.netty.channel.socket.SocketChannel channel, String nameif, io.netty.handler.ssl.SslContext tls,
            boolean askForCertificate);
    }

    /**
     * Listens as {@code config} asks, with its certificates; a configuration veto (and the start).
     *
     * @return null when done, else why nothing changed
     */
    synchronized String apply(final HeadendConfig config)
    {
        return apply(config, false);
    }

    /**
     * {@link #apply} at start, except that an {@code ssl trust-point} whose certificate cannot be used (a file that
     * went bad while the appliance was down) is logged and its interfaces get the built-in certificate: the
     * appliance starts, and the operator can reach it to fix the file.
     */
    synchronized String start(final HeadendConfig config)
    {
        return apply(config, true);
    }

    private String apply(final HeadendConfig config, final boolean lenient)
    {
        final Plan plan = withClusterAddress(plan(config), config);
        final ServerCertificates.Prepared certs;
        try
        {
            certs = certificates.prepare(config, lenient);
        }
        catch (final IllegalArgumentException ex)
        {
            return ex.getMessage();
        }
        final Set<InetSocketAddress> listening = tls.addresses();
        for (final OutsideAddresses.Wanted address : plan.addresses())
        {
            if (!listening.contains(new InetSocketAddress(address.address(), config.webvpn().port())))
            {
                try
                {
                    outside.ensure(address);
                }
                catch (final RuntimeException ex)
                {
                    return "cannot listen on " + ArgTypes.IP.format(address.address()) + ": " + ex.getMessage();
                }
            }
        }
        final ListenerSet<String>.Change tlsChange = tls.prepare(plan.tls());
        if (tlsChange.error() != null)
        {
            tlsChange.abort();
            return tlsChange.error();
        }
        final ListenerSet<String>.Change dtlsChange = dtls.prepare(withDraining(plan.dtls()));
        if (dtlsChange.error() != null)
        {
            dtlsChange.abort();
            tlsChange.abort();
            return dtlsChange.error();
        }
        tlsChange.commit();
        dtlsChange.commit();
        certificates.commit(certs);
        if (applied == null || !plan.equals(withClusterAddress(plan(applied), applied)))
        {
            LOG.info("AnyConnect listens on TLS {} and DTLS {}", plan.tls(), dtls.addresses());
        }
        applied = config;
        return null;
    }

    /**
     * Listens on the cluster's virtual address too ({@code cluster ip address}, already on the interface), or no
     * longer ({@code address} null): the director holds it. Connections accepted on it keep running after.
     *
     * @return null when done, else why not
     */
    synchronized String clusterAddress(final InetAddress address)
    {
        final InetAddress before = clusterAddress;
        clusterAddress = address;
        if (applied == null)
        {
            return null;
        }
        final Plan plan = withClusterAddress(plan(applied), applied);
        final ListenerSet<String>.Change tlsChange = tls.prepare(plan.tls());
        if (tlsChange.error() != null)
        {
            tlsChange.abort();
            clusterAddress = before;
            return tlsChange.error();
        }
        final ListenerSet<String>.Change dtlsChange = dtls.prepare(withDraining(plan.dtls()));
        if (dtlsChange.error() != null)
        {
            dtlsChange.abort();
            tlsChange.abort();
            clusterAddress = before;
            return dtlsChange.error();
        }
        tlsChange.commit();
        dtlsChange.commit();
        LOG.info("AnyConnect listens on TLS {} and DTLS {}", plan.tls(), dtls.addresses());
        return null;
    }

    /** {@code plan} plus the cluster's address, on the interface clients reach the member on, while it is held. */
    private Plan withClusterAddress(final Plan plan, final HeadendConfig config)
    {
        final String nameif = clusterNameif(config);
        if (clusterAddress == null || nameif == null)
        {
            return plan;
        }
        final Map<InetSocketAddress, String> tls = new LinkedHashMap<>(plan.tls());
        final Map<InetSocketAddress, String> dtls = new LinkedHashMap<>(plan.dtls());
        tls.put(new InetSocketAddress(clusterAddress, config.webvpn().port()), nameif);
        if (config.webvpn().dtlsEnabledOn(nameif))
        {
            dtls.put(new InetSocketAddress(clusterAddress, config.webvpn().dtlsPort()), nameif);
        }
        return new Plan(tls, dtls, plan.addresses());
    }

    /**
     * The interface the cluster's address goes on: the {@code enable}d one whose IPv4 subnet holds it (the ASA asks
     * for the cluster address on the public interface's subnet), else the first enabled one with an IPv4 address;
     * null when there is none.
     */
    static String clusterNameif(final HeadendConfig config)
    {
        final java.net.Inet4Address cluster = config.globals().loadBalancing().clusterAddress();
        String first = null;
        for (final String nameif : config.webvpn().enabledNameifs())
        {
            final InterfaceConfig iface = config.interfaceByNameif(nameif).orElse(null);
            if (iface == null || iface.address() == null)
            {
                continue;
            }
            final int mask = AddressPools.toInt(iface.netmask());
            if (cluster != null && (AddressPools.toInt(cluster) & mask) == (AddressPools.toInt(iface.address()) & mask))
            {
                return nameif;
            }
            first = first == null ? nameif : first;
        }
        return first;
    }

    /** The nameif of {@link #firstAddress}, or null. */
    synchronized String firstNameif()
    {
        return applied == null ? null : plan(applied).tls().get(firstAddress());
    }

    /** Where the start-up hint sends clients; the wildcard when nothing is listened on. */
    synchronized InetSocketAddress firstAddress()
    {
        final InetSocketAddress first = applied == null ? null : plan(applied).firstTls();
        return first == null ? new InetSocketAddress(applied == null ? 443 : applied.webvpn().port()) : first;
    }

    /** Closes the DTLS sockets no tunnel needs any more. */
    private synchronized void drain()
    {
        if (applied != null)
        {
            dtls.apply(withDraining(withClusterAddress(plan(applied), applied).dtls()));
        }
    }

    /** {@code wanted}, plus the DTLS sockets open now on a port that live tunnels were told to use. */
    private Map<InetSocketAddress, String> withDraining(final Map<InetSocketAddress, String> wanted)
    {
        final Map<InetSocketAddress, String> all = new LinkedHashMap<>(wanted);
        final Set<Integer> inUse = dtlsService.portsInUse();
        for (final InetSocketAddress open : dtls.addresses())
        {
            if (!all.containsKey(open) && inUse.contains(open.getPort()))
            {
                all.put(open, DRAINING);
            }
        }
        return all;
    }

    /**
     * The listeners {@code config} asks for: TLS and DTLS (unless {@code tls-only}) at each address of each enabled
     * interface, tagged with its nameif. When {@code enable} names no interface that has an address (the embedded
     * default has no {@code interface} block), everything is listened on, under the first enabled nameif; with no
     * {@code enable} line at all, nothing is.
     */
    static Plan plan(final HeadendConfig config)
    {
        final int port = config.webvpn().port();
        final int dtlsPort = config.webvpn().dtlsPort();
        final Map<InetSocketAddress, String> tls = new LinkedHashMap<>();
        final Map<InetSocketAddress, String> dtls = new LinkedHashMap<>();
        final List<OutsideAddresses.Wanted> addresses = new ArrayList<>();
        for (final String nameif : config.webvpn().enabledNameifs())
        {
            final Optional<InterfaceConfig> iface = config.interfaceByNameif(nameif);
            if (iface.isEmpty())
            {
                continue;
            }
            final List<OutsideAddresses.Wanted> own = new ArrayList<>();
            if (iface.get().address() != null)
            {
                own.add(new OutsideAddresses.Wanted(iface.get(), iface.get().address(),
                    Integer.bitCount(AddressPools.toInt(iface.get().netmask()))));
            }
            for (final String text : iface.get().ipv6Addresses())
            {
                final Ipv6Prefix v6 = ArgTypes.IPV6_PREFIX.parse(text);
                own.add(new OutsideAddresses.Wanted(iface.get(), v6.address(), v6.length()));
            }
            for (final OutsideAddresses.Wanted address : own)
            {
                tls.put(new InetSocketAddress(address.address(), port), nameif);
                if (config.webvpn().dtlsEnabledOn(nameif))
                {
                    dtls.put(new InetSocketAddress(address.address(), dtlsPort), nameif);
                }
            }
            addresses.addAll(own);
        }
        if (tls.isEmpty() && !config.webvpn().enabledNameifs().isEmpty())
        {
            final String nameif = config.webvpn().enabledNameifs().iterator().next();
            final InetAddress any = new InetSocketAddress(0).getAddress();
            tls.put(new InetSocketAddress(any, port), nameif);
            if (config.webvpn().dtlsEnabledOn(nameif))
            {
                dtls.put(new InetSocketAddress(any, dtlsPort), nameif);
            }
        }
        return new Plan(tls, dtls, addresses);
    }

    /** Stops listening for TLS; the DTLS sockets close with the data plane's port, after the tunnels. */
    @Override
    public synchronized void close()
    {
        drains.shutdownNow();
        tls.close();
    }
}
