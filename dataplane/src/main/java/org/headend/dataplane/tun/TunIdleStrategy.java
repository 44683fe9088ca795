package org.headend.dataplane.tun;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.ringbuffer.RingBuffer;

/**
 * The TUN agent's idle strategy: spin briefly while traffic is flowing, then sleep in the kernel until the TUN is
 * readable or a producer rings {@link #wake()}. Producers pay a syscall only when the agent really sleeps.
 *
 * <p>Protocol (Dekker style, all volatile): the agent publishes {@code sleeping = 1}, then re-checks the inbound ring;
 * a producer commits its record (the ring's tail CAS is a full fence), then reads {@code sleeping}. At least one side
 * sees the other, so a record is never left behind while the agent sleeps.
 */
public final class TunIdleStrategy implements IdleStrategy
{
    private static final VarHandle SLEEPING;
    private static final int SPINS_BEFORE_SLEEP = 64;
    private static final int SLEEP_MILLIS = 100;

    static
    {
        try
        {
            SLEEPING = MethodHandles.lookup().findVarHandle(TunIdleStrategy.class, "sleeping", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final IdleWaiter waiter;
    private RingBuffer inbound;
    private int spins;
    @SuppressWarnings("unused") // accessed through SLEEPING
    private volatile int sleeping;

    public TunIdleStrategy(final IdleWaiter waiter)
    {
        this.waiter = waiter;
    }

    /** The ring whose producers ring this strategy's doorbell; set once before the agent starts. */
    public void watch(final RingBuffer inbound)
    {
        this.inbound = inbound;
    }

    /** Called by producers after committing to the watched ring. Any thread; no syscall unless the agent sleeps. */
    public void wake()
    {
        if ((int)SLEEPING.getVolatile(this) == 1 && SLEEPING.compareAndSet(this, 1, 0))
        {
            waiter.signal();
        }
    }

    @Override
    public void idle(final int workCount)
    {
        if (workCount > 0)
        {
            spins = 0;
            return;
        }
        if (spins < SPINS_BEFORE_SLEEP)
        {
            spins++;
            Thread.onSpinWait();
            return;
        }
        idle();
    }

    @Override
    public void idle()
    {
        SLEEPING.setVolatile(this, 1);
        if (inbound == null || inbound.size() == 0)
        {
            waiter.await(SLEEP_MILLIS);
        }
        SLEEPING.setVolatile(this, 0);
        spins = 0;
    }

    @Override
    public void reset()
    {
        spins = 0;
    }

    @Override
    public String alias()
    {
        return "tun-poll";
    }
}
