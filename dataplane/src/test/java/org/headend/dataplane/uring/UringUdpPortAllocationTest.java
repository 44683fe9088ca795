package org.headend.dataplane.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The port's loop thread allocates nothing per datagram: receive (multishot completion, flyweight), the reply (send
 * slot, SENDMSG) and the io_uring_enter that carries both. The client is a plain JDK socket on the test thread;
 * only the loop thread is counted.
 */
class UringUdpPortAllocationTest
{
    private static final int WARM_UP = 30_000;
    private static final int ROUND = 50_000;
    private static final int WINDOW = 32;
    private static final int SIZE = 1400;

    @Test
    void theLoopThreadAllocatesNothingPerDatagram() throws Exception
    {
        try (EchoLoop loop = new EchoLoop(256, 256, 2048);
            DatagramSocket client = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)))
        {
            client.setSoTimeout(5000);
            final DatagramPacket out = new DatagramPacket(new byte[SIZE], SIZE,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), loop.localPort()));
            final DatagramPacket in = new DatagramPacket(new byte[4096], 4096);
            push(client, out, in, WARM_UP);

            final com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
            final long id = loop.thread().threadId();
            // rounds until one allocates less than a byte per datagram (at least 3, at most 10 within a minute):
            // the JIT can swap compiled code once in a round; garbage per datagram shows in every round
            long allocated = Long.MAX_VALUE;
            final long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            for (int round = 0; allocated >= ROUND && (round < 3 || round < 10 && System.nanoTime() < until); round++)
            {
                final long before = threads.getThreadAllocatedBytes(id);
                push(client, out, in, ROUND);
                allocated = threads.getThreadAllocatedBytes(id) - before;
            }
            System.out.println("uring loop thread: " + allocated + " bytes allocated for " + ROUND + " echoes");
            assertTrue(allocated < ROUND,
                "loop thread allocated " + allocated + " bytes for " + ROUND + " datagrams each way");
        }
    }

    /** Echoes {@code count} datagrams, {@value #WINDOW} in flight, each checked for its own sequence number. */
    private static void push(final DatagramSocket client, final DatagramPacket out, final DatagramPacket in,
        final int count) throws IOException
    {
        final byte[] data = out.getData();
        for (int sent = 0; sent < count; sent += WINDOW)
        {
            for (int i = 0; i < WINDOW; i++)
            {
                data[0] = (byte)i;
                data[SIZE - 1] = (byte)(sent >>> 5);
                client.send(out);
            }
            for (int i = 0; i < WINDOW; i++)
            {
                in.setLength(4096);
                client.receive(in);
                assertEquals(SIZE, in.getLength());
                assertEquals((byte)i, in.getData()[0], "replies in order, none lost");
                assertEquals((byte)(sent >>> 5), in.getData()[SIZE - 1]);
            }
        }
    }
}
