package org.headend.dataplane.esp;

import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.headend.crypto.Aead;
import org.headend.dataplane.api.EspSa;
import org.headend.dataplane.tunnel.TunnelCounters;

/**
 * The send half of one child SA: numbers, pads and seals inner packets (RFC 4303 §3.3, RFC 4106). The IV of each
 * packet is its own 64-bit sequence number, which never repeats under one key. Allocation-free; one thread (the ESP
 * port's event loop) after construction.
 */
public final class OutboundSa implements AutoCloseable
{
    /** {@link #seal}: the sequence space (32 or, with ESN, 64 bits) is used up; rekey the SA (RFC 4303 §3.3.3). */
    public static final int SEQUENCE_EXHAUSTED = -30;

    private static final long MAX_SEQUENCE_32 = 0xFFFF_FFFFL;

    private final int spi;
    private final boolean esn;
    private final Aead sealer;
    private final UnsafeBuffer nonce = new UnsafeBuffer(new byte[Aead.NONCE_LENGTH]);
    private final UnsafeBuffer aad = new UnsafeBuffer(new byte[12]);
    /** Inner bytes sealed by this SA, for its lifetime. */
    private final TunnelCounters lifetime = new TunnelCounters();
    private long lastSequence;

    public OutboundSa(final EspSa sa, final java.util.function.Function<byte[], Aead> aead)
    {
        this.spi = sa.spi();
        this.esn = sa.esn();
        final byte[] key = sa.key().clone();
        this.sealer = aead.apply(key);
        java.util.Arrays.fill(key, (byte)0);
        nonce.putBytes(0, sa.salt());
    }

    public int spi()
    {
        return spi;
    }

    TunnelCounters lifetime()
    {
        return lifetime;
    }

    /** The length of the ESP packet that carries an inner packet of {@code length} bytes. */
    public static int sealedLength(final int length)
    {
        return EspFormat.OVERHEAD + length + EspFormat.padding(length);
    }

    /**
     * Writes the ESP packet for the inner packet at {@code src[index, index + length)} into {@code out} at
     * {@code offset} ({@link #sealedLength} bytes of room).
     *
     * @param nextHeader {@link EspFormat#NEXT_HEADER_IPV4}, {@code _IPV6} or {@code _NONE}
     * @return the packet's length, or {@link #SEQUENCE_EXHAUSTED} or the AEAD's error
     */
    public int seal(final DirectBuffer src, final int index, final int length, final int nextHeader,
        final MutableDirectBuffer out, final int offset)
    {
        if (lastSequence == (esn ? -1L : MAX_SEQUENCE_32))
        {
            return SEQUENCE_EXHAUSTED;
        }
        final long seq = ++lastSequence;
        final int low = (int)seq;
        out.putInt(offset + EspFormat.SPI_OFFSET, spi, ByteOrder.BIG_ENDIAN);
        out.putInt(offset + EspFormat.SEQUENCE_OFFSET, low, ByteOrder.BIG_ENDIAN);
        out.putLong(offset + EspFormat.IV_OFFSET, seq, ByteOrder.BIG_ENDIAN);
        final int payload = offset + EspFormat.PAYLOAD_OFFSET;
        out.putBytes(payload, src, index, length);
        final int padding = EspFormat.padding(length);
        for (int i = 0; i < padding; i++)
        {
            // RFC 4303 §2.4: the default padding is 1, 2, 3, ...
            out.putByte(payload + length + i, (byte)(i + 1));
        }
        out.putByte(payload + length + padding, (byte)padding);
        out.putByte(payload + length + padding + 1, (byte)nextHeader);
        aad.putInt(0, spi, ByteOrder.BIG_ENDIAN);
        final int aadLength;
        if (esn)
        {
            aad.putInt(4, (int)(seq >>> 32), ByteOrder.BIG_ENDIAN);
            aad.putInt(8, low, ByteOrder.BIG_ENDIAN);
            aadLength = 12;
        }
        else
        {
            aad.putInt(4, low, ByteOrder.BIG_ENDIAN);
            aadLength = 8;
        }
        nonce.putLong(4, seq, ByteOrder.BIG_ENDIAN);
        final int plaintext = length + padding + EspFormat.TRAILER_LENGTH;
        final int sealed = sealer.seal(nonce, 0, aad, 0, aadLength, out, payload, plaintext, out, payload);
        return sealed < 0 ? sealed : EspFormat.PAYLOAD_OFFSET + sealed;
    }

    /** The sequence number of the last packet sealed: packets sent under this SA. */
    long lastSequence()
    {
        return lastSequence;
    }

    /** Starts numbering after {@code sequence}: for tests of the counter's end. */
    void skipTo(final long sequence)
    {
        lastSequence = sequence;
    }

    /** Wipes the key. */
    @Override
    public void close()
    {
        sealer.close();
        nonce.setMemory(0, Aead.NONCE_LENGTH, (byte)0);
    }
}
