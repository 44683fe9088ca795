package org.headend.control.auth.saml;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The IDs of assertions already used, each kept until the assertion would have expired anyway: a bearer assertion
 * captured on its way (a browser history, a proxy log) opens nothing a second time. Bounded: when full, a new
 * assertion is refused rather than an old ID forgotten, so flooding it cannot reopen a replay window. Thread-safe.
 */
public final class ReplayCache
{
    private final int capacity;
    private final Map<String, Instant> used = new HashMap<>();
    private final PriorityQueue<Map.Entry<String, Instant>> byExpiry =
        new PriorityQueue<>(Map.Entry.comparingByValue());

    public ReplayCache(final int capacity)
    {
        this.capacity = capacity;
    }

    /**
     * Records the first use of {@code id}.
     *
     * @return true when it was not used before (and there was room to remember it)
     */
    public synchronized boolean firstUse(final String id, final Instant expires, final Instant now)
    {
        while (!byExpiry.isEmpty() && !byExpiry.peek().getValue().isAfter(now))
        {
            used.remove(byExpiry.poll().getKey());
        }
        if (used.containsKey(id) || used.size() >= capacity)
        {
            return false;
        }
        used.put(id, expires);
        byExpiry.add(Map.entry(id, expires));
        return true;
    }
}
