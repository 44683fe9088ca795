package org.headend.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * Logging in and being logged off: a wrong password is refused without a session; the console's
 * vpn-sessiondb logoff (by name, by index after [confirm], all) ends the client and kills its cookie.
 */
@ExtendWith(HarnessExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class LoginAndLogoffIT
{
    private static final String NO_SESSIONS = "INFO: There are presently no active sessions";

    private static Testbed bed;

    @BeforeAll
    static void start()
    {
        bed = Testbed.start(1);
    }

    @AfterAll
    static void tearDown()
    {
        if (bed != null)
        {
            bed.close();
        }
    }

    @AfterEach
    void stopClients()
    {
        bed.closeClients();
    }

    @Test
    void shouldRefuseAWrongPasswordAndCreateNoSession()
    {
        final OpenconnectClient client = bed.client(1, "demo").startWithPassword("wrong-password");
        final Integer code = client.waitForExit(Duration.ofSeconds(30));
        assertNotNull(code, "openconnect should give up after the password is refused\n" + client.process().tails(40));
        assertNotEquals(0, code.intValue());
        client.process().waitFor("(?i)Login failed", Duration.ofSeconds(1));
        assertTrue(client.scriptCalls().stream().noneMatch(c -> "connect".equals(c.get("reason"))),
            "no tunnel may come up: " + client.scriptLog());
        assertTrue(bed.headend().sessions().isEmpty());
        assertTrue(bed.headend().console("show vpn-sessiondb anyconnect").contains(NO_SESSIONS));
    }

    @Test
    void shouldEndTheClientOnLogoffByNameAndRefuseItsCookie()
    {
        final OpenconnectClient first = bed.client(1, "demo");
        final String cookie = first.authenticate("demo-secret");
        first.startWithCookie(cookie);
        first.awaitConfigured(Duration.ofSeconds(30));
        bed.headend().awaitSessionCount(1, Duration.ofSeconds(5));

        final String answer = bed.headend().console("vpn-sessiondb logoff name demo noconfirm");
        assertTrue(answer.contains("INFO: Number of sessions with name \"demo\" logged off : 1"), answer);
        assertNotNull(first.waitForExit(Duration.ofSeconds(10)), "openconnect still running 10 s after logoff");
        bed.headend().awaitSessionCount(0, Duration.ofSeconds(5));

        final OpenconnectClient again = bed.client(1, "demo").startWithCookie(cookie);
        final Integer code = again.waitForExit(Duration.ofSeconds(30));
        assertNotNull(code, "a reconnect with a logged-off cookie must be refused\n" + again.process().tails(40));
        assertNotEquals(0, code.intValue());
        assertTrue(again.scriptCalls().stream().noneMatch(c -> "connect".equals(c.get("reason"))),
            "no tunnel may come up with the old cookie: " + again.scriptLog());
        assertTrue(bed.headend().sessions().isEmpty());
    }

    @Test
    void shouldLogOffByIndexAfterConfirm()
    {
        final OpenconnectClient client = bed.connect(1, "bob", "bob-secret");
        final List<HeadendProcess.Session> sessions = bed.headend().awaitSessionCount(1, Duration.ofSeconds(5));
        final int index = sessions.get(0).index();

        bed.headend().consoleUntil("vpn-sessiondb logoff index " + index, "\\[confirm\\]");
        final String answer = bed.headend().console("");
        assertTrue(answer.contains("logged off : 1"), answer);
        assertNotNull(client.waitForExit(Duration.ofSeconds(10)), "openconnect still running 10 s after logoff");
        bed.headend().awaitSessionCount(0, Duration.ofSeconds(5));
    }

    @Test
    void shouldLogOffEverySessionWithLogoffAll()
    {
        final OpenconnectClient client = bed.connect(1, "demo", "demo-secret");
        bed.headend().awaitSessionCount(1, Duration.ofSeconds(5));

        final String answer = bed.headend().console("vpn-sessiondb logoff all noconfirm");
        assertTrue(answer.contains("logged off : 1"), answer);
        assertNotNull(client.waitForExit(Duration.ofSeconds(10)), "openconnect still running 10 s after logoff");
        assertEquals(0, bed.headend().awaitSessionCount(0, Duration.ofSeconds(5)).size());
    }
}
