package org.headend.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Start and stop: a bad startup-config line stops startup with FILE:LINE; {@code --console DEVICE} serves the CLI on a
 * terminal device as well; SIGTERM removes the TUN and leaves clients reconnecting (a restart keeps their sessions,
 * see RestartIT).
 */
@ExtendWith(HarnessExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class LifecycleIT
{
    private static Netns net;

    @BeforeAll
    static void network()
    {
        net = Netns.create();
    }

    @AfterAll
    static void tearDown()
    {
        ManagedProcess.killAll();
        if (net != null)
        {
            net.close();
        }
    }

    @Test
    void shouldRefuseToStartOnABadConfigLineNamingFileAndLine()
    {
        final ApplianceConfig config = ApplianceConfig.forNetwork(net).extraLine("frobnicate the widgets");
        final String text = config.render();
        final int badLine = (int)text.lines().count();
        final HeadendProcess headend = HeadendProcess.launch(net, text);
        final Integer code = headend.process().waitForExit(Duration.ofSeconds(180));
        assertNotNull(code, "still running with a bad config\n" + headend.process().tails(40));
        assertNotEquals(0, code.intValue());
        headend.process().err().awaitClosed(Duration.ofSeconds(5));
        final String stderr = headend.process().err().text();
        assertTrue(Pattern.compile(Pattern.quote(headend.configFile().getFileName() + ":" + badLine) + "\\b")
            .matcher(stderr).find(), "stderr must name startup-config:" + badLine + "\n" + stderr);
        assertNull(headend.deviceWithAddress(ApplianceConfig.GATEWAY), "a TUN device was left behind");
    }

    @Test
    void shouldServeAConsoleOnATerminalDeviceGivenWithDashDashConsole()
    {
        // a pty pair stands in for the serial line: the appliance gets one end, the operator's terminal the other
        Prerequisites.installMissing(Map.of("socat", "socat"));
        final Path dir = Harness.tempDir("tty-");
        final Path line = dir.resolve("console");
        final Path operatorEnd = dir.resolve("operator");
        try (ManagedProcess pair = ManagedProcess.start("socat-pty", List.of("socat",
            "pty,raw,echo=0,link=" + line, "pty,raw,echo=0,link=" + operatorEnd), null, null))
        {
            final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!(Files.exists(line) && Files.exists(operatorEnd)) && System.nanoTime() < deadline)
            {
                LockSupport.parkNanos(50_000_000L);
            }
            final HeadendProcess headend = HeadendProcess.start(net, ApplianceConfig.forNetwork(net),
                List.of("--console", line.toString()));
            try (ManagedProcess operator = ManagedProcess.start("operator-tty", List.of("socat", "-",
                operatorEnd + ",raw,echo=0"), null, null))
            {
                operator.writeLine("");
                operator.waitFor("headend# ", Duration.ofSeconds(20));
                operator.writeLine("show version");
                operator.waitFor("Headend Software Version", Duration.ofSeconds(10));
                operator.writeLine("configure terminal");
                operator.writeLine("hostname serial-edge");
                operator.writeLine("end");
                operator.waitFor("serial-edge# ", Duration.ofSeconds(10));
                assertTrue(headend.console("show running-config").contains("hostname serial-edge"),
                    "a change made on the device's console is the running config");
                final String audit = readAudit(headend);
                assertTrue(audit.contains("from=console " + line), audit);
            }
            finally
            {
                headend.close();
            }
        }
    }

    private static String readAudit(final HeadendProcess headend)
    {
        try
        {
            return Files.readString(headend.stateDir().resolve("audit.log"));
        }
        catch (final IOException ex)
        {
            throw new AssertionError(ex);
        }
    }

    @Test
    void shouldRemoveTheTunOnSigtermAndLeaveTheClientTryingToComeBack()
    {
        final HeadendProcess headend = HeadendProcess.start(net, ApplianceConfig.forNetwork(net));
        try (OpenconnectClient client = new OpenconnectClient(net.client(), headend.url(), headend.pin(), "demo",
            false))
        {
            client.startWithPassword("demo-secret");
            client.awaitConfigured(Duration.ofSeconds(30));
            final String tun = headend.deviceWithAddress(ApplianceConfig.GATEWAY);
            assertNotNull(tun, "no device carries " + ApplianceConfig.GATEWAY + " in the server namespace");

            final Integer code = headend.terminate(Duration.ofSeconds(30));
            assertNotNull(code, "the appliance did not stop within 30 s of SIGTERM");
            assertTrue(Set.of(0, 143).contains(code), "exit code after SIGTERM: " + code);

            // no DISCONNECT: openconnect keeps trying with its cookie, as after any lost connection
            client.process().waitFor("sleep \\d+s, remaining timeout \\d+s", Duration.ofSeconds(15));
            assertTrue(client.process().isAlive(), "openconnect quit when the appliance stopped");

            assertNull(headend.deviceWithAddress(ApplianceConfig.GATEWAY), "TUN address still present after stop");
            assertTrue(!Netns.exec(net.server(), "ip", "link", "show", "dev", tun).ok(), "TUN " + tun + " still exists");
            assertEquals("", Netns.exec(net.server(), "ip", "-4", "route", "show", "192.168.100.0/24").output().trim(),
                "route to the pool still present");
        }
        finally
        {
            headend.close();
        }
    }
}
