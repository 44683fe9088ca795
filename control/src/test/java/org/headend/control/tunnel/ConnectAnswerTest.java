package org.headend.control.tunnel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ConnectAnswerTest
{
    @Test
    void shouldStartWithTheStatusLineOpenconnectComparesAndEndWithAnEmptyLine()
    {
        final String text = new String(new ConnectAnswer().header("X-CSTP-MTU", 1400).bytes(),
            StandardCharsets.US_ASCII);
        assertTrue(text.startsWith("HTTP/1.1 200 "));
        assertEquals("HTTP/1.1 200 CONNECTED\r\nX-CSTP-MTU: 1400\r\n\r\n", text);
    }

    @Test
    void shouldNotLetAValueInjectAHeader()
    {
        final String text = new String(new ConnectAnswer().header("X-CSTP-Banner", "hi\r\nX-Evil: 1").bytes(),
            StandardCharsets.US_ASCII);
        assertEquals("HTTP/1.1 200 CONNECTED\r\nX-CSTP-Banner: hiX-Evil: 1\r\n\r\n", text);
    }

    @Test
    void shouldClampTheClientsBaseMtuAndNeverTrustIt()
    {
        assertArrayEquals(new int[] {1500, 1406}, ConnectAnswer.mtu(1500, "1500", 1406));
        assertArrayEquals(new int[] {1406, 1340}, ConnectAnswer.mtu(1500, "1406", 1406));
        for (final String bad : new String[] {"0", "1", "65536", "4294967295", "-1", "1e3", "abc", "", null, "+1500"})
        {
            assertArrayEquals(new int[] {1500, 1400}, ConnectAnswer.mtu(1500, bad, 1400), String.valueOf(bad));
        }
        assertArrayEquals(new int[] {576, 576}, ConnectAnswer.mtu(1500, "576", 1406));
    }

    @Test
    void shouldEchoOnlyPlainHostNames()
    {
        assertEquals("laptop-07.example.com", ConnectAnswer.acceptableHostname("laptop-07.example.com"));
        assertNull(ConnectAnswer.acceptableHostname("bad host"));
        assertNull(ConnectAnswer.acceptableHostname("x".repeat(80)));
        assertNull(ConnectAnswer.acceptableHostname("a\r\nb"));
    }
}
