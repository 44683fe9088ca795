package org.headend.control.ike.sa;

import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

/** NAT_DETECTION_*_IP data (RFC 7296 §2.23): SHA-1(SPIi ‖ SPIr ‖ IP address ‖ port). */
final class NatDetection
{
    private NatDetection()
    {
    }

    static byte[] hash(final long spiI, final long spiR, final InetSocketAddress address)
    {
        try
        {
            final MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            for (int i = 0; i < 8; i++)
            {
                sha1.update((byte)(spiI >>> (56 - 8 * i)));
            }
            for (int i = 0; i < 8; i++)
            {
                sha1.update((byte)(spiR >>> (56 - 8 * i)));
            }
            sha1.update(address.getAddress().getAddress());
            sha1.update((byte)(address.getPort() >>> 8));
            sha1.update((byte)address.getPort());
            return sha1.digest();
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("SHA-1 is missing from the JDK", ex);
        }
    }
}
