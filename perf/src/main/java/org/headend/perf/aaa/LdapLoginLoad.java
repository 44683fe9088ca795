package org.headend.perf.aaa;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.headend.control.auth.AuthOutcome;
import org.headend.control.auth.AuthRequest;
import org.headend.control.auth.ldap.LdapAuthenticator;
import org.headend.control.config.AaaServerGroup;
import org.headend.control.config.AaaServerHost;
import org.headend.control.config.LdapHostSettings;

/**
 * Logins through the appliance's LDAP back end (LDAPS, CA checked, service bind, search, user bind: one TLS
 * connection per login) against a real directory, with {@code concurrency} logins outstanding: prints logins per
 * second and the latency percentiles. Run by {@code perf/scripts/ldap-logins.sh}, which starts slapd for it.
 * <p>
 * Arguments: {@code HOST PORT CA-PEM BASE-DN SERVICE-DN SERVICE-PASSWORD USER PASSWORD TOTAL CONCURRENCY}.
 */
public final class LdapLoginLoad
{
    private LdapLoginLoad()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final InetAddress host = InetAddress.getByName(args[0]);
        final Path ca = Path.of(args[2]);
        final int total = Integer.parseInt(args[8]);
        final int concurrency = Integer.parseInt(args[9]);
        final LdapHostSettings ldap = new LdapHostSettings(Integer.parseInt(args[1]), args[3], false, "uid", args[4],
            args[5], LdapHostSettings.Transport.LDAPS, LdapHostSettings.ServerType.OPENLDAP, null, "disk0:/ca.pem");
        final AaaServerGroup group = new AaaServerGroup("LOAD", AaaServerGroup.LDAP, 3, false, 10,
            List.of(new AaaServerHost("inside", host, "", 0, 0, 10, 10, false, ldap)));
        final Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        final AtomicLong accepted = new AtomicLong();
        try (LdapAuthenticator backend = new LdapAuthenticator(group, () -> null, path -> ca, System::nanoTime))
        {
            run(backend, args[6], args[7], Math.min(total, 200), concurrency, new Histogram(3), new AtomicLong());
            final long started = System.nanoTime();
            run(backend, args[6], args[7], total, concurrency, latency, accepted);
            final double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("LDAPS logins: %d in %.2f s = %.0f logins/s (%d accepted), %d outstanding%n",
                total, seconds, total / seconds, accepted.get(), concurrency);
            System.out.printf("latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f%n",
                latency.getValueAtPercentile(50) / 1e6, latency.getValueAtPercentile(90) / 1e6,
                latency.getValueAtPercentile(99) / 1e6, latency.getMaxValue() / 1e6);
        }
    }

    private static void run(final LdapAuthenticator backend, final String user, final String password,
        final int total, final int concurrency, final Histogram latency, final AtomicLong accepted) throws Exception
    {
        final Semaphore slots = new Semaphore(concurrency);
        final CompletableFuture<?>[] all = new CompletableFuture<?>[total];
        for (int i = 0; i < total; i++)
        {
            slots.acquire();
            final long sent = System.nanoTime();
            all[i] = backend.authenticate(AuthRequest.first(user, password, "192.0.2.1", AuthRequest.Purpose.VPN))
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
        CompletableFuture.allOf(all).get(10, TimeUnit.MINUTES);
    }
}
