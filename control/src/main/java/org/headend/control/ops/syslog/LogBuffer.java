package org.headend.control.ops.syslog;

import java.util.ArrayDeque;
import java.util.List;

/**
 * The buffer {@code show logging} prints ({@code logging buffered}): the newest messages whose text fits in
 * {@code logging buffer-size} bytes; the oldest go first. Thread-safe.
 */
final class LogBuffer
{
    private final ArrayDeque<String> lines = new ArrayDeque<>();
    private int bytes;
    private int capacity;
    private long logged;

    LogBuffer(final int capacity)
    {
        this.capacity = capacity;
    }

    synchronized void add(final String line)
    {
        logged++;
        lines.addLast(line);
        bytes += line.length() + 1;
        trim();
    }

    synchronized void capacity(final int value)
    {
        capacity = value;
        trim();
    }

    synchronized List<String> lines()
    {
        return List.copyOf(lines);
    }

    /** Messages ever put in the buffer (the ASA's "N messages logged"). */
    synchronized long logged()
    {
        return logged;
    }

    synchronized void clear()
    {
        lines.clear();
        bytes = 0;
    }

    private void trim()
    {
        while (bytes > capacity && !lines.isEmpty())
        {
            bytes -= lines.removeFirst().length() + 1;
        }
    }
}
