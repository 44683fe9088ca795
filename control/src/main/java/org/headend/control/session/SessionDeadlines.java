package org.headend.control.session;

import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.IntConsumer;

/**
 * When each session next needs a look from the sweep (a timer may run out, its traffic counters want a sample, its
 * last activity wants saving), ordered by that time: a sweep visits the sessions that are due and no others, so its
 * cost follows the sessions whose time came, not every session there is. One time per session: arming it again
 * replaces the earlier time (the replaced heap entry stays behind, is skipped when it surfaces, and the heap is
 * rebuilt when such entries outnumber the live ones). Times are {@link System#nanoTime}-style and compared by their
 * difference, so the clock may wrap. Control thread only.
 */
final class SessionDeadlines
{
    private record Entry(long due, int index)
    {
    }

    private final PriorityQueue<Entry> heap = new PriorityQueue<>((a, b) -> Long.signum(a.due - b.due));
    /** Per session, its one current time: heap entries that disagree with it are stale. */
    private final Map<Integer, Long> armed = new HashMap<>();

    /** Session {@code index} is next due at {@code due}, instead of any time it had. */
    void arm(final int index, final long due)
    {
        armed.put(index, due);
        heap.add(new Entry(due, index));
        if (heap.size() > 2 * armed.size() + 64)
        {
            compact();
        }
    }

    /** Session {@code index} needs no more looks (it ended). */
    void cancel(final int index)
    {
        armed.remove(index);
    }

    /** Sessions armed now. */
    int size()
    {
        return armed.size();
    }

    /**
     * Hands each session due at {@code now} to {@code visit}, earliest first, disarmed: the visit arms it again if
     * it is to be looked at later. One call takes at most as many entries as the heap held when it began, so it
     * ends even if a visit arms a time already passed.
     */
    void drainDue(final long now, final IntConsumer visit)
    {
        final int limit = heap.size();
        for (int taken = 0; taken < limit && !heap.isEmpty() && heap.peek().due - now <= 0; taken++)
        {
            final Entry entry = heap.poll();
            final Long current = armed.get(entry.index);
            if (current != null && current == entry.due)
            {
                armed.remove(entry.index);
                visit.accept(entry.index);
            }
        }
    }

    private void compact()
    {
        heap.clear();
        for (final Map.Entry<Integer, Long> e : armed.entrySet())
        {
            heap.add(new Entry(e.getValue(), e.getKey()));
        }
    }
}
