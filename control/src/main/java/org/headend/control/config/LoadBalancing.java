package org.headend.control.config;

import java.net.Inet4Address;
import java.net.URI;
import java.util.List;

/**
 * {@code vpn load-balancing}: this headend as a member of a cluster, the ASA's commands plus one of ours.
 *
 * @param clusterAddress {@code cluster ip address}: the cluster's virtual address, held by the director; null when
 *                       not set
 * @param clusterKey     {@code cluster key}: the shared secret; members with the same key form one cluster (it names
 *                       their state in etcd; it is never stored there or logged)
 * @param priority       {@code priority 1-10}: a member of higher priority takes the director role first
 * @param participate    {@code participate}: the member takes part (no cluster without it)
 * @param nat            {@code nat}: the member's address as clients see it when it is behind NAT; null when not set
 * @param etcdEndpoints  {@code cluster etcd-endpoints URL…} (not an ASA command): the etcd cluster holding the
 *                       shared state
 * @param etcdTrustpoint {@code cluster etcd-trustpoint NAME} (not an ASA command): the {@code crypto ca trustpoint}
 *                       whose {@code ca-certificate} etcd's server certificates must chain to and whose
 *                       {@code identity-certificate} this member presents to etcd; null when not set
 * @param etcdUser       {@code cluster etcd-user NAME password SECRET} (not an ASA command): the etcd user this
 *                       member logs in as when etcd has {@code auth enable}d; null when not set
 */
public record LoadBalancing(Inet4Address clusterAddress, String clusterKey, int priority, boolean participate,
    Inet4Address nat, List<URI> etcdEndpoints, String etcdTrustpoint, EtcdUser etcdUser)
{
    /** An etcd user and its password; the password never reaches a log line. */
    public record EtcdUser(String name, String password)
    {
        @Override
        public String toString()
        {
            return "EtcdUser[" + name + ", *****]";
        }
    }

    /** Without {@code cluster etcd-user}: etcd without authentication, or with client certificates only. */
    public LoadBalancing(final Inet4Address clusterAddress, final String clusterKey, final int priority,
        final boolean participate, final Inet4Address nat, final List<URI> etcdEndpoints, final String etcdTrustpoint)
    {
        this(clusterAddress, clusterKey, priority, participate, nat, etcdEndpoints, etcdTrustpoint, null);
    }

    /** Without {@code cluster etcd-trustpoint}: etcd over plain HTTP, or HTTPS checked against the JDK's CAs. */
    public LoadBalancing(final Inet4Address clusterAddress, final String clusterKey, final int priority,
        final boolean participate, final Inet4Address nat, final List<URI> etcdEndpoints)
    {
        this(clusterAddress, clusterKey, priority, participate, nat, etcdEndpoints, null);
    }

    public static final int DEFAULT_PRIORITY = 5;
    /** Not a member of any cluster: a single headend needing no etcd. */
    public static final LoadBalancing NONE = new LoadBalancing(null, null, DEFAULT_PRIORITY, false, null, List.of());

    /** Whether this headend runs as a cluster member: it participates and knows where the shared state is. */
    public boolean active()
    {
        return participate && !etcdEndpoints.isEmpty() && clusterKey != null;
    }

    /** What {@code show running-config} must never print in clear. */
    @Override
    public String toString()
    {
        return "LoadBalancing[" + clusterAddress + ", priority " + priority + (participate ? ", participate" : "")
            + ", etcd " + etcdEndpoints + (etcdUser == null ? "" : " as " + etcdUser.name()) + "]";
    }
}
