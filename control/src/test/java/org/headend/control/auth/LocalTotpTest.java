package org.headend.control.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletionStage;
import org.headend.control.auth.totp.Base32;
import org.headend.control.auth.totp.Totp;
import org.headend.control.config.ConfigCursor;
import org.headend.control.config.ConfigException;
import org.headend.control.config.ConfigStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Local users with a {@code totp-secret}: the password earns a challenge, the code of now finishes the login. */
class LocalTotpTest
{
    private static final String SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    private static final String FROM = "10.77.0.2";

    private final ConfigStore config = ConfigStore.embeddedDefault("demo-secret");
    private final long[] nanos = {5_000_000_000L};
    private final long[] millis = {1_234_567_890_000L};
    private final FailedLoginLimiter limiter = new FailedLoginLimiter();
    private final Logins logins = new Logins(config::current, limiter, () -> nanos[0]);
    private LocalAuthenticator local;

    @BeforeEach
    void configure() throws ConfigException
    {
        config.apply(ConfigCursor.TOP, "username tina password tina-secret", "test", 1);
        final ConfigCursor user = config.apply(ConfigCursor.TOP, "username tina attributes", "test", 2);
        config.apply(user, "totp-secret " + SECRET.toLowerCase() + "==", "test", 3);
        local = new LocalAuthenticator(config::current, () -> nanos[0], () -> millis[0]);
    }

    private String codeAt(final long offsetSteps)
    {
        return Totp.code(Base32.decode(SECRET), Totp.step(millis[0]) + offsetSteps);
    }

    private static AuthRequest first(final String user, final String password)
    {
        return AuthRequest.first(user, password, FROM, AuthRequest.Purpose.VPN);
    }

    private static AuthRequest answer(final String user, final String code, final byte[] state)
    {
        return new AuthRequest(user, code, FROM, state, AuthRequest.Purpose.VPN);
    }

    @Test
    void shouldStoreTheSecretCanonicalAndMaskItNowhereButTheCliOutput()
    {
        assertEquals(SECRET, config.current().user("tina").orElseThrow().totpSecret());
        assertTrue(config.runningConfig().contains(" totp-secret " + SECRET + "\n"));
        assertTrue(!config.current().user("tina").orElseThrow().toString().contains(SECRET));
    }

    @Test
    void shouldAskForTheCodeAfterTheRightPasswordAndAcceptTheCodeOfNow()
    {
        final AuthOutcome.Challenged challenge = assertInstanceOf(AuthOutcome.Challenged.class,
            local.check(first("tina", "tina-secret")));
        assertEquals(LocalAuthenticator.TOTP_PROMPT, challenge.prompt());
        final AuthOutcome.Accepted accepted = assertInstanceOf(AuthOutcome.Accepted.class,
            local.check(answer("tina", codeAt(0), challenge.state())));
        assertEquals("tina", accepted.username());
    }

    @Test
    void shouldNotChallengeAWrongPasswordNorUsersWithoutASecret()
    {
        assertInstanceOf(AuthOutcome.Rejected.class, local.check(first("tina", "wrong")));
        assertInstanceOf(AuthOutcome.Accepted.class, local.check(first("demo", "demo-secret")));
    }

    @Test
    void shouldTakeTheNeighbouringStepsButNeverTheSameCodeTwice()
    {
        final byte[] state1 = ((AuthOutcome.Challenged)local.check(first("tina", "tina-secret"))).state();
        assertInstanceOf(AuthOutcome.Accepted.class, local.check(answer("tina", codeAt(-1), state1)));
        final byte[] state2 = ((AuthOutcome.Challenged)local.check(first("tina", "tina-secret"))).state();
        assertInstanceOf(AuthOutcome.Rejected.class, local.check(answer("tina", codeAt(-1), state2)),
            "a code already used");
        final byte[] state3 = ((AuthOutcome.Challenged)local.check(first("tina", "tina-secret"))).state();
        assertInstanceOf(AuthOutcome.Accepted.class, local.check(answer("tina", codeAt(1), state3)));
        final byte[] state4 = ((AuthOutcome.Challenged)local.check(first("tina", "tina-secret"))).state();
        assertInstanceOf(AuthOutcome.Rejected.class, local.check(answer("tina", codeAt(0), state4)),
            "an older step than one already used");
    }

    @Test
    void shouldRefuseCodesTooFarFromNow()
    {
        final byte[] state = ((AuthOutcome.Challenged)local.check(first("tina", "tina-secret"))).state();
        assertInstanceOf(AuthOutcome.Rejected.class, local.check(answer("tina", codeAt(2), state)));
    }

    @Test
    void shouldHonourAChallengeOnceForItsUserAndOnlyWhileItIsFresh()
    {
        final byte[] state = ((AuthOutcome.Challenged)local.check(first("tina", "tina-secret"))).state();
        assertInstanceOf(AuthOutcome.Rejected.class, local.check(answer("demo", codeAt(0), state)),
            "another user's challenge");
        assertInstanceOf(AuthOutcome.Rejected.class, local.check(answer("tina", codeAt(0), state)),
            "a challenge is answered once, right or wrong");
        assertInstanceOf(AuthOutcome.Rejected.class, local.check(answer("tina", codeAt(0), new byte[16])),
            "a made-up State");
        final byte[] stale = ((AuthOutcome.Challenged)local.check(first("tina", "tina-secret"))).state();
        nanos[0] += LoginContexts.TIMEOUT_NANOS;
        assertInstanceOf(AuthOutcome.Rejected.class, local.check(answer("tina", codeAt(0), stale)));
    }

    @Test
    void shouldCountWrongCodesWithWrongPasswordsInTheOneLimiter()
    {
        for (int i = 0; i < FailedLoginLimiter.MAX_USER_FAILURES; i++)
        {
            final AuthOutcome step = join(logins.login("LOCAL", false, first("tina", "tina-secret")));
            final byte[] state = assertInstanceOf(AuthOutcome.Challenged.class, step).state();
            assertInstanceOf(AuthOutcome.Rejected.class, join(logins.login("LOCAL", false,
                answer("tina", "000000", state))));
        }
        assertTrue(limiter.isLocked("tina", FROM, nanos[0]));
        assertInstanceOf(AuthOutcome.Rejected.class, join(logins.login("LOCAL", false,
            first("tina", "tina-secret"))), "locked out: not even a challenge");
    }

    private static AuthOutcome join(final CompletionStage<AuthOutcome> stage)
    {
        return stage.toCompletableFuture().join();
    }
}
