package org.headend.perf.cluster;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.headend.control.cluster.EtcdClusterStore;
import org.headend.control.cluster.EtcdGateway;
import org.headend.control.session.AddressPools;
import org.headend.control.session.SessionRecord;

/**
 * What the cluster store costs per login and per failover, with 1 or 3 members sharing one etcd: logins/s (each is
 * an address claim by compare-and-swap plus the session's write, as a member does at a login), then, with several
 * members, the failover of one member's sessions to the others (each taken over by its revision-guarded
 * transaction, as when its clients reconnect elsewhere), with the takeover latency.
 * {@code java -cp perf/target/headend-perf.jar org.headend.perf.cluster.ClusterStoreFigures ENDPOINTS [MEMBERS]
 * [LOGINS] [CONCURRENCY]}, ENDPOINTS comma-separated etcd client URLs.
 */
public final class ClusterStoreFigures
{
    private ClusterStoreFigures()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final List<URI> endpoints = Arrays.stream(args[0].split(",")).map(URI::create).toList();
        final int memberCount = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        final int logins = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
        final int concurrency = args.length > 3 ? Integer.parseInt(args[3]) : 16;
        final String cluster = "perf" + System.nanoTime();
        final List<EtcdClusterStore> members = new ArrayList<>();
        try
        {
            for (int m = 0; m < memberCount; m++)
            {
                final EtcdClusterStore store = new EtcdClusterStore(new EtcdGateway(endpoints), cluster, "m" + m,
                    "https://m" + m, 5, true, 300, Runnable::run, Clock.systemUTC());
                store.start(15);
                members.add(store);
            }
            final Semaphore inFlight = new Semaphore(concurrency);
            final long start = System.nanoTime();
            final List<CompletableFuture<Boolean>> claims = new ArrayList<>(logins);
            for (int i = 0; i < logins; i++)
            {
                final EtcdClusterStore member = members.get(i % memberCount);
                final SessionRecord record = record(i);
                inFlight.acquire();
                claims.add(member.claim(record.tokenKey(), address(i)).whenComplete((ok, error) ->
                {
                    inFlight.release();
                    if (Boolean.TRUE.equals(ok))
                    {
                        member.put(record);
                    }
                }));
            }
            final long refused = claims.stream().filter(c -> !c.join()).count();
            final long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (members.get(0).sessions().get(30, TimeUnit.SECONDS).size() < logins - refused)
            {
                if (System.nanoTime() > deadline)
                {
                    throw new IllegalStateException("the sessions never all reached etcd");
                }
                Thread.sleep(20);
            }
            final double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("members %d: %d logins (claim + session write) in %.2f s = %.0f logins/s, %d refused "
                + "(must be 0), concurrency %d%n", memberCount, logins, seconds, logins / seconds, refused,
                concurrency);
            if (memberCount > 1)
            {
                failover(members, logins, concurrency);
            }
        }
        finally
        {
            members.forEach(EtcdClusterStore::close);
        }
    }

    /** Member 0 leaves; the others take over its sessions as its clients would make them. */
    private static void failover(final List<EtcdClusterStore> members, final int logins, final int concurrency)
        throws Exception
    {
        final EtcdClusterStore dead = members.remove(0);
        final int memberCount = members.size() + 1;
        final long start = System.nanoTime();
        dead.close();
        final Semaphore inFlight = new Semaphore(concurrency);
        final List<CompletableFuture<Long>> adoptions = new ArrayList<>();
        for (int i = 0; i < logins; i += memberCount)
        {
            final EtcdClusterStore adopter = members.get(i % members.size());
            inFlight.acquire();
            final long invoked = System.nanoTime();
            adoptions.add(adopter.adopt(record(i).tokenKey()).handle((record, error) ->
            {
                inFlight.release();
                return record == null || error != null ? -1L : System.nanoTime() - invoked;
            }));
        }
        final long[] latencies = adoptions.stream().mapToLong(CompletableFuture::join).sorted().toArray();
        final double seconds = (System.nanoTime() - start) / 1e9;
        final long failed = Arrays.stream(latencies).filter(l -> l < 0).count();
        final long[] ok = Arrays.stream(latencies).filter(l -> l >= 0).toArray();
        System.out.printf("failover: %d sessions of the leaving member taken over by %d others in %.2f s, %d failed "
            + "(must be 0); takeover p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", adoptions.size(), members.size(),
            seconds, failed, pct(ok, 50), pct(ok, 99), ok.length == 0 ? 0 : ok[ok.length - 1] / 1e6);
    }

    private static double pct(final long[] sorted, final int p)
    {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, sorted.length * p / 100)] / 1e6;
    }

    private static SessionRecord record(final int i)
    {
        final Instant now = Instant.now();
        return new SessionRecord(i + 1, String.format("%064X", i), "user" + i, "DefaultWEBVPNGroup", "DfltGrpPolicy",
            now, now, null, new AddressPools.Lease("POOL", 0x0A000000 + i + 1, 0xFF000000), null, "198.51.100.7",
            "perf");
    }

    private static String address(final int i)
    {
        final int a = 0x0A000000 + i + 1;
        return (a >>> 24) + "." + (a >> 16 & 0xFF) + "." + (a >> 8 & 0xFF) + "." + (a & 0xFF);
    }
}
