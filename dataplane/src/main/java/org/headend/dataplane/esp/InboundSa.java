package org.headend.dataplane.esp;

import java.nio.ByteOrder;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.headend.crypto.Aead;
import org.headend.dataplane.api.EspSa;
import org.headend.dataplane.tunnel.TunnelCounters;

/**
 * The receive half of one child SA: checks the sequence number against the replay window, authenticates and
 * decrypts in place, and reads the trailer (RFC 4303 §3.4, RFC 4106). Sans I/O, allocation-free; one thread (the ESP
 * port's event loop) after construction.
 */
final class InboundSa implements AutoCloseable
{
    /** {@link #open}: too short, or padding longer than the payload. */
    static final int MALFORMED = -20;
    /** {@link #open}: sequence number seen already, too old, or 0. */
    static final int REPLAYED = -21;
    /** {@link #open}: the ICV did not verify. */
    static final int AUTH_FAILED = -22;

    private final int spi;
    private final boolean esn;
    private final Aead opener;
    private final EspReplayWindow replay;
    private final UnsafeBuffer nonce = new UnsafeBuffer(new byte[Aead.NONCE_LENGTH]);
    private final UnsafeBuffer aad = new UnsafeBuffer(new byte[12]);
    private final EspSession session;
    /** Inner bytes opened by this SA, for its lifetime. */
    private final TunnelCounters lifetime = new TunnelCounters();
    private int nextHeader;
    private boolean newest;

    /**
     * @param aead makes the AEAD for the key; the key copy handed to it is wiped afterwards
     */
    InboundSa(final EspSa sa, final java.util.function.Function<byte[], Aead> aead, final EspSession session)
    {
        this.spi = sa.spi();
        this.esn = sa.esn();
        final byte[] key = sa.key();
        this.opener = aead.apply(key);
        java.util.Arrays.fill(key, (byte)0);
        this.replay = new EspReplayWindow(sa.esn(), sa.replayWindow());
        this.session = session;
        nonce.putBytes(0, sa.salt());
    }

    int spi()
    {
        return spi;
    }

    EspSession session()
    {
        return session;
    }

    TunnelCounters lifetime()
    {
        return lifetime;
    }

    /** The SA's receive window (tests place it where a long-lived SA would be). */
    EspReplayWindow replayWindow()
    {
        return replay;
    }

    /**
     * Opens the packet of {@code length} bytes at {@code offset} (its SPI already matched), in place: the inner
     * packet then starts at {@code offset + PAYLOAD_OFFSET}.
     *
     * @return the inner packet's length, or {@link #MALFORMED}, {@link #REPLAYED} or {@link #AUTH_FAILED}; after
     *         success {@link #nextHeader()} and {@link #newest()} describe the packet
     */
    int open(final MutableDirectBuffer packet, final int offset, final int length)
    {
        if (length < EspFormat.MIN_LENGTH)
        {
            return MALFORMED;
        }
        final int low = packet.getInt(offset + EspFormat.SEQUENCE_OFFSET, ByteOrder.BIG_ENDIAN);
        final long seq = replay.infer(low);
        if (replay.isReplay(seq))
        {
            return REPLAYED;
        }
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
        nonce.putBytes(4, packet, offset + EspFormat.IV_OFFSET, EspFormat.IV_LENGTH);
        final int opened = opener.open(nonce, 0, aad, 0, aadLength, packet, offset + EspFormat.PAYLOAD_OFFSET,
            length - EspFormat.PAYLOAD_OFFSET, packet, offset + EspFormat.PAYLOAD_OFFSET);
        if (opened < 0)
        {
            return AUTH_FAILED;
        }
        // the window moves only for packets that authenticated (RFC 4303 §3.4.3)
        newest = replay.accept(seq);
        final int trailer = offset + EspFormat.PAYLOAD_OFFSET + opened - EspFormat.TRAILER_LENGTH;
        final int padLength = packet.getByte(trailer) & 0xFF;
        nextHeader = packet.getByte(trailer + 1) & 0xFF;
        final int inner = opened - EspFormat.TRAILER_LENGTH - padLength;
        return inner < 0 ? MALFORMED : inner;
    }

    /** The next header of the packet {@link #open} opened last. */
    int nextHeader()
    {
        return nextHeader;
    }

    /** Whether the packet {@link #open} opened last had the highest sequence number so far. */
    boolean newest()
    {
        return newest;
    }

    /** Wipes the key. */
    @Override
    public void close()
    {
        opener.close();
        nonce.setMemory(0, Aead.NONCE_LENGTH, (byte)0);
    }
}
