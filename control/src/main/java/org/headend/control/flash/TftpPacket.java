package org.headend.control.flash;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * TFTP packets (RFC 1350, options RFC 2347): what the client writes (requests, DATA, ACK, ERROR) and a strict parser of
 * what a server sends back (DATA, ACK, ERROR, OACK). The parser never trusts a length: strings must end in NUL inside
 * the datagram, an error text is cut at {@link #MAX_TEXT} characters and made printable, an OACK holds at most
 * {@link #MAX_OPTIONS} options of at most {@link #MAX_TEXT} bytes each. A packet it cannot read is an
 * {@link IOException} whose message says why.
 */
final class TftpPacket
{
    static final int RRQ = 1;
    static final int WRQ = 2;
    static final int DATA = 3;
    static final int ACK = 4;
    static final int ERROR = 5;
    static final int OACK = 6;
    static final int MAX_TEXT = 255;
    static final int MAX_OPTIONS = 8;
    /** Error codes of RFC 1350 / 2347 the client sends. */
    static final int ERR_UNDEFINED = 0;
    static final int ERR_DISK_FULL = 3;
    static final int ERR_UNKNOWN_TID = 5;
    static final int ERR_OPTION = 8;

    /** A packet from the server. */
    sealed interface Reply permits Data, Ack, Error, OptionAck
    {
    }

    /** DATA: its payload is {@code length} bytes at {@code offset} of the datagram buffer. */
    record Data(int block, int offset, int length) implements Reply
    {
    }

    record Ack(int block) implements Reply
    {
    }

    record Error(int code, String message) implements Reply
    {
    }

    /** OACK: option names in lower case, in the order sent. */
    record OptionAck(Map<String, String> options) implements Reply
    {
    }

    private TftpPacket()
    {
    }

    /** Reads the first {@code length} bytes of {@code buffer} as a packet from the server. */
    static Reply parse(final byte[] buffer, final int length) throws IOException
    {
        if (length < 4 || length > buffer.length)
        {
            throw new IOException("malformed TFTP packet: " + length + " bytes");
        }
        final int opcode = u16(buffer, 0);
        return switch (opcode)
        {
            case DATA -> new Data(u16(buffer, 2), 4, length - 4);
            case ACK ->
            {
                if (length != 4)
                {
                    throw new IOException("malformed TFTP packet: an ACK of " + length + " bytes");
                }
                yield new Ack(u16(buffer, 2));
            }
            case ERROR -> new Error(u16(buffer, 2), errorText(buffer, length));
            case OACK -> new OptionAck(options(buffer, length));
            default -> throw new IOException("malformed TFTP packet: opcode " + opcode + " from a server");
        };
    }

    private static String errorText(final byte[] buffer, final int length) throws IOException
    {
        int end = 4;
        while (end < length && buffer[end] != 0)
        {
            end++;
        }
        if (end == length)
        {
            throw new IOException("malformed TFTP packet: an error text without its NUL");
        }
        final StringBuilder text = new StringBuilder();
        for (int i = 4; i < end && text.length() < MAX_TEXT; i++)
        {
            final int c = buffer[i] & 0xff;
            text.append(c >= 0x20 && c < 0x7f ? (char) c : '?');
        }
        return text.toString();
    }

    private static Map<String, String> options(final byte[] buffer, final int length) throws IOException
    {
        final Map<String, String> options = new LinkedHashMap<>();
        int at = 2;
        while (at < length)
        {
            if (options.size() == MAX_OPTIONS)
            {
                throw new IOException("malformed TFTP packet: more than " + MAX_OPTIONS + " options");
            }
            final int nameEnd = nul(buffer, at, length);
            final String name = ascii(buffer, at, nameEnd).toLowerCase(Locale.ROOT);
            final int valueEnd = nul(buffer, nameEnd + 1, length);
            final String value = ascii(buffer, nameEnd + 1, valueEnd);
            if (name.isEmpty() || options.put(name, value) != null)
            {
                throw new IOException("malformed TFTP packet: an empty or repeated option");
            }
            at = valueEnd + 1;
        }
        if (options.isEmpty())
        {
            throw new IOException("malformed TFTP packet: an OACK without options");
        }
        return options;
    }

    /** The index of the NUL ending the string at {@code from}. */
    private static int nul(final byte[] buffer, final int from, final int length) throws IOException
    {
        for (int i = from; i < length && i - from <= MAX_TEXT; i++)
        {
            if (buffer[i] == 0)
            {
                return i;
            }
        }
        throw new IOException("malformed TFTP packet: a string without its NUL, or longer than " + MAX_TEXT);
    }

    private static String ascii(final byte[] buffer, final int from, final int to) throws IOException
    {
        for (int i = from; i < to; i++)
        {
            if (buffer[i] < 0x20 || buffer[i] > 0x7e)
            {
                throw new IOException("malformed TFTP packet: a non-printable option byte");
            }
        }
        return new String(buffer, from, to - from, StandardCharsets.US_ASCII);
    }

    private static int u16(final byte[] buffer, final int at)
    {
        return (buffer[at] & 0xff) << 8 | buffer[at + 1] & 0xff;
    }

    private static int put16(final byte[] buffer, final int at, final int value)
    {
        buffer[at] = (byte) (value >>> 8);
        buffer[at + 1] = (byte) value;
        return at + 2;
    }

    private static int putString(final byte[] buffer, final int at, final String text)
    {
        final byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, buffer, at, bytes.length);
        buffer[at + bytes.length] = 0;
        return at + bytes.length + 1;
    }

    /** RRQ or WRQ in octet mode with options; returns the length written into {@code buffer}. */
    static int request(final byte[] buffer, final int opcode, final String file, final Map<String, String> options)
    {
        int at = putString(buffer, put16(buffer, 0, opcode), file);
        at = putString(buffer, at, "octet");
        for (final Map.Entry<String, String> option : options.entrySet())
        {
            at = putString(buffer, putString(buffer, at, option.getKey()), option.getValue());
        }
        return at;
    }

    static int ack(final byte[] buffer, final int block)
    {
        put16(buffer, 0, ACK);
        return put16(buffer, 2, block & 0xffff);
    }

    /** DATA header; the caller has put the payload at offset 4. Returns the packet length. */
    static int dataHeader(final byte[] buffer, final int block, final int payload)
    {
        put16(buffer, 0, DATA);
        put16(buffer, 2, block & 0xffff);
        return 4 + payload;
    }

    static int error(final byte[] buffer, final int code, final String message)
    {
        final String text = message.length() > MAX_TEXT ? message.substring(0, MAX_TEXT) : message;
        return putString(buffer, put16(buffer, put16(buffer, 0, ERROR), code),
            text.replaceAll("[^\\x20-\\x7e]", "?"));
    }

    /** An OACK as a server would send it (the fuzz test's round trip). */
    static int optionAck(final byte[] buffer, final Map<String, String> options)
    {
        int at = put16(buffer, 0, OACK);
        for (final Map.Entry<String, String> option : options.entrySet())
        {
            at = putString(buffer, putString(buffer, at, option.getKey()), option.getValue());
        }
        return at;
    }
}
