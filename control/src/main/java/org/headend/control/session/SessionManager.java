package org.headend.control.session;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.headend.control.config.EffectivePolicy;
import org.headend.control.config.FramedAddress;
import org.headend.control.config.PolicyAttribute;
import org.headend.control.config.grammar.Ipv4;
import org.headend.control.dtls.DtlsService;
import org.headend.control.config.grammar.Ipv6;
import org.headend.control.http.ClientInfo;
import org.headend.control.ops.VpnEvents;
import org.headend.control.session.AddressPools.Lease;
import org.headend.dataplane.api.Dataplane;
import org.headend.dataplane.api.DtlsLink;
import org.headend.dataplane.api.RoundTripTimes;
import org.headend.dataplane.api.TunnelListener.CloseCause;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The authoritative session table: parent sessions, their cookies (stored hashed), address leases and live tunnels.
 * Owned by the control thread; the CLI's {@link SessionDirectory} calls hop onto it.
 * <p>
 * Session timers ({@link SessionTimers}) follow the session's effective policy in the current configuration: a
 * change to {@code vpn-idle-timeout} or {@code vpn-session-timeout} applies to running sessions at the next sweep.
 * Idleness is sampled from the tunnels' traffic counters at each sweep, so it is known to within a sweep period.
 * <p>
 * Every change that a restart must not lose (login, lease, tunnel up or down, activity moved by
 * {@link #ACTIVITY_SAVE_NANOS}, end) is handed to the {@link SessionStore}, which writes on its own thread;
 * {@link #restore} brings the kept sessions back at start.
 */
public final class SessionManager implements SessionDirectory
{
    /** How often {@link #expire()} should run: the precision of the idle, disconnected and session timers. */
    public static final long SWEEP_PERIOD_SECONDS = 5;
    /**
     * How far a session's last activity may move before the store hears of it: the idle timer of a session brought
     * back after a crash may run this much early, and a busy table is not rewritten at every sweep.
     */
    public static final long ACTIVITY_SAVE_NANOS = TimeUnit.SECONDS.toNanos(60);

    private static final Logger LOG = LoggerFactory.getLogger(SessionManager.class);

    private final ScheduledExecutorService control;
    private final Dataplane dataplane;
    private final AddressPools pools;
    private final LongSupplier nanoClock;
    private final Clock wallClock;
    private final DtlsService dtls;
    private final BiFunction<String, String, EffectivePolicy> policies;
    private final SessionStore store;
    private final List<java.util.function.BiConsumer<SessionView, String>> endListeners = new ArrayList<>();
    private final SessionTokens tokens = new SessionTokens();
    private final Map<String, Session> byToken = new HashMap<>();
    private final TreeMap<Integer, Session> byIndex = new TreeMap<>();
    /** Live sessions per user name: a login under its user's limit needs no look at every session. */
    private final Map<String, Integer> perUser = new HashMap<>();
    /** Sessions by their live tunnel's id: a DTLS channel coming up finds its session without a scan. */
    private final Map<Integer, Session> byTunnel = new HashMap<>();
    /** When each session next needs the sweep: a sweep visits those, not the whole table. */
    private final SessionDeadlines deadlines = new SessionDeadlines();
    private int nextIndex = 1;
    private int nextTunnelId = 1;
    private int peakConcurrent;
    private VpnEvents events = VpnEvents.NONE;
    private java.util.function.IntSupplier sessionLimit = () -> 0;
    private Runnable fixedLeasesChanged = () -> { };
    private java.util.function.Consumer<Session> dhcpLeaseEnded = session -> { };
    private AssignedPolicies assignedPolicies;

    /** The effective policy of a user whose group-policy an AAA server assigned (RADIUS Class, a CoA). */
    @FunctionalInterface
    public interface AssignedPolicies
    {
        EffectivePolicy of(String tunnelGroup, String username, String assignedGroupPolicy);
    }

    /** A new session and the token the client gets (the only time the clear token exists here). */
    public record Login(Session session, String token)
    {
    }

    /**
     * @param control   the control thread; every method except the SessionDirectory ones runs on it
     * @param dataplane where tunnel routes are removed
     * @param pools     the address leases
     * @param dtls      the DTLS service, told when a tunnel ends; null when DTLS is off
     * @param policies  the effective policy of (tunnel-group, user) in the current configuration
     * @param nanoClock monotonic time (injected for tests)
     * @param wallClock wall time for login times
     */
    public SessionManager(final ScheduledExecutorService control, final Dataplane dataplane, final AddressPools pools,
        final DtlsService dtls, final BiFunction<String, String, EffectivePolicy> policies,
        final LongSupplier nanoClock, final Clock wallClock)
    {
        this(control, dataplane, pools, dtls, policies, nanoClock, wallClock, SessionStore.NONE);
    }

    /**
     * As above, keeping the table in {@code store} so that it survives a restart ({@link #restore}).
     */
    public SessionManager(final ScheduledExecutorService control, final Dataplane dataplane, final AddressPools pools,
        final DtlsService dtls, final BiFunction<String, String, EffectivePolicy> policies,
        final LongSupplier nanoClock, final Clock wallClock, final SessionStore store)
    {
        this.store = store;
        this.control = control;
        this.dataplane = dataplane;
        this.dtls = dtls;
        this.policies = policies;
        this.pools = pools;
        this.nanoClock = nanoClock;
        this.wallClock = wallClock;
    }

    /** Who hears of sessions and tunnels starting and ending (metrics, syslog). Call before the first login. */
    public void events(final VpnEvents listener)
    {
        events = listener;
    }

    /**
     * Who hears that a fixed address ({@link AddressPools#FIXED}: a {@code vpn-framed-ip-address} or an AAA server's
     * Framed-IP-Address outside the pools) was leased or returned, on the control thread: its host route follows.
     */
    public void onFixedLeasesChanged(final Runnable listener)
    {
        fixedLeasesChanged = listener;
    }

    /**
     * Where the timers of a session whose group-policy an AAA server assigned read its policy; without it they
     * follow the (tunnel-group, user) policy alone.
     */
    public void assignedPolicies(final AssignedPolicies resolver)
    {
        assignedPolicies = resolver;
    }

    /**
     * Where {@link #open} reads the most sessions allowed at once ({@code vpn-sessiondb
     * max-anyconnect-premium-or-essentials-limit}; 0 for no limit), from the current configuration.
     */
    public void sessionLimit(final java.util.function.IntSupplier limit)
    {
        sessionLimit = limit;
    }

    /**
     * Opens a session for an authenticated user of {@code tunnelGroup} running under {@code groupPolicy}, within
     * the user's {@code vpn-simultaneous-logins}: when the user already has that many sessions, the one idle the
     * longest (the oldest among equally idle ones) is logged off to make room, as the ASA does. At the session
     * limit, the parent session whose client has been away the longest is logged off for the new one (the seed:
     * the sessions inactive the longest are logged off so that new users can log in); when every session has its
     * client connected, the login is refused ({@link #atCapacity}).
     *
     * @return the session, or null when the policy allows the user no session at all ({@code 0}) or the limit is
     * reached
     */
    public Login open(final String username, final String tunnelGroup, final String groupPolicy,
        final ClientInfo client)
    {
        final int allowed = policies.apply(tunnelGroup, username).get(PolicyAttribute.VPN_SIMULTANEOUS_LOGINS);
        if (allowed <= 0)
        {
            return null;
        }
        makeRoom(username, allowed);
        if (!makeRoomUnderLimit())
        {
            LOG.info("login of user {} refused: {} sessions, all with a connected client, at the session limit",
                org.headend.control.LogText.escape(username), byIndex.size());
            return null;
        }
        final int index = nextIndex++;
        final String token = tokens.newToken(index);
        final String key = SessionTokens.key(token);
        final Session session = new Session(index, username, tunnelGroup, groupPolicy, key, client, wallClock.instant(),
            nanoClock.getAsLong());
        byToken.put(key, session);
        byIndex.put(index, session);
        deadlines.arm(index, session.loginNanos());
        perUser.merge(username, 1, Integer::sum);
        peakConcurrent = Math.max(peakConcurrent, byIndex.size());
        store(session);
        LOG.info("session {} opened: user {} group {} from {}", index, username, tunnelGroup, client.address());
        events.sessionStarted(session);
        return new Login(session, token);
    }

    private void makeRoom(final String username, final int allowed)
    {
        if (perUser.getOrDefault(username, 0) < allowed)
        {
            return; // room already; the user's sessions that are due go at the next sweep
        }
        final long now = nanoClock.getAsLong();
        final List<Session> own = new ArrayList<>();
        for (final Session session : List.copyOf(byIndex.values()))
        {
            if (session.username().equals(username) && !expireIfDue(session, now))
            {
                own.add(session);
            }
        }
        // byIndex iterates oldest first and the sort is stable: among equally idle sessions the oldest goes first
        own.sort(Comparator.comparingLong(Session::lastTrafficNanos));
        for (int i = 0; i <= own.size() - allowed; i++)
        {
            end(own.get(i), "logged off by a new login of the same user (vpn-simultaneous-logins " + allowed + ")");
        }
    }

    /**
     * Below the session limit, after logging off as many of the sessions without a tunnel as it takes, longest away
     * first; false when that is not enough.
     */
    private boolean makeRoomUnderLimit()
    {
        final int limit = sessionLimit.getAsInt();
        if (limit <= 0 || byIndex.size() < limit)
        {
            return true;
        }
        final long now = nanoClock.getAsLong();
        final List<Session> away = new ArrayList<>();
        for (final Session session : List.copyOf(byIndex.values()))
        {
            if (!expireIfDue(session, now) && session.tunnel() == null)
            {
                away.add(session);
            }
        }
        away.sort(Comparator.comparingLong(Session::disconnectedSinceNanos));
        for (int i = 0; i < away.size() && byIndex.size() >= limit; i++)
        {
            end(away.get(i), "logged off to make room for a new login (vpn-sessiondb "
                + "max-anyconnect-premium-or-essentials-limit " + limit + ")");
        }
        return byIndex.size() < limit;
    }

    /** Whether the session limit is reached: a new login is refused unless a client away is logged off for it. */
    public boolean atCapacity()
    {
        final int limit = sessionLimit.getAsInt();
        return limit > 0 && byIndex.size() >= limit;
    }

    /**
     * Calls {@code listener} with each ended session's last view (its final counters) and why it ended, on the
     * control thread (RADIUS accounting Stop). Control thread.
     *
     * @return takes the listener out again (control thread): a service that comes and goes with the configuration
     *         (IKEv2) calls it when it stops, or every start would add one more listener that keeps the old one alive
     */
    public Runnable onEnd(final java.util.function.BiConsumer<SessionView, String> listener)
    {
        endListeners.add(listener);
        return () -> endListeners.remove(listener);
    }

    /** The live session a cookie value names, or null (unknown, malformed, logged off or expired). */
    public Session find(final String token)
    {
        final String key = SessionTokens.key(token);
        if (key == null)
        {
            return null;
        }
        final Session session = byToken.get(key);
        if (session == null || session.ended() || expireIfDue(session, nanoClock.getAsLong()))
        {
            return null;
        }
        return session;
    }

    /** Time left before the session's max connect time, in whole seconds; -1 when it has none. */
    public long maxConnectLeftSeconds(final Session session)
    {
        final long left = timers(session).maxConnectLeftNanos(session.loginNanos(), nanoClock.getAsLong());
        return left < 0 ? -1 : TimeUnit.NANOSECONDS.toSeconds(left);
    }

    private SessionTimers timers(final Session session)
    {
        return SessionTimers.of(policyOf(session));
    }

    private EffectivePolicy policyOf(final Session session)
    {
        final String assigned = session.aaa().groupPolicy();
        return assigned == null || assignedPolicies == null ? policies.apply(session.tunnelGroup(), session.username())
            : assignedPolicies.of(session.tunnelGroup(), session.username(), assigned);
    }

    /**
     * Moves a live session to group-policy {@code name} (a RADIUS CoA): its timers and the gateway's DPD follow the
     * new policy from now on (the timers at the next sweep), and a restart keeps the new name. The caller has
     * checked that nothing else of the policy changes, since that would need the client to reconnect.
     */
    public void changeGroupPolicy(final Session session, final String name)
    {
        session.regroup(name);
        deadlines.arm(session.index(), nanoClock.getAsLong());
        store(session);
        followGatewayDpd(session, policyOf(session));
    }

    /**
     * Holds a live session's tunnels to access list {@code name} from their next CONNECT on (a RADIUS CoA); a restart
     * keeps it, as it keeps the filter the Access-Accept named.
     */
    public void changeVpnFilter(final Session session, final String name)
    {
        session.vpnFilter(name);
        store(session);
    }

    /** Samples the session's traffic and ends it if one of its timers ran out; true when it was ended. */
    private boolean expireIfDue(final Session session, final long now)
    {
        return expireIfDue(session, now, policyOf(session));
    }

    private boolean expireIfDue(final Session session, final long now, final EffectivePolicy policy)
    {
        session.sampleTraffic(now);
        final String why = SessionTimers.of(policy).expiry(session, now);
        if (why == null)
        {
            return false;
        }
        end(session, why);
        return true;
    }

    /**
     * The session's lease, taken on its first tunnel: the AAA server's Framed-IP-Address, else the user's
     * {@code vpn-framed-ip-address}, else one from {@code poolNames}; null when that address is in use or no pool
     * address is free.
     *
     * <p>An address assigned to the user is taken back from that user's own earlier session when its client is away
     * (no tunnel): the user logged in again, so the earlier session is over, and waiting for its idle timer would
     * lock the user out of their only address. A live tunnel of the user keeps its address, and the new login is
     * refused instead.
     */
    public Lease lease(final Session session, final List<String> poolNames)
    {
        if (session.lease() == null)
        {
            final java.net.Inet4Address framed = session.aaa().framedAddress();
            final FramedAddress own = policyOf(session).get(PolicyAttribute.VPN_FRAMED_IP_ADDRESS);
            if (framed != null)
            {
                final int address = AddressPools.toInt(framed);
                releaseFromOwnSessionAway(session, address);
                session.lease(pools.allocateAddress(address));
            }
            else if (own.address() != null)
            {
                final int address = AddressPools.toInt(own.address());
                releaseFromOwnSessionAway(session, address);
                session.lease(pools.allocateFixed(address, AddressPools.toInt(own.mask())));
                if (session.lease() == null)
                {
                    LOG.warn("session {}: the fixed address {} of user {} is in use{}", session.index(),
                        own.address().getHostAddress(), session.username(), holderOf(address));
                }
            }
            else
            {
                session.lease(pools.allocate(poolNames));
            }
            store(session);
            if (session.lease() != null && AddressPools.FIXED.equals(session.lease().pool()))
            {
                fixedLeasesChanged.run();
            }
        }
        return session.lease();
    }

    /**
     * Whether the session's address is for a DHCP server to give: it has none yet, and neither an AAA server's
     * Framed-IP-Address nor the user's {@code vpn-framed-ip-address} applies (the ASA's order: AAA, DHCP, pools).
     */
    public boolean addressFromDhcp(final Session session)
    {
        return session.lease() == null && session.aaa().framedAddress() == null
            && policyOf(session).get(PolicyAttribute.VPN_FRAMED_IP_ADDRESS).address() == null;
    }

    /**
     * As {@link #leaseFromDhcp(Session, int, int)}, keeping with the session what confirms the lease with the server
     * after a restart: the server that leased, the hardware address it knows the session by, the lease time.
     */
    public Lease leaseFromDhcp(final Session session, final int address, final int mask, final int server,
        final byte[] chaddr, final long leaseSeconds)
    {
        if (session.lease() != null || session.ended())
        {
            return null;
        }
        session.dhcp(binding(server, chaddr, leaseSeconds));
        final Lease lease = leaseFromDhcp(session, address, mask);
        if (lease == null)
        {
            session.dhcp(null);
        }
        return lease;
    }

    /**
     * The session's DHCP lease was renewed, or confirmed after a restart, for {@code leaseSeconds} from now: its
     * kept expiry moves on.
     */
    public void dhcpRenewed(final Session session, final int server, final long leaseSeconds)
    {
        if (session.dhcp() != null && !session.ended())
        {
            session.dhcp(binding(server, session.dhcp().chaddrBytes(), leaseSeconds));
            store(session);
        }
    }

    private DhcpBinding binding(final int server, final byte[] chaddr, final long leaseSeconds)
    {
        // all ones: infinite (RFC 2132 §9.2)
        return new DhcpBinding(server, DhcpBinding.chaddrOf(chaddr),
            leaseSeconds == 0xFFFF_FFFFL ? null : wallClock.instant().plusSeconds(leaseSeconds));
    }

    /**
     * Gives the session the address a DHCP server leased it (pool {@link AddressPools#DHCP}, with its host route).
     *
     * @return the lease, or null when the session has one already or the address is in use here
     */
    public Lease leaseFromDhcp(final Session session, final int address, final int mask)
    {
        if (session.lease() != null || session.ended())
        {
            return null;
        }
        final Lease lease = pools.allocateDhcp(address, mask);
        if (lease == null)
        {
            LOG.warn("session {}: the address {} a DHCP server leased is in use here{}", session.index(),
                Ipv4.format(address), holderOf(address));
            return null;
        }
        session.lease(lease);
        store(session);
        fixedLeasesChanged.run();
        return lease;
    }

    /** Who hears, on the control thread, that a session holding a DHCP lease ended: the lease is released. */
    public void onDhcpLeaseEnded(final java.util.function.Consumer<Session> listener)
    {
        dhcpLeaseEnded = listener;
    }

    /** Ends the other session of the same user that leases {@code address} while its client is away, if any. */
    private void releaseFromOwnSessionAway(final Session session, final int address)
    {
        for (final Session other : byIndex.values())
        {
            if (other != session && other.tunnel() == null && other.lease() != null
                && other.lease().address() == address && other.username().equals(session.username()))
            {
                LOG.info("session {}: user {} logged in again as session {}; the address goes to the new session",
                    other.index(), org.headend.control.LogText.escape(session.username()), session.index());
                end(other, "replaced by a new login of the same user");
                return;
            }
        }
    }

    /** " by session N (user U)" for the live session leasing {@code address}, or "" when none does. */
    private String holderOf(final int address)
    {
        for (final Session other : byIndex.values())
        {
            if (other.lease() != null && other.lease().address() == address)
            {
                return " by session " + other.index() + " (user " + other.username() + ")";
            }
        }
        return "";
    }

    /**
     * The session's IPv6 lease, taking one from {@code poolNames} on its first tunnel that asks; null when it has
     * none and none is free (the tunnel then runs IPv4 only).
     */
    public AddressPools.Lease6 lease6(final Session session, final List<String> poolNames)
    {
        if (session.lease6() == null && !poolNames.isEmpty())
        {
            session.lease6(pools.allocate6(poolNames));
            store(session);
        }
        return session.lease6();
    }

    /** A fresh tunnel id (positive, unique while the process lives). */
    public int nextTunnelId()
    {
        final int id = nextTunnelId;
        nextTunnelId = nextTunnelId == Integer.MAX_VALUE ? 1 : nextTunnelId + 1;
        return id;
    }

    /** Records the session's new tunnel; an older one is dropped without DISCONNECT (the client took over). */
    public void tunnelUp(final Session session, final Session.Tunnel tunnel)
    {
        final Session.Tunnel old = session.tunnel();
        if (old != null)
        {
            LOG.info("session {}: tunnel {} taken over by tunnel {}", session.index(), old.tunnelId(),
                tunnel.tunnelId());
            old.handle().drop("taken over by a reconnect of the same session");
            tunnelGone(session, old, "taken over by a reconnect of the same session");
        }
        session.tunnelUp(tunnel);
        byTunnel.put(tunnel.tunnelId(), session);
        deadlines.arm(session.index(), nanoClock.getAsLong());
        store(session);
        dataplane.addRoutes(tunnel.handle());
        events.tunnelUp(session, tunnel, nanoClock.getAsLong() - session.loginNanos());
        LOG.info("session {}: SSL tunnel {} up, {} {} from {}:{}, address {}{}", session.index(), tunnel.tunnelId(),
            tunnel.client().tlsProtocol(), tunnel.client().cipherSuite(), tunnel.client().address(),
            tunnel.client().port(), Ipv4.format(session.lease().address()),
            session.lease6() == null ? "" : " and " + Ipv6.format(session.lease6().address()));
    }

    /** The DTLS channel of tunnel {@code tunnelId} came up. */
    public void onDtlsUp(final int tunnelId)
    {
        final Session session = byTunnel.get(tunnelId);
        if (session != null && session.tunnel() != null && session.tunnel().tunnelId() == tunnelId)
        {
            events.dtlsUp(session, session.tunnel());
        }
    }

    /** The client sent DISCONNECT; {@code 0xb0} (the user quit) ends the session and its cookie. */
    public void onClientDisconnect(final Session session, final int tunnelId, final int reason, final String text)
    {
        LOG.info("session {}: client disconnect on tunnel {}, reason 0x{} '{}'", session.index(), tunnelId,
            Integer.toHexString(reason & 0xFF), text);
        if (reason == 0xb0 && !session.ended())
        {
            end(session, "the user disconnected");
        }
    }

    /**
     * A tunnel's connection is gone, whatever the cause (gateway DPD failure included): the parent session stays, with
     * its cookie and addresses, for the client to come back until its idle or session timer runs out (the seed:
     * DPD failure drops the TLS/DTLS tunnel; the parent lives on until the idle timer or the maximum connect time).
     */
    public void onTunnelClosed(final Session session, final int tunnelId, final CloseCause cause,
        final String detail)
    {
        if (session.tunnel() == null || session.tunnel().tunnelId() != tunnelId)
        {
            return;
        }
        tunnelGone(session, session.tunnel(), detail);
        LOG.info("session {}: tunnel {} closed ({}: {}); the session waits for its client", session.index(), tunnelId,
            cause, detail);
        store(session);
    }

    /**
     * Ends a session: its tunnel (if any) gets a CSTP DISCONNECT, its cookie stops working, its lease returns.
     */
    public void end(final Session session, final String why)
    {
        if (session.ended())
        {
            return;
        }
        session.end();
        store.remove(session.tokenKey());
        byToken.remove(session.tokenKey());
        byIndex.remove(session.index());
        deadlines.cancel(session.index());
        perUser.computeIfPresent(session.username(), (user, n) -> n > 1 ? n - 1 : null);
        final Session.Tunnel tunnel = session.tunnel();
        if (tunnel != null)
        {
            tunnel.handle().disconnect(why);
            tunnelGone(session, tunnel, why);
        }
        final SessionView last = endListeners.isEmpty() ? null : view(session, nanoClock.getAsLong());
        if (session.lease() != null)
        {
            pools.release(session.lease());
            if (AddressPools.isHostLease(session.lease()))
            {
                fixedLeasesChanged.run();
            }
            if (AddressPools.DHCP.equals(session.lease().pool()))
            {
                dhcpLeaseEnded.accept(session);
            }
        }
        if (session.lease6() != null)
        {
            pools.release6(session.lease6());
        }
        LOG.info("session {} ended: user {}: {}", session.index(), session.username(), why);
        for (final java.util.function.BiConsumer<SessionView, String> listener : endListeners)
        {
            listener.accept(last, why);
        }
        events.sessionEnded(session, why, Duration.ofNanos(nanoClock.getAsLong() - session.loginNanos()),
            session.rxBytes(), session.txBytes());
    }

    private void tunnelGone(final Session session, final Session.Tunnel tunnel, final String why)
    {
        if (dtls != null && dtls.endpoint(tunnel.tunnelId()) != null)
        {
            events.dtlsDown(session, tunnel);
        }
        events.tunnelDown(session, tunnel, why);
        if (dtls != null)
        {
            dtls.onTunnelGone(tunnel.tunnelId());
        }
        dataplane.removeRoutes(tunnel.handle());
        byTunnel.remove(tunnel.tunnelId());
        session.tunnelDown(nanoClock.getAsLong());
        if (!session.ended())
        {
            deadlines.arm(session.index(), nanoClock.getAsLong());
        }
    }

    /**
     * Ends the sessions whose idle, disconnected or session timer ran out: a tunnel gets a DISCONNECT (the client
     * does not come back), the cookie stops working and the address returns to its pool. Run every
     * {@link #SWEEP_PERIOD_SECONDS}. Visits only the sessions that are due (see {@link #nextVisit}): at 10,000
     * sessions a sweep of every one, its policy resolved each time, every 5 s, was the control thread's steady work.
     */
    public void expire()
    {
        final long now = nanoClock.getAsLong();
        deadlines.drainDue(now, index ->
        {
            final Session session = byIndex.get(index);
            if (session == null)
            {
                return;
            }
            final EffectivePolicy policy = policyOf(session);
            if (!expireIfDue(session, now, policy))
            {
                followGatewayDpd(session, policy);
                if (session.lastTrafficNanos() - session.storedTrafficNanos() >= ACTIVITY_SAVE_NANOS)
                {
                    store(session);
                }
                deadlines.arm(index, nextVisit(session, SessionTimers.of(policy), now));
            }
        });
    }

    /**
     * When the sweep must look at {@code session} again: when one of its timers can run out, and while it has a
     * tunnel, often enough to sample its traffic counters (a tenth of the idle timeout, between a sweep period and
     * {@link #ACTIVITY_SAVE_NANOS}: the idle timer then ends at most that much late, and the store hears of activity
     * as before). Without a tunnel no traffic moves, so only the timers count.
     */
    private static long nextVisit(final Session session, final SessionTimers timers, final long now)
    {
        long due = now + Long.MAX_VALUE / 2;
        if (timers.maxConnectNanos() > 0)
        {
            due = earlier(due, session.loginNanos() + timers.maxConnectNanos());
        }
        if (timers.idleNanos() > 0)
        {
            due = earlier(due, session.lastTrafficNanos() + timers.idleNanos());
        }
        if (session.tunnel() == null)
        {
            return earlier(due, session.disconnectedSinceNanos() + timers.disconnectedNanos());
        }
        final long sample = timers.idleNanos() > 0 ? Math.clamp(timers.idleNanos() / 10,
            TimeUnit.SECONDS.toNanos(SWEEP_PERIOD_SECONDS), ACTIVITY_SAVE_NANOS) : ACTIVITY_SAVE_NANOS;
        return earlier(due, now + sample);
    }

    private static long earlier(final long a, final long b)
    {
        return b - a < 0 ? b : a;
    }

    /**
     * The configuration changed: every session's timers and gateway DPD may follow other values now, so each is
     * looked at by the next sweep (once; then at its own times again).
     */
    public void policiesChanged()
    {
        final long now = nanoClock.getAsLong();
        for (final Integer index : byIndex.keySet())
        {
            deadlines.arm(index, now);
        }
    }

    /**
     * Carries a change of {@code anyconnect dpd-interval gateway} to the session's live tunnel: the headend's own
     * probing needs no word from the client (the client's interval was announced at CONNECT and stays).
     */
    private void followGatewayDpd(final Session session, final EffectivePolicy policy)
    {
        final Session.Tunnel tunnel = session.tunnel();
        if (tunnel == null)
        {
            return;
        }
        final int seconds = policy.get(PolicyAttribute.DPD_GATEWAY);
        if (tunnel.handle().gatewayDpdSeconds() != seconds)
        {
            LOG.info("session {}: gateway DPD interval now {}", session.index(), seconds == 0 ? "none" : seconds + " s");
            tunnel.handle().gatewayDpd(seconds);
        }
    }

    /**
     * Closes every tunnel without DISCONNECT and keeps the sessions (stop for a restart): the clients keep
     * reconnecting with their cookies and, once the appliance is back with the same state, get their tunnels and
     * addresses again. Returns, per tunnel, what to wait on for its connection to close.
     */
    public List<Future<?>> suspendAll(final String why)
    {
        final List<Future<?>> closing = new ArrayList<>();
        for (final Session session : byIndex.values())
        {
            final Session.Tunnel tunnel = session.tunnel();
            if (tunnel != null)
            {
                closing.add(tunnel.handle().closed());
                tunnel.handle().drop(why);
                tunnelGone(session, tunnel, why);
                store(session);
            }
        }
        LOG.info("{} session(s) kept for the clients to come back: {}", byIndex.size(), why);
        return closing;
    }

    /**
     * Brings back the sessions the store kept from an earlier run, before any client can connect: their leases are
     * taken again and their timers go on from where they were (the time the appliance was down counts). A session
     * whose session, idle or disconnected timer ran out meanwhile, or whose address no longer fits its pool (the
     * configuration changed), is dropped and logged; its cookie is refused like any unknown one. When there are more
     * than the session limit allows ({@code vpn-sessiondb max-anyconnect-premium-or-essentials-limit} lowered while
     * down), the most recently active ones come back and the rest are dropped the same way, as the ASA keeps the
     * active users and logs off those inactive the longest.
     *
     * @return how many sessions came back
     */
    public int restore()
    {
        final long nowNanos = nanoClock.getAsLong();
        final Instant now = wallClock.instant();
        int restored = 0;
        int dropped = 0;
        final int limit = sessionLimit.getAsInt();
        final List<SessionRecord> loadedRecords = new ArrayList<>(store.load());
        // at the session limit the most recently active sessions come back (stable: equals keep the store's order)
        loadedRecords.sort(Comparator.comparing(SessionRecord::lastActivity).reversed());
        for (final SessionRecord loaded : loadedRecords)
        {
            // a store that cannot tell when the tunnel was lost: from now
            final SessionRecord record = loaded.disconnectedBy(now);
            final Session session = Session.restored(record, nanosAt(record.loginTime(), now, nowNanos),
                nanosAt(record.lastActivity(), now, nowNanos), nanosAt(record.disconnectedSince(), now, nowNanos));
            String why = SessionTimers.of(policyOf(session)).expiry(session, nowNanos);
            if (why == null && limit > 0 && restored >= limit)
            {
                why = "over the session limit (vpn-sessiondb max-anyconnect-premium-or-essentials-limit " + limit
                    + "): the " + limit + " most recently active sessions are kept";
            }
            if (why == null)
            {
                why = reserveLeases(record);
            }
            if (why != null)
            {
                store.remove(record.tokenKey());
                LOG.info("session {} of user {} not restored: {}", record.index(), record.username(), why);
                dropped++;
                continue;
            }
            byToken.put(record.tokenKey(), session);
            byIndex.put(record.index(), session);
            deadlines.arm(record.index(), nowNanos);
            perUser.merge(session.username(), 1, Integer::sum);
            nextIndex = Math.max(nextIndex, record.index() + 1);
            store(session);
            restored++;
        }
        peakConcurrent = Math.max(peakConcurrent, byIndex.size());
        if (restored + dropped > 0)
        {
            LOG.info("{} session(s) restored, {} not", restored, dropped);
        }
        return restored;
    }

    /**
     * Takes in a session another cluster member held (its client reconnected here with its cookie, and the cluster
     * made this member its owner): the same user, policy, timers and addresses, under a local index. Null when its
     * timers ran out or its addresses do not fit the pools here (logged); the cookie is then refused.
     */
    public Session adopt(final SessionRecord adopted)
    {
        final Session known = byToken.get(adopted.tokenKey());
        if (known != null)
        {
            return known;
        }
        final long nowNanos = nanoClock.getAsLong();
        final Instant now = wallClock.instant();
        final SessionRecord record = adopted.disconnectedBy(now);
        final int index = nextIndex++;
        final SessionRecord local = new SessionRecord(index, record.tokenKey(), record.username(),
            record.tunnelGroup(), record.groupPolicy(), record.loginTime(), record.lastActivity(),
            record.disconnectedSince(), record.lease(), record.lease6(), record.clientAddress(), record.userAgent(),
            null, record.aaa());
        final Session session = Session.restored(local, nanosAt(local.loginTime(), now, nowNanos),
            nanosAt(local.lastActivity(), now, nowNanos), nanosAt(local.disconnectedSince(), now, nowNanos));
        String why = SessionTimers.of(policyOf(session)).expiry(session, nowNanos);
        if (why == null)
        {
            why = reserveLeases(local);
            if (why != null && yieldToCluster(local))
            {
                why = reserveLeases(local);
            }
        }
        if (why != null)
        {
            LOG.info("session of user {} from another member not taken over: {}", local.username(), why);
            store.remove(local.tokenKey());
            return null;
        }
        byToken.put(local.tokenKey(), session);
        byIndex.put(index, session);
        deadlines.arm(index, nowNanos);
        peakConcurrent = Math.max(peakConcurrent, byIndex.size());
        store(session);
        LOG.info("session {} of user {} taken over from another cluster member, address {}", index,
            local.username(), local.lease() == null ? "none yet" : Ipv4.format(local.lease().address()));
        events.sessionStarted(session);
        return session;
    }

    /**
     * The cluster has just made {@code adopted}'s addresses its own (its transaction is the arbiter), so nothing here
     * can hold them in the cluster. A session here that leased one from the local pool but has no tunnel on it yet
     * (its claim still on its way, or refused meanwhile) gives it up and picks another at its next CONNECT, as when the
     * cluster refuses its claim; an address no session here uses, which the pool kept out because the cluster once
     * said another member's session held it ({@link #addressTaken}), is this session's now (a fixed or DHCP one too). A
     * session here keeps the address when its tunnel is up on it, or when it is a fixed or DHCP address. True when an
     * address was given up.
     */
    private boolean yieldToCluster(final SessionRecord adopted)
    {
        boolean yielded = false;
        final AddressPools.Lease wanted = adopted.lease();
        if (wanted != null)
        {
            final Session holder = byIndex.values().stream().filter(s -> !s.ended() && s.lease() != null
                && s.lease().address() == wanted.address()).findFirst().orElse(null);
            if (holder == null || (holder.tunnel() == null && !AddressPools.isHostLease(wanted)))
            {
                LOG.warn("{}address {} yields to a session taken over from another member, which holds it in the "
                    + "cluster{}", holder == null ? "" : "session " + holder.index() + ": ",
                    Ipv4.format(wanted.address()), holder == null ? "" : "; picking another");
                pools.release(holder == null ? wanted : holder.lease());
                if (holder != null)
                {
                    holder.lease(null);
                }
                yielded = true;
            }
        }
        final AddressPools.Lease6 wanted6 = adopted.lease6();
        if (wanted6 != null)
        {
            final Session holder = byIndex.values().stream().filter(s -> !s.ended() && s.lease6() != null
                && s.lease6().address().equals(wanted6.address())).findFirst().orElse(null);
            if (holder == null || holder.tunnel() == null)
            {
                LOG.warn("{}address {} yields to a session taken over from another member, which holds it in the "
                    + "cluster{}", holder == null ? "" : "session " + holder.index() + ": ",
                    Ipv6.format(wanted6.address()), holder == null ? "" : "; picking another");
                pools.release6(holder == null ? wanted6 : holder.lease6());
                if (holder != null)
                {
                    holder.lease6(null);
                }
                yielded = true;
            }
        }
        return yielded;
    }

    /**
     * The cluster says session {@code tokenKey} is no longer this member's: logged off on another member
     * ({@code loggedOff}: the client is told to stop, as for a local logoff), or taken over by another member (its
     * tunnel here is dropped without a word: the client is already elsewhere, or a stale tunnel must not go on).
     */
    public void lost(final String tokenKey, final String why, final boolean loggedOff)
    {
        final Session session = byToken.get(tokenKey);
        if (session == null || session.ended())
        {
            return;
        }
        final Session.Tunnel tunnel = session.tunnel();
        if (!loggedOff && tunnel != null)
        {
            tunnel.handle().drop(why);
            tunnelGone(session, tunnel, why);
        }
        end(session, why);
    }

    /**
     * The cluster refused the session's new address: another member's session holds it. The address stays out of
     * this member's pool (it is in use elsewhere), held by no session here, until a session taken over from another
     * member brings it ({@link #yieldToCluster}); the session's next {@link #lease} picks another one.
     */
    public void addressTaken(final Session session, final boolean ipv6)
    {
        LOG.warn("session {}: address {} is held by a session of another cluster member; picking another",
            session.index(), ipv6 ? Ipv6.format(session.lease6().address()) : Ipv4.format(session.lease().address()));
        if (ipv6)
        {
            session.lease6(null);
        }
        else
        {
            session.lease(null);
        }
    }

    /**
     * The cluster confirmed none of the session's addresses after every try: they go back to the pool, so that no
     * address is held here for a session without a tunnel while the cluster may give it to another member's session
     * (which this member could then not take over). The session's next CONNECT leases and claims afresh.
     */
    public void addressesUnconfirmed(final Session session)
    {
        if (session.lease() != null)
        {
            pools.release(session.lease());
            session.lease(null);
        }
        if (session.lease6() != null)
        {
            pools.release6(session.lease6());
            session.lease6(null);
        }
    }

    /** How many sessions are open (cluster load). Control thread. */
    public int count()
    {
        return byIndex.size();
    }

    /** Takes the record's leases back from the pools; null when done, else why not (nothing is then kept). */
    private String reserveLeases(final SessionRecord record)
    {
        if (record.lease() != null)
        {
            final String why = record.dhcp() != null ? reserveDhcp(record) : pools.reserve(record.lease());
            if (why != null)
            {
                return "IPv4 address " + Ipv4.format(record.lease().address()) + ": " + why;
            }
        }
        if (record.lease6() != null)
        {
            final String why = pools.reserve6(record.lease6());
            if (why != null)
            {
                if (record.lease() != null)
                {
                    pools.release(record.lease());
                }
                return "IPv6 address " + Ipv6.format(record.lease6().address()) + ": " + why;
            }
        }
        return null;
    }

    /**
     * Takes back the address of a DHCP lease an earlier run kept (the server is asked to confirm it before the client
     * gets it: {@code DhcpAddresses}); null when taken, else why not.
     */
    private String reserveDhcp(final SessionRecord record)
    {
        if (record.dhcp().expires() != null && !record.dhcp().expires().isAfter(wallClock.instant()))
        {
            return "its DHCP lease ran out while the headend was down";
        }
        if (pools.allocateDhcp(record.lease().address(), record.lease().mask()) == null)
        {
            return "the address is leased to another session";
        }
        return null; // its host route comes with the others' after the restore
    }

    /** Where the wall-clock {@code when} falls on the monotonic clock (never in the future, at most a year back). */
    private static long nanosAt(final Instant when, final Instant now, final long nowNanos)
    {
        final long agoMillis = Math.clamp(now.toEpochMilli() - when.toEpochMilli(), 0, TimeUnit.DAYS.toMillis(365));
        return nowNanos - TimeUnit.MILLISECONDS.toNanos(agoMillis);
    }

    /** Hands the session's current state to the store (which writes it later, on its own thread). */
    private void store(final Session session)
    {
        if (session.ended())
        {
            // an ended session is removed from the store; writing it again would bring its cookie back
            return;
        }
        final long nowNanos = nanoClock.getAsLong();
        final Instant now = wallClock.instant();
        session.storedTrafficNanos(session.lastTrafficNanos());
        store.put(new SessionRecord(session.index(), session.tokenKey(), session.username(), session.tunnelGroup(),
            session.groupPolicy(), session.loginTime(), instantAt(session.lastTrafficNanos(), now, nowNanos),
            session.tunnel() == null ? instantAt(session.disconnectedSinceNanos(), now, nowNanos) : null,
            session.lease(), session.lease6(), session.lastClient().address(), session.lastClient().userAgent(),
            session.dhcp(), session.aaa()));
    }

    private static Instant instantAt(final long nanos, final Instant now, final long nowNanos)
    {
        return now.minusNanos(Math.max(0, nowNanos - nanos));
    }

    /** Live sessions, by index. Control thread. */
    public List<Session> list()
    {
        return List.copyOf(byIndex.values());
    }

    @Override
    public List<SessionView> sessions()
    {
        return onControl(() ->
        {
            final List<SessionView> views = new ArrayList<>();
            final long now = nanoClock.getAsLong();
            for (final Session session : byIndex.values())
            {
                views.add(view(session, now));
            }
            return views;
        });
    }

    /** {@code session} as {@code show vpn-sessiondb} shows it now. Control thread. */
    public SessionView view(final Session session)
    {
        return view(session, nanoClock.getAsLong());
    }

    /** Session {@code index} as {@code show vpn-sessiondb} shows it now, or null when it ended. Control thread. */
    public SessionView view(final int index)
    {
        final Session session = byIndex.get(index);
        return session == null ? null : view(session, nanoClock.getAsLong());
    }

    private SessionView view(final Session session, final long now)
    {
        final List<SessionView.TunnelView> tunnels = new ArrayList<>();
        final Session.Tunnel tunnel = session.tunnel();
        if (tunnel != null && tunnel.handle() instanceof org.headend.dataplane.api.EspTunnel esp)
        {
            // an IKEv2 session: the IKE SA and its ESP-in-UDP CHILD_SA, as the ASA lists them
            tunnels.add(new SessionView.TunnelView("IKEv2", esp.cipherName(), "none", "IKEv2",
                tunnel.client().port(), 500));
            tunnels.add(new SessionView.TunnelView("IPsecOverNatT", esp.cipherName(), "none", "ESP",
                esp.peer() == null ? tunnel.client().port() : esp.peer().getPort(), tunnel.client().localPort()));
        }
        else if (tunnel != null)
        {
            final CipherNames names = CipherNames.of(tunnel.client().cipherSuite());
            final RoundTripTimes tls = tunnel.handle().tlsRoundTrips();
            tunnels.add(new SessionView.TunnelView("SSL-Tunnel", names.encryption(), names.hashing(),
                tunnel.client().tlsProtocol(), tunnel.client().port(), tunnel.client().localPort(), tls.last(),
                tls.average()));
            final DtlsLink endpoint = dtls == null ? null : dtls.endpoint(tunnel.tunnelId());
            if (endpoint != null)
            {
                final RoundTripTimes udp = tunnel.handle().dtlsRoundTrips();
                tunnels.add(new SessionView.TunnelView("DTLS-Tunnel", endpoint.cipherName(), endpoint.hashName(),
                    "DTLSv1.2", endpoint.peer().getPort(), dtls.udpPort(tunnel.tunnelId()), udp.last(), udp.average()));
            }
        }
        return new SessionView(session.index(), session.username(),
            session.lease() == null ? null : Ipv4.format(session.lease().address()),
            session.lastClient().address(), tunnels, session.txBytes(), session.rxBytes(), session.txPackets(),
            session.rxPackets(), session.groupPolicy(), session.tunnelGroup(), session.loginTime(),
            Duration.ofNanos(now - session.loginNanos()),
            tunnel == null ? Duration.ofNanos(now - session.disconnectedSinceNanos()) : Duration.ZERO,
            session.lastClient().userAgent(),
            session.lease6() == null ? null : Ipv6.format(session.lease6().address()), session.txDrops(),
            session.rxDrops(), session.clientless());
    }

    @Override
    public SessionTotals totals()
    {
        return onControl(() -> new SessionTotals(nextIndex - 1, peakConcurrent));
    }

    @Override
    public int logoffByName(final String username)
    {
        return onControl(() -> endMatching(s -> s.username().equals(username), "logged off by the administrator"));
    }

    @Override
    public int logoffByIndex(final int index)
    {
        return onControl(() -> endMatching(s -> s.index() == index, "logged off by the administrator"));
    }

    @Override
    public int logoffAll()
    {
        return onControl(() -> endMatching(s -> true, "logged off by the administrator"));
    }

    private int endMatching(final Predicate<Session> which, final String why)
    {
        int count = 0;
        for (final Session session : List.copyOf(byIndex.values()))
        {
            if (which.test(session))
            {
                end(session, why);
                count++;
            }
        }
        return count;
    }

    private <T> T onControl(final Callable<T> task)
    {
        try
        {
            return control.submit(task).get(10, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for the control thread", ex);
        }
        catch (final ExecutionException | TimeoutException ex)
        {
            throw new IllegalStateException("the control thread did not answer", ex);
        }
    }
}
