package org.headend.control;

import java.net.Inet4Address;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.headend.control.cluster.ClusterStore;
import org.headend.control.config.HeadendConfig;
import org.headend.control.config.InterfaceConfig;
import org.headend.control.config.grammar.ArgTypes;
import org.headend.nativecfg.arp.GratuitousArp;
import org.headend.nativecfg.netlink.Rtnetlink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's virtual address ({@code cluster ip address}) on the member holding the director role: put on the
 * interface whose subnet holds it, listened on, and announced with a gratuitous ARP so that the link moves it here
 * at once; taken off again when the member loses the role, fences itself (cut off from etcd: a new director may soon
 * raise it elsewhere) or stops. Clients of the address get the director's redirect.
 * <p>
 * The address is leased from the kernel for {@link #LIFETIME_SECONDS} and renewed every second: a member killed
 * outright loses it within that time, before its member lease can run out in etcd and another member be elected, so
 * no two hosts ever answer for it. Its own thread looks every {@link #CHECK_MILLIS} ms, well within the fence's
 * margin, so that a fenced member has dropped the address before the cluster can elect another director. Netlink and
 * the listeners are touched there, never on the control thread or an event loop.
 */
final class ClusterAddress implements AutoCloseable
{
    static final long CHECK_MILLIS = 200;
    /** Below the member lease's TTL (10 s) less the fence's margin: gone before a successor can be elected. */
    static final int LIFETIME_SECONDS = 5;
    private static final long RENEW_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final Logger LOG = LoggerFactory.getLogger(ClusterAddress.class);

    private final ClusterStore cluster;
    private final Supplier<HeadendConfig> config;
    private final WebvpnListeners listeners;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
        r -> Appliance.platformThread(r, "cluster-address"));
    /** The address as put on an interface here; null when not held. */
    private OutsideAddresses.Wanted held;
    /** When the kernel lease of {@link #held} was last renewed (System.nanoTime). */
    private long renewedNanos;
    /** The last failure logged, so that a failing address is not logged every check. */
    private String lastError;

    ClusterAddress(final ClusterStore cluster, final Supplier<HeadendConfig> config, final WebvpnListeners listeners)
    {
        this.cluster = cluster;
        this.config = config;
        this.listeners = listeners;
    }

    void start()
    {
        thread.scheduleWithFixedDelay(this::check, 0, CHECK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Brings the address up or down as the role says (cluster-address thread). */
    private void check()
    {
        try
        {
            final OutsideAddresses.Wanted wanted = wanted();
            if (Objects.equals(wanted, held))
            {
                if (held != null && System.nanoTime() - renewedNanos >= RENEW_NANOS)
                {
                    lease(held);
                }
                return;
            }
            if (held != null)
            {
                release("member " + cluster.member() + (cluster.fenced() ? " fenced itself"
                    : " no longer holds the director role"));
            }
            if (wanted != null)
            {
                take(wanted);
            }
        }
        catch (final RuntimeException ex)
        {
            if (!ex.toString().equals(lastError))
            {
                lastError = ex.toString();
                LOG.warn("cluster address not updated (retried): {}", lastError);
            }
        }
    }

    /** The cluster address this member should hold now, where; null when it should hold none. */
    private OutsideAddresses.Wanted wanted()
    {
        final HeadendConfig cfg = config.get();
        final Inet4Address address = cfg.globals().loadBalancing().clusterAddress();
        if (address == null || !cfg.globals().loadBalancing().active() || cluster.fenced()
            || !cluster.member().equals(cluster.director()))
        {
            return null;
        }
        final String nameif = WebvpnListeners.clusterNameif(cfg);
        final InterfaceConfig iface = nameif == null ? null : cfg.interfaceByNameif(nameif).orElse(null);
        if (iface == null)
        {
            throw new IllegalStateException("no webvpn-enabled interface with an IPv4 address to put "
                + ArgTypes.IP.format(address) + " on");
        }
        // a host address: the interface's own subnet route stays the one the operator configured
        return new OutsideAddresses.Wanted(iface, address, 32);
    }

    private void lease(final OutsideAddresses.Wanted address)
    {
        try (Rtnetlink netlink = Rtnetlink.open())
        {
            netlink.leaseAddress(address.iface().ifname(), address.address(), address.prefix(), LIFETIME_SECONDS);
        }
        renewedNanos = System.nanoTime();
    }

    private static void delete(final OutsideAddresses.Wanted address)
    {
        try (Rtnetlink netlink = Rtnetlink.open())
        {
            netlink.deleteAddress(address.iface().ifname(), address.address(), address.prefix());
        }
    }

    private void take(final OutsideAddresses.Wanted wanted)
    {
        lease(wanted);
        final String refused = listeners.clusterAddress(wanted.address());
        if (refused != null)
        {
            delete(wanted);
            throw new IllegalStateException(refused);
        }
        held = wanted;
        lastError = null;
        LOG.info("member {} holds the cluster address {} on {}", cluster.member(),
            ArgTypes.IP.format(wanted.address()), wanted.iface().ifname());
        try
        {
            GratuitousArp.announce(wanted.iface().ifname(), (Inet4Address)wanted.address());
        }
        catch (final RuntimeException ex)
        {
            LOG.warn("no gratuitous ARP for {} on {} ({}): neighbours learn the move when their ARP entries age out",
                ArgTypes.IP.format(wanted.address()), wanted.iface().ifname(), ex.toString());
        }
    }

    private void release(final String why)
    {
        final OutsideAddresses.Wanted was = held;
        held = null;
        // stop listening first: no new client lands here while the address goes
        final String refused = listeners.clusterAddress(null);
        if (refused != null)
        {
            LOG.warn("cluster address listener not closed: {}", refused);
        }
        delete(was);
        LOG.info("cluster address {} released: {}", ArgTypes.IP.format(was.address()), why);
    }

    /** Gives the address up (the member stops) and ends the thread. */
    @Override
    public void close()
    {
        try
        {
            thread.submit(() ->
            {
                if (held != null)
                {
                    release("member " + cluster.member() + " stops");
                }
            }).get(10, TimeUnit.SECONDS);
        }
        catch (final Exception ex)
        {
            LOG.warn("cluster address not released at stop: {}", ex.toString());
        }
        thread.shutdownNow();
    }
}
