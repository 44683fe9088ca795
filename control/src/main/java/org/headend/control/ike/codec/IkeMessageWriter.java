package org.headend.control.ike.codec;

/**
 * Builds one IKE message: the header, then a payload chain through {@link #payloads()}, then {@link #finish}
 * fills in the length. Reusable.
 */
public final class IkeMessageWriter
{
    private final PayloadWriter payloads;

    public IkeMessageWriter(final int capacity)
    {
        payloads = new PayloadWriter(capacity);
    }

    public PayloadWriter begin(final long initiatorSpi, final long responderSpi, final int exchange,
        final int flags, final long messageId)
    {
        payloads.reset(0, -1);
        payloads.u64(initiatorSpi).u64(responderSpi).u8(Ike.NO_NEXT_PAYLOAD).u8(Ike.VERSION_2).u8(exchange)
            .u8(flags).u32((int)messageId).u32(0);
        payloads.reset(Ike.HEADER_LENGTH, IkeHeader.NEXT_PAYLOAD_OFFSET);
        return payloads;
    }

    public PayloadWriter payloads()
    {
        return payloads;
    }

    /** Sets the header's length field to {@code length} (before an SK payload is sealed over the header). */
    public void declareLength(final int length)
    {
        payloads.putU32(IkeHeader.LENGTH_OFFSET, length);
    }

    /** Writes the length and returns the message. */
    public byte[] finish()
    {
        declareLength(payloads.position());
        return payloads.copy(0);
    }
}
