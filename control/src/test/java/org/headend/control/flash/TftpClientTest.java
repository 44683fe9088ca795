package org.headend.control.flash;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The TFTP client against a scripted server on loopback: what a lost packet, a refusal, an oversized file, a stranger's
 * packet and a server without options do to a transfer. (The real tftpd-hpa is in the integration test.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TftpClientTest
{
    private static final TftpClient QUICK = new TftpClient(Duration.ofMillis(300), 3, Duration.ofSeconds(30));

    @Test
    void shouldParseTftpUrlsAndRefuseTraversal() throws IOException
    {
        assertEquals(new TftpClient.Target("209.165.200.225", 69, "client"),
            TftpClient.Target.parse("tftp://209.165.200.225/client"));
        assertEquals(new TftpClient.Target("::1", 6969, "dir/a.pkg"), TftpClient.Target.parse("tftp://[::1]:6969/dir/a.pkg"));
        for (final String bad : List.of("tftp://host/../etc/passwd", "tftp://host/a//b", "tftp://host/", "tftp://host",
            "tftp://host:70000/x", "tftp://host/a b", "http://host/x", "tftp://host/./x"))
        {
            assertThrows(IOException.class, () -> TftpClient.Target.parse(bad), bad);
        }
    }

    @Test
    void shouldReadAFileWithOptionsAcrossALostAck() throws Exception
    {
        final byte[] file = bytes(5000);
        try (Scripted server = new Scripted())
        {
            final CompletableFuture<List<String>> log = server.run(s ->
            {
                final Packet rrq = s.receive();
                final Map<String, String> options = requestOptions(rrq.data());
                assertEquals("1432", options.get("blksize"));
                assertEquals("0", options.get("tsize"));
                final DatagramSocket transfer = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                final byte[] oack = new byte[64];
                s.send(transfer, rrq.from(), oack, TftpPacket.optionAck(oack, Map.of("blksize", "1432")));
                s.expectAck(transfer, 0);
                for (int block = 1, at = 0; at <= file.length; block++, at += 1432)
                {
                    final int n = Math.min(1432, file.length - at);
                    final byte[] data = new byte[4 + n];
                    System.arraycopy(file, at, data, 4, n);
                    s.send(transfer, rrq.from(), data, TftpPacket.dataHeader(data, block, n));
                    if (block == 2)
                    {
                        // pretend the ACK was lost: the client must answer the repeated block again
                        s.expectAck(transfer, 2);
                        s.send(transfer, rrq.from(), data, TftpPacket.dataHeader(data, block, n));
                    }
                    s.expectAck(transfer, block);
                }
                transfer.close();
            });
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertEquals(file.length, QUICK.get(server.target("pkg/a.pkg"), out, 1 << 20));
            assertArrayEquals(file, out.toByteArray());
            log.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldReadFromAServerThatIgnoresOptionsInBlocksOf512() throws Exception
    {
        final byte[] file = bytes(1024);
        try (Scripted server = new Scripted())
        {
            final CompletableFuture<List<String>> log = server.run(s ->
            {
                final Packet rrq = s.receive();
                final DatagramSocket transfer = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                for (int block = 1; block <= 3; block++)
                {
                    final int n = block == 3 ? 0 : 512;
                    final byte[] data = new byte[4 + n];
                    if (n > 0)
                    {
                        System.arraycopy(file, (block - 1) * 512, data, 4, n);
                    }
                    s.send(transfer, rrq.from(), data, TftpPacket.dataHeader(data, block, n));
                    s.expectAck(transfer, block);
                }
                transfer.close();
            });
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            QUICK.get(server.target("f"), out, 1 << 20);
            assertArrayEquals(file, out.toByteArray(), "a file of exactly two blocks ends with an empty one");
            log.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldRefuseAFileLargerThanTheLimitFromItsTsizeAndTellTheServer() throws Exception
    {
        try (Scripted server = new Scripted())
        {
            final CompletableFuture<List<String>> log = server.run(s ->
            {
                final Packet rrq = s.receive();
                final DatagramSocket transfer = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                final byte[] oack = new byte[64];
                s.send(transfer, rrq.from(), oack, TftpPacket.optionAck(oack, Map.of("tsize", "999999")));
                final Packet error = s.receive(transfer);
                s.note("error " + error.data()[1] + error.data()[3]);
                transfer.close();
            });
            final IOException refused = assertThrows(IOException.class,
                () -> QUICK.get(server.target("big"), new ByteArrayOutputStream(), 1000));
            assertTrue(refused.getMessage().contains("larger than 1000 bytes"), refused.getMessage());
            assertEquals(List.of("error 53"), log.get(10, TimeUnit.SECONDS), "ERROR code 3 sent to the server");
        }
    }

    @Test
    void shouldReportTheServersErrorAndSilence() throws Exception
    {
        try (Scripted server = new Scripted())
        {
            server.run(s ->
            {
                final Packet rrq = s.receive();
                final byte[] error = new byte[64];
                s.send(s.socket, rrq.from(), error, TftpPacket.error(error, 1, "File not found"));
            });
            final IOException refused = assertThrows(IOException.class,
                () -> QUICK.get(server.target("missing"), new ByteArrayOutputStream(), 1000));
            assertEquals("the TFTP server answered error 1: File not found", refused.getMessage());
        }
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress()))
        {
            final IOException none = assertThrows(IOException.class, () -> QUICK.get(
                new TftpClient.Target("127.0.0.1", silent.getLocalPort(), "x"), new ByteArrayOutputStream(), 1000));
            assertTrue(none.getMessage().startsWith("no answer from the TFTP server"), none.getMessage());
        }
    }

    @Test
    void shouldWriteAFileAnswerAStrangerWithError5AndNotRepeatDataOnADuplicateAck() throws Exception
    {
        final byte[] file = bytes(3000);
        try (Scripted server = new Scripted())
        {
            final CompletableFuture<List<String>> log = server.run(s ->
            {
                final Packet wrq = s.receive();
                assertEquals("3000", requestOptions(wrq.data()).get("tsize"));
                final DatagramSocket transfer = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                final byte[] ack = new byte[4];
                s.send(transfer, wrq.from(), ack, TftpPacket.ack(ack, 0));
                final ByteArrayOutputStream received = new ByteArrayOutputStream();
                int block = 1;
                while (true)
                {
                    final Packet data = s.receive(transfer);
                    assertEquals(block, (data.data()[2] & 0xff) << 8 | data.data()[3] & 0xff, "block in order");
                    received.write(data.data(), 4, data.length() - 4);
                    if (block == 1)
                    {
                        // a stranger on another port, then a duplicate ACK 0: neither may bring block 1 again
                        try (DatagramSocket stranger = new DatagramSocket(0, InetAddress.getLoopbackAddress()))
                        {
                            s.send(stranger, wrq.from(), ack, TftpPacket.ack(ack, 1));
                            final Packet answer = s.receive(stranger);
                            s.note("stranger got opcode " + answer.data()[1] + " code " + answer.data()[3]);
                        }
                        s.send(transfer, wrq.from(), ack, TftpPacket.ack(ack, 0));
                    }
                    s.send(transfer, wrq.from(), ack, TftpPacket.ack(ack, block));
                    if (data.length() - 4 < 512)
                    {
                        break;
                    }
                    block++;
                }
                s.note("received " + Arrays.equals(file, received.toByteArray()));
                transfer.close();
            });
            QUICK.put(server.target("up/x.po"), new ByteArrayInputStream(file), file.length);
            assertEquals(List.of("stranger got opcode 5 code 5", "received true"), log.get(10, TimeUnit.SECONDS));
        }
    }

    private static byte[] bytes(final int n)
    {
        final byte[] b = new byte[n];
        for (int i = 0; i < n; i++)
        {
            b[i] = (byte) (i * 31 + i / 7);
        }
        return b;
    }

    private static Map<String, String> requestOptions(final byte[] request)
    {
        final String[] parts = new String(request, 2, request.length - 3, StandardCharsets.US_ASCII).split("\0", -1);
        final Map<String, String> options = new LinkedHashMap<>();
        for (int i = 2; i + 1 < parts.length; i += 2)
        {
            options.put(parts[i], parts[i + 1]);
        }
        return options;
    }

    private record Packet(byte[] data, int length, SocketAddress from)
    {
    }

    /** A TFTP server played by a script on a thread of its own, one request per test. */
    private static final class Scripted implements AutoCloseable
    {
        final DatagramSocket socket;
        private final List<String> notes = new ArrayList<>();

        Scripted() throws IOException
        {
            socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
            socket.setSoTimeout(5000);
        }

        TftpClient.Target target(final String file)
        {
            return new TftpClient.Target("127.0.0.1", socket.getLocalPort(), file);
        }

        interface Script
        {
            void play(Scripted s) throws Exception;
        }

        CompletableFuture<List<String>> run(final Script script)
        {
            return CompletableFuture.supplyAsync(() ->
            {
                try
                {
                    script.play(this);
                    return notes;
                }
                catch (final Exception ex)
                {
                    throw new IllegalStateException(ex);
                }
            });
        }

        void note(final String text)
        {
            notes.add(text);
        }

        Packet receive() throws IOException
        {
            return receive(socket);
        }

        Packet receive(final DatagramSocket on) throws IOException
        {
            on.setSoTimeout(5000);
            final DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
            on.receive(p);
            return new Packet(Arrays.copyOf(p.getData(), p.getLength()), p.getLength(), p.getSocketAddress());
        }

        void send(final DatagramSocket on, final SocketAddress to, final byte[] buffer, final int length)
            throws IOException
        {
            on.send(new DatagramPacket(buffer, length, to));
        }

        void expectAck(final DatagramSocket on, final int block) throws IOException
        {
            final Packet ack = receive(on);
            assertEquals(4, ack.length());
            assertEquals(TftpPacket.ACK, ack.data()[1]);
            assertEquals(block, (ack.data()[2] & 0xff) << 8 | ack.data()[3] & 0xff, "ACK of block " + block);
        }

        @Override
        public void close()
        {
            socket.close();
        }
    }
}
