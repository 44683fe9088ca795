package org.headend.control.auth.saml;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * The AuthnRequests we sent and not yet saw answered, by request ID: a response is accepted only as the answer to
 * one of them ({@code InResponseTo}), once, within {@link #LIFETIME}. Bounded: beyond {@code capacity} the oldest
 * request is forgotten (its user starts again). Thread-safe.
 *
 * @param <T> what the login needs back when the answer comes (the AnyConnect login context, or the portal)
 */
public final class PendingRequests<T>
{
    /** How long an IdP login may take, from our redirect to its POST back. */
    public static final Duration LIFETIME = Duration.ofMinutes(5);

    private record Pending<T>(T login, String relayState, Instant sent)
    {
    }

    private final int capacity;
    private final LinkedHashMap<String, Pending<T>> pending = new LinkedHashMap<>();

    public PendingRequests(final int capacity)
    {
        this.capacity = capacity;
    }

    public synchronized void add(final String requestId, final String relayState, final T login, final Instant now)
    {
        expire(now);
        while (pending.size() >= capacity)
        {
            final Iterator<String> oldest = pending.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        pending.put(requestId, new Pending<>(login, relayState, now));
    }

    /** The login waiting for {@code requestId}, left in place (the response is not checked yet); null when none. */
    public synchronized T peek(final String requestId, final String relayState, final Instant now)
    {
        expire(now);
        final Pending<T> found = requestId == null ? null : pending.get(requestId);
        return found == null || !found.relayState().equals(relayState) ? null : found.login();
    }

    /** Removes the request once a response to it was accepted; false when another response took it first. */
    public synchronized boolean take(final String requestId)
    {
        return pending.remove(requestId) != null;
    }

    public synchronized int size()
    {
        return pending.size();
    }

    private void expire(final Instant now)
    {
        final Iterator<Pending<T>> it = pending.values().iterator();
        while (it.hasNext() && !it.next().sent().plus(LIFETIME).isAfter(now))
        {
            it.remove();
        }
    }
}
