package org.headend.control.ike.codec;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The Traffic Selector payload body (RFC 7296 §3.13): a count and that many selectors. Only the IPv4 and IPv6
 * address-range types are understood; a selector of another type is refused (§3.13.1 defines no others that a
 * remote-access client sends).
 */
public final class TsPayload
{
    private TsPayload()
    {
    }

    public static List<TrafficSelector> read(final ByteBuffer buffer, final int offset, final int length)
        throws IkeParseException
    {
        if (length < 4)
        {
            throw new IkeParseException("TS payload too short");
        }
        final int count = buffer.get(offset) & 0xff;
        if (count == 0 || count > Ike.MAX_SELECTORS)
        {
            throw new IkeParseException("TS count " + count + " out of range");
        }
        final List<TrafficSelector> out = new ArrayList<>(count);
        final int end = offset + length;
        int at = offset + 4;
        for (int i = 0; i < count; i++)
        {
            if (end - at < 8)
            {
                throw new IkeParseException("traffic selector runs past its payload");
            }
            final int type = buffer.get(at) & 0xff;
            final int selectorLength = buffer.getShort(at + 2) & 0xffff;
            final int addressLength = type == Ike.TS_IPV4_ADDR_RANGE ? 4 : type == Ike.TS_IPV6_ADDR_RANGE ? 16 : -1;
            if (addressLength < 0 || selectorLength != 8 + 2 * addressLength || selectorLength > end - at)
            {
                throw new IkeParseException("bad traffic selector type " + type + " or length " + selectorLength);
            }
            final byte[] startAddress = new byte[addressLength];
            final byte[] endAddress = new byte[addressLength];
            buffer.get(at + 8, startAddress);
            buffer.get(at + 8 + addressLength, endAddress);
            out.add(new TrafficSelector(type, buffer.get(at + 1) & 0xff, buffer.getShort(at + 4) & 0xffff,
                buffer.getShort(at + 6) & 0xffff, startAddress, endAddress));
            at += selectorLength;
        }
        if (at != end)
        {
            throw new IkeParseException("bytes after the last traffic selector");
        }
        return out;
    }
}
