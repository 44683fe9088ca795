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

    @Test
    void shouldLowerTheThreadsOfAGivenNameAndNoOther() throws Exception
    {
        final int mine = nice(Libc.gettid());
        final int lower = Math.min(19, mine + 3);
        final CompletableFuture<Integer> named = new CompletableFuture<>();
        final CompletableFuture<Integer> other = new CompletableFuture<>();
        final java.util.concurrent.CountDownLatch swept = new java.util.concurrent.CountDownLatch(1);
        final Thread a = Thread.ofPlatform().name("nice-me-please").start(() -> reportAfter(swept, named));
        final Thread b = Thread.ofPlatform().name("leave-me-alone").start(() -> reportAfter(swept, other));
        // both running (their kernel names set), waiting for the sweep
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((a.getState() != Thread.State.WAITING || b.getState() != Thread.State.WAITING)
            && System.nanoTime() < deadline)
        {
            Thread.sleep(5);
        }
        assertEquals(1, ThreadNice.lowerThreads(name -> name.startsWith("nice-me-"), lower));
        assertEquals(0, ThreadNice.lowerThreads(name -> name.startsWith("nice-me-"), lower), "already there");
        swept.countDown();
        assertEquals(lower, named.get(10, TimeUnit.SECONDS), "the thread of that name, as the kernel sees it");
        assertEquals(mine, other.get(10, TimeUnit.SECONDS), "another thread is untouched");
        assertEquals(mine, nice(Libc.gettid()), "and so is the caller");
        a.join();
        b.join();
    }

    private static void reportAfter(final java.util.concurrent.CountDownLatch swept,
        final CompletableFuture<Integer> result)
    {
        try
        {
            swept.await();
            result.complete(nice(Libc.gettid()));
        }
        catch (final Exception ex)
        {
            result.completeExceptionally(ex);
        }
    }

    /** Field 19 of /proc/self/task/TID/stat; the command name before it may hold spaces, so count after ')'. */
    private static int nice(final int tid) throws Exception
    {
        final String stat = Files.readString(Path.of("/proc/self/task/" + tid + "/stat"));
        final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(fields[16]);
    }
}
