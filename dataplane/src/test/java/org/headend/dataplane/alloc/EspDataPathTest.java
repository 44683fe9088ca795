package org.headend.dataplane.alloc;

import static org.headend.dataplane.wire.Packets.address;
import static org.headend.dataplane.wire.Packets.ipv4;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.headend.crypto.openssl.EvpAesGcm;
import org.headend.dataplane.api.Dataplane;
import org.headend.dataplane.api.DataplaneCounter;
import org.headend.dataplane.api.EspSa;
import org.headend.dataplane.api.EspSocket;
import org.headend.dataplane.api.EspTunnel;
import org.headend.dataplane.api.TunnelAccess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ESP through the data plane as the appliance wires it ({@code Dataplane.startShared}, {@code openEsp}, the real
 * io_uring UDP socket on loopback, the TUN queue's path), against a client that speaks RFC 4303/4106/3948 through the
 * JDK's own AES-GCM: IKE messages and keepalives are told apart from ESP, the client's packets reach the TUN queue,
 * and the inside's packets reach the client sealed for it.
 */
class EspDataPathTest
{
    private static final int CLIENT = address(192, 168, 100, 10);
    private static final int INSIDE = address(10, 1, 0, 5);
    private static final int PACKET = 100;
    private static final int PACKETS = 200;
    private static final int CHUNK = 50;
    /** RFC 3948: the four zero bytes ahead of an IKE message on the ESP port. */
    private static final int NON_ESP_MARKER = 4;
    private static final int HEADEND_SPI_OUT = 0x0C11_E471;
    private static final byte[] KEY_IN = filled(32, 0x31);
    private static final byte[] SALT_IN = {1, 2, 3, 4};
    private static final byte[] KEY_OUT = filled(32, 0x42);
    private static final byte[] SALT_OUT = {5, 6, 7, 8};

    private final byte[] insidePacket = ipv4(INSIDE, CLIENT, PACKET);
    private final byte[] clientPacket = ipv4(CLIENT, INSIDE, PACKET);
    private final BlockingQueue<byte[]> ike = new LinkedBlockingQueue<>();
    private MultiThreadIoEventLoopGroup group;
    private IoEventLoop loop;
    private CountingTunQueue tun;
    private Dataplane dataplane;
    private EspSocket esp;
    private DatagramChannel client;
    private InetSocketAddress headend;

    private static byte[] filled(final int length, final int value)
    {
        final byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte)value);
        return bytes;
    }

    @BeforeEach
    void start() throws Exception
    {
        Assumptions.assumeTrue(IoUring.isAvailable(), "the data plane's event loop runs io_uring");
        Assumptions.assumeTrue(EvpAesGcm.isAvailable(), "libcrypto is the appliance's AEAD");
        group = new MultiThreadIoEventLoopGroup(1, IoUringIoHandler.newFactory());
        loop = (IoEventLoop)group.next();
        tun = new CountingTunQueue(insidePacket, PACKET);
        dataplane = Dataplane.startShared(new Dataplane.TunQueueBinding(tun, tun.fd(), false), loop);
        esp = dataplane.openEsp(new EspSocket.Options(loop, true, 8, true), (peer, local, message) -> ike.add(message),
            EvpAesGcm::new);
        esp.bind(InetAddress.getLoopbackAddress(), 0);
        headend = new InetSocketAddress(InetAddress.getLoopbackAddress(), esp.localPort());
        client = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        client.socket().setSoTimeout(5000);
    }

    @AfterEach
    void stop() throws Exception
    {
        if (group == null)
        {
            return;
        }
        esp.close();
        dataplane.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        tun.close();
        client.close();
    }

    @Test
    void shouldCarryIkeKeepalivesAndEspOverTheRealSocket() throws Exception
    {
        // IKE both ways, with the non-ESP marker on the wire only
        client.send(ByteBuffer.wrap(new byte[] {0, 0, 0, 0, 0x21, 0x20, 0x22, 0x08}), headend);
        assertArrayEquals(new byte[] {0x21, 0x20, 0x22, 0x08}, ike.poll(5, TimeUnit.SECONDS));
        esp.sendIke((InetSocketAddress)client.getLocalAddress(), new byte[] {9, 8, 7}, 0, 3);
        assertArrayEquals(new byte[] {0, 0, 0, 0, 9, 8, 7}, receive());

        client.send(ByteBuffer.wrap(new byte[] {(byte)0xFF}), headend);
        awaitAtLeast(() -> dataplane.counters().get(DataplaneCounter.ESP_NAT_KEEPALIVES), 1, "keepalive counted");

        final int inboundSpi = esp.reserveSpi();
        final EspTunnel tunnel = install(inboundSpi);
        // as control answers IKE_AUTH: the answer leaves after the SA is in place, so the client's first ESP finds it
        esp.sendIke((InetSocketAddress)client.getLocalAddress(), new byte[] {0x2E}, 0, 1);
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0x2E}, receive());

        for (int seq = 1; seq <= PACKETS; seq++)
        {
            client.send(ByteBuffer.wrap(seal(inboundSpi, seq, clientPacket)), headend);
        }
        awaitAtLeast(tun::written, PACKETS, "client packets written to the TUN queue");
        assertEquals(0, tun.malformed(), "client packets reach the TUN as the client sent them");
        assertEquals(PACKETS, tunnel.rxPackets());

        // in chunks the client's default receive buffer holds even when this thread is slow to read
        for (int i = 1; i <= PACKETS; i++)
        {
            if (i % CHUNK == 1)
            {
                tun.send(CHUNK);
            }
            final byte[] datagram = receive();
            assertNotNull(datagram, "packet " + i + " of the inside did not reach the client");
            assertArrayEquals(insidePacket, open(datagram, i), "packet " + i);
        }
        awaitAtLeast(tunnel::txPackets, PACKETS, "packets sent to the client");
        assertEquals(PACKETS, tunnel.saTxPackets());

        tunnel.disconnect("test over");
        tunnel.closed().get(5, TimeUnit.SECONDS);
        client.send(ByteBuffer.wrap(seal(inboundSpi, PACKETS + 1, clientPacket)), headend);
        awaitAtLeast(() -> dataplane.counters().get(DataplaneCounter.ESP_UNKNOWN_SPI_DROPS), 1,
            "packets of a removed SA dropped");
        assertEquals(PACKETS, tun.written());
    }

    @Test
    void shouldHandControlALongIkeMessageWholeOnAQuietPortAndAtTheHeadOfABacklog() throws Exception
    {
        // an unfragmented IKE_AUTH with a certificate chain: longer than the slots ESP packets are read into
        final byte[] longMessage = new byte[12_000];
        for (int i = NON_ESP_MARKER; i < longMessage.length; i++)
        {
            longMessage[i] = (byte)(i * 7 + 1);
        }
        final byte[] withoutMarker = Arrays.copyOfRange(longMessage, NON_ESP_MARKER, longMessage.length);
        client.send(ByteBuffer.wrap(longMessage), headend);
        assertArrayEquals(withoutMarker, ike.poll(5, TimeUnit.SECONDS), "the message, on a quiet port");

        final int inboundSpi = esp.reserveSpi();
        install(inboundSpi);
        esp.sendIke((InetSocketAddress)client.getLocalAddress(), new byte[] {0x2E}, 0, 1);
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0x2E}, receive());
        // the loop is busy while the message and a burst of ESP arrive: they wait in the socket, read in batches
        final CountDownLatch busy = new CountDownLatch(1);
        loop.execute(() ->
        {
            try
            {
                busy.await(10, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        });
        client.send(ByteBuffer.wrap(longMessage), headend);
        for (int seq = 1; seq <= PACKETS; seq++)
        {
            client.send(ByteBuffer.wrap(seal(inboundSpi, seq, clientPacket)), headend);
        }
        busy.countDown();
        assertArrayEquals(withoutMarker, ike.poll(5, TimeUnit.SECONDS), "the message, ahead of a burst of ESP");
        awaitAtLeast(tun::written, PACKETS, "client packets of the burst written to the TUN queue");
        assertEquals(0, tun.malformed(), "client packets reach the TUN as the client sent them");
        assertEquals(0, dataplane.counters().get(DataplaneCounter.ESP_AUTH_FAILURES), "no packet cut or mangled");
    }

    /** Installs the client's SA pair ({@code inboundSpi} the client's packets carry) and routes its address. */
    private EspTunnel install(final int inboundSpi) throws java.io.IOException
    {
        final EspTunnel tunnel = esp.install(9, new TunnelAccess(CLIENT, null, null), 1400,
            (InetSocketAddress)client.getLocalAddress(), new EspSa(inboundSpi, KEY_IN, SALT_IN, false, 128),
            new EspSa(HEADEND_SPI_OUT, KEY_OUT, SALT_OUT, false, 0), new QuietListener());
        dataplane.addRoutes(tunnel);
        return tunnel;
    }

    private byte[] receive() throws Exception
    {
        final ByteBuffer buffer = ByteBuffer.allocate(65536);
        client.configureBlocking(true);
        final Thread waiter = Thread.currentThread();
        // a bounded wait: the channel has no timeout of its own
        final Thread watchdog = Thread.ofVirtual().start(() ->
        {
            try
            {
                Thread.sleep(5000);
                waiter.interrupt();
            }
            catch (final InterruptedException ex)
            {
                // received in time
            }
        });
        try
        {
            client.receive(buffer);
        }
        catch (final java.nio.channels.ClosedByInterruptException ex)
        {
            return null;
        }
        finally
        {
            watchdog.interrupt();
        }
        return Arrays.copyOf(buffer.array(), buffer.position());
    }

    /** The client's ESP packet for {@code inner} (RFC 4303 with RFC 4106 AES-GCM, no ESN), by the JDK alone. */
    private static byte[] seal(final int spi, final int seq, final byte[] inner) throws Exception
    {
        final int padding = (4 - ((inner.length + 2) & 3)) & 3;
        final ByteBuffer plain = ByteBuffer.allocate(inner.length + padding + 2).put(inner);
        for (int i = 1; i <= padding; i++)
        {
            plain.put((byte)i);
        }
        plain.put((byte)padding).put((byte)4);
        final Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(KEY_IN, "AES"),
            new GCMParameterSpec(128, ByteBuffer.allocate(12).put(SALT_IN).putLong(seq).array()));
        cipher.updateAAD(ByteBuffer.allocate(8).putInt(spi).putInt(seq).array());
        final byte[] sealed = cipher.doFinal(plain.array());
        return ByteBuffer.allocate(16 + sealed.length).putInt(spi).putInt(seq).putLong(seq).put(sealed).array();
    }

    /** The inner packet of the headend's ESP packet number {@code expectedSeq}, opened by the JDK alone. */
    private static byte[] open(final byte[] datagram, final int expectedSeq) throws Exception
    {
        final ByteBuffer packet = ByteBuffer.wrap(datagram);
        assertEquals(HEADEND_SPI_OUT, packet.getInt(0));
        assertEquals(expectedSeq, packet.getInt(4));
        final Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(KEY_OUT, "AES"),
            new GCMParameterSpec(128, ByteBuffer.allocate(12).put(SALT_OUT).put(datagram, 8, 8).array()));
        cipher.updateAAD(datagram, 0, 8);
        final byte[] plain = cipher.doFinal(datagram, 16, datagram.length - 16);
        assertEquals(4, plain[plain.length - 1], "next header IPv4");
        return Arrays.copyOf(plain, plain.length - 2 - plain[plain.length - 2]);
    }

    private static void awaitAtLeast(final LongSupplier counter, final long target, final String what)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (counter.getAsLong() < target)
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError(what + ": " + counter.getAsLong() + " of " + target + " after 20 s");
            }
            LockSupport.parkNanos(1_000_000);
        }
    }
}
