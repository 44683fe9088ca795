package org.headend.dataplane.dtls;

import java.util.function.Function;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.headend.crypto.Aead;
import org.headend.dataplane.api.DtlsKeys;

/**
 * The DTLS 1.2 record layer for AES-GCM application data (RFC 6347 §4.1, RFC 5288), sans I/O: records in, plaintext
 * out, and back. The explicit nonce of each sealed record is its own epoch ‖ sequence, which never repeats.
 * Allocation-free; one thread at a time (the tunnel's event loop).
 *
 * <p>Record: header (13) ‖ explicit nonce (8) ‖ ciphertext ‖ tag (16). Nonce = implicit IV (4) ‖ explicit (8).
 * AAD = epoch ‖ sequence (8) ‖ type (1) ‖ version (2) ‖ plaintext length (2).
 */
public final class DtlsRecordCodec implements AutoCloseable
{
    /** Bytes a sealed record adds around its plaintext. */
    public static final int OVERHEAD = DtlsRecordHeader.HEADER_LENGTH + 8 + Aead.TAG_LENGTH;
    /** Offset of the plaintext inside a record, for callers that build it in place. */
    public static final int PLAINTEXT_OFFSET = DtlsRecordHeader.HEADER_LENGTH + 8;

    /** {@link #open}: shorter than a header plus an AEAD overhead, or the length field disagrees. */
    public static final int MALFORMED = -10;
    /** {@link #open}: not application data of DTLS 1.2 in the current epoch (a handshake or an old record). */
    public static final int NOT_CURRENT_DATA = -11;
    /** {@link #open}: the sequence number was already seen or is too old. */
    public static final int REPLAYED = -12;
    /** {@link #open}: the tag did not verify. */
    public static final int AUTH_FAILED = -13;
    /** {@link #seal}: the sequence space of the epoch is used up (2^48 records); the session must rekey. */
    public static final int SEQUENCE_EXHAUSTED = -14;

    private static final int AAD_LENGTH = 13;
    private static final long MAX_SEQUENCE = (1L << 48) - 1;

    private final int epoch;
    private final Aead opener;
    private final Aead sealer;
    private final ReplayWindow replay = new ReplayWindow();
    private final UnsafeBuffer openNonce = new UnsafeBuffer(new byte[Aead.NONCE_LENGTH]);
    private final UnsafeBuffer sealNonce = new UnsafeBuffer(new byte[Aead.NONCE_LENGTH]);
    private final UnsafeBuffer aad = new UnsafeBuffer(new byte[AAD_LENGTH]);
    private final String cipherName;
    private final String hashName;
    private long nextSequence;

    /**
     * @param keys the session's keys; the arrays are not kept
     * @param aead makes an AEAD instance for a key (OpenSSL or JDK, as the appliance chose at start)
     */
    public DtlsRecordCodec(final DtlsKeys keys, final Function<byte[], Aead> aead)
    {
        this.epoch = keys.epoch();
        this.opener = aead.apply(keys.clientWriteKey());
        this.sealer = aead.apply(keys.serverWriteKey());
        this.nextSequence = keys.firstSendSequence();
        this.cipherName = keys.cipherName();
        this.hashName = keys.hashName();
        openNonce.putBytes(0, keys.clientImplicitIv());
        sealNonce.putBytes(0, keys.serverImplicitIv());
    }

    /** The suite's encryption in ASA words, for the CLI. */
    public String cipherName()
    {
        return cipherName;
    }

    /** The suite's PRF hash in ASA words, for the CLI. */
    public String hashName()
    {
        return hashName;
    }

    /**
     * Authenticates and decrypts one record at {@code offset} into {@code out}; {@code out} may be {@code in} at
     * {@code offset + PLAINTEXT_OFFSET} (in place).
     *
     * @param length bytes of the record (the datagram may hold more records after it: see {@link #recordLength})
     * @return the plaintext length, or {@link #MALFORMED}, {@link #NOT_CURRENT_DATA}, {@link #REPLAYED},
     *         {@link #AUTH_FAILED}
     */
    public int open(final DirectBuffer in, final int offset, final int length, final MutableDirectBuffer out,
        final int outOffset)
    {
        final int opened = check(in, offset, length, out, outOffset);
        if (opened >= 0)
        {
            replay.accept(DtlsRecordHeader.sequence(in, offset));
        }
        return opened;
    }

    /**
     * Whether the record would open, without recording its sequence number: a trial, e.g. to find which session a
     * datagram from a new address belongs to. {@code scratch} receives the plaintext and must not overlap the record.
     */
    public boolean verify(final DirectBuffer in, final int offset, final int length, final MutableDirectBuffer scratch)
    {
        return check(in, offset, length, scratch, 0) >= 0;
    }

    private int check(final DirectBuffer in, final int offset, final int length, final MutableDirectBuffer out,
        final int outOffset)
    {
        if (length < OVERHEAD || DtlsRecordHeader.length(in, offset) != length - DtlsRecordHeader.HEADER_LENGTH)
        {
            return MALFORMED;
        }
        if (DtlsRecordHeader.contentType(in, offset) != DtlsRecordHeader.TYPE_APPLICATION_DATA
            || DtlsRecordHeader.version(in, offset) != DtlsRecordHeader.VERSION_DTLS12
            || DtlsRecordHeader.epoch(in, offset) != epoch)
        {
            return NOT_CURRENT_DATA;
        }
        final long sequence = DtlsRecordHeader.sequence(in, offset);
        if (replay.isReplay(sequence))
        {
            return REPLAYED;
        }
        final int plaintextLength = length - OVERHEAD;
        openNonce.putBytes(4, in, offset + DtlsRecordHeader.HEADER_LENGTH, 8);
        aad.putBytes(0, in, offset + DtlsRecordHeader.EPOCH_OFFSET, 8);
        aad.putBytes(8, in, offset + DtlsRecordHeader.CONTENT_TYPE_OFFSET, 3);
        aad.putByte(11, (byte)(plaintextLength >>> 8));
        aad.putByte(12, (byte)plaintextLength);
        final int opened = opener.open(openNonce, 0, aad, 0, AAD_LENGTH, in, offset + PLAINTEXT_OFFSET,
            length - PLAINTEXT_OFFSET, out, outOffset);
        return opened < 0 ? AUTH_FAILED : opened;
    }

    /**
     * Seals the {@code length} plaintext bytes that the caller already placed at {@code offset + PLAINTEXT_OFFSET}
     * of {@code record}, in place, and writes the header and explicit nonce before them.
     *
     * @return the record length ({@code length + OVERHEAD}), or {@link #SEQUENCE_EXHAUSTED} or the AEAD's error
     */
    public int sealInPlace(final MutableDirectBuffer record, final int offset, final int length)
    {
        if (nextSequence > MAX_SEQUENCE)
        {
            return SEQUENCE_EXHAUSTED;
        }
        final long sequence = nextSequence++;
        DtlsRecordHeader.write(record, offset, DtlsRecordHeader.TYPE_APPLICATION_DATA, epoch, sequence,
            8 + length + Aead.TAG_LENGTH);
        DtlsRecordHeader.putEpochAndSequence(record, offset + DtlsRecordHeader.HEADER_LENGTH, epoch, sequence);
        sealNonce.putBytes(4, record, offset + DtlsRecordHeader.HEADER_LENGTH, 8);
        aad.putBytes(0, record, offset + DtlsRecordHeader.EPOCH_OFFSET, 8);
        aad.putBytes(8, record, offset + DtlsRecordHeader.CONTENT_TYPE_OFFSET, 3);
        aad.putByte(11, (byte)(length >>> 8));
        aad.putByte(12, (byte)length);
        final int sealed = sealer.seal(sealNonce, 0, aad, 0, AAD_LENGTH, record, offset + PLAINTEXT_OFFSET, length,
            record, offset + PLAINTEXT_OFFSET);
        return sealed < 0 ? sealed : PLAINTEXT_OFFSET + sealed;
    }

    /**
     * The length of the record starting at {@code offset}, header included, or -1 when fewer than a header's bytes
     * remain or the length field points past {@code available}.
     */
    public static int recordLength(final DirectBuffer in, final int offset, final int available)
    {
        if (available < DtlsRecordHeader.HEADER_LENGTH)
        {
            return -1;
        }
        final int length = DtlsRecordHeader.HEADER_LENGTH + DtlsRecordHeader.length(in, offset);
        return length <= available ? length : -1;
    }

    @Override
    public void close()
    {
        opener.close();
        sealer.close();
    }
}
