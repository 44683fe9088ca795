package org.headend.nativecfg.netns;

import org.headend.nativecfg.NativeCallException;
import org.headend.nativecfg.libc.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The calling thread's stay in a named network namespace (one created by {@code ip netns add NAME}, i.e. bind
 * mounted at {@code /run/netns/NAME}); closing it moves the thread back to where it was.
 * <p>
 * Only the calling thread moves: the rest of the JVM stays put. Sockets, TUN devices and rtnetlink sockets
 * created while inside belong to the namespace for their whole life, so a thread can enter, create them and leave.
 * <p>
 * Threading: {@link #close()} must run on the thread that entered, and virtual threads are refused because their
 * carrier thread, which is what actually moves, changes under them.
 */
public final class NetworkNamespace implements AutoCloseable
{
    private static final String NAMED_NAMESPACES = "/run/netns/";
    private static final String CURRENT_THREAD_NAMESPACE = "/proc/thread-self/ns/net";
    private static final int MAX_NAME_LENGTH = 255;

    private final String name;
    private final Thread owner;
    private int previousNamespaceFd;

    private NetworkNamespace(final String name, final Thread owner, final int previousNamespaceFd)
    {
        this.name = name;
        this.owner = owner;
        this.previousNamespaceFd = previousNamespaceFd;
    }

    /**
     * Move the calling thread into the named network namespace.
     *
     * @param name namespace name as given to {@code ip netns add}: letters, digits, '_', '.', '-'.
     * @return the stay; close it on the same thread to return.
     * @throws NativeCallException      if the namespace does not exist or setns(2) fails (needs CAP_SYS_ADMIN).
     * @throws IllegalArgumentException if the name could escape /run/netns.
     * @throws IllegalStateException    on a virtual thread.
     */
    public static NetworkNamespace enterOnCurrentThread(final String name)
    {
        checkName(name);
        final Thread thread = Thread.currentThread();
        if (thread.isVirtual())
        {
            throw new IllegalStateException("setns moves the carrier thread, not the virtual thread " + thread);
        }

        final int previous = Libc.open(CURRENT_THREAD_NAMESPACE, Libc.O_RDONLY | Libc.O_CLOEXEC);
        int target = -1;
        try (Arena arena = Arena.ofConfined())
        {
            target = Libc.open(NAMED_NAMESPACES + name, Libc.O_RDONLY | Libc.O_CLOEXEC);
            final MemorySegment capture = Libc.allocateCapture(arena);
            Libc.check(
                Libc.setns(capture, target, Libc.CLONE_NEWNET), capture, "setns(" + NAMED_NAMESPACES + name + ")");
            return new NetworkNamespace(name, thread, previous);
        }
        catch (final RuntimeException ex)
        {
            Libc.close(previous);
            throw ex;
        }
        finally
        {
            // The thread holds a reference to the namespace now; the fd is no longer needed.
            Libc.close(target);
        }
    }

    /**
     * @return the namespace name.
     */
    public String name()
    {
        return name;
    }

    /**
     * Move the thread back to the namespace it was in before. Idempotent.
     *
     * @throws IllegalStateException if called from another thread.
     * @throws NativeCallException   if setns(2) fails; the thread is then still inside and must not be reused.
     */
    public void close()
    {
        if (previousNamespaceFd < 0)
        {
            return;
        }
        if (Thread.currentThread() != owner)
        {
            throw new IllegalStateException(
                "leave network namespace " + name + " on " + owner + ", the thread that entered");
        }
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment capture = Libc.allocateCapture(arena);
            Libc.check(
                Libc.setns(capture, previousNamespaceFd, Libc.CLONE_NEWNET), capture, "setns(back from " + name + ")");
        }
        finally
        {
            Libc.close(previousNamespaceFd);
            previousNamespaceFd = -1;
        }
    }

    private static void checkName(final String name)
    {
        if (name == null || name.isEmpty() || name.length() > MAX_NAME_LENGTH || ".".equals(name) || "..".equals(name))
        {
            throw new IllegalArgumentException("invalid network namespace name: " + name);
        }
        for (int i = 0; i < name.length(); i++)
        {
            final char c = name.charAt(i);
            final boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '_' || c == '.' || c == '-';
            if (!allowed)
            {
                throw new IllegalArgumentException("invalid network namespace name: " + name);
            }
        }
    }
}
