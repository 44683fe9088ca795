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
 * IKEv2 remote access from the appliance's real entry point, configured as on an ASA: {@code crypto ikev2 policy}
 * blocks (the client's first proposal matches none, its second the AES-CBC policy), an ipsec-proposal of AES-GCM-128
 * reached through {@code crypto dynamic-map}/{@code crypto map … interface outside}, a local user kept with
 * {@code password ... mschap}. {@code crypto ca trustpoint}, {@code crypto ikev2 remote-access trustpoint} and
 * {@code crypto ikev2 enable outside} are typed on the running appliance. A second connection sends IDi
 * {@code keyid:SALES}: it lands in tunnel-group SALES, whose group-policy splits the tunnel, so its TSr 0.0.0.0/0 is
 * narrowed to the split network. A third sends IDi {@code keyid:RADGROUP}, a tunnel-group that authenticates with
 * RADIUS, and no server answers there: its login is refused, not answered from the local users (Ikev2RadiusIT logs in
 * through a real server). strongSwan's charon (kernel-libipsec, ESP
 * in UDP) in the client namespace verifies the headend's ECDSA certificate against the test CA and authenticates
 * itself with EAP-MSCHAPv2, gets the pool's first address and the group-policy's DNS server, pings the inside gateway
 * address and moves 30 MB each way checksummed through ESP, is listed by {@code show vpn-sessiondb anyconnect} as
 * {@code IKEv2 IPsecOverNatT} and by {@code show crypto ikev2 sa} / {@code show crypto ipsec sa} (SPIs, counters),
 * loses its SA when the operator logs the user off, and again when {@code no crypto ikev2 enable outside} is typed,
 * after which UDP 500 no longer answers until IKEv2 is enabled again.
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
            // an IDi that names no tunnel-group lands in DefaultRAGroup, the ASA's IPsec default
            .extraLine("tunnel-group DefaultRAGroup general-attributes")
            .extraLine(" address-pool POOL")
            .extraLine(" default-group-policy GP")
            .extraLine("crypto ipsec ikev2 ipsec-proposal GCM128")
            .extraLine(" protocol esp encryption aes-gcm")
            .extraLine(" protocol esp integrity null")
            .extraLine("crypto dynamic-map DYN 10 set ikev2 ipsec-proposal GCM128")
            .extraLine("crypto map OUTSIDE_MAP 65535 ipsec-isakmp dynamic DYN")
            .extraLine("crypto map OUTSIDE_MAP interface outside")
            .extraLine("crypto ikev2 policy 10")
            .extraLine(" encryption aes-gcm-256")
            .extraLine(" group 21")
            .extraLine(" prf sha512")
            .extraLine("crypto ikev2 policy 20")
            .extraLine(" encryption aes-256")
            .extraLine(" integrity sha384")
            .extraLine(" group 19")
            .extraLine(" lifetime seconds 7200")
            // tunnel-group SALES, chosen by the client's IDi, splits the tunnel to the pool's network
            .extraLine("access-list SPLIT standard permit 192.168.100.0 255.255.255.0")
            .extraLine("group-policy SALESGP internal")
            .extraLine("group-policy SALESGP attributes")
            .extraLine(" vpn-tunnel-protocol ikev2")
            .extraLine(" split-tunnel-policy tunnelspecified")
            .extraLine(" split-tunnel-network-list value SPLIT")
            .extraLine("tunnel-group SALES type remote-access")
            .extraLine("tunnel-group SALES general-attributes")
            .extraLine(" address-pool POOL")
            .extraLine(" default-group-policy SALESGP")
            // a tunnel-group that authenticates with RADIUS, where nothing answers: IKEv2 logins are refused
            .extraLine("aaa-server RAD protocol radius")
            .extraLine("aaa-server RAD (outside) host 127.0.0.1")
            .extraLine(" key radius-secret")
            .extraLine("tunnel-group RADGROUP type remote-access")
            .extraLine("tunnel-group RADGROUP general-attributes")
            .extraLine(" address-pool POOL")
            .extraLine(" authentication-server-group RAD")
            .extraLine(" default-group-policy SALESGP"));
        // a test CA, and the headend's ECDSA P-384 certificate from it in a trustpoint file on disk0:
        final Path ca = strongswan.dir().resolve("ca");
        Files.createDirectories(ca);
        Cmd.check("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-days", "2", "-subj", "/CN=IKE IT CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
            "keyUsage=critical,keyCertSign,cRLSign", "-keyout", ca.resolve("ca.key").toString(), "-out",
            ca.resolve("ca.pem").toString());
        Cmd.check("openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384", "-nodes",
            "-subj", "/CN=vpn.ike.test", "-keyout", ca.resolve("vpn.key").toString(), "-out",
            ca.resolve("vpn.csr").toString());
        Files.writeString(ca.resolve("ext.cnf"), "subjectAltName=DNS:vpn.ike.test\nextendedKeyUsage=serverAuth\n");
        Cmd.check("openssl", "x509", "-req", "-in", ca.resolve("vpn.csr").toString(), "-CA",
            ca.resolve("ca.pem").toString(), "-CAkey", ca.resolve("ca.key").toString(), "-set_serial", "7", "-days",
            "2", "-extfile", ca.resolve("ext.cnf").toString(), "-out", ca.resolve("vpn.pem").toString());
        final Path identity = bed.headend().stateDir().resolve("disk0/ike/vpn.pem");
        Files.createDirectories(identity.getParent());
        Files.writeString(identity, Files.readString(ca.resolve("vpn.pem")) + Files.readString(ca.resolve("vpn.key")));
        // the headend is trusted through the CA, not pinned; the pool's network goes through the tunnel
        strongswan.start(bed.net().client(1), """
            connections {
              home {
                version = 2
                remote_addrs = %1$s
                vips = 0.0.0.0
                encap = yes
                proposals = aes256gcm16-prfsha384-ecp384, aes256-sha384-prfsha384-ecp256
                local { auth = eap-mschapv2
                        eap_id = %2$s }
                remote { auth = pubkey
                         cacerts = %3$s }
                children {
                  home { remote_ts = 192.168.100.0/24
                         esp_proposals = aes256gcm16, aes128gcm16
                         start_action = none }
                }
              }
              sales {
                version = 2
                remote_addrs = %1$s
                vips = 0.0.0.0
                encap = yes
                proposals = aes256-sha384-prfsha384-ecp256
                local { auth = eap-mschapv2
                        id = keyid:SALES
                        eap_id = %2$s }
                remote { auth = pubkey
                         cacerts = %3$s }
                children {
                  sales { remote_ts = 0.0.0.0/0
                          esp_proposals = aes128gcm16
                          start_action = none }
                }
              }
              radius {
                version = 2
                remote_addrs = %1$s
                vips = 0.0.0.0
                encap = yes
                proposals = aes256-sha384-prfsha384-ecp256
                local { auth = eap-mschapv2
                        id = keyid:RADGROUP
                        eap_id = %2$s }
                remote { auth = pubkey
                         cacerts = %3$s }
                children {
                  radius { remote_ts = 0.0.0.0/0
                           esp_proposals = aes128gcm16
                           start_action = none }
                }
              }
            }
            secrets {
              eap-user { id = %2$s
                         secret = "%4$s" }
            }
            """.formatted(Netns.SERVER_ADDRESS, USER, ca.resolve("ca.pem"), PASSWORD));
        // typed on the running appliance: the trustpoint, the certificate IKEv2 uses, and IKEv2 itself
        configure("crypto ca trustpoint VPN-TP", "identity-certificate disk0:/ike/vpn.pem", "exit",
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

    private static Cmd.Result swanctl(final String... args)
    {
        return strongswan.swanctl(args);
    }

    private static String charonLog() throws IOException
    {
        return strongswan.log();
    }

    /** Types {@code lines} in configuration mode; fails on any error. */
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

    private static Cmd.Result initiate()
    {
        return swanctl("--initiate", "--child", "home", "--timeout", "30");
    }

    private static void awaitDeletes(final int count) throws IOException
    {
        for (int i = 0; i < 100 && deletes() < count; i++)
        {
            LockSupport.parkNanos(100_000_000L);
        }
        assertEquals(count, deletes(), charonLog());
        for (int i = 0; i < 50 && swanctl("--list-sas").output().contains("home:"); i++)
        {
            LockSupport.parkNanos(100_000_000L);
        }
        assertFalse(swanctl("--list-sas").output().contains("home:"), "the client's SA is gone");
    }

    private static int deletes() throws IOException
    {
        return charonLog().split("received DELETE for IKE_SA home", -1).length - 1;
    }

    @Test
    void shouldConnectAStrongSwanClientThroughEspAndEndItsSaOnLogoffAndWhenIkev2IsDisabled() throws IOException
    {
        final Cmd.Result up = initiate();
        assertTrue(up.ok(), "initiate:\n" + up.output() + "\n" + charonLog() + "\n"
            + bed.headend().process().tails(60));
        final String log = charonLog();
        assertTrue(log.contains("IKE:AES_CBC_256/HMAC_SHA2_384_192/PRF_HMAC_SHA2_384/ECP_256"),
            "the client's second proposal matches crypto ikev2 policy 20:\n" + log);
        assertTrue(log.contains("ESP:AES_GCM_16_128"), "the crypto map's ipsec-proposal is AES-GCM-128:\n" + log);
        assertTrue(log.contains("using trusted ca certificate \"CN=IKE IT CA\""), log);
        assertTrue(log.contains("authentication of 'CN=vpn.ike.test' with ECDSA"), "the trustpoint's key signs:\n"
            + log);
        assertTrue(log.contains("EAP method EAP_MSCHAPV2 succeeded, MSK established"), log);
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
        assertTrue(listed.contains("AES-GCM-128"), listed);

        final String answer = bed.headend().console("vpn-sessiondb logoff name " + USER + " noconfirm");
        assertTrue(answer.contains("logged off : 1"), answer);
        awaitDeletes(1);
        bed.headend().awaitSessionCount(0, Duration.ofSeconds(5));

        // no crypto ikev2 enable: the connected client is told, and IKE is no longer answered
        assertTrue(initiate().ok(), charonLog());
        bed.headend().awaitSessionCount(1, Duration.ofSeconds(5));
        configure("no crypto ikev2 enable outside");
        awaitDeletes(2);
        bed.headend().awaitSessionCount(0, Duration.ofSeconds(5));
        final String none = bed.headend().console("show crypto ikev2 sa");
        assertTrue(none.contains("There are no IKEv2 SAs"), none);
        assertFalse(swanctl("--initiate", "--child", "home", "--timeout", "8").ok(),
            "UDP 500 is closed while IKEv2 is disabled");
        swanctl("--terminate", "--ike", "home", "--force");
        configure("crypto ikev2 enable outside");
        assertTrue(initiate().ok(), "IKEv2 answers again once enabled:\n" + charonLog());
        swanctl("--terminate", "--ike", "home");
        bed.headend().awaitSessionCount(0, Duration.ofSeconds(10));
    }

    @Test
    void shouldPutAClientInTheTunnelGroupItsIdiNamesAndSplitItsTunnelAsTheGroupPolicySays() throws IOException
    {
        final Cmd.Result up = swanctl("--initiate", "--child", "sales", "--timeout", "30");
        assertTrue(up.ok(), "initiate:\n" + up.output() + "\n" + charonLog() + "\n"
            + bed.headend().process().tails(60));
        final String listed = bed.headend().console("show vpn-sessiondb anyconnect");
        assertTrue(listed.contains("SALESGP") && listed.contains("SALES"), "IDi keyid:SALES selects it:\n" + listed);
        final String sas = swanctl("--list-sas", "--ike", "sales").output();
        assertTrue(sas.contains("remote 192.168.100.0/24"), "TSr narrowed from 0.0.0.0/0 to the split list:\n" + sas);
        final NetTools.PingResult ping = NetTools.ping(bed.net().client(1), ApplianceConfig.GATEWAY, 3,
            ApplianceConfig.POOL_FIRST);
        assertEquals(3, ping.received(), "the split network is reached through ESP:\n" + ping.output());
        swanctl("--terminate", "--ike", "sales");
        bed.headend().awaitSessionCount(0, Duration.ofSeconds(10));
    }

    @Test
    void shouldRefuseAnIkev2LoginToARadiusTunnelGroupWhoseServerDoesNotAnswer() throws IOException
    {
        final Cmd.Result up = swanctl("--initiate", "--child", "radius", "--timeout", "30");
        assertFalse(up.ok(), "the group's RADIUS server does not answer: the local users must not\n" + up.output());
        assertTrue(charonLog().contains("received AUTHENTICATION_FAILED notify"), charonLog());
        // the refusal is logged on the control thread, which may write it after swanctl has returned
        bed.headend().process().waitFor("no server of aaa-server RAD is available", Duration.ofSeconds(10));
        assertTrue(bed.headend().sessions().isEmpty(), "no session is left behind");
    }
}
