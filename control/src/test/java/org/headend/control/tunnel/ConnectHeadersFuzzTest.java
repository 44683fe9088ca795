package org.headend.control.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.headend.dataplane.api.CompressionMethod;

/**
 * The CONNECT request's client-chosen headers ({@code X-CSTP-Base-MTU}, {@code X-CSTP-Hostname},
 * {@code X-CSTP-Accept-Encoding}, {@code X-DTLS-Accept-Encoding}) and what the answer echoes, under arbitrary
 * values: numbers are clamped to the documented ranges, nothing a client sends can add a header line to the answer,
 * and text the answer carries is percent-encoded so that it decodes back exactly.
 */
class ConnectHeadersFuzzTest
{
    @FuzzTest
    void clientHeadersAreClampedAndCannotInjectIntoTheAnswer(final FuzzedDataProvider data)
    {
        final int interfaceMtu = data.consumeInt(576, 9000);
        final int cap = data.consumeInt(576, ConnectAnswer.MAX_TUNNEL_MTU);
        final boolean ipv6 = data.consumeBoolean();
        final String baseMtu = data.consumeString(12);
        final String hostname = data.consumeString(80);
        final String acceptEncoding = data.consumeString(120);
        final String banner = data.consumeRemainingAsString();

        final int bounded = ConnectAnswer.parseBounded(baseMtu, 576, 65535);
        if (baseMtu.matches("[0-9]{1,6}") && Integer.parseInt(baseMtu) >= 576 && Integer.parseInt(baseMtu) <= 65535)
        {
            assertEquals(Integer.parseInt(baseMtu), bounded);
        }
        else
        {
            assertEquals(-1, bounded, () -> "accepted '" + baseMtu + "'");
        }
        final int[] mtu = ConnectAnswer.mtu(interfaceMtu, ipv6, baseMtu, cap);
        assertTrue(mtu[0] <= interfaceMtu && mtu[0] >= 576, () -> "link MTU " + mtu[0]);
        assertTrue(mtu[1] >= 576 && mtu[1] <= Math.min(cap, ConnectAnswer.MAX_TUNNEL_MTU), () -> "tunnel MTU " + mtu[1]);

        for (final CompressionMethod method : CompressionMethod.values())
        {
            final boolean offered = CompressionChoice.offered(acceptEncoding, method);
            assertTrue(!offered || acceptEncoding.toLowerCase(java.util.Locale.ROOT).contains(method.token()),
                () -> method + " taken from '" + acceptEncoding + "'");
        }

        final String echoed = ConnectAnswer.acceptableHostname(hostname);
        assertTrue(echoed == null || echoed.equals(hostname) && echoed.chars().allMatch(c -> c > 0x20 && c < 0x7F));
        final String encoded = ConnectAnswer.percentEncode(banner);
        assertTrue(encoded.chars().allMatch(c -> c >= 0x20 && c < 0x7F), "banner not encoded to printable ASCII");
        // UTF-8 is what goes on the wire: a lone surrogate was never sendable and reads back as '?'
        assertEquals(new String(banner.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8),
            percentDecode(encoded), "the banner does not decode back");

        final String head = new String(new ConnectAnswer()
            .header("X-CSTP-Hostname", hostname)
            .header("X-CSTP-Banner", banner)
            .header("X-CSTP-Accept-Encoding", acceptEncoding)
            .bytes(), StandardCharsets.US_ASCII);
        final String[] lines = head.split("\r\n", -1);
        assertEquals(6, lines.length, () -> "a value added or removed a line: " + head);
        assertEquals("", lines[4]);
        assertEquals("", lines[5]);
        assertFalse(head.substring(0, head.length() - 4).contains("\r\n\r\n"));
    }

    private static String percentDecode(final String text)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c == '%')
            {
                out.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
                i += 2;
            }
            else
            {
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
