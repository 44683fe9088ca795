package org.headend.control.cli;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** The CLI sessions open now, for {@code show ssh sessions}. Thread-safe. */
public final class Operators
{
    private final AtomicInteger nextId = new AtomicInteger();
    private final List<Entry> open = new CopyOnWriteArrayList<>();

    /**
     * One open session.
     *
     * @param id      a number, 0, 1, … in opening order
     * @param user    who
     * @param from    the client address, or {@code console}
     * @param ssh     whether it came in by SSH
     * @param since   when it opened
     */
    public record Entry(int id, String user, String from, boolean ssh, Instant since)
    {
    }

    public Entry open(final String user, final String from, final boolean ssh, final Instant now)
    {
        final Entry entry = new Entry(nextId.getAndIncrement(), user, from, ssh, now);
        open.add(entry);
        return entry;
    }

    public void close(final Entry entry)
    {
        open.remove(entry);
    }

    public List<Entry> list()
    {
        return new ArrayList<>(open);
    }
}
