package org.headend.dataplane.tun;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** An idle waiter for tests: sleeps on a semaphore instead of poll(2). */
public final class ParkingIdleWaiter implements IdleWaiter
{
    private final Semaphore signals = new Semaphore(0);

    @Override
    public void await(final int timeoutMillis)
    {
        try
        {
            if (signals.tryAcquire(timeoutMillis, TimeUnit.MILLISECONDS))
            {
                signals.drainPermits();
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void signal()
    {
        signals.release();
    }

    @Override
    public void close()
    {
    }
}
