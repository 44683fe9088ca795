package org.headend.perf.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpResponseReaderTest
{
    @Test
    void shouldAssembleAnAnswerThatArrivesInPieces() throws Exception
    {
        final byte[] all = ("HTTP/1.1 200 OK\r\nSet-Cookie: a=1\nSet-Cookie: b=2\r\nContent-Length: 5\r\n\r\nhello"
            + "HTTP/1.1").getBytes(StandardCharsets.US_ASCII);
        final HttpResponseReader reader = new HttpResponseReader(false);
        final ByteBuf in = Unpooled.buffer();
        HttpResponse r = null;
        for (final byte b : all)
        {
            in.writeByte(b);
            if (r == null)
            {
                r = reader.read(in);
            }
        }
        assertEquals(200, r.status());
        assertEquals("hello", r.bodyText());
        assertEquals(2, r.all("set-cookie").size(), "bare LF line ends are accepted too");
        assertEquals("HTTP/1.1", in.toString(StandardCharsets.US_ASCII), "the next answer's bytes are left alone");
    }

    @Test
    void shouldRefuseOversizedLinesAndBodiesAndABadStatusLine()
    {
        final ByteBuf longLine = Unpooled.buffer().writeBytes("HTTP/1.1 200 OK\r\nX: ".getBytes(StandardCharsets.US_ASCII))
            .writeBytes(new byte[HttpResponseReader.MAX_LINE + 10]);
        assertEquals("http_malformed", assertThrows(Violation.class,
            () -> new HttpResponseReader(false).read(longLine)).reason());
        final ByteBuf big = Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\nContent-Length: 99999999\r\n\r\n",
            StandardCharsets.US_ASCII);
        assertEquals("http_malformed", assertThrows(Violation.class, () -> new HttpResponseReader(false).read(big))
            .reason());
        final ByteBuf bad = Unpooled.copiedBuffer("SSH-2.0-OpenSSH\r\n", StandardCharsets.US_ASCII);
        assertEquals("http_malformed", assertThrows(Violation.class, () -> new HttpResponseReader(false).read(bad))
            .reason());
    }

    @Test
    void shouldWaitForTheWholeBody() throws Exception
    {
        final ByteBuf in = Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab",
            StandardCharsets.US_ASCII);
        final HttpResponseReader reader = new HttpResponseReader(false);
        assertNull(reader.read(in));
        in.writeBytes("cd".getBytes(StandardCharsets.US_ASCII));
        assertEquals("abcd", reader.read(in).bodyText());
    }
}
