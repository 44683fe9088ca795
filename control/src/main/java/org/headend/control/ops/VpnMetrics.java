package org.headend.control.ops;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.headend.control.session.Session;
import org.headend.dataplane.api.LatencyHistogram;

/**
 * The event counts behind {@code /metrics} that the data plane does not keep: logins, session setup times,
 * reconnects and the bytes of sessions that have ended. Written on the control thread, read by the scrape.
 */
public final class VpnMetrics implements VpnEvents
{
    /** Failure reasons are fixed phrases of the code; the map stays this small even if a new one appears. */
    private static final int MAX_REASONS = 32;

    private final AtomicLong loginsOk = new AtomicLong();
    private final Map<String, AtomicLong> loginFailures = new ConcurrentHashMap<>();
    private final AtomicLong sessionsStarted = new AtomicLong();
    private final AtomicLong tunnelsUp = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong dtlsUp = new AtomicLong();
    private final AtomicLong keyUpdates = new AtomicLong();
    private final AtomicLong endedRxBytes = new AtomicLong();
    private final AtomicLong endedTxBytes = new AtomicLong();
    /** Login to first tunnel. */
    private final LatencyHistogram setup = new LatencyHistogram(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30);

    @Override
    public void loginSucceeded(final String username, final String tunnelGroup, final String address)
    {
        loginsOk.incrementAndGet();
    }

    @Override
    public void loginFailed(final String username, final String address, final String reason)
    {
        final String key = loginFailures.size() < MAX_REASONS || loginFailures.containsKey(reason) ? reason : "other";
        loginFailures.computeIfAbsent(key, r -> new AtomicLong()).incrementAndGet();
    }

    @Override
    public void sessionStarted(final Session session)
    {
        sessionsStarted.incrementAndGet();
    }

    @Override
    public void tunnelUp(final Session session, final Session.Tunnel tunnel, final long sinceLoginNanos)
    {
        tunnelsUp.incrementAndGet();
        if (session.tunnelsOpened() == 1)
        {
            setup.observeNanos(sinceLoginNanos);
        }
        else
        {
            reconnects.incrementAndGet();
        }
    }

    @Override
    public void dtlsUp(final Session session, final Session.Tunnel tunnel)
    {
        dtlsUp.incrementAndGet();
    }

    @Override
    public void sessionEnded(final Session session, final String why, final Duration duration, final long rxBytes,
        final long txBytes)
    {
        endedRxBytes.addAndGet(rxBytes);
        endedTxBytes.addAndGet(txBytes);
    }

    long loginsOk()
    {
        return loginsOk.get();
    }

    Map<String, AtomicLong> loginFailures()
    {
        return loginFailures;
    }

    long sessionsStarted()
    {
        return sessionsStarted.get();
    }

    long tunnelsUp()
    {
        return tunnelsUp.get();
    }

    /** The headend sent a TLS 1.3 key update on a tunnel ({@code anyconnect ssl rekey method ssl}); any thread. */
    public void keyUpdateSent()
    {
        keyUpdates.incrementAndGet();
    }

    long keyUpdates()
    {
        return keyUpdates.get();
    }

    long reconnects()
    {
        return reconnects.get();
    }

    long dtlsUp()
    {
        return dtlsUp.get();
    }

    long endedRxBytes()
    {
        return endedRxBytes.get();
    }

    long endedTxBytes()
    {
        return endedTxBytes.get();
    }

    LatencyHistogram setup()
    {
        return setup;
    }
}
