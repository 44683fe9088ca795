package org.headend.dataplane.esp;

import java.security.SecureRandom;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The inbound SPIs of one ESP port in use or promised to an IKE negotiation: random (an SPI is no secret, but a
 * guessable one tells an observer how many SAs exist), never 0 to 255 (RFC 4303 §2.1), never two alike. Thread-safe:
 * control reserves, the event loop releases.
 */
final class SpiRegistry
{
    private final SecureRandom random = new SecureRandom();
    private final Set<Integer> taken = ConcurrentHashMap.newKeySet();

    int reserve()
    {
        while (true)
        {
            final int spi = random.nextInt();
            if ((spi & 0xFFFF_FF00) != 0 && taken.add(spi))
            {
                return spi;
            }
        }
    }

    /** Marks {@code spi} taken; false if it already was. */
    boolean claim(final int spi)
    {
        return taken.add(spi);
    }

    void release(final int spi)
    {
        taken.remove(spi);
    }
}
