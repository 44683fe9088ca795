package org.headend.perf.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.headend.control.auth.AuthDocuments;
import org.headend.control.auth.AuthMessage;
import org.headend.control.auth.AuthXml;
import org.junit.jupiter.api.Test;

/**
 * Logins driven by the headend's own documents (and ocserv's shapes), each request read back with the headend's
 * auth parser: what the server would see from the generator at every step.
 */
class AuthConversationTest
{
    private static final String HASH = "3FC2DBEB35185E668F83361AF7151BF825D7EE2D";

    private static HttpResponse ok(final String body, final String... setCookies)
    {
        final List<HttpResponse.Header> headers = new ArrayList<>();
        for (final String c : setCookies)
        {
            headers.add(new HttpResponse.Header("Set-Cookie", c));
        }
        return new HttpResponse("HTTP/1.1 200 OK", 200, headers, body.getBytes(StandardCharsets.UTF_8));
    }

    private static AuthMessage sent(final Object step) throws Exception
    {
        return AuthXml.parse(assertInstanceOf(AuthConversation.Post.class, step).body()
            .getBytes(StandardCharsets.UTF_8));
    }

    private static AuthConversation login(final String group)
    {
        return new AuthConversation("alice", "pw", "123456", group, "https://10.77.0.1/", "/");
    }

    @Test
    void shouldLogInOnTheHeadendsFormAndTakeTheSessionToken() throws Exception
    {
        final AuthConversation c = login(null);
        final AuthConversation.Post init = c.start();
        assertEquals("/", init.path());
        assertNull(init.cookies());
        assertEquals("init", AuthXml.parse(init.body().getBytes(StandardCharsets.UTF_8)).type());

        final Object reply = c.onAnswer(ok(AuthDocuments.loginForm("DefaultWEBVPNGroup", "77", 1L, null, null),
            "webvpncontext=CTX1; path=/; Secure; HttpOnly"));
        assertEquals("webvpncontext=CTX1", ((AuthConversation.Post)reply).cookies(), "the context cookie goes back");
        final AuthMessage m = sent(reply);
        assertEquals("auth-reply", m.type());
        assertEquals("77", m.handle());
        assertEquals("alice", m.field("username"));
        assertEquals("pw", m.field("password"));

        final Object done = c.onAnswer(ok(AuthDocuments.complete(5, "TOKEN@5", HASH, null),
            "webvpncontext=; expires=Thu, 01 Jan 1970 22:00:00 GMT; path=/", "webvpn=TOKEN@5; path=/"));
        assertEquals(new AuthConversation.Complete("TOKEN@5", HASH), done);
    }

    @Test
    void shouldStartOverNamingTheWantedGroupWhenTheServerSelectedAnother() throws Exception
    {
        final AuthConversation c = login("Contractors");
        assertEquals("Contractors", AuthXml.parse(c.start().body().getBytes(StandardCharsets.UTF_8)).groupSelect());
        final List<String> aliases = List.of("Staff", "Contractors");
        final Object again = c.onAnswer(ok(AuthDocuments.loginForm("TG-STAFF", "Staff", aliases, "1", 1L, null,
            null)));
        final AuthMessage init = sent(again);
        assertEquals("init", init.type(), "openconnect's flow B: a new init for the chosen group");
        assertEquals("Contractors", init.groupSelect());
        final AuthMessage reply = sent(c.onAnswer(ok(AuthDocuments.loginForm("TG-CONTRACT", "Contractors", aliases,
            "2", 1L, null, null))));
        assertEquals("auth-reply", reply.type());
        assertEquals("Contractors", reply.groupSelect());
        assertEquals("2", reply.handle());

        final AuthConversation other = login("Nobody");
        other.start();
        assertEquals("group_not_offered", assertThrows(Violation.class, () -> other.onAnswer(ok(
            AuthDocuments.loginForm("TG-STAFF", "Staff", aliases, "1", 1L, null, null)))).reason());
    }

    @Test
    void shouldCountARepromptAsAFailureAndAFormWithoutFieldsAsADenial() throws Exception
    {
        final AuthConversation wrong = login(null);
        wrong.start();
        wrong.onAnswer(ok(AuthDocuments.loginForm("G", "1", 1L, null, null)));
        assertEquals("auth_fail", assertThrows(Violation.class, () -> wrong.onAnswer(ok(
            AuthDocuments.loginForm("G", "2", 1L, null, "Login failed.")))).reason());

        final AuthConversation denied = login(null);
        denied.start();
        assertEquals("auth_denied", assertThrows(Violation.class, () -> denied.onAnswer(ok(
            AuthDocuments.refusal("Account locked.", null)))).reason());

        final AuthConversation refused = login(null);
        refused.start();
        assertEquals("auth_http_401", assertThrows(Violation.class, () -> refused.onAnswer(new HttpResponse(
            "HTTP/1.1 401 Unauthorized", 401, List.of(), new byte[0]))).reason());
    }

    @Test
    void shouldFollowOcservsStepsAndAnswerAChallengeWithItsOwnSecret() throws Exception
    {
        final AuthConversation c = login(null);
        c.start();
        final Object askUser = c.onAnswer(ok(ocservForm("main", "text", "username")));
        assertEquals("/auth", ((AuthConversation.Post)askUser).path(), "the form's action");
        assertEquals("alice", sent(askUser).field("username"));
        final Object askPassword = c.onAnswer(ok(ocservForm("main", "password", "password"),
            "webvpncontext=OCCTX; Max-Age=300; Secure; HttpOnly"));
        assertEquals("pw", sent(askPassword).field("password"));
        final Object askCode = c.onAnswer(ok(ocservForm("challenge", "password", "secondary_password")));
        assertEquals("123456", sent(askCode).field("secondary_password"));
        final Object done = c.onAnswer(ok("""
            <?xml version="1.0" encoding="UTF-8"?>
            <config-auth client="vpn" type="complete">
            <version who="sg">0.1(1)</version>
            <auth id="success">
            <title>SSL VPN Service</title></auth></config-auth>""", "webvpn=OCCOOKIE+/=; Secure; HttpOnly"));
        assertEquals(new AuthConversation.Complete("OCCOOKIE+/=", null), done, "ocserv sends the cookie only");
    }

    @Test
    void shouldGiveUpAfterTenExchanges() throws Exception
    {
        final AuthConversation c = login(null);
        c.start();
        final String form = ocservForm("main", "text", "username");
        for (int i = 0; i < AuthConversation.MAX_STEPS; i++)
        {
            c.onAnswer(ok(form));
        }
        assertEquals("auth_loop", assertThrows(Violation.class, () -> c.onAnswer(ok(form))).reason());
    }

    private static String ocservForm(final String id, final String type, final String name)
    {
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <config-auth client="vpn" type="auth-request">
            <version who="sg">0.1(1)</version>
            <auth id="%s">
            <message>Please enter your details.</message>
            <form method="post" action="/auth">
            <input type="%s" name="%s" label="Value:" />
            </form></auth>
            </config-auth>""".formatted(id, type, name);
    }
}
