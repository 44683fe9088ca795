package org.headend.control.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.headend.control.auth.AuthXml;

/**
 * The HTTPS front door's request parsing ({@link FrontDoorPipeline}: the listener's HTTP handlers, without TLS) under an arbitrary byte stream: nothing escapes as an exception, every request the router sees respects the
 * documented limits, and everything else is answered with one of the documented refusals.
 */
class FrontDoorFuzzTest
{
    private static final Set<Integer> ANSWERS = Set.of(100, 200, 400, 413, 414, 417, 431);

    @FuzzTest
    void anyStreamYieldsBoundedRequestsOrClearRefusals(final FuzzedDataProvider data)
    {
        final int cut = data.consumeInt(1, 4096);
        final byte[] stream = data.consumeRemainingAsBytes();
        final List<String> violations = new ArrayList<>();
        final List<HttpRequestView> routed = new ArrayList<>();
        final FrontDoorPipeline channel = new FrontDoorPipeline((request, exchange) ->
        {
            routed.add(request);
            check(request, violations);
            exchange.reply(HttpAnswer.text(200, "OK", "ok", false));
        });
        for (int start = 0; start < stream.length && channel.isOpen(); start += cut)
        {
            channel.writeInbound(Unpooled.wrappedBuffer(stream, start, Math.min(cut, stream.length - start)));
            channel.runPendingTasks();
        }
        channel.runPendingTasks();
        channel.checkException();
        assertEquals(List.of(), violations);

        int answers = 0;
        boolean refused = false;
        for (Object out = channel.readOutbound(); out != null; out = channel.readOutbound())
        {
            final ByteBuf bytes = (ByteBuf)out;
            final String text = bytes.toString(StandardCharsets.ISO_8859_1);
            bytes.release();
            if (!text.startsWith("HTTP/1.1 "))
            {
                continue;
            }
            answers++;
            final int status = Integer.parseInt(text.substring(9, 12));
            assertTrue(ANSWERS.contains(status), () -> "undocumented answer " + text.lines().findFirst().orElse(""));
            refused |= status >= 400;
        }
        assertTrue(answers >= routed.size(), "a routed request was never answered");
        assertFalse(refused && channel.isOpen(), "a refusal kept the connection open");
        channel.finishAndReleaseAll();
    }

    private static void check(final HttpRequestView request, final List<String> violations)
    {
        if (!request.method().equals(request.method().toUpperCase(Locale.ROOT)))
        {
            violations.add("method not upper case: " + request.method());
        }
        if ((request.path() + request.query()).chars().anyMatch(c -> c < 0x21 || c == 0x7F))
        {
            violations.add("control character in the request line reached the router");
        }
        final int headerLines = request.headers().values().stream().mapToInt(List::size).sum();
        if (headerLines > FrontDoorHandler.MAX_HEADERS)
        {
            violations.add(headerLines + " header lines reached the router");
        }
        if (request.headers().keySet().stream().anyMatch(k -> !k.equals(k.toLowerCase(Locale.ROOT))))
        {
            violations.add("header name not lower case");
        }
        if (request.headers().containsKey("transfer-encoding"))
        {
            violations.add("Transfer-Encoding reached the router");
        }
        if (request.body().length > AuthXml.MAX_BODY_BYTES)
        {
            violations.add("body of " + request.body().length + " bytes reached the router");
        }
        if (request.cookies().size() > 32)
        {
            violations.add(request.cookies().size() + " cookies");
        }
    }
}
