package org.headend.control.cluster;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import org.headend.control.config.LoadBalancing;
import org.junit.jupiter.api.Test;

/** Which logins the director may move, and how the cluster is named in etcd. */
class ClusterMembershipTest
{
    private static LoadBalancing cluster(final String key) throws Exception
    {
        return new LoadBalancing((Inet4Address)InetAddress.getByName("192.0.2.100"), key, 5, true, null,
            List.of(java.net.URI.create("http://192.0.2.11:2379")));
    }

    @Test
    void shouldMoveOnlyLoginsAddressedToTheClusterAddress() throws Exception
    {
        final LoadBalancing lb = cluster("k");
        assertTrue(ClusterMembership.toClusterAddress("192.0.2.100", lb));
        assertTrue(ClusterMembership.toClusterAddress("192.0.2.100:443", lb));
        assertFalse(ClusterMembership.toClusterAddress("192.0.2.21", lb), "a member's own address serves");
        assertFalse(ClusterMembership.toClusterAddress(null, lb));
        assertFalse(ClusterMembership.toClusterAddress("192.0.2.100", LoadBalancing.NONE));
    }

    @Test
    void shouldNameTheClusterByItsKeyWithoutRevealingIt() throws Exception
    {
        final String name = ClusterMembership.clusterName(cluster("s3cret"));
        assertFalse(name.contains("s3cret"));
        assertTrue(name.matches("[0-9a-f]{16}"), name);
        assertNotEquals(name, ClusterMembership.clusterName(cluster("other")), "another key, another cluster");
    }
}
