package org.headend.control.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Requests the front door refuses before they reach the router: each refusal also ends the connection. */
class FrontDoorRefusalTest
{
    private final List<HttpRequestView> routed = new ArrayList<>();
    private final FrontDoorPipeline channel = new FrontDoorPipeline((request, exchange) ->
    {
        routed.add(request);
        exchange.reply(HttpAnswer.text(200, "OK", "ok", false));
    });

    /** Found by FrontDoorFuzzTest: the aggregator answered 417 and kept the connection, reading the body on. */
    @Test
    void anExpectationOtherThan100ContinueIsRefusedAndTheConnectionClosed()
    {
        final String answer = send("POST / HTTP/1.1\r\nHost: vpn\r\nExpect: 200-continue\r\nContent-Length: 3\r\n\r\n"
            + "abc");
        assertTrue(answer.startsWith("HTTP/1.1 417 "), answer);
        assertFalse(channel.isOpen(), "the connection stays open after a refused expectation");
        assertEquals(List.of(), routed);
    }

    @Test
    void aBodyDeclaredLargerThanTheLimitIsRefusedAndTheConnectionClosed()
    {
        final String answer = send("POST / HTTP/1.1\r\nHost: vpn\r\nContent-Length: 300000\r\n\r\nabc");
        assertTrue(answer.startsWith("HTTP/1.1 413 "), answer);
        assertTrue(answer.toLowerCase(Locale.ROOT).contains("connection: close"), answer);
        assertFalse(channel.isOpen(), "the connection stays open after a refused body");
        assertEquals(List.of(), routed);
    }

    private String send(final String request)
    {
        channel.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1));
        channel.runPendingTasks();
        channel.checkException();
        final StringBuilder out = new StringBuilder();
        for (Object o = channel.readOutbound(); o != null; o = channel.readOutbound())
        {
            out.append(((ByteBuf)o).toString(StandardCharsets.ISO_8859_1));
            ((ByteBuf)o).release();
        }
        return out.toString();
    }
}
