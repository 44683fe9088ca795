package org.headend.control.config.grammar;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.headend.nativecfg.AddressText;

/** IPv6 addresses as the configuration writes them: parsed without name lookups, printed in RFC 5952 form. */
public final class Ipv6
{
    private static final int MAX_TEXT = 45;

    private Ipv6()
    {
    }

    /**
     * Parses an IPv6 literal (no zone, no brackets).
     *
     * @throws IllegalArgumentException when the text is not one
     */
    public static Inet6Address parse(final String text)
    {
        if (text.isEmpty() || text.length() > MAX_TEXT || text.indexOf(':') < 0
            || !text.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0))
        {
            throw new IllegalArgumentException("'" + ArgTypes.abbreviate(text) + "' is not an IPv6 address");
        }
        try
        {
            // a literal of these characters is never looked up in DNS
            final InetAddress address = InetAddress.getByName(text);
            if (address instanceof Inet6Address v6)
            {
                return v6;
            }
            // an IPv4-mapped literal comes back as IPv4: keep it as the 16 bytes typed
            final byte[] mapped = new byte[16];
            mapped[10] = (byte)0xFF;
            mapped[11] = (byte)0xFF;
            System.arraycopy(address.getAddress(), 0, mapped, 12, 4);
            return Inet6Address.getByAddress(null, mapped, -1);
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalArgumentException("'" + ArgTypes.abbreviate(text) + "' is not an IPv6 address", ex);
        }
    }

    /** RFC 5952: lower case, no leading zeros, the longest run of two or more zero groups as {@code ::}. */
    public static String format(final Inet6Address address)
    {
        return AddressText.format(address);
    }
}
