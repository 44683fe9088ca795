package org.headend.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * IKEv2 EAP methods with strongSwan's charon as the client. Most logins go through a real FreeRADIUS, to which the
 * appliance relays their EAP (RFC 3579): charon in the client
 * namespace sends IDi {@code keyid:RADGROUP}, which selects a tunnel-group whose authentication-server-group is
 * RADIUS, and authenticates with EAP-MSCHAPv2; FreeRADIUS (its {@code eap} module) runs the method, the appliance
 * passes each EAP message through and keys its AUTH payload with the MSK from the Access-Accept's MS-MPPE keys.
 * charon checks that AUTH, so a login that comes up proves the MSK. What the server assigns applies as for an SSL
 * login: alice's Framed-IP-Address and her Class {@code OU=STAFF;} group-policy; frank, with nothing assigned, gets
 * the pool's first address. A wrong password is refused with EAP-Failure and AUTHENTICATION_FAILED, and leaves no
 * session. The relay does not care for the method: charon's EAP-MD5 and EAP-GTC reach FreeRADIUS too (after charon
 * Naks the server's EAP-MSCHAPv2); neither makes an MSK, so both AUTH payloads are keyed with SK_pi/SK_pr. Against
 * the local users (default tunnel-group), EAP-GTC is checked by the appliance itself, and EAP-MD5 is refused: it
 * needs the clear-text password, which the appliance does not keep.
 */
@ExtendWith(HarnessExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class Ikev2RadiusIT
{
    private static final int RADIUS_PORT = 18912;
    private static final String SECRET = "ike-radius-s3cret";

    private static Ikev2Bed ike;
    private static Testbed bed;
    private static FreeRadiusServer radius;
    private static StrongSwanClient strongswan;

    @BeforeAll
    static void start() throws IOException
    {
        FreeRadiusServer.prerequisites();
        ike = Ikev2Bed.start(1, false, "aes-gcm-256 aes-gcm", c -> c
            .extraLine("username bob password bobpw")
            .extraLine("group-policy STAFF internal")
            .extraLine("group-policy STAFF attributes")
            .extraLine(" vpn-tunnel-protocol ikev2")
            .extraLine("crypto ikev2 policy 10")
            .extraLine(" encryption aes-gcm-256")
            .extraLine(" group 20")
            .extraLine(" prf sha384")
            .extraLine("aaa-server RAD protocol radius")
            .extraLine("aaa-server RAD (outside) host 127.0.0.1")
            .extraLine(" key " + SECRET)
            .extraLine(" authentication-port " + RADIUS_PORT)
            .extraLine(" accounting-port " + (RADIUS_PORT + 1))
            .extraLine(" timeout 5")
            .extraLine(" retry-interval 2")
            .extraLine("tunnel-group RADGROUP type remote-access")
            .extraLine("tunnel-group RADGROUP general-attributes")
            .extraLine(" address-pool POOL")
            .extraLine(" authentication-server-group RAD")
            .extraLine(" default-group-policy GP"));
        bed = ike.bed();
        radius = ike.own(FreeRadiusServer.startWithEap(bed.net().server(), RADIUS_PORT, SECRET));
        strongswan = ike.client("hdit-ikerad", "", bed.net().client(1), List.of(connection("alice", "alice",
            "mschapv2", true), connection("frank", "frank", "mschapv2", true), connection("dave", "dave", "mschapv2",
            true), connection("md5radius", "frank", "md5", true), connection("gtcradius", "frank", "gtc", true),
            connection("gtclocal", "bob", "gtc", false), connection("md5local", "bob", "md5", false)),
            Map.of("bob", "bobpw", "alice", "alicepw", "frank", "frankpw", "dave", "not-daves-password"));
        ike.enable();
    }

    /**
     * A connection {@code name} that logs {@code user} in by EAP-{@code method}, through tunnel-group RADGROUP (IDi
     * {@code keyid:RADGROUP}) or the default tunnel-group (local users).
     */
    private static Ikev2Bed.Connection connection(final String name, final String user, final String method,
        final boolean radius)
    {
        final Ikev2Bed.Connection connection = Ikev2Bed.Connection.of(name, user).method(method);
        return radius ? connection.idi("keyid:RADGROUP") : connection;
    }

    @AfterEach
    void endSessions()
    {
        for (final String user : List.of("alice", "frank", "dave", "md5radius", "gtcradius", "gtclocal", "md5local"))
        {
            strongswan.swanctl("--terminate", "--ike", user, "--force");
        }
        bed.headend().awaitSessionCount(0, Duration.ofSeconds(10));
    }

    @AfterAll
    static void stop() throws IOException
    {
        if (ike != null)
        {
            ike.close();
        }
    }

    private static Cmd.Result initiate(final String user)
    {
        return strongswan.swanctl("--initiate", "--child", user, "--timeout", "40");
    }

    private static String diagnostics() throws IOException
    {
        return strongswan.log() + "\n--- FreeRADIUS\n" + tail(radius.log(), 80) + "\n--- headend\n"
            + bed.headend().process().tails(60);
    }

    /** How many AUTHENTICATION_FAILED notifies charon has received so far. */
    private static int authenticationFailures() throws IOException
    {
        return strongswan.log().split("received AUTHENTICATION_FAILED notify", -1).length - 1;
    }

    private static String tail(final String text, final int lines)
    {
        final String[] all = text.split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length));
    }

    @Test
    void shouldLogInThroughFreeRadiusWithTheMskOfItsAcceptAndApplyWhatItAssigned() throws IOException
    {
        final Cmd.Result up = initiate("alice");
        assertTrue(up.ok(), "initiate:\n" + up.output() + "\n" + diagnostics());
        final String log = strongswan.log();
        assertTrue(log.contains("EAP method EAP_MSCHAPV2 succeeded, MSK established"), log);
        assertTrue(log.contains("authentication of 'CN=vpn.ike.test' with EAP successful"),
            "our AUTH keyed with the MSK FreeRADIUS sent verifies at the client:\n" + log);
        assertTrue(radius.log().contains("EAP-Message"), "the EAP went through FreeRADIUS");
        assertTrue(Netns.exec(bed.net().client(1), "ip", "-4", "addr").output()
            .contains(FreeRadiusServer.ALICE_ADDRESS), "the Framed-IP-Address from the Accept is the client's");
        final NetTools.PingResult ping = NetTools.ping(bed.net().client(1), ApplianceConfig.GATEWAY, 3,
            FreeRadiusServer.ALICE_ADDRESS);
        assertEquals(3, ping.received(), "pings through ESP to the inside gateway:\n" + ping.output());
        final List<HeadendProcess.Session> sessions = bed.headend().sessions();
        assertEquals(1, sessions.size(), sessions.toString());
        assertEquals("alice", sessions.get(0).username());
        final String listed = bed.headend().console("show vpn-sessiondb anyconnect");
        assertTrue(listed.contains("STAFF") && listed.contains("RADGROUP"),
            "Class OU=STAFF; assigns the group-policy:\n" + listed);
    }

    @Test
    void shouldGiveAUserTheServerAssignsNoAddressThePoolsFirstAddress() throws IOException
    {
        final Cmd.Result up = initiate("frank");
        assertTrue(up.ok(), "initiate:\n" + up.output() + "\n" + diagnostics());
        assertTrue(Netns.exec(bed.net().client(1), "ip", "-4", "addr").output().contains(ApplianceConfig.POOL_FIRST),
            "the pool's first address from CP");
        final NetTools.PingResult ping = NetTools.ping(bed.net().client(1), ApplianceConfig.GATEWAY, 3,
            ApplianceConfig.POOL_FIRST);
        assertEquals(3, ping.received(), "pings through ESP to the inside gateway:\n" + ping.output());
    }

    @Test
    void shouldRefuseAWrongPasswordWithEapFailureAndAuthenticationFailed() throws IOException
    {
        final int refusals = authenticationFailures();
        final Cmd.Result up = initiate("dave");
        assertFalse(up.ok(), "a wrong password must not log in:\n" + up.output());
        assertEquals(refusals + 1, authenticationFailures(), strongswan.log());
        assertTrue(bed.headend().process().tails(200).contains("login failed for user dave"),
            "counted and logged as a failed login:\n" + bed.headend().process().tails(60));
        assertTrue(bed.headend().sessions().isEmpty(), "no session is left behind");
    }

    @Test
    void shouldRelayEapMd5AndEapGtcToFreeRadiusWithoutAnMsk() throws IOException
    {
        for (final String connection : List.of("md5radius", "gtcradius"))
        {
            final Cmd.Result up = initiate(connection);
            assertTrue(up.ok(), connection + ":\n" + up.output() + "\n" + diagnostics());
            final NetTools.PingResult ping = NetTools.ping(bed.net().client(1), ApplianceConfig.GATEWAY, 2,
                ApplianceConfig.POOL_FIRST);
            assertEquals(2, ping.received(), connection + ": pings through ESP:\n" + ping.output());
            strongswan.swanctl("--terminate", "--ike", connection);
            bed.headend().awaitSessionCount(0, Duration.ofSeconds(10));
        }
        final String log = strongswan.log();
        assertTrue(log.contains("EAP method EAP_MD5 succeeded, no MSK established"), log);
        assertTrue(log.contains("EAP method EAP_GTC succeeded, no MSK established"), log);
    }

    @Test
    void shouldCheckAnEapGtcPasswordWithTheLocalUsersAndRefuseEapMd5() throws IOException
    {
        final Cmd.Result up = initiate("gtclocal");
        assertTrue(up.ok(), "gtclocal:\n" + up.output() + "\n" + diagnostics());
        assertTrue(strongswan.log().contains("EAP method EAP_GTC succeeded, no MSK established"), strongswan.log());
        final List<HeadendProcess.Session> sessions = bed.headend().sessions();
        assertEquals(1, sessions.size(), sessions.toString());
        assertEquals("bob", sessions.get(0).username());
        strongswan.swanctl("--terminate", "--ike", "gtclocal");
        bed.headend().awaitSessionCount(0, Duration.ofSeconds(10));

        final int refusals = authenticationFailures();
        assertFalse(initiate("md5local").ok(), "EAP-MD5 needs a clear-text password the appliance does not keep");
        assertEquals(refusals + 1, authenticationFailures(), strongswan.log());
        assertTrue(bed.headend().process().tails(200).contains("peer wants EAP-MD5"),
            bed.headend().process().tails(60));
    }
}
