package org.headend.control.ike.crypto;

import java.security.GeneralSecurityException;
import java.util.Arrays;

/** The SK payload's trailing pad length byte (RFC 7296 §3.14): strips it and the padding it counts. */
final class SkPadding
{
    private SkPadding()
    {
    }

    static byte[] strip(final byte[] padded) throws GeneralSecurityException
    {
        final int padLength = padded[padded.length - 1] & 0xff;
        if (padLength + 1 > padded.length)
        {
            throw new GeneralSecurityException("SK pad length " + padLength + " exceeds the content");
        }
        return Arrays.copyOf(padded, padded.length - padLength - 1);
    }
}
