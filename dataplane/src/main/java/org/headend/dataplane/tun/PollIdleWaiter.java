package org.headend.dataplane.tun;

import org.headend.nativecfg.event.EventFd;
import org.headend.nativecfg.event.Poller;

/**
 * Sleeps in ppoll(2) until the TUN queue is readable or a producer signals the eventfd. One per TUN agent.
 */
public final class PollIdleWaiter implements IdleWaiter
{
    private static final long NANOS_PER_MILLI = 1_000_000L;

    private final EventFd doorbell;
    private final Poller poller;

    /** @param tunFd the fd of the agent's TUN queue */
    public PollIdleWaiter(final int tunFd)
    {
        this.doorbell = EventFd.create();
        this.poller = new Poller(tunFd, doorbell.fd());
    }

    @Override
    public void await(final int timeoutMillis)
    {
        if (poller.poll(timeoutMillis * NANOS_PER_MILLI) > 0 && poller.isReadable(1))
        {
            doorbell.drain();
        }
    }

    @Override
    public void signal()
    {
        doorbell.signal();
    }

    @Override
    public void close()
    {
        doorbell.close();
    }
}
