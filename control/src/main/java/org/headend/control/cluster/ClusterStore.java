package org.headend.control.cluster;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.headend.control.session.SessionRecord;
import org.headend.control.session.SessionStore;

/**
 * The state the members of a VPN load-balancing cluster share: sessions by cookie hash (so that a client can
 * reconnect to any member), address leases (so that no address is ever handed out twice), failed-login counters
 * (so that a lockout holds on every member), the members with their load, and the director.
 * <p>
 * As a {@link SessionStore} it keeps this member's sessions: {@code put} and {@code remove} come from the control
 * thread and only queue. Every other call returns at once and completes on the store's own threads; callers hop back
 * to the control thread themselves. Nothing here is on the packet path.
 */
public interface ClusterStore extends SessionStore
{
    /** This member's name in the cluster. */
    String member();

    /**
     * Who hears that a session this member holds ended elsewhere: {@code (tokenKey, why, loggedOff)}, where
     * {@code loggedOff} is true for a logoff (the client must be told to stop) and false when another member took the
     * session over (the tunnel here is dropped silently). Runs on the executor given to the store.
     */
    void onLost(LostListener listener);

    /** See {@link #onLost}. */
    @FunctionalInterface
    interface LostListener
    {
        void lost(String tokenKey, String why, boolean loggedOff);
    }

    /**
     * Takes over session {@code tokenKey} from whichever member holds it (a client that reconnects here with its
     * cookie): a transaction guarded by the revision read makes this member its owner, with the same addresses.
     * Completes with the session, or null when the cluster does not know the cookie.
     */
    CompletableFuture<SessionRecord> adopt(String tokenKey);

    /**
     * Claims {@code address} (IPv4 or IPv6 text) for session {@code tokenKey}: true when it is now the session's (it
     * was free or already the session's), false when another session holds it. The transaction is the arbiter: no
     * address is ever claimed by two sessions, whatever the members' caches say.
     */
    CompletableFuture<Boolean> claim(String tokenKey, String address);

    /**
     * Whether this member is fenced: cut off from etcd past its lease deadline, it has dropped its tunnels and serves
     * no session until etcd answers again. Never waits.
     */
    boolean fenced();

    /** Every session in the cluster, with its owner. */
    CompletableFuture<List<ClusterSession>> sessions();

    /** Ends the matching sessions wherever they are; completes with how many ended. */
    CompletableFuture<Integer> logoff(Predicate<ClusterSession> which);

    /** Whether {@code user} is locked out cluster-wide. */
    CompletableFuture<Boolean> locked(String user);

    /** Counts a failed login of {@code user} cluster-wide; completes once counted (true: the user is now locked). */
    CompletableFuture<Boolean> failed(String user);

    /** A successful login clears {@code user}'s count. */
    CompletableFuture<Void> succeeded(String user);

    /** The live members with their last published load. */
    CompletableFuture<List<ClusterMember>> members();

    /** The member holding the director role, as last seen; null when none does. */
    String director();

    /**
     * On the director: the URL of the member a new login should go to ({@link DirectorChoice}), from the members
     * as last seen, counting the logins sent since; null when this member serves it (it is not the director, or it is
     * among the least loaded). Never waits: safe on the control thread.
     */
    String redirectTarget();

    /**
     * Applies {@code priority} and {@code participate} changed in the running configuration: published at once; a
     * member that stops taking part steps down as director and gets no more redirected logins, one that takes part
     * again campaigns. Its sessions stay shared in the cluster. Never waits.
     */
    void participation(int priority, boolean participate);

    /** This member's current number of sessions and its limit, published with the next heartbeat. */
    void load(int sessions, int maxSessions);

    /** A session as the cluster holds it. */
    record ClusterSession(SessionRecord record, String owner)
    {
    }

    /**
     * A live member: its name, the URL clients are redirected to, its sessions and limit, {@code priority} and
     * whether it takes sessions ({@code participate}).
     */
    record ClusterMember(String name, String url, int sessions, int maxSessions, int priority, boolean participate)
    {
        /** Load in whole percent of the limit, as the ASA counts it; sessions alone when there is no limit. */
        public int loadPercent()
        {
            return maxSessions <= 0 ? 0 : (int)(100L * sessions / maxSessions);
        }
    }
}
