package org.headend.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An IKEv2 client behind a home router: strongSwan's charon runs in a private network ({@link NatRouter}) whose
 * router masquerades it to its own outside address and remaps its source ports. The client does not ask for UDP
 * encapsulation ({@code encap = no}): it finds the NAT itself from the appliance's NAT_DETECTION_DESTINATION_IP
 * (RFC 7296 §2.23), floats IKE to UDP 4500 and sends ESP in UDP (RFC 3948) from there, with NAT keepalives. The
 * appliance answers the mapped ports, gives the pool address, carries pings to the inside host, and lists the
 * session as {@code IKEv2 IPsecOverNatT} from the router's address, not the client's private one.
 */
@ExtendWith(HarnessExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class Ikev2NatIT
{
    private static final String USER = "carol";
    private static final String PASSWORD = "Behind-Nat-7";

    private static Testbed bed;
    private static NatRouter nat;
    private static StrongSwanClient strongswan;

    @BeforeAll
    static void start() throws IOException
    {
        // keepalives every 2 s rather than 20, so that the test sees them without waiting
        strongswan = StrongSwanClient.prepare("hdit-ikenat", "keep_alive = 2s");
        bed = Testbed.start(1, true, c -> c
            .extraLine("username " + USER + " password " + PASSWORD + " mschap")
            .extraLine("group-policy GP attributes")
            .extraLine(" vpn-tunnel-protocol ssl-client ikev2")
            .extraLine("tunnel-group DefaultRAGroup general-attributes")
            .extraLine(" address-pool POOL")
            .extraLine(" default-group-policy GP"));
        nat = NatRouter.behind(bed.net().client(1));
        final Path ca = IkeServerPki.create(strongswan.dir().resolve("ca"), false);
        IkeServerPki.install(bed, ca);
        strongswan.start(nat.lan(), """
            connections {
              home {
                version = 2
                remote_addrs = %1$s
                vips = 0.0.0.0
                encap = no
                proposals = aes256gcm16-prfsha384-ecp384
                local { auth = eap-mschapv2
                        eap_id = %2$s }
                remote { auth = pubkey
                         cacerts = %3$s }
                children {
                  home { remote_ts = %4$s/24
                         esp_proposals = aes256gcm16
                         start_action = none }
                }
              }
            }
            secrets {
              eap-user { id = %2$s
                         secret = "%5$s" }
            }
            """.formatted(Netns.SERVER_ADDRESS, USER, ca.resolve("ca.pem"), Netns.INSIDE_HOST_ADDRESS, PASSWORD));
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
        if (nat != null)
        {
            nat.close();
        }
        if (bed != null)
        {
            bed.close();
        }
    }

    @Test
    void shouldDetectTheNatFloatToUdp4500AndCarryTrafficFromBehindAMasqueradingRouter() throws IOException
    {
        final Cmd.Result up = strongswan.swanctl("--initiate", "--child", "home", "--timeout", "30");
        assertTrue(up.ok(), "initiate:\n" + up.output() + "\n" + strongswan.log() + "\n" + nat.describe() + "\n"
            + bed.headend().process().tails(60));
        final String log = strongswan.log();
        assertTrue(log.contains("local host is behind NAT, sending keep alives"),
            "the client found the NAT from the appliance's NAT_DETECTION_DESTINATION_IP:\n" + log);
        assertTrue(log.contains("to " + Netns.SERVER_ADDRESS + "[4500]"), "IKE floated to UDP 4500:\n" + log);
        assertTrue(Netns.exec(nat.lan(), "ip", "-4", "addr").output().contains(ApplianceConfig.POOL_FIRST),
            "the pool's first address from CP is on the client");

        final NetTools.PingResult ping = NetTools.ping(nat.lan(), Netns.INSIDE_HOST_ADDRESS, 5,
            ApplianceConfig.POOL_FIRST);
        assertEquals(5, ping.received(), "pings through ESP in UDP to the inside host:\n" + ping.output());

        final String routerAddress = Netns.clientAddress(1);
        final String listed = bed.headend().console("show vpn-sessiondb anyconnect");
        assertTrue(listed.contains("IKEv2 IPsecOverNatT"), listed);
        assertTrue(Pattern.compile("Public IP\\s*: " + Pattern.quote(routerAddress) + "\\b").matcher(listed).find(),
            "the session comes from the router's outside address:\n" + listed);
        assertFalse(listed.contains(NatRouter.LAN_HOST), "the private address is never seen:\n" + listed);
        assertTrue(listed.contains("DefaultRAGroup"), "an IDi naming no group lands in DefaultRAGroup:\n" + listed);

        final String ikeSas = bed.headend().console("show crypto ikev2 sa");
        final Matcher remote = Pattern.compile(Pattern.quote(routerAddress) + "/(\\d+)").matcher(ikeSas);
        assertTrue(remote.find(), ikeSas);
        final int port = Integer.parseInt(remote.group(1));
        assertTrue(port >= 40_000 && port <= 40_999, "the SA answers the port the NAT mapped 4500 to:\n" + ikeSas);

        // keepalives (one byte 0xFF, RFC 3948 §2.3) reach the ESP port through the NAT and are counted
        long keepalives = 0;
        for (int i = 0; i < 100 && keepalives <= 0; i++)
        {
            keepalives = bed.headend().counter("NAT keepalives");
            if (keepalives <= 0)
            {
                LockSupport.parkNanos(100_000_000L);
            }
        }
        assertTrue(keepalives > 0, "NAT keepalives counted:\n" + bed.headend().console("show counters"));
        final NetTools.PingResult after = NetTools.ping(nat.lan(), Netns.INSIDE_HOST_ADDRESS, 3,
            ApplianceConfig.POOL_FIRST);
        assertEquals(3, after.received(), "the tunnel still carries traffic:\n" + after.output());

        strongswan.swanctl("--terminate", "--ike", "home");
        bed.headend().awaitSessionCount(0, Duration.ofSeconds(10));
    }
}
