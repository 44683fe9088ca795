package org.headend.dataplane.esp;

import static org.headend.dataplane.wire.Packets.address;
import static org.headend.dataplane.wire.Packets.address6;
import static org.headend.dataplane.wire.Packets.ipv4;
import static org.headend.dataplane.wire.Packets.ipv6;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.headend.crypto.jca.JcaAesGcm;
import org.headend.dataplane.api.AccessFilter;
import org.headend.dataplane.api.DataplaneCounter;
import org.headend.dataplane.api.SplitFilter;
import org.headend.dataplane.api.TunnelAccess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EspPortHandlerTest
{
    private static final int CLIENT = address(192, 168, 100, 10);
    private static final int INSIDE = address(10, 1, 0, 5);
    private static final InetSocketAddress PEER_NEW_PORT = new InetSocketAddress("10.77.0.2", 40001);
    private static final InetSocketAddress STRANGER = new InetSocketAddress("10.77.0.9", 40000);

    private final EspFixture esp = new EspFixture(new TunnelAccess(CLIENT, null, null), 1400);

    @AfterEach
    void tearDown()
    {
        esp.close();
    }

    private long count(final DataplaneCounter counter)
    {
        return esp.counters.get(counter);
    }

    @Test
    void shouldWriteTheClientsPacketInsideOnceAndDropItsReplay()
    {
        final byte[] packet = esp.seal(ipv4(CLIENT, INSIDE, 84), EspFormat.NEXT_HEADER_IPV4);
        esp.receive(packet, EspFixture.PEER);
        esp.receive(packet, EspFixture.PEER);
        assertEquals(1, esp.delivered.size());
        assertArrayEquals(ipv4(CLIENT, INSIDE, 84), esp.delivered.get(0));
        assertEquals(1, count(DataplaneCounter.ESP_REPLAY_DROPS));
        assertEquals(1, esp.session.rxPackets());
        assertEquals(84, esp.session.rxBytes());
        assertEquals(84, esp.session.saRxBytes());
        assertEquals(1, esp.session.saRxPackets());
    }

    @Test
    void shouldHandIkeMessagesToControlWithoutTheirMarker() throws Exception
    {
        esp.receive(new byte[] {0, 0, 0, 0, 0x11, 0x22, 0x33}, EspFixture.PEER);
        final byte[] message = esp.ike.poll(5, TimeUnit.SECONDS);
        assertArrayEquals(new byte[] {0x11, 0x22, 0x33}, message);
        assertEquals(1, count(DataplaneCounter.ESP_IKE_MESSAGES));
        assertTrue(esp.delivered.isEmpty());
    }

    @Test
    void shouldCountNatKeepalivesAndChangeNothing()
    {
        esp.receive(new byte[] {(byte)0xFF}, STRANGER);
        assertEquals(1, count(DataplaneCounter.ESP_NAT_KEEPALIVES));
        assertEquals(EspFixture.PEER, esp.session.peer(), "a keepalive proves nothing about who sent it");
        assertTrue(esp.delivered.isEmpty());
    }

    @Test
    void shouldDropPacketsOfUnknownSpisAndRunts()
    {
        final byte[] packet = esp.seal(ipv4(CLIENT, INSIDE, 84), EspFormat.NEXT_HEADER_IPV4);
        packet[3] ^= 1;
        esp.receive(packet, EspFixture.PEER);
        esp.receive(new byte[] {1, 2}, EspFixture.PEER);
        esp.receive(new byte[] {0x11, 0x11, 0, 1, 0, 0, 0, 1}, EspFixture.PEER);
        assertEquals(1, count(DataplaneCounter.ESP_UNKNOWN_SPI_DROPS));
        assertEquals(2, count(DataplaneCounter.ESP_MALFORMED_DROPS), "too short for a marker, too short for ESP");
        assertTrue(esp.delivered.isEmpty());
    }

    @Test
    void shouldApplyTheSessionsAccessChecksLikeTheSslTunnels()
    {
        esp.receive(esp.seal(ipv4(address(192, 168, 100, 11), INSIDE, 84), EspFormat.NEXT_HEADER_IPV4),
            EspFixture.PEER);
        esp.receive(esp.seal(ipv4(CLIENT, INSIDE, 1401), EspFormat.NEXT_HEADER_IPV4), EspFixture.PEER);
        assertTrue(esp.delivered.isEmpty());
        assertEquals(1, count(DataplaneCounter.SPOOFED_SOURCE_DROPS));
        assertEquals(1, count(DataplaneCounter.ESP_MALFORMED_DROPS), "longer than the tunnel MTU");
        assertEquals(2, esp.session.rxDrops());
    }

    @Test
    void shouldApplyTheSplitTunnelAndVpnFilterOfTheSession()
    {
        final SplitFilter.Network corp = new SplitFilter.Network(new byte[] {10, 0, 0, 0}, 8);
        final AccessFilter vpnFilter = new AccessFilter(List.of(
            new AccessFilter.Entry(false, new SplitFilter.Network(new byte[] {10, 1, 0, 0}, 16)),
            new AccessFilter.Entry(true, corp)));
        try (EspFixture filtered = new EspFixture(new TunnelAccess(CLIENT, null, SplitFilter.onlyTo(List.of(corp)),
            vpnFilter), 1400))
        {
            filtered.receive(filtered.seal(ipv4(CLIENT, address(8, 8, 8, 8), 60), EspFormat.NEXT_HEADER_IPV4),
                EspFixture.PEER);
            filtered.receive(filtered.seal(ipv4(CLIENT, INSIDE, 60), EspFormat.NEXT_HEADER_IPV4), EspFixture.PEER);
            final byte[] allowed = ipv4(CLIENT, address(10, 2, 0, 1), 60);
            filtered.receive(filtered.seal(allowed, EspFormat.NEXT_HEADER_IPV4), EspFixture.PEER);
            assertEquals(1, filtered.delivered.size());
            assertArrayEquals(allowed, filtered.delivered.getFirst());
            assertEquals(2, filtered.counters.get(DataplaneCounter.FILTERED_DESTINATION_DROPS),
                "outside the split tunnel, and denied by the vpn-filter");
            assertEquals(2, filtered.session.rxDrops());
            assertEquals(180, filtered.session.saRxBytes(), "the SA's lifetime counts all it opened");
        }
    }

    @Test
    void shouldDropDummyPacketsAndUnknownNextHeaders()
    {
        esp.receive(esp.seal(new byte[0], EspFormat.NEXT_HEADER_NONE), EspFixture.PEER);
        esp.receive(esp.seal(ipv4(CLIENT, INSIDE, 40), 17), EspFixture.PEER);
        assertTrue(esp.delivered.isEmpty());
        assertEquals(1, count(DataplaneCounter.ESP_DUMMY_PACKETS));
        assertEquals(1, count(DataplaneCounter.ESP_UNEXPECTED_NEXT_HEADER));
    }

    @Test
    void shouldFollowTheClientToANewAddressOnlyForItsNewestAuthenticatedPacket()
    {
        final byte[] first = esp.seal(ipv4(CLIENT, INSIDE, 60), EspFormat.NEXT_HEADER_IPV4);
        final byte[] second = esp.seal(ipv4(CLIENT, INSIDE, 60), EspFormat.NEXT_HEADER_IPV4);
        final byte[] third = esp.seal(ipv4(CLIENT, INSIDE, 60), EspFormat.NEXT_HEADER_IPV4);
        esp.receive(second, EspFixture.PEER);

        // forged: right SPI, wrong ICV
        final byte[] forged = third.clone();
        forged[forged.length - 1] ^= 1;
        esp.receive(forged, STRANGER);
        assertEquals(EspFixture.PEER, esp.session.peer());
        assertEquals(1, count(DataplaneCounter.ESP_AUTH_FAILURES));

        // authentic but late (a copy an attacker replays from elsewhere, or plain reordering)
        esp.receive(first, STRANGER);
        assertEquals(EspFixture.PEER, esp.session.peer(), "an older packet does not move the peer");
        assertEquals(2, esp.delivered.size(), "yet it is delivered: it is inside the window and new");

        esp.receive(third, PEER_NEW_PORT);
        assertEquals(PEER_NEW_PORT, esp.session.peer());
        assertEquals(1, count(DataplaneCounter.ESP_NAT_REBINDS));

        esp.session.writeData(new UnsafeBuffer(ipv4(INSIDE, CLIENT, 60)), 0, 60);
        esp.session.flushBatch();
        assertEquals(PEER_NEW_PORT, esp.sent().recipient(), "the inside's packets follow the client");
    }

    @Test
    void shouldSealInsidePacketsForTheClientWithTheRightNextHeader()
    {
        final byte[] v4 = ipv4(INSIDE, CLIENT, 100);
        final byte[] v6 = ipv6(address6("2001:db8::1"), address6("2001:db8::2"), 80);
        assertTrue(esp.session.writeData(new UnsafeBuffer(v4), 0, v4.length), "first packet of the batch");
        esp.session.writeData(new UnsafeBuffer(v6), 0, v6.length);
        esp.session.flushBatch();

        final DatagramPacket first = esp.sent();
        assertEquals(EspFixture.PEER, first.recipient());
        assertEquals(EspFixture.OUT_SPI, first.content().getInt(0));
        assertArrayEquals(v4, esp.openAtClient(first));
        assertEquals(EspFormat.NEXT_HEADER_IPV4, esp.clientReceiver.nextHeader());
        assertArrayEquals(v6, esp.openAtClient(esp.sent()));
        assertEquals(EspFormat.NEXT_HEADER_IPV6, esp.clientReceiver.nextHeader());
        assertNull(esp.sent());
        assertEquals(2, esp.session.txPackets());
        assertEquals(2, esp.session.saTxPackets());
        assertEquals(180, esp.session.saTxBytes());
    }

    @Test
    void shouldRekeyWithAnOverlapForTheOldInboundSaAndSealWithTheNewOnceTheClientUsesIt()
    {
        final byte[] late = esp.seal(ipv4(CLIENT, INSIDE, 60), EspFormat.NEXT_HEADER_IPV4);
        esp.session.writeData(new UnsafeBuffer(ipv4(INSIDE, CLIENT, 60)), 0, 60);
        esp.session.flushBatch();
        esp.sent();

        esp.session.rekey(EspFixture.sa(0x1111_0002, 3, 64), EspFixture.sa(0x2222_0002, 4, 0));
        esp.channel.runPendingTasks();
        assertEquals(0x1111_0002, esp.session.inboundSpi());
        esp.session.writeData(new UnsafeBuffer(ipv4(INSIDE, CLIENT, 60)), 0, 60);
        esp.session.flushBatch();
        assertEquals(EspFixture.OUT_SPI, esp.sent().content().getInt(0),
            "until the client shows it has the new pair, the old outbound SA seals (RFC 7296 §2.8)");

        esp.receive(late, EspFixture.PEER);
        assertEquals(EspFixture.OUT_SPI, esp.session.outboundSpi(), "a packet on the old SA proves nothing");
        try (OutboundSa newClient = new OutboundSa(EspFixture.sa(0x1111_0002, 3, 0), JcaAesGcm::new))
        {
            esp.receive(EspFixture.seal(newClient, ipv4(CLIENT, INSIDE, 60), 4), EspFixture.PEER);
            assertEquals(2, esp.delivered.size(), "old and new inbound SA both open during the overlap");
            assertEquals(0x2222_0002, esp.session.outboundSpi(), "the client's first packet on the new SA");
            assertEquals(0, esp.session.saTxBytes(), "lifetime counters restart with the new outbound SA");
            esp.session.writeData(new UnsafeBuffer(ipv4(INSIDE, CLIENT, 60)), 0, 60);
            esp.session.flushBatch();
            assertEquals(0x2222_0002, esp.sent().content().getInt(0), "the new outbound SA seals");

            esp.session.retireInbound(EspFixture.IN_SPI);
            esp.channel.runPendingTasks();
            esp.receive(esp.seal(ipv4(CLIENT, INSIDE, 60), 4), EspFixture.PEER);
            assertEquals(1, count(DataplaneCounter.ESP_UNKNOWN_SPI_DROPS), "the retired SA is gone");
            esp.receive(EspFixture.seal(newClient, ipv4(CLIENT, INSIDE, 60), 4), EspFixture.PEER);
            assertEquals(3, esp.delivered.size());
        }
    }

    @Test
    void shouldSealWithTheNewOutboundSaOnceTheClientDeletesTheOldPair()
    {
        esp.session.rekey(EspFixture.sa(0x1111_0002, 3, 64), EspFixture.sa(0x2222_0002, 4, 0));
        esp.channel.runPendingTasks();
        assertEquals(EspFixture.OUT_SPI, esp.session.outboundSpi());
        esp.session.retireInbound(EspFixture.IN_SPI);
        esp.channel.runPendingTasks();
        assertEquals(0x2222_0002, esp.session.outboundSpi(), "the DELETE of the old pair shows the client has the new");
        esp.session.writeData(new UnsafeBuffer(ipv4(INSIDE, CLIENT, 60)), 0, 60);
        esp.session.flushBatch();
        assertEquals(0x2222_0002, esp.sent().content().getInt(0));
    }

    @Test
    void shouldTakeTheSasOutAndTellControlOnceWhenDisconnected() throws Exception
    {
        esp.session.disconnect("logoff");
        esp.session.drop("again");
        esp.channel.runPendingTasks();
        assertTrue(esp.session.closed().isDone());
        assertEquals(List.of("LOCAL logoff"), esp.closes);
        esp.receive(esp.seal(ipv4(CLIENT, INSIDE, 60), 4), EspFixture.PEER);
        assertEquals(1, count(DataplaneCounter.ESP_UNKNOWN_SPI_DROPS));
        assertTrue(esp.delivered.isEmpty());
        assertTrue(esp.spis.claim(EspFixture.IN_SPI), "the SPI is free again");
        esp.session.writeData(new UnsafeBuffer(ipv4(INSIDE, CLIENT, 60)), 0, 60);
        assertNull(esp.sent(), "nothing leaves a closed tunnel");
    }

    @Test
    void shouldReserveDistinctSpisOutsideTheReservedRange()
    {
        final java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int i = 0; i < 10_000; i++)
        {
            final int spi = esp.spis.reserve();
            assertTrue((spi & 0xFFFF_FF00) != 0, "SPIs 0-255 are reserved");
            assertTrue(seen.add(spi));
        }
    }
}
