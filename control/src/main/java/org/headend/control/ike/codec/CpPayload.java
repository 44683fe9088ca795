package org.headend.control.ike.codec;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** The Configuration payload body (RFC 7296 §3.15): CFG type and attributes (type, length, value). */
public final class CpPayload
{
    /** One configuration attribute; a request may carry empty values. */
    public record Attribute(int type, byte[] value)
    {
        public Attribute
        {
            value = value.clone();
        }

        @Override
        public byte[] value()
        {
            return value.clone();
        }
    }

    private final List<Attribute> attributes = new ArrayList<>();
    private int cfgType;

    public CpPayload wrap(final ByteBuffer buffer, final int offset, final int length) throws IkeParseException
    {
        if (length < 4)
        {
            throw new IkeParseException("CP payload too short");
        }
        attributes.clear();
        cfgType = buffer.get(offset) & 0xff;
        final int end = offset + length;
        int at = offset + 4;
        while (at < end)
        {
            if (attributes.size() == Ike.MAX_ATTRIBUTES)
            {
                throw new IkeParseException("more than " + Ike.MAX_ATTRIBUTES + " configuration attributes");
            }
            if (end - at < 4)
            {
                throw new IkeParseException("configuration attribute runs past its payload");
            }
            final int type = buffer.getShort(at) & 0x7fff;
            final int valueLength = buffer.getShort(at + 2) & 0xffff;
            if (valueLength > end - at - 4)
            {
                throw new IkeParseException("configuration attribute runs past its payload");
            }
            final byte[] value = new byte[valueLength];
            buffer.get(at + 4, value);
            attributes.add(new Attribute(type, value));
            at += 4 + valueLength;
        }
        return this;
    }

    public int cfgType()
    {
        return cfgType;
    }

    public List<Attribute> attributes()
    {
        return List.copyOf(attributes);
    }

    /** Whether the payload asks for (or carries) an attribute of {@code type}. */
    public boolean has(final int type)
    {
        for (final Attribute attribute : attributes)
        {
            if (attribute.type() == type)
            {
                return true;
            }
        }
        return false;
    }
}
