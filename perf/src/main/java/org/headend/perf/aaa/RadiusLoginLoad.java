package org.headend.perf.aaa;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.headend.control.auth.AuthOutcome;
import org.headend.control.auth.AuthRequest;
import org.headend.control.auth.radius.RadiusClient;
import org.headend.control.config.AaaServerGroup;
import org.headend.control.config.AaaServerHost;

/**
 * PAP (or MS-CHAPv2) logins through the appliance's RADIUS client against a real server, as fast as
 * {@code concurrency} outstanding requests allow: prints logins per second and the latency percentiles. Run by
 * {@code perf/scripts/radius-logins.sh}, which starts FreeRADIUS for it.
 * <p>
 * Arguments: {@code HOST PORT SECRET USER PASSWORD TOTAL CONCURRENCY [pap|mschapv2]}.
 */
public final class RadiusLoginLoad
{
    private RadiusLoginLoad()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final InetAddress host = InetAddress.getByName(args[0]);
        final int port = Integer.parseInt(args[1]);
        final int total = Integer.parseInt(args[5]);
        final int concurrency = Integer.parseInt(args[6]);
        final boolean msChapV2 = args.length > 7 && "mschapv2".equals(args[7]);
        final AaaServerGroup group = new AaaServerGroup("LOAD", "radius", 3, false, 10,
            List.of(new AaaServerHost("inside", host, args[2], port, port + 1, 10, 2, false, null, msChapV2)));
        final Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(30), 3);
        final AtomicLong accepted = new AtomicLong();
        try (RadiusClient client = RadiusClient.start(group, "perf", System::nanoTime))
        {
            run(client, args[3], args[4], Math.min(total, 200), concurrency, new Histogram(3), new AtomicLong());
            final long started = System.nanoTime();
            run(client, args[3], args[4], total, concurrency, latency, accepted);
            final double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("RADIUS %s logins: %d in %.2f s = %.0f logins/s (%d accepted), %d outstanding%n",
                msChapV2 ? "MS-CHAPv2" : "PAP", total, seconds, total / seconds, accepted.get(), concurrency);
            System.out.printf("latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f%n",
                latency.getValueAtPercentile(50) / 1e6, latency.getValueAtPercentile(90) / 1e6,
                latency.getValueAtPercentile(99) / 1e6, latency.getMaxValue() / 1e6);
        }
    }

    private static void run(final RadiusClient client, final String user, final String password, final int total,
        final int concurrency, final Histogram latency, final AtomicLong accepted) throws Exception
    {
        final java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(concurrency);
        final CompletableFuture<?>[] all = new CompletableFuture<?>[total];
        for (int i = 0; i < total; i++)
        {
            slots.acquire();
            final long sent = System.nanoTime();
            all[i] = client.authenticate(AuthRequest.first(user, password, "192.0.2.1", AuthRequest.Purpose.VPN))
                .toCompletableFuture().whenComplete((outcome, error) ->
                {
                    synchronized (latency)
                    {
                        latency.recordValue(System.nanoTime() - sent);
                    }
                    if (outcome instanceof AuthOutcome.Accepted)
                    {
                        accepted.incrementAndGet();
                    }
                    slots.release();
                });
        }
        CompletableFuture.allOf(all).get(5, TimeUnit.MINUTES);
    }
}
