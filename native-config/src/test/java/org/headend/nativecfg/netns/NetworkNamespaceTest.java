package org.headend.nativecfg.netns;

import org.headend.nativecfg.Commands;
import org.headend.nativecfg.NativeCallException;
import org.headend.nativecfg.TestNamespace;
import org.headend.nativecfg.libc.Libc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@Timeout(30)
class NetworkNamespaceTest
{
    private static final Path THREAD_NAMESPACE = Path.of("/proc/thread-self/ns/net");

    @Test
    void shouldRejectNameWhenItCouldLeaveRunNetns()
    {
        for (final String name : new String[]{ "", ".", "..", "../x", "a/b", "a b", "x\u0000" })
        {
            assertThrows(IllegalArgumentException.class, () -> NetworkNamespace.enterOnCurrentThread(name), name);
        }
    }

    @Test
    @SuppressWarnings("try") // closing from another thread on purpose, to see it refused
    void shouldMoveOnlyCallingThreadAndRestoreItWhenClosed() throws Exception
    {
        assumeTrue(Commands.canConfigureNetwork(), "needs root, /dev/net/tun and iproute2");
        final String before = Files.readSymbolicLink(THREAD_NAMESPACE).toString();
        final SynchronousQueue<String> bystanderAnswers = new SynchronousQueue<>();
        final CountDownLatch ask = new CountDownLatch(1);
        // Started before we enter: a thread created afterwards would inherit the namespace from its creator.
        final Thread bystander = Thread.ofPlatform().start(() ->
        {
            try
            {
                ask.await();
                bystanderAnswers.put(Files.readSymbolicLink(THREAD_NAMESPACE).toString());
            }
            catch (final Exception ex)
            {
                bystanderAnswers.offer(ex.toString());
            }
        });

        try (TestNamespace ns = TestNamespace.create("netns"))
        {
            try (NetworkNamespace inside = NetworkNamespace.enterOnCurrentThread(ns.name()))
            {
                assertEquals(ns.name(), inside.name());
                final long inode = (long)Files.getAttribute(Path.of("/run/netns/" + ns.name()), "unix:ino");
                assertEquals("net:[" + inode + "]", Files.readSymbolicLink(THREAD_NAMESPACE).toString());
                assertNotEquals(before, "net:[" + inode + "]");

                ask.countDown();
                assertEquals(before, bystanderAnswers.take(), "other threads stay where they were");

                final AtomicReference<Throwable> seen = new AtomicReference<>();
                final Thread leaver = Thread.ofPlatform().start(() ->
                {
                    try
                    {
                        inside.close();
                    }
                    catch (final RuntimeException ex)
                    {
                        seen.set(ex);
                    }
                });
                leaver.join();
                assertInstanceOf(IllegalStateException.class, seen.get(), "only the entering thread may leave");
            }
            assertEquals(before, Files.readSymbolicLink(THREAD_NAMESPACE).toString());
        }
        finally
        {
            ask.countDown();
            bystander.join();
        }
    }

    @Test
    void shouldThrowNamingPathWhenNamespaceDoesNotExist()
    {
        assumeTrue(Commands.canConfigureNetwork(), "needs root, /dev/net/tun and iproute2");
        final NativeCallException ex = assertThrows(
            NativeCallException.class, () -> NetworkNamespace.enterOnCurrentThread("hdnc-absent-namespace"));
        assertEquals(Libc.ENOENT, ex.errno());
        assertTrue(ex.getMessage().contains("/run/netns/hdnc-absent-namespace"), ex.getMessage());
    }

    @Test
    void shouldRefuseWhenCalledOnVirtualThread() throws Exception
    {
        final AtomicReference<Throwable> seen = new AtomicReference<>();
        Thread.ofVirtual().start(() ->
        {
            try
            {
                NetworkNamespace.enterOnCurrentThread("hdnc-any").close();
            }
            catch (final RuntimeException ex)
            {
                seen.set(ex);
            }
        }).join();
        assertInstanceOf(IllegalStateException.class, seen.get());
    }
}
