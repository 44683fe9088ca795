package org.headend.control.ike.sa;

import java.security.SecureRandom;
import java.util.function.LongPredicate;

/**
 * What every IKE SA of one responder shares: the policy in force, the host, the random source, the SPI space, the
 * counters.
 */
final class ResponderContext
{
    final IkeHost host;
    final SecureRandom random;
    final IkeStats stats = new IkeStats();
    private final LongPredicate spiTaken;
    ResponderPolicy policy;

    ResponderContext(final ResponderPolicy policy, final IkeHost host, final SecureRandom random,
        final LongPredicate spiTaken)
    {
        this.policy = policy;
        this.host = host;
        this.random = random;
        this.spiTaken = spiTaken;
    }

    byte[] nonce()
    {
        final byte[] nonce = new byte[32];
        random.nextBytes(nonce);
        return nonce;
    }

    /** A random responder SPI that is neither zero nor in use. */
    long newSpi()
    {
        long spi;
        do
        {
            spi = random.nextLong();
        }
        while (spi == 0 || spiTaken.test(spi));
        return spi;
    }
}
