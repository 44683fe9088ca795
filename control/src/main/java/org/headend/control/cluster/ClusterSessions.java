package org.headend.control.cluster;

import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.headend.control.config.grammar.Ipv4;
import org.headend.control.http.Exchange;
import org.headend.control.http.HttpAnswer;
import org.headend.control.session.AddressPools;
import org.headend.control.session.Session;
import org.headend.control.session.SessionManager;
import org.headend.control.session.SessionTokens;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a CONNECT needs from the cluster, kept off the control thread: a cookie this member does not know is looked
 * up in the cluster and its session taken over, with its addresses; a new address is claimed in the cluster before
 * the client hears of it. Both complete back on the control thread, which then handles the CONNECT again.
 * <p>
 * When etcd cannot answer, the client gets 503 (it keeps retrying), never 401 (which would end its reconnect loop).
 */
public final class ClusterSessions
{
    /** Addresses tried for one tunnel before giving up: each refusal means another member's session holds one. */
    static final int MAX_CLAIMS = 8;
    private static final Logger LOG = LoggerFactory.getLogger(ClusterSessions.class);

    private final ClusterStore store;
    private final SessionManager sessions;
    private final Executor control;
    /** The addresses each session has claimed in the cluster (control thread; ended sessions fall out). */
    private final Map<Session, String> claimed = new WeakHashMap<>();
    private final Map<Session, Integer> attempts = new WeakHashMap<>();

    public ClusterSessions(final ClusterStore store, final SessionManager sessions, final Executor control)
    {
        this.store = store;
        this.sessions = sessions;
        this.control = control;
    }

    /**
     * For a CONNECT whose cookie this member does not know: asks the cluster and, when another member holds the
     * session, takes it over and runs {@code retry}. False when the cookie cannot be ours (the caller refuses it).
     */
    public boolean adoptThen(final String cookie, final Exchange exchange, final Runnable retry)
    {
        final String key = SessionTokens.key(cookie);
        if (key == null)
        {
            return false;
        }
        store.adopt(key).whenCompleteAsync((record, error) ->
        {
            if (error != null || store.fenced())
            {
                LOG.warn("CONNECT from {}: the cluster could not be asked about its cookie: {}",
                    exchange.client().address(), error == null ? "this member is fenced" : error.toString());
                exchange.reply(unavailable());
                return;
            }
            final Session session = record == null ? null : sessions.adopt(record);
            if (session == null)
            {
                LOG.info("CONNECT from {} refused: cookie not acceptable anywhere in the cluster",
                    exchange.client().address());
                exchange.reply(HttpAnswer.empty(401, "Cookie is not acceptable", true));
                return;
            }
            claimed.put(session, addresses(session));
            retry.run();
        }, control);
        return true;
    }

    /**
     * Before the client hears of its addresses: when the cluster has not confirmed them yet, claims them and runs
     * {@code retry} (then with confirmed addresses, or after the session dropped a refused one for another). True
     * when the CONNECT now waits for the cluster.
     */
    public boolean claimThen(final Session session, final Exchange exchange, final Runnable retry)
    {
        final String addresses = addresses(session);
        if (addresses.equals(claimed.get(session)))
        {
            attempts.remove(session);
            return false;
        }
        final int attempt = attempts.merge(session, 1, Integer::sum);
        if (attempt > MAX_CLAIMS)
        {
            attempts.remove(session);
            sessions.addressesUnconfirmed(session);
            LOG.warn("session {}: no address the cluster accepts after {} tries", session.index(), MAX_CLAIMS);
            exchange.reply(HttpAnswer.empty(503, "Service Unavailable", true)
                .withHeader("X-Reason", "No address available for the tunnel"));
            return true;
        }
        final AddressPools.Lease lease = session.lease();
        final AddressPools.Lease6 lease6 = session.lease6();
        final CompletableFuture<Boolean> v4 = lease == null ? CompletableFuture.completedFuture(true)
            : store.claim(session.tokenKey(), Ipv4.format(lease.address()));
        final CompletableFuture<Boolean> v6 = lease6 == null ? CompletableFuture.completedFuture(true)
            : store.claim(session.tokenKey(), lease6.address().getHostAddress());
        v4.thenCombine(v6, (ok4, ok6) -> new boolean[] {ok4, ok6}).whenCompleteAsync((ok, error) ->
        {
            if (error != null || store.fenced())
            {
                LOG.warn("session {}: its address could not be claimed in the cluster: {}", session.index(),
                    error == null ? "this member is fenced" : error.toString());
                exchange.reply(unavailable());
                return;
            }
            if (session.ended())
            {
                exchange.reply(HttpAnswer.empty(401, "Cookie is not acceptable", true));
                return;
            }
            if (!ok[0] && session.lease() == lease)
            {
                sessions.addressTaken(session, false);
            }
            if (!ok[1] && session.lease6() == lease6)
            {
                sessions.addressTaken(session, true);
            }
            if (ok[0] && ok[1])
            {
                claimed.put(session, addresses);
            }
            retry.run();
        }, control);
        return true;
    }

    private static String addresses(final Session session)
    {
        return (session.lease() == null ? "-" : Ipv4.format(session.lease().address())) + " "
            + (session.lease6() == null ? "-" : session.lease6().address().getHostAddress());
    }

    private static HttpAnswer unavailable()
    {
        return HttpAnswer.empty(503, "Service Unavailable", true).withHeader("X-Reason",
            "Cluster state unavailable, try again");
    }
}
