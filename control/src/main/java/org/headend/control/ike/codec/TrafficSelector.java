package org.headend.control.ike.codec;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * One traffic selector (RFC 7296 §3.13.1): an address range, an IP protocol (0 = any) and a port range.
 *
 * @param type {@link Ike#TS_IPV4_ADDR_RANGE} or {@link Ike#TS_IPV6_ADDR_RANGE}
 */
public record TrafficSelector(int type, int protocol, int startPort, int endPort, byte[] start, byte[] end)
{
    public TrafficSelector
    {
        start = start.clone();
        end = end.clone();
    }

    /** All IPv4 traffic. */
    public static TrafficSelector anyIpv4()
    {
        return ipv4Range(new byte[4], new byte[] {-1, -1, -1, -1});
    }

    /** All ports and protocols between two IPv4 addresses. */
    public static TrafficSelector ipv4Range(final byte[] start, final byte[] end)
    {
        return new TrafficSelector(Ike.TS_IPV4_ADDR_RANGE, 0, 0, 65535, start, end);
    }

    /** One IPv4 address, all ports and protocols. */
    public static TrafficSelector ipv4Host(final byte[] address)
    {
        return ipv4Range(address, address);
    }

    @Override
    public byte[] start()
    {
        return start.clone();
    }

    @Override
    public byte[] end()
    {
        return end.clone();
    }

    /** Whether {@code address} (of this selector's family) lies in the range. */
    public boolean contains(final byte[] address)
    {
        return address.length == start.length && java.util.Arrays.compareUnsigned(start, address) <= 0
            && java.util.Arrays.compareUnsigned(address, end) <= 0;
    }

    @Override
    public String toString()
    {
        try
        {
            return InetAddress.getByAddress(start).getHostAddress() + "-"
                + InetAddress.getByAddress(end).getHostAddress() + " proto " + protocol + " ports " + startPort
                + "-" + endPort;
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
