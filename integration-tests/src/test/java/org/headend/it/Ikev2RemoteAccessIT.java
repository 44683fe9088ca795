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
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * IKEv2 remote access from the appliance's real entry point: {@code crypto ikev2 enable outside} and a local user
 * kept with {@code password ... mschap}; strongSwan's charon (kernel-libipsec, ESP in UDP) in the client namespace
 * authenticates the headend by its certificate and itself with EAP-MSCHAPv2, gets the pool's first address and the
 * group-policy's DNS server, pings the inside gateway address and moves 30 MB each way checksummed through ESP, is
 * listed by {@code show vpn-sessiondb anyconnect} as {@code IKEv2 IPsecOverNatT} and by {@code show crypto ikev2 sa}
 * / {@code show crypto ipsec sa} (SPIs, counters), and loses its SA when the operator logs the user off.
 */
@ExtendWith(HarnessExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class Ikev2RemoteAccessIT
{
    private static final String USER = "alice";
    private static final String PASSWORD = "Wonderland-42";
    private static final long TRANSFER_BYTES = 30L * 1000 * 1000;

    private static Testbed bed;
    private static StrongSwanClient strongswan;

    @BeforeAll
    static void start() throws IOException
    {
        strongswan = StrongSwanClient.prepare("hdit-ikev2", "");
        bed = Testbed.start(1, c -> c
            .extraLine("username " + USER + " password " + PASSWORD + " mschap")
            .extraLine("group-policy GP attributes")
            .extraLine(" vpn-tunnel-protocol ssl-client ikev2")
            .extraLine("crypto ikev2 enable outside client-services port 443"));
        final Path serverCert = strongswan.dir().resolve("server-cert.pem");
        Files.copy(bed.headend().stateDir().resolve("server-cert.pem"), serverCert);
        // the headend's certificate is pinned (it is self-signed); the pool's network goes through the tunnel
        strongswan.start(bed.net().client(1), """
            connections {
              home {
                version = 2
                remote_addrs = %s
                vips = 0.0.0.0
                encap = yes
                proposals = aes256gcm16-prfsha384-ecp384
                local { auth = eap-mschapv2
                        eap_id = %s }
                remote { auth = pubkey
                         certs = %s }
                children {
                  home { remote_ts = 192.168.100.0/24
                         esp_proposals = aes256gcm16
                         start_action = none }
                }
              }
            }
            secrets {
              eap-user { id = %s
                         secret = "%s" }
            }
            """.formatted(Netns.SERVER_ADDRESS, USER, serverCert, USER, PASSWORD));
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

    private static Cmd.Result swanctl(final String... args)
    {
        return strongswan.swanctl(args);
    }

    private static String charonLog() throws IOException
    {
        return strongswan.log();
    }

    @Test
    void shouldConnectAStrongSwanClientThroughEspAndEndItsSaOnLogoff() throws IOException
    {
        final Cmd.Result up = swanctl("--initiate", "--child", "home", "--timeout", "30");
        assertTrue(up.ok(), "initiate:\n" + up.output() + "\n" + charonLog() + "\n"
            + bed.headend().process().tails(60));
        assertTrue(charonLog().contains("EAP method EAP_MSCHAPV2 succeeded, MSK established"), charonLog());
        assertTrue(Netns.exec(bed.net().client(1), "ip", "-4", "addr").output().contains(ApplianceConfig.POOL_FIRST),
            "the pool's first address from CP is on the client");
        assertTrue(Files.readString(strongswan.dir().resolve("resolv.conf")).contains(ApplianceConfig.GATEWAY),
            "the group-policy's DNS server from CP");

        final NetTools.PingResult ping = NetTools.ping(bed.net().client(1), ApplianceConfig.GATEWAY, 5,
            ApplianceConfig.POOL_FIRST);
        assertEquals(5, ping.received(), "pings through ESP to the inside gateway address:\n" + ping.output());

        final NetTools.TransferResult upload = NetTools.transfer(bed.net().client(1), bed.net().server(),
            ApplianceConfig.GATEWAY, 5001, TRANSFER_BYTES, Duration.ofSeconds(90));
        assertEquals(TRANSFER_BYTES, upload.receivedBytes());
        assertEquals(upload.sentSha256(), upload.receivedSha256(), "SHA-256 sent vs received through ESP");
        final NetTools.TransferResult download = NetTools.transfer(bed.net().server(), bed.net().client(1),
            ApplianceConfig.POOL_FIRST, 5002, TRANSFER_BYTES, Duration.ofSeconds(90));
        assertEquals(TRANSFER_BYTES, download.receivedBytes());
        assertEquals(download.sentSha256(), download.receivedSha256(), "SHA-256 sent vs received through ESP");
        System.out.printf("headend IKEv2/ESP client->server: %.0f Mbit/s, server->client: %.0f Mbit/s%n",
            upload.megabitsPerSecond(), download.megabitsPerSecond());

        final String ikeSas = bed.headend().console("show crypto ikev2 sa");
        assertTrue(ikeSas.contains("READY") && ikeSas.contains(Netns.clientAddress(1) + "/4500"), ikeSas);
        final String ipsecSas = bed.headend().console("show crypto ipsec sa");
        assertTrue(ipsecSas.contains("current inbound spi") && ipsecSas.contains("current_peer: "
            + Netns.clientAddress(1)), ipsecSas);
        final java.util.regex.Matcher decaps = java.util.regex.Pattern.compile("#pkts decaps: (\\d+)")
            .matcher(ipsecSas);
        assertTrue(decaps.find() && Long.parseLong(decaps.group(1)) > TRANSFER_BYTES / 1500, ipsecSas);

        final List<HeadendProcess.Session> sessions = bed.headend().sessions();
        assertEquals(1, sessions.size(), sessions.toString());
        assertEquals(USER, sessions.get(0).username());
        assertEquals(ApplianceConfig.POOL_FIRST, sessions.get(0).assignedIp());
        final String listed = bed.headend().console("show vpn-sessiondb anyconnect");
        assertTrue(listed.contains("IKEv2 IPsecOverNatT"), listed);
        assertTrue(listed.contains("AES-GCM-256"), listed);

        final String answer = bed.headend().console("vpn-sessiondb logoff name " + USER + " noconfirm");
        assertTrue(answer.contains("logged off : 1"), answer);
        for (int i = 0; i < 100 && !charonLog().contains("received DELETE for IKE_SA home"); i++)
        {
            LockSupport.parkNanos(100_000_000L);
        }
        assertTrue(charonLog().contains("received DELETE for IKE_SA home"), charonLog());
        for (int i = 0; i < 50 && swanctl("--list-sas").output().contains("home:"); i++)
        {
            LockSupport.parkNanos(100_000_000L);
        }
        assertFalse(swanctl("--list-sas").output().contains("home:"), "the client's SA is gone after logoff");
        bed.headend().awaitSessionCount(0, Duration.ofSeconds(5));
    }
}
