package org.headend.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Local users with a second factor (issue 12 item 6): {@code totp-secret} under {@code username NAME attributes};
 * after the password the real openconnect gets the challenge form and answers it by itself with
 * {@code --token-mode=totp}; a code already used, or a wrong one, is refused; the secret is masked in
 * {@code show running-config} and enrolled with the URI {@code show username NAME otpauth-uri} prints.
 */
@ExtendWith(HarnessExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class LocalTotpIT
{
    /** 160 bits, as RFC 4226 recommends. */
    private static final String SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    private static final String OTHER_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    private static final String PASSWORD = "tina-passw0rd";

    private static Testbed bed;

    @BeforeAll
    static void start()
    {
        bed = Testbed.start(2, c -> c
            .extraLine("username tina password " + PASSWORD)
            .extraLine("username tina attributes")
            .extraLine(" totp-secret " + SECRET));
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

    private static OpenconnectClient tina(final int n, final String secret)
    {
        return bed.client(n, "tina", "--token-mode=totp", "--token-secret=base32:" + secret)
            .startWithPassword(PASSWORD);
    }

    @Test
    void shouldLandTheTunnelWithTheCodeOpenconnectComputesAndRefuseThatCodeASecondTime()
    {
        final int mark = bed.headend().process().err().mark();
        awaitFreshStep();
        final long step = System.currentTimeMillis() / 30_000;
        final OpenconnectClient first = tina(1, SECRET);
        first.awaitConfigured(Duration.ofSeconds(30));
        bed.headend().process().err().await("login of user tina from \\S+: LOCAL asks for another step", mark,
            Duration.ofSeconds(1));
        assertTrue(NetTools.ping(bed.net().client(1), ApplianceConfig.GATEWAY, 3).allAnswered());
        assertTrue(bed.headend().console("show vpn-sessiondb anyconnect").contains("tina"));

        final OpenconnectClient again = tina(2, SECRET);
        final Integer code = again.waitForExit(Duration.ofSeconds(30));
        final long decidedStep = System.currentTimeMillis() / 30_000;
        assertEquals(step, decidedStep, "both logins must fall in one 30 s step for this test to mean anything");
        assertNotNull(code, "openconnect should give up\n" + again.process().tails(40));
        assertNotEquals(0, code.intValue());
        assertTrue(again.scriptCalls().stream().noneMatch(c -> "connect".equals(c.get("reason"))),
            "the code of a step already used opened no tunnel: " + again.scriptLog());
        bed.headend().process().err().await("login failed for user tina .*wrong or already used code", mark,
            Duration.ofSeconds(5));
    }

    @Test
    void shouldRefuseTheCodeOfAnotherSecretAndCountIt()
    {
        final int mark = bed.headend().process().err().mark();
        final OpenconnectClient wrong = tina(1, OTHER_SECRET);
        final Integer code = wrong.waitForExit(Duration.ofSeconds(30));
        assertNotNull(code, "openconnect should give up\n" + wrong.process().tails(40));
        assertNotEquals(0, code.intValue());
        assertTrue(wrong.scriptCalls().stream().noneMatch(c -> "connect".equals(c.get("reason"))));
        bed.headend().process().err().await("login failed for user tina from \\S+: rejected by LOCAL", mark,
            Duration.ofSeconds(5));
    }

    @Test
    void shouldMaskTheSecretInTheRunningConfigAndPrintTheEnrolmentUri()
    {
        final String running = bed.headend().console("show running-config username");
        assertTrue(running.contains(" totp-secret *****"), running);
        assertFalse(running.contains(SECRET), running);
        final String uri = bed.headend().console("show username tina otpauth-uri");
        assertTrue(uri.contains("otpauth://totp/headend:tina?secret=" + SECRET + "&issuer=headend"), uri);
        assertTrue(bed.headend().console("show username demo otpauth-uri").contains("has no totp-secret"));
    }

    /** Waits until a 30 s step has just begun, so that two logins right after it share that step. */
    private static void awaitFreshStep()
    {
        final long intoStep = System.currentTimeMillis() % 30_000;
        if (intoStep > 5_000)
        {
            try
            {
                Thread.sleep(30_000 - intoStep + 200);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", ex);
            }
        }
    }
}
