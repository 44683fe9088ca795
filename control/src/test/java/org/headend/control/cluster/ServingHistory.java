package org.headend.control.cluster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the members of a test cluster did, in real-time order, and the checker over it (Jepsen style): an address is
 * never granted to two sessions, and a session is never served by two members at once. "Served" means the member
 * would forward for it: from the moment the member's control thread took it in (address claimed, or session taken
 * over) to the moment its control thread dropped it (taken over elsewhere, logged off, or fenced).
 */
final class ServingHistory
{
    /** One step of one member. */
    record Event(long nanos, String member, String kind, String session, String address)
    {
        @Override
        public String toString()
        {
            return String.format("%+.3fs %s %s %s %s", nanos / 1e9, member, kind, session, address == null ? ""
                : address);
        }
    }

    private final long origin = System.nanoTime();
    private final List<Event> events = new ArrayList<>();

    /** {@code member}'s claim of {@code address} for {@code session} succeeded in the cluster. */
    synchronized void granted(final String member, final String session, final String address)
    {
        events.add(new Event(System.nanoTime() - origin, member, "granted", session, address));
    }

    /** {@code member} now forwards for {@code session}, which holds {@code address}. */
    synchronized void serving(final String member, final String session, final String address)
    {
        events.add(new Event(System.nanoTime() - origin, member, "serving", session, address));
    }

    /** {@code member} no longer forwards for {@code session}. */
    synchronized void dropped(final String member, final String session, final String why)
    {
        events.add(new Event(System.nanoTime() - origin, member, "dropped", session, why));
    }

    /** A free-form mark (the nemesis: cut, heal), for the report. */
    synchronized void mark(final String what)
    {
        events.add(new Event(System.nanoTime() - origin, "-", what, "", null));
    }

    synchronized List<Event> events()
    {
        return List.copyOf(events);
    }

    /** Every violation found, each with the events that show it; empty when the history is safe. */
    synchronized List<String> violations()
    {
        final List<String> found = new ArrayList<>();
        final Map<String, String> grantedTo = new HashMap<>();
        final Map<String, Event> servedBy = new HashMap<>();
        for (final Event e : events)
        {
            switch (e.kind())
            {
                case "granted" ->
                {
                    final String holder = grantedTo.putIfAbsent(e.address(), e.session());
                    if (holder != null && !holder.equals(e.session()))
                    {
                        found.add("address " + e.address() + " granted to " + e.session() + " while " + holder
                            + " held it: " + e);
                    }
                }
                case "serving" ->
                {
                    final Event before = servedBy.get(e.session());
                    if (before != null && !before.member().equals(e.member()))
                    {
                        found.add("session " + e.session() + " served by two members: " + before + " / " + e);
                    }
                    final String holder = grantedTo.get(e.address());
                    if (holder != null && !holder.equals(e.session()))
                    {
                        found.add("session " + e.session() + " forwards with " + holder + "'s address: " + e);
                    }
                    servedBy.put(e.session(), e);
                }
                case "dropped" -> servedBy.computeIfPresent(e.session(), (s, was) -> was.member().equals(e.member())
                    ? null : was);
                default ->
                {
                    // marks
                }
            }
        }
        return found;
    }
}
