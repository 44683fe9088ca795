package org.headend.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Tunnel addresses from a real DHCP server: dnsmasq on the inside host leases from 10.60.0.0/24, the group-policy's
 * {@code dhcp-network-scope} 10.60.0.1 picks that range (the headend relays with it as giaddr), the tunnel-group's
 * {@code dhcp-server} names the server. openconnect gets the leased address (not one from the tunnel-group's pool),
 * traffic flows both ways between it and the inside host, the lease is renewed at T1, and logoff releases it. When
 * the server does not answer, the tunnel gets a pool address once the wait is over, as the ASA tries its next method.
 * A restart keeps the lease (no RELEASE), and the appliance has the server confirm it before the client, back with
 * its cookie, gets the same address.
 */
@ExtendWith(HarnessExtension.class)
@Timeout(value = 7, unit = TimeUnit.MINUTES)
class DhcpAddressIT
{
    private static final String SCOPE = "10.60.0.1";
    private static final String SILENT_SCOPE = "10.61.0.1";
    private static final int T1_SECONDS = 8;
    /** How long openconnect may take to come back after a restart (its reconnect back-off). */
    private static final Duration COME_BACK = Duration.ofSeconds(150);

    private static Testbed bed;
    private static DnsmasqServer dhcp;

    @BeforeAll
    static void start()
    {
        DnsmasqServer.prerequisites();
        bed = Testbed.start(1, true, c -> c
            .user("lee", "lee-secret")
            .tunnelGroupLine(" dhcp-server " + Netns.INSIDE_HOST_ADDRESS)
            .extraLine("group-policy GP attributes")
            .extraLine(" dhcp-network-scope " + SCOPE)
            // a scope the server has no range for: it stays silent
            .extraLine("group-policy ELSEWHERE internal")
            .extraLine("group-policy ELSEWHERE attributes")
            .extraLine(" dhcp-network-scope " + SILENT_SCOPE)
            .extraLine("username lee attributes")
            .extraLine(" vpn-group-policy ELSEWHERE"));
        dhcp = DnsmasqServer.start(bed.net().inside(), "10.60.0.10", "10.60.0.50", "255.255.255.0", "2m",
            T1_SECONDS, 2 * T1_SECONDS);
    }

    @AfterAll
    static void tearDown()
    {
        if (dhcp != null)
        {
            dhcp.close();
        }
        if (bed != null)
        {
            bed.close();
        }
    }

    @Test
    void shouldTunnelWithTheAddressTheDhcpServerLeasedRenewItAndReleaseItAtLogoff()
    {
        final String running = bed.headend().console("show running-config");
        assertTrue(running.contains("\n dhcp-network-scope " + SCOPE + "\n"), running);
        assertTrue(running.contains("\n dhcp-server " + Netns.INSIDE_HOST_ADDRESS + "\n"), running);

        final OpenconnectClient client = bed.connect(1, "demo", "demo-secret");
        final String address = client.tunAddress();
        assertTrue(address.startsWith("10.60.0."), "the DHCP range, not the pool: " + address);
        assertEquals("255.255.255.0", client.awaitScriptCall("connect", 1, Duration.ofSeconds(5))
            .get("INTERNAL_IP4_NETMASK"), "the mask the server gave");
        final String quoted = Pattern.quote(address);
        dhcp.waitFor("DHCPACK\\(eth0\\) " + quoted, Duration.ofSeconds(5));
        assertTrue(dhcp.leases().contains(" " + address + " "), dhcp.leases());
        assertEquals(address, bed.headend().sessions().get(0).assignedIp());

        // the harness's script routes only the tunnel's subnet: reach the inside host through the tunnel too
        Netns.exec(client.namespace(), "ip", "route", "replace", Netns.INSIDE_HOST_ADDRESS + "/32", "dev",
            OpenconnectClient.TUN).check();
        final NetTools.PingResult out = NetTools.ping(client.namespace(), Netns.INSIDE_HOST_ADDRESS, 5);
        assertEquals(5, out.received(), "client -> inside host through the tunnel\n" + out.output());
        final NetTools.PingResult in = NetTools.ping(bed.net().inside(), address, 5);
        assertEquals(5, in.received(), "inside host -> the leased address, routed to the tunnel\n" + in.output());

        // at T1 the headend renews: a second REQUEST for the same address, acknowledged
        final int acks = count(dhcp.log(), "DHCPACK\\(eth0\\) " + quoted);
        final long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3L * T1_SECONDS);
        while (count(dhcp.log(), "DHCPACK\\(eth0\\) " + quoted) == acks && System.nanoTime() < until)
        {
            sleep(250);
        }
        assertTrue(count(dhcp.log(), "DHCPACK\\(eth0\\) " + quoted) > acks, "renewed at T1\n" + dhcp.log());
        assertTrue(client.process().isAlive(), "the tunnel goes on across the renewal");

        bed.headend().console("vpn-sessiondb logoff all noconfirm");
        dhcp.waitFor("DHCPRELEASE\\(eth0\\) " + quoted, Duration.ofSeconds(10));
        final long released = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (dhcp.leases().contains(" " + address + " ") && System.nanoTime() < released)
        {
            sleep(100);
        }
        assertFalse(dhcp.leases().contains(" " + address + " "), "the lease is gone from the server\n"
            + dhcp.leases());
    }

    @Test
    void shouldKeepTheLeaseAcrossARestartAndConfirmItWithTheServerBeforeTheClientIsBack()
    {
        final OpenconnectClient live = bed.connect(1, "demo", "demo-secret");
        final String address = live.tunAddress();
        final String quoted = Pattern.quote(address);
        dhcp.waitFor("DHCPACK\\(eth0\\) " + quoted, Duration.ofSeconds(5));
        final int index = bed.headend().sessions().get(0).index();
        final int releases = count(dhcp.log(), "DHCPRELEASE\\(eth0\\) " + quoted);

        final int outMark = live.process().out().mark();
        final int errMark = live.process().err().mark();
        final Integer code = bed.headend().terminate(Duration.ofSeconds(30));
        assertTrue(code != null && (code == 0 || code == 143), "exit code after SIGTERM: " + code);
        live.process().waitFor("sleep \\d+s, remaining timeout \\d+s", outMark, errMark, Duration.ofSeconds(15));
        assertEquals(releases, count(dhcp.log(), "DHCPRELEASE\\(eth0\\) " + quoted),
            "no RELEASE at a stop that keeps the sessions\n" + dhcp.log());
        assertTrue(dhcp.leases().contains(" " + address + " "), dhcp.leases());

        final int acks = count(dhcp.log(), "DHCPACK\\(eth0\\) " + quoted);
        bed.startHeadendAgain();
        bed.headend().process().waitFor("session " + index + ": DHCP lease of " + quoted
            + " confirmed after the restart", Duration.ofSeconds(20));
        assertTrue(count(dhcp.log(), "DHCPACK\\(eth0\\) " + quoted) > acks, "the server acknowledged it again\n"
            + dhcp.log());
        live.awaitCstpConnected(2, COME_BACK);
        assertEquals(address, live.awaitScriptCall("reconnect", 1, Duration.ofSeconds(10))
            .get("INTERNAL_IP4_ADDRESS"), "the same address after the restart");
        assertEquals(index, bed.headend().sessions().get(0).index(), "the same session, not a new login");

        Netns.exec(live.namespace(), "ip", "route", "replace", Netns.INSIDE_HOST_ADDRESS + "/32", "dev",
            OpenconnectClient.TUN).check();
        final NetTools.PingResult in = NetTools.ping(bed.net().inside(), address, 5);
        assertEquals(5, in.received(), "inside host -> the leased address, routed to the tunnel again\n"
            + in.output());
    }

    @Test
    void shouldFallBackToThePoolWhenNoDhcpServerAnswers()
    {
        final ManagedProcess log = bed.headend().process();
        final OpenconnectClient client = bed.client(1, "lee").startWithPassword("lee-secret");
        final String address = client.awaitConfigured(Duration.ofSeconds(45));
        assertTrue(address.startsWith(ApplianceConfig.POOL_PREFIX), "from the pool: " + address);
        log.waitFor("no DHCP lease: no lease from " + Pattern.quote(Netns.INSIDE_HOST_ADDRESS) + " within \\d+ s",
            Duration.ofSeconds(5));
        assertTrue(dhcp.log().contains("no address range available for DHCP request")
            && dhcp.log().contains(SILENT_SCOPE), "the server saw the requests and had nothing for that scope\n"
            + dhcp.log());
    }

    @AfterEach
    void logOffAll()
    {
        bed.closeClients();
        bed.headend().console("vpn-sessiondb logoff all noconfirm");
    }

    private static int count(final String text, final String regex)
    {
        return (int)Pattern.compile(regex).matcher(text).results().count();
    }

    private static void sleep(final long millis)
    {
        try
        {
            Thread.sleep(millis);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError(ex);
        }
    }
}
