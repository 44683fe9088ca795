package org.headend.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * IKEv2 remote access from the appliance's real entry point, configured as on an ASA, with strongSwan's charon
 * (kernel-libipsec, ESP in UDP) as the client; one appliance and its clients serve every test here. {@code crypto
 * ikev2 policy} blocks (the client's first proposal matches none, its second the AES-CBC policy), an ipsec-proposal
 * of AES-GCM-128 with {@code set pfs group20}, a local user kept with {@code password ... mschap}; the trustpoint
 * and {@code crypto ikev2 enable outside} are typed on the running appliance ({@link Ikev2Bed}).
 * <ul>
 * <li>The client verifies the headend's ECDSA certificate through the test CA, logs in with EAP-MSCHAPv2, gets the
 * pool's first address and the group-policy's DNS server, pings the inside host, and is listed as {@code IKEv2
 * IPsecOverNatT}. Under a ping stream and then under a checksummed 100 MB upload (and 30 MB download) it rekeys its
 * CHILD_SA and its IKE SA: no ping is lost, the transfers arrive whole, and {@code show crypto ipsec sa} / {@code show
 * crypto ikev2 sa} show the SPIs the client shows. Its liveness checks are answered; {@code swanctl --terminate}
 * removes the session.</li>
 * <li>Logoff from the CLI, and {@code no crypto ikev2 enable outside}, delete the client's SA; UDP 500 and 4500 are
 * then closed until IKEv2 is enabled again.</li>
 * <li>IDi {@code keyid:SALES} lands in tunnel-group SALES, whose group-policy splits the tunnel: TSr 0.0.0.0/0 is
 * narrowed to the split network. IDi {@code keyid:RADGROUP} names a tunnel-group that authenticates with RADIUS where
 * no server answers: refused, not answered from the local users (Ikev2RadiusIT logs in through a real server).</li>
 * <li>RFC 7383 fragmentation both ways: charon sends no IKE datagram above 400 bytes; the appliance's IKE_AUTH
 * response (the certificate chain) goes in fragments of {@code crypto ikev2 fragmentation mtu 576}. A rekey with a KE
 * of group 19 is answered INVALID_KE_PAYLOAD (the map wants group 20) and the retry rekeys.</li>
 * <li>A second client behind a masquerading router ({@link NatRouter}), not asking for encapsulation, finds the NAT
 * itself (RFC 7296 §2.23), floats to 4500, sends ESP in UDP and keepalives (RFC 3948) from the mapped ports, and is
 * listed from the router's address.</li>
 * </ul>
 */
@ExtendWith(HarnessExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class Ikev2RemoteAccessIT
{
    private static final String USER = "alice";
    private static final String PASSWORD = "Wonderland-42";
    private static final long UPLOAD_BYTES = 100L * 1000 * 1000;
    private static final long DOWNLOAD_BYTES = 30L * 1000 * 1000;
    /** The upload's pace: at least 10 s of traffic, so that both rekeys happen while it runs. */
    private static final long UPLOAD_BYTES_PER_SECOND = 10L * 1000 * 1000;
    /** A local UDP address on port 500 or 4500 in {@code ss -Hunl}. */
    private static final Pattern IKE_PORTS = Pattern.compile(":(500|4500)\\s");
    private static final List<String> CONNECTIONS = List.of("home", "sales", "radius", "frag");

    private static Ikev2Bed ike;
    private static StrongSwanClient strongswan;
    private static NatRouter nat;
    private static StrongSwanClient natted;

    @BeforeAll
    static void start() throws IOException
    {
        ike = Ikev2Bed.start(2, true, "aes-gcm", c -> c
            .extraLine("username " + USER + " password " + PASSWORD + " mschap")
            .extraLine("crypto dynamic-map DYN 10 set pfs group20")
            .extraLine("crypto ikev2 policy 10")
            .extraLine(" encryption aes-gcm-256")
            .extraLine(" group 21")
            .extraLine(" prf sha512")
            .extraLine("crypto ikev2 policy 20")
            .extraLine(" encryption aes-256")
            .extraLine(" integrity sha384")
            .extraLine(" group 19")
            .extraLine(" lifetime seconds 7200")
            .extraLine("crypto ikev2 fragmentation mtu 576")
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
            .extraLine(" timeout 2")
            .extraLine(" retry-interval 1")
            .extraLine("tunnel-group RADGROUP type remote-access")
            .extraLine("tunnel-group RADGROUP general-attributes")
            .extraLine(" address-pool POOL")
            .extraLine(" authentication-server-group RAD")
            .extraLine(" default-group-policy SALESGP"));
        // fragment_size: every IKE datagram above 400 bytes goes in RFC 7383 fragments (where the peer offers them)
        strongswan = ike.client("hdit-ikev2", "fragment_size = 400", ike.bed().net().client(1), List.of(
            // liveness checks every 2 s; the rekeys' KE is of group 20, the map's set pfs
            Ikev2Bed.Connection.of("home", USER)
                .proposals("aes256gcm16-prfsha384-ecp384, aes256-sha384-prfsha384-ecp256")
                .option("dpd_delay = 2s")
                .remoteTs("192.168.100.0/24, " + Netns.INSIDE_HOST_ADDRESS + "/32")
                .espProposals("aes256gcm16-ecp384, aes128gcm16-ecp384"),
            Ikev2Bed.Connection.of("sales", USER).idi("keyid:SALES")
                .proposals("aes256-sha384-prfsha384-ecp256").espProposals("aes128gcm16"),
            Ikev2Bed.Connection.of("radius", USER).idi("keyid:RADGROUP")
                .proposals("aes256-sha384-prfsha384-ecp256").espProposals("aes128gcm16"),
            // many ESP proposals and selectors make IKE_AUTH and the rekey (with a KE) larger than 400 bytes; the
            // first ESP proposal's group is 19, so that the appliance asks for 20 in the rekey
            Ikev2Bed.Connection.of("frag", USER)
                .proposals("aes256-sha384-prfsha384-ecp256")
                .option("fragmentation = force")
                .remoteTs("192.168.100.0/24, 10.81.1.0/24, 10.81.2.0/24, 10.81.3.0/24, 10.81.4.0/24, 10.81.5.0/24")
                .espProposals("aes256gcm16-ecp256-ecp384, aes128gcm16-ecp256-ecp384, aes256gcm12-ecp384, "
                    + "aes128gcm12-ecp384, aes256gcm8-ecp384")), Map.of(USER, PASSWORD));
        nat = ike.own(NatRouter.behind(ike.bed().net().client(2)));
        // keepalives every 2 s rather than 20, so that the test sees them without waiting
        natted = ike.client("hdit-ikenat", "keep_alive = 2s", nat.lan(), List.of(
            Ikev2Bed.Connection.of("home", USER).natDetection()
                .proposals("aes256-sha384-prfsha384-ecp256")
                .remoteTs(Netns.INSIDE_HOST_ADDRESS + "/32").espProposals("aes128gcm16")), Map.of(USER, PASSWORD));
        ike.enable();
    }

    @AfterEach
    void endSessions()
    {
        for (final String connection : CONNECTIONS)
        {
            strongswan.swanctl("--terminate", "--ike", connection, "--force");
        }
        natted.swanctl("--terminate", "--ike", "home", "--force");
        ike.headend().awaitSessionCount(0, Duration.ofSeconds(10));
    }

    @AfterAll
    static void stop() throws IOException
    {
        if (ike != null)
        {
            ike.close();
        }
    }

    private static HeadendProcess headend()
    {
        return ike.headend();
    }

    private static String charonLog()
    {
        try
        {
            return strongswan.log();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static int count(final String regex)
    {
        return (int)Pattern.compile(regex).matcher(charonLog()).results().count();
    }

    /** Brings {@code connection} up from the main client; fails with both ends' logs if it does not come up. */
    private static void initiate(final String connection)
    {
        final Cmd.Result up = strongswan.swanctl("--initiate", "--child", connection, "--timeout", "30");
        assertTrue(up.ok(), "initiate " + connection + ":\n" + up.output() + "\n" + charonLog() + "\n"
            + headend().process().tails(60));
    }

    private static Ikev2Spis clientSpis()
    {
        return Ikev2Spis.ofClient(strongswan.swanctl("--list-sas", "--ike", "home").output());
    }

    private static Ikev2Spis serverSpis()
    {
        return Ikev2Spis.ofServer(headend().console("show crypto ikev2 sa"), headend().console("show crypto ipsec sa"));
    }

    /**
     * Has the client rekey its CHILD_SA, then its IKE SA, each time waiting until both ends show the same new SPIs
     * (the old SA deleted); returns the SPIs after both.
     */
    private static Ikev2Spis rekeyBoth(final Ikev2Spis before)
    {
        assertTrue(strongswan.swanctl("--rekey", "--child", "home").ok());
        final Ikev2Spis[] now = {before};
        assertTrue(Ikev2Bed.await(Duration.ofSeconds(30), () -> settled(now) && now[0].newChildSa(before)),
            "CHILD_SA rekeyed at both ends: before " + before + ", now " + now[0] + "\n" + charonLog());
        final Ikev2Spis childRekeyed = now[0];
        assertTrue(strongswan.swanctl("--rekey", "--ike", "home").ok());
        assertTrue(Ikev2Bed.await(Duration.ofSeconds(30), () -> settled(now) && now[0].newIkeSa(childRekeyed)),
            "IKE SA rekeyed at both ends: before " + childRekeyed + ", now " + now[0] + "\n" + charonLog());
        assertEquals(childRekeyed.espToClient(), now[0].espToClient(), "the IKE rekey keeps the CHILD_SA");
        return now[0];
    }

    /** Whether one IKE SA and one CHILD_SA are left at each end, with the same SPIs; puts them in {@code now[0]}. */
    private static boolean settled(final Ikev2Spis[] now)
    {
        final String list = strongswan.swanctl("--list-sas", "--ike", "home").output();
        final String ikev2 = headend().console("show crypto ikev2 sa");
        final String ipsec = headend().console("show crypto ipsec sa");
        if (count(list, "ESTABLISHED") != 1 || count(list, "INSTALLED") != 1 || count(list, "\\bin\\s+[0-9a-f]{8}") != 1
            || count(ikev2, "Local spi:") != 1 || count(ipsec, "current inbound spi") != 1)
        {
            return false;
        }
        final Ikev2Spis client = Ikev2Spis.ofClient(list);
        if (!client.equals(Ikev2Spis.ofServer(ikev2, ipsec)))
        {
            return false;
        }
        now[0] = client;
        return true;
    }

    private static int count(final String text, final String regex)
    {
        return (int)Pattern.compile(regex).matcher(text).results().count();
    }

    @Test
    void shouldMove100MbAndRekeyBothSasUnderTrafficAnswerLivenessChecksAndEndTheSessionOnTerminate()
        throws IOException
    {
        initiate("home");
        final String log = charonLog();
        assertTrue(log.contains("IKE:AES_CBC_256/HMAC_SHA2_384_192/PRF_HMAC_SHA2_384/ECP_256"),
            "the client's second proposal matches crypto ikev2 policy 20:\n" + log);
        assertTrue(log.contains("ESP:AES_GCM_16_128"), "the crypto map's ipsec-proposal is AES-GCM-128:\n" + log);
        assertTrue(log.contains("using trusted ca certificate \"CN=IKE IT CA\""), log);
        assertTrue(log.contains("authentication of 'CN=vpn.ike.test' with ECDSA"), "the trustpoint's key signs:\n"
            + log);
        assertTrue(log.contains("EAP method EAP_MSCHAPV2 succeeded, MSK established"), log);
        final String client = ike.bed().net().client(1);
        assertTrue(Netns.exec(client, "ip", "-4", "addr").output().contains(ApplianceConfig.POOL_FIRST),
            "the pool's first address from CP is on the client");
        assertTrue(Files.readString(strongswan.dir().resolve("resolv.conf")).contains(ApplianceConfig.GATEWAY),
            "the group-policy's DNS server from CP");
        final NetTools.PingResult ping = NetTools.ping(client, Netns.INSIDE_HOST_ADDRESS, 5,
            ApplianceConfig.POOL_FIRST);
        assertEquals(5, ping.received(), "pings through ESP to the inside host:\n" + ping.output());
        final List<HeadendProcess.Session> sessions = headend().sessions();
        assertEquals(1, sessions.size(), sessions.toString());
        assertEquals(USER, sessions.get(0).username());
        assertEquals(ApplianceConfig.POOL_FIRST, sessions.get(0).assignedIp());
        final String listed = headend().console("show vpn-sessiondb anyconnect");
        assertTrue(listed.contains("IKEv2 IPsecOverNatT") && listed.contains("AES-GCM-128"), listed);
        final Ikev2Spis first = clientSpis();
        assertEquals(first, serverSpis(), "both ends show the same SPIs");

        // both rekeys under a ping stream (100 a second): none may be lost
        final long idle = decaps();
        final CompletableFuture<NetTools.PingTimes> stream = CompletableFuture.supplyAsync(
            () -> NetTools.pingTimes(client, Netns.INSIDE_HOST_ADDRESS, 1000));
        assertTrue(Ikev2Bed.await(Duration.ofSeconds(20), () -> decaps() > idle + 50), "the ping stream runs");
        final long rekeyStart = System.nanoTime();
        final Ikev2Spis second = rekeyBoth(first);
        final long rekeyMillis = (System.nanoTime() - rekeyStart) / 1_000_000;
        assertFalse(stream.isDone(), "the rekeys ended while the ping stream ran");
        final NetTools.PingTimes pings = stream.join();
        assertEquals(pings.transmitted(), pings.received(), "no ping lost to the rekeys:\n" + pings.summary());

        // both rekeys again under a checksummed 100 MB upload and a 30 MB download
        final CompletableFuture<NetTools.TransferResult> upload = CompletableFuture.supplyAsync(
            () -> NetTools.transfer(client, ike.bed().net().inside(), Netns.INSIDE_HOST_ADDRESS, 5001, UPLOAD_BYTES,
                UPLOAD_BYTES_PER_SECOND, Duration.ofSeconds(150)));
        final CompletableFuture<NetTools.TransferResult> download = CompletableFuture.supplyAsync(
            () -> NetTools.transfer(ike.bed().net().inside(), client, ApplianceConfig.POOL_FIRST, 5002,
                DOWNLOAD_BYTES, Duration.ofSeconds(150)));
        final long decapsBefore = decaps();
        assertTrue(Ikev2Bed.await(Duration.ofSeconds(30), () -> decaps() > decapsBefore + 1000),
            "the upload runs");
        final Ikev2Spis third = rekeyBoth(second);
        assertFalse(upload.isDone(), "the rekeys ended while the upload ran");
        final NetTools.TransferResult up = upload.join();
        assertEquals(UPLOAD_BYTES, up.receivedBytes());
        assertEquals(up.sentSha256(), up.receivedSha256(), "SHA-256 sent vs received through ESP");
        final NetTools.TransferResult down = download.join();
        assertEquals(DOWNLOAD_BYTES, down.receivedBytes());
        assertEquals(down.sentSha256(), down.receivedSha256(), "SHA-256 sent vs received through ESP");
        System.out.printf("headend IKEv2/ESP client->inside: %.0f Mbit/s (paced), inside->client: %.0f Mbit/s,"
            + " %d pings over two rekeys (%d ms), none lost%n", up.megabitsPerSecond(), down.megabitsPerSecond(),
            pings.transmitted(), rekeyMillis);
        assertTrue(decaps() > UPLOAD_BYTES / 1500, "the rekeyed SA counts the upload:\n"
            + headend().console("show crypto ipsec sa"));

        // the client's liveness checks (every 2 s when idle) are answered on the rekeyed IKE SA
        final int probes = count("parsed INFORMATIONAL response \\d+ \\[ \\]");
        assertTrue(Ikev2Bed.await(Duration.ofSeconds(20),
            () -> count("parsed INFORMATIONAL response \\d+ \\[ \\]") > probes),
            "liveness checks answered:\n" + charonLog());
        assertEquals(third, clientSpis(), "the liveness checks keep the SAs");

        // the client deletes its IKE SA: the session ends with it
        assertTrue(strongswan.swanctl("--terminate", "--ike", "home").ok(), charonLog());
        headend().awaitSessionCount(0, Duration.ofSeconds(10));
        assertTrue(headend().console("show vpn-sessiondb anyconnect").contains("no active sessions"));
        assertTrue(headend().console("show crypto ikev2 sa").contains("There are no IKEv2 SAs"));
        assertTrue(headend().console("show crypto ipsec sa").contains("There are no ipsec sas"));
    }

    /** The appliance's {@code #pkts decaps} of its one client. */
    private static long decaps()
    {
        final Matcher m = Pattern.compile("#pkts decaps: (\\d+)").matcher(headend().console("show crypto ipsec sa"));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static void awaitDelete(final int before)
    {
        assertTrue(Ikev2Bed.await(Duration.ofSeconds(10),
            () -> count("received DELETE for IKE_SA home") > before), charonLog());
        assertTrue(Ikev2Bed.await(Duration.ofSeconds(5),
            () -> !strongswan.swanctl("--list-sas").output().contains("home:")), "the client's SA is gone");
    }

    /** The UDP sockets listening in the appliance's namespace, as {@code ss} lists them. */
    private static String ikeSockets()
    {
        return Netns.exec(ike.bed().net().server(), "ss", "-Hunl").output();
    }

    @Test
    void shouldEndTheClientsSaOnLogoffAndWhenIkev2IsDisabled()
    {
        initiate("home");
        final int deletes = count("received DELETE for IKE_SA home");
        final String answer = headend().console("vpn-sessiondb logoff name " + USER + " noconfirm");
        assertTrue(answer.contains("logged off : 1"), answer);
        awaitDelete(deletes);
        headend().awaitSessionCount(0, Duration.ofSeconds(5));

        // no crypto ikev2 enable: the connected client is told, and IKE is no longer answered
        initiate("home");
        headend().awaitSessionCount(1, Duration.ofSeconds(5));
        assertTrue(IKE_PORTS.matcher(ikeSockets()).find(), "enabled, IKEv2 listens:\n" + ikeSockets());
        ike.configure("no crypto ikev2 enable outside");
        try
        {
            awaitDelete(deletes + 1);
            headend().awaitSessionCount(0, Duration.ofSeconds(5));
            final String none = headend().console("show crypto ikev2 sa");
            assertTrue(none.contains("There are no IKEv2 SAs"), none);
            final String sockets = ikeSockets();
            assertFalse(IKE_PORTS.matcher(sockets).find(), "UDP 500 and 4500 are closed while IKEv2 is disabled:\n"
                + sockets);
        }
        finally
        {
            ike.configure("crypto ikev2 enable outside");
        }
        initiate("home");
    }

    @Test
    void shouldPutAClientInTheTunnelGroupItsIdiNamesAndSplitItsTunnelAsTheGroupPolicySays()
    {
        initiate("sales");
        final String listed = headend().console("show vpn-sessiondb anyconnect");
        assertTrue(listed.contains("SALESGP") && listed.contains("SALES"), "IDi keyid:SALES selects it:\n" + listed);
        final String sas = strongswan.swanctl("--list-sas", "--ike", "sales").output();
        assertTrue(sas.contains("remote 192.168.100.0/24"), "TSr narrowed from 0.0.0.0/0 to the split list:\n" + sas);
        final NetTools.PingResult ping = NetTools.ping(ike.bed().net().client(1), ApplianceConfig.GATEWAY, 3,
            ApplianceConfig.POOL_FIRST);
        assertEquals(3, ping.received(), "the split network is reached through ESP:\n" + ping.output());
    }

    @Test
    void shouldRefuseAnIkev2LoginToARadiusTunnelGroupWhoseServerDoesNotAnswer()
    {
        final int refusals = count("received AUTHENTICATION_FAILED notify");
        final Cmd.Result up = strongswan.swanctl("--initiate", "--child", "radius", "--timeout", "30");
        assertFalse(up.ok(), "the group's RADIUS server does not answer: the local users must not\n" + up.output());
        assertEquals(refusals + 1, count("received AUTHENTICATION_FAILED notify"), charonLog());
        // the refusal is logged on the control thread, which may write it after swanctl has returned
        headend().process().waitFor("no server of aaa-server RAD is available", Duration.ofSeconds(10));
        assertTrue(headend().sessions().isEmpty(), "no session is left behind");
    }

    private static long stat(final String stats, final String name)
    {
        final Matcher m = Pattern.compile(Pattern.quote(name) + "\\s*: (\\d+)").matcher(stats);
        assertTrue(m.find(), name + " in:\n" + stats);
        return Long.parseLong(m.group(1));
    }

    @Test
    void shouldLogInThroughFragmentsBothWaysAndRekeyWithTheSetPfsGroup()
    {
        final String statsBefore = headend().console("show crypto ikev2 stats");
        final int logStart = charonLog().length();
        initiate("frag");
        final String log = charonLog().substring(logStart);
        assertTrue(Pattern.compile("generating IKE_AUTH request 1 \\[ EF\\(1/\\d\\) \\]").matcher(log).find(),
            "the client's first IKE_AUTH went in fragments:\n" + log);
        assertTrue(Pattern.compile("received fragment #\\d of [2-9], reassembled fragmented IKE message").matcher(log)
            .find(), "the appliance's IKE_AUTH response came in fragments:\n" + log);
        assertTrue(log.contains("received issuer cert \"CN=IKE IT Issuing CA\"")
            && log.contains("reached self-signed root ca with a path length of 1"),
            "the chain arrived whole and verified through the issuing CA:\n" + log);
        assertTrue(log.contains("EAP method EAP_MSCHAPV2 succeeded, MSK established"), log);
        assertEquals(3, NetTools.ping(ike.bed().net().client(1), ApplianceConfig.GATEWAY, 3,
            ApplianceConfig.POOL_FIRST).received(), "pings through ESP");
        final Matcher established = Pattern.compile("CHILD_SA frag\\{(\\d+)\\} established").matcher(log);
        assertTrue(established.find(), log);
        final String firstChild = established.group(1);

        assertTrue(strongswan.swanctl("--rekey", "--child", "frag").ok());
        final Pattern rekeyed = Pattern.compile("outbound CHILD_SA frag\\{(?!" + firstChild + "\\})\\d+\\} established");
        final String closing = "closing CHILD_SA frag{" + firstChild + "}";
        assertTrue(Ikev2Bed.await(Duration.ofSeconds(20), () ->
        {
            final String now = charonLog().substring(logStart);
            return rekeyed.matcher(now).find() && now.contains(closing);
        }), "rekeyed with group 20, the old CHILD_SA retired:\n" + charonLog().substring(logStart));
        final String after = charonLog().substring(logStart);
        assertTrue(after.contains("peer didn't accept DH group ECP_256, it requested ECP_384"),
            "set pfs group20: the appliance asked for group 20 in the rekey:\n" + after);
        assertTrue(Pattern.compile("generating CREATE_CHILD_SA request \\d \\[ EF\\(1/\\d\\) \\]").matcher(after)
            .find(), "the rekey with its KE went in fragments:\n" + after);
        assertEquals(3, NetTools.ping(ike.bed().net().client(1), ApplianceConfig.GATEWAY, 3,
            ApplianceConfig.POOL_FIRST).received(), "pings through the rekeyed CHILD_SA");

        final String stats = headend().console("show crypto ikev2 stats");
        assertTrue(stats.contains("Fragmentation (RFC 7383): MTU 576"), stats);
        assertEquals(1, stat(stats, "Active Tunnels"), stats);
        assertTrue(stat(stats, "In Fragments") - stat(statsBefore, "In Fragments") >= 4,
            "IKE_AUTH and the rekeys, two or more fragments each:\n" + stats);
        assertTrue(stat(stats, "In Reassembled Messages") - stat(statsBefore, "In Reassembled Messages") >= 2, stats);
        assertTrue(stat(stats, "Out Fragments") - stat(statsBefore, "Out Fragments") >= 3,
            "the ~2 kB IKE_AUTH response at 576 bytes:\n" + stats);
        assertTrue(stat(stats, "Out Fragmented Messages") - stat(statsBefore, "Out Fragmented Messages") >= 1, stats);
    }

    @Test
    void shouldDetectTheNatFloatToUdp4500AndCarryTrafficFromBehindAMasqueradingRouter() throws IOException
    {
        final int logStart = natted.log().length();
        final long keepalivesBefore = headend().counter("NAT keepalives");
        final Cmd.Result up = natted.swanctl("--initiate", "--child", "home", "--timeout", "30");
        assertTrue(up.ok(), "initiate:\n" + up.output() + "\n" + natted.log() + "\n" + nat.describe() + "\n"
            + headend().process().tails(60));
        final String log = natted.log().substring(logStart);
        assertTrue(log.contains("local host is behind NAT, sending keep alives"),
            "the client found the NAT from the appliance's NAT_DETECTION_DESTINATION_IP:\n" + log);
        assertTrue(log.contains("to " + Netns.SERVER_ADDRESS + "[4500]"), "IKE floated to UDP 4500:\n" + log);
        assertTrue(Netns.exec(nat.lan(), "ip", "-4", "addr").output().contains(ApplianceConfig.POOL_FIRST),
            "the pool's first address from CP is on the client");
        final NetTools.PingResult ping = NetTools.ping(nat.lan(), Netns.INSIDE_HOST_ADDRESS, 5,
            ApplianceConfig.POOL_FIRST);
        assertEquals(5, ping.received(), "pings through ESP in UDP to the inside host:\n" + ping.output());

        final String routerAddress = Netns.clientAddress(2);
        final String listed = headend().console("show vpn-sessiondb anyconnect");
        assertTrue(listed.contains("IKEv2 IPsecOverNatT"), listed);
        assertTrue(Pattern.compile("Public IP\\s*: " + Pattern.quote(routerAddress) + "\\b").matcher(listed).find(),
            "the session comes from the router's outside address:\n" + listed);
        assertFalse(listed.contains(NatRouter.LAN_HOST), "the private address is never seen:\n" + listed);
        assertTrue(listed.contains("DefaultRAGroup"), "an IDi naming no group lands in DefaultRAGroup:\n" + listed);
        final String ikeSas = headend().console("show crypto ikev2 sa");
        final Matcher remote = Pattern.compile(Pattern.quote(routerAddress) + "/(\\d+)").matcher(ikeSas);
        assertTrue(remote.find(), ikeSas);
        final int port = Integer.parseInt(remote.group(1));
        assertTrue(port >= 40_000 && port <= 40_999, "the SA answers the port the NAT mapped 4500 to:\n" + ikeSas);

        // keepalives (one byte 0xFF, RFC 3948 §2.3) reach the ESP port through the NAT and are counted
        assertTrue(Ikev2Bed.await(Duration.ofSeconds(10),
            () -> headend().counter("NAT keepalives") > keepalivesBefore),
            "NAT keepalives counted:\n" + headend().console("show counters"));
        final NetTools.PingResult after = NetTools.ping(nat.lan(), Netns.INSIDE_HOST_ADDRESS, 3,
            ApplianceConfig.POOL_FIRST);
        assertEquals(3, after.received(), "the tunnel still carries traffic:\n" + after.output());
    }
}
