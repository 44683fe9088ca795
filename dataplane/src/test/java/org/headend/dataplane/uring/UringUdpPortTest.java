package org.headend.dataplane.uring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The FFM io_uring UDP port on loopback, driven from the test thread (the ring's only thread): the clients are
 * plain JDK sockets, so what arrives is what the kernel carried.
 */
class UringUdpPortTest
{
    private static final int LOOPBACK = 0x7f000001;
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    @Test
    void datagramsArriveIntactBothWays() throws IOException
    {
        try (UringUdpPort port = new UringUdpPort(LOOPBACK, 0);
            DatagramSocket client = client())
        {
            final Echo echo = new Echo(port);
            final Random random = new Random(7);
            long echoed = 0;
            for (final int size : new int[] {1, 64, 1400, UringUdpPort.DEFAULT_DATAGRAM_CAPACITY})
            {
                final byte[] payload = new byte[size];
                random.nextBytes(payload);
                client.send(new DatagramPacket(payload, size, loopback(port)));
                final long expected = ++echoed;
                pollUntil(port, echo, () -> port.sent() == expected);
                assertArrayEquals(payload, receive(client), "echo of " + size + " bytes");
            }

            // and a datagram the port starts, to an address given as numbers
            final int slot = port.claimSend();
            port.sendPayload(slot).set(ValueLayout.JAVA_BYTE, 0, (byte)42);
            port.send(slot, 1, LOOPBACK, client.getLocalPort());
            pollUntil(port, echo, () -> port.sent() == 5);
            assertArrayEquals(new byte[] {42}, receive(client));
            assertEquals(0, port.sendErrors());
            assertEquals(0, port.receiveErrors());
        }
    }

    @Test
    void theFlyweightNamesTheSenderAndTheBuffer() throws IOException
    {
        try (UringUdpPort port = new UringUdpPort(LOOPBACK, 0, 4, 4, 512);
            DatagramSocket client = client())
        {
            final int[] seen = new int[3];
            client.send(new DatagramPacket(new byte[] {1, 2, 3}, 3, loopback(port)));
            pollUntil(port, datagram ->
            {
                seen[0] = datagram.sourceAddress();
                seen[1] = datagram.sourcePort();
                seen[2] = datagram.bufferId();
            }, () -> port.received() == 1);
            assertEquals(LOOPBACK, seen[0]);
            assertEquals(client.getLocalPort(), seen[1]);
            assertTrue(seen[2] >= 0 && seen[2] < 4, "buffer id " + seen[2]);
        }
    }

    @Test
    void buffersAreRecycledLongAfterTheRingWouldHaveRunOut() throws IOException
    {
        try (UringUdpPort port = new UringUdpPort(LOOPBACK, 0, 4, 4, 512);
            DatagramSocket client = client())
        {
            final Echo echo = new Echo(port);
            final boolean[] idsSeen = new boolean[4];
            final DatagramHandler recording = datagram ->
            {
                idsSeen[datagram.bufferId()] = true;
                echo.onDatagram(datagram);
            };
            for (int i = 0; i < 1000; i++)
            {
                final byte[] payload = counterPayload(i, 100);
                client.send(new DatagramPacket(payload, payload.length, loopback(port)));
                final long expected = i + 1;
                pollUntil(port, recording, () -> port.sent() == expected);
                assertArrayEquals(payload, receive(client), "datagram " + i);
            }
            assertEquals(1000, port.received());
            assertTrue(Arrays.equals(new boolean[] {true, true, true, true}, idsSeen), "every slot used in turn");
            assertEquals(0, port.bufferRingEmptied(), "one datagram at a time never needs a fifth slot");
        }
    }

    @Test
    void aFullBufferRingStopsTheReceiveWhichIsArmedAgainAndLosesNothing() throws IOException
    {
        try (UringUdpPort port = new UringUdpPort(LOOPBACK, 0, 4, 64, 512);
            DatagramSocket client = client())
        {
            final List<Integer> order = new ArrayList<>();
            // forty datagrams wait in the socket before the loop runs: four slots fill, the kernel ends the
            // multishot receive with ENOBUFS, the port returns the slots and arms it again
            for (int i = 0; i < 40; i++)
            {
                final byte[] payload = counterPayload(i, 300);
                client.send(new DatagramPacket(payload, payload.length, loopback(port)));
            }
            pollUntil(port, datagram ->
            {
                assertEquals(300, datagram.length());
                final int index = datagram.segment().get(ValueLayout.JAVA_INT_UNALIGNED, datagram.offset());
                final byte[] payload = new byte[300];
                MemorySegment.copy(datagram.segment(), ValueLayout.JAVA_BYTE, datagram.offset(), payload, 0, 300);
                assertArrayEquals(counterPayload(index, 300), payload, "datagram " + index);
                order.add(index);
            }, () -> port.received() == 40);
            final List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < 40; i++)
            {
                expected.add(i);
            }
            assertEquals(expected, order, "every datagram, once, in order");
            assertTrue(port.bufferRingEmptied() > 0, "the ring ran out of slots");
            assertTrue(port.receiveRearms() >= port.bufferRingEmptied(), "the receive was armed again each time");
            assertEquals(0, port.receiveErrors());
        }
    }

    @Test
    void manyClientsEachGetTheirOwnReplies() throws IOException
    {
        final int clients = 64;
        final int each = 8;
        final List<DatagramSocket> sockets = new ArrayList<>();
        try (UringUdpPort port = new UringUdpPort(LOOPBACK, 0, 64, 64, 512))
        {
            final Echo echo = new Echo(port);
            for (int c = 0; c < clients; c++)
            {
                sockets.add(client());
            }
            for (int round = 0; round < each; round++)
            {
                for (int c = 0; c < clients; c++)
                {
                    final byte[] payload = counterPayload(c * 1000 + round, 200);
                    sockets.get(c).send(new DatagramPacket(payload, payload.length, loopback(port)));
                }
                final long expected = (long)(round + 1) * clients;
                pollUntil(port, echo, () -> port.sent() == expected);
                for (int c = 0; c < clients; c++)
                {
                    assertArrayEquals(counterPayload(c * 1000 + round, 200), receive(sockets.get(c)),
                        "client " + c + " round " + round);
                }
            }
            assertEquals(0, echo.dropped());
            assertEquals((long)clients * each, port.received());
        }
        finally
        {
            sockets.forEach(DatagramSocket::close);
        }
    }

    @Test
    void aSegmentedSendArrivesAsSeparateDatagrams() throws IOException
    {
        try (UringUdpPort port = new UringUdpPort(LOOPBACK, 0, 4, 4, 2048, 32 * 1400, false);
            DatagramSocket client = client())
        {
            // 20 datagrams of 1400 bytes and a short last one, written back to back into one slot
            final int segment = 1400;
            final int length = 20 * segment + 300;
            final int slot = port.claimSend();
            final MemorySegment payload = port.sendPayload(slot);
            for (int i = 0; i * segment < length; i++)
            {
                final int size = Math.min(segment, length - i * segment);
                MemorySegment.copy(counterPayload(i, size), 0, payload, ValueLayout.JAVA_BYTE, (long)i * segment, size);
            }
            port.sendSegmented(slot, length, segment, LOOPBACK, client.getLocalPort());
            pollUntil(port, datagram -> { }, () -> port.sent() == 1);
            assertEquals(0, port.sendErrors());
            for (int i = 0; i < 21; i++)
            {
                assertArrayEquals(counterPayload(i, i < 20 ? segment : 300), receive(client), "datagram " + i);
            }
            // the slot is plain again for the next send
            final int next = port.claimSend();
            port.sendPayload(next).set(ValueLayout.JAVA_BYTE, 0, (byte)9);
            port.send(next, 1, LOOPBACK, client.getLocalPort());
            pollUntil(port, datagram -> { }, () -> port.sent() == 2);
            assertArrayEquals(new byte[] {9}, receive(client));
        }
    }

    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // the whole test, port included, on it
    void aPollWithoutTimeLimitReturnsWithTheDatagramThatWokeIt() throws Exception
    {
        try (UringUdpPort port = new UringUdpPort(LOOPBACK, 0, 4, 4, 512);
            DatagramSocket client = client())
        {
            final Thread sender = Thread.ofPlatform().start(() ->
            {
                try
                {
                    Thread.sleep(50);
                    client.send(new DatagramPacket(new byte[] {5}, 1, loopback(port)));
                }
                catch (final IOException | InterruptedException ex)
                {
                    throw new IllegalStateException(ex);
                }
            });
            final int[] seen = new int[1];
            assertEquals(1, port.poll(datagram -> seen[0] = datagram.segment().get(ValueLayout.JAVA_BYTE,
                datagram.offset()), Long.MAX_VALUE));
            assertEquals(5, seen[0]);
            sender.join(5000);
        }
    }

    @Test
    void groJoinsASegmentedSendIntoOneReceiveThatSaysItsSegmentSize()
    {
        final int max = UringUdpPort.MAX_SEND_CAPACITY;
        try (UringUdpPort sender = new UringUdpPort(LOOPBACK, 0, 4, 4, 2048, 16 * 1000, false);
            UringUdpPort receiver = new UringUdpPort(LOOPBACK, 0, 4, 4, max, 2048, true))
        {
            final int slot = sender.claimSend();
            for (int i = 0; i < 10; i++)
            {
                MemorySegment.copy(counterPayload(i, 1000), 0, sender.sendPayload(slot), ValueLayout.JAVA_BYTE,
                    i * 1000L, 1000);
            }
            sender.sendSegmented(slot, 10_000, 1000, LOOPBACK, receiver.localPort());
            pollUntil(sender, datagram -> { }, () -> sender.sent() == 1);

            final List<byte[]> datagrams = new ArrayList<>();
            final List<Integer> segmentSizes = new ArrayList<>();
            pollUntil(receiver, datagram ->
            {
                segmentSizes.add(datagram.segmentSize());
                for (int at = 0; at < datagram.length(); at += datagram.segmentSize())
                {
                    final int size = Math.min(datagram.segmentSize(), datagram.length() - at);
                    final byte[] one = new byte[size];
                    MemorySegment.copy(datagram.segment(), ValueLayout.JAVA_BYTE, datagram.offset() + at, one, 0,
                        size);
                    datagrams.add(one);
                }
            }, () -> datagrams.size() == 10);
            for (int i = 0; i < 10; i++)
            {
                assertArrayEquals(counterPayload(i, 1000), datagrams.get(i), "datagram " + i);
            }
            assertTrue(receiver.received() < 10, "joined: " + receiver.received() + " receives " + segmentSizes);
            assertTrue(segmentSizes.stream().allMatch(size -> size == 1000), segmentSizes.toString());
        }
    }

    @Test
    void aTruncatedDatagramSaysSo() throws IOException
    {
        try (UringUdpPort port = new UringUdpPort(LOOPBACK, 0, 4, 4, 512);
            DatagramSocket client = client())
        {
            final int[] seen = new int[2];
            client.send(new DatagramPacket(new byte[1000], 1000, loopback(port)));
            pollUntil(port, datagram ->
            {
                seen[0] = datagram.length();
                seen[1] = datagram.truncated() ? 1 : 0;
            }, () -> port.received() == 1);
            assertEquals(512, seen[0]);
            assertEquals(1, seen[1]);
        }
    }

    @Test
    void aClosedPortReleasesItsSocketAndRefusesUse() throws IOException, InterruptedException
    {
        final UringUdpPort port = new UringUdpPort(LOOPBACK, 0);
        final int number = port.localPort();
        try (DatagramSocket client = client())
        {
            client.send(new DatagramPacket(new byte[10], 10, loopback(port)));
            pollUntil(port, new Echo(port), () -> port.sent() == 1);
        }
        port.close();
        port.close();
        assertThrows(IllegalStateException.class, () -> port.poll(datagram -> { }, 0));
        // the receive was cancelled and the ring closed, so nothing holds the socket: its port is free again
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true)
        {
            try (DatagramSocket again = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                number)))
            {
                assertEquals(number, again.getLocalPort());
                break;
            }
            catch (final BindException ex)
            {
                if (System.nanoTime() > deadline)
                {
                    throw new AssertionError("port " + number + " still bound 5 s after close", ex);
                }
                Thread.sleep(10);
            }
        }
    }

    @Test
    void bindingATakenPortFailsClearly() throws IOException
    {
        try (DatagramSocket taken = client())
        {
            final UringException failure = assertThrows(UringException.class,
                () -> new UringUdpPort(LOOPBACK, taken.getLocalPort()));
            assertTrue(failure.getMessage().contains("bind"), failure.getMessage());
            assertEquals(98, failure.errno(), "EADDRINUSE");
        }
    }

    static byte[] counterPayload(final int index, final int length)
    {
        final byte[] payload = new byte[length];
        MemorySegment.ofArray(payload).set(ValueLayout.JAVA_INT_UNALIGNED, 0, index);
        for (int i = 4; i < length; i++)
        {
            payload[i] = (byte)(index * 31 + i);
        }
        return payload;
    }

    private static DatagramSocket client() throws IOException
    {
        final DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        socket.setSoTimeout(5000);
        return socket;
    }

    private static InetSocketAddress loopback(final UringUdpPort port)
    {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port.localPort());
    }

    private static byte[] receive(final DatagramSocket socket) throws IOException
    {
        final DatagramPacket packet = new DatagramPacket(new byte[4096], 4096);
        socket.receive(packet);
        return Arrays.copyOf(packet.getData(), packet.getLength());
    }

    /** Polls (bounded: 10 s) until {@code done}; then once more so queued replies leave. */
    private static void pollUntil(final UringUdpPort port, final DatagramHandler handler, final BooleanSupplier done)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!done.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("not done after 10 s: received " + port.received() + ", sent "
                    + port.sent() + ", send errors " + port.sendErrors());
            }
            port.poll(handler, POLL_NANOS);
        }
    }
}
