package org.headend.dataplane.esp;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.agrona.concurrent.status.AtomicCounter;
import org.headend.dataplane.api.IkeDatagramListener;

/**
 * The IKE messages that arrive on the ESP port, on their way to control: the event loop copies each into a bounded
 * queue and returns; one thread of the port's own takes them out and calls the listener. A flood fills the queue and
 * is dropped and counted (IKE retransmits), so it costs the data plane one copy per datagram and never a wait.
 */
final class IkeInbox implements AutoCloseable
{
    /** Messages waiting at most: a burst of IKE_SA_INITs from many clients at once. */
    static final int CAPACITY = 256;

    private record Message(InetSocketAddress peer, InetSocketAddress local, byte[] bytes)
    {
    }

    private final BlockingQueue<Message> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final IkeDatagramListener listener;
    private final AtomicCounter received;
    private final AtomicCounter full;
    private final Thread delivery;

    IkeInbox(final IkeDatagramListener listener, final AtomicCounter received, final AtomicCounter full)
    {
        this.listener = listener;
        this.received = received;
        this.full = full;
        this.delivery = Thread.ofPlatform().name("esp-ike-inbox").daemon().start(this::deliver);
    }

    /** Event loop: copies the message (without its marker) and queues it, or counts it dropped. */
    void offer(final InetSocketAddress peer, final InetSocketAddress local, final ByteBuf content, final int index,
        final int length)
    {
        if (queue.remainingCapacity() == 0)
        {
            full.increment();
            return;
        }
        final byte[] bytes = new byte[length];
        content.getBytes(index, bytes);
        if (queue.offer(new Message(peer, local, bytes)))
        {
            received.increment();
        }
        else
        {
            full.increment();
        }
    }

    private void deliver()
    {
        try
        {
            while (!Thread.currentThread().isInterrupted())
            {
                final Message message = queue.take();
                try
                {
                    listener.onIkeDatagram(message.peer(), message.local(), message.bytes());
                }
                catch (final RuntimeException ex)
                {
                    // a listener bug must not stop IKE for every client; the thread's handler reports it
                    Thread.currentThread().getUncaughtExceptionHandler().uncaughtException(Thread.currentThread(), ex);
                }
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close()
    {
        delivery.interrupt();
    }
}
