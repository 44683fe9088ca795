package org.headend.dataplane.dtls;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The DTLS 1.2 record header (RFC 6347 §4.1): content type, version, epoch, 48-bit sequence number, length.
 * Network byte order.
 */
public final class DtlsRecordHeader
{
    /** Content type (RFC 5246 §6.2.1). */
    public static final int CONTENT_TYPE_OFFSET = 0;
    /** Protocol version, {@link #VERSION_DTLS12} once keys are in use. */
    public static final int VERSION_OFFSET = 1;
    /** Epoch: 0 before the first ChangeCipherSpec, 1 after. */
    public static final int EPOCH_OFFSET = 3;
    /** The 48-bit record sequence number within the epoch. */
    public static final int SEQUENCE_OFFSET = 5;
    /** Length of the record's fragment, header excluded. */
    public static final int LENGTH_OFFSET = 11;
    public static final int HEADER_LENGTH = 13;

    public static final int TYPE_CHANGE_CIPHER_SPEC = 20;
    public static final int TYPE_ALERT = 21;
    public static final int TYPE_HANDSHAKE = 22;
    public static final int TYPE_APPLICATION_DATA = 23;

    /** DTLS 1.2 on the wire (RFC 6347 §4.1: the one's complement of 1.2). */
    public static final int VERSION_DTLS12 = 0xFEFD;
    /** DTLS 1.0, which clients may put on their first ClientHello record. */
    public static final int VERSION_DTLS10 = 0xFEFF;

    private DtlsRecordHeader()
    {
    }

    public static int contentType(final DirectBuffer buffer, final int offset)
    {
        return buffer.getByte(offset + CONTENT_TYPE_OFFSET) & 0xFF;
    }

    public static int version(final DirectBuffer buffer, final int offset)
    {
        return ((buffer.getByte(offset + VERSION_OFFSET) & 0xFF) << 8) | (buffer.getByte(offset + VERSION_OFFSET + 1) & 0xFF);
    }

    public static int epoch(final DirectBuffer buffer, final int offset)
    {
        return ((buffer.getByte(offset + EPOCH_OFFSET) & 0xFF) << 8) | (buffer.getByte(offset + EPOCH_OFFSET + 1) & 0xFF);
    }

    /** The 48-bit sequence number. */
    public static long sequence(final DirectBuffer buffer, final int offset)
    {
        long value = 0;
        for (int i = 0; i < 6; i++)
        {
            value = (value << 8) | (buffer.getByte(offset + SEQUENCE_OFFSET + i) & 0xFF);
        }
        return value;
    }

    public static int length(final DirectBuffer buffer, final int offset)
    {
        return ((buffer.getByte(offset + LENGTH_OFFSET) & 0xFF) << 8) | (buffer.getByte(offset + LENGTH_OFFSET + 1) & 0xFF);
    }

    /** Writes a complete header. */
    public static void write(final MutableDirectBuffer buffer, final int offset, final int contentType, final int epoch,
        final long sequence, final int length)
    {
        buffer.putByte(offset + CONTENT_TYPE_OFFSET, (byte)contentType);
        buffer.putByte(offset + VERSION_OFFSET, (byte)(VERSION_DTLS12 >>> 8));
        buffer.putByte(offset + VERSION_OFFSET + 1, (byte)VERSION_DTLS12);
        putEpochAndSequence(buffer, offset + EPOCH_OFFSET, epoch, sequence);
        buffer.putByte(offset + LENGTH_OFFSET, (byte)(length >>> 8));
        buffer.putByte(offset + LENGTH_OFFSET + 1, (byte)length);
    }

    /** Writes the 8 bytes epoch ‖ sequence (also the AAD's first field and our explicit GCM nonce). */
    public static void putEpochAndSequence(final MutableDirectBuffer buffer, final int offset, final int epoch,
        final long sequence)
    {
        buffer.putByte(offset, (byte)(epoch >>> 8));
        buffer.putByte(offset + 1, (byte)epoch);
        for (int i = 0; i < 6; i++)
        {
            buffer.putByte(offset + 2 + i, (byte)(sequence >>> (8 * (5 - i))));
        }
    }
}
