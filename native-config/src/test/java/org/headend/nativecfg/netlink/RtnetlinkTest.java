package org.headend.nativecfg.netlink;

import org.headend.nativecfg.Commands;
import org.headend.nativecfg.NativeCallException;
import org.headend.nativecfg.TestNamespace;
import org.headend.nativecfg.libc.Libc;
import org.headend.nativecfg.netns.NetworkNamespace;
import org.headend.nativecfg.tun.TunDevice;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@Timeout(60)
class RtnetlinkTest
{
    private static final String TUN = "hdtun0";

    @BeforeEach
    void requireNetworkPrivileges()
    {
        assumeTrue(Commands.canConfigureNetwork(), "needs root, /dev/net/tun and iproute2");
    }

    @Test
    @SuppressWarnings("try") // the TUN is closed early on purpose, to see the device go
    void shouldAddAndDeleteAddressesAndRoutesWhenInsideNamespace() throws Exception
    {
        final InetAddress v4 = InetAddress.getByName("10.98.0.1");
        final InetAddress v6 = InetAddress.getByName("fd00:98::1");
        final InetAddress v4Net = InetAddress.getByName("10.97.0.0");
        final InetAddress v6Net = InetAddress.getByName("fd00:97::");

        try (TestNamespace ns = TestNamespace.create("rtnl");
            NetworkNamespace _ = ns.enter();
            TunDevice tun = TunDevice.open(TUN, 2);
            Rtnetlink rtnl = Rtnetlink.open())
        {
            tun.setMtu(1400);
            tun.setUp();
            final String link = ns.ip("-d", "link", "show", "dev", TUN);
            assertTrue(link.contains("mtu 1400"), link);
            assertTrue(link.contains(",UP"), link);
            assertTrue(link.contains("multi_queue"), link);
            assertTrue(rtnl.linkIndex(TUN) > 0);

            rtnl.addAddress(TUN, v4, 24);
            rtnl.addAddress(TUN, v6, 64);
            assertTrue(rtnl.addresses(TUN).containsAll(List.of(new AddressEntry(v4, 24), new AddressEntry(v6, 64))));
            final String addresses = ns.ip("addr", "show", "dev", TUN);
            assertTrue(addresses.contains("inet 10.98.0.1/24 "), addresses);
            assertTrue(addresses.contains("inet6 fd00:98::1/64 "), addresses);

            rtnl.addRoute(v4Net, 16, TUN, v4);
            rtnl.addRoute(v6Net, 48, TUN, null);
            // Replace semantics: installing the same route again, now without a source, is not an error.
            rtnl.addRoute(v4Net, 16, TUN, null);
            rtnl.addRoute(v4Net, 16, TUN, v4);
            final String routes4 = ns.ip("-4", "route", "show", "10.97.0.0/16");
            assertEquals(1, routes4.lines().count(), routes4);
            assertTrue(routes4.contains("10.97.0.0/16 dev " + TUN), routes4);
            assertTrue(routes4.contains("proto static"), routes4);
            assertTrue(routes4.contains("src 10.98.0.1"), routes4);
            final String routes6 = ns.ip("-6", "route", "show", "fd00:97::/48");
            assertTrue(routes6.contains("fd00:97::/48 dev " + TUN), routes6);

            rtnl.deleteRoute(v4Net, 16, TUN);
            rtnl.deleteRoute(v6Net, 48, TUN);
            assertEquals("", ns.ip("-4", "route", "show", "10.97.0.0/16").strip());
            assertEquals("", ns.ip("-6", "route", "show", "fd00:97::/48").strip());

            rtnl.deleteAddress(TUN, v4, 24);
            rtnl.deleteAddress(TUN, v6, 64);
            final String remaining = ns.ip("addr", "show", "dev", TUN);
            assertFalse(remaining.contains("10.98.0.1"), remaining);
            assertFalse(remaining.contains("fd00:98::1"), remaining);
            assertFalse(rtnl.addresses(TUN).contains(new AddressEntry(v4, 24)));

            tun.close();
            assertTrue(ns.tryIp("link", "show", "dev", TUN).exitCode() != 0, "device should be gone with its fds");
            assertEquals(-1, rtnl.linkIndex(TUN));
        }
    }

    @Test
    void shouldSucceedWhenAddingSameAddressTwiceOrDeletingAbsentOnes() throws Exception
    {
        final InetAddress v4 = InetAddress.getByName("10.96.0.1");
        try (TestNamespace ns = TestNamespace.create("idem");
            NetworkNamespace _ = ns.enter();
            TunDevice tun = TunDevice.open(TUN, 1);
            Rtnetlink rtnl = Rtnetlink.open())
        {
            tun.setUp();
            rtnl.addAddress(TUN, v4, 24);
            rtnl.addAddress(TUN, v4, 24);
            assertEquals(1, rtnl.addresses(TUN).stream().filter((e) -> e.address().equals(v4)).count());

            rtnl.deleteAddress(TUN, v4, 24);
            rtnl.deleteAddress(TUN, v4, 24);
            rtnl.deleteAddress(TUN, InetAddress.getByName("fd00:96::1"), 64);
            rtnl.deleteRoute(InetAddress.getByName("10.95.0.0"), 16, TUN);
            rtnl.deleteRoute(InetAddress.getByName("fd00:95::"), 48, TUN);
            assertEquals(List.of(), rtnl.addresses(TUN).stream().filter((e) -> e.address().equals(v4)).toList());
        }
    }

    @Test
    void shouldSetLinkUpWhenDeviceIsDown() throws Exception
    {
        try (TestNamespace ns = TestNamespace.create("up");
            NetworkNamespace _ = ns.enter();
            TunDevice _ = TunDevice.open(TUN, 1);
            Rtnetlink rtnl = Rtnetlink.open())
        {
            assertFalse(ns.ip("link", "show", "dev", TUN).contains(",UP"));
            rtnl.setLinkUp(TUN);
            assertTrue(ns.ip("link", "show", "dev", TUN).contains(",UP"));
        }
    }

    @Test
    void shouldThrowNamingRouteAndDeviceWhenDeletingRouteOnMissingDevice() throws Exception
    {
        try (TestNamespace ns = TestNamespace.create("nodev");
            NetworkNamespace _ = ns.enter();
            Rtnetlink rtnl = Rtnetlink.open())
        {
            assertEquals(-1, rtnl.linkIndex("nosuch0"));
            final NativeCallException ex = assertThrows(
                NativeCallException.class, () -> rtnl.deleteRoute(InetAddress.getByName("10.94.0.0"), 16, "nosuch0"));
            assertEquals(Libc.ENODEV, ex.errno());
            assertTrue(ex.getMessage().startsWith("RTM_DELROUTE 10.94.0.0/16 dev nosuch0 failed: No such device"),
                ex.getMessage());
        }
    }

    @Test
    void shouldCarryKernelErrorTextWhenKernelRefusesRoute() throws Exception
    {
        try (TestNamespace ns = TestNamespace.create("refuse");
            NetworkNamespace _ = ns.enter();
            TunDevice tun = TunDevice.open(TUN, 1);
            Rtnetlink rtnl = Rtnetlink.open())
        {
            tun.setUp();
            final NativeCallException ex = assertThrows(NativeCallException.class, () -> rtnl.addRoute(
                InetAddress.getByName("10.93.0.0"), 16, TUN, InetAddress.getByName("10.93.9.9")));
            assertEquals(Libc.EINVAL, ex.errno());
            assertTrue(ex.getMessage().startsWith("RTM_NEWROUTE 10.93.0.0/16 dev hdtun0 src 10.93.9.9 failed"),
                ex.getMessage());
            // The extended ack names the offending attribute in the kernel's words.
            assertTrue(ex.getMessage().toLowerCase().contains("prefsrc"), ex.getMessage());
        }
    }

    @Test
    void shouldRejectDestinationWhenHostBitsSetOrFamiliesDiffer() throws Exception
    {
        // Inside a namespace of our own, so that a regression in validation cannot touch the host's routes.
        try (TestNamespace ns = TestNamespace.create("badarg");
            NetworkNamespace _ = ns.enter();
            Rtnetlink rtnl = Rtnetlink.open())
        {
            assertThrows(IllegalArgumentException.class,
                () -> rtnl.addRoute(InetAddress.getByName("10.0.0.1"), 24, "lo", null));
            assertThrows(IllegalArgumentException.class,
                () -> rtnl.deleteRoute(InetAddress.getByName("fd00::1"), 64, "lo"));
            assertThrows(IllegalArgumentException.class,
                () -> rtnl.addRoute(InetAddress.getByName("10.0.0.0"), 33, "lo", null));
            assertThrows(IllegalArgumentException.class,
                () -> rtnl.addRoute(InetAddress.getByName("10.0.0.0"), 8, "lo", InetAddress.getByName("::1")));
        }
    }

    @Test
    void aLeasedAddressVanishesUnlessLeasedAgain() throws Exception
    {
        final InetAddress floating = InetAddress.getByName("10.96.0.100");
        try (TestNamespace ns = TestNamespace.create("lease");
            NetworkNamespace _ = ns.enter();
            Rtnetlink rtnl = Rtnetlink.open())
        {
            ns.ip("link", "add", "lease0", "type", "veth", "peer", "name", "lease1");
            ns.ip("link", "set", "lease0", "up");
            rtnl.leaseAddress("lease0", floating, 32, 2);
            final String leased = ns.ip("addr", "show", "dev", "lease0");
            assertTrue(leased.contains("inet 10.96.0.100/32 "), leased);
            assertTrue(leased.matches("(?s).*valid_lft [12]sec preferred_lft [12]sec.*"), leased);
            // renewed before it runs out: still there after the first lifetime
            Thread.sleep(1_200);
            rtnl.leaseAddress("lease0", floating, 32, 2);
            Thread.sleep(1_200);
            assertTrue(rtnl.addresses("lease0").contains(new AddressEntry(floating, 32)));
            // not renewed: the kernel takes it off by itself
            final long deadline = System.nanoTime() + 10_000_000_000L;
            while (rtnl.addresses("lease0").contains(new AddressEntry(floating, 32)))
            {
                assertTrue(System.nanoTime() < deadline, ns.ip("addr", "show", "dev", "lease0"));
                Thread.sleep(100);
            }
            assertThrows(IllegalArgumentException.class, () -> rtnl.leaseAddress("lease0", floating, 32, 0));
        }
    }
}
