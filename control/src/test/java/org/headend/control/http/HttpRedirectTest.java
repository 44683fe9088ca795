package org.headend.control.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.headend.control.config.ConfigException;
import org.headend.control.config.ConfigStore;
import org.junit.jupiter.api.Test;

/** {@code http redirect}: the Location it builds from hostile input, the answer on the wire, live start and stop. */
class HttpRedirectTest
{
    private static final InetSocketAddress LOCAL = new InetSocketAddress("10.77.0.1", 80);

    @Test
    void shouldRedirectToTheSamePathAndQueryOnHttps()
    {
        assertEquals("https://vpn.example.com/+CSCOE+/logon.html?a=1&b=%20",
            HttpRedirectHandler.location("vpn.example.com", LOCAL, 443, "/+CSCOE+/logon.html?a=1&b=%20"));
        assertEquals("https://vpn.example.com:8443/", HttpRedirectHandler.location("vpn.example.com:80", LOCAL, 8443,
            "/"));
        assertEquals("https://[2001:db8::1]/x", HttpRedirectHandler.location("[2001:db8::1]:80", LOCAL, 443, "/x"));
        assertEquals("https://10.77.0.1/path", HttpRedirectHandler.location("10.77.0.1", LOCAL, 443,
            "http://10.77.0.1/path#frag"), "absolute form: the path only, no fragment");
    }

    @Test
    void shouldFallBackToTheInterfaceAddressWhenTheHostIsMissingOrHostile()
    {
        for (final String host : new String[] {null, "", "evil.example\r\nSet-Cookie: x=1", "a b", "x".repeat(300),
            "host/path", "user@host", "::1", "[::1]]", "-bad.example"})
        {
            assertEquals("https://10.77.0.1/", HttpRedirectHandler.location(host, LOCAL, 443, "/"), String.valueOf(host));
        }
        assertEquals("https://[2001:db8::1]/", HttpRedirectHandler.location(null,
            new InetSocketAddress("2001:db8::1", 80), 443, "/"));
    }

    @Test
    void shouldReencodeEverythingThatCouldBreakTheLocationLine()
    {
        assertEquals("https://10.77.0.1/a%0D%0ASet-Cookie:%20x=1%22%3C%3E%5C%FF%252",
            HttpRedirectHandler.location(null, LOCAL, 443, "/a\r\nSet-Cookie: x=1\"<>\\\u00ff%2"));
        assertEquals("https://10.77.0.1/", HttpRedirectHandler.location(null, LOCAL, 443, "*"));
        assertEquals("https://10.77.0.1/", HttpRedirectHandler.location(null, LOCAL, 443, "evil.example/x"));
    }

    private static EmbeddedChannel redirector(final int httpsPort)
    {
        return new EmbeddedChannel(new HttpServerCodec(new HttpDecoderConfig()
            .setMaxInitialLineLength(HttpsListener.MAX_INITIAL_LINE).setMaxHeaderSize(HttpsListener.MAX_HEADER_SIZE)),
            new HttpRedirectHandler(() -> httpsPort));
    }

    private static String answer(final EmbeddedChannel channel, final String request)
    {
        channel.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1));
        final StringBuilder out = new StringBuilder();
        for (ByteBuf b = channel.readOutbound(); b != null; b = channel.readOutbound())
        {
            out.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        return out.toString();
    }

    @Test
    void shouldRefuseARequestOverTheFrontDoorLimits()
    {
        final EmbeddedChannel longLine = redirector(443);
        assertTrue(answer(longLine, "GET /" + "a".repeat(HttpsListener.MAX_INITIAL_LINE) + " HTTP/1.1\r\n\r\n")
            .startsWith("HTTP/1.1 414 "));
        final EmbeddedChannel bigHeader = redirector(443);
        assertTrue(answer(bigHeader, "GET / HTTP/1.1\r\nHost: " + "h".repeat(HttpsListener.MAX_HEADER_SIZE)
            + "\r\n\r\n").startsWith("HTTP/1.1 431 "));
        assertFalse(bigHeader.isOpen());
    }

    @Test
    void shouldStartAndStopListeningWhenTheConfigurationChanges() throws ConfigException, IOException
    {
        final int port = freePort();
        final ConfigStore store = ConfigStore.embeddedDefault("unused-password");
        final String base = "interface lo\n nameif inside\n ip address 127.0.0.1 255.0.0.0\nwebvpn\n port 8443\n";
        final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (HttpRedirectListeners redirects = new HttpRedirectListeners(loops, NioServerSocketChannel.class,
            store::current))
        {
            store.replace(base + "http redirect inside " + port + "\n", "test");
            redirects.apply(store.current());
            // any method; the body is never read, and the connection closes after the one answer
            final String answer = get(port, "POST /login?x=1 HTTP/1.1\r\nHost: vpn.example.com\r\n"
                + "Content-Length: 5\r\n\r\nhello");
            assertTrue(answer.startsWith("HTTP/1.1 301 Moved Permanently\r\n"), answer);
            assertTrue(answer.contains("\r\nlocation: https://vpn.example.com:8443/login?x=1\r\n"), answer);
            assertTrue(answer.contains("\r\ncontent-length: 0\r\n"), answer);
            assertTrue(get(port, "GET /y HTTP/1.0\r\n\r\n").contains("location: https://127.0.0.1:8443/y\r\n"),
                "no Host: the address the client reached");

            store.replace(base, "test");
            redirects.apply(store.current());
            assertThrows(IOException.class, () -> get(port, "GET / HTTP/1.1\r\n\r\n"), "no redirect: no listener");
        }
        finally
        {
            loops.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void shouldCloseARequestThatDribblesPastItsDeadline() throws Exception
    {
        final int port = freePort();
        final ConfigStore store = redirectingOn(port);
        final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (HttpRedirectListeners redirects = new HttpRedirectListeners(loops, NioServerSocketChannel.class,
            store::current, 600))
        {
            redirects.apply(store.current());
            final Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setSoTimeout(5000);
            final OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
            final long start = System.nanoTime();
            // a header line every 100 ms keeps an idle timeout happy for ever; the deadline is not reset by bytes
            try
            {
                for (int i = 0; i < 50; i++)
                {
                    Thread.sleep(100);
                    out.write(("X-Dribble-" + i + ": y\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            }
            catch (final IOException closedUnderUs)
            {
                // the server closed while we were still dribbling: what this test wants
            }
            assertEquals(-1, socket.getInputStream().read(), "closed without an answer");
            final long millis = (System.nanoTime() - start) / 1_000_000;
            socket.close();
            assertTrue(millis < 4000, "closed after " + millis + " ms, deadline 600 ms");
        }
        finally
        {
            loops.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void shouldBoundOpenConnectionsAndStillAnswerANewClient() throws Exception
    {
        final int port = freePort();
        final ConfigStore store = redirectingOn(port);
        final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        final java.util.List<Socket> idle = new java.util.ArrayList<>();
        try (HttpRedirectListeners redirects = new HttpRedirectListeners(loops, NioServerSocketChannel.class,
            store::current))
        {
            redirects.apply(store.current());
            for (int i = 0; i < HttpRedirectListeners.CONNECTIONS + 50; i++)
            {
                idle.add(new Socket(InetAddress.getLoopbackAddress(), port));
            }
            // one address floods; a user from another address is answered, taking the flood's oldest slot
            final String answer;
            try (Socket user = new Socket(InetAddress.getLoopbackAddress(), port, InetAddress.getByName("127.0.0.2"), 0))
            {
                user.setSoTimeout(5000);
                user.getOutputStream().write("GET /x HTTP/1.1\r\nHost: vpn.example.com\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
                answer = new String(user.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            }
            assertTrue(answer.startsWith("HTTP/1.1 301 "), "a new client is answered while the budget is full");
            assertTrue(redirects.connections() <= HttpRedirectListeners.CONNECTIONS,
                redirects.connections() + " open, budget " + HttpRedirectListeners.CONNECTIONS);
            int closedByServer = 0;
            for (final Socket socket : idle)
            {
                socket.setSoTimeout(1);
                try
                {
                    if (socket.getInputStream().read() == -1)
                    {
                        closedByServer++;
                    }
                }
                catch (final java.net.SocketTimeoutException stillOpen)
                {
                    // held its slot
                }
                catch (final IOException reset)
                {
                    closedByServer++;
                }
            }
            assertTrue(closedByServer >= 51, "50 refused, the oldest gave its slot up: " + closedByServer);
        }
        finally
        {
            for (final Socket socket : idle)
            {
                socket.close();
            }
            loops.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** A configuration with a redirect listener on 127.0.0.1:{@code port}. */
    private static ConfigStore redirectingOn(final int port) throws ConfigException
    {
        final ConfigStore store = ConfigStore.embeddedDefault("unused-password");
        store.replace("interface lo\n nameif inside\n ip address 127.0.0.1 255.0.0.0\nhttp redirect inside " + port
            + "\n", "test");
        return store;
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
    }

    private static String get(final int port, final String request) throws IOException
    {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port))
        {
            socket.setSoTimeout(5000);
            final OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            final InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
