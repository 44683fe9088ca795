package org.headend.it.tools;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Receiving end of a checksummed transfer, run inside a namespace. Listens on 0.0.0.0:PORT, accepts one
 * connection, reads until EOF (or --bytes), and prints {@code RECEIVED bytes=N sha256=HEX seconds=S}.
 *
 * <pre>TcpSink --listen PORT [--bytes N] [--timeout-seconds S]</pre>
 */
public final class TcpSink
{
    private TcpSink()
    {
    }

    public static void main(final String[] argv) throws Exception
    {
        final Args args = new Args(argv);
        final int port = Integer.parseInt(args.require("listen"));
        final long expected = args.getLong("bytes", Long.MAX_VALUE);
        final int timeoutMs = (int)Math.min(Integer.MAX_VALUE, args.getLong("timeout-seconds", 300) * 1000);
        try (ServerSocket server = new ServerSocket())
        {
            server.setReuseAddress(true);
            server.setReceiveBufferSize(1 << 20);
            server.bind(new InetSocketAddress(port));
            server.setSoTimeout(timeoutMs);
            System.out.println("LISTENING port=" + port);
            System.out.flush();
            try (Socket socket = server.accept())
            {
                socket.setSoTimeout(timeoutMs);
                final MessageDigest sha = MessageDigest.getInstance("SHA-256");
                final byte[] buffer = new byte[1 << 16];
                final long start = System.nanoTime();
                long total = 0;
                final InputStream in = socket.getInputStream();
                int n;
                while (total < expected && (n = in.read(buffer, 0, (int)Math.min(buffer.length, expected - total))) >= 0)
                {
                    sha.update(buffer, 0, n);
                    total += n;
                }
                final double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("RECEIVED bytes=%d sha256=%s seconds=%.3f%n", total,
                    HexFormat.of().formatHex(sha.digest()), seconds);
            }
        }
    }
}
