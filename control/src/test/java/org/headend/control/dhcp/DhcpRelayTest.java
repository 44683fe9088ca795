package org.headend.control.dhcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The relay's UDP side against a scripted server on the loopback: the lease is acquired over real datagrams and the
 * listener hears of it on the executor it gave, RELEASE goes out when the holder lets go, a silent server ends in a
 * failure that names it, and junk or an answer from a host that is not a configured server changes nothing.
 */
class DhcpRelayTest
{
    private static final Inet4Address LOOPBACK = (Inet4Address)InetAddress.getLoopbackAddress();

    private final ExecutorService control = Executors.newSingleThreadExecutor();
    private final BlockingQueue<String> heard = new LinkedBlockingQueue<>();
    private final List<AutoCloseable> closing = new java.util.ArrayList<>();

    @AfterEach
    void close() throws Exception
    {
        for (final AutoCloseable each : closing)
        {
            each.close();
        }
        control.shutdownNow();
    }

    @Test
    void shouldLeaseOverUdpTellTheListenerOnItsExecutorAndReleaseWhenLetGo() throws Exception
    {
        final DatagramSocket server = socket();
        final int relayPort = freePort();
        final DhcpRelay relay = relay(relayPort, server.getLocalPort(), Duration.ofSeconds(10));
        final DhcpRelay.Handle handle = relay.acquire(List.of(LOOPBACK), LOOPBACK, listener());

        final DhcpMessage discover = receive(server);
        assertEquals(DhcpMessage.DISCOVER, discover.messageType());
        assertEquals(0x7F000001, discover.giaddr());
        // junk first: it is dropped, the lease goes on
        server.send(new DatagramPacket(new byte[] {1, 2, 3}, 3, new InetSocketAddress(LOOPBACK, relayPort)));
        // a forged offer from another host of the network (127.0.0.2 is no configured server) is not heard
        final DatagramSocket stranger = new DatagramSocket(new InetSocketAddress("127.0.0.2", 0));
        closing.add(stranger);
        answer(stranger, relayPort, discover, DhcpMessage.OFFER, 0x0A3C0063);
        answer(server, relayPort, discover, DhcpMessage.OFFER, 0x0A3C002A);
        final DhcpMessage request = receive(server);
        assertEquals(DhcpMessage.REQUEST, request.messageType());
        assertEquals(0x0A3C002AL, request.intOption(DhcpMessage.OPTION_REQUESTED_ADDRESS, 0), "the server's offer");
        answer(server, relayPort, request, DhcpMessage.ACK, 0x0A3C002A);
        assertEquals("bound 10.60.0.42/ffffff00 on control", heard.poll(10, TimeUnit.SECONDS));
        assertEquals(1, relay.active());

        handle.release();
        final DhcpMessage release = receive(server);
        assertEquals(DhcpMessage.RELEASE, release.messageType());
        assertEquals(0x0A3C002A, release.ciaddr());
        assertEquals(0, relay.active());
    }

    @Test
    void shouldFailNamingTheServerWhenItNeverAnswers() throws Exception
    {
        final DatagramSocket server = socket();
        final DhcpRelay relay = relay(freePort(), server.getLocalPort(), Duration.ofMillis(300));
        relay.acquire(List.of(LOOPBACK), LOOPBACK, listener());
        assertEquals("failed: no lease from 127.0.0.1 within 0 s on control", heard.poll(10, TimeUnit.SECONDS));
        assertEquals(0, relay.active());
    }

    @Test
    void shouldFailClearlyWhenTheRelayPortCannotBeHad() throws Exception
    {
        final DatagramSocket taken = new DatagramSocket(new InetSocketAddress(0));
        closing.add(taken);
        final DhcpRelay relay = relay(taken.getLocalPort(), 9, Duration.ofSeconds(5));
        relay.acquire(List.of(LOOPBACK), LOOPBACK, listener());
        final String failure = heard.poll(10, TimeUnit.SECONDS);
        assertTrue(failure.startsWith("failed: the DHCP relay cannot receive on UDP port " + taken.getLocalPort()),
            failure);
    }

    private DhcpRelay relay(final int localPort, final int serverPort, final Duration timeout)
    {
        final DhcpRelay relay = new DhcpRelay(control, localPort, serverPort, timeout, System::nanoTime);
        closing.add(relay);
        return relay;
    }

    private DhcpRelay.Listener listener()
    {
        return new DhcpRelay.Listener()
        {
            @Override
            public void bound(final int address, final int mask)
            {
                heard.add("bound " + DhcpLease.ipv4(address) + "/" + Integer.toHexString(mask) + where());
            }

            @Override
            public void failed(final String why)
            {
                heard.add("failed: " + why + where());
            }

            @Override
            public void lost(final String why)
            {
                heard.add("lost: " + why + where());
            }
        };
    }

    private String where()
    {
        return Thread.currentThread().getName().startsWith("dhcp") ? " on the relay's thread" : " on control";
    }

    private DatagramSocket socket() throws Exception
    {
        final DatagramSocket socket = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        socket.setSoTimeout(10_000);
        closing.add(socket);
        return socket;
    }

    private static int freePort() throws Exception
    {
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(0)))
        {
            return probe.getLocalPort();
        }
    }

    private static DhcpMessage receive(final DatagramSocket server) throws Exception
    {
        final DatagramPacket packet = new DatagramPacket(new byte[1500], 1500);
        server.receive(packet);
        return DhcpMessage.decode(packet.getData(), packet.getLength());
    }

    private static void answer(final DatagramSocket server, final int relayPort, final DhcpMessage to, final int type,
        final int address) throws Exception
    {
        final Map<Integer, byte[]> options = new LinkedHashMap<>();
        options.put(DhcpMessage.OPTION_MESSAGE_TYPE, new byte[] {(byte)type});
        options.put(DhcpMessage.OPTION_SERVER_ID, DhcpMessage.int32(0x7F000001));
        options.put(DhcpMessage.OPTION_LEASE_TIME, DhcpMessage.int32(600));
        options.put(DhcpMessage.OPTION_SUBNET_MASK, DhcpMessage.int32(0xFFFFFF00L));
        final byte[] bytes = new DhcpMessage(DhcpMessage.BOOTREPLY, to.xid(), 0, 0, 0, address, 0, to.giaddr(),
            to.chaddr(), options).encode();
        // a server answers a relay at giaddr, port 67: here the loopback and the relay's test port
        server.send(new DatagramPacket(bytes, bytes.length, new InetSocketAddress(LOOPBACK, relayPort)));
    }
}
