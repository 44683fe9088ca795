package org.headend.control.config;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import org.headend.control.config.grammar.ArgTypes;
import org.headend.control.config.grammar.Ipv4;
import org.headend.control.config.grammar.Ipv6;
import org.headend.control.config.grammar.Ipv6Prefix;

/**
 * One address operand of an access-list entry: {@code any} / {@code any4} / {@code any6}, {@code host ADDRESS},
 * {@code A.B.C.D M.M.M.M} or {@code X:X::X/LEN}.
 *
 * @param network      the network (host bits cleared), or null for the {@code any} forms
 * @param prefixLength its prefix length; for {@code any4}/{@code any6} 0 with {@code family} set
 * @param family       4, 6, or 0 for {@code any} (both families)
 */
public record AclAddress(InetAddress network, int prefixLength, int family)
{
    /** The operand parsed from {@code tokens} starting at {@code from}; {@link #tokens} tells how many it took. */
    static AclAddress parse(final List<String> tokens, final int from)
    {
        if (from >= tokens.size())
        {
            throw new IllegalArgumentException("an address is missing: any, any4, any6, host ADDRESS, "
                + "A.B.C.D M.M.M.M or X:X::X/LEN");
        }
        final String word = tokens.get(from);
        switch (word)
        {
            case "any":
                return new AclAddress(null, 0, 0);
            case "any4":
                return new AclAddress(null, 0, 4);
            case "any6":
                return new AclAddress(null, 0, 6);
            case "host":
                if (from + 1 >= tokens.size())
                {
                    throw new IllegalArgumentException("host needs an address");
                }
                final String host = tokens.get(from + 1);
                return host.indexOf(':') >= 0 ? new AclAddress(Ipv6.parse(host), 128, 6)
                    : new AclAddress(Ipv4.parse(host), 32, 4);
            default:
                break;
        }
        if (word.indexOf(':') >= 0)
        {
            final Ipv6Prefix prefix = ArgTypes.IPV6_PREFIX.parse(word);
            return new AclAddress(mask(prefix.address(), prefix.length()), prefix.length(), 6);
        }
        final Inet4Address address = Ipv4.parse(word);
        if (from + 1 >= tokens.size())
        {
            throw new IllegalArgumentException(word + " needs a mask (A.B.C.D M.M.M.M), or write host " + word);
        }
        final Inet4Address mask = ArgTypes.MASK.parse(tokens.get(from + 1));
        final int length = Integer.bitCount((int)Ipv4.toLong(mask));
        return new AclAddress(mask(address, length), length, 4);
    }

    /** How many tokens the operand takes. */
    int tokens()
    {
        return network == null || family == 6 && prefixLength != 128 ? 1 : 2;
    }

    /** Whether this is one of the {@code any} forms. */
    public boolean isAny()
    {
        return network == null;
    }

    /** The operand as {@code show running-config} prints it. */
    String format()
    {
        if (network == null)
        {
            return family == 0 ? "any" : "any" + family;
        }
        if (network instanceof Inet6Address v6)
        {
            return prefixLength == 128 ? "host " + Ipv6.format(v6) : Ipv6.format(v6) + "/" + prefixLength;
        }
        if (prefixLength == 32)
        {
            return "host " + Ipv4.format((Inet4Address)network);
        }
        final long mask = prefixLength == 0 ? 0 : 0xFFFF_FFFFL << (32 - prefixLength) & 0xFFFF_FFFFL;
        return Ipv4.format((Inet4Address)network) + " " + Ipv4.format(Ipv4.fromLong(mask));
    }

    private static InetAddress mask(final InetAddress address, final int length)
    {
        final byte[] bytes = address.getAddress();
        for (int i = 0; i < bytes.length; i++)
        {
            final int keep = Math.max(0, Math.min(8, length - 8 * i));
            bytes[i] &= (byte)(0xFF00 >>> keep);
        }
        try
        {
            return bytes.length == 4 ? InetAddress.getByAddress(bytes) : Inet6Address.getByAddress(null, bytes, -1);
        }
        catch (final java.net.UnknownHostException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
