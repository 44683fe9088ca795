package org.headend.control.flash;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TFTP client (RFC 1350, octet mode) with the blksize and tsize options (RFC 2347-2349): reads a file from a server
 * into a stream, or writes one. Runs on the caller's thread (a CLI session's, never an event loop or control) and is
 * bounded everywhere: each packet is retransmitted at most {@code retries} times after {@code timeout} of silence, a
 * whole transfer ends after {@code deadline}, a read stops at the caller's byte limit (refused at once when the
 * server's tsize says it is larger). The server's transfer id (its port) is fixed by its first answer; packets from
 * elsewhere are answered with error 5 and otherwise ignored. Duplicate ACKs never cause a retransmission (the
 * Sorcerer's Apprentice bug); block numbers roll over past 65535, as tftpd-hpa does, so large files pass.
 */
public final class TftpClient
{
    /** The block size asked for: an Ethernet MTU minus IPv6, UDP and TFTP headers, with room to spare. */
    static final int BLOCK_SIZE = 1432;
    private static final int DEFAULT_BLOCK = 512;
    private static final Pattern URL = Pattern.compile(
        "tftp://(\\[[0-9A-Fa-f:.]{2,45}]|[A-Za-z0-9][A-Za-z0-9.-]{0,252})(?::([0-9]{1,5}))?/([A-Za-z0-9._+/-]{1,255})",
        Pattern.CASE_INSENSITIVE);

    private final Duration timeout;
    private final int retries;
    private final Duration deadline;

    /** {@code timeout} of silence before a retransmission, at most {@code retries} of them, {@code deadline} overall. */
    public TftpClient(final Duration timeout, final int retries, final Duration deadline)
    {
        this.timeout = timeout;
        this.retries = retries;
        this.deadline = deadline;
    }

    /** 2 s per try, 5 retransmissions, 15 minutes per transfer. */
    public static TftpClient standard()
    {
        return new TftpClient(Duration.ofSeconds(2), 5, Duration.ofMinutes(15));
    }

    /** Where a {@code tftp://HOST[:PORT]/PATH} URL points. */
    public record Target(String host, int port, String file)
    {
        /** Whether {@code token} looks like a TFTP URL at all (the grammar's first test). */
        public static boolean looksLike(final String token)
        {
            return token.toLowerCase(Locale.ROOT).startsWith("tftp://");
        }

        /**
         * Parses a URL; the path is the file name the server sees, without the leading slash (tftpd's {@code -s}
         * directory is its root). No {@code ..}, no empty parts, printable ASCII only.
         */
        public static Target parse(final String url) throws IOException
        {
            final Matcher m = URL.matcher(url);
            if (!m.matches())
            {
                throw new IOException("not a TFTP URL (tftp://HOST[:PORT]/FILE)");
            }
            final String file = m.group(3);
            for (final String part : file.split("/", -1))
            {
                if (part.isEmpty() || part.equals("..") || part.equals("."))
                {
                    throw new IOException("the TFTP file name may not hold empty, . or .. parts");
                }
            }
            final int port = m.group(2) == null ? 69 : Integer.parseInt(m.group(2));
            if (port < 1 || port > 65535)
            {
                throw new IOException("TFTP port out of range");
            }
            final String host = m.group(1).startsWith("[") ? m.group(1).substring(1, m.group(1).length() - 1)
                : m.group(1);
            return new Target(host, port, file);
        }
    }

    /**
     * Reads {@code target} into {@code out}.
     *
     * @return the number of bytes read
     * @throws IOException with the reason: no answer, the server's error, too large, a malformed packet
     */
    public long get(final Target target, final OutputStream out, final long maxBytes) throws IOException
    {
        try (Transfer t = new Transfer(target))
        {
            final Map<String, String> options = new LinkedHashMap<>();
            options.put("blksize", Integer.toString(BLOCK_SIZE));
            options.put("tsize", "0");
            t.send(TftpPacket.request(t.out, TftpPacket.RRQ, target.file(), options));
            int blockSize = DEFAULT_BLOCK;
            long expected = 1;
            long total = 0;
            while (true)
            {
                final TftpPacket.Reply reply = t.receive();
                if (reply instanceof TftpPacket.Error e)
                {
                    throw serverError(e);
                }
                if (reply instanceof TftpPacket.OptionAck oack && expected == 1 && !t.acked)
                {
                    blockSize = t.agree(oack, maxBytes);
                    t.acked = true;
                    t.send(TftpPacket.ack(t.out, 0));
                }
                else if (reply instanceof TftpPacket.Data d && d.block() == (int) (expected & 0xffff))
                {
                    if (d.length() > blockSize)
                    {
                        throw t.abort(TftpPacket.ERR_UNDEFINED, "block " + expected + " is larger than " + blockSize
                            + " bytes");
                    }
                    total += d.length();
                    if (total > maxBytes)
                    {
                        throw t.abort(TftpPacket.ERR_DISK_FULL, "the file is larger than " + maxBytes + " bytes");
                    }
                    out.write(t.in, d.offset(), d.length());
                    t.acked = true;
                    t.send(TftpPacket.ack(t.out, d.block()));
                    expected++;
                    if (d.length() < blockSize)
                    {
                        return total;
                    }
                }
                else if (reply instanceof TftpPacket.Data d && expected > 1
                    && d.block() == (int) ((expected - 1) & 0xffff))
                {
                    // our ACK of the previous block was lost: say it again
                    t.resend();
                }
                // anything else (a stray ACK, a late OACK, an old block) needs no answer
            }
        }
    }

    /**
     * Writes {@code size} bytes of {@code in} to {@code target}.
     *
     * @throws IOException with the reason
     */
    public void put(final Target target, final InputStream in, final long size) throws IOException
    {
        try (Transfer t = new Transfer(target))
        {
            final Map<String, String> options = new LinkedHashMap<>();
            options.put("blksize", Integer.toString(BLOCK_SIZE));
            options.put("tsize", Long.toString(size));
            t.send(TftpPacket.request(t.out, TftpPacket.WRQ, target.file(), options));
            int blockSize = DEFAULT_BLOCK;
            long sent = 0;
            long block = 0;
            boolean last = false;
            while (true)
            {
                final TftpPacket.Reply reply = t.receive();
                if (reply instanceof TftpPacket.Error e)
                {
                    throw serverError(e);
                }
                if (reply instanceof TftpPacket.OptionAck oack && block == 0)
                {
                    blockSize = t.agree(oack, Long.MAX_VALUE);
                }
                else if (!(reply instanceof TftpPacket.Ack a && a.block() == (int) (block & 0xffff)))
                {
                    // an old ACK is never answered with data again (the Sorcerer's Apprentice bug)
                    continue;
                }
                if (last)
                {
                    return;
                }
                block++;
                final int n = in.readNBytes(t.out, 4, (int) Math.min(blockSize, size - sent));
                sent += n;
                last = n < blockSize;
                t.send(TftpPacket.dataHeader(t.out, (int) block, n));
            }
        }
    }

    private static IOException serverError(final TftpPacket.Error e)
    {
        return new IOException("the TFTP server answered error " + e.code()
            + (e.message().isEmpty() ? "" : ": " + e.message()));
    }

    /** One transfer's socket, buffers and retransmission state. */
    private final class Transfer implements AutoCloseable
    {
        final byte[] out = new byte[4 + BLOCK_SIZE + 512];
        final byte[] in = new byte[4 + BLOCK_SIZE + 1];
        private final DatagramSocket socket;
        private final InetAddress server;
        private final int requestPort;
        private final long endNanos;
        private InetSocketAddress peer;
        private int lastLength;
        private int tries;
        /** Whether this side has answered anything yet (an OACK is only valid before). */
        boolean acked;

        Transfer(final Target target) throws IOException
        {
            try
            {
                server = InetAddress.getByName(target.host());
            }
            catch (final UnknownHostException ex)
            {
                throw new IOException("unknown host " + target.host(), ex);
            }
            requestPort = target.port();
            endNanos = System.nanoTime() + deadline.toNanos();
            socket = new DatagramSocket();
            socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
        }

        void send(final int length) throws IOException
        {
            lastLength = length;
            tries = 0;
            transmit();
        }

        void resend() throws IOException
        {
            transmit();
        }

        private void transmit() throws IOException
        {
            final InetSocketAddress to = peer == null ? new InetSocketAddress(server, requestPort) : peer;
            socket.send(new DatagramPacket(out, lastLength, to));
        }

        /** The next valid packet from the server, retransmitting on silence. */
        TftpPacket.Reply receive() throws IOException
        {
            final DatagramPacket packet = new DatagramPacket(in, in.length);
            while (true)
            {
                if (System.nanoTime() - endNanos > 0)
                {
                    throw abort(TftpPacket.ERR_UNDEFINED, "the transfer took longer than " + deadline.toSeconds()
                        + " s");
                }
                try
                {
                    packet.setLength(in.length);
                    socket.receive(packet);
                }
                catch (final SocketTimeoutException ex)
                {
                    if (++tries > retries)
                    {
                        throw new IOException("no answer from the TFTP server " + server.getHostAddress()
                            + " after " + (retries + 1) + " tries");
                    }
                    transmit();
                    continue;
                }
                final InetSocketAddress from = (InetSocketAddress) packet.getSocketAddress();
                if (!from.getAddress().equals(server))
                {
                    continue;
                }
                if (peer != null && !peer.equals(from))
                {
                    final byte[] buffer = new byte[64];
                    final int n = TftpPacket.error(buffer, TftpPacket.ERR_UNKNOWN_TID, "Unknown transfer ID");
                    socket.send(new DatagramPacket(buffer, n, from));
                    continue;
                }
                final TftpPacket.Reply reply;
                try
                {
                    reply = TftpPacket.parse(in, packet.getLength());
                }
                catch (final IOException ex)
                {
                    throw abort(TftpPacket.ERR_UNDEFINED, ex.getMessage(), from);
                }
                peer = from;
                return reply;
            }
        }

        /** The options the server accepted; refuses what this client did not ask for. Returns the block size. */
        int agree(final TftpPacket.OptionAck oack, final long maxBytes) throws IOException
        {
            int blockSize = DEFAULT_BLOCK;
            for (final Map.Entry<String, String> option : oack.options().entrySet())
            {
                final long value = number(option.getValue());
                switch (option.getKey())
                {
                    case "blksize" ->
                    {
                        if (value < 8 || value > BLOCK_SIZE)
                        {
                            throw abort(TftpPacket.ERR_OPTION, "block size " + option.getValue() + " not asked for");
                        }
                        blockSize = (int) value;
                    }
                    case "tsize" ->
                    {
                        if (value < 0 || value > maxBytes)
                        {
                            throw abort(TftpPacket.ERR_DISK_FULL, "the file is larger than " + maxBytes + " bytes");
                        }
                    }
                    default -> throw abort(TftpPacket.ERR_OPTION, "option " + option.getKey() + " not asked for");
                }
            }
            return blockSize;
        }

        private long number(final String text)
        {
            return text.matches("[0-9]{1,18}") ? Long.parseLong(text) : -1;
        }

        IOException abort(final int code, final String why)
        {
            return abort(code, why, peer);
        }

        /** Tells the server the transfer ends (best effort) and returns the exception to throw. */
        private IOException abort(final int code, final String why, final InetSocketAddress to)
        {
            if (to != null)
            {
                try
                {
                    final byte[] buffer = new byte[4 + TftpPacket.MAX_TEXT + 1];
                    socket.send(new DatagramPacket(buffer, TftpPacket.error(buffer, code, why), to));
                }
                catch (final IOException ignored)
                {
                    // the transfer fails anyway; the reason below is what matters
                }
            }
            return new IOException(why);
        }

        @Override
        public void close()
        {
            socket.close();
        }
    }
}
