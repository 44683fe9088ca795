package org.headend.dataplane.dtls;

import static org.headend.dataplane.wire.Packets.address;
import static org.headend.dataplane.wire.Packets.ipv4;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.headend.crypto.Aead;
import org.agrona.concurrent.UnsafeBuffer;
import org.headend.crypto.jca.JcaAesGcm;
import org.headend.dataplane.api.CompressionMethod;
import org.headend.dataplane.compress.LzsCodec;
import org.headend.dataplane.compress.PacketCompression;
import org.headend.dataplane.api.DataplaneCounter;
import org.headend.dataplane.api.DataplaneCounters;
import org.headend.dataplane.tunnel.EgressQueue;
import org.headend.dataplane.tunnel.InboundSink;
import org.headend.dataplane.api.TunnelAccess;
import org.headend.dataplane.api.TunnelListener;
import org.headend.dataplane.tunnel.TunnelPath;
import org.headend.dataplane.wire.CstpHeader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.headend.dataplane.api.DtlsKeys;
import org.headend.dataplane.api.DtlsPortListener;
import org.headend.dataplane.api.HandshakeQueue;

class DtlsPortHandlerTest
{
    private static final int CLIENT = address(192, 168, 100, 10);
    private static final int INSIDE = address(192, 168, 100, 1);
    private static final InetSocketAddress SERVER = new InetSocketAddress("10.77.0.1", 443);
    private static final InetSocketAddress PEER = new InetSocketAddress("10.77.0.2", 40000);
    private static final InetSocketAddress PEER_NEW_PORT = new InetSocketAddress("10.77.0.2", 40001);
    private static final InetSocketAddress STRANGER = new InetSocketAddress("10.77.0.9", 40000);

    private final DataplaneCounters counters = new DataplaneCounters();
    private final List<byte[]> delivered = new ArrayList<>();
    private final List<String> hellos = new ArrayList<>();
    private final List<HandshakeQueue> queues = new ArrayList<>();
    private final byte[] clientKey = new byte[16];
    private final byte[] serverKey = new byte[16];
    private final byte[] clientIv = {1, 2, 3, 4};
    private final byte[] serverIv = {5, 6, 7, 8};
    private DtlsPortHandler handler;
    private EmbeddedChannel channel;
    private DtlsRecordCodec client;
    private EgressQueue egress;
    private TunnelPath path;
    private DtlsEndpoint endpoint;

    @BeforeEach
    void setUp()
    {
        serverKey[0] = 7;
        handler = new DtlsPortHandler(new DtlsPortListener()
        {
            @Override
            public Admission admit(final InetSocketAddress peer, final byte[] sessionId, final byte[] datagram,
                final int length, final long nowNanos)
            {
                hellos.add(peer + " " + ByteBufUtil.hexDump(sessionId));
                // the test's stand-in for control: an id starting with 0xAB names a tunnel and has its cookie
                return sessionId[0] == (byte)0xAB ? new Admission()
                {
                } : null;
            }

            @Override
            public void onClientHello(final InetSocketAddress peer, final Admission admission,
                final HandshakeQueue queue)
            {
                queues.add(queue);
            }
        }, counters, false);
        channel = new EmbeddedChannel(handler);
        egress = new EgressQueue(channel.eventLoop(), 64 * 1024);
        path = new TunnelPath(3, egress, new TunnelAccess(CLIENT, null, null));
        endpoint = endpoint(PacketCompression.none());
        handler.install(endpoint);
        // the client's side of the same session: it seals with what the headend opens with
        client = new DtlsRecordCodec(new DtlsKeys(1, serverKey, clientKey, serverIv, clientIv, 1, "AES-GCM-128",
            "SHA256"), JcaAesGcm::new);
    }

    /** The session's endpoint, as the handshake would install it, with {@code compression} negotiated. */
    private DtlsEndpoint endpoint(final PacketCompression compression)
    {
        return new DtlsEndpoint(0x4000_0001, path, egress, 1400, 30,
            new DtlsRecordCodec(new DtlsKeys(1, clientKey, serverKey, clientIv, serverIv, 1024, "AES-GCM-128",
                "SHA256"), JcaAesGcm::new),
            PEER, new InboundSink()
            {
                @Override
                public boolean offer(final DirectBuffer src, final int index, final int length)
                {
                    final byte[] packet = new byte[length];
                    src.getBytes(index, packet);
                    delivered.add(packet);
                    return true;
                }
            }, compression, counters, new TunnelListener()
            {
                @Override
                public void onDisconnectRequest(final int reason, final String text)
                {
                }

                @Override
                public void onClosed(final CloseCause cause, final String detail)
                {
                }
            });
    }

    /**
     * Another tunnel's endpoint at {@code peer}, opening with {@code key}; {@code checks} counts the records it tries
     * to authenticate.
     */
    private DtlsEndpoint tunnelEndpoint(final int tunnelId, final byte[] key, final InetSocketAddress peer,
        final AtomicInteger checks)
    {
        return tunnelEndpoint(new TunnelPath(tunnelId, egress, new TunnelAccess(CLIENT, null, null)), key, peer,
            checks);
    }

    private DtlsEndpoint tunnelEndpoint(final TunnelPath tunnel, final byte[] key, final InetSocketAddress peer,
        final AtomicInteger checks)
    {
        return new DtlsEndpoint(0x4000_0001, tunnel, egress, 1400, 30,
            new DtlsRecordCodec(new DtlsKeys(1, key, serverKey, clientIv, serverIv, 1024, "AES-GCM-128", "SHA256"),
                k -> new CountingAead(new JcaAesGcm(k), checks)),
            peer, (src, index, length) ->
            {
                final byte[] packet = new byte[length];
                src.getBytes(index, packet);
                delivered.add(packet);
                return true;
            }, PacketCompression.none(), counters, new TunnelListener()
            {
                @Override
                public void onDisconnectRequest(final int reason, final String text)
                {
                }

                @Override
                public void onClosed(final CloseCause cause, final String detail)
                {
                }
            });
    }

    /** An AEAD that counts the records it opens. */
    private record CountingAead(Aead aead, AtomicInteger opened) implements Aead
    {
        @Override
        public int seal(final DirectBuffer nonce, final int nonceOffset, final DirectBuffer aad, final int aadOffset,
            final int aadLength, final DirectBuffer in, final int inOffset, final int length,
            final MutableDirectBuffer out, final int outOffset)
        {
            return aead.seal(nonce, nonceOffset, aad, aadOffset, aadLength, in, inOffset, length, out, outOffset);
        }

        @Override
        public int open(final DirectBuffer nonce, final int nonceOffset, final DirectBuffer aad, final int aadOffset,
            final int aadLength, final DirectBuffer in, final int inOffset, final int length,
            final MutableDirectBuffer out, final int outOffset)
        {
            opened.incrementAndGet();
            return aead.open(nonce, nonceOffset, aad, aadOffset, aadLength, in, inOffset, length, out, outOffset);
        }

        @Override
        public String name()
        {
            return aead.name();
        }

        @Override
        public void close()
        {
            aead.close();
        }
    }

    @Test
    void shouldDeliverTheClientsPacketAndDropItsReplay()
    {
        final byte[] record = data(ipv4(CLIENT, INSIDE, 84));
        receive(record, PEER);
        receive(record, PEER);
        assertEquals(1, delivered.size());
        assertArrayEquals(ipv4(CLIENT, INSIDE, 84), delivered.get(0));
        assertEquals(1, counters.get(DataplaneCounter.DTLS_REPLAY_DROPS));
    }

    @Test
    void shouldMoveTheClientToItsNewPortOnlyAfterAValidRecord()
    {
        receive(new byte[] {23, (byte)0xFE, (byte)0xFD, 0, 1, 0, 0, 0, 0, 0, 9, 0, 3, 1, 2, 3}, PEER_NEW_PORT);
        assertEquals(0, counters.get(DataplaneCounter.DTLS_NAT_REBINDS), "garbage from the new port moves nothing");
        final byte[] record = data(ipv4(CLIENT, INSIDE, 60));
        receive(record, PEER_NEW_PORT);
        assertEquals(1, counters.get(DataplaneCounter.DTLS_NAT_REBINDS));
        assertEquals(1, delivered.size(), "the first record from the new port is delivered, not lost");
        receive(record, PEER);
        assertEquals(1, counters.get(DataplaneCounter.DTLS_NAT_REBINDS), "a replay from the old port moves nothing");
        assertEquals(1, delivered.size());
        assertTrue(counters.get(DataplaneCounter.DTLS_UNKNOWN_PEER_DROPS) >= 2);
    }

    @Test
    void shouldTryAFloodFromUnknownPortsAgainstAFewEndpointsWhateverTheirNumber()
    {
        final String nat = "10.77.0.50";
        final AtomicInteger checks = new AtomicInteger();
        final List<DtlsRecordCodec> clients = new ArrayList<>();
        for (int tunnel = 0; tunnel < 100; tunnel++)
        {
            final byte[] key = new byte[16];
            key[0] = 1;
            key[1] = (byte)tunnel;
            handler.install(tunnelEndpoint(10 + tunnel, key, new InetSocketAddress(nat, 20000 + tunnel), checks));
            clients.add(new DtlsRecordCodec(new DtlsKeys(1, serverKey, key, serverIv, clientIv, 1, "AES-GCM-128",
                "SHA256"), JcaAesGcm::new));
        }
        final byte[] forged = data(ipv4(CLIENT, INSIDE, 60));
        for (int i = 0; i < 50; i++)
        {
            receive(forged, new InetSocketAddress(nat, 40000 + i));
        }
        assertEquals(50, counters.get(DataplaneCounter.DTLS_UNKNOWN_PEER_DROPS));
        assertEquals(50 * AddressEndpoints.TRIALS_PER_DATAGRAM, checks.get(),
            "each datagram from an unknown port costs the same few checks among 100 tunnels behind its address");
        checks.set(0);
        for (int i = 0; i < 50; i++)
        {
            receive(forged, new InetSocketAddress("10.77.1." + i, 40000));
        }
        assertEquals(0, checks.get(), "a datagram from an address without tunnels costs no check");

        // the last tunnel's client comes back from a new port: found within 100 / TRIALS of its records
        final DtlsRecordCodec rebound = clients.get(99);
        final InetSocketAddress newPort = new InetSocketAddress(nat, 50000);
        final int before = delivered.size();
        int records = 0;
        while (counters.get(DataplaneCounter.DTLS_NAT_REBINDS) == 0 && records < 100)
        {
            receive(seal(rebound, message(0, ipv4(CLIENT, INSIDE, 60))), newPort);
            records++;
        }
        assertEquals(1, counters.get(DataplaneCounter.DTLS_NAT_REBINDS), "the rebound client is found");
        assertTrue(records <= 100 / AddressEndpoints.TRIALS_PER_DATAGRAM, records + " records before it was found");
        assertEquals(before + 1, delivered.size(), "the record that found it is delivered");
        checks.set(0);
        receive(seal(rebound, message(0, ipv4(CLIENT, INSIDE, 60))), newPort);
        assertEquals(1, checks.get(), "from then on its records go straight to its endpoint");
        assertEquals(before + 2, delivered.size());
    }

    @Test
    void shouldReplaceATunnelsEndpointWhenItsClientHandshakesAgainFromANewPort()
    {
        final byte[] newKey = new byte[16];
        newKey[2] = 9;
        final AtomicInteger checks = new AtomicInteger();
        handler.install(tunnelEndpoint(path, newKey, PEER_NEW_PORT, checks));
        receive(data(ipv4(CLIENT, INSIDE, 60)), PEER);
        assertEquals(0, delivered.size(), "the tunnel's old endpoint and keys are gone");
        assertEquals(1, counters.get(DataplaneCounter.DTLS_UNKNOWN_PEER_DROPS));
        assertEquals(1, checks.get(), "only the new endpoint is left at that address");
        final DtlsRecordCodec newClient = new DtlsRecordCodec(new DtlsKeys(1, serverKey, newKey, serverIv, clientIv,
            1, "AES-GCM-128", "SHA256"), JcaAesGcm::new);
        receive(seal(newClient, message(0, ipv4(CLIENT, INSIDE, 60))), PEER_NEW_PORT);
        assertEquals(1, delivered.size());
        assertEquals(0, counters.get(DataplaneCounter.DTLS_NAT_REBINDS));
    }

    @Test
    void shouldNotMoveTheClientToAnotherAddress()
    {
        receive(data(ipv4(CLIENT, INSIDE, 60)), STRANGER);
        assertEquals(0, delivered.size());
        assertEquals(1, counters.get(DataplaneCounter.DTLS_UNKNOWN_PEER_DROPS));
    }

    @Test
    void shouldQueueEverythingAfterAnAdmittedClientHelloForTheHandshake()
    {
        final byte[] hello = clientHello(new byte[] {(byte)0xAB, (byte)0xCD});
        receive(hello, STRANGER);
        final byte[] flight = {22, (byte)0xFE, (byte)0xFD, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 9};
        receive(flight, STRANGER);
        assertEquals(List.of(STRANGER + " abcd"), hellos);
        assertEquals(1, queues.size());
        final List<byte[]> queued = queues.get(0).takeLeftovers();
        assertEquals(1, queued.size(), "the flight after the admitted hello waits for the handshake");
        assertArrayEquals(flight, queued.get(0));
        assertEquals(1, counters.get(DataplaneCounter.DTLS_HANDSHAKES_STARTED));
    }

    @Test
    void shouldKeepNothingForAClientHelloThatIsNotAdmitted()
    {
        receive(clientHello(new byte[] {0x01, 0x02}), STRANGER);
        receive(clientHello(new byte[] {0x01, 0x02}), STRANGER);
        assertEquals(2, hellos.size(), "each hello is judged afresh: nothing was kept from the first");
        assertEquals(0, queues.size());
        assertEquals(0, counters.get(DataplaneCounter.DTLS_HANDSHAKES_STARTED));
    }

    @Test
    void shouldBoundHandshakesPerTunnelAndLetOtherTunnelsBehindTheSameAddressStart()
    {
        final byte[] hello = clientHello(new byte[] {(byte)0xAB, 0x01});
        final String nat = "10.77.0.66";
        for (int port = 1; port <= DtlsPortHandler.MAX_HANDSHAKES_PER_TUNNEL + 5; port++)
        {
            receive(hello, new InetSocketAddress(nat, 20000 + port));
        }
        assertEquals(DtlsPortHandler.MAX_HANDSHAKES_PER_TUNNEL, queues.size(), "a replayed hello holds no more");
        assertEquals(5, counters.get(DataplaneCounter.DTLS_HANDSHAKES_REFUSED));
        for (int other = 2; other < 40; other++)
        {
            receive(clientHello(new byte[] {(byte)0xAB, (byte)other}), new InetSocketAddress(nat, 30000 + other));
        }
        assertEquals(DtlsPortHandler.MAX_HANDSHAKES_PER_TUNNEL + 38, queues.size(),
            "every other tunnel behind the same NAT address starts at once");
        // one of the replayed handshakes ends: the tunnel's next attempt gets the slot
        handler.removeHandshake(new InetSocketAddress(nat, 20001), queues.get(0));
        receive(hello, new InetSocketAddress(nat, 40000));
        assertEquals(DtlsPortHandler.MAX_HANDSHAKES_PER_TUNNEL + 39, queues.size());
    }

    @Test
    void shouldBoundHandshakesInAll()
    {
        int sent = 0;
        for (int tunnel = 1; sent < DtlsPortHandler.MAX_HANDSHAKES + 3; tunnel++, sent++)
        {
            final byte[] hello = clientHello(new byte[] {(byte)0xAB, (byte)(tunnel >> 8), (byte)tunnel});
            receive(hello, new InetSocketAddress("10.1." + tunnel / 250 + "." + tunnel % 250, 20000));
        }
        assertEquals(DtlsPortHandler.MAX_HANDSHAKES, queues.size());
        assertEquals(sent - DtlsPortHandler.MAX_HANDSHAKES, counters.get(DataplaneCounter.DTLS_HANDSHAKES_REFUSED));
    }

    @Test
    void shouldEchoADpdProbeWithTheSamePayload()
    {
        final byte[] probe = new byte[600];
        probe[0] = CstpHeader.TYPE_DPD_REQ;
        receive(seal(probe), PEER);
        final DatagramPacket answer = channel.readOutbound();
        assertNotNull(answer);
        assertEquals(PEER, answer.recipient());
        final ByteBuf content = answer.content();
        final UnsafeBuffer record = new UnsafeBuffer(ByteBufUtil.getBytes(content));
        content.release();
        final UnsafeBuffer plain = new UnsafeBuffer(new byte[record.capacity()]);
        final DtlsRecordCodec clientOpen = new DtlsRecordCodec(new DtlsKeys(1, serverKey, serverKey, serverIv,
            serverIv, 1, "AES-GCM-128", "SHA256"), JcaAesGcm::new);
        assertEquals(600, clientOpen.open(record, 0, record.capacity(), plain, 0), "the answer has the probe's size");
        assertEquals(CstpHeader.TYPE_DPD_RESP, plain.getByte(0));
    }

    @Test
    void shouldAnswerADpdFloodOnlyAtTheTunnelsRateAndCountTheRest()
    {
        final byte[] probe = new byte[1200];
        probe[0] = CstpHeader.TYPE_DPD_REQ;
        final int flood = 500;
        for (int i = 0; i < flood; i++)
        {
            receive(seal(probe), PEER);
        }
        int answers = 0;
        for (DatagramPacket answer = channel.readOutbound(); answer != null; answer = channel.readOutbound())
        {
            answer.release();
            answers++;
        }
        // a burst of 32, and one more per 100 ms the flood took
        assertTrue(answers >= 32 && answers < 100, answers + " answers to " + flood + " requests");
        assertEquals(flood - answers, counters.get(DataplaneCounter.DTLS_DPD_RATE_LIMITED));
        assertEquals(flood, counters.get(DataplaneCounter.DTLS_RX_CONTROL), "every request is counted");
    }

    @Test
    void shouldIgnoreACompressedMessageWhenNothingWasNegotiated()
    {
        receive(seal(message(CstpHeader.TYPE_COMPRESSED, new byte[] {0x20, (byte)0xe0, 0x00})), PEER);
        assertEquals(0, delivered.size());
        assertEquals(1, counters.get(DataplaneCounter.DTLS_UNEXPECTED_RECORDS));
    }

    /** LZS negotiated for DTLS: type 8 both ways. */
    @Nested
    class WithLzs
    {
        private final LzsCodec peerLzs = LzsCodec.create();

        @BeforeEach
        void negotiateLzs()
        {
            endpoint = endpoint(PacketCompression.of(CompressionMethod.LZS, LzsCodec.create(), 1400));
            handler.install(endpoint);
        }

        @Test
        void shouldDeliverCompressedMessagesThroughTheSameChecksAsPlainOnes()
        {
            final byte[] packet = ipv4(CLIENT, INSIDE, 1000);
            receive(seal(message(CstpHeader.TYPE_COMPRESSED, lzs(packet))), PEER);
            receive(seal(message(CstpHeader.TYPE_COMPRESSED, lzs(ipv4(address(192, 168, 100, 11), INSIDE, 1000)))),
                PEER);
            receive(seal(message(CstpHeader.TYPE_COMPRESSED, new byte[] {(byte)0x80, 0x01, (byte)0x80})), PEER);
            assertEquals(1, delivered.size());
            assertArrayEquals(packet, delivered.get(0));
            assertEquals(1, counters.get(DataplaneCounter.SPOOFED_SOURCE_DROPS));
            assertEquals(2, counters.get(DataplaneCounter.DTLS_RX_COMPRESSED_MESSAGES));
            assertEquals(1, counters.get(DataplaneCounter.DTLS_DECOMPRESSION_FAILURES));
        }

        @Test
        void shouldCompressLargePacketsThatShrinkAndSendTheOthersPlain()
        {
            final byte[] large = ipv4(INSIDE, CLIENT, 1000);
            final byte[] small = ipv4(INSIDE, CLIENT, 100);
            final byte[] random = ipv4(INSIDE, CLIENT, 1000);
            new SplittableRandom(1).nextBytes(random);
            for (final byte[] packet : List.of(large, small, random))
            {
                endpoint.writeData(new UnsafeBuffer(packet), 0, packet.length);
            }
            endpoint.flushBatch();
            final DtlsRecordCodec clientOpen = new DtlsRecordCodec(new DtlsKeys(1, serverKey, serverKey, serverIv,
                serverIv, 1, "AES-GCM-128", "SHA256"), JcaAesGcm::new);
            final UnsafeBuffer first = sent(clientOpen);
            assertEquals(CstpHeader.TYPE_COMPRESSED, first.getByte(0));
            final UnsafeBuffer out = new UnsafeBuffer(new byte[1400]);
            assertEquals(1000, peerLzs.decompressor().decompress(first, 1, first.capacity() - 1, out, 0, 1400));
            assertArrayEquals(large, Arrays.copyOf(out.byteArray(), 1000));
            final UnsafeBuffer second = sent(clientOpen);
            assertEquals(CstpHeader.TYPE_DATA, second.getByte(0), "too small to try");
            final UnsafeBuffer third = sent(clientOpen);
            assertEquals(CstpHeader.TYPE_DATA, third.getByte(0), "would not shrink");
            assertEquals(1, counters.get(DataplaneCounter.DTLS_TX_COMPRESSED_MESSAGES));
            assertEquals(3, counters.get(DataplaneCounter.DTLS_TX_DATA_PACKETS));
        }

        private byte[] lzs(final byte[] packet)
        {
            final UnsafeBuffer out = new UnsafeBuffer(new byte[2 * packet.length + 8]);
            final int n = peerLzs.compressor().compress(new UnsafeBuffer(packet), 0, packet.length, out, 0,
                out.capacity());
            return Arrays.copyOf(out.byteArray(), n);
        }

        /** The next datagram the headend sent, opened: the type byte, then the payload. */
        private UnsafeBuffer sent(final DtlsRecordCodec clientOpen)
        {
            final DatagramPacket datagram = channel.readOutbound();
            final UnsafeBuffer record = new UnsafeBuffer(ByteBufUtil.getBytes(datagram.content()));
            datagram.release();
            final UnsafeBuffer plain = new UnsafeBuffer(new byte[record.capacity()]);
            final int length = clientOpen.open(record, 0, record.capacity(), plain, 0);
            assertTrue(length > 0);
            return new UnsafeBuffer(plain.byteArray(), 0, length);
        }
    }

    private static byte[] message(final int type, final byte[] payload)
    {
        final byte[] message = new byte[1 + payload.length];
        message[0] = (byte)type;
        System.arraycopy(payload, 0, message, 1, payload.length);
        return message;
    }

    private byte[] data(final byte[] packet)
    {
        final byte[] message = new byte[1 + packet.length];
        System.arraycopy(packet, 0, message, 1, packet.length);
        return seal(message);
    }

    private byte[] seal(final byte[] message)
    {
        return seal(client, message);
    }

    private static byte[] seal(final DtlsRecordCodec client, final byte[] message)
    {
        final UnsafeBuffer record = new UnsafeBuffer(new byte[message.length + DtlsRecordCodec.OVERHEAD]);
        record.putBytes(DtlsRecordCodec.PLAINTEXT_OFFSET, message);
        final int length = client.sealInPlace(record, 0, message.length);
        final byte[] bytes = new byte[length];
        record.getBytes(0, bytes);
        return bytes;
    }

    private void receive(final byte[] datagram, final InetSocketAddress from)
    {
        channel.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(datagram), SERVER, from));
        channel.runPendingTasks();
    }

    private static byte[] clientHello(final byte[] sessionId)
    {
        final byte[] b = new byte[60 + sessionId.length + 8];
        b[0] = 22;
        b[1] = (byte)0xFE;
        b[2] = (byte)0xFF;
        b[11] = 0;
        b[12] = (byte)(b.length - 13);
        b[13] = 1;
        b[25] = (byte)0xFE;
        b[26] = (byte)0xFD;
        b[59] = (byte)sessionId.length;
        System.arraycopy(sessionId, 0, b, 60, sessionId.length);
        return b;
    }
}
