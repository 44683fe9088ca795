package org.headend.perf.loadgen;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * {@code --history FILE}: what each session did, one JSON object a line, for a Jepsen-style checker to read after the
 * run: {@code {"t": wall-clock ms, "ev": up|down|logoff|logoff-ack|refused|violation, "id": the cookie's digest,
 * "user", "addr", "why"}}; the {@code why} of an {@code up} is the host of the server that brought the tunnel up. A
 * session is named by a digest of its cookie; the cookie itself is written only when it is logged off
 * ({@code logoff}, field {@code cookie}), so that the checker can try it again on every member. The file is the
 * caller's to keep private (it is created owner-only). Sessions record from their event loops: the lines go through
 * a queue to a writer thread of their own, so no loop waits on the disk.
 */
final class History implements AutoCloseable
{
    private static final String END = "";

    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    /** BYEs whose connection the server has not closed yet. */
    private final java.util.concurrent.atomic.AtomicInteger awaiting = new java.util.concurrent.atomic.AtomicInteger();
    /** Set once the run is over: connections closed by the generator's own shutdown are no answer of the server. */
    private volatile boolean sealed;
    private final Thread writer;
    private final BufferedWriter out;

    History(final Path file) throws IOException
    {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        writer = Thread.ofPlatform().daemon().name("loadgen-history").start(this::drain);
    }

    /** The digest that names a session in the history: its cookie's SHA-256, first 16 hex digits. */
    static String id(final String cookie)
    {
        try
        {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(cookie.getBytes(StandardCharsets.US_ASCII)), 0, 8);
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /** One event of session {@code cookie}; {@code addr} and {@code why} may be null. Any thread. */
    void record(final String event, final String cookie, final String user, final String addr, final String why)
    {
        if (sealed)
        {
            return;
        }
        final StringBuilder line = new StringBuilder(160).append("{\"t\":").append(System.currentTimeMillis())
            .append(",\"ev\":\"").append(event).append("\",\"id\":\"").append(id(cookie)).append("\",\"user\":");
        Report.string(line, user).append(",\"addr\":");
        Report.string(line, addr).append(",\"why\":");
        Report.string(line, why);
        if (event.equals("logoff"))
        {
            Report.string(line.append(",\"cookie\":"), cookie);
        }
        lines.add(line.append('}').toString());
    }

    /** A BYE was sent; {@link #byeAnswered} follows when its connection closes, by the server or by a timeout. */
    void byeSent()
    {
        awaiting.incrementAndGet();
    }

    void byeAnswered()
    {
        awaiting.decrementAndGet();
    }

    /** Waits (bounded) for the servers to close the connections of the last BYEs, then takes no more events. */
    void seal(final long maxMillis) throws InterruptedException
    {
        final long until = System.nanoTime() + maxMillis * 1_000_000L;
        while (awaiting.get() > 0 && System.nanoTime() < until)
        {
            Thread.sleep(10);
        }
        sealed = true;
    }

    private void drain()
    {
        try
        {
            for (String line = lines.take(); line != END; line = lines.take())
            {
                out.write(line);
                out.write('\n');
                if (lines.isEmpty())
                {
                    out.flush();
                }
            }
            out.flush();
        }
        catch (final IOException ex)
        {
            System.err.println("loadgen: history not written: " + ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes what is queued and closes the file. */
    @Override
    public void close() throws IOException
    {
        lines.add(END);
        try
        {
            writer.join(10_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        out.close();
    }
}
