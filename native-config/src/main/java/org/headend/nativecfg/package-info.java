/**
 * Everything of the headend that needs root or CAP_NET_ADMIN, through the Foreign Function and Memory API: no JNI,
 * no {@code sun.misc.Unsafe}, no shelling out. Depends on nothing but the JDK.
 * <p>
 * Who may use what:
 * <pre>
 * class                    thread                                          allocates per call
 * TunDevice                control thread: open, setMtu, setUp, close       yes (configuration path)
 * TunQueue.read            one reader thread per queue                     no
 * TunQueue.write           one writer thread per queue (may differ)        no
 * EventFd.signal           any thread                                      no
 * EventFd.drain            the consumer thread                             no
 * Poller.poll/isReadable   the owner thread                                no
 * Rtnetlink                one control thread at a time                    yes
 * NetworkNamespace         the thread that entered; platform threads only  yes
 * Sysctl                   any thread                                      yes
 * </pre>
 * Failures on configuration paths throw {@link org.headend.nativecfg.NativeCallException} naming the call and the
 * kernel's errno text; the packet path ({@code TunQueue}, {@code EventFd}, {@code Poller}) returns negative codes.
 * <p>
 * Objects that hold a kernel object (TUN device, eventfd, netlink socket, namespace stay) are closed by their owner
 * after every thread using them has stopped: a closed fd number is reused by the process at once, and a late call
 * would act on whatever now holds it.
 * <p>
 * Devices, sockets and /proc/sys writes act in the network namespace of the thread that created or made them;
 * {@link org.headend.nativecfg.netns.NetworkNamespace} moves one thread into another namespace for that.
 * <p>
 * {@code org.headend.nativecfg.libc} is internal to this module: it is the only place that sees libc memory, and
 * no public type elsewhere takes or returns a {@link java.lang.foreign.MemorySegment}.
 */
package org.headend.nativecfg;
