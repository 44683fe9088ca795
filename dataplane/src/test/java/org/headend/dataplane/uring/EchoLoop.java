package org.headend.dataplane.uring;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A port echoing on a thread of its own (the ring's one thread), as the DTLS port's event loop would run it. */
final class EchoLoop implements AutoCloseable
{
    private final Thread thread;
    private final CompletableFuture<Integer> localPort = new CompletableFuture<>();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private volatile boolean stop;

    EchoLoop(final int buffers, final int sends, final int capacity)
    {
        thread = Thread.ofPlatform().name("uring-echo").unstarted(() ->
        {
            try (UringUdpPort port = new UringUdpPort(0x7f000001, 0, buffers, sends, capacity))
            {
                final Echo echo = new Echo(port);
                localPort.complete(port.localPort());
                final long wait = TimeUnit.MILLISECONDS.toNanos(10);
                while (!stop)
                {
                    port.poll(echo, wait);
                }
                stopped.complete(null);
            }
            catch (final Throwable t)
            {
                localPort.completeExceptionally(t);
                stopped.completeExceptionally(t);
            }
        });
        thread.start();
    }

    int localPort() throws Exception
    {
        return localPort.get(10, TimeUnit.SECONDS);
    }

    Thread thread()
    {
        return thread;
    }

    @Override
    public void close() throws Exception
    {
        stop = true;
        stopped.get(10, TimeUnit.SECONDS);
        thread.join(TimeUnit.SECONDS.toMillis(10));
    }
}
