package org.headend.control.ops.syslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.headend.control.config.LogHost;
import org.headend.control.config.LoggingConfig;
import org.junit.jupiter.api.Test;

/** ASA message wording, the syslog frame, and what goes to the buffer and to the collectors at which level. */
class SyslogTest
{
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-07T03:04:05Z"), ZoneOffset.UTC);

    @Test
    void shouldWordTheSessionDisconnectAsTheAsaDoes()
    {
        final AsaMessage message = AsaMessages.sessionDisconnected("DefaultWEBVPNGroup", "demo", "10.77.0.2",
            Duration.ofSeconds(3725), 1234, 5678, "logged off by the administrator");
        assertEquals("%ASA-4-113019: Group = DefaultWEBVPNGroup, Username = demo, IP = 10.77.0.2, Session "
            + "disconnected. Session Type: SSL, Duration: 1h:02m:05s, Bytes xmt: 1234, Bytes rcv: 5678, Reason: "
            + "Administrator Reset", message.body());
    }

    @Test
    void shouldMapTheHeadendsReasonsToTheAsas()
    {
        assertEquals("User Requested", AsaMessages.disconnectReason("the user disconnected"));
        assertEquals("Idle Timeout", AsaMessages.disconnectReason("idle timeout (no traffic for 30 min)"));
        assertEquals("Max time exceeded",
            AsaMessages.disconnectReason("max connect time reached (vpn-session-timeout 5 min)"));
        assertEquals("Connection Preempted", AsaMessages.disconnectReason(
            "logged off by a new login of the same user (vpn-simultaneous-logins 1)"));
        assertEquals("Unknown", AsaMessages.disconnectReason("something new"));
    }

    @Test
    void shouldKeepACraftedUserNameOnOneLine()
    {
        final String body = AsaMessages.aaaRejected("eve\n<14>%ASA-6-113004: forged", "10.77.0.2", "wrong password")
            .body();
        assertFalse(body.contains("\n"), body);
        assertEquals("%ASA-6-113005: AAA user authentication Rejected : reason = Invalid password : server = LOCAL : "
            + "user = eve?<14>%ASA-6-113004: forged : user IP = 10.77.0.2", body);
    }

    @Test
    void shouldFrameWithFacilityLocal4AndTheAsaTimestamp()
    {
        assertEquals("<166>Dec 07 2026 03:04:05: %ASA-6-113004: AAA user authentication Successful : server = "
            + "LOCAL : user = demo", Syslog.frame(AsaMessages.aaaSuccess("demo"), "Dec 07 2026 03:04:05: "));
        assertEquals("<165>%ASA-5-111008: User 'admin' executed the 'logging trap 6' command.",
            Syslog.frame(AsaMessages.commandExecuted("admin", "logging trap 6"), ""));
    }

    @Test
    void shouldBufferAtTheBufferedLevelAndNothingWithoutLoggingEnable()
    {
        try (Syslog syslog = new Syslog(CLOCK))
        {
            syslog.log(AsaMessages.aaaSuccess("before"));
            syslog.configure(new LoggingConfig(true, List.of(), -1, 5, true, 4096));
            syslog.log(AsaMessages.aaaSuccess("too-verbose"));
            syslog.log(AsaMessages.commandExecuted("admin", "logging trap 6"));
            final String shown = syslog.show();
            assertFalse(shown.contains("before"), shown);
            assertFalse(shown.contains("too-verbose"), "level 6 is above buffered 5: " + shown);
            assertTrue(shown.contains("Dec 07 2026 03:04:05: %ASA-5-111008: User 'admin' executed the 'logging "
                + "trap 6' command.\n"), shown);
            assertTrue(shown.contains("Buffer logging: level notifications, 1 messages logged"), shown);
        }
    }

    @Test
    void shouldLogACommandAndAnSshLoginFromTheAuditTrailWithoutTheSecretTheyCarried()
    {
        try (Syslog syslog = new Syslog(CLOCK))
        {
            syslog.configure(new LoggingConfig(true, List.of(), -1, 7, false, 4096));
            final org.headend.control.cli.AuditLog audit = new org.headend.control.cli.AuditLog(null, CLOCK);
            audit.forward(syslog);
            audit.record("admin", "ssh 10.77.0.2:51234", "config", "username lee password Sup3rSecret", "ok");
            audit.record("admin", "ssh 10.77.0.2:51234", "config", "hostname x y", "refused: bad");
            audit.record("eve", "ssh 10.77.0.3:40000", "exec", "(login)", "denied: bad credentials");
            final String shown = syslog.show();
            assertFalse(shown.contains("Sup3rSecret"), shown);
            assertTrue(shown.contains("%ASA-5-111008: User 'admin' executed the 'username lee password *****' "
                + "command.\n"), shown);
            assertTrue(shown.contains("%ASA-5-111010: User 'admin', running 'CLI' from IP 10.77.0.2, executed "
                + "'username lee password *****'\n"), shown);
            assertFalse(shown.contains("hostname x y"), "a refused command was not executed: " + shown);
            assertTrue(shown.contains("%ASA-6-605004: Login denied from 10.77.0.3/40000 to management/ssh for user "
                + "\"eve\"\n"), shown);
        }
    }

    @Test
    void shouldKeepOnlyTheNewestMessagesThatFitTheBufferSize()
    {
        final LogBuffer buffer = new LogBuffer(100);
        for (int i = 0; i < 10; i++)
        {
            buffer.add("message number " + i + " padded to about thirty");
        }
        final List<String> lines = buffer.lines();
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.getLast().startsWith("message number 9"), lines.toString());
        assertEquals(10, buffer.logged());
    }

    @Test
    void shouldSendAtTheTrapLevelToAUdpCollector() throws IOException
    {
        try (DatagramSocket collector = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             Syslog syslog = new Syslog(CLOCK))
        {
            collector.setSoTimeout(5000);
            syslog.configure(new LoggingConfig(true, List.of(new LogHost("inside", InetAddress.getLoopbackAddress(),
                false, collector.getLocalPort())), 4, -1, false, 4096));
            syslog.log(AsaMessages.aaaSuccess("too-verbose"));
            syslog.log(AsaMessages.svcClosing("GP", "demo", "10.77.0.2", "logged off"));
            final DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
            collector.receive(packet);
            assertEquals("<164>%ASA-4-722037: Group <GP> User <demo> IP <10.77.0.2> SVC closing connection: logged "
                + "off.", new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8),
                "the first datagram is the level-4 message: level 6 was above the trap level");
        }
    }

    @Test
    void shouldCountWhatADeadTcpCollectorLosesWithoutStallingTheCaller() throws IOException
    {
        final int closedPort;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            closedPort = probe.getLocalPort();
        }
        try (Syslog syslog = new Syslog(CLOCK))
        {
            syslog.configure(new LoggingConfig(true, List.of(new LogHost("inside", InetAddress.getLoopbackAddress(),
                true, closedPort)), 7, -1, false, 4096));
            final long start = System.nanoTime();
            for (int i = 0; i < 5000; i++)
            {
                syslog.log(AsaMessages.aaaSuccess("user" + i));
            }
            final long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(tookMillis < 2000, "logging 5000 messages to a dead collector took " + tookMillis + " ms");
            final String shown = syslog.show();
            assertTrue(shown.matches("(?s).*dropped: [1-9][0-9]* .*"), shown);
        }
    }
}
