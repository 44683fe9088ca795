package org.headend.control.ike.eap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import org.headend.control.auth.AuthMessage;
import org.headend.control.auth.AuthXml;
import org.headend.control.ike.codec.EapAnyConnect;
import org.headend.control.ike.codec.Ike;
import org.junit.jupiter.api.Test;

/**
 * EAP-AnyConnect with a username and password, driven by a test-side client that sends the documents of the
 * reverse-engineered flow (ikev2-plan.md §1.2). Nothing here was checked against a real Cisco AnyConnect client.
 */
class EapAnyConnectServerTest
{
    private static final Map<String, String> GROUPS = Map.of("https://vpn.example.test/eng", "ENG");
    private static final String CERT_SHA1 = "0123456789ABCDEF0123456789ABCDEF01234567";

    private final EapAnyConnectServer server = new EapAnyConnectServer(new SecureRandom(),
        access -> access == null ? "DefaultRAGroup" : GROUPS.get(access), 42, CERT_SHA1);

    /** The identifier of the last request the test client read, which its response must carry. */
    private int identifier;

    private AuthMessage read(final byte[] request) throws Exception
    {
        final EapAnyConnect.Message message = EapAnyConnect.parse(request);
        assertEquals(Ike.EAP_REQUEST, message.code());
        identifier = message.identifier();
        return AuthXml.parse(message.value(EapAnyConnect.TLV_XML));
    }

    private String text(final byte[] request) throws Exception
    {
        return new String(EapAnyConnect.parse(request).value(EapAnyConnect.TLV_XML), StandardCharsets.UTF_8);
    }

    private EapResult send(final String document)
    {
        return server.onResponse(EapAnyConnect.xml(Ike.EAP_RESPONSE, identifier,
            document.getBytes(StandardCharsets.UTF_8)));
    }

    private static String init(final String groupAccess)
    {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<config-auth client=\"vpn\" type=\"init\" aggregate-auth-version=\"2\">"
            + "<version who=\"vpn\">4.10.07061</version>"
            + "<device-id computer-name=\"laptop\" device-type=\"VMware\" platform-version=\"6.1\" unique-id=\"AB12\">"
            + "linux-64</device-id>"
            + "<mac-address-list><mac-address>00-11-22-33-44-55</mac-address></mac-address-list>"
            + (groupAccess == null ? "" : "<group-access>" + AuthXml.escape(groupAccess) + "</group-access>")
            + "<capabilities><auth-method>single-sign-on-v2</auth-method></capabilities>"
            + "</config-auth>";
    }

    private static String authReply(final String handle, final String user, final String password)
    {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<config-auth client=\"vpn\" type=\"auth-reply\" aggregate-auth-version=\"2\">"
            + "<version who=\"vpn\">4.10.07061</version><device-id>linux-64</device-id>"
            + "<session-token></session-token><session-id></session-id>"
            + "<opaque is-for=\"sg\"><tunnel-group>ENG</tunnel-group><aggauth-handle>" + handle
            + "</aggauth-handle><config-hash>42</config-hash></opaque>"
            + "<auth><username>" + AuthXml.escape(user) + "</username><password>" + AuthXml.escape(password)
            + "</password></auth><host-scan-token></host-scan-token>"
            + "</config-auth>";
    }

    private static final String ACK = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<config-auth client=\"vpn\" type=\"ack\" aggregate-auth-version=\"2\"></config-auth>";

    /** hello, init; returns the login form's aggauth-handle. */
    private String throughInit() throws Exception
    {
        assertEquals("hello", read(server.start()).type());
        final EapResult.Continue form = assertInstanceOf(EapResult.Continue.class,
            send(init("https://vpn.example.test/eng")));
        final String document = text(form.request());
        final AuthMessage request = read(form.request());
        assertEquals("auth-request", request.type());
        assertTrue(document.contains("<tunnel-group>ENG</tunnel-group>"), document);
        assertTrue(document.contains("name=\"username\"") && document.contains("name=\"password\""), document);
        assertEquals("ENG", server.tunnelGroup());
        assertNotNull(request.handle());
        return request.handle();
    }

    private static void assertFailed(final EapResult result, final String reason)
    {
        final EapResult.Failed failed = assertInstanceOf(EapResult.Failed.class, result);
        assertEquals(Ike.EAP_FAILURE, failed.failure()[0]);
        assertEquals(4, failed.failure().length);
        assertTrue(failed.reason().contains(reason), failed.reason());
    }

    @Test
    void rightPasswordRunsTheDocumentedFlowToSuccessWithoutAnMsk() throws Exception
    {
        final String handle = throughInit();
        final EapResult.CheckPassword check = assertInstanceOf(EapResult.CheckPassword.class,
            send(authReply(handle, "alice", "s3cret <&>")));
        assertEquals("alice", check.username());
        assertEquals("s3cret <&>", check.password());
        assertFalse(check.toString().contains("s3cret"), "the password never reaches a log line");

        final EapResult.Continue complete = assertInstanceOf(EapResult.Continue.class, server.passwordChecked(true));
        final AuthMessage completeMessage = read(complete.request());
        assertEquals("complete", completeMessage.type());
        assertEquals(server.sessionToken(), completeMessage.sessionToken());
        assertTrue(text(complete.request()).contains(CERT_SHA1));

        final EapResult.Succeeded success = assertInstanceOf(EapResult.Succeeded.class, send(ACK));
        assertEquals(Ike.EAP_SUCCESS, success.success()[0]);
        assertEquals(identifier, success.success()[1] & 0xff, "Success answers the ack's identifier");
        assertEquals("alice", success.username());
        assertNull(success.msk(), "EAP-AnyConnect makes no MSK: AUTH is keyed with SK_pi/SK_pr");
    }

    @Test
    void noGroupAccessLeavesTheChoiceToTheCallerAndAnUnknownOneFails() throws Exception
    {
        read(server.start());
        assertInstanceOf(EapResult.Continue.class, send(init(null)));
        assertEquals("DefaultRAGroup", server.tunnelGroup());

        final EapAnyConnectServer other = new EapAnyConnectServer(new SecureRandom(), GROUPS::get, 1, CERT_SHA1);
        final EapAnyConnect.Message hello = EapAnyConnect.parse(other.start());
        assertFailed(other.onResponse(EapAnyConnect.xml(Ike.EAP_RESPONSE, hello.identifier(),
            init("https://vpn.example.test/nope").getBytes(StandardCharsets.UTF_8))), "no tunnel-group");
    }

    @Test
    void wrongPasswordEndsInFailure() throws Exception
    {
        assertInstanceOf(EapResult.CheckPassword.class, send(authReply(throughInit(), "alice", "guess")));
        assertFailed(server.passwordChecked(false), "wrong password");
        assertFailed(send(ACK), "already finished");
        assertNull(server.sessionToken(), "no session token for a refused login");
    }

    @Test
    void replyWithoutTheFormsHandleOrWithoutAPasswordIsRefused() throws Exception
    {
        throughInit();
        assertFailed(send(authReply("0000", "alice", "s3cret")), "aggauth-handle");

        final EapAnyConnectServer other = new EapAnyConnectServer(new SecureRandom(), GROUPS::get, 1, CERT_SHA1);
        final int id = EapAnyConnect.parse(other.start()).identifier();
        final EapResult.Continue form = assertInstanceOf(EapResult.Continue.class, other.onResponse(EapAnyConnect
            .xml(Ike.EAP_RESPONSE, id, init("https://vpn.example.test/eng").getBytes(StandardCharsets.UTF_8))));
        final EapAnyConnect.Message request = EapAnyConnect.parse(form.request());
        final String handle = AuthXml.parse(request.value(EapAnyConnect.TLV_XML)).handle();
        assertFailed(other.onResponse(EapAnyConnect.xml(Ike.EAP_RESPONSE, request.identifier(),
            authReply(handle, "alice", "").getBytes(StandardCharsets.UTF_8))), "username and password");
    }

    @Test
    void badXmlIsRefusedWithTheParsersReason() throws Exception
    {
        read(server.start());
        assertFailed(send("<config-auth type=\"init\"><version>"), "bad aggregate-auth XML");
    }

    @Test
    void entityDeclarationsAreRefusedAsOnTheTlsPath() throws Exception
    {
        read(server.start());
        assertFailed(send("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"b\">]><config-auth type=\"init\"/>"),
            "entity");
    }

    @Test
    void responsesOutOfStepAreRefused() throws Exception
    {
        read(server.start());
        assertFailed(send(ACK), "expected config-auth init");

        final EapAnyConnectServer second = new EapAnyConnectServer(new SecureRandom(), GROUPS::get, 1, CERT_SHA1);
        final int id = EapAnyConnect.parse(second.start()).identifier();
        assertFailed(second.onResponse(EapAnyConnect.xml(Ike.EAP_RESPONSE, (id + 1) & 0xff,
            init("https://vpn.example.test/eng").getBytes(StandardCharsets.UTF_8))), "out of step");

        final EapAnyConnectServer third = new EapAnyConnectServer(new SecureRandom(), GROUPS::get, 1, CERT_SHA1);
        assertFailed(third.passwordChecked(true), "no password was being checked");
    }

    @Test
    void aResponseWhileThePasswordIsCheckedEndsTheExchange() throws Exception
    {
        assertInstanceOf(EapResult.CheckPassword.class, send(authReply(throughInit(), "alice", "s3cret")));
        assertFailed(send(ACK), "while the password is checked");
        assertFailed(server.passwordChecked(true), "no password was being checked");
    }

    @Test
    void oversizeMalformedAndCertificatePacketsAreRefused() throws Exception
    {
        read(server.start());
        final byte[] big = new byte[EapAnyConnect.MAX_XML + 1];
        final byte[] oversize = EapAnyConnect.build(Ike.EAP_RESPONSE, identifier,
            List.of(new EapAnyConnect.Tlv(EapAnyConnect.TLV_SIGNATURE, big)));
        oversize[13] = EapAnyConnect.TLV_XML;
        assertFailed(server.onResponse(oversize), "exceeds");

        final EapAnyConnectServer other = new EapAnyConnectServer(new SecureRandom(), GROUPS::get, 1, CERT_SHA1);
        final int id = EapAnyConnect.parse(other.start()).identifier();
        assertFailed(other.onResponse(EapAnyConnect.build(Ike.EAP_RESPONSE, id, List.of(
            new EapAnyConnect.Tlv(EapAnyConnect.TLV_XML, init(null).getBytes(StandardCharsets.UTF_8)),
            new EapAnyConnect.Tlv(EapAnyConnect.TLV_SIGNATURE, new byte[] {1})))), "certificate");

        final EapAnyConnectServer third = new EapAnyConnectServer(new SecureRandom(), GROUPS::get, 1, CERT_SHA1);
        final int id3 = EapAnyConnect.parse(third.start()).identifier();
        assertFailed(third.onResponse(EapAnyConnect.build(Ike.EAP_RESPONSE, id3, List.of())), "without an XML");
        assertFailed(new EapAnyConnectServer(new SecureRandom(), GROUPS::get, 1, CERT_SHA1)
            .onResponse(new byte[] {2, 0, 0, 5, 1}), "malformed EAP-AnyConnect");
    }
}
