package org.headend.dataplane.tunnel;

import static org.headend.dataplane.wire.Packets.address;
import static org.headend.dataplane.wire.Packets.ipv4;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.headend.dataplane.api.AccessFilter;
import org.headend.dataplane.api.CompressionMethod;
import org.headend.dataplane.api.DataplaneCounter;
import org.headend.dataplane.api.DataplaneCounters;
import org.headend.dataplane.api.SplitFilter;
import org.headend.dataplane.api.TunnelAccess;
import org.headend.dataplane.api.TunnelListener;
import org.headend.dataplane.compress.LzsCodec;
import org.headend.dataplane.compress.PacketCompression;
import org.headend.dataplane.esp.EspSession;
import org.headend.dataplane.tun.InMemoryTunPort;
import org.headend.dataplane.tun.ParkingIdleWaiter;
import org.headend.dataplane.tun.SharedTunIo;
import org.headend.dataplane.tun.TunIdleStrategy;
import org.headend.dataplane.tunnel.TunnelCore.Transport;
import org.headend.dataplane.wire.CstpHeader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The tunnel's behaviour without sockets or clocks: each case runs the same {@link TunnelCore} over every transport
 * its adapters give it (TLS, DTLS, ESP) and both threading modes' inbound sinks ({@code shared}: the TUN queue
 * written in place by {@link SharedTunIo}; {@code dedicated}: the ring to a TUN agent), with time passed in by hand.
 * Where the transports differ by design (what ends a tunnel, how DPD works) the case says so; the cases about CSTP's
 * own messages (DPD, disconnect, compression) run over the two CSTP transports, as ESP has none of them.
 */
class TunnelCoreTest
{
    private static final int CLIENT = address(192, 168, 100, 10);
    private static final int INSIDE = address(10, 1, 0, 5);
    private static final int MTU = 1400;
    private static final long SECOND = 1_000_000_000L;
    /** Shorter than the DTLS inactivity limit (25 s), as DTLS probes are only sent before it. */
    private static final int DPD_SECONDS = 10;
    private static final long START = 1_000 * SECOND;

    /** The threading modes, as a tunnel's client packets see them: where they go. */
    enum Mode
    {
        SHARED, DEDICATED
    }

    /** Every transport of the core, as its adapter describes it. */
    private static final List<Transport> ALL = List.of(Transport.TLS, Transport.DTLS, EspSession.TRANSPORT);
    /** The transports that carry CSTP messages. */
    private static final List<Transport> CSTP = List.of(Transport.TLS, Transport.DTLS);

    private final DataplaneCounters counters = new DataplaneCounters();
    private final List<String> events = new ArrayList<>();
    private final InMemoryTunPort tun = new InMemoryTunPort();
    private InboundRing ring;
    private TunnelPath path;
    private TunnelPath.Route route;

    static List<Object[]> transportsAndModes()
    {
        return cases(ALL);
    }

    static List<Object[]> cstpTransportsAndModes()
    {
        return cases(CSTP);
    }

    private static List<Object[]> cases(final List<Transport> transports)
    {
        final List<Object[]> cases = new ArrayList<>();
        for (final Transport transport : transports)
        {
            for (final Mode mode : Mode.values())
            {
                cases.add(new Object[] {transport, mode});
            }
        }
        return cases;
    }

    private TunnelCore core(final Transport transport, final Mode mode, final PacketCompression compression)
    {
        return core(transport, mode, compression, new TunnelAccess(CLIENT, null, null));
    }

    /** A core as its transport's adapter builds it: only DTLS stands in for its path's own channel. */
    private TunnelCore core(final Transport transport, final Mode mode, final PacketCompression compression,
        final TunnelAccess access)
    {
        final EgressQueue egress = new EgressQueue(null, 0);
        path = new TunnelPath(7, egress, access);
        route = transport == Transport.DTLS ? new TunnelPath.Route(0x4000_0001, egress) : null;
        final InboundSink inbound;
        if (mode == Mode.SHARED)
        {
            inbound = new SharedTunIo(tun, -1, false, counters);
        }
        else
        {
            ring = new InboundRing(64 * 1024, new TunIdleStrategy(new ParkingIdleWaiter()));
            inbound = ring;
        }
        final TunnelCore core = new TunnelCore(transport, path, route, MTU, DPD_SECONDS, inbound, compression,
            counters, new TunnelListener()
            {
                @Override
                public void onDisconnectRequest(final int reason, final String text)
                {
                    events.add("disconnect " + Integer.toHexString(reason) + " " + text);
                }

                @Override
                public void onClosed(final CloseCause cause, final String detail)
                {
                    events.add("closed " + cause);
                }
            });
        core.onStart(START);
        return core;
    }

    private List<byte[]> inside(final Mode mode)
    {
        if (mode == Mode.SHARED)
        {
            return tun.written();
        }
        final List<byte[]> packets = new ArrayList<>();
        ring.ring().read((type, buffer, index, length) ->
        {
            final byte[] packet = new byte[length];
            buffer.getBytes(index, packet);
            packets.add(packet);
        });
        return packets;
    }

    private static int message(final TunnelCore core, final int type, final byte[] payload, final long now)
    {
        return core.onMessage(type, new UnsafeBuffer(payload), 0, payload.length, now, true);
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("transportsAndModes")
    void shouldDeliverPacketInsideWhenSourceIsTheLease(final Transport transport, final Mode mode)
    {
        final TunnelCore core = core(transport, mode, PacketCompression.none());
        final byte[] packet = ipv4(CLIENT, INSIDE, 84);
        assertEquals(TunnelCore.DONE, message(core, CstpHeader.TYPE_DATA, packet, START));
        final List<byte[]> inside = inside(mode);
        assertEquals(1, inside.size());
        assertArrayEquals(packet, inside.getFirst());
        assertEquals(1, core.traffic().rxPackets());
        assertEquals(84, core.traffic().rxBytes());
        assertEquals(1, counters.get(transport.rxData()));
        assertEquals(1, counters.get(transport == Transport.TLS ? DataplaneCounter.CSTP_RX_DATA_PACKETS
            : transport == Transport.DTLS ? DataplaneCounter.DTLS_RX_DATA_PACKETS : DataplaneCounter.ESP_RX_PACKETS),
            "each transport counts under its own name");
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("transportsAndModes")
    void shouldDropAndCountWhenSourceIsNotTheLease(final Transport transport, final Mode mode)
    {
        final TunnelCore core = core(transport, mode, PacketCompression.none());
        final int result = message(core, CstpHeader.TYPE_DATA, ipv4(address(192, 168, 100, 11), INSIDE, 84), START);
        assertEquals(TunnelCore.DONE, result, "a spoofed packet is dropped, not a reason to end the tunnel");
        assertTrue(inside(mode).isEmpty());
        assertEquals(1, counters.get(DataplaneCounter.SPOOFED_SOURCE_DROPS));
        assertEquals(1, core.traffic().rxDrops());
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("cstpTransportsAndModes")
    void shouldDeliverDecompressedPacketWhenLzsIsNegotiated(final Transport transport, final Mode mode)
    {
        final TunnelCore core = core(transport, mode, PacketCompression.of(CompressionMethod.LZS, LzsCodec.create(),
            MTU));
        final byte[] packet = ipv4(CLIENT, INSIDE, 1000);
        final UnsafeBuffer packed = new UnsafeBuffer(new byte[MTU + MTU / 8 + 16]);
        final int length = LzsCodec.create().compressor().compress(new UnsafeBuffer(packet), 0, packet.length,
            packed, 0, packed.capacity());
        assertTrue(length > 0 && length < packet.length, "the test packet compresses");
        assertEquals(TunnelCore.DONE, core.onMessage(CstpHeader.TYPE_COMPRESSED, packed, 0, length, START, true));
        assertArrayEquals(packet, inside(mode).getFirst());
        assertEquals(1000, core.traffic().rxBytes(), "counted as the packet, not the compressed bytes");
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("cstpTransportsAndModes")
    void shouldCompressOutboundPacketAndCountItWhenLzsIsNegotiated(final Transport transport, final Mode mode)
    {
        final TunnelCore core = core(transport, mode, PacketCompression.of(CompressionMethod.LZS, LzsCodec.create(),
            MTU));
        final byte[] packet = ipv4(INSIDE, CLIENT, 1000);
        final int length = core.compress(new UnsafeBuffer(packet), 0, packet.length);
        assertTrue(length > 0 && length < packet.length);
        final UnsafeBuffer unpacked = new UnsafeBuffer(new byte[MTU]);
        assertEquals(packet.length, LzsCodec.create().decompressor().decompress(core.compressed(), 0, length,
            unpacked, 0, MTU), "the client gets the packet back");
        core.onDataSent(packet.length, true);
        assertEquals(1, core.traffic().txPackets());
        assertEquals(1, counters.get(transport == Transport.TLS ? DataplaneCounter.CSTP_TX_COMPRESSED_FRAMES
            : DataplaneCounter.DTLS_TX_COMPRESSED_MESSAGES));
        assertEquals(0, core.compress(new UnsafeBuffer(ipv4(INSIDE, CLIENT, 100)), 0, 100),
            "a short packet goes plain");
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("cstpTransportsAndModes")
    void shouldAnswerDpdRequestWhenTheClientReads(final Transport transport, final Mode mode)
    {
        final TunnelCore core = core(transport, mode, PacketCompression.none());
        assertEquals(TunnelCore.ANSWER_DPD, message(core, CstpHeader.TYPE_DPD_REQ, new byte[16], START));
        assertEquals(TunnelCore.DONE, message(core, CstpHeader.TYPE_KEEPALIVE, new byte[0], START));
        assertEquals(2, counters.get(transport == Transport.TLS ? DataplaneCounter.CSTP_RX_CONTROL_FRAMES
            : DataplaneCounter.DTLS_RX_CONTROL));
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("cstpTransportsAndModes")
    void shouldTimeRoundTripWhenProbeIsAnswered(final Transport transport, final Mode mode)
    {
        final TunnelCore core = core(transport, mode, PacketCompression.none());
        final long probe = START + DPD_SECONDS * SECOND;
        final int due = transport == Transport.TLS ? core.onDpdCheck(probe) : core.onDtlsCheck(probe);
        assertEquals(TunnelCore.PROBE, due, "a DPD interval of silence sends a probe");
        message(core, CstpHeader.TYPE_DPD_RESP, new byte[0], probe + 3_000_000L);
        final RoundTrips trips = transport == Transport.TLS ? path.cstpRoundTrips() : path.dtlsRoundTrips();
        assertEquals(1, trips.count());
        assertEquals(3_000_000L, trips.lastNanos());
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("cstpTransportsAndModes")
    void shouldTellControlWhenClientDisconnects(final Transport transport, final Mode mode)
    {
        final TunnelCore core = core(transport, mode, PacketCompression.none());
        final int result = message(core, CstpHeader.TYPE_DISCONNECT, new byte[] {(byte)0xb0, 'b', 'y', 'e'}, START);
        if (transport == Transport.TLS)
        {
            assertEquals(TunnelCore.CLOSE, result);
            assertEquals(List.of("disconnect b0 bye"), events);
            assertEquals(TunnelListener.CloseCause.CLIENT_DISCONNECT, core.closeCause());
        }
        else
        {
            assertEquals(TunnelCore.DONE, result, "over DTLS the session decides; the TLS connection stays");
            assertEquals(List.of("disconnect b0 over DTLS"), events);
        }
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("transportsAndModes")
    void shouldEndOnlyTheTlsTunnelWhenMessageTypeIsUnknown(final Transport transport, final Mode mode)
    {
        final TunnelCore core = core(transport, mode, PacketCompression.none());
        final int result = message(core, 0x42, new byte[4], START);
        final int compressed = message(core, CstpHeader.TYPE_COMPRESSED, new byte[4], START);
        if (transport == Transport.TLS)
        {
            assertEquals(TunnelCore.CLOSE, result, "a reliable stream with garbage in it cannot be trusted");
            assertEquals(TunnelListener.CloseCause.PROTOCOL_ERROR, core.closeCause());
            assertEquals(TunnelCore.CLOSE, compressed, "compression that was not negotiated cannot be understood");
        }
        else
        {
            assertEquals(TunnelCore.DONE, result, "one datagram is not worth a session");
            assertEquals(TunnelCore.DONE, compressed);
        }
        assertEquals(2, counters.get(transport.unexpected()));
        assertTrue(inside(mode).isEmpty());
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("transportsAndModes")
    void shouldDropAndCountPacketsTheSplitTunnelOrVpnFilterRefuse(final Transport transport, final Mode mode)
    {
        final SplitFilter.Network corp = new SplitFilter.Network(new byte[] {10, 0, 0, 0}, 8);
        final AccessFilter vpnFilter = new AccessFilter(List.of(
            new AccessFilter.Entry(false, new SplitFilter.Network(new byte[] {10, 1, 0, 0}, 16)),
            new AccessFilter.Entry(true, corp)));
        final TunnelCore core = core(transport, mode, PacketCompression.none(),
            new TunnelAccess(CLIENT, null, SplitFilter.onlyTo(List.of(corp)), vpnFilter));
        final byte[] allowed = ipv4(CLIENT, address(10, 2, 0, 1), 60);
        assertEquals(TunnelCore.DONE, message(core, CstpHeader.TYPE_DATA, ipv4(CLIENT, address(8, 8, 8, 8), 60),
            START), "outside the split tunnel");
        assertEquals(TunnelCore.DONE, message(core, CstpHeader.TYPE_DATA, ipv4(CLIENT, INSIDE, 60), START),
            "denied by the vpn-filter");
        assertEquals(TunnelCore.DONE, message(core, CstpHeader.TYPE_DATA, allowed, START));
        final List<byte[]> inside = inside(mode);
        assertEquals(1, inside.size());
        assertArrayEquals(allowed, inside.getFirst());
        assertEquals(2, counters.get(DataplaneCounter.FILTERED_DESTINATION_DROPS));
        assertEquals(2, core.traffic().rxDrops());
        assertEquals(1, core.traffic().rxPackets());
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("transportsAndModes")
    void shouldDropAndCountPacketLongerThanTheTunnelMtu(final Transport transport, final Mode mode)
    {
        final TunnelCore core = core(transport, mode, PacketCompression.none());
        assertEquals(TunnelCore.DONE, message(core, CstpHeader.TYPE_DATA, ipv4(CLIENT, INSIDE, MTU + 1), START));
        assertTrue(inside(mode).isEmpty());
        assertEquals(1, counters.get(transport.malformed()));
        assertEquals(1, core.traffic().rxDrops());
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("transportsAndModes")
    void shouldCountKeepaliveAsControlAndDeliverNothing(final Transport transport, final Mode mode)
    {
        final TunnelCore core = core(transport, mode, PacketCompression.none());
        assertEquals(TunnelCore.DONE, message(core, CstpHeader.TYPE_KEEPALIVE, new byte[0], START));
        assertTrue(inside(mode).isEmpty());
        assertEquals(1, counters.get(transport.rxControl()), "ESP's keepalive is its dummy packet (next header 59)");
        assertEquals(0, core.traffic().rxPackets());
        assertEquals(0, core.traffic().rxDrops());
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("transportsAndModes")
    void shouldCountPacketsSentToTheClientAndThoseDropped(final Transport transport, final Mode mode)
    {
        final TunnelCore core = core(transport, mode, PacketCompression.none());
        core.onDataSent(100, false);
        core.onDataSent(60, false);
        core.onDataDropped();
        assertEquals(2, core.traffic().txPackets());
        assertEquals(160, core.traffic().txBytes());
        assertEquals(1, core.traffic().txDrops());
        assertEquals(2, counters.get(transport.txData()));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Mode.class)
    void shouldKeepEspOnItsOwnPathWithoutCompression(final Mode mode)
    {
        assertThrows(IllegalArgumentException.class, () -> core(EspSession.TRANSPORT, mode,
            PacketCompression.of(CompressionMethod.LZS, LzsCodec.create(), MTU)), "ESP negotiates no compression");
        final TunnelCore esp = core(EspSession.TRANSPORT, mode, PacketCompression.none());
        assertNull(path.dtls(), "ESP is its path's own channel: nothing to switch to or from");
        message(esp, CstpHeader.TYPE_DATA, ipv4(CLIENT, INSIDE, 84), START);
        assertSame(esp.traffic(), path.cstpCounters(), "its traffic is the path's own");
        assertEquals(84, path.cstpCounters().rxBytes());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Mode.class)
    void shouldMoveTrafficToTlsWhenDataArrivesOverTls(final Mode mode)
    {
        final TunnelCore tls = core(Transport.TLS, mode, PacketCompression.none());
        final TunnelPath.Route dtls = new TunnelPath.Route(0x4000_0001, path.cstp());
        path.dtls(dtls);
        message(tls, CstpHeader.TYPE_DATA, ipv4(CLIENT, INSIDE, 84), START);
        assertNull(path.dtls(), "the client sends data over TLS only when its DTLS died: answer on TLS too");
        assertEquals(1, counters.get(DataplaneCounter.DTLS_FALLBACKS));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Mode.class)
    void shouldCarryTrafficOverDtlsWhileRecordsArriveAndGiveItBackAfterSilence(final Mode mode)
    {
        final TunnelCore dtls = core(Transport.DTLS, mode, PacketCompression.none());
        assertSame(route, path.dtls(), "a DTLS endpoint that starts takes the tunnel's traffic");
        path.dtls(null);
        dtls.onHeard(START + SECOND);
        assertTrue(dtls.carriesTraffic(), "a record heard brings the traffic back to DTLS");
        final long quiet = START + SECOND + TunnelCore.DTLS_INACTIVE_AFTER_NANOS;
        assertEquals(START + SECOND + DPD_SECONDS * SECOND, dtls.nextDtlsCheck(START + 2 * SECOND),
            "the endpoint wakes next for its probe, counted from the last record heard");
        dtls.onDtlsCheck(quiet);
        assertFalse(dtls.carriesTraffic(), "after 25 s of silence the tunnel's traffic goes over TLS");
        assertNull(path.dtls());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Mode.class)
    void shouldProbeDtlsWithADpdIntervalOver25SecondsAndFallBackOnlyWhenTheProbesGoUnanswered(final Mode mode)
    {
        final TunnelCore dtls = core(Transport.DTLS, mode, PacketCompression.none());
        dtls.dpd(30);
        assertEquals(START + 30 * SECOND, dtls.nextDtlsCheck(START + SECOND), "next due: the first probe");
        assertEquals(TunnelCore.DONE, dtls.onDtlsCheck(START + 25 * SECOND));
        assertTrue(dtls.carriesTraffic(), "25 s of silence is not the end of DTLS while DPD has not probed it");
        assertEquals(TunnelCore.PROBE, dtls.onDtlsCheck(START + 30 * SECOND), "a DPD interval of silence: probe");
        assertEquals(TunnelCore.DONE, dtls.onDtlsCheck(START + 32 * SECOND));
        assertEquals(START + 35 * SECOND, dtls.nextDtlsCheck(START + 32 * SECOND), "a lost datagram is retried");
        assertEquals(TunnelCore.PROBE, dtls.onDtlsCheck(START + 35 * SECOND));
        assertEquals(TunnelCore.PROBE, dtls.onDtlsCheck(START + 40 * SECOND));
        assertTrue(dtls.carriesTraffic());
        assertEquals(START + 45 * SECOND, dtls.nextDtlsCheck(START + 40 * SECOND));
        assertEquals(TunnelCore.DONE, dtls.onDtlsCheck(START + 45 * SECOND));
        assertFalse(dtls.carriesTraffic(), "three probes unanswered: the tunnel's traffic goes over TLS");
        assertNull(path.dtls());
        assertEquals(TunnelCore.DONE, dtls.onDtlsCheck(START + 60 * SECOND), "no probing over DTLS once fallen back");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Mode.class)
    void shouldKeepDtlsWhenAProbeOfALongDpdIntervalIsAnswered(final Mode mode)
    {
        final TunnelCore dtls = core(Transport.DTLS, mode, PacketCompression.none());
        dtls.dpd(60);
        final long probe = START + 60 * SECOND;
        assertEquals(TunnelCore.PROBE, dtls.onDtlsCheck(probe));
        dtls.onHeard(probe + 2_000_000L);
        message(dtls, CstpHeader.TYPE_DPD_RESP, new byte[0], probe + 2_000_000L);
        assertEquals(2_000_000L, path.dtlsRoundTrips().lastNanos(), "the DTLS round trip is timed");
        assertEquals(TunnelCore.DONE, dtls.onDtlsCheck(probe + 30 * SECOND));
        assertTrue(dtls.carriesTraffic(), "the client answered: DTLS keeps the traffic");
        assertEquals(probe + 2_000_000L + 60 * SECOND, dtls.nextDtlsCheck(probe + 30 * SECOND),
            "the next probe a DPD interval after the answer");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Mode.class)
    void shouldGiveDtlsTrafficBackToTlsAfter25SecondsWhenDpdIsOff(final Mode mode)
    {
        final TunnelCore dtls = core(Transport.DTLS, mode, PacketCompression.none());
        dtls.dpd(0);
        assertEquals(START + TunnelCore.DTLS_INACTIVE_AFTER_NANOS, dtls.nextDtlsCheck(START + SECOND));
        assertEquals(TunnelCore.DONE, dtls.onDtlsCheck(START + TunnelCore.DTLS_INACTIVE_AFTER_NANOS - 1));
        assertTrue(dtls.carriesTraffic());
        assertEquals(TunnelCore.DONE, dtls.onDtlsCheck(START + TunnelCore.DTLS_INACTIVE_AFTER_NANOS));
        assertFalse(dtls.carriesTraffic(), "without DPD, 25 s of silence (ocserv's switch-to-tcp) decides");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Mode.class)
    void shouldProbeThreeTimesThenEndTheTlsTunnelWhenThePeerIsSilent(final Mode mode)
    {
        final TunnelCore tls = core(Transport.TLS, mode, PacketCompression.none());
        final long interval = DPD_SECONDS * SECOND;
        assertEquals(TunnelCore.DONE, tls.onDpdCheck(START + interval - 1));
        for (int probe = 1; probe <= TunnelCore.DPD_TRIES; probe++)
        {
            assertEquals(TunnelCore.PROBE, tls.onDpdCheck(START + probe * interval), "probe " + probe);
            assertEquals(TunnelCore.DONE, tls.onDpdCheck(START + probe * interval + SECOND));
        }
        assertEquals(TunnelCore.CLOSE, tls.onDpdCheck(START + (TunnelCore.DPD_TRIES + 1) * interval));
        assertEquals(TunnelListener.CloseCause.DPD_TIMEOUT, tls.closeCause());
        assertEquals(TunnelCore.DPD_TRIES, counters.get(DataplaneCounter.CSTP_DPD_REQUESTS_SENT));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Mode.class)
    void shouldEndTheTlsTunnelWhenTheClientReadsNothingForTheSendTimeout(final Mode mode)
    {
        final TunnelCore tls = core(Transport.TLS, mode, PacketCompression.none());
        tls.onUnwritable(START, 1 << 20);
        assertEquals(TunnelCore.DONE, tls.onSendCheck(START + 20 * SECOND, (1 << 20) - 1000),
            "a slow reader that takes something restarts the clock");
        assertEquals(TunnelCore.DONE, tls.onSendCheck(START + 45 * SECOND, (1 << 20) - 1000));
        assertEquals(TunnelCore.CLOSE, tls.onSendCheck(START + 50 * SECOND, (1 << 20) - 1000));
        assertEquals(TunnelListener.CloseCause.SEND_TIMEOUT, tls.closeCause());
        assertEquals(1, counters.get(DataplaneCounter.CSTP_SEND_TIMEOUTS));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Mode.class)
    void shouldAnswerAtMostABurstOfDtlsDpdRequestsAtOnce(final Mode mode)
    {
        final TunnelCore dtls = core(Transport.DTLS, mode, PacketCompression.none());
        int answered = 0;
        for (int i = 0; i < 100; i++)
        {
            if (message(dtls, CstpHeader.TYPE_DPD_REQ, new byte[8], START) == TunnelCore.ANSWER_DPD)
            {
                answered++;
            }
        }
        assertEquals(32, answered, "openconnect's MTU probes fit in the burst; a flood does not");
        assertEquals(68, counters.get(DataplaneCounter.DTLS_DPD_RATE_LIMITED));
        assertEquals(TunnelCore.DONE, dtls.onMessage(CstpHeader.TYPE_DPD_REQ, new UnsafeBuffer(new byte[8]), 0, 8,
            START + 10 * SECOND, false), "never answered while the socket takes nothing more");
    }
}
