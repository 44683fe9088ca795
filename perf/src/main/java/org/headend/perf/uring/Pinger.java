package org.headend.perf.uring;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Sends timestamped datagrams to one echo server and times their return on a receiver thread of its own, so the
 * sender keeps its pace whatever the echo takes.
 */
final class Pinger implements AutoCloseable
{
    private static final int PING_SIZE = 100;

    private final DatagramSocket socket;
    private final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
    private final AtomicLong received = new AtomicLong();
    private final byte[] data = new byte[PING_SIZE];
    private final DatagramPacket out = new DatagramPacket(data, PING_SIZE);
    private final Thread receiver;
    private volatile boolean sending = true;
    private long sent;

    Pinger(final int port) throws IOException
    {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        socket.setSoTimeout(2000);
        receiver = Thread.ofPlatform().name("rtt-receiver-" + port).start(this::receive);
    }

    void ping() throws IOException
    {
        final ByteBuffer fields = ByteBuffer.wrap(data);
        fields.putLong(0, sent++);
        fields.putLong(8, System.nanoTime());
        socket.send(out);
    }

    private void receive()
    {
        final DatagramPacket in = new DatagramPacket(new byte[4096], 4096);
        // a lost datagram costs one receive timeout; the receiver stops at the first one after the last send
        while (sending || received.get() < sent)
        {
            try
            {
                in.setLength(4096);
                socket.receive(in);
                histogram.recordValue(Math.min(System.nanoTime() - ByteBuffer.wrap(in.getData()).getLong(8),
                    histogram.getHighestTrackableValue()));
                received.incrementAndGet();
            }
            catch (final IOException ex)
            {
                if (!sending)
                {
                    return;
                }
            }
        }
    }

    long received()
    {
        return received.get();
    }

    /** Datagrams sent and not echoed (valid after {@link #rtt()}). */
    long lost()
    {
        return sent - received.get();
    }

    /** "p50/p99" in µs; waits (bounded) for the last echoes first. */
    String rtt() throws InterruptedException
    {
        sending = false;
        receiver.join(TimeUnit.SECONDS.toMillis(5));
        return String.format("%.0f/%.0f", histogram.getValueAtPercentile(50) / 1e3,
            histogram.getValueAtPercentile(99) / 1e3);
    }

    @Override
    public void close()
    {
        sending = false;
        socket.close();
    }
}
