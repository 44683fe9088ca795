package org.headend.dataplane.tun;

/**
 * How an idle {@link TunAgent} sleeps: until its TUN queue is readable, {@link #signal()} is called, or the timeout
 * passes. Production waits in poll(2) on the TUN fd and an eventfd; tests park the thread.
 */
public interface IdleWaiter extends AutoCloseable
{
    /** Blocks the agent thread for at most {@code timeoutMillis}; returns early on input or a signal. */
    void await(int timeoutMillis);

    /** Wakes a thread blocked in {@link #await}, or makes its next await return at once. Any thread. */
    void signal();

    @Override
    void close();
}
