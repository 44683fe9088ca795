package org.headend.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code http redirect outside 80}: a browser pointed at http://ADDRESS/ lands on the HTTPS service, with the same
 * path; a hostile Host or path does not reach the answer; the listener follows the configuration live.
 */
@ExtendWith(HarnessExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HttpRedirectIT
{
    private static Testbed bed;

    @BeforeAll
    static void start()
    {
        bed = Testbed.start(1, c -> c.extraLine("http redirect outside 80"));
    }

    @AfterAll
    static void tearDown()
    {
        if (bed != null)
        {
            bed.close();
        }
    }

    private static Cmd.Result curl(final String... args)
    {
        final String[] argv = new String[args.length + 4];
        argv[0] = "curl";
        argv[1] = "-s";
        argv[2] = "-m";
        argv[3] = "10";
        System.arraycopy(args, 0, argv, 4, args.length);
        return Cmd.run(Duration.ofSeconds(20), Netns.in(bed.net().client(1), argv));
    }

    @Test
    @Order(1)
    void shouldSendABrowserToTheHttpsServiceWithTheSamePath()
    {
        final String head = curl("-i", "http://" + Netns.SERVER_ADDRESS + "/+CSCOE+/logon.html?a=1").output();
        assertTrue(head.startsWith("HTTP/1.1 301 "), head);
        assertTrue(head.contains("location: https://" + Netns.SERVER_ADDRESS + "/+CSCOE+/logon.html?a=1\r\n"), head);
        final String named = curl("-i", "-H", "Host: vpn.example.com", "http://" + Netns.SERVER_ADDRESS + "/").output();
        assertTrue(named.contains("location: https://vpn.example.com/\r\n"), named);
        final String page = curl("-k", "-L", "http://" + Netns.SERVER_ADDRESS + "/").output();
        assertTrue(page.contains("<form") && page.contains("name=\"password\""),
            "following the redirect reaches the HTTPS portal's login page: " + page);
    }

    @Test
    @Order(2)
    void shouldKeepAHostileHostAndPathOutOfTheAnswer()
    {
        final Cmd.Result raw = Cmd.run(Duration.ofSeconds(20), Netns.in(bed.net().client(1), "timeout", "10", "bash",
            "-c", "exec 3<>/dev/tcp/" + Netns.SERVER_ADDRESS + "/80; printf 'GET /a\"<x>%%0d%%0a HTTP/1.1\\r\\n"
                + "Host: evil.example\\tSet-Cookie: x=1\\r\\n\\r\\n' >&3; cat <&3"));
        final String answer = raw.output();
        assertTrue(answer.startsWith("HTTP/1.1 301 "), answer);
        assertTrue(answer.contains("location: https://" + Netns.SERVER_ADDRESS + "/a%22%3Cx%3E%0d%0a\r\n"), answer);
        assertFalse(answer.toLowerCase(java.util.Locale.ROOT).contains("set-cookie"), answer);
    }

    @Test
    @Order(3)
    void shouldStopAndStartTheListenerWithTheConfiguration()
    {
        final HeadendProcess headend = bed.headend();
        headend.console("configure terminal");
        headend.console("no http redirect outside");
        headend.console("end");
        assertEquals(7, curl("http://" + Netns.SERVER_ADDRESS + "/").exitCode(), "curl: connection refused");

        headend.console("configure terminal");
        headend.console("http redirect outside 8080");
        headend.console("end");
        assertTrue(headend.console("show running-config").contains("\nhttp redirect outside 8080\n"));
        final String head = curl("-i", "http://" + Netns.SERVER_ADDRESS + ":8080/x").output();
        assertTrue(head.startsWith("HTTP/1.1 301 ") && head.contains("location: https://" + Netns.SERVER_ADDRESS
            + "/x\r\n"), head);
    }
}
