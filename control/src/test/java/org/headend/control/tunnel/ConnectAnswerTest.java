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
        assertArrayEquals(new int[] {1500, 1406}, ConnectAnswer.mtu(1500, false, "1500", 1406));
        assertArrayEquals(new int[] {1406, 1340}, ConnectAnswer.mtu(1500, false, "1406", 1406));
        for (final String bad : new String[] {"0", "1", "65536", "4294967295", "-1", "1e3", "abc", "", null, "+1500"})
        {
            assertArrayEquals(new int[] {1500, 1400}, ConnectAnswer.mtu(1500, false, bad, 1400), String.valueOf(bad));
        }
        assertArrayEquals(new int[] {576, 576}, ConnectAnswer.mtu(1500, false, "576", 1406));
    }

    @Test
    void shouldDeriveTheMtuFromTheOutsideLinkAndItsAddressFamilyWhenThePolicySetsNone()
    {
        assertArrayEquals(new int[] {1400, 1334}, ConnectAnswer.mtu(1400, false, "1500", ConnectAnswer.MAX_TUNNEL_MTU));
        assertArrayEquals(new int[] {1400, 1314}, ConnectAnswer.mtu(1400, true, null, ConnectAnswer.MAX_TUNNEL_MTU));
        assertArrayEquals(new int[] {9000, 1406}, ConnectAnswer.mtu(9000, false, null, ConnectAnswer.MAX_TUNNEL_MTU),
            "never above what the inside interface carries");
        assertArrayEquals(new int[] {1400, 1300}, ConnectAnswer.mtu(1400, false, null, 1300), "anyconnect mtu 1300");
    }

    @Test
    void shouldPercentEncodeTheBannerSoThatItsLinesAndSignsSurviveTheHeader()
    {
        assertEquals("Welcome, 100%25 authorised use only.%0ASecond line: caf%C3%A9",
            ConnectAnswer.percentEncode("Welcome, 100% authorised use only.\nSecond line: café"));
    }

    @Test
    void shouldEchoOnlyPlainHostNames()
    {
        assertEquals("laptop-07.example.com", ConnectAnswer.acceptableHostname("laptop-07.example.com"));
        assertNull(ConnectAnswer.acceptableHostname("bad host"));
        assertNull(ConnectAnswer.acceptableHostname("x".repeat(80)));
        assertNull(ConnectAnswer.acceptableHostname("a\r\nb"));
    }

    /** Found by ConnectHeadersFuzzTest: Java's digit tests and parseInt take digits of every script. */
    @Test
    void shouldTakeOnlyAsciiDigitsInAClientsNumber()
    {
        assertEquals(-1, ConnectAnswer.parseBounded("5\u07C050", 576, 65535), "an N'Ko zero");
        assertEquals(-1, ConnectAnswer.parseBounded("\u0661\u0664\u0660\u0660", 576, 65535), "Arabic-Indic 1400");
        assertEquals(1400, ConnectAnswer.parseBounded("1400", 576, 65535));
    }
}
