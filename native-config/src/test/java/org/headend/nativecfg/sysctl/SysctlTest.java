package org.headend.nativecfg.sysctl;

import org.headend.nativecfg.Commands;
import org.headend.nativecfg.TestNamespace;
import org.headend.nativecfg.netns.NetworkNamespace;
import org.headend.nativecfg.tun.TunDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.UncheckedIOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@Timeout(30)
class SysctlTest
{
    @Test
    void shouldMapDotsToPathComponentsWhenKeyIsValid()
    {
        assertEquals(Path.of("/proc/sys/net/ipv4/ip_forward"), Sysctl.path("net.ipv4.ip_forward"));
        assertEquals(Path.of("/proc/sys/net/ipv4/conf/tun-0/rp_filter"), Sysctl.path("net.ipv4.conf.tun-0.rp_filter"));
    }

    @Test
    void shouldRejectKeyWhenItCouldLeaveProcSys()
    {
        for (final String key : new String[]{
            "", ".", "..", "net..ipv4", "../etc/passwd", "net/ipv4/ip_forward", ".net.ipv4", "net.ipv4.",
            "Net.ipv4.ip_forward", "net.ipv4.ip forward", "net.ipv4.ip_forward\n" })
        {
            assertThrows(IllegalArgumentException.class, () -> Sysctl.set(key, "1"), key);
        }
        assertThrows(IllegalArgumentException.class, () -> Sysctl.set("net.ipv4.ip_forward", "1\n0"));
    }

    @Test
    void shouldChangeNamespaceSettingWhenSetFromThreadInsideIt()
    {
        assumeTrue(Commands.canConfigureNetwork(), "needs root, /dev/net/tun and iproute2");
        final String key = "net.ipv4.conf.hdtun0.rp_filter";
        try (TestNamespace ns = TestNamespace.create("sysctl");
            NetworkNamespace _ = ns.enter();
            TunDevice _ = TunDevice.open("hdtun0", 1))
        {
            // A per-device key of a device that exists only in the test namespace: outside it the write must fail.
            Sysctl.set(key, "2");
            assertEquals("2", Sysctl.get(key));
            assertEquals("2", ns.exec("cat", "/proc/sys/net/ipv4/conf/hdtun0/rp_filter").output().strip());
            Sysctl.set(key, "0");
            assertEquals("0", ns.exec("cat", "/proc/sys/net/ipv4/conf/hdtun0/rp_filter").output().strip());
            assertThrows(UncheckedIOException.class, () -> Sysctl.set("net.ipv4.conf.hdtun0.no_such_key", "1"));
        }
    }
}
