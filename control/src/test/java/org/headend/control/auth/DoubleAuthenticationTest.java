package org.headend.control.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import org.headend.control.config.ConfigStore;
import org.headend.control.http.ClientInfo;
import org.headend.control.http.HttpAnswer;
import org.headend.control.session.AddressPools;
import org.headend.control.session.SessionManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Double authentication ({@code secondary-authentication-server-group}, as on the ASA): the login form asks for a
 * second password (and a second user name unless {@code use-primary-username}); the login needs both, through the
 * VPN client's form and through the portal's {@link AggregateAuth#authenticate} alike.
 */
class DoubleAuthenticationTest
{
    private static final ClientInfo CLIENT =
        new ClientInfo("10.77.0.2", 40000, 443, "Open AnyConnect VPN Agent v9.01-3", "TLSv1.3", "TLS_AES_128_GCM_SHA256");

    private final ScheduledExecutorService control = Executors.newSingleThreadScheduledExecutor();
    private final ConfigStore config = ConfigStore.embeddedDefault("right-password");
    private final SessionManager sessions = new SessionManager(control, null, new AddressPools(Set.of(), Set.of()), null,
        (group, user) -> config.current().effectivePolicy(group, user), System::nanoTime, Clock.systemUTC());
    private final AggregateAuth auth = new AggregateAuth(config::current, sessions, new LoginContexts(),
        new FailedLoginLimiter(), () -> "ABCDEF0123456789ABCDEF0123456789ABCDEF01", System::nanoTime);

    @AfterEach
    void tearDown()
    {
        control.shutdownNow();
    }

    private void configure(final String secondaryLine) throws Exception
    {
        config.replace("""
            webvpn
             anyconnect enable
            username alice password alice-pw
            username alice-token password 424242
            tunnel-group DefaultWEBVPNGroup general-attributes
            """ + secondaryLine + "\n", "test");
    }

    @Test
    void shouldAskForASecondUserNameAndPasswordAndNeedBoth() throws Exception
    {
        configure(" secondary-authentication-server-group LOCAL");
        final String form = body(init());
        assertTrue(form.contains("name=\"secondary_username\"") && form.contains("name=\"secondary_password\""),
            form);
        assertTrue(body(reply(handle(form), "alice", "alice-pw", "alice-token", "000000")).contains("Login failed."),
            "a wrong second password");
        assertTrue(body(reply(handle(body(init())), "alice", "alice-pw", null, null)).contains("Login failed."),
            "no second password");
        assertTrue(body(reply(handle(body(init())), "alice", "wrong", "alice-token", "424242"))
            .contains("Login failed."), "a wrong first password");
        assertTrue(sessions.list().isEmpty());
        final String xml = body(reply(handle(body(init())), "alice", "alice-pw", "alice-token", "424242"));
        assertTrue(xml.contains("<auth id=\"success\">"), xml);
        assertNotNull(element(xml, "session-token"));
        assertTrue(sessions.list().getFirst().username().equals("alice"), "the session is the primary user's");
    }

    @Test
    void shouldCheckTheSecondPasswordForTheFirstNameWithUsePrimaryUsername() throws Exception
    {
        configure(" secondary-authentication-server-group LOCAL use-primary-username");
        final String form = body(init());
        assertTrue(form.contains("name=\"secondary_password\"") && !form.contains("name=\"secondary_username\""),
            form);
        assertTrue(body(reply(handle(form), "alice", "alice-pw", "alice-token", "424242")).contains("Login failed."),
            "the second name typed is not used: alice's own password is checked again");
        assertTrue(body(reply(handle(body(init())), "alice", "alice-pw", null, "alice-pw"))
            .contains("<auth id=\"success\">"));
    }

    @Test
    void shouldRefuseAPortalLoginWithoutTheSecondPassword() throws Exception
    {
        configure(" secondary-authentication-server-group LOCAL");
        assertFalse(auth.authenticate("alice", "alice-pw", "DefaultWEBVPNGroup", CLIENT, Set.of("ssl-client"))
            .toCompletableFuture().join().ok());
        assertTrue(auth.authenticate("alice", "alice-pw", new AggregateAuth.SecondCredentials("alice-token",
            "424242"), "DefaultWEBVPNGroup", CLIENT, Set.of("ssl-client")).toCompletableFuture().join().ok());
    }

    private static final String TOKEN_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

    private void configureSecondaryTotp() throws Exception
    {
        config.replace("""
            webvpn
             anyconnect enable
            username alice password alice-pw
            username alice-token password 424242
            username alice-token attributes
             totp-secret %s
            tunnel-group DefaultWEBVPNGroup general-attributes
             secondary-authentication-server-group LOCAL
            """.formatted(TOKEN_SECRET), "test");
    }

    private static String code()
    {
        return org.headend.control.auth.totp.Totp.code(org.headend.control.auth.totp.Base32.decode(TOKEN_SECRET),
            org.headend.control.auth.totp.Totp.step(System.currentTimeMillis()));
    }

    @Test
    void shouldShowTheSecondaryServersQuestionAsAFurtherFormAndLogInWithItsAnswer() throws Exception
    {
        configureSecondaryTotp();
        final String challenge = body(reply(handle(body(init())), "alice", "alice-pw", "alice-token", "424242"));
        assertTrue(challenge.contains("<auth id=\"challenge\">") && challenge.contains("name=\"secondary_password\"")
            && challenge.contains(LocalAuthenticator.TOTP_PROMPT), "the secondary's question is a further step:\n"
            + challenge);
        assertTrue(sessions.list().isEmpty(), "no session before the answer");
        final String xml = body(answer(handle(challenge), code()));
        assertTrue(xml.contains("<auth id=\"success\">"), xml);
        assertTrue(sessions.list().getFirst().username().equals("alice"), "the session is the primary user's");
    }

    @Test
    void shouldRefuseAWrongAnswerToTheSecondarysQuestionAndNeverAnswerItTwice() throws Exception
    {
        configureSecondaryTotp();
        final String challenge = body(reply(handle(body(init())), "alice", "alice-pw", "alice-token", "424242"));
        final String wrong = body(answer(handle(challenge), "000000".equals(code()) ? "111111" : "000000"));
        assertTrue(wrong.contains("Login failed.") && wrong.contains("<auth id=\"main\">"),
            "a wrong code ends the step: back to the login form\n" + wrong);
        assertTrue(body(answer(handle(challenge), code())).contains("<auth id=\"main\">"),
            "the question was used up by the wrong answer");
        assertTrue(sessions.list().isEmpty());
    }

    @Test
    void shouldLetThePortalAnswerTheSecondarysQuestion() throws Exception
    {
        configureSecondaryTotp();
        final AggregateAuth.Verdict asked = auth.authenticate("alice", "alice-pw", new AggregateAuth.SecondCredentials(
            "alice-token", "424242"), "DefaultWEBVPNGroup", CLIENT, Set.of("ssl-client")).toCompletableFuture().join();
        assertFalse(asked.ok());
        assertNotNull(asked.challenge(), "the portal is given the question");
        assertTrue(asked.challenge().fromSecondary());
        final AggregateAuth.Verdict done = auth.answer(asked.challenge(), code(), CLIENT).toCompletableFuture().join();
        assertTrue(done.ok(), String.valueOf(done.error()));
    }

    private HttpAnswer answer(final String handle, final String code)
    {
        return auth.onMessage(new AuthMessage("auth-reply", "v9.01-3", "linux-64", null, null, handle,
            Map.of("secondary_password", code), null), Map.of(), CLIENT).toCompletableFuture().join();
    }

    private HttpAnswer init()
    {
        return auth.onMessage(new AuthMessage("init", "v9.01-3", "linux-64", null, null, null, Map.of(), null),
            Map.of(), CLIENT).toCompletableFuture().join();
    }

    private HttpAnswer reply(final String handle, final String user, final String password, final String secondUser,
        final String secondPassword)
    {
        final Map<String, String> fields = new HashMap<>();
        fields.put("username", user);
        fields.put("password", password);
        if (secondUser != null)
        {
            fields.put("secondary_username", secondUser);
        }
        if (secondPassword != null)
        {
            fields.put("secondary_password", secondPassword);
        }
        return auth.onMessage(new AuthMessage("auth-reply", "v9.01-3", "linux-64", null, null, handle, fields, null),
            Map.of(), CLIENT).toCompletableFuture().join();
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
}
