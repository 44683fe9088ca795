package org.headend.control.config;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.headend.control.config.grammar.ArgTypes;
import org.headend.control.config.grammar.Mode;

/**
 * The {@code vpn load-balancing} commands, kept apart from {@link ConfigLanguage}'s table: the ASA's
 * {@code cluster ip address}, {@code cluster key}, {@code priority}, {@code participate} and {@code nat}, and
 * {@code cluster etcd-endpoints}, {@code cluster etcd-trustpoint} and {@code cluster etcd-user}, which the ASA does
 * not have: its members share nothing, ours share sessions, address leases and lockouts in etcd.
 */
final class LoadBalancingLanguage
{
    /** At most this many etcd endpoints (etcd clusters have 3 or 5 members; 7 at most in practice). */
    static final int MAX_ENDPOINTS = 7;

    private LoadBalancingLanguage()
    {
    }

    static void declare(final UnaryOperator<ConfigCommand> register)
    {
        register.apply(ConfigCommand.in(Mode.CONFIG, "Configure VPN load balancing")
            .kw("vpn", "Configure VPN").kw("load-balancing", "Configure VPN load balancing (a cluster of headends)")
            .enters(Mode.LOAD_BALANCING)
            .order(65, 0)
            .compile((draft, scope, args) -> draft.loadBalancing)
            .build());
        register.apply(ConfigCommand.in(Mode.LOAD_BALANCING, "The cluster's virtual address")
            .kw("cluster", "Cluster settings").kw("ip", "The cluster's virtual address").kw("address",
                "The cluster's virtual address").key()
            .arg("address", ArgTypes.IPV4, "The address the director answers on")
            .order(10, 0)
            .compile((draft, scope, args) ->
            {
                ((ConfigDraft.LoadBalancingDraft)scope).clusterAddress = args.get("address");
                return null;
            })
            .build());
        register.apply(ConfigCommand.in(Mode.LOAD_BALANCING, "The cluster's shared secret")
            .kw("cluster", "Cluster settings").kw("key", "The shared secret of the cluster's members").key()
            .arg("key", ArgTypes.SECRET, "The secret, 1-127 characters, the same on every member")
            .order(12, 0)
            .compile((draft, scope, args) ->
            {
                ((ConfigDraft.LoadBalancingDraft)scope).clusterKey = args.get("key");
                return null;
            })
            .build());
        register.apply(ConfigCommand.in(Mode.LOAD_BALANCING, "Where the shared state is kept")
            .kw("cluster", "Cluster settings").kw("etcd-endpoints", "The etcd members' client URLs").key()
            .arg("urls", ArgTypes.LINE, "http://A.B.C.D:2379 … separated by blanks")
            .order(14, 0)
            .compile((draft, scope, args) ->
            {
                ((ConfigDraft.LoadBalancingDraft)scope).etcdEndpoints = endpoints(args.get("urls"));
                return null;
            })
            .build());
        register.apply(ConfigCommand.in(Mode.LOAD_BALANCING, "TLS to etcd")
            .kw("cluster", "Cluster settings").kw("etcd-trustpoint", "TLS to etcd: the CA to check it against "
                + "and this member's client certificate").key()
            .arg("trustpoint", ArgTypes.NAME, "A crypto ca trustpoint with ca-certificate and identity-certificate")
            .order(15, 0)
            .compile((draft, scope, args) ->
            {
                ((ConfigDraft.LoadBalancingDraft)scope).etcdTrustpoint = args.get("trustpoint");
                return null;
            })
            .build());
        register.apply(ConfigCommand.in(Mode.LOAD_BALANCING, "The etcd user this member logs in as")
            .kw("cluster", "Cluster settings").kw("etcd-user", "The etcd user this member logs in as (etcd with "
                + "auth enabled)").key()
            .arg("name", ArgTypes.NAME, "The etcd user name")
            .kw("password", "Its password").arg("password", ArgTypes.SECRET, "The password, 1-127 characters")
            .order(15, 1)
            .compile((draft, scope, args) ->
            {
                ((ConfigDraft.LoadBalancingDraft)scope).etcdUser = new LoadBalancing.EtcdUser(args.get("name"),
                    args.get("password"));
                return null;
            })
            .build());
        register.apply(ConfigCommand.in(Mode.LOAD_BALANCING, "The member's priority")
            .kw("priority", "The member's priority in the director election").key()
            .arg("priority", ArgTypes.integer(1, 10), "1-10, default 5; the highest becomes director first")
            .order(16, 0)
            .compile((draft, scope, args) ->
            {
                ((ConfigDraft.LoadBalancingDraft)scope).priority = args.<Integer>get("priority");
                return null;
            })
            .build());
        register.apply(ConfigCommand.in(Mode.LOAD_BALANCING, "The member's address behind NAT")
            .kw("nat", "The member's address as clients see it").key()
            .arg("address", ArgTypes.IPV4, "The outside address clients are redirected to")
            .order(18, 0)
            .compile((draft, scope, args) ->
            {
                ((ConfigDraft.LoadBalancingDraft)scope).nat = args.get("address");
                return null;
            })
            .build());
        register.apply(ConfigCommand.in(Mode.LOAD_BALANCING, "Take part in the cluster")
            .kw("participate", "Take part in the cluster (director role and redirects at once; joining or "
                + "leaving the shared sessions at the next start)").key()
            .order(20, 0)
            .compile((draft, scope, args) ->
            {
                ((ConfigDraft.LoadBalancingDraft)scope).participate = true;
                return null;
            })
            .build());
    }

    /** The URLs of {@code line}: http or https, host and port, nothing else; at most {@link #MAX_ENDPOINTS}. */
    static List<URI> endpoints(final String line)
    {
        final List<URI> urls = new ArrayList<>();
        for (final String word : line.strip().split("\\s+"))
        {
            if (urls.size() == MAX_ENDPOINTS)
            {
                throw new IllegalArgumentException("at most " + MAX_ENDPOINTS + " etcd endpoints");
            }
            final URI uri;
            try
            {
                uri = new URI(word);
            }
            catch (final java.net.URISyntaxException ex)
            {
                throw new IllegalArgumentException("'" + word + "' is not a URL");
            }
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                || uri.getPort() <= 0 || uri.getRawPath() != null && !uri.getRawPath().isEmpty()
                || uri.getRawQuery() != null || uri.getRawUserInfo() != null)
            {
                throw new IllegalArgumentException("'" + word + "' is not an etcd client URL like http://192.0.2.11:2379");
            }
            urls.add(uri);
        }
        return List.copyOf(urls);
    }
}
