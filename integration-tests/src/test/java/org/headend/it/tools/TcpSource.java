package org.headend.it.tools;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * Sending end of a checksummed transfer, run inside a namespace. Connects to HOST:PORT, sends N bytes of seeded
 * data, closes, and prints {@code SENT bytes=N sha256=HEX seconds=S}. The data is pseudo-random (incompressible)
 * unless {@code --pattern compressible} asks for {@link CompressibleStream}. With {@code --rate} it paces itself to
 * that many bytes per second, so that a modest transfer can run across a timed event (a rekey).
 *
 * <pre>TcpSource --connect HOST:PORT --bytes N [--seed S] [--pattern random|compressible] [--timeout-seconds S]
 *           [--rate BYTES_PER_SECOND]</pre>
 */
public final class TcpSource
{
    private TcpSource()
    {
    }

    public static void main(final String[] argv) throws Exception
    {
        final Args args = new Args(argv);
        final String target = args.require("connect");
        final int colon = target.lastIndexOf(':');
        final InetSocketAddress address = new InetSocketAddress(target.substring(0, colon),
            Integer.parseInt(target.substring(colon + 1)));
        final long bytes = args.getLong("bytes", 100L << 20);
        final long seed = args.getLong("seed", 1);
        final SplittableRandom random = new SplittableRandom(seed);
        final String pattern = args.get("pattern", "random");
        if (!pattern.equals("random") && !pattern.equals("compressible"))
        {
            throw new IllegalArgumentException("--pattern random|compressible, not " + pattern);
        }
        final CompressibleStream compressible = new CompressibleStream(seed);
        final int timeoutMs = (int)Math.min(Integer.MAX_VALUE, args.getLong("timeout-seconds", 300) * 1000);
        final long rate = args.getLong("rate", 0);
        final MessageDigest sha = MessageDigest.getInstance("SHA-256");
        final byte[] buffer = new byte[1 << 16];
        try (Socket socket = new Socket())
        {
            socket.setSendBufferSize(1 << 20);
            socket.setSoTimeout(timeoutMs);
            socket.connect(address, 10_000);
            final OutputStream out = socket.getOutputStream();
            final long start = System.nanoTime();
            long sent = 0;
            while (sent < bytes)
            {
                final int n = (int)Math.min(buffer.length, bytes - sent);
                if (pattern.equals("compressible"))
                {
                    compressible.nextBytes(buffer);
                }
                else
                {
                    random.nextBytes(buffer);
                }
                sha.update(buffer, 0, n);
                out.write(buffer, 0, n);
                sent += n;
                if (rate > 0)
                {
                    final long aheadMillis = sent * 1000 / rate - (System.nanoTime() - start) / 1_000_000;
                    if (aheadMillis > 0)
                    {
                        Thread.sleep(aheadMillis);
                    }
                }
            }
            out.flush();
            socket.shutdownOutput();
            // wait for the peer to close so "seconds" covers delivery, not just the local send buffer
            socket.getInputStream().read();
            final double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("SENT bytes=%d sha256=%s seconds=%.3f%n", sent, HexFormat.of().formatHex(sha.digest()),
                seconds);
        }
    }
}
