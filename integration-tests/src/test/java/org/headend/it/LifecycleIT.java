package org.headend.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Start and stop: a bad startup-config line stops startup with FILE:LINE; SIGTERM ends clients and removes the TUN. */
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
    void shouldDisconnectClientsAndRemoveTheTunOnSigterm()
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

            assertNotNull(client.waitForExit(Duration.ofSeconds(15)), "openconnect kept running after the appliance stopped");
            client.process().waitFor("(?i)server disconnect|terminated by server", Duration.ofSeconds(1));

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
