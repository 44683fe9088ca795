package org.headend.nativecfg.sched;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;
import org.headend.nativecfg.libc.Libc;

/**
 * The nice value of the calling thread alone (Linux keeps one per thread). Raising it (a lower priority) needs no
 * privilege; the scheduler then gives the thread a smaller share of a busy CPU than the threads at 0.
 */
public final class ThreadNice
{
    private ThreadNice()
    {
    }

    /**
     * Raises to {@code nice} the nice value of every thread of this process whose kernel name (comm: the first 15
     * characters of the Java thread's name) {@code lower} accepts, and whose nice value is below it: also threads
     * this code did not start (the JVM's own, a library's pools). A thread started afterwards inherits the nice
     * value of the thread that started it.
     *
     * @return how many threads were lowered
     */
    public static int lowerThreads(final Predicate<String> lower, final int nice)
    {
        int lowered = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"));
            Arena arena = Arena.ofConfined())
        {
            final MemorySegment capture = Libc.allocateCapture(arena);
            for (final Path task : tasks)
            {
                try
                {
                    if (lower.test(Files.readString(task.resolve("comm")).strip()) && niceOf(task) < nice
                        && Libc.setThreadNice(capture, Integer.parseInt(task.getFileName().toString()), nice) == 0)
                    {
                        lowered++;
                    }
                }
                catch (final IOException | NumberFormatException ex)
                {
                    // the thread ended meanwhile
                }
            }
        }
        catch (final IOException ex)
        {
            // no /proc: every thread keeps its priority
        }
        return lowered;
    }

    /** A task's nice value: field 19 of its stat, counted after the ')' that ends its name (which may hold spaces). */
    static int niceOf(final Path task) throws IOException
    {
        final String stat = Files.readString(task.resolve("stat"));
        return Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]);
    }

    /**
     * Sets the calling thread's nice value.
     *
     * @return null when done, else why not (the thread keeps its priority)
     */
    public static String setForCurrentThread(final int nice)
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment capture = Libc.allocateCapture(arena);
            if (Libc.setThreadNice(capture, Libc.gettid(), nice) != 0)
            {
                return Libc.strerror(Libc.errno(capture));
            }
            return null;
        }
    }
}
