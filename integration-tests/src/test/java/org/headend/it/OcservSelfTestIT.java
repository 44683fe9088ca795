package org.headend.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Proves the harness against a known-good server before the appliance exists: ocserv in the server namespace,
 * the real openconnect through {@link OpenconnectClient}, ping, a checksummed 100 MB transfer each way, cookie
 * reconnects, and the bad client's modes. Not part of the default run: -Dhdit.ocserv=true or -Pocserv-selftest.
 */
@ExtendWith(HarnessExtension.class)
@EnabledIfSystemProperty(named = "hdit.ocserv", matches = "true")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class OcservSelfTestIT
{
    private static final long TRANSFER_BYTES = 100L * 1000 * 1000;

    private static Netns net;
    private static OcservServer ocserv;
    private static OpenconnectClient client;
    private static String address;

    @BeforeAll
    static void startServerAndClient()
    {
        Prerequisites.installMissing(Map.of("ocserv", "ocserv"));
        net = Netns.create(2, false, true);
        ocserv = OcservServer.start(net, 90);
        client = new OpenconnectClient(net.client(1), ocserv.url(), ocserv.pin(), "demo", false)
            .startWithPassword("demo-secret");
        address = client.awaitConfigured(Duration.ofSeconds(30));
    }

    @AfterAll
    static void stopAll()
    {
        if (client != null)
        {
            client.close();
        }
        if (ocserv != null)
        {
            ocserv.close();
        }
        if (net != null)
        {
            net.close();
        }
    }

    @Test
    @Order(1)
    void shouldConfigureTheTunFromWhatTheServerPushed()
    {
        assertTrue(address.startsWith("192.168.100."), address);
        assertEquals(address, client.tunAddress());
        final Map<String, String> env = client.awaitScriptCall("connect", 1, Duration.ofSeconds(5));
        assertEquals(address, env.get("INTERNAL_IP4_ADDRESS"));
        assertEquals(OpenconnectClient.TUN, env.get("TUNDEV"));
        assertNotNull(env.get("INTERNAL_IP4_MTU"));
    }

    @Test
    @Order(2)
    void shouldAnswer100PingsEachWay()
    {
        final NetTools.PingResult out = NetTools.ping(net.client(1), ApplianceConfig.GATEWAY, 100);
        assertTrue(out.allAnswered(), out.output());
        final NetTools.PingResult back = NetTools.ping(net.server(), address, 100);
        assertTrue(back.allAnswered(), back.output());
    }

    @Test
    @Order(3)
    void shouldCarry100MegabytesIntactEachWay()
    {
        final NetTools.TransferResult up = NetTools.transfer(net.client(1), net.server(), ApplianceConfig.GATEWAY,
            5001, TRANSFER_BYTES, Duration.ofSeconds(90));
        assertEquals(TRANSFER_BYTES, up.receivedBytes());
        assertEquals(up.sentSha256(), up.receivedSha256());
        final NetTools.TransferResult down = NetTools.transfer(net.server(), net.client(1), address, 5002,
            TRANSFER_BYTES, Duration.ofSeconds(90));
        assertEquals(TRANSFER_BYTES, down.receivedBytes());
        assertEquals(down.sentSha256(), down.receivedSha256());
        System.out.printf("ocserv TLS transfer: up %.0f Mbit/s, down %.0f Mbit/s%n", up.megabitsPerSecond(),
            down.megabitsPerSecond());
    }

    @Test
    @Order(4)
    void shouldGiveUpOnAWrongPassword()
    {
        try (OpenconnectClient wrong = new OpenconnectClient(net.client(2), ocserv.url(), ocserv.pin(), "demo", false))
        {
            wrong.startWithPassword("not-the-password");
            final Integer code = wrong.waitForExit(Duration.ofSeconds(30));
            assertNotNull(code, "openconnect did not give up");
            assertNotEquals(0, code.intValue());
            assertTrue(wrong.scriptCalls().stream().noneMatch(c -> "connect".equals(c.get("reason"))));
        }
    }

    @Test
    @Order(5)
    void shouldKeepTheAddressAcrossCookieReconnects()
    {
        try (OpenconnectClient second = new OpenconnectClient(net.client(2), ocserv.url(), ocserv.pin(), "bob", false))
        {
            final String cookie = second.authenticate("bob-secret");
            assertTrue(cookie.contains("webvpn="), cookie);
            second.startWithCookie(cookie);
            final String first = second.awaitConfigured(Duration.ofSeconds(30));
            assertNotEquals(address, first);
            second.signal("USR2");
            second.awaitCstpConnected(2, Duration.ofSeconds(30));
            assertEquals(first, second.awaitScriptCall("reconnect", 1, Duration.ofSeconds(10))
                .get("INTERNAL_IP4_ADDRESS"));
            assertTrue(NetTools.ping(net.client(2), ApplianceConfig.GATEWAY, 10).allAnswered());

            second.signal("KILL");
            second.waitForExit(Duration.ofSeconds(5));
            try (OpenconnectClient again = new OpenconnectClient(net.client(2), ocserv.url(), ocserv.pin(), "bob",
                false))
            {
                again.startWithCookie(cookie);
                assertEquals(first, again.awaitConfigured(Duration.ofSeconds(30)));
                assertTrue(NetTools.ping(net.client(2), ApplianceConfig.GATEWAY, 10).allAnswered());
            }
        }
    }

    @Test
    @Order(6)
    void shouldRunEveryBadClientModeWhileTheFirstClientKeepsPinging()
    {
        for (final String mode : List.of("garbage-tcp", "garbage-tls", "big-header", "xxe", "cstp-bad-magic",
            "cstp-too-long"))
        {
            final NetTools.BadClientResult r = NetTools.badClient(net.client(2), Netns.SERVER_ADDRESS, 443, mode,
                "--user", "bob", "--password", "bob-secret", "--callback-address", Netns.clientAddress(2));
            System.out.println("ocserv vs BadClient " + mode + ": " + r.outcome() + "\n" + r.output());
            assertNotEquals("SETUP_FAILED", r.outcome(), r.output());
            assertNotEquals("NONE", r.outcome(), r.output());
            if (mode.equals("xxe"))
            {
                assertTrue(r.has("XXE_CALLBACK=no") && r.has("XXE_LEAK=no") && r.has("XXE_LOGIN=no"), r.output());
            }
            final NetTools.PingResult ping = NetTools.ping(net.client(1), ApplianceConfig.GATEWAY, 20);
            assertTrue(ping.allAnswered(), mode + ": " + ping.output());
        }
    }
}
