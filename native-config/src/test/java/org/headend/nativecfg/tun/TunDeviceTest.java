package org.headend.nativecfg.tun;

import org.headend.nativecfg.Commands;
import org.headend.nativecfg.NativeCallException;
import org.headend.nativecfg.TestNamespace;
import org.headend.nativecfg.libc.Libc;
import org.headend.nativecfg.netns.NetworkNamespace;
import org.headend.nativecfg.sysctl.Sysctl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@Timeout(60)
class TunDeviceTest
{
    private static final String TUN = "hdtun0";

    @Test
    void shouldRejectNameWhenKernelWouldRefuseIt()
    {
        for (final String name : new String[]{ "", "sixteen-chars-xx", "a/b", "a b", "a:b", ".", "..", "tün0" })
        {
            assertThrows(IllegalArgumentException.class, () -> TunDevice.open(name, 1), name);
        }
        assertThrows(IllegalArgumentException.class, () -> TunDevice.open(TUN, 0));
    }

    @Test
    void shouldOpenOneFdPerQueueAndRemoveDeviceWhenClosed()
    {
        assumeTrue(Commands.canConfigureNetwork(), "needs root, /dev/net/tun and iproute2");
        try (TestNamespace ns = TestNamespace.create("tun");
            NetworkNamespace _ = ns.enter())
        {
            final TunDevice tun = TunDevice.open("hdt%d", 3);
            try
            {
                assertEquals("hdt0", tun.name());
                assertEquals(3, tun.queueCount());
                assertNotEquals(tun.queue(0).fd(), tun.queue(1).fd());
                assertNotEquals(tun.queue(1).fd(), tun.queue(2).fd());
                assertEquals(2, tun.queue(2).index());
                assertTrue(ns.ip("-d", "link", "show", "dev", "hdt0").contains("multi_queue"));
            }
            finally
            {
                tun.close();
            }
            assertEquals(-1, tun.queue(0).fd());
            assertTrue(ns.tryIp("link", "show", "dev", "hdt0").exitCode() != 0, "device should be gone");
            tun.close();
        }
    }

    @Test
    void shouldRefuseToAttachWhenDeviceAlreadyExists()
    {
        assumeTrue(Commands.canConfigureNetwork(), "needs root, /dev/net/tun and iproute2");
        try (TestNamespace ns = TestNamespace.create("exists");
            NetworkNamespace _ = ns.enter();
            TunDevice tun = TunDevice.open(TUN, 1))
        {
            final NativeCallException ex = assertThrows(NativeCallException.class, () -> TunDevice.open(TUN, 1));
            assertEquals(Libc.EEXIST, ex.errno());
            assertEquals(1, tun.queueCount());
        }
    }

    @Test
    void shouldReturnCodesWhenNothingToReadOrPacketIsNotIp()
    {
        assumeTrue(Commands.canConfigureNetwork(), "needs root, /dev/net/tun and iproute2");
        try (TestNamespace ns = TestNamespace.create("codes");
            NetworkNamespace _ = ns.enter();
            TunDevice tun = TunDevice.open(TUN, 1))
        {
            // Without IPv6 housekeeping and without addresses, nothing is sent into this TUN.
            Sysctl.set("net.ipv6.conf." + TUN + ".disable_ipv6", "1");
            tun.setUp();
            final TunQueue queue = tun.queue(0);
            final ByteBuffer buffer = ByteBuffer.allocateDirect(2048);
            assertEquals(TunQueue.WOULD_BLOCK, queue.read(buffer, 0, 2048));

            buffer.put(0, new byte[40]);
            assertEquals(TunQueue.ERROR, queue.write(buffer, 0, 40), "version nibble 0 is neither IPv4 nor IPv6");
            assertEquals(Libc.EINVAL, queue.lastWriteErrno());
        }
    }

    @Test
    void shouldRejectBufferWhenNotDirectOrRangeOutside()
    {
        assumeTrue(Commands.canConfigureNetwork(), "needs root, /dev/net/tun and iproute2");
        try (TestNamespace ns = TestNamespace.create("bufs");
            NetworkNamespace _ = ns.enter();
            TunDevice tun = TunDevice.open(TUN, 1))
        {
            final TunQueue queue = tun.queue(0);
            final ByteBuffer direct = ByteBuffer.allocateDirect(64);
            assertThrows(IllegalArgumentException.class, () -> queue.read(ByteBuffer.allocate(64), 0, 64));
            assertThrows(IllegalArgumentException.class, () -> queue.write(ByteBuffer.allocate(64), 0, 64));
            assertThrows(IllegalArgumentException.class, () -> queue.read(direct.asReadOnlyBuffer(), 0, 64));
            assertThrows(IndexOutOfBoundsException.class, () -> queue.read(direct, 1, 64));
            assertThrows(IndexOutOfBoundsException.class, () -> queue.write(direct, -1, 8));

            // Offsets are absolute: a buffer's position must not shift where the packet goes.
            direct.position(10);
            assertEquals(TunQueue.WOULD_BLOCK, queue.read(direct, 0, 64));
            assertEquals(10, direct.position());
        }
    }
}
