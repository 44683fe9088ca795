package org.headend.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Who gets which address and whether there is room: a local user's {@code vpn-framed-ip-address} outside the pools
 * reaches openconnect and carries traffic, and a second session of the user is refused while the first holds it; at
 * {@code vpn-sessiondb max-anyconnect-premium-or-essentials-limit} a new login is refused while every client is
 * connected, and takes the place of a session whose client went away.
 */
@ExtendWith(HarnessExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class AddressAndCapacityIT
{
    private static final String FIXED = "192.168.101.7";

    private static Testbed bed;

    @BeforeAll
    static void start()
    {
        bed = Testbed.start(2, c -> c.user("lee", "lee-secret").extraLine("username lee attributes")
            .extraLine(" vpn-framed-ip-address " + FIXED + " 255.255.255.0"));
    }

    @AfterAll
    static void tearDown()
    {
        if (bed != null)
        {
            bed.close();
        }
    }

    @AfterEach
    void logOffAll()
    {
        bed.closeClients();
        bed.headend().console("vpn-sessiondb logoff all noconfirm");
        bed.headend().console("configure terminal");
        bed.headend().console("no vpn-sessiondb max-anyconnect-premium-or-essentials-limit");
        bed.headend().console("end");
    }

    private static void configure(final String line)
    {
        bed.headend().console("configure terminal");
        final String answer = bed.headend().console(line);
        bed.headend().console("end");
        assertTrue(answer.isBlank(), line + ": " + answer);
    }

    private static List<HeadendProcess.Session> sessionsOf(final String user)
    {
        return bed.headend().sessions().stream().filter(s -> s.username().equals(user)).toList();
    }

    @Test
    void shouldGiveTheUserHisFixedAddressAndRefuseItToASecondSessionMeanwhile()
    {
        final OpenconnectClient first = bed.client(1, "lee").startWithPassword("lee-secret");
        assertEquals(FIXED, first.awaitConfigured(Duration.ofSeconds(30)));
        assertEquals("255.255.255.0", first.awaitScriptCall("connect", 1, Duration.ofSeconds(5))
            .get("INTERNAL_IP4_NETMASK"));
        // the harness's script routes only the client's own subnet (vpnc-script would add the default route of a
        // tunnelall policy): the headend's inside address is in the pool's subnet, not in 192.168.101.0/24
        Netns.exec(first.namespace(), "ip", "route", "replace", ApplianceConfig.POOL_PREFIX + "0/24", "dev",
            OpenconnectClient.TUN).check();
        final NetTools.PingResult ping = NetTools.ping(first.namespace(), ApplianceConfig.GATEWAY, 5);
        assertEquals(5, ping.received(), "the headend routes the answers to the address outside its pools\n"
            + ping.output());
        assertEquals(FIXED, sessionsOf("lee").get(0).assignedIp());

        final OpenconnectClient second = bed.client(2, "lee").startWithPassword("lee-secret");
        final Integer code = second.waitForExit(Duration.ofSeconds(30));
        assertNotNull(code, "the second tunnel must be refused\n" + second.process().tails(40));
        assertNotEquals(0, code.intValue());
        bed.headend().process().waitFor("the fixed address " + FIXED.replace(".", "\\.")
            + " of user lee is in use by session " + sessionsOf("lee").get(0).index(), Duration.ofSeconds(5));
        assertTrue(first.process().isAlive(), "the first session keeps its tunnel");
        assertEquals(5, NetTools.ping(first.namespace(), ApplianceConfig.GATEWAY, 5).received());

        final OpenconnectClient other = bed.connect(2, "demo", "demo-secret");
        assertNotEquals(FIXED, other.tunAddress());
        assertTrue(other.tunAddress().startsWith(ApplianceConfig.POOL_PREFIX), other.tunAddress());
    }

    @Test
    void shouldRefuseALoginAtTheLimitAndTakeThePlaceOfASessionWhoseClientWentAway()
    {
        configure("vpn-sessiondb max-anyconnect-premium-or-essentials-limit 1");
        final OpenconnectClient demo = bed.client(1, "demo");
        final String cookie = demo.authenticate("demo-secret");
        demo.startWithCookie(cookie).awaitConfigured(Duration.ofSeconds(30));

        final ManagedProcess log = bed.headend().process();
        final OpenconnectClient refused = bed.client(2, "lee").startWithPassword("lee-secret");
        final Integer refusedCode = refused.waitForExit(Duration.ofSeconds(30));
        assertNotNull(refusedCode, refused.process().tails(40));
        assertNotEquals(0, refusedCode.intValue());
        log.waitFor("login of user lee refused: 1 sessions, all with a connected client, at the session limit",
            Duration.ofSeconds(5));
        assertEquals(1, bed.headend().sessions().size());

        final int demoIndex = bed.headend().sessions().get(0).index();
        demo.signal("KILL");
        assertNotNull(demo.waitForExit(Duration.ofSeconds(5)));
        log.waitFor("session " + demoIndex + ": tunnel \\d+ closed", Duration.ofSeconds(10));
        final OpenconnectClient lee = bed.client(2, "lee").startWithPassword("lee-secret");
        assertEquals(FIXED, lee.awaitConfigured(Duration.ofSeconds(30)));
        log.waitFor("session " + demoIndex + " ended: user demo: logged off to make room for a new login",
            Duration.ofSeconds(5));
        final List<HeadendProcess.Session> sessions = bed.headend().sessions();
        assertEquals(1, sessions.size(), sessions.toString());
        assertEquals("lee", sessions.get(0).username());

        final OpenconnectClient back = bed.client(1, "demo").startWithCookie(cookie);
        final Integer code = back.waitForExit(Duration.ofSeconds(30));
        assertNotNull(code, "the logged-off session's cookie must be refused\n" + back.process().tails(40));
        assertNotEquals(0, code.intValue());
    }
}
