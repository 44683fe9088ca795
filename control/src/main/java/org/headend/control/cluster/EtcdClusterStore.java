package org.headend.control.cluster;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.headend.control.session.SessionRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ClusterStore} in etcd, through its JSON gateway. Key layout under {@code /vpn/<cluster>/}:
 * <ul>
 * <li>{@code members/<name>}: the member's URL and load, on its member lease (TTL {@link #MEMBER_TTL_SECONDS});
 * gone when the member dies.</li>
 * <li>{@code director}: the name of the member holding the director role, created only if absent, on that member's
 * lease: the election.</li>
 * <li>{@code sessions/<cookie hash>} and {@code addrs/<address>}: a session and its addresses, on the owner's
 * session lease (TTL {@link #sessionTtlSeconds}, far longer than the member lease) so that a dead member's sessions
 * wait for their clients to reconnect elsewhere, and then expire.</li>
 * <li>{@code lockout/<user>}: failed-login count and lock time, updated by compare-and-swap.</li>
 * </ul>
 * Every write of a session is guarded by the revision this member last wrote, so a member that lost a session (logged
 * off elsewhere, taken over, expired while it was cut off) can never write it back; it hears of the loss and tears
 * its tunnel down (fencing).
 * <p>
 * A member cut off from etcd hears of nothing, so it fences itself: when it cannot show that its member lease lives
 * ({@link LeaseFence}), it drops every tunnel (without a word: the clients reconnect) and takes no session in until
 * etcd answers again. A member that takes a session over from another waits until that owner has let go of it (its
 * member record's {@code released} revision passed the takeover) or is gone (its lease expired, so it fenced itself
 * before): no two members ever serve one session.
 * <p>
 * One thread ({@code cluster-store}) writes, publishes the member record and campaigns; another
 * ({@code cluster-lease}) renews the member lease and watches the fence deadline; the gateway's threads carry the
 * calls; listeners run on the control executor.
 */
public final class EtcdClusterStore implements ClusterStore
{
    static final long MEMBER_TTL_SECONDS = 10;
    private static final long HEARTBEAT_MILLIS = 3_000;
    /** Renewals of the member lease: many within the TTL, so that a slow or lost one does not fence the member. */
    private static final long RENEW_MILLIS = 1_000;
    private static final int MAX_RENEWALS_IN_FLIGHT = 3;
    /** How long a takeover waits for the old owner to let go: beyond its lease's expiry, which ends the wait. */
    private static final long RELEASE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(MEMBER_TTL_SECONDS + 10);
    private static final long RELEASE_POLL_MILLIS = 200;
    private static final int MAX_PENDING = 100_000;
    private static final int MAX_IN_FLIGHT = 64;
    private static final int LOCK_FAILURES = org.headend.control.auth.FailedLoginLimiter.MAX_USER_FAILURES;
    private static final long LOCK_WINDOW_MILLIS = TimeUnit.NANOSECONDS.toMillis(
        org.headend.control.auth.FailedLoginLimiter.WINDOW_NANOS);
    private static final long LOCK_MILLIS = TimeUnit.NANOSECONDS.toMillis(
        org.headend.control.auth.FailedLoginLimiter.LOCKOUT_NANOS);
    /** How often the member looks for address claims of its own that no session of its uses. */
    private static final long ORPHAN_SWEEP_MILLIS = 30_000;
    /**
     * How long such a claim must stay unused before it goes: longer than a claim can take (one call per endpoint,
     * each up to the gateway's timeout), so that a claim whose answer is still on its way is never taken.
     */
    private static final long ORPHAN_GRACE_MILLIS = 20_000;
    private static final Logger LOG = LoggerFactory.getLogger(EtcdClusterStore.class);

    private final EtcdGateway etcd;
    private final String prefix;
    private final String member;
    private final String url;
    private volatile int priority;
    private volatile boolean participate;
    private final long sessionTtlSeconds;
    private final Executor control;
    private final Clock clock;
    private final ScheduledExecutorService writer;
    private final ScheduledExecutorService leaseThread;
    private final java.util.function.LongSupplier nanos = System::nanoTime;
    private final java.util.concurrent.atomic.AtomicInteger renewals = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicBoolean granting = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile LeaseFence fence;
    /** Counts fences: a write that began before the latest fence must not make its session this member's again. */
    private volatile int fences;
    /** The session watch's revision whose consequences the control thread has carried out (published). */
    private volatile long released;
    /** Sessions taken over here whose old owner has not yet been seen letting go: tokenKey → (owner, revision). */
    private final Map<String, Handoff> handoffs = new ConcurrentHashMap<>();
    /** Sessions of this member: cookie hash → the revision of our last write of it. */
    private final Map<String, Long> owned = new ConcurrentHashMap<>();
    /** The addresses each session of ours claimed, for their release. */
    private final Map<String, List<String>> claimed = new ConcurrentHashMap<>();
    /**
     * Sessions ended here whose deletion etcd has not confirmed: retried with every heartbeat until it has, so that a
     * logoff while etcd cannot be reached is not forgotten (the cookie would live on in the cluster). A fence leaves
     * them be.
     */
    private final Map<String, Logoff> logoffs = new ConcurrentHashMap<>();
    /** Where {@link #logoffs} outlive this process; null: nowhere. */
    private final LogoffJournal journal;
    /** Those of {@link #logoffs} with a deletion in flight. */
    private final java.util.Set<String> deleting = ConcurrentHashMap.newKeySet();
    /** Writes not yet done, latest per session (null value: remove). */
    private final Map<String, java.util.Optional<SessionRecord>> pending = new ConcurrentHashMap<>();
    /** Sessions with a write in flight. */
    private final java.util.Set<String> writing = ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(MAX_IN_FLIGHT);
    private volatile LostListener lost = (key, why, off) -> { };
    private volatile long memberLease;
    private volatile long sessionLease;
    private volatile long lastSessionRenewMillis;
    private volatile String director;
    /** The live members as the last heartbeat saw them, with the logins sent to each since (director). */
    private volatile List<ClusterMember> membersSeen = List.of();
    private volatile int sessions;
    private volatile int maxSessions;
    private volatile boolean closed;
    private long orphanSweepMillis = ORPHAN_SWEEP_MILLIS;
    private long orphanGraceMillis = ORPHAN_GRACE_MILLIS;
    /** Claims on our session lease that no session here uses, when first seen so (cluster-store thread). */
    private Map<String, Orphan> orphans = new java.util.HashMap<>();

    /**
     * @param etcd              the gateway client (closed with the store)
     * @param cluster           the cluster's name: members with the same name share state
     * @param member            this member's unique name, the same across its restarts
     * @param url               where the director sends clients to this member, e.g. {@code https://192.0.2.21}
     * @param priority          1–10; a member of higher priority campaigns for director first
     * @param participate       whether this member takes part in director election and redirects
     * @param sessionTtlSeconds how long a dead member's sessions wait for their clients to come back elsewhere
     * @param control           where listeners run (the control thread)
     */
    public EtcdClusterStore(final EtcdGateway etcd, final String cluster, final String member, final String url,
        final int priority, final boolean participate, final long sessionTtlSeconds, final Executor control,
        final Clock clock)
    {
        this(etcd, cluster, member, url, priority, participate, sessionTtlSeconds, control, clock, null);
    }

    /**
     * As the constructor above, with the sessions ended here whose deletion etcd has not confirmed kept in
     * {@code logoffJournal} (a file of the member's state directory; null: in memory only), so that they are carried
     * out after a restart too.
     */
    public EtcdClusterStore(final EtcdGateway etcd, final String cluster, final String member, final String url,
        final int priority, final boolean participate, final long sessionTtlSeconds, final Executor control,
        final Clock clock, final java.nio.file.Path logoffJournal)
    {
        this.journal = logoffJournal == null ? null : new LogoffJournal(logoffJournal);
        this.etcd = etcd;
        this.prefix = "/vpn/" + cluster + "/";
        this.member = member;
        this.url = url;
        this.priority = priority;
        this.participate = participate;
        this.sessionTtlSeconds = sessionTtlSeconds;
        this.control = control;
        this.clock = clock;
        final ScheduledThreadPoolExecutor thread = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().daemon()
            .name("cluster-store").factory());
        thread.setRemoveOnCancelPolicy(true);
        this.writer = thread;
        this.leaseThread = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
            .name("cluster-lease").factory());
    }

    /** An unused address claim as a sweep saw it: its revision then, and since when it is unused. */
    private record Orphan(long modRevision, long sinceNanos)
    {
    }

    /** Sweeps for unused claims more often (tests); before {@link #start}. */
    void sweepOrphans(final long periodMillis, final long graceMillis)
    {
        orphanSweepMillis = periodMillis;
        orphanGraceMillis = graceMillis;
    }

    /** An ended session to delete from etcd: the revision of our last write of it, and its addresses. */
    private record Logoff(long revision, List<String> addresses)
    {
    }

    /** A takeover waiting for the session's old owner to let go. */
    private record Handoff(String owner, long revision)
    {
    }

    /**
     * Joins the cluster: takes the member and session leases, registers, starts the heartbeat and the watches.
     * Blocks (at start, before the appliance serves anyone) until etcd answered or {@code timeoutSeconds} passed.
     */
    public void start(final long timeoutSeconds) throws Exception
    {
        final long sent = nanos.getAsLong();
        memberLease = etcd.grant(MEMBER_TTL_SECONDS).get(timeoutSeconds, TimeUnit.SECONDS);
        fence = new LeaseFence(sent, MEMBER_TTL_SECONDS);
        sessionLease = etcd.grant(sessionTtlSeconds).get(timeoutSeconds, TimeUnit.SECONDS);
        lastSessionRenewMillis = clock.millis();
        publishMember().get(timeoutSeconds, TimeUnit.SECONDS);
        final long revision = etcd.txn(List.of(), List.of(), List.of()).get(timeoutSeconds, TimeUnit.SECONDS)
            .revision();
        // what this member holds is read from here on: it has nothing older to let go of
        released = revision;
        etcd.watch(prefix + "sessions/", revision + 1, this::onSessionEvent);
        etcd.watch(prefix + "director", revision + 1, event -> director = event.deleted() ? null
            : event.kv().value());
        final EtcdGateway.Kv current = etcd.get(prefix + "director").get(timeoutSeconds, TimeUnit.SECONDS);
        director = current == null ? null : current.value();
        if (journal != null)
        {
            journal.load().forEach((key, entry) -> logoffs.put(key, new Logoff(entry.revision(), entry.addresses())));
            if (!logoffs.isEmpty())
            {
                LOG.warn("{} session(s) ended here before a restart are not yet deleted from the cluster: deleting",
                    logoffs.size());
            }
        }
        writer.scheduleWithFixedDelay(this::heartbeat, HEARTBEAT_MILLIS, HEARTBEAT_MILLIS, TimeUnit.MILLISECONDS);
        writer.scheduleWithFixedDelay(this::sweepOrphans, orphanSweepMillis, orphanSweepMillis,
            TimeUnit.MILLISECONDS);
        leaseThread.scheduleAtFixedRate(this::renew, RENEW_MILLIS, RENEW_MILLIS, TimeUnit.MILLISECONDS);
        leaseThread.scheduleAtFixedRate(this::checkFence, 100, 100, TimeUnit.MILLISECONDS);
        writer.execute(this::campaign);
        LOG.info("joined cluster {} as member {} ({} participate)", prefix, member, participate ? "does" : "does not");
    }

    @Override
    public String member()
    {
        return member;
    }

    @Override
    public void onLost(final LostListener listener)
    {
        lost = listener;
    }

    private String sessionKey(final String tokenKey)
    {
        return prefix + "sessions/" + tokenKey;
    }

    private String addrKey(final String address)
    {
        return prefix + "addrs/" + address;
    }

    private String lockKey(final String user)
    {
        return prefix + "lockout/" + (user == null ? "" : user.strip().toLowerCase(Locale.ROOT));
    }

    // ---- SessionStore: this member's sessions, written in the background

    /**
     * This member's sessions still in etcd (a restart of a member that was not taken over). Each is moved, with its
     * address claims, onto this run's session lease: left on the dead run's lease, which nobody renews any more, the
     * claims would expire while the session lives on, and its address could then be given to another session.
     */
    @Override
    public List<SessionRecord> load()
    {
        final List<SessionRecord> mine = new ArrayList<>();
        try
        {
            final Map<String, CompletableFuture<EtcdGateway.TxnResult>> attached = new LinkedHashMap<>();
            final Map<String, SessionRecord> records = new java.util.HashMap<>();
            for (final EtcdGateway.Kv kv : etcd.rangePrefix(prefix + "sessions/").get(10, TimeUnit.SECONDS))
            {
                final String tokenKey = kv.key().substring((prefix + "sessions/").length());
                final SessionJson.Owned session = SessionJson.read(tokenKey, kv.value());
                // a session ended here before a restart stays ended: its deletion is under way
                if (member.equals(session.owner()) && !logoffs.containsKey(tokenKey))
                {
                    records.put(tokenKey, session.record());
                    attached.put(tokenKey, attach(tokenKey, kv, session.record()));
                }
            }
            for (final var entry : attached.entrySet())
            {
                final String tokenKey = entry.getKey();
                final EtcdGateway.TxnResult result = entry.getValue().get(10, TimeUnit.SECONDS);
                if (result == null || !result.succeeded())
                {
                    LOG.warn("session {}… not taken back: {}", brief(tokenKey), result == null
                        ? "its address is another session's" : "it changed in the cluster meanwhile");
                    continue;
                }
                final SessionRecord record = records.get(tokenKey);
                owned.put(tokenKey, result.revision());
                claimed.put(tokenKey, addresses(record));
                mine.add(record);
            }
        }
        catch (final Exception ex)
        {
            LOG.error("the cluster's sessions could not be read: starting with none of this member's", ex);
        }
        LOG.info("{} session(s) of member {} found in the cluster", mine.size(), member);
        return mine;
    }

    @Override
    public void put(final SessionRecord record)
    {
        queue(record.tokenKey(), java.util.Optional.of(record));
    }

    @Override
    public void remove(final String tokenKey)
    {
        queue(tokenKey, java.util.Optional.empty());
    }

    private void queue(final String tokenKey, final java.util.Optional<SessionRecord> what)
    {
        if (closed)
        {
            return;
        }
        if (pending.size() >= MAX_PENDING && !pending.containsKey(tokenKey))
        {
            LOG.warn("cluster write queue full: the change of one session is not written");
            return;
        }
        if (pending.put(tokenKey, what) == null)
        {
            writer.execute(() -> write(tokenKey));
        }
    }

    /**
     * Starts the latest pending change of one session (cluster-store thread). Writes of different sessions overlap
     * (up to {@link #MAX_IN_FLIGHT}); those of one session follow each other, since each is guarded by the revision
     * the one before it made.
     */
    private void write(final String tokenKey)
    {
        if (!writing.add(tokenKey))
        {
            return; // its write in flight starts the next one when done
        }
        final java.util.Optional<SessionRecord> what = pending.remove(tokenKey);
        if (what == null)
        {
            writing.remove(tokenKey);
            return;
        }
        try
        {
            inFlight.acquire();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            writing.remove(tokenKey);
            return;
        }
        final CompletableFuture<Void> done = what.isPresent() ? writeSession(what.get()) : deleteSession(tokenKey);
        done.orTimeout(10, TimeUnit.SECONDS).whenComplete((v, error) ->
        {
            inFlight.release();
            writing.remove(tokenKey);
            if (error != null)
            {
                LOG.warn("cluster write of a session failed ({}); {}", error.toString(), what.isPresent()
                    ? "it is written again at its next change" : "its deletion is retried with the heartbeat");
            }
            if (pending.containsKey(tokenKey) && !closed)
            {
                writer.execute(() -> write(tokenKey));
            }
        });
    }

    private CompletableFuture<Void> writeSession(final SessionRecord record)
    {
        final String key = sessionKey(record.tokenKey());
        final Long revision = owned.get(record.tokenKey());
        final var guard = revision == null ? Txn.absent(key) : Txn.modifiedAt(key, revision);
        final int epoch = fences;
        final String value = SessionJson.write(record, member);
        return etcd.txn(List.of(guard), List.of(Txn.put(key, value, sessionLease)), List.of(Txn.get(key)))
            .thenAccept(result ->
            {
                // a retry on another endpoint finds this very write done when etcd carried out a first try whose
                // answer was lost: the session is ours at that revision (else a logoff would not delete it)
                final long mine = result.succeeded() ? result.revision() : result.ranged().isEmpty()
                    || !value.equals(result.ranged().get(0).value()) ? 0 : result.ranged().get(0).modRevision();
                if (mine != 0)
                {
                    if (epoch == fences)
                    {
                        owned.put(record.tokenKey(), mine);
                    }
                    return;
                }
                // someone else wrote it since: logged off (gone), or taken over by another member
                final boolean off = result.ranged().isEmpty();
                final String why = off ? "logged off on another member" : "taken over by member "
                    + SessionJson.read(record.tokenKey(), result.ranged().get(0).value()).owner();
                if (owned.remove(record.tokenKey()) != null)
                {
                    claimed.remove(record.tokenKey());
                    control.execute(() -> lost.lost(record.tokenKey(), why, off));
                }
            });
    }

    private CompletableFuture<Void> deleteSession(final String tokenKey)
    {
        final Long revision = owned.remove(tokenKey);
        final List<String> addresses = claimed.remove(tokenKey);
        if (revision == null)
        {
            return CompletableFuture.completedFuture(null);
        }
        final Logoff logoff = new Logoff(revision, addresses == null ? List.of() : addresses);
        logoffs.put(tokenKey, logoff);
        if (journal != null)
        {
            journal.ended(tokenKey, new LogoffJournal.Entry(revision, logoff.addresses()));
        }
        return delete(tokenKey, logoff);
    }

    /**
     * Deletes an ended session and its address claims in one transaction guarded by our last write of it; done
     * (forgotten) once etcd answered, whether it deleted (ours) or not (someone wrote the session since: another
     * member took it over, and its address claims, which carry the same cookie hash, are that member's now). One
     * transaction, so that a member that sees the session gone also finds its addresses free, and a late retry of
     * this logoff never frees the addresses of the session another member serves.
     */
    private CompletableFuture<Void> delete(final String tokenKey, final Logoff logoff)
    {
        if (!deleting.add(tokenKey))
        {
            return CompletableFuture.completedFuture(null);
        }
        final String key = sessionKey(tokenKey);
        final List<Map<String, Object>> deletes = new ArrayList<>();
        deletes.add(Txn.delete(key));
        for (final String address : logoff.addresses())
        {
            deletes.add(Txn.delete(addrKey(address)));
        }
        return etcd.txn(List.of(Txn.modifiedAt(key, logoff.revision())), deletes, List.of())
            .whenComplete((r, error) -> deleting.remove(tokenKey))
            .thenAccept(deleted ->
            {
                final boolean mine = logoffs.remove(tokenKey, logoff);
                if (mine && journal != null)
                {
                    journal.done(tokenKey);
                }
                if (mine && !deleted.succeeded())
                {
                    LOG.warn("session {}… ended here was written by another member since: it stays there",
                        brief(tokenKey));
                }
            });
    }

    /** Retries the deletions etcd has not confirmed (cluster-store thread, with the heartbeat). */
    private void retryLogoffs()
    {
        logoffs.forEach((tokenKey, logoff) -> delete(tokenKey, logoff).exceptionally(error -> null));
        if (!logoffs.isEmpty())
        {
            LOG.info("{} ended session(s) not yet deleted from the cluster: retried", logoffs.size());
        }
    }

    /**
     * A change under {@code sessions/} (watch thread): a session of ours deleted or written by someone else. Each
     * change is passed through the control thread, in order, so that {@link #released} counts only what was carried
     * out there: a member taking a session over from this one waits for it.
     */
    private void onSessionEvent(final EtcdGateway.Event event)
    {
        final long revision = event.kv().modRevision();
        if (!lose(event))
        {
            control.execute(() -> released = Math.max(released, revision));
        }
    }

    /** Whether {@code event} took a session from this member; if so its loss is passed on, then published. */
    private boolean lose(final EtcdGateway.Event event)
    {
        final String tokenKey = event.kv().key().substring((prefix + "sessions/").length());
        final Long ours = owned.get(tokenKey);
        final long revision = event.kv().modRevision();
        if (ours == null || revision <= ours)
        {
            return false;
        }
        String why = null;
        if (event.deleted())
        {
            why = "logged off on another member";
        }
        else
        {
            final String owner = SessionJson.read(tokenKey, event.kv().value()).owner();
            if (!member.equals(owner))
            {
                why = "taken over by member " + owner;
            }
        }
        if (why != null && owned.remove(tokenKey, ours))
        {
            claimed.remove(tokenKey);
            final String because = why;
            final boolean off = event.deleted();
            LOG.info("session {}…: {}", brief(tokenKey), because);
            control.execute(() ->
            {
                lost.lost(tokenKey, because, off);
                released = Math.max(released, revision);
                // the member that took it over is waiting for this
                publishSoon();
            });
            return true;
        }
        return false;
    }

    private static List<String> addresses(final SessionRecord record)
    {
        final List<String> addresses = new ArrayList<>();
        if (record.lease() != null)
        {
            addresses.add(org.headend.control.config.grammar.Ipv4.format(record.lease().address()));
        }
        if (record.lease6() != null)
        {
            addresses.add(record.lease6().address().getHostAddress());
        }
        return addresses;
    }

    // ---- takeover and address claims

    @Override
    public CompletableFuture<SessionRecord> adopt(final String tokenKey)
    {
        if (fence.fenced())
        {
            return CompletableFuture.failedFuture(fencedError());
        }
        if (logoffs.containsKey(tokenKey))
        {
            // ended here, its deletion not yet confirmed: the cookie is refused, as it will be everywhere
            return CompletableFuture.completedFuture(null);
        }
        return adopt(tokenKey, 3, fences);
    }

    /** The start of a cookie hash, enough to follow one session through the log. */
    private static String brief(final String tokenKey)
    {
        return tokenKey.length() > 8 ? tokenKey.substring(0, 8) : tokenKey;
    }

    private static EtcdGateway.EtcdException fencedError()
    {
        return new EtcdGateway.EtcdException("this member is cut off from the cluster (fenced)");
    }

    private CompletableFuture<SessionRecord> adopt(final String tokenKey, final int triesLeft, final int epoch)
    {
        final String key = sessionKey(tokenKey);
        return etcd.get(key).thenCompose(kv ->
        {
            if (kv == null)
            {
                return CompletableFuture.completedFuture(null);
            }
            final SessionJson.Owned session = SessionJson.read(tokenKey, kv.value());
            final Handoff waiting = handoffs.get(tokenKey);
            if (member.equals(session.owner()) && waiting != null)
            {
                // taken over here before, but the old owner was not yet seen letting go: wait again
                return letGo(tokenKey, waiting, nanos.getAsLong() + RELEASE_WAIT_NANOS)
                    .thenApply(v -> session.record());
            }
            return attach(tokenKey, kv, session.record()).thenCompose(result ->
            {
                if (result == null)
                {
                    LOG.warn("session {}… not taken over: its address is another session's", brief(tokenKey));
                    return CompletableFuture.completedFuture((SessionRecord)null);
                }
                if (result.succeeded() && epoch != fences)
                {
                    // fenced meanwhile: the session waits in the cluster for a member that serves
                    return CompletableFuture.<SessionRecord>failedFuture(fencedError());
                }
                if (result.succeeded())
                {
                    owned.put(tokenKey, result.revision());
                    claimed.put(tokenKey, addresses(session.record()));
                    LOG.info("session {}… of user {} taken over from member {}", brief(tokenKey),
                        session.record().username(), session.owner());
                    if (member.equals(session.owner()))
                    {
                        return CompletableFuture.completedFuture(session.record());
                    }
                    final Handoff handoff = new Handoff(session.owner(), result.revision());
                    handoffs.put(tokenKey, handoff);
                    return letGo(tokenKey, handoff, nanos.getAsLong() + RELEASE_WAIT_NANOS)
                        .thenApply(done -> session.record());
                }
                return triesLeft > 1 ? adopt(tokenKey, triesLeft - 1, epoch)
                    : CompletableFuture.completedFuture((SessionRecord)null);
            });
        });
    }

    /**
     * Makes this member the owner of session {@code kv} on this run's session lease, its address claims moved onto
     * that lease with it, in one transaction guarded by the revisions read: it fails when the session or one of its
     * addresses changed since. Completes with null, without writing, when an address is another session's.
     */
    private CompletableFuture<EtcdGateway.TxnResult> attach(final String tokenKey, final EtcdGateway.Kv kv,
        final SessionRecord record)
    {
        final List<String> addresses = addresses(record);
        final List<CompletableFuture<EtcdGateway.Kv>> holders = addresses.stream().map(a -> etcd.get(addrKey(a)))
            .toList();
        return CompletableFuture.allOf(holders.toArray(CompletableFuture[]::new)).thenCompose(v ->
        {
            final List<Map<String, Object>> guards = new ArrayList<>();
            final List<Map<String, Object>> writes = new ArrayList<>();
            guards.add(Txn.modifiedAt(kv.key(), kv.modRevision()));
            writes.add(Txn.put(kv.key(), SessionJson.write(record, member), sessionLease));
            for (int i = 0; i < addresses.size(); i++)
            {
                final EtcdGateway.Kv holder = holders.get(i).join();
                if (holder != null && !tokenKey.equals(holder.value()))
                {
                    return CompletableFuture.completedFuture((EtcdGateway.TxnResult)null);
                }
                // guarded as read: nobody claims the address between this read and the write
                guards.add(Txn.modifiedAt(addrKey(addresses.get(i)), holder == null ? 0 : holder.modRevision()));
                writes.add(Txn.put(addrKey(addresses.get(i)), tokenKey, sessionLease));
            }
            return etcd.txn(guards, writes, List.of());
        });
    }

    /**
     * Completes once the session's old owner no longer serves it: its member record shows it carried out the
     * takeover, or the record is gone (its lease expired, so it fenced itself before). Fails after
     * {@code deadlineNanos} (the client gets 503 and retries; the wait then goes on).
     */
    private CompletableFuture<Void> letGo(final String tokenKey, final Handoff handoff, final long deadlineNanos)
    {
        return etcd.get(prefix + "members/" + handoff.owner()).thenCompose(kv ->
        {
            if (kv == null || EtcdGateway.number(Json.object(kv.value()).get("released")) >= handoff.revision())
            {
                handoffs.remove(tokenKey, handoff);
                return CompletableFuture.completedFuture((Void)null);
            }
            if (nanos.getAsLong() - deadlineNanos > 0 || closed)
            {
                return CompletableFuture.failedFuture(new EtcdGateway.EtcdException("member " + handoff.owner()
                    + " has not yet let go of the session"));
            }
            return CompletableFuture.runAsync(() -> { },
                CompletableFuture.delayedExecutor(RELEASE_POLL_MILLIS, TimeUnit.MILLISECONDS, leaseThread))
                .thenCompose(v -> letGo(tokenKey, handoff, deadlineNanos));
        });
    }

    @Override
    public CompletableFuture<Boolean> claim(final String tokenKey, final String address)
    {
        if (fence.fenced())
        {
            return CompletableFuture.failedFuture(fencedError());
        }
        final String key = addrKey(address);
        return etcd.txn(List.of(Txn.absent(key)), List.of(Txn.put(key, tokenKey, sessionLease)), List.of(Txn.get(key)))
            .thenApply(result ->
            {
                final boolean ours = result.succeeded()
                    || !result.ranged().isEmpty() && tokenKey.equals(result.ranged().get(0).value());
                if (ours)
                {
                    claimed.compute(tokenKey, (k, had) ->
                    {
                        final List<String> now = had == null ? new ArrayList<>() : new ArrayList<>(had);
                        if (!now.contains(address))
                        {
                            now.add(address);
                        }
                        return now;
                    });
                }
                return ours;
            });
    }

    /**
     * Releases address claims this member made that no session of its uses (cluster-store thread): a claim whose
     * answer was lost (etcd committed it, then the member was cut off before it heard) is one the session never
     * learned of, so no logoff or expiry releases it, and it would live on the member's session lease, renewed for
     * as long as the member lives. Only claims on this member's own lease are looked at (those are its own, not yet
     * taken over), and only those unused for {@link #orphanGraceMillis}; the delete is guarded by the revision seen.
     */
    private void sweepOrphans()
    {
        if (closed || fence.fenced())
        {
            return;
        }
        try
        {
            final long now = nanos.getAsLong();
            final Map<String, Orphan> seen = new java.util.HashMap<>();
            for (final EtcdGateway.Kv kv : etcd.rangePrefix(prefix + "addrs/").get(10, TimeUnit.SECONDS))
            {
                final String address = kv.key().substring((prefix + "addrs/").length());
                final List<String> used = claimed.get(kv.value());
                if (kv.lease() != sessionLease || used != null && used.contains(address))
                {
                    continue;
                }
                final Orphan before = orphans.get(kv.key());
                final Orphan orphan = before != null && before.modRevision() == kv.modRevision() ? before
                    : new Orphan(kv.modRevision(), now);
                if (now - orphan.sinceNanos() < TimeUnit.MILLISECONDS.toNanos(orphanGraceMillis))
                {
                    seen.put(kv.key(), orphan);
                    continue;
                }
                final boolean released = etcd.txn(List.of(Txn.modifiedAt(kv.key(), kv.modRevision())),
                    List.of(Txn.delete(kv.key())), List.of()).get(10, TimeUnit.SECONDS).succeeded();
                if (released)
                {
                    LOG.info("address {} released: its claim for session {}… was never used (its answer was lost)",
                        address, brief(kv.value()));
                }
            }
            orphans = seen;
        }
        catch (final Exception ex)
        {
            LOG.warn("sweep of unused address claims failed ({}); tried again later", ex.toString());
        }
    }

    // ---- cluster-wide views and operations

    @Override
    public CompletableFuture<List<ClusterSession>> sessions()
    {
        return etcd.rangePrefix(prefix + "sessions/").thenApply(kvs ->
        {
            final List<ClusterSession> all = new ArrayList<>();
            for (final EtcdGateway.Kv kv : kvs)
            {
                final SessionJson.Owned s = SessionJson.read(kv.key().substring((prefix + "sessions/").length()),
                    kv.value());
                all.add(new ClusterSession(s.record(), s.owner()));
            }
            return all;
        });
    }

    @Override
    public CompletableFuture<Integer> logoff(final Predicate<ClusterSession> which)
    {
        return etcd.rangePrefix(prefix + "sessions/").thenCompose(kvs ->
        {
            final List<CompletableFuture<Boolean>> ends = new ArrayList<>();
            for (final EtcdGateway.Kv kv : kvs)
            {
                final String tokenKey = kv.key().substring((prefix + "sessions/").length());
                final SessionJson.Owned owned = SessionJson.read(tokenKey, kv.value());
                final SessionRecord record = owned.record();
                if (!which.test(new ClusterSession(record, owned.owner())))
                {
                    continue;
                }
                final List<Map<String, Object>> deletes = new ArrayList<>();
                deletes.add(Txn.delete(kv.key()));
                for (final String address : addresses(record))
                {
                    deletes.add(Txn.delete(addrKey(address)));
                }
                ends.add(etcd.txn(List.of(Txn.modifiedAt(kv.key(), kv.modRevision())), deletes, List.of())
                    .thenApply(EtcdGateway.TxnResult::succeeded));
            }
            return CompletableFuture.allOf(ends.toArray(CompletableFuture[]::new)).thenApply(v ->
                (int)ends.stream().filter(f -> f.join()).count());
        });
    }

    @Override
    public CompletableFuture<Boolean> locked(final String user)
    {
        return etcd.get(lockKey(user)).thenApply(kv -> kv != null && lockedUntil(kv.value()) > clock.millis());
    }

    private static long lockedUntil(final String json)
    {
        return EtcdGateway.number(Json.object(json).get("until"));
    }

    @Override
    public CompletableFuture<Boolean> failed(final String user)
    {
        return failed(lockKey(user), 8);
    }

    private CompletableFuture<Boolean> failed(final String key, final int triesLeft)
    {
        return etcd.get(key).thenCompose(kv ->
        {
            final long now = clock.millis();
            long failures = 0;
            long since = now;
            long until = 0;
            if (kv != null)
            {
                final Map<String, Object> count = Json.object(kv.value());
                failures = EtcdGateway.number(count.get("failures"));
                since = EtcdGateway.number(count.get("since"));
                until = EtcdGateway.number(count.get("until"));
            }
            if (until > now)
            {
                return CompletableFuture.completedFuture(true);
            }
            if (now - since > LOCK_WINDOW_MILLIS || until != 0)
            {
                failures = 0;
                since = now;
                until = 0;
            }
            failures++;
            if (failures >= LOCK_FAILURES)
            {
                until = now + LOCK_MILLIS;
                failures = 0;
            }
            final Map<String, Object> next = new LinkedHashMap<>();
            next.put("failures", failures);
            next.put("since", since);
            next.put("until", until);
            final boolean nowLocked = until > now;
            return etcd.txn(List.of(Txn.modifiedAt(key, kv == null ? 0 : kv.modRevision())),
                List.of(Txn.put(key, Json.write(next), 0)), List.of()).thenCompose(result ->
                {
                    if (result.succeeded())
                    {
                        if (nowLocked)
                        {
                            LOG.info("a user is locked out cluster-wide after {} failed logins", LOCK_FAILURES);
                        }
                        return CompletableFuture.completedFuture(nowLocked);
                    }
                    return triesLeft > 1 ? failed(key, triesLeft - 1)
                        : CompletableFuture.failedFuture(new EtcdGateway.EtcdException(
                            "failed-login count contended too long"));
                });
        });
    }

    @Override
    public CompletableFuture<Void> succeeded(final String user)
    {
        // a locked user cannot succeed (the check refuses first), so deleting never lifts a lock early
        final String key = lockKey(user);
        return etcd.get(key).thenCompose(kv ->
        {
            if (kv == null || lockedUntil(kv.value()) > clock.millis())
            {
                return CompletableFuture.completedFuture(null);
            }
            return etcd.txn(List.of(Txn.modifiedAt(key, kv.modRevision())), List.of(Txn.delete(key)), List.of())
                .thenApply(r -> null);
        });
    }

    @Override
    public CompletableFuture<List<ClusterMember>> members()
    {
        return etcd.rangePrefix(prefix + "members/").thenApply(kvs ->
        {
            final List<ClusterMember> all = new ArrayList<>();
            for (final EtcdGateway.Kv kv : kvs)
            {
                final Map<String, Object> m = Json.object(kv.value());
                all.add(new ClusterMember(String.valueOf(m.get("name")), String.valueOf(m.get("url")),
                    (int)EtcdGateway.number(m.get("sessions")), (int)EtcdGateway.number(m.get("max")),
                    (int)EtcdGateway.number(m.get("priority")), Boolean.TRUE.equals(m.get("participate"))));
            }
            return all;
        });
    }

    @Override
    public String director()
    {
        return director;
    }

    @Override
    public synchronized String redirectTarget()
    {
        if (!member.equals(director) || fence.fenced())
        {
            return null;
        }
        final ClusterMember target = DirectorChoice.pick(membersSeen, member);
        if (target == null)
        {
            return null;
        }
        // until the next heartbeat, count the login as the target's: a burst is spread, not sent to one member
        membersSeen = membersSeen.stream().map(m -> m != target ? m : new ClusterMember(m.name(), m.url(),
            m.sessions() + 1, m.maxSessions(), m.priority(), m.participate())).toList();
        return target.url();
    }

    @Override
    public void load(final int sessions, final int maxSessions)
    {
        this.sessions = sessions;
        this.maxSessions = maxSessions;
    }

    private CompletableFuture<Void> publishMember()
    {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", member);
        m.put("url", url);
        m.put("sessions", sessions);
        m.put("max", maxSessions);
        m.put("priority", priority);
        m.put("participate", participate);
        m.put("released", released);
        return etcd.txn(List.of(), List.of(Txn.put(prefix + "members/" + member, Json.write(m), memberLease)),
            List.of()).thenApply(r -> null);
    }

    private void publishSoon()
    {
        if (!closed)
        {
            writer.execute(this::publishMember);
        }
    }

    // ---- the member lease and the fence (cluster-lease thread; answers on the gateway's threads)

    /** Sends one renewal of the member lease; its answer moves the fence deadline on (from the send time). */
    private void renew()
    {
        if (closed || renewals.get() >= MAX_RENEWALS_IN_FLIGHT)
        {
            return; // etcd does not answer: the deadline decides
        }
        final long lease = memberLease;
        final long sent = nanos.getAsLong();
        renewals.incrementAndGet();
        etcd.keepAlive(lease).whenComplete((ttl, error) ->
        {
            renewals.decrementAndGet();
            if (error != null || closed)
            {
                return;
            }
            if (ttl > 0)
            {
                if (fence.renewed(sent, ttl))
                {
                    LOG.warn("member {} reaches etcd again: it takes sessions in again", member);
                }
            }
            else if (lease == memberLease)
            {
                regrant();
            }
        });
    }

    /** The cluster declared this member dead (cut off too long): fence, then come back as a new registration. */
    private void regrant()
    {
        if (fence.leaseLost(nanos.getAsLong()))
        {
            fence("its member lease expired in etcd");
        }
        if (!granting.compareAndSet(false, true))
        {
            return;
        }
        LOG.warn("member lease of {} expired: registering again", member);
        final long sent = nanos.getAsLong();
        etcd.grant(MEMBER_TTL_SECONDS).whenComplete((lease, error) ->
        {
            granting.set(false);
            if (error == null && !closed)
            {
                memberLease = lease;
                fence.renewed(sent, MEMBER_TTL_SECONDS);
                LOG.warn("member {} registered again: it takes sessions in again", member);
                publishSoon();
            }
        });
    }

    private void checkFence()
    {
        if (!closed && fence.fenceDue(nanos.getAsLong()))
        {
            fence("etcd has not renewed its member lease in time: another member may soon take its sessions");
        }
    }

    /**
     * Stops serving: every session of this member loses its tunnel here, silently (the client reconnects, to a
     * member that reaches etcd), and is forgotten without being removed from the cluster, where it waits for its
     * client. Runs before the member lease can expire, and so before anyone else may take the sessions over.
     */
    private void fence(final String why)
    {
        fences++;
        final java.util.Set<String> keys = new java.util.HashSet<>(owned.keySet());
        keys.addAll(claimed.keySet());
        LOG.warn("member {} fences itself, dropping {} session(s): {}", member, keys.size(), why);
        for (final String tokenKey : keys)
        {
            owned.remove(tokenKey);
            claimed.remove(tokenKey);
            control.execute(() -> lost.lost(tokenKey, "cluster member fenced: " + why, false));
        }
    }

    @Override
    public boolean fenced()
    {
        return fence.fenced();
    }

    @Override
    public void participation(final int newPriority, final boolean takePart)
    {
        writer.execute(() ->
        {
            final boolean changed = priority != newPriority || participate != takePart;
            priority = newPriority;
            participate = takePart;
            if (!changed)
            {
                return;
            }
            LOG.info("member {} now {} in the cluster's load balancing, priority {}", member,
                takePart ? "takes part" : "does not take part", newPriority);
            try
            {
                if (!takePart && member.equals(director))
                {
                    // step down: only our own claim is deleted, so a successor's is never touched
                    final String key = prefix + "director";
                    etcd.txn(List.of(Txn.valueIs(key, member)), List.of(Txn.delete(key)), List.of())
                        .get(5, TimeUnit.SECONDS);
                    LOG.info("member {} is no longer the cluster's director", member);
                }
                publishMember().get(5, TimeUnit.SECONDS);
            }
            catch (final Exception ex)
            {
                LOG.warn("the cluster did not hear of member {}'s new settings yet ({}); the heartbeat retries",
                    member, ex.toString());
            }
            campaign();
        });
    }

    // ---- heartbeat: member record, director election (cluster-store thread)

    private void heartbeat()
    {
        if (!fence.fenced())
        {
            retryLogoffs();
        }
        try
        {
            if (clock.millis() - lastSessionRenewMillis >= TimeUnit.SECONDS.toMillis(sessionTtlSeconds) / 4)
            {
                if (etcd.keepAlive(sessionLease).get(5, TimeUnit.SECONDS) == 0)
                {
                    // its sessions expired in etcd; the watch ends them here
                    LOG.warn("session lease of {} expired: its sessions are gone from the cluster", member);
                    sessionLease = etcd.grant(sessionTtlSeconds).get(5, TimeUnit.SECONDS);
                }
                lastSessionRenewMillis = clock.millis();
            }
            publishMember().get(5, TimeUnit.SECONDS);
            membersSeen = members().get(5, TimeUnit.SECONDS);
            campaign();
        }
        catch (final Exception ex)
        {
            LOG.warn("cluster heartbeat of {} failed: {}", member, ex.toString());
        }
    }

    /**
     * Takes the director role if nobody holds it: create-if-absent on the member lease, so it moves on when the
     * holder dies. A member of lower priority waits a little longer, so that the highest one usually wins.
     */
    private void campaign()
    {
        if (!participate || director != null || closed)
        {
            return;
        }
        try
        {
            Thread.sleep((10 - priority) * 100L);
            final String key = prefix + "director";
            final EtcdGateway.TxnResult result = etcd.txn(List.of(Txn.absent(key)),
                List.of(Txn.put(key, member, memberLease)), List.of(Txn.get(key))).get(5, TimeUnit.SECONDS);
            director = result.succeeded() ? member : result.ranged().isEmpty() ? null : result.ranged().get(0).value();
            if (result.succeeded())
            {
                LOG.info("member {} is now the cluster's director", member);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        catch (final Exception ex)
        {
            LOG.warn("director campaign of {} failed: {}", member, ex.toString());
        }
    }

    /**
     * Leaves the cluster: pending writes are done, the member record and the director role go (the member lease is
     * revoked); the sessions stay for their clients to come back, here or elsewhere.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        try
        {
            writer.submit(() -> List.copyOf(pending.keySet()).forEach(this::write)).get(10, TimeUnit.SECONDS);
            // the writes in flight end within their timeout
            if (inFlight.tryAcquire(MAX_IN_FLIGHT, 11, TimeUnit.SECONDS))
            {
                inFlight.release(MAX_IN_FLIGHT);
            }
            closed = true;
            etcd.revoke(memberLease).get(5, TimeUnit.SECONDS);
        }
        catch (final Exception ex)
        {
            LOG.warn("member {} leaving the cluster: {}", member, ex.toString());
        }
        closed = true;
        writer.shutdownNow();
        leaseThread.shutdownNow();
        etcd.close();
        if (journal != null)
        {
            journal.close();
        }
    }
}
