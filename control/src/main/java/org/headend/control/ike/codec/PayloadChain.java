package org.headend.control.ike.codec;

import java.nio.ByteBuffer;

/**
 * A chain of generic payloads (RFC 7296 §3.2) over a region of a buffer: the types, body offsets and body lengths
 * of up to {@link Ike#MAX_PAYLOADS} payloads, recorded without copying. Reusable: {@link #wrap} resets it.
 * <p>
 * The walk enforces that every payload lies inside the region and that the last one ends exactly at its end. An
 * SK or SKF payload must be the last of its chain (§3.14, RFC 7383 §2.5): its "next payload" field names the first
 * payload inside the encryption, which {@link #encryptedFirstType()} reports. An unknown payload with the critical
 * bit set is refused with UNSUPPORTED_CRITICAL_PAYLOAD (§2.5); an unknown one without it is recorded and left for
 * the caller to ignore.
 */
public final class PayloadChain
{
    private final int[] types = new int[Ike.MAX_PAYLOADS];
    private final int[] offsets = new int[Ike.MAX_PAYLOADS];
    private final int[] lengths = new int[Ike.MAX_PAYLOADS];
    private ByteBuffer buffer;
    private int count;
    private int encryptedFirstType;

    /**
     * Walks the chain that starts with a payload of {@code firstType} at {@code offset} and fills {@code length}
     * bytes.
     */
    public PayloadChain wrap(final ByteBuffer buffer, final int offset, final int length, final int firstType)
        throws IkeParseException
    {
        this.buffer = buffer;
        count = 0;
        encryptedFirstType = Ike.NO_NEXT_PAYLOAD;
        final int end = offset + length;
        int at = offset;
        int type = firstType;
        while (type != Ike.NO_NEXT_PAYLOAD)
        {
            if (count == Ike.MAX_PAYLOADS)
            {
                throw new IkeParseException("more than " + Ike.MAX_PAYLOADS + " payloads");
            }
            if (end - at < Ike.PAYLOAD_HEADER_LENGTH)
            {
                throw new IkeParseException("payload " + type + " header runs past the message");
            }
            final int next = buffer.get(at) & 0xff;
            final boolean critical = (buffer.get(at + 1) & 0x80) != 0;
            final int payloadLength = buffer.getShort(at + 2) & 0xffff;
            if (payloadLength < Ike.PAYLOAD_HEADER_LENGTH || payloadLength > end - at)
            {
                throw new IkeParseException("payload " + type + " length " + payloadLength + " does not fit");
            }
            if (!known(type) && critical)
            {
                throw new IkeParseException(Ike.UNSUPPORTED_CRITICAL_PAYLOAD, "unsupported critical payload " + type);
            }
            types[count] = type;
            offsets[count] = at + Ike.PAYLOAD_HEADER_LENGTH;
            lengths[count] = payloadLength - Ike.PAYLOAD_HEADER_LENGTH;
            count++;
            at += payloadLength;
            if (type == Ike.SK || type == Ike.SKF)
            {
                if (at != end)
                {
                    throw new IkeParseException("the encrypted payload is not the last one");
                }
                encryptedFirstType = next;
                return this;
            }
            type = next;
        }
        if (at != end)
        {
            throw new IkeParseException((end - at) + " bytes after the last payload");
        }
        return this;
    }

    private static boolean known(final int type)
    {
        return type >= Ike.SA && type <= Ike.EAP || type == Ike.SKF;
    }

    public ByteBuffer buffer()
    {
        return buffer;
    }

    public int count()
    {
        return count;
    }

    public int type(final int index)
    {
        return types[index];
    }

    /** Where payload {@code index}'s body (after its generic header) starts in the buffer. */
    public int bodyOffset(final int index)
    {
        return offsets[index];
    }

    public int bodyLength(final int index)
    {
        return lengths[index];
    }

    /** The index of the first payload of {@code type}, or -1. */
    public int find(final int type)
    {
        return findAfter(type, -1);
    }

    /** The index of the first payload of {@code type} after index {@code after}, or -1. */
    public int findAfter(final int type, final int after)
    {
        for (int i = after + 1; i < count; i++)
        {
            if (types[i] == type)
            {
                return i;
            }
        }
        return -1;
    }

    /** How many payloads of {@code type} the chain has. */
    public int countOf(final int type)
    {
        int n = 0;
        for (int i = 0; i < count; i++)
        {
            n += types[i] == type ? 1 : 0;
        }
        return n;
    }

    /** The type of the first payload inside the trailing SK/SKF payload, or 0 when the chain has none. */
    public int encryptedFirstType()
    {
        return encryptedFirstType;
    }

    /** Whether the chain ends with an SK or SKF payload. */
    public boolean endsEncrypted()
    {
        return count > 0 && (types[count - 1] == Ike.SK || types[count - 1] == Ike.SKF);
    }
}
