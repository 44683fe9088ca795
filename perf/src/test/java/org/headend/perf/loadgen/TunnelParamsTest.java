package org.headend.perf.loadgen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.headend.control.tunnel.ConnectAnswer;
import org.headend.dataplane.wire.CstpHeader;
import org.junit.jupiter.api.Test;

/** CONNECT answers written by the headend's own writer, and broken ones, checked as openconnect checks them. */
class TunnelParamsTest
{
    private static final String APP_ID = "a5973c6b8f69cff9390d939e96a5973c6b8f69cff9390d939e96a5973c6b8f69";

    private static ConnectAnswer headendLike()
    {
        return new ConnectAnswer().header("X-CSTP-Version", 1)
            .header("X-CSTP-Address", "192.168.100.10").header("X-CSTP-Netmask", "255.255.255.0")
            .header("X-CSTP-DPD", 30).header("X-CSTP-Keepalive", 20).header("X-CSTP-MTU", 1399)
            .header("X-CSTP-Base-MTU", 1500).header("X-DTLS-Port", 443).header("X-DTLS-App-ID", APP_ID)
            .header("X-DTLS-CipherSuite", "PSK-NEGOTIATE").header("X-DTLS-DPD", 30).header("X-DTLS-Keepalive", 20);
    }

    private static TunnelParams read(final byte[] answer) throws Violation
    {
        final HttpResponse r = new HttpResponseReader(true).read(Unpooled.wrappedBuffer(answer));
        return TunnelParams.of(r);
    }

    private static String reason(final String answer)
    {
        return assertThrows(Violation.class, () -> read(answer.getBytes(StandardCharsets.US_ASCII))).reason();
    }

    @Test
    void shouldTakeTheHeadendsAnswerAndLeaveTheFirstCstpFrameInTheBuffer() throws Exception
    {
        final ByteBuf in = Unpooled.buffer();
        in.writeBytes(headendLike().bytes());
        CstpHeader.write(in, CstpHeader.TYPE_DPD_REQ, 0);
        final HttpResponse r = new HttpResponseReader(true).read(in);
        final TunnelParams p = TunnelParams.of(r);
        assertEquals(1399, p.mtu());
        assertEquals("192.168.100.10", p.address());
        assertEquals(30, p.cstpDpd());
        assertTrue(p.pskDtls());
        assertArrayEquals(HexFormat.of().parseHex(APP_ID), p.appId());
        assertEquals(CstpHeader.HEADER_LENGTH, in.readableBytes(), "what follows the empty line is CSTP");
        assertEquals(CstpHeader.TYPE_DPD_REQ, CstpHeader.type(in, in.readerIndex()));
    }

    @Test
    void shouldNameEachAnswerOpenconnectWouldRefuse()
    {
        assertEquals("cookie_rejected", reason("HTTP/1.1 401 Cookie is not acceptable\r\n\r\n"));
        assertEquals("connect_unavailable", reason("HTTP/1.1 503 Service Unavailable\r\nX-Reason: no pool\r\n\r\n"));
        assertEquals("connect_bad_status", reason("HTTP/1.1 200\r\nX-CSTP-MTU: 1399\r\n\r\n"));
        assertEquals("connect_bad_status", reason("HTTP/1.0 200 OK\r\nX-CSTP-MTU: 1399\r\n\r\n"));
        assertEquals("no_mtu", reason("HTTP/1.1 200 OK\r\nx-cstp-mtu: 1399\r\nX-CSTP-Address: 10.0.0.2\r\n\r\n"));
        assertEquals("no_address", reason("HTTP/1.1 200 OK\r\nX-CSTP-MTU: 1399\r\nX-Cstp-Address: 10.0.0.2\r\n\r\n"));
        assertEquals("bad_session_id",
            reason("HTTP/1.1 200 OK\r\nX-CSTP-MTU: 1399\r\nX-CSTP-Address: 10.0.0.2\r\nX-DTLS-Session-ID: abc\r\n\r\n"));
        assertEquals("bad_app_id",
            reason("HTTP/1.1 200 OK\r\nX-CSTP-MTU: 1399\r\nX-CSTP-Address: 10.0.0.2\r\nX-DTLS-App-ID: abc\r\n\r\n"));
        assertEquals("bad_content_encoding", reason(
            "HTTP/1.1 200 OK\r\nX-CSTP-MTU: 1399\r\nX-CSTP-Address: 10.0.0.2\r\nX-DTLS-Content-Encoding: deflate\r\n\r\n"));
        assertEquals("bad_number", reason("HTTP/1.1 200 OK\r\nX-CSTP-MTU: big\r\n\r\n"));
    }

    @Test
    void shouldStayOnCstpWhenTheDtlsOfferIsIncompleteOrAmbiguous() throws Exception
    {
        final TunnelParams two = read(headendLike().header("X-DTLS12-CipherSuite", "AES128-GCM-SHA256").bytes());
        assertFalse(two.pskDtls());
        assertEquals("more than one DTLS cipher option", two.dtlsOffNote());
        final TunnelParams noPort = read(new ConnectAnswer().header("X-CSTP-MTU", 1399)
            .header("X-CSTP-Address", "10.0.0.2").header("X-DTLS-App-ID", APP_ID)
            .header("X-DTLS-CipherSuite", "PSK-NEGOTIATE").bytes());
        assertFalse(noPort.pskDtls());
        assertNull(noPort.appId());
    }
}
