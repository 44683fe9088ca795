package org.headend.control.session;

import java.time.Instant;

/**
 * What a session holding a DHCP lease keeps beside its address so that, after a restart, the lease can be confirmed
 * with the server as the same client ({@link SessionStore}).
 *
 * @param server   the server that leased it (IPv4 as an int)
 * @param chaddr   the 6-byte hardware address the server knows the session by (the low 48 bits)
 * @param expires  when the lease runs out without a renewal; null for an infinite lease
 */
public record DhcpBinding(int server, long chaddr, Instant expires)
{
    /** Largest hardware address: 6 bytes. */
    static final long MAX_CHADDR = 0xFFFF_FFFF_FFFFL;

    public DhcpBinding
    {
        if (chaddr < 0 || chaddr > MAX_CHADDR)
        {
            throw new IllegalArgumentException("hardware address longer than 6 bytes");
        }
    }

    /** The hardware address as the 6 bytes sent. */
    public byte[] chaddrBytes()
    {
        final byte[] bytes = new byte[6];
        for (int i = 0; i < 6; i++)
        {
            bytes[i] = (byte)(chaddr >>> (40 - 8 * i));
        }
        return bytes;
    }

    /** The 6 bytes of a hardware address as {@link #chaddr}. */
    public static long chaddrOf(final byte[] bytes)
    {
        if (bytes.length != 6)
        {
            throw new IllegalArgumentException("hardware address not 6 bytes");
        }
        long value = 0;
        for (final byte b : bytes)
        {
            value = value << 8 | (b & 0xFF);
        }
        return value;
    }
}
