package org.headend.nativecfg.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.headend.nativecfg.libc.Libc;
import org.junit.jupiter.api.Test;

/** A thread lowers its own priority without touching the others' (the kernel's view, from /proc). */
class ThreadNiceTest
{
    @Test
    void shouldLowerOnlyTheCallingThread() throws Exception
    {
        final int mine = nice(Libc.gettid());
        final CompletableFuture<int[]> other = new CompletableFuture<>();
        final Thread thread = Thread.ofPlatform().start(() ->
        {
            try
            {
                final String error = ThreadNice.setForCurrentThread(Math.min(19, mine + 5));
                other.complete(new int[] {error == null ? 0 : -1, nice(Libc.gettid())});
            }
            catch (final Exception ex)
            {
                other.completeExceptionally(ex);
            }
        });
        final int[] result = other.get(10, TimeUnit.SECONDS);
        thread.join();
        assertEquals(0, result[0]);
        assertEquals(Math.min(19, mine + 5), result[1], "the thread's own nice value");
        assertEquals(mine, nice(Libc.gettid()), "the calling thread of the test is untouched");
        assertNull(ThreadNice.setForCurrentThread(mine), "setting it to what it is always works");
    }

    /** Field 19 of /proc/self/task/TID/stat; the command name before it may hold spaces, so count after ')'. */
    private static int nice(final int tid) throws Exception
    {
        final String stat = Files.readString(Path.of("/proc/self/task/" + tid + "/stat"));
        final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(fields[16]);
    }
}
