package org.headend.control.portal;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.function.LongSupplier;
import org.headend.control.auth.LoginContexts;
import org.headend.control.auth.PendingStep;

/**
 * Portal logins waiting for the answer to a server's question, by a random id the challenge page carries. An id is
 * good for one answer, from the address that logged in, within {@link LoginContexts#TIMEOUT_NANOS}; at most
 * {@link #MAX_PENDING} wait (the oldest is forgotten beyond that: its user logs in again). Control thread only.
 */
final class PortalChallenges
{
    static final int MAX_PENDING = 10_000;

    private final LongSupplier nanoClock;
    private final SecureRandom random = new SecureRandom();
    private final LinkedHashMap<String, Waiting> waiting = new LinkedHashMap<>();

    private record Waiting(PendingStep step, String address, long sinceNanos)
    {
    }

    PortalChallenges(final LongSupplier nanoClock)
    {
        this.nanoClock = nanoClock;
    }

    /** Keeps {@code step} for one answer from {@code address}; returns its id (128 random bits, hex). */
    String hold(final PendingStep step, final String address)
    {
        final long now = nanoClock.getAsLong();
        expire(now);
        while (waiting.size() >= MAX_PENDING)
        {
            final Iterator<Waiting> oldest = waiting.values().iterator();
            oldest.next();
            oldest.remove();
        }
        final byte[] id = new byte[16];
        random.nextBytes(id);
        final String key = HexFormat.of().formatHex(id);
        waiting.put(key, new Waiting(step, address, now));
        return key;
    }

    /** The step waiting under {@code id} for {@code address}, forgotten from now on; null when none. */
    PendingStep take(final String id, final String address)
    {
        expire(nanoClock.getAsLong());
        final Waiting found = waiting.remove(id);
        return found == null || !found.address().equals(address) ? null : found.step();
    }

    int size()
    {
        return waiting.size();
    }

    private void expire(final long now)
    {
        final Iterator<Waiting> it = waiting.values().iterator();
        while (it.hasNext() && now - it.next().sinceNanos() >= LoginContexts.TIMEOUT_NANOS)
        {
            it.remove();
        }
    }
}
