package org.headend.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The IKEv2 responder core against a real client: strongSwan's charon (kernel-libipsec) in the client namespace
 * negotiates with {@link IkeInteropResponder} (the sans-IO responder on real UDP 500/4500 sockets) in the server
 * namespace: IKE_SA_INIT with NAT-T forced, IKE_AUTH in RFC 7383 fragments and with EAP-MSCHAPv2 and the client's MSK-keyed AUTH, the pool
 * address and DNS through CP, a CHILD_SA rekey with PFS, an IKE SA rekey, the client's liveness checks, and a logoff
 * that deletes the client's SA. ESP itself is not carried: this checks the IKE side of the wire, byte for byte
 * against an independent implementation.
 */
@ExtendWith(HarnessExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class IkeInteropIT
{
    private static final String PASSWORD = "Wonderland-42";
    private static final String SERVER_PSK = "server-psk-for-the-interop-test";
    private static final String POOL_ADDRESS = "192.168.100.10";
    private static final String DNS = "192.168.100.1";

    private static Netns net;
    private static StrongSwanClient strongswan;
    private static Path dir;
    private static ManagedProcess responder;

    @BeforeAll
    static void start() throws IOException
    {
        net = Netns.create();
        strongswan = StrongSwanClient.prepare("hdit-ike", "fragment_size = 200");
        dir = strongswan.dir();
        responder = InteropFixture.startResponder("ike-responder", net.server(), dir, List.of(),
            IkeInteropResponder.class, Netns.SERVER_ADDRESS, SERVER_PSK, "alice", PASSWORD, POOL_ADDRESS, DNS,
            "10.78.0.0/24", "3");
        responder.waitFor("READY", Duration.ofSeconds(60));
        strongswan.start(net.client(), InteropFixture.homeConnection("dpd_delay = 2s", PASSWORD, SERVER_PSK));
    }

    @AfterAll
    static void stop() throws IOException
    {
        InteropFixture.stop(responder, net, strongswan);
    }

    private static Cmd.Result swanctl(final String... args)
    {
        return strongswan.swanctl(args);
    }

    private static String charonLog() throws IOException
    {
        return strongswan.log();
    }

    private static int count(final String regex) throws IOException
    {
        return (int)Pattern.compile(regex).matcher(charonLog()).results().count();
    }

    private static void waitForLog(final String regex, final int atLeast) throws IOException
    {
        for (int i = 0; i < 150 && count(regex) < atLeast; i++)
        {
            LockSupport.parkNanos(100_000_000L);
        }
        assertTrue(count(regex) >= atLeast, "charon log lacks /" + regex + "/:\n" + charonLog());
    }

    @Test
    void shouldLogAStrongSwanClientInWithEapMsChapV2RekeyProbeAndLogItOff() throws IOException
    {
        final Cmd.Result up = swanctl("--initiate", "--child", "home", "--timeout", "30");
        assertTrue(up.ok(), "initiate:\n" + up.output() + "\n" + responder.tails(40) + "\n" + charonLog());
        assertTrue(charonLog().contains("EAP method EAP_MSCHAPV2 succeeded, MSK established"), charonLog());
        assertTrue(charonLog().contains("authentication of 'vpn.example.test' with pre-shared key successful"));
        responder.waitFor("CHILD_UP alice " + Pattern.quote(POOL_ADDRESS), Duration.ofSeconds(10));
        assertTrue(Pattern.compile("IKE_AUTH request 1 \\[ EF\\(1/\\d+\\) \\]").matcher(charonLog()).find(),
            "the client's first IKE_AUTH came in RFC 7383 fragments (fragment_size 200):\n" + charonLog());
        assertTrue(Netns.exec(net.client(), "ip", "-4", "addr").output().contains(POOL_ADDRESS),
            "the pool address from CP is on the client");
        assertTrue(Files.readString(dir.resolve("resolv.conf")).contains(DNS), "the DNS server from CP");
        assertTrue(charonLog().contains("local host is behind NAT, sending keep alives")
            || charonLog().contains("remote host is behind NAT"), "NAT-T forced: " + charonLog());

        assertTrue(swanctl("--rekey", "--child", "home").ok());
        responder.waitFor("CHILD_REKEYED", Duration.ofSeconds(20));
        responder.waitFor("CHILD_RETIRED", Duration.ofSeconds(20));

        assertTrue(swanctl("--rekey", "--ike", "home").ok());
        responder.waitFor("IKE_REKEYED", Duration.ofSeconds(20));

        // liveness: the client's probes (every 2 s) are answered; they also keep ours (after 3 s idle) quiet,
        // which IkeResponderTest checks
        waitForLog("parsed INFORMATIONAL response \\d+ \\[ \\]", 2);
        final String sas = swanctl("--list-sas").output();
        assertTrue(sas.contains("home:") && sas.contains("ESTABLISHED"), sas);
        assertFalse(responder.out().text().contains("CLOSED"), responder.tails(40));

        responder.writeLine("logoff");
        responder.waitFor("CLOSED logoff", Duration.ofSeconds(10));
        waitForLog("received DELETE for IKE_SA home", 1);
        for (int i = 0; i < 50 && swanctl("--list-sas").output().contains("home:"); i++)
        {
            LockSupport.parkNanos(100_000_000L);
        }
        assertFalse(swanctl("--list-sas").output().contains("home:"), "the client's SA is gone after logoff");
    }
}
