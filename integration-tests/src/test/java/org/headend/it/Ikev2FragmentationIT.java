package org.headend.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * IKE fragmentation (RFC 7383) both ways, with PFS on the CHILD_SA rekey. strongSwan's charon sends no IKE datagram
 * above 400 bytes ({@code charon.fragment_size = 400}, {@code fragmentation = force}); its IKE_AUTH request (many
 * ESP proposals and traffic selectors) and its CHILD_SA rekey (a KE besides) are larger, so they reach the appliance
 * in fragments. The appliance proves itself with a chain (an ECDSA leaf under an RSA-3072 issuing CA), about 2 kB
 * of IKE_AUTH response, which it sends in fragments of {@code crypto ikev2 fragmentation mtu 576}. The dynamic map
 * asks for {@code set pfs group20}: the client's rekey with a KE of group 19 is answered INVALID_KE_PAYLOAD, and its
 * retry with group 20 rekeys. {@code show crypto ikev2 stats} counts the fragments.
 */
@ExtendWith(HarnessExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class Ikev2FragmentationIT
{
    private static final String USER = "dave";
    private static final String PASSWORD = "In-Pieces-400";

    private static Testbed bed;
    private static StrongSwanClient strongswan;

    @BeforeAll
    static void start() throws IOException
    {
        strongswan = StrongSwanClient.prepare("hdit-ikefrag", "fragment_size = 400");
        bed = Testbed.start(1, c -> c
            .extraLine("username " + USER + " password " + PASSWORD + " mschap")
            .extraLine("group-policy GP attributes")
            .extraLine(" vpn-tunnel-protocol ssl-client ikev2")
            .extraLine("tunnel-group DefaultRAGroup general-attributes")
            .extraLine(" address-pool POOL")
            .extraLine(" default-group-policy GP")
            .extraLine("crypto ipsec ikev2 ipsec-proposal GCM")
            .extraLine(" protocol esp encryption aes-gcm-256 aes-gcm")
            .extraLine("crypto dynamic-map DYN 10 set ikev2 ipsec-proposal GCM")
            .extraLine("crypto dynamic-map DYN 10 set pfs group20")
            .extraLine("crypto map OUTSIDE_MAP 65535 ipsec-isakmp dynamic DYN")
            .extraLine("crypto map OUTSIDE_MAP interface outside")
            .extraLine("crypto ikev2 fragmentation mtu 576"));
        final Path ca = IkeServerPki.create(strongswan.dir().resolve("ca"), true);
        IkeServerPki.install(bed, ca);
        // the first ESP proposal's group is 19: the rekey's KE is of group 19 until the appliance asks for 20
        strongswan.start(bed.net().client(1), """
            connections {
              home {
                version = 2
                remote_addrs = %1$s
                vips = 0.0.0.0
                encap = yes
                fragmentation = force
                proposals = aes256gcm16-prfsha384-ecp384
                local { auth = eap-mschapv2
                        eap_id = %2$s }
                remote { auth = pubkey
                         cacerts = %3$s }
                children {
                  home { remote_ts = 192.168.100.0/24, 10.81.1.0/24, 10.81.2.0/24, 10.81.3.0/24, 10.81.4.0/24, 10.81.5.0/24
                         esp_proposals = aes256gcm16-ecp256-ecp384, aes128gcm16-ecp256-ecp384, aes256gcm12-ecp384, aes128gcm12-ecp384, aes256gcm8-ecp384
                         start_action = none }
                }
              }
            }
            secrets {
              eap-user { id = %2$s
                         secret = "%4$s" }
            }
            """.formatted(Netns.SERVER_ADDRESS, USER, ca.resolve("ca.pem"), PASSWORD));
        IkeServerPki.configure(bed, "crypto ca trustpoint VPN-TP", "identity-certificate disk0:/ike/vpn.pem", "exit",
            "crypto ikev2 remote-access trustpoint VPN-TP", "crypto ikev2 enable outside client-services port 443");
    }

    @AfterAll
    static void stop() throws IOException
    {
        if (strongswan != null)
        {
            strongswan.close();
        }
        if (bed != null)
        {
            bed.close();
        }
    }

    private static long stat(final String stats, final String name)
    {
        final Matcher m = Pattern.compile(Pattern.quote(name) + "\\s*: (\\d+)").matcher(stats);
        assertTrue(m.find(), name + " in:\n" + stats);
        return Long.parseLong(m.group(1));
    }

    @Test
    void shouldLogInThroughFragmentsBothWaysAndRekeyWithTheSetPfsGroup() throws IOException
    {
        final Cmd.Result up = strongswan.swanctl("--initiate", "--child", "home", "--timeout", "30");
        assertTrue(up.ok(), "initiate:\n" + up.output() + "\n" + strongswan.log() + "\n"
            + bed.headend().process().tails(60));
        final String log = strongswan.log();
        assertTrue(Pattern.compile("generating IKE_AUTH request 1 \\[ EF\\(1/\\d\\) \\]").matcher(log).find(),
            "the client's first IKE_AUTH went in fragments:\n" + log);
        assertTrue(Pattern.compile("received fragment #\\d of [2-9], reassembled fragmented IKE message").matcher(log)
            .find(), "the appliance's IKE_AUTH response came in fragments:\n" + log);
        assertTrue(log.contains("received issuer cert \"CN=IKE IT Issuing CA\"")
            && log.contains("reached self-signed root ca with a path length of 1"),
            "the chain arrived whole and verified through the issuing CA:\n" + log);
        assertTrue(log.contains("EAP method EAP_MSCHAPV2 succeeded, MSK established"), log);
        assertEquals(3, NetTools.ping(bed.net().client(1), ApplianceConfig.GATEWAY, 3, ApplianceConfig.POOL_FIRST)
            .received(), "pings through ESP");

        final Cmd.Result rekey = strongswan.swanctl("--rekey", "--child", "home");
        assertTrue(rekey.ok(), rekey.output());
        // the refused attempt is CHILD_SA home{2}, the retry with group 20 home{3}
        final Pattern rekeyed = Pattern.compile("outbound CHILD_SA home\\{[2-9]\\} established");
        String after = strongswan.log();
        for (int i = 0; i < 100 && !(rekeyed.matcher(after).find() && after.contains("closing CHILD_SA home{1}"));
            i++)
        {
            NetTools.sleep(100);
            after = strongswan.log();
        }
        assertTrue(after.contains("peer didn't accept DH group ECP_256, it requested ECP_384"),
            "set pfs group20: the appliance asked for group 20 in the rekey:\n" + after);
        assertTrue(rekeyed.matcher(after).find() && after.contains("closing CHILD_SA home{1}"),
            "rekeyed with group 20, the old CHILD_SA retired:\n" + after);
        assertTrue(Pattern.compile("generating CREATE_CHILD_SA request \\d \\[ EF\\(1/\\d\\) \\]").matcher(after)
            .find(), "the rekey with its KE went in fragments:\n" + after);
        assertEquals(3, NetTools.ping(bed.net().client(1), ApplianceConfig.GATEWAY, 3, ApplianceConfig.POOL_FIRST)
            .received(), "pings through the rekeyed CHILD_SA");

        final String stats = bed.headend().console("show crypto ikev2 stats");
        assertTrue(stats.contains("Fragmentation (RFC 7383): MTU 576"), stats);
        assertEquals(1, stat(stats, "Active Tunnels"), stats);
        assertTrue(stat(stats, "In Fragments") >= 4, "IKE_AUTH and the rekeys, two or more fragments each:\n"
            + stats);
        assertTrue(stat(stats, "In Reassembled Messages") >= 2, stats);
        assertTrue(stat(stats, "Out Fragments") >= 3, "the ~2 kB IKE_AUTH response at 576 bytes:\n" + stats);
        assertTrue(stat(stats, "Out Fragmented Messages") >= 1, stats);

        strongswan.swanctl("--terminate", "--ike", "home");
        bed.headend().awaitSessionCount(0, Duration.ofSeconds(10));
    }
}
