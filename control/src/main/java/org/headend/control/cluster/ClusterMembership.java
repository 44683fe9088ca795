package org.headend.control.cluster;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HexFormat;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.headend.control.auth.Logins;
import org.headend.control.config.LoadBalancing;

/**
 * Joins this headend to its cluster ({@code vpn load-balancing} with {@code participate}): the etcd store, named
 * after the cluster key so that only members sharing the key share state. The key itself is never written to etcd.
 */
public final class ClusterMembership
{
    /** How long a dead member's sessions wait for their clients to reconnect to another member. */
    public static final long SESSION_TTL_SECONDS = Long.getLong("headend.cluster.sessionTtlSeconds", 300);
    /** The file of the state directory that keeps the logoffs etcd has not confirmed ({@link LogoffJournal}). */
    static final String LOGOFF_JOURNAL = "cluster-logoffs";

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ClusterMembership.class);

    private ClusterMembership()
    {
    }

    /**
     * Joins; blocks until etcd answered (at start, before any client is served).
     *
     * @param member   this member's name (its hostname)
     * @param address  the address clients reach this member on (its {@code nat} address when set)
     * @param port     its HTTPS port
     * @param trustpoints the configured {@code crypto ca trustpoint}s ({@code cluster etcd-trustpoint} names one)
     * @param flash    where a {@code disk0:/FILE} is
     * @param stateDir the appliance's state directory, where logoffs etcd has not confirmed are kept
     */
    public static EtcdClusterStore join(final LoadBalancing lb, final String member, final InetAddress address,
        final int port, final java.util.Map<String, org.headend.control.config.Trustpoint> trustpoints,
        final java.util.function.Function<String, java.nio.file.Path> flash, final ScheduledExecutorService control,
        final java.nio.file.Path stateDir) throws Exception
    {
        final InetAddress reach = lb.nat() != null ? lb.nat() : address;
        final String host = reach instanceof java.net.Inet6Address ? "[" + reach.getHostAddress() + "]"
            : reach.getHostAddress();
        final String url = "https://" + host + (port == 443 ? "" : ":" + port);
        final javax.net.ssl.SSLContext tls = lb.etcdTrustpoint() == null ? null
            : EtcdTls.context(trustpoints.get(lb.etcdTrustpoint()), lb.etcdTrustpoint(), flash);
        final LoadBalancing.EtcdUser user = lb.etcdUser();
        final EtcdGateway gateway = new EtcdGateway(lb.etcdEndpoints(), tls, user == null ? null : user.name(),
            user == null ? null : user.password());
        final EtcdClusterStore store = new EtcdClusterStore(gateway, clusterName(lb),
            member, url, lb.priority(), lb.participate(), SESSION_TTL_SECONDS, control, Clock.systemUTC(),
            stateDir.resolve(LOGOFF_JOURNAL));
        try
        {
            store.start(15);
        }
        catch (final Exception ex)
        {
            store.close();
            throw new IllegalStateException("cannot join the cluster at " + lb.etcdEndpoints() + ": " + ex, ex);
        }
        return store;
    }

    /**
     * A committed configuration's {@code vpn load-balancing} on a running member: {@code priority} and
     * {@code participate} (or {@code no vpn load-balancing}, which stops taking part) apply at once; what names the
     * cluster or reaches etcd ({@code cluster key}, {@code cluster etcd-endpoints}, {@code cluster etcd-user},
     * {@code nat}) at the next start,
     * as the log says. Never waits.
     */
    public static void apply(final ClusterStore store, final LoadBalancing started, final LoadBalancing now)
    {
        store.participation(now.priority(), now.active());
        if (now.active() && (!java.util.Objects.equals(started.clusterKey(), now.clusterKey())
            || !started.etcdEndpoints().equals(now.etcdEndpoints())
            || !java.util.Objects.equals(started.nat(), now.nat())
            || !java.util.Objects.equals(started.etcdUser(), now.etcdUser())))
        {
            LOG.warn("the cluster key, etcd endpoints, etcd user or nat address changed: they take effect at the next "
                + "start");
        }
    }

    /** The cluster's name in etcd: a digest of its key, so that the key is never stored. */
    static String clusterName(final LoadBalancing lb)
    {
        try
        {
            final byte[] digest = MessageDigest.getInstance("SHA-256").digest(("headend cluster " + lb.clusterKey())
                .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        }
        catch (final java.security.NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /** Whether an HTTP {@code Host} (with or without a port) names the cluster's address. */
    public static boolean toClusterAddress(final String host, final LoadBalancing lb)
    {
        if (host == null || lb.clusterAddress() == null)
        {
            return false;
        }
        final int colon = host.lastIndexOf(':');
        final String name = colon > 0 && host.indexOf(':') == colon ? host.substring(0, colon) : host;
        return name.strip().equals(lb.clusterAddress().getHostAddress());
    }

    /** The cluster's failed-login counts as the login checker asks for them. */
    public static Logins.SharedLockout lockout(final ClusterStore store)
    {
        return new Logins.SharedLockout()
        {
            @Override
            public CompletionStage<Boolean> locked(final String user)
            {
                return store.locked(user).orTimeout(5, TimeUnit.SECONDS);
            }

            @Override
            public CompletionStage<Boolean> failed(final String user)
            {
                return store.failed(user).orTimeout(5, TimeUnit.SECONDS);
            }

            @Override
            public CompletionStage<Void> succeeded(final String user)
            {
                return store.succeeded(user).orTimeout(5, TimeUnit.SECONDS);
            }
        };
    }
}
