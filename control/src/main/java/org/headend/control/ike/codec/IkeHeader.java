package org.headend.control.ike.codec;

import java.nio.ByteBuffer;

/**
 * The fixed IKE header (RFC 7296 §3.1) read in place, and a whole message's outer payload chain. Reusable:
 * {@link #wrap} checks the header and walks the chain, so a wrapped message is always well framed: version 2,
 * declared length equal to the datagram's, a known exchange type, and payloads filling it exactly.
 */
public final class IkeHeader
{
    public static final int SPI_I_OFFSET = 0;
    public static final int SPI_R_OFFSET = 8;
    public static final int NEXT_PAYLOAD_OFFSET = 16;
    public static final int VERSION_OFFSET = 17;
    public static final int EXCHANGE_OFFSET = 18;
    public static final int FLAGS_OFFSET = 19;
    public static final int MESSAGE_ID_OFFSET = 20;
    public static final int LENGTH_OFFSET = 24;

    private final PayloadChain payloads = new PayloadChain();
    private ByteBuffer buffer;
    private int offset;
    private int length;

    /**
     * Checks the header of the message of {@code length} bytes at {@code offset} and walks its payloads.
     *
     * @throws IkeParseException with INVALID_MAJOR_VERSION for another major version, INVALID_SYNTAX otherwise
     */
    public IkeHeader wrap(final ByteBuffer buffer, final int offset, final int length) throws IkeParseException
    {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        if (length < Ike.HEADER_LENGTH || length > Ike.MAX_MESSAGE_LENGTH)
        {
            throw new IkeParseException("message length " + length + " out of range");
        }
        if ((buffer.get(offset + VERSION_OFFSET) & 0xf0) != Ike.VERSION_2)
        {
            throw new IkeParseException(Ike.INVALID_MAJOR_VERSION, "not IKE version 2");
        }
        final long declared = buffer.getInt(offset + LENGTH_OFFSET) & 0xffff_ffffL;
        if (declared != length)
        {
            throw new IkeParseException("declared length " + declared + " is not the datagram's " + length);
        }
        final int exchange = exchangeType();
        if (exchange < Ike.IKE_SA_INIT || exchange > Ike.INFORMATIONAL)
        {
            throw new IkeParseException("unknown exchange type " + exchange);
        }
        payloads.wrap(buffer, offset + Ike.HEADER_LENGTH, length - Ike.HEADER_LENGTH, nextPayload());
        return this;
    }

    public ByteBuffer buffer()
    {
        return buffer;
    }

    public int offset()
    {
        return offset;
    }

    public int length()
    {
        return length;
    }

    public long initiatorSpi()
    {
        return buffer.getLong(offset + SPI_I_OFFSET);
    }

    public long responderSpi()
    {
        return buffer.getLong(offset + SPI_R_OFFSET);
    }

    public int nextPayload()
    {
        return buffer.get(offset + NEXT_PAYLOAD_OFFSET) & 0xff;
    }

    public int exchangeType()
    {
        return buffer.get(offset + EXCHANGE_OFFSET) & 0xff;
    }

    public int flags()
    {
        return buffer.get(offset + FLAGS_OFFSET) & 0xff;
    }

    /** The I flag: the original initiator of the IKE SA sent this message. */
    public boolean fromInitiator()
    {
        return (flags() & Ike.FLAG_INITIATOR) != 0;
    }

    public boolean isResponse()
    {
        return (flags() & Ike.FLAG_RESPONSE) != 0;
    }

    /** The message ID, unsigned in a long. */
    public long messageId()
    {
        return buffer.getInt(offset + MESSAGE_ID_OFFSET) & 0xffff_ffffL;
    }

    /** The outer payload chain, ending with SK/SKF for an encrypted message. */
    public PayloadChain payloads()
    {
        return payloads;
    }

    /** Reads only the SPIs and message ID of a datagram, for lookups before a full wrap (needs 28 bytes). */
    public static long peekInitiatorSpi(final ByteBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + SPI_I_OFFSET);
    }

    public static long peekResponderSpi(final ByteBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + SPI_R_OFFSET);
    }
}
