package org.headend.perf.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.headend.control.auth.AuthDocuments;
import org.headend.control.auth.AuthMessage;
import org.headend.control.auth.AuthXml;
import org.junit.jupiter.api.Test;

/** What the generator sends, read back by the headend's own auth parser (the server's view of the client). */
class OpenconnectRequestsTest
{
    private final OpenconnectRequests requests = new OpenconnectRequests("vpn.example.com", OpenconnectRequests.USER_AGENT);

    @Test
    void shouldSendAnInitTheHeadendReadsAsOpenconnects() throws Exception
    {
        final AuthMessage init = AuthXml.parse(OpenconnectRequests.initBody("https://vpn.example.com/eng", "Staff")
            .getBytes(StandardCharsets.UTF_8));
        assertEquals("init", init.type());
        assertEquals("v9.21", init.clientVersion());
        assertEquals("linux-64", init.deviceId());
        assertEquals("https://vpn.example.com/eng", init.groupAccess());
        assertEquals("Staff", init.groupSelect());
    }

    @Test
    void shouldEchoTheHeadendsOpaqueAndAnswerItsFormFields() throws Exception
    {
        final String form = AuthDocuments.loginForm("TG-STAFF", "Staff", List.of("Staff", "Contractors"),
            "4611686018427391204", 17L, null, null);
        final AuthDocument doc = AuthDocument.parse(form);
        final String reply = OpenconnectRequests.authReplyBody(doc.opaque(),
            List.of(Map.entry("username", "alice"), Map.entry("password", "p<&>\"w"), Map.entry("group_list", "Staff")),
            "Staff");
        final AuthMessage parsed = AuthXml.parse(reply.getBytes(StandardCharsets.UTF_8));
        assertEquals("auth-reply", parsed.type());
        assertEquals("4611686018427391204", parsed.handle(), "the aggauth-handle came back");
        assertEquals("alice", parsed.field("username"));
        assertEquals("p<&>\"w", parsed.field("password"), "escaped on the way out, intact on the way in");
        assertEquals("Staff", parsed.groupSelect());
    }

    @Test
    void shouldPadTheAuthPostHeaderToSixtyFourBytesAndCountTheBody()
    {
        final String body = OpenconnectRequests.initBody("https://vpn.example.com/", null);
        final String post = new String(requests.authPost("/", "webvpncontext=ABC", body), StandardCharsets.UTF_8);
        final int end = post.indexOf("\r\n\r\n") + 4;
        assertEquals(0, end % 64, "header block of " + end + " bytes");
        assertTrue(post.startsWith("POST / HTTP/1.1\r\nHost: vpn.example.com\r\nUser-Agent: " + OpenconnectRequests.USER_AGENT
            + "\r\nCookie: webvpncontext=ABC\r\nAccept: */*\r\n"), post);
        assertTrue(post.contains("\r\nX-Aggregate-Auth: 1\r\nX-Support-HTTP-Auth: true\r\nX-Pad: 0"), post);
        assertTrue(post.contains("Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n"), post);
        assertEquals(body, post.substring(end));
    }

    @Test
    void shouldConnectWithOpenconnectsHeadersAndAskForTheOldAddressOnAReconnect()
    {
        final String secret = "AB".repeat(48);
        final String first = new String(requests.connect("TOKEN@1", "loadgen-1", 1500, secret, null, true),
            StandardCharsets.US_ASCII);
        assertTrue(first.startsWith("CONNECT /CSCOSSLC/tunnel HTTP/1.1\r\nHost: vpn.example.com\r\n"), first);
        assertTrue(first.contains("\r\nCookie: webvpn=TOKEN@1\r\n"), first);
        assertTrue(first.contains("\r\nX-CSTP-Base-MTU: 1500\r\nX-CSTP-MTU: 1390\r\n"), first);
        assertTrue(first.contains("\r\nX-DTLS-Master-Secret: " + secret + "\r\n"), first);
        assertTrue(first.contains("\r\nX-DTLS-CipherSuite: PSK-NEGOTIATE:"), first);
        assertTrue(first.contains("\r\nX-DTLS12-CipherSuite: "), first);
        assertFalse(first.contains("X-CSTP-Address:"), "a first CONNECT asks for no address");
        assertTrue(first.endsWith("\r\n\r\n"));
        final String again = new String(requests.connect("TOKEN@1", "loadgen-1", 1500, secret, "192.168.100.10",
            false), StandardCharsets.US_ASCII);
        assertTrue(again.contains("\r\nX-CSTP-Address: 192.168.100.10\r\n"), again);
        assertFalse(again.contains("X-DTLS"), "no DTLS offered with --dtls off");
    }

    @Test
    void shouldParseTheHeadendsTerminalRefusalAsAFormWithoutFields() throws Exception
    {
        final AuthDocument refusal = AuthDocument.parse(AuthDocuments.refusal("Login denied.", null));
        assertTrue(refusal.inputs().isEmpty());
        assertEquals("Login denied.", refusal.error());
        assertNull(refusal.opaque());
    }
}
