package org.headend.dataplane.wire;

import java.nio.ByteOrder;
import org.agrona.DirectBuffer;

/**
 * The fields of an IPv6 header (RFC 8200 §3) the data plane routes and filters on. An address is read as two
 * big-endian longs: its first eight bytes ({@code hi}) and its last eight ({@code lo}).
 */
public final class Ipv6Header
{
    /** The fixed header's length; extension headers follow it. */
    public static final int LENGTH = 40;
    /** Source address, 16 bytes. */
    public static final int SOURCE_OFFSET = 8;
    /** Destination address, 16 bytes. */
    public static final int DESTINATION_OFFSET = 24;

    private Ipv6Header()
    {
    }

    /** The first eight bytes of the address at {@code addressOffset} of the packet at {@code index}. */
    public static long hi(final DirectBuffer buf, final int index, final int addressOffset)
    {
        return buf.getLong(index + addressOffset, ByteOrder.BIG_ENDIAN);
    }

    /** The last eight bytes of the address at {@code addressOffset} of the packet at {@code index}. */
    public static long lo(final DirectBuffer buf, final int index, final int addressOffset)
    {
        return buf.getLong(index + addressOffset + 8, ByteOrder.BIG_ENDIAN);
    }

    /** Whether the address is link-local (fe80::/10) or unspecified (::): a source that is never routed. */
    public static boolean isLinkLocalOrUnspecified(final long hi, final long lo)
    {
        return (hi & 0xFFC0_0000_0000_0000L) == 0xFE80_0000_0000_0000L || (hi == 0 && lo == 0);
    }
}
