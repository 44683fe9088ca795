package org.headend.nativecfg.sched;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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
