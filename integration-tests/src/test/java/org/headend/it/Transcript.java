package org.headend.it;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Everything one stream of a process printed, kept whole so tests can wait for text that has no newline yet
 * (the console prompt). Writers append from a reader thread; waiters block on the monitor.
 */
public final class Transcript
{
    private final String name;
    private final StringBuilder text = new StringBuilder();
    private boolean closed;

    public Transcript(final String name)
    {
        this.name = name;
    }

    public String name()
    {
        return name;
    }

    synchronized void append(final CharSequence chunk)
    {
        for (int i = 0; i < chunk.length(); i++)
        {
            final char c = chunk.charAt(i);
            if (c != '\r')
            {
                text.append(c);
            }
        }
        notifyAll();
    }

    synchronized void close()
    {
        closed = true;
        notifyAll();
    }

    public synchronized boolean isClosed()
    {
        return closed;
    }

    /** Waits until the stream has ended (the reader saw EOF); false on timeout. */
    public boolean awaitClosed(final Duration timeout)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this)
        {
            while (!closed)
            {
                final long leftMs = (deadline - System.nanoTime()) / 1_000_000;
                if (leftMs <= 0)
                {
                    return false;
                }
                waitQuietly(Math.min(leftMs, 200));
            }
            return true;
        }
    }

    /** Current length: pass it to the wait methods to look only at what comes later. */
    public synchronized int mark()
    {
        return text.length();
    }

    public synchronized String text()
    {
        return text.toString();
    }

    public synchronized String textFrom(final int mark)
    {
        return text.substring(Math.min(mark, text.length()));
    }

    /** First match of regex (MULTILINE) at or after mark, or null. */
    public synchronized Matcher find(final String regex, final int mark)
    {
        final Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(text);
        return m.find(Math.min(mark, text.length())) ? m : null;
    }

    /**
     * Waits until regex (MULTILINE) matches the text written at or after mark. Returns the match, or null on
     * timeout or when the stream closed without a match.
     */
    public Matcher await(final String regex, final int mark, final Duration timeout)
    {
        final Pattern pattern = Pattern.compile(regex, Pattern.MULTILINE);
        final long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this)
        {
            while (true)
            {
                final Matcher m = pattern.matcher(text);
                if (m.find(Math.min(mark, text.length())))
                {
                    return m;
                }
                final long leftMs = (deadline - System.nanoTime()) / 1_000_000;
                if (closed || leftMs <= 0)
                {
                    return null;
                }
                waitQuietly(Math.min(leftMs, 200));
            }
        }
    }

    /** Waits until the text written at or after mark satisfies the condition. */
    public boolean awaitText(final Predicate<String> condition, final int mark, final Duration timeout)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this)
        {
            while (true)
            {
                if (condition.test(text.substring(Math.min(mark, text.length()))))
                {
                    return true;
                }
                final long leftMs = (deadline - System.nanoTime()) / 1_000_000;
                if (closed || leftMs <= 0)
                {
                    return false;
                }
                waitQuietly(Math.min(leftMs, 200));
            }
        }
    }

    /** The last lines, for failure reports. */
    public synchronized String tail(final int maxLines)
    {
        int index = text.length();
        int lines = 0;
        while (index > 0 && lines <= maxLines)
        {
            index = text.lastIndexOf("\n", index - 1);
            if (index < 0)
            {
                index = 0;
                break;
            }
            lines++;
        }
        final String prefix = index > 0 ? "[… earlier output cut …]\n" : "";
        return prefix + text.substring(index == 0 ? 0 : index + 1);
    }

    private void waitQuietly(final long ms)
    {
        try
        {
            wait(ms);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", ex);
        }
    }
}
