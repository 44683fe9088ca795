package org.headend.control.session;

import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.headend.control.config.grammar.Ipv4;
import org.headend.control.config.grammar.Ipv6;

/**
 * The text form of the sessions file: a header line, one line per session, and a trailer with the count and a
 * CRC-32C of everything before it, so that a truncated or garbled file is recognised as a whole and never half
 * believed. Fields are separated by one space; text fields are percent-encoded UTF-8 ({@code -} is absent,
 * {@code ~} is empty).
 * <pre>
 * headend-sessions 1 SAVED-MS
 * INDEX TOKEN-KEY USER GROUP POLICY LOGIN-MS ACTIVITY-MS DISCONNECTED-MS|- POOL|- IPV4|- MASK|- POOL6|- IPV6|- LEN|- CLIENT UA [DHCP] [AAA]
 * end COUNT CRC32C-HEX
 * </pre>
 * The DHCP field is there only for a session whose address a DHCP server leased: {@code SERVER,CHADDR-HEX,EXPIRY-MS}
 * ({@code -} for an infinite lease). The AAA field only for a session an AAA server assigned something to:
 * {@code aaa=POLICY|-,IPV4|-,FILTER|-} (the group-policy, Framed-IP-Address and Filter-Id, the last as changed by a
 * CoA). A line without them reads as before they existed, so files written by earlier versions still load, and a file
 * of local logins without DHCP is what an earlier version writes.
 */
final class SessionFileFormat
{
    /** Largest file read (about 300 bytes a session: room for the record limit). */
    static final long MAX_FILE_BYTES = 64L * 1024 * 1024;
    /** Most sessions a file may hold. */
    static final int MAX_RECORDS = 200_000;
    private static final int MAX_LINE = 32 * 1024;
    private static final int MAX_TEXT = 1024;
    private static final String MAGIC = "headend-sessions";
    private static final int VERSION = 1;
    private static final int FIELDS = 16;
    /** A line with both optional fields. */
    private static final int FIELDS_MAX = 18;
    private static final String AAA_TAG = "aaa=";
    private static final Pattern DHCP = Pattern.compile("([0-9.]{7,15}),([0-9a-f]{12}),([0-9]{1,15}|-)");
    private static final Pattern TOKEN_KEY = Pattern.compile("[0-9A-F]{64}");
    /** Times before this are not ours (2000-01-01). */
    private static final long EARLIEST_MS = 946_684_800_000L;

    /** What a file held. */
    record Contents(Instant savedAt, List<SessionRecord> records)
    {
    }

    /** Why a file cannot be believed. */
    static final class BadFileException extends Exception
    {
        BadFileException(final String message)
        {
            super(message);
        }
    }

    private SessionFileFormat()
    {
    }

    static byte[] encode(final Instant savedAt, final Iterable<SessionRecord> records)
    {
        final List<byte[]> lines = new ArrayList<>();
        for (final SessionRecord r : records)
        {
            lines.add(line(r));
        }
        return assemble(savedAt, lines);
    }

    /**
     * A whole file from the lines of {@link #line}: the header, the lines as they are, the trailer. The store keeps
     * each session's line from one write to the next, so a write encodes only the sessions that changed since.
     */
    static byte[] assemble(final Instant savedAt, final Collection<byte[]> lines)
    {
        final byte[] header = (MAGIC + " " + VERSION + " " + savedAt.toEpochMilli() + "\n")
            .getBytes(StandardCharsets.US_ASCII);
        int size = header.length;
        for (final byte[] line : lines)
        {
            size += line.length;
        }
        final byte[] body = new byte[size];
        System.arraycopy(header, 0, body, 0, header.length);
        int at = header.length;
        for (final byte[] line : lines)
        {
            System.arraycopy(line, 0, body, at, line.length);
            at += line.length;
        }
        final byte[] trailer = ("end " + lines.size() + " " + crcHex(body, body.length) + "\n")
            .getBytes(StandardCharsets.US_ASCII);
        final byte[] all = Arrays.copyOf(body, body.length + trailer.length);
        System.arraycopy(trailer, 0, all, body.length, trailer.length);
        return all;
    }

    /** One session's line, its newline included (UTF-8). */
    static byte[] line(final SessionRecord r)
    {
        final StringBuilder text = new StringBuilder(256);
        text.append(r.index()).append(' ').append(r.tokenKey());
        field(text, encodeText(r.username()));
        field(text, encodeText(r.tunnelGroup()));
        field(text, encodeText(r.groupPolicy()));
        field(text, Long.toString(r.loginTime().toEpochMilli()));
        field(text, Long.toString(r.lastActivity().toEpochMilli()));
        field(text, r.disconnectedSince() == null ? "-" : Long.toString(r.disconnectedSince().toEpochMilli()));
        if (r.lease() == null)
        {
            text.append(" - - -");
        }
        else
        {
            field(text, encodeText(r.lease().pool()));
            field(text, Ipv4.format(r.lease().address()));
            field(text, Ipv4.format(r.lease().mask()));
        }
        if (r.lease6() == null)
        {
            text.append(" - - -");
        }
        else
        {
            field(text, encodeText(r.lease6().pool()));
            field(text, Ipv6.format(r.lease6().address()));
            field(text, Integer.toString(r.lease6().prefixLength()));
        }
        field(text, encodeText(r.clientAddress()));
        field(text, encodeText(r.userAgent()));
        if (r.dhcp() != null)
        {
            field(text, Ipv4.format(r.dhcp().server()) + "," + String.format("%012x", r.dhcp().chaddr()) + ","
                + (r.dhcp().expires() == null ? "-" : Long.toString(r.dhcp().expires().toEpochMilli())));
        }
        if (!AaaAssignment.NONE.equals(r.aaa()))
        {
            field(text, AAA_TAG + optionalText(r.aaa().groupPolicy()) + ","
                + (r.aaa().framedAddress() == null ? "-" : r.aaa().framedAddress().getHostAddress()) + ","
                + optionalText(r.aaa().vpnFilter()));
        }
        text.append('\n');
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Parses and checks a whole file; any fault rejects all of it. */
    static Contents decode(final byte[] file) throws BadFileException
    {
        if (file.length > MAX_FILE_BYTES)
        {
            throw new BadFileException("larger than " + MAX_FILE_BYTES + " bytes");
        }
        final int trailerStart = trailerStart(file);
        final String trailer = ascii(file, trailerStart, file.length);
        final String[] end = trailer.strip().split(" ", -1);
        if (end.length != 3 || !"end".equals(end[0]) || !trailer.endsWith("\n"))
        {
            throw new BadFileException("no trailer line (truncated?)");
        }
        if (!crcHex(file, trailerStart).equals(end[2]))
        {
            throw new BadFileException("checksum mismatch");
        }
        final String body;
        try
        {
            body = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(java.nio.ByteBuffer.wrap(file, 0, trailerStart)).toString();
        }
        catch (final CharacterCodingException ex)
        {
            throw new BadFileException("not UTF-8");
        }
        final String[] lines = body.split("\n", -1);
        // the body ends with a newline, so the last element is empty
        final int count = lines.length - 2;
        if (count < 0 || !lines[lines.length - 1].isEmpty())
        {
            throw new BadFileException("no header line");
        }
        if (count > MAX_RECORDS || !Integer.toString(count).equals(end[1]))
        {
            throw new BadFileException("trailer counts " + end[1] + " sessions, file has " + count);
        }
        final Instant savedAt = header(lines[0]);
        final List<SessionRecord> records = new ArrayList<>(count);
        final Set<Integer> indexes = new HashSet<>();
        final Set<String> keys = new HashSet<>();
        for (int i = 1; i <= count; i++)
        {
            final SessionRecord r;
            try
            {
                r = record(lines[i]);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new BadFileException("line " + (i + 1) + ": " + ex.getMessage());
            }
            if (!indexes.add(r.index()) || !keys.add(r.tokenKey()))
            {
                throw new BadFileException("line " + (i + 1) + ": session listed twice");
            }
            records.add(r);
        }
        return new Contents(savedAt, records);
    }

    private static int trailerStart(final byte[] file) throws BadFileException
    {
        if (file.length < 2 || file[file.length - 1] != '\n')
        {
            throw new BadFileException("no trailer line (truncated?)");
        }
        int i = file.length - 2;
        while (i >= 0 && file[i] != '\n')
        {
            if (file.length - i > MAX_LINE)
            {
                throw new BadFileException("trailer line too long");
            }
            i--;
        }
        return i + 1;
    }

    private static Instant header(final String line) throws BadFileException
    {
        final String[] f = line.split(" ", -1);
        if (f.length != 3 || !MAGIC.equals(f[0]))
        {
            throw new BadFileException("not a sessions file");
        }
        if (!Integer.toString(VERSION).equals(f[1]))
        {
            throw new BadFileException("format version " + (f[1].length() > 8 ? "?" : f[1]) + " is not known");
        }
        try
        {
            return Instant.ofEpochMilli(millis(f[2]));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new BadFileException("header: " + ex.getMessage());
        }
    }

    private static SessionRecord record(final String line)
    {
        if (line.length() > MAX_LINE)
        {
            throw new IllegalArgumentException("line too long");
        }
        final String[] f = line.split(" ", -1);
        if (f.length < FIELDS || f.length > FIELDS_MAX)
        {
            throw new IllegalArgumentException(f.length + " fields, expected " + FIELDS + " to " + FIELDS_MAX);
        }
        final int index = number(f[0], 1, Integer.MAX_VALUE, "index");
        if (!TOKEN_KEY.matcher(f[1]).matches())
        {
            throw new IllegalArgumentException("bad cookie hash");
        }
        final AddressPools.Lease lease = lease(f[8], f[9], f[10]);
        // optional fields, in this order: the DHCP lease, then the AAA assignment (tagged: it came later)
        int next = FIELDS;
        final DhcpBinding dhcp = next < f.length && !f[next].startsWith(AAA_TAG) ? dhcp(f, next++) : null;
        final AaaAssignment aaa = next < f.length ? aaa(f, next++) : AaaAssignment.NONE;
        if (next != f.length)
        {
            throw new IllegalArgumentException(f.length + " fields: after the AAA assignment there is nothing");
        }
        if (dhcp != null && (lease == null || !AddressPools.DHCP.equals(lease.pool())))
        {
            throw new IllegalArgumentException("a DHCP lease without its DHCP address");
        }
        return new SessionRecord(index, f[1], text(f[2]), text(f[3]), text(f[4]),
            Instant.ofEpochMilli(millis(f[5])), Instant.ofEpochMilli(millis(f[6])),
            "-".equals(f[7]) ? null : Instant.ofEpochMilli(millis(f[7])), lease,
            lease6(f[11], f[12], f[13]), text(f[14]), text(f[15]), dhcp, aaa);
    }

    private static AaaAssignment aaa(final String[] f, final int at)
    {
        final String field = f[at];
        if (!field.startsWith(AAA_TAG))
        {
            // a text field split in two reads the same way: say both
            throw new IllegalArgumentException(f.length + " fields, and field " + (at + 1)
                + " is not an AAA assignment");
        }
        final String[] parts = field.substring(AAA_TAG.length()).split(",", -1);
        if (parts.length != 3)
        {
            throw new IllegalArgumentException("bad AAA assignment");
        }
        final AaaAssignment aaa = new AaaAssignment(optional(parts[0]), "-".equals(parts[1]) ? null : ipv4(parts[1]),
            optional(parts[2]));
        if (AaaAssignment.NONE.equals(aaa))
        {
            throw new IllegalArgumentException("an AAA assignment that assigns nothing");
        }
        return aaa;
    }

    private static String optionalText(final String value)
    {
        return value == null ? "-" : encodeText(value);
    }

    private static String optional(final String field)
    {
        return "-".equals(field) ? null : text(field);
    }

    private static DhcpBinding dhcp(final String[] f, final int at)
    {
        final java.util.regex.Matcher m = DHCP.matcher(f[at]);
        if (!m.matches())
        {
            // a text field split in two reads the same way: say both
            throw new IllegalArgumentException(f.length + " fields, and field " + (at + 1) + " is not a DHCP lease");
        }
        return new DhcpBinding(AddressPools.toInt(ipv4(m.group(1))), Long.parseLong(m.group(2), 16),
            "-".equals(m.group(3)) ? null : Instant.ofEpochMilli(millis(m.group(3))));
    }

    private static AddressPools.Lease lease(final String pool, final String address, final String mask)
    {
        if ("-".equals(pool) && "-".equals(address) && "-".equals(mask))
        {
            return null;
        }
        final int maskBits = AddressPools.toInt(ipv4(mask));
        if (Integer.bitCount(maskBits) != Integer.numberOfLeadingZeros(~maskBits))
        {
            throw new IllegalArgumentException("bad netmask");
        }
        return new AddressPools.Lease(text(pool), AddressPools.toInt(ipv4(address)), maskBits);
    }

    private static AddressPools.Lease6 lease6(final String pool, final String address, final String length)
    {
        if ("-".equals(pool) && "-".equals(address) && "-".equals(length))
        {
            return null;
        }
        final java.net.InetAddress parsed;
        try
        {
            parsed = Inet6Address.ofLiteral(address);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("bad IPv6 address");
        }
        if (!(parsed instanceof Inet6Address v6))
        {
            throw new IllegalArgumentException("bad IPv6 address");
        }
        return new AddressPools.Lease6(text(pool), v6, number(length, 1, 128, "prefix length"));
    }

    private static Inet4Address ipv4(final String text)
    {
        try
        {
            return Inet4Address.ofLiteral(text);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("bad IPv4 address");
        }
    }

    private static long millis(final String text)
    {
        final long ms;
        try
        {
            ms = text.length() > 15 ? -1 : Long.parseLong(text);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("bad time");
        }
        if (ms < EARLIEST_MS)
        {
            throw new IllegalArgumentException("bad time");
        }
        return ms;
    }

    private static int number(final String text, final int min, final int max, final String what)
    {
        try
        {
            final long value = text.length() > 10 ? Long.MIN_VALUE : Long.parseLong(text);
            if (value < min || value > max)
            {
                throw new IllegalArgumentException("bad " + what);
            }
            return (int)value;
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("bad " + what);
        }
    }

    private static void field(final StringBuilder text, final String value)
    {
        text.append(' ').append(value);
    }

    /** Percent-encodes all but a few plain characters; {@code ~} for the empty string. */
    static String encodeText(final String value)
    {
        if (value.isEmpty())
        {
            return "~";
        }
        final StringBuilder out = new StringBuilder(value.length() + 8);
        for (final byte b : value.getBytes(StandardCharsets.UTF_8))
        {
            final int c = b & 0xFF;
            if (isPlain(c))
            {
                out.append((char)c);
            }
            else
            {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                    .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return out.toString();
    }

    static String text(final String field)
    {
        if ("~".equals(field))
        {
            return "";
        }
        if (field.indexOf('%') < 0)
        {
            return plain(field);
        }
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(field.length());
        for (int i = 0; i < field.length(); i++)
        {
            final char c = field.charAt(i);
            if (c == '%' && i + 2 < field.length() && hex(field.charAt(i + 1)) >= 0 && hex(field.charAt(i + 2)) >= 0)
            {
                bytes.write(hex(field.charAt(i + 1)) << 4 | hex(field.charAt(i + 2)));
                i += 2;
            }
            else if (isPlain(c))
            {
                bytes.write(c);
            }
            else
            {
                throw new IllegalArgumentException("bad text field");
            }
        }
        final String value;
        try
        {
            value = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes.toByteArray()))
                .toString();
        }
        catch (final CharacterCodingException ex)
        {
            throw new IllegalArgumentException("bad text field");
        }
        if (value.isEmpty() || value.length() > MAX_TEXT)
        {
            throw new IllegalArgumentException("text field empty or longer than " + MAX_TEXT);
        }
        return value;
    }

    /** A field with nothing encoded: every character must be one that is never encoded. */
    private static String plain(final String field)
    {
        if (field.isEmpty() || field.length() > MAX_TEXT)
        {
            throw new IllegalArgumentException("text field empty or longer than " + MAX_TEXT);
        }
        for (int i = 0; i < field.length(); i++)
        {
            if (!isPlain(field.charAt(i)))
            {
                throw new IllegalArgumentException("bad text field");
            }
        }
        return field;
    }

    private static boolean isPlain(final int c)
    {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_'
            || c == '@' || c == ':';
    }

    private static int hex(final char c)
    {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }

    private static String crcHex(final byte[] bytes, final int length)
    {
        final CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return String.format("%08x", crc.getValue());
    }

    private static String ascii(final byte[] bytes, final int from, final int to)
    {
        return new String(bytes, from, to - from, StandardCharsets.ISO_8859_1);
    }
}
