package org.headend.perf.aaa;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.HdrHistogram.Histogram;
import org.headend.control.auth.AuthOutcome;
import org.headend.control.auth.AuthRequest;

/**
 * The load loop the AAA benchmarks share: one user's logins through an appliance back end with {@code concurrency}
 * outstanding, a warm-up of up to 200 logins, then the measured run; prints logins per second and the latency
 * percentiles under {@code label}.
 */
final class LoginLoad
{
    private LoginLoad()
    {
    }

    static void measure(final String label, final Function<AuthRequest, CompletionStage<AuthOutcome>> backend,
        final String user, final String password, final int total, final int concurrency, final Duration cap)
        throws Exception
    {
        run(backend, user, password, Math.min(total, 200), concurrency, new Histogram(3), new AtomicLong(), cap);
        final Histogram latency = new Histogram(cap.toNanos(), 3);
        final AtomicLong accepted = new AtomicLong();
        final long started = System.nanoTime();
        run(backend, user, password, total, concurrency, latency, accepted, cap);
        final double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("%s logins: %d in %.2f s = %.0f logins/s (%d accepted), %d outstanding%n",
            label, total, seconds, total / seconds, accepted.get(), concurrency);
        System.out.printf("latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f%n",
            latency.getValueAtPercentile(50) / 1e6, latency.getValueAtPercentile(90) / 1e6,
            latency.getValueAtPercentile(99) / 1e6, latency.getMaxValue() / 1e6);
    }

    private static void run(final Function<AuthRequest, CompletionStage<AuthOutcome>> backend, final String user,
        final String password, final int total, final int concurrency, final Histogram latency,
        final AtomicLong accepted, final Duration cap) throws Exception
    {
        final Semaphore slots = new Semaphore(concurrency);
        final CompletableFuture<?>[] all = new CompletableFuture<?>[total];
        for (int i = 0; i < total; i++)
        {
            slots.acquire();
            final long sent = System.nanoTime();
            all[i] = backend.apply(AuthRequest.first(user, password, "192.0.2.1", AuthRequest.Purpose.VPN))
                .toCompletableFuture().whenComplete((outcome, error) ->
                {
                    synchronized (latency)
                    {
                        // a login slower than the histogram's range is recorded at its top, not lost
                        latency.recordValue(Math.min(System.nanoTime() - sent, latency.getHighestTrackableValue()));
                    }
                    if (outcome instanceof AuthOutcome.Accepted)
                    {
                        accepted.incrementAndGet();
                    }
                    slots.release();
                });
        }
        CompletableFuture.allOf(all).get(cap.toSeconds() * 10, TimeUnit.SECONDS);
    }
}
