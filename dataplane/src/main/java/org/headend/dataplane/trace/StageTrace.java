package org.headend.dataplane.trace;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the microseconds of one packet go (issue 11): a timestamp at each stage of the packet path, kept in a ring of
 * longs and written out when the JVM exits. Off unless {@code -Dheadend.trace.stages=FILE} is given: {@link #ENABLED}
 * is a static final the JIT folds, so with it off a {@link #mark} compiles to nothing, and with it on a mark is one
 * {@code System.nanoTime()} and two array stores, nothing allocated. The ring keeps the last {@link #CAPACITY} marks.
 *
 * <p>For the diagnosis of single packets at low rates ({@code perf/scripts/ping-path.sh --stages}), in threading mode
 * {@code shared}, where every stage runs on the one event loop: marks from several threads at once ({@code dedicated})
 * are not ordered and may overwrite each other's.
 */
public final class StageTrace
{
    /** A DTLS datagram handed to the port's handler (Netty's receive done). */
    public static final int DATAGRAM_IN = 0;
    /** A DTLS record of the datagram opened (authenticated and decrypted). */
    public static final int OPENED = 1;
    /** A client packet about to be written to the TUN (write(2) called). */
    public static final int TUN_WRITE = 2;
    /** A client packet written to the TUN (write(2) returned: the kernel's handling of it on this thread included). */
    public static final int TUN_WRITTEN = 3;
    /** The TUN's poll completion reached the loop. */
    public static final int TUN_READABLE = 4;
    /** An inside packet read from the TUN. */
    public static final int TUN_READ = 5;
    /** DTLS records sealed, about to be sent (sendmsg(2) called). */
    public static final int DATAGRAM_SEND = 6;
    /** DTLS records sent to the client (sendmsg(2) returned: the veth's delivery to the peer included). */
    public static final int DATAGRAM_OUT = 7;

    private static final String[] NAMES = {"datagram-in", "opened", "tun-write", "tun-written", "tun-readable",
        "tun-read", "datagram-send", "datagram-out"};
    private static final String FILE = System.getProperty("headend.trace.stages", "");
    /** Whether marks are taken: set once at class initialisation, so that the JIT removes them when off. */
    public static final boolean ENABLED = !FILE.isEmpty();
    static final int CAPACITY = 1 << 16;
    private static final long[] RING = new long[ENABLED ? 2 * CAPACITY : 0];
    private static int next;

    static
    {
        if (ENABLED)
        {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> write(Path.of(FILE)), "stage-trace"));
        }
    }

    private StageTrace()
    {
    }

    /** Records that a packet reached {@code stage} now. No-op unless enabled. */
    public static void mark(final int stage)
    {
        if (ENABLED)
        {
            final int slot = (next++ & (CAPACITY - 1)) << 1;
            RING[slot] = stage;
            RING[slot + 1] = System.nanoTime();
        }
    }

    /** Writes the marks kept, oldest first, one "nanos stage" line each. */
    static void write(final Path file)
    {
        final int count = Math.min(next, CAPACITY);
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.US_ASCII)))
        {
            for (int i = next - count; i < next; i++)
            {
                final int slot = (i & (CAPACITY - 1)) << 1;
                out.println(RING[slot + 1] + " " + NAMES[(int)RING[slot]]);
            }
        }
        catch (final IOException e)
        {
            System.err.println("stage trace not written to " + file + ": " + e.getMessage());
        }
    }
}
