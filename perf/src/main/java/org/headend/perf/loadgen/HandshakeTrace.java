package org.headend.perf.loadgen;

import java.util.concurrent.TimeUnit;

/**
 * What one DTLS handshake sent and received, datagram by datagram, so that a handshake that times out at scale says
 * which flight was last sent and last heard (a lost ServerHello flight, a Finished never answered, nothing heard at
 * all). Each datagram is kept as its time from the start, its direction and the names of its records
 * ({@code CH}, {@code HVR}, {@code SH+SHD}, {@code CKE+CCS+Fin}, …). Bounded: after {@link #MAX_ENTRIES} datagrams
 * only the count goes on. Written by the handshake's thread and the socket's loop, read when the handshake failed.
 */
final class HandshakeTrace
{
    static final int MAX_ENTRIES = 24;

    private final long startNanos;
    /** Wall clock at the start, to be matched with the server's log lines. */
    private final java.time.Instant started = java.time.Instant.now();
    private final StringBuilder entries = new StringBuilder();
    private int logged;
    private int sent;
    private int received;
    private int dropped;

    HandshakeTrace(final long startNanos)
    {
        this.startNanos = startNanos;
    }

    synchronized void sent(final byte[] datagram, final int offset, final int length, final long nowNanos)
    {
        sent++;
        add('>', datagram, offset, length, nowNanos);
    }

    synchronized void received(final byte[] datagram, final int offset, final int length, final long nowNanos)
    {
        received++;
        add('<', datagram, offset, length, nowNanos);
    }

    /** A datagram for the handshake that its queue had no room for. */
    synchronized void droppedIncoming()
    {
        dropped++;
    }

    /** One line: counts, then every datagram kept, e.g. {@code sent 3 received 2 ... | 0ms>CH 4ms<HVR ...}. */
    synchronized String describe(final long nowNanos)
    {
        return "started " + started + ", after " + TimeUnit.NANOSECONDS.toMillis(nowNanos - startNanos) + " ms: sent "
            + sent + " received "
            + received + (dropped > 0 ? " queue-full " + dropped : "") + " |" + entries
            + (sent + received > logged ? " …" : "");
    }

    private void add(final char direction, final byte[] d, final int offset, final int length, final long nowNanos)
    {
        if (logged >= MAX_ENTRIES)
        {
            return;
        }
        logged++;
        entries.append(' ').append(TimeUnit.NANOSECONDS.toMillis(nowNanos - startNanos)).append("ms")
            .append(direction).append(records(d, offset, length));
    }

    /** The names of the DTLS records in one datagram, joined by '+'. */
    static String records(final byte[] d, final int offset, final int length)
    {
        final StringBuilder out = new StringBuilder();
        int at = offset;
        final int end = offset + length;
        while (end - at >= 13)
        {
            final int type = d[at] & 0xFF;
            final int epoch = ((d[at + 3] & 0xFF) << 8) | (d[at + 4] & 0xFF);
            final int recordLength = ((d[at + 11] & 0xFF) << 8) | (d[at + 12] & 0xFF);
            if (out.length() > 0)
            {
                out.append('+');
            }
            out.append(switch (type)
            {
                case 20 -> "CCS";
                case 21 -> epoch == 0 ? "Alert" : "Alert(enc)";
                case 22 -> epoch == 0 && recordLength > 0 && at + 13 < end ? handshake(d[at + 13] & 0xFF) : "Fin";
                case 23 -> "App";
                default -> "?" + type;
            });
            at += 13 + recordLength;
        }
        return out.length() == 0 ? "?" : out.toString();
    }

    private static String handshake(final int type)
    {
        return switch (type)
        {
            case 1 -> "CH";
            case 2 -> "SH";
            case 3 -> "HVR";
            case 11 -> "Cert";
            case 12 -> "SKE";
            case 14 -> "SHD";
            case 16 -> "CKE";
            case 20 -> "Fin";
            default -> "HS" + type;
        };
    }
}
