package org.headend.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

    private static Testbed bed;
    private static FreeRadiusServer radius;
    private static StrongSwanClient strongswan;

    @BeforeAll
    static void start() throws IOException
    {
        FreeRadiusServer.prerequisites();
        strongswan = StrongSwanClient.prepare("hdit-ikerad", "");
        bed = Testbed.start(1, c -> c
            .extraLine("username bob password bobpw")
            .extraLine("group-policy GP attributes")
            .extraLine(" vpn-tunnel-protocol ssl-client ikev2")
            .extraLine("group-policy STAFF internal")
            .extraLine("group-policy STAFF attributes")
            .extraLine(" vpn-tunnel-protocol ikev2")
            .extraLine("crypto ipsec ikev2 ipsec-proposal GCM")
            .extraLine(" protocol esp encryption aes-gcm-256 aes-gcm")
            .extraLine(" protocol esp integrity null")
            .extraLine("crypto dynamic-map DYN 10 set ikev2 ipsec-proposal GCM")
            .extraLine("crypto map OUTSIDE_MAP 65535 ipsec-isakmp dynamic DYN")
            .extraLine("crypto map OUTSIDE_MAP interface outside")
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
            // an IDi that names no tunnel-group lands in DefaultRAGroup, the ASA's IPsec default: the local users
            .extraLine("tunnel-group DefaultRAGroup general-attributes")
            .extraLine(" address-pool POOL")
            .extraLine(" default-group-policy GP")
            .extraLine("tunnel-group RADGROUP type remote-access")
            .extraLine("tunnel-group RADGROUP general-attributes")
            .extraLine(" address-pool POOL")
            .extraLine(" authentication-server-group RAD")
            .extraLine(" default-group-policy GP"));
        radius = FreeRadiusServer.startWithEap(bed.net().server(), RADIUS_PORT, SECRET);
        final Path ca = trustpoint();
        strongswan.start(bed.net().client(1), """
            connections {
              %1$s
              %2$s
              %3$s
              %4$s
              %5$s
              %6$s
              %7$s
            }
            secrets {
              eap-bob { id = bob
                        secret = bobpw }
              eap-alice { id = alice
                          secret = alicepw }
              eap-frank { id = frank
                          secret = frankpw }
              eap-dave { id = dave
                         secret = not-daves-password }
            }
            """.formatted(connection("alice", "alice", "mschapv2", true, ca),
            connection("frank", "frank", "mschapv2", true, ca), connection("dave", "dave", "mschapv2", true, ca),
            connection("md5radius", "frank", "md5", true, ca), connection("gtcradius", "frank", "gtc", true, ca),
            connection("gtclocal", "bob", "gtc", false, ca), connection("md5local", "bob", "md5", false, ca)));
        configure("crypto ca trustpoint VPN-TP", "identity-certificate disk0:/ike/vpn.pem", "exit",
            "crypto ikev2 remote-access trustpoint VPN-TP", "crypto ikev2 enable outside client-services port 443");
    }

    /**
     * A connection {@code name} that logs {@code user} in by EAP-{@code method}, through tunnel-group RADGROUP (IDi
     * {@code keyid:RADGROUP}) or the default tunnel-group (local users).
     */
    private static String connection(final String name, final String user, final String method,
        final boolean radius, final Path ca)
    {
        return """
            %1$s {
                version = 2
                remote_addrs = %2$s
                vips = 0.0.0.0
                encap = yes
                proposals = aes256gcm16-prfsha384-ecp384
                local { auth = eap-%4$s
                        %5$s
                        eap_id = %6$s }
                remote { auth = pubkey
                         cacerts = %3$s }
                children {
                  %1$s { remote_ts = 0.0.0.0/0
                         esp_proposals = aes256gcm16
                         start_action = none }
                }
              }
            """.formatted(name, Netns.SERVER_ADDRESS, ca.resolve("ca.pem"), method,
            radius ? "id = keyid:RADGROUP" : "", user);
    }

    /** A test CA and the headend's ECDSA certificate from it, in disk0: for the trustpoint; returns the CA's dir. */
    private static Path trustpoint() throws IOException
    {
        final Path ca = strongswan.dir().resolve("ca");
        Files.createDirectories(ca);
        Cmd.check("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-days", "2", "-subj", "/CN=IKE RADIUS IT CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
            "keyUsage=critical,keyCertSign,cRLSign", "-keyout", ca.resolve("ca.key").toString(), "-out",
            ca.resolve("ca.pem").toString());
        Cmd.check("openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-subj", "/CN=vpn.ike.test", "-keyout", ca.resolve("vpn.key").toString(), "-out",
            ca.resolve("vpn.csr").toString());
        Files.writeString(ca.resolve("ext.cnf"), "subjectAltName=DNS:vpn.ike.test\nextendedKeyUsage=serverAuth\n");
        Cmd.check("openssl", "x509", "-req", "-in", ca.resolve("vpn.csr").toString(), "-CA",
            ca.resolve("ca.pem").toString(), "-CAkey", ca.resolve("ca.key").toString(), "-set_serial", "9", "-days",
            "2", "-extfile", ca.resolve("ext.cnf").toString(), "-out", ca.resolve("vpn.pem").toString());
        final Path identity = bed.headend().stateDir().resolve("disk0/ike/vpn.pem");
        Files.createDirectories(identity.getParent());
        Files.writeString(identity, Files.readString(ca.resolve("vpn.pem")) + Files.readString(ca.resolve("vpn.key")));
        return ca;
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
        if (strongswan != null)
        {
            strongswan.close();
        }
        if (radius != null)
        {
            radius.close();
        }
        if (bed != null)
        {
            bed.close();
        }
    }

    private static void configure(final String... lines)
    {
        bed.headend().console("configure terminal");
        for (final String line : lines)
        {
            final String answer = bed.headend().console(line);
            assertFalse(answer.contains("ERROR"), line + ": " + answer);
        }
        bed.headend().console("end");
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
