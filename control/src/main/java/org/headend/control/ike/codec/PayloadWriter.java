package org.headend.control.ike.codec;

import java.nio.ByteBuffer;

/**
 * Writes a payload chain into a buffer: each {@link #begin} patches the previous payload's "next payload" field
 * (or the IKE header's, or remembers the type as {@link #firstType()} for the inside of an SK payload) and each
 * {@link #end} fills in the length. Overflowing the buffer throws {@link java.nio.BufferOverflowException}: the
 * caller sizes it for the largest message it builds.
 */
public final class PayloadWriter
{
    private final ByteBuffer buffer;
    private int nextFieldAt;
    private int payloadStart;
    private int firstType;

    public PayloadWriter(final int capacity)
    {
        buffer = ByteBuffer.allocate(capacity);
        reset(0, -1);
    }

    /**
     * Starts a chain at {@code position}.
     *
     * @param nextFieldAt where the first payload's type goes (16 for a message), or -1 for a chain whose first type
     *                    the caller reads from {@link #firstType()}
     */
    public PayloadWriter reset(final int position, final int nextFieldAt)
    {
        buffer.clear().position(position);
        this.nextFieldAt = nextFieldAt;
        payloadStart = -1;
        firstType = Ike.NO_NEXT_PAYLOAD;
        return this;
    }

    public PayloadWriter begin(final int type)
    {
        if (payloadStart >= 0)
        {
            throw new IllegalStateException("payload not ended");
        }
        if (nextFieldAt < 0)
        {
            if (firstType == Ike.NO_NEXT_PAYLOAD)
            {
                firstType = type;
            }
        }
        else
        {
            buffer.put(nextFieldAt, (byte)type);
        }
        payloadStart = buffer.position();
        nextFieldAt = payloadStart;
        buffer.putInt(0);
        return this;
    }

    public PayloadWriter end()
    {
        putU16(payloadStart + 2, buffer.position() - payloadStart);
        payloadStart = -1;
        return this;
    }

    public PayloadWriter u8(final int value)
    {
        buffer.put((byte)value);
        return this;
    }

    public PayloadWriter u16(final int value)
    {
        buffer.putShort((short)value);
        return this;
    }

    public PayloadWriter u32(final int value)
    {
        buffer.putInt(value);
        return this;
    }

    public PayloadWriter u64(final long value)
    {
        buffer.putLong(value);
        return this;
    }

    public PayloadWriter bytes(final byte[] value)
    {
        buffer.put(value);
        return this;
    }

    public PayloadWriter bytes(final byte[] value, final int offset, final int length)
    {
        buffer.put(value, offset, length);
        return this;
    }

    public PayloadWriter putU16(final int at, final int value)
    {
        buffer.putShort(at, (short)value);
        return this;
    }

    public PayloadWriter putU32(final int at, final int value)
    {
        buffer.putInt(at, value);
        return this;
    }

    public int position()
    {
        return buffer.position();
    }

    public ByteBuffer buffer()
    {
        return buffer;
    }

    public byte[] array()
    {
        return buffer.array();
    }

    /** The type of the chain's first payload when it was reset with no field to patch. */
    public int firstType()
    {
        return firstType;
    }

    /** A copy of the bytes from {@code from} to the current position. */
    public byte[] copy(final int from)
    {
        final byte[] out = new byte[buffer.position() - from];
        buffer.get(from, out);
        return out;
    }

    public PayloadWriter nonce(final byte[] nonce)
    {
        return begin(Ike.NONCE).bytes(nonce).end();
    }

    public PayloadWriter keyExchange(final int group, final byte[] publicValue)
    {
        return begin(Ike.KE).u16(group).u16(0).bytes(publicValue).end();
    }

    public PayloadWriter notify(final int protocol, final byte[] spi, final int type, final byte[] data)
    {
        return begin(Ike.NOTIFY).u8(protocol).u8(spi.length).u16(type).bytes(spi).bytes(data).end();
    }

    /** A notify about the IKE SA itself (no SPI). */
    public PayloadWriter notify(final int type, final byte[] data)
    {
        return notify(0, new byte[0], type, data);
    }

    public PayloadWriter vendor(final byte[] vendorId)
    {
        return begin(Ike.VENDOR).bytes(vendorId).end();
    }

    /** An IDi/IDr payload; {@code payloadType} is {@link Ike#IDI} or {@link Ike#IDR}. */
    public PayloadWriter identity(final int payloadType, final int idType, final byte[] data)
    {
        return begin(payloadType).u8(idType).u8(0).u16(0).bytes(data).end();
    }

    public PayloadWriter auth(final int method, final byte[] data)
    {
        return begin(Ike.AUTH).u8(method).u8(0).u16(0).bytes(data).end();
    }

    /** A CERT or CERTREQ payload. */
    public PayloadWriter cert(final int payloadType, final int encoding, final byte[] data)
    {
        return begin(payloadType).u8(encoding).bytes(data).end();
    }

    public PayloadWriter eap(final byte[] eapPacket)
    {
        return begin(Ike.EAP).bytes(eapPacket).end();
    }

    public PayloadWriter delete(final int protocol, final int spiSize, final byte[]... spis)
    {
        begin(Ike.DELETE).u8(protocol).u8(spiSize).u16(spis.length);
        for (final byte[] spi : spis)
        {
            bytes(spi);
        }
        return end();
    }

    public PayloadWriter securityAssociation(final java.util.List<Proposal> proposals)
    {
        begin(Ike.SA);
        SaPayload.write(this, proposals);
        return end();
    }

    /** A TSi/TSr payload. */
    public PayloadWriter trafficSelectors(final int payloadType, final java.util.List<TrafficSelector> selectors)
    {
        begin(payloadType).u8(selectors.size()).u8(0).u16(0);
        for (final TrafficSelector ts : selectors)
        {
            u8(ts.type()).u8(ts.protocol()).u16(8 + 2 * ts.start().length).u16(ts.startPort()).u16(ts.endPort())
                .bytes(ts.start()).bytes(ts.end());
        }
        return end();
    }

    /** A CP payload. */
    public PayloadWriter configuration(final int cfgType, final java.util.List<CpPayload.Attribute> attributes)
    {
        begin(Ike.CP).u8(cfgType).u8(0).u16(0);
        for (final CpPayload.Attribute attribute : attributes)
        {
            u16(attribute.type() & 0x7fff).u16(attribute.value().length).bytes(attribute.value());
        }
        return end();
    }
}
