package org.headend.control.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.headend.control.config.ConfigCursor;
import org.headend.control.config.ConfigException;
import org.headend.control.config.ConfigStore;
import org.headend.control.http.ClientInfo;
import org.headend.control.http.HttpAnswer;
import org.headend.control.session.AddressPools;
import org.headend.control.session.SessionManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AggregateAuthTest
{
    private static final ClientInfo CLIENT =
        new ClientInfo("10.77.0.2", 40000, 443, "Open AnyConnect VPN Agent v9.01-3", "TLSv1.3", "TLS_AES_128_GCM_SHA256");

    private final ScheduledExecutorService control = Executors.newSingleThreadScheduledExecutor();
    private final ConfigStore config = ConfigStore.embeddedDefault("right-password");
    private final long[] now = {1_000_000_000L};
    private final SessionManager sessions = new SessionManager(control, null, new AddressPools(Set.of(), Set.of()), null,
        (group, user) -> config.current().effectivePolicy(group, user), () -> now[0], Clock.systemUTC());
    private final AggregateAuth auth = new AggregateAuth(config::current, sessions, new LoginContexts(),
        new FailedLoginLimiter(), () -> "ABCDEF0123456789ABCDEF0123456789ABCDEF01", () -> now[0]);

    @AfterEach
    void tearDown()
    {
        control.shutdownNow();
    }

    @Test
    void shouldAnswerInitWithTheLoginFormItsHandleAndAContextCookie()
    {
        final HttpAnswer answer = init();
        assertEquals(200, answer.status());
        final String xml = body(answer);
        assertTrue(xml.contains("type=\"auth-request\""));
        assertTrue(xml.contains("name=\"username\"") && xml.contains("name=\"password\""));
        assertNotNull(handle(xml));
        assertTrue(setCookie(answer, "webvpncontext").matches("[0-9A-F]{64}"));
    }

    @Test
    void shouldCompleteWithTheSameTokenInBodyAndCookieWhenThePasswordIsRight()
    {
        final HttpAnswer form = init();
        final HttpAnswer answer = reply(handle(body(form)), "demo", "right-password", Map.of());
        final String xml = body(answer);
        assertTrue(xml.contains("<auth id=\"success\">"));
        final String token = element(xml, "session-token");
        assertEquals(token, setCookie(answer, "webvpn"));
        assertTrue(token.matches("[0-9A-F]{6}@1@[0-9A-F]{4}@[0-9A-F]{40}"), token);
        assertTrue(xml.contains("<server-cert-hash>ABCDEF0123456789ABCDEF0123456789ABCDEF01</server-cert-hash>"));
        assertNotNull(sessions.find(token));
    }

    @Test
    void shouldAskAgainWithLoginFailedAndTheSameHandleWhenThePasswordIsWrong()
    {
        final String handle = handle(body(init()));
        final HttpAnswer answer = reply(handle, "demo", "wrong", Map.of());
        assertEquals(200, answer.status(), "never a 401: openconnect would give up instead of asking again");
        final String xml = body(answer);
        assertTrue(xml.contains("Login failed."));
        assertTrue(xml.contains("<form>"));
        assertEquals(handle, handle(xml));
        assertTrue(sessions.list().isEmpty());
    }

    @Test
    void shouldRefuseForGoodAfterThreeWrongAnswersInOneLogin()
    {
        final String handle = handle(body(init()));
        reply(handle, "demo", "wrong1", Map.of());
        reply(handle, "demo", "wrong2", Map.of());
        final String xml = body(reply(handle, "demo", "wrong3", Map.of()));
        assertTrue(xml.contains("Login failed."));
        assertFalse(xml.contains("<form>"), "a form-less answer makes the client stop");
    }

    @Test
    void shouldLockTheUserAfterRepeatedFailuresWhateverTheCaseTyped()
    {
        for (int i = 0; i < FailedLoginLimiter.MAX_USER_FAILURES; i++)
        {
            reply(handle(body(init())), i % 2 == 0 ? "demo" : "DEMO", "wrong", Map.of());
        }
        final String xml = body(reply(handle(body(init())), "demo", "right-password", Map.of()));
        assertTrue(xml.contains("Login failed."), "a locked account looks like a wrong password");
        assertTrue(sessions.list().isEmpty());
        now[0] += FailedLoginLimiter.LOCKOUT_NANOS + 1;
        assertTrue(body(reply(handle(body(init())), "demo", "right-password", Map.of())).contains("success"));
    }

    @Test
    void shouldFindTheLoginByContextCookieWhenTheHandleIsMissing()
    {
        final HttpAnswer form = init();
        final HttpAnswer answer = reply(null, "demo", "right-password",
            Map.of("webvpncontext", setCookie(form, "webvpncontext")));
        assertTrue(body(answer).contains("<auth id=\"success\">"));
    }

    @Test
    void shouldOfferAFreshFormWhenTheLoginExpired()
    {
        final String handle = handle(body(init()));
        now[0] += LoginContexts.TIMEOUT_NANOS + 1;
        final AuthMessage noCredentials = new AuthMessage("auth-reply", null, null, null, null, handle, Map.of(), null);
        final String xml = body(auth.onMessage(noCredentials, Map.of(), CLIENT).toCompletableFuture().join());
        assertTrue(xml.contains("expired"));
        assertFalse(handle.equals(handle(xml)));
    }

    @Test
    void shouldRefuseUserNamesWithPaddingOrControlCharacters()
    {
        for (final String name : new String[] {"demo ", " demo", "de\u0000mo", "x".repeat(4096), "../../etc/x"})
        {
            final String xml = body(reply(handle(body(init())), name, "right-password", Map.of()));
            assertTrue(xml.contains("Login failed."), name);
        }
        assertTrue(sessions.list().isEmpty());
    }

    @Test
    void shouldEndTheSessionWhenTheClientLogsOut()
    {
        final String token = element(body(reply(handle(body(init())), "demo", "right-password", Map.of())),
            "session-token");
        final AuthMessage logout = new AuthMessage("logout", null, null, null, null, null, Map.of(), token);
        assertEquals(200, auth.onMessage(logout, Map.of(), CLIENT).toCompletableFuture().join().status());
        assertNull(sessions.find(token));
    }

    @Test
    void shouldRefuseTheLoginAfterTheRightPasswordWhenTheUserMayHaveNoSession() throws ConfigException
    {
        final ConfigCursor policy = config.apply(ConfigCursor.TOP, "group-policy DEMO attributes", "test", 1);
        config.apply(policy, "vpn-simultaneous-logins 0", "test", 2);
        final String xml = body(reply(handle(body(init())), "demo", "right-password", Map.of()));
        assertTrue(xml.contains("Login denied"), xml);
        assertFalse(xml.contains("session-token"), xml);
        assertTrue(sessions.list().isEmpty());
    }

    @Test
    void shouldLogOffTheUsersOlderSessionWhenOnlyOneLoginIsAllowed() throws ConfigException
    {
        final ConfigCursor policy = config.apply(ConfigCursor.TOP, "group-policy DEMO attributes", "test", 1);
        config.apply(policy, "vpn-simultaneous-logins 1", "test", 2);
        final String first = element(body(reply(handle(body(init())), "demo", "right-password", Map.of())),
            "session-token");
        now[0] += 1_000_000_000L;
        final String second = element(body(reply(handle(body(init())), "demo", "right-password", Map.of())),
            "session-token");
        assertNull(sessions.find(first), "the older session and its cookie are gone");
        assertNotNull(sessions.find(second));
    }

    private HttpAnswer init()
    {
        return auth.onMessage(new AuthMessage("init", "v9.01-3", "linux-64", null, null, null, Map.of(), null),
            Map.of(), CLIENT).toCompletableFuture().join();
    }

    private HttpAnswer reply(final String handle, final String user, final String password,
        final Map<String, String> cookies)
    {
        final Map<String, String> fields = new HashMap<>();
        fields.put("username", user);
        fields.put("password", password);
        return auth.onMessage(new AuthMessage("auth-reply", "v9.01-3", "linux-64", null, null, handle, fields, null),
            cookies, CLIENT).toCompletableFuture().join();
    }

    private static String body(final HttpAnswer answer)
    {
        return new String(answer.body(), StandardCharsets.UTF_8);
    }

    private static String handle(final String xml)
    {
        return element(xml, "aggauth-handle");
    }

    private static String element(final String xml, final String name)
    {
        final Matcher m = Pattern.compile("<" + name + ">([^<]*)</" + name + ">").matcher(xml);
        return m.find() ? m.group(1) : null;
    }

    private static String setCookie(final HttpAnswer answer, final String name)
    {
        for (final Map.Entry<String, String> header : answer.headers())
        {
            if (header.getKey().equals("Set-Cookie") && header.getValue().startsWith(name + "=")
                && !header.getValue().startsWith(name + "=;"))
            {
                return header.getValue().substring(name.length() + 1, header.getValue().indexOf(';'));
            }
        }
        return null;
    }
}
