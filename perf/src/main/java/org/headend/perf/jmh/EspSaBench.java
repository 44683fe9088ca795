package org.headend.perf.jmh;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import org.agrona.concurrent.UnsafeBuffer;
import org.headend.crypto.AeadProvider;
import org.headend.dataplane.api.EspSa;
import org.headend.dataplane.esp.InboundSa;
import org.headend.dataplane.esp.OutboundSa;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The data plane's ESP child SA on one packet per operation (RFC 4303 with RFC 4106 AES-GCM, no ESN, as strongSwan
 * and AnyConnect negotiate by default): {@code seal} copies the inner packet behind the ESP header, pads and seals it
 * (what the headend does per outgoing packet); {@code sealAndOpen} also opens it on the receiving side, replay window
 * and trailer included (a peer's seal plus the headend's open per incoming packet). Off-heap buffers, as the
 * sockets hand over. Compare with {@link DtlsRecordBench} for the DTLS record layer on the same sizes.
 */
public class EspSaBench extends StrictJvmBench
{
    /** {@code openssl} or {@code jdk}: the AEAD under the SA. */
    @Param({"openssl", "jdk"})
    public String impl;

    /** Inner packet bytes. */
    @Param({"64", "1400"})
    public int size;

    /** AES key bits: 128 or 256 (AnyConnect proposes AES-GCM-256 first). */
    @Param({"128", "256"})
    public int keyBits;

    private OutboundSa headendOut;
    private OutboundSa peerOut;
    private InboundSa headendIn;
    private UnsafeBuffer inner;
    private UnsafeBuffer packet;

    @Setup
    public void setUp()
    {
        final SecureRandom random = new SecureRandom();
        final byte[] key = new byte[keyBits / 8];
        final byte[] salt = new byte[4];
        random.nextBytes(key);
        random.nextBytes(salt);
        final AeadProvider provider = AeadProvider.select(impl);
        headendOut = new OutboundSa(new EspSa(0x1000_0001, key, salt, false, 0), provider::create);
        // the peer seals with what the headend opens with
        peerOut = new OutboundSa(new EspSa(0x2000_0001, key, salt, false, 0), provider::create);
        headendIn = new InboundSa(new EspSa(0x2000_0001, key, salt, false, 128), provider::create, null);
        inner = new UnsafeBuffer(ByteBuffer.allocateDirect(size));
        for (int i = 0; i < size; i++)
        {
            inner.putByte(i, (byte)i);
        }
        inner.putByte(0, (byte)0x45);
        packet = new UnsafeBuffer(ByteBuffer.allocateDirect(OutboundSa.sealedLength(size)));
    }

    @TearDown
    public void tearDown()
    {
        headendOut.close();
        peerOut.close();
        headendIn.close();
    }

    @Benchmark
    public int seal()
    {
        return headendOut.seal(inner, 0, size, 4, packet, 0);
    }

    @Benchmark
    public int sealAndOpen()
    {
        final int length = peerOut.seal(inner, 0, size, 4, packet, 0);
        return headendIn.open(packet, 0, length);
    }
}
