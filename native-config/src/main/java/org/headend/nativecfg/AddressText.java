package org.headend.nativecfg;

import java.net.InetAddress;

/**
 * Addresses as people read them: IPv4 dotted, IPv6 in the short form of RFC 5952 (lower case, no leading zeros, the
 * longest run of two or more zero groups as {@code ::}) — what {@code ip} prints and what the ASA's configuration
 * shows, rather than Java's {@code 0:0:0:0:0:0:0:1}. The one formatter of the project; not for the packet path.
 */
public final class AddressText
{
    private AddressText()
    {
    }

    public static String format(final InetAddress address)
    {
        final byte[] bytes = address.getAddress();
        if (bytes.length != 16)
        {
            return address.getHostAddress();
        }
        final int[] groups = new int[8];
        for (int i = 0; i < 8; i++)
        {
            groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; i++)
        {
            int j = i;
            while (j < 8 && groups[j] == 0)
            {
                j++;
            }
            if (j - i > bestLength)
            {
                bestStart = i;
                bestLength = j - i;
            }
            i = Math.max(i, j);
        }
        final StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++)
        {
            if (i == bestStart)
            {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':')
            {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }
}
