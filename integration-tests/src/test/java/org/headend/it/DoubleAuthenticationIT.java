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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Double authentication (issue 12, ASA {@code secondary-authentication-server-group}) with the real openconnect:
 * the first password checked by a real FreeRADIUS, the second by the local user database for the same user name
 * ({@code use-primary-username}); openconnect answers the form's second password field with {@code --form-entry}.
 * Both right: the tunnel comes up under the RADIUS answer's group-policy and address; a wrong second password is
 * refused although the first was right.
 */
@ExtendWith(HarnessExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DoubleAuthenticationIT
{
    private static final int RADIUS_PORT = 18832;
    private static final String SECRET = "double-s3cret";
    private static final String SECOND_PASSWORD = "alice-second-factor";

    private static Testbed bed;
    private static FreeRadiusServer radius;
    private final List<OpenconnectClient> clients = new java.util.ArrayList<>();

    @BeforeAll
    static void start()
    {
        FreeRadiusServer.prerequisites();
        bed = Testbed.start(1, c -> c
            .tunnelGroupLine(" authentication-server-group RAD")
            .tunnelGroupLine(" secondary-authentication-server-group LOCAL use-primary-username")
            .extraLine("aaa-server RAD protocol radius")
            .extraLine("aaa-server RAD (outside) host 127.0.0.1")
            .extraLine(" key " + SECRET)
            .extraLine(" authentication-port " + RADIUS_PORT)
            .extraLine("username alice password " + SECOND_PASSWORD)
            .extraLine("group-policy STAFF internal")
            .extraLine("group-policy STAFF attributes")
            .extraLine(" vpn-tunnel-protocol ssl-client")
            .extraLine(" banner value Welcome, staff."));
        radius = bed.own(FreeRadiusServer.start(bed.net().server(), RADIUS_PORT, SECRET));
    }

    @AfterEach
    void stopClients()
    {
        clients.forEach(OpenconnectClient::close);
        bed.headend().console("vpn-sessiondb logoff all noconfirm");
    }

    @AfterAll
    static void tearDown()
    {
        if (bed != null)
        {
            bed.close();
        }
    }

    private OpenconnectClient alice(final String secondPassword)
    {
        final OpenconnectClient client = new OpenconnectClient(bed.net().client(1), bed.headend().url(),
            bed.headend().pin(), "alice", false, List.of("--form-entry=main:secondary_password=" + secondPassword));
        clients.add(client);
        return client.startWithPassword("alicepw");
    }

    @Test
    void shouldLandTheTunnelWhenBothPasswordsPassUnderThePrimarysAnswer()
    {
        final OpenconnectClient alice = alice(SECOND_PASSWORD);
        alice.awaitConfigured(Duration.ofSeconds(30));
        final Map<String, String> env = alice.awaitScriptCall("connect", 1, Duration.ofSeconds(10));
        assertEquals(FreeRadiusServer.ALICE_ADDRESS, env.get("INTERNAL_IP4_ADDRESS"), "RADIUS's Framed-IP-Address");
        assertEquals("Welcome, staff.", env.get("CISCO_BANNER"), "RADIUS's Class picks the group-policy");
        assertTrue(NetTools.ping(bed.net().client(1), ApplianceConfig.GATEWAY, 3).allAnswered());
        assertTrue(radius.log().contains("User-Name = \"alice\""), "the first password went to RADIUS");
        assertTrue(bed.headend().process().err().text().contains("second password accepted by LOCAL"));
    }

    @Test
    void shouldRefuseAWrongSecondPasswordThoughTheFirstIsRight()
    {
        final OpenconnectClient alice = alice("not-the-second-factor");
        final Integer code = alice.waitForExit(Duration.ofSeconds(40));
        assertNotNull(code, "openconnect should give up\n" + alice.process().tails(40));
        assertNotEquals(0, code.intValue());
        assertTrue(alice.scriptCalls().stream().noneMatch(c -> "connect".equals(c.get("reason"))));
        assertTrue(bed.headend().process().err().text().contains("the second password was not accepted by LOCAL"));
    }
}
