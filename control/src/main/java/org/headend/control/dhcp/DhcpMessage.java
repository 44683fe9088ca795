package org.headend.control.dhcp;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One DHCP message (RFC 2131 §2, options RFC 2132): the fixed BOOTP header, the magic cookie and the options.
 * Addresses are big-endian ints. {@link #decode} takes untrusted bytes and either returns a well-formed message or
 * throws {@link DhcpFormatException}; it never reads past the given length, and repeated options are joined as
 * RFC 3396 says. The {@code sname} and {@code file} fields are not read: nothing here needs them, so an option
 * overload (option 52) pointing into them is ignored.
 *
 * @param op      1 BOOTREQUEST, 2 BOOTREPLY
 * @param xid     the transaction id
 * @param secs    seconds since the client began
 * @param flags   bit 15 is BROADCAST
 * @param ciaddr  the client's address (renewing, rebinding, releasing), else 0
 * @param yiaddr  the address offered or acknowledged
 * @param siaddr  the next server (BOOTP), unused here
 * @param giaddr  the relay agent's address: replies go to its port 67
 * @param chaddr  the client hardware address, 1 to 16 bytes (its length is {@code hlen})
 * @param options option code → value, in arrival order
 */
public record DhcpMessage(int op, int xid, int secs, int flags, int ciaddr, int yiaddr, int siaddr, int giaddr,
    byte[] chaddr, Map<Integer, byte[]> options)
{
    /** The smallest message: the 236-byte header and the 4-byte magic cookie. */
    public static final int MIN_LENGTH = 240;
    /** The largest message accepted: an Ethernet MTU's worth of UDP payload. Longer is refused, never read. */
    public static final int MAX_LENGTH = 1472;

    public static final int BOOTREQUEST = 1;
    public static final int BOOTREPLY = 2;

    public static final int DISCOVER = 1;
    public static final int OFFER = 2;
    public static final int REQUEST = 3;
    public static final int DECLINE = 4;
    public static final int ACK = 5;
    public static final int NAK = 6;
    public static final int RELEASE = 7;

    public static final int OPTION_PAD = 0;
    public static final int OPTION_SUBNET_MASK = 1;
    public static final int OPTION_REQUESTED_ADDRESS = 50;
    public static final int OPTION_LEASE_TIME = 51;
    public static final int OPTION_MESSAGE_TYPE = 53;
    public static final int OPTION_SERVER_ID = 54;
    public static final int OPTION_PARAMETER_LIST = 55;
    public static final int OPTION_MESSAGE = 56;
    public static final int OPTION_RENEWAL_TIME = 58;
    public static final int OPTION_REBINDING_TIME = 59;
    public static final int OPTION_CLIENT_ID = 61;
    public static final int OPTION_END = 255;

    private static final int MAGIC_COOKIE = 0x63825363;
    private static final int CHADDR_OFFSET = 28;
    private static final int OPTIONS_OFFSET = 240;

    public DhcpMessage
    {
        if (chaddr.length < 1 || chaddr.length > 16)
        {
            throw new IllegalArgumentException("chaddr must be 1 to 16 bytes, not " + chaddr.length);
        }
        chaddr = chaddr.clone();
        final Map<Integer, byte[]> copy = new LinkedHashMap<>();
        options.forEach((code, value) -> copy.put(code, value.clone()));
        options = Collections.unmodifiableMap(copy);
    }

    /**
     * Reads a message from {@code length} bytes of {@code data}.
     *
     * @throws DhcpFormatException when it is shorter or longer than allowed, has no magic cookie, a bad hardware
     *                             address length, an option running past the end, or no END option
     */
    public static DhcpMessage decode(final byte[] data, final int length) throws DhcpFormatException
    {
        if (length < MIN_LENGTH || length > MAX_LENGTH || length > data.length)
        {
            throw new DhcpFormatException("a DHCP message is " + MIN_LENGTH + " to " + MAX_LENGTH + " bytes, not "
                + length);
        }
        final ByteBuffer in = ByteBuffer.wrap(data, 0, length);
        final int op = in.get(0) & 0xFF;
        if (op != BOOTREQUEST && op != BOOTREPLY)
        {
            throw new DhcpFormatException("op " + op + " is neither BOOTREQUEST nor BOOTREPLY");
        }
        final int hlen = in.get(2) & 0xFF;
        if (hlen < 1 || hlen > 16)
        {
            throw new DhcpFormatException("hardware address length " + hlen + " (1 to 16)");
        }
        if (in.getInt(236) != MAGIC_COOKIE)
        {
            throw new DhcpFormatException("no DHCP magic cookie");
        }
        final byte[] chaddr = Arrays.copyOfRange(data, CHADDR_OFFSET, CHADDR_OFFSET + hlen);
        return new DhcpMessage(op, in.getInt(4), in.getShort(8) & 0xFFFF, in.getShort(10) & 0xFFFF, in.getInt(12),
            in.getInt(16), in.getInt(20), in.getInt(24), chaddr, readOptions(data, length));
    }

    private static Map<Integer, byte[]> readOptions(final byte[] data, final int length) throws DhcpFormatException
    {
        final Map<Integer, byte[]> options = new LinkedHashMap<>();
        int at = OPTIONS_OFFSET;
        while (at < length)
        {
            final int code = data[at] & 0xFF;
            if (code == OPTION_END)
            {
                return options;
            }
            if (code == OPTION_PAD)
            {
                at++;
                continue;
            }
            if (at + 1 >= length)
            {
                throw new DhcpFormatException("option " + code + " has no length byte");
            }
            final int size = data[at + 1] & 0xFF;
            if (at + 2 + size > length)
            {
                throw new DhcpFormatException("option " + code + " of " + size + " bytes runs past the message");
            }
            final byte[] value = Arrays.copyOfRange(data, at + 2, at + 2 + size);
            // RFC 3396: an option given more than once is one long option, its parts in order
            options.merge(code, value, DhcpMessage::concat);
            at += 2 + size;
        }
        throw new DhcpFormatException("the options have no END");
    }

    private static byte[] concat(final byte[] first, final byte[] second)
    {
        final byte[] joined = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, joined, first.length, second.length);
        return joined;
    }

    /** The message as sent: header, cookie, options (values over 255 bytes split as RFC 3396 says), END. */
    public byte[] encode()
    {
        int size = OPTIONS_OFFSET + 1;
        for (final byte[] value : options.values())
        {
            size += value.length + 2 * Math.max(1, (value.length + 254) / 255);
        }
        final ByteBuffer out = ByteBuffer.allocate(Math.max(size, 300)); // 300: the BOOTP minimum some servers want
        out.put((byte)op).put((byte)1).put((byte)chaddr.length).put((byte)0);
        out.putInt(xid).putShort((short)secs).putShort((short)flags);
        out.putInt(ciaddr).putInt(yiaddr).putInt(siaddr).putInt(giaddr);
        out.put(chaddr);
        out.position(236);
        out.putInt(MAGIC_COOKIE);
        options.forEach((code, value) ->
        {
            int done = 0;
            do
            {
                final int part = Math.min(255, value.length - done);
                out.put((byte)(int)code).put((byte)part).put(value, done, part);
                done += part;
            }
            while (done < value.length);
        });
        out.put((byte)OPTION_END);
        return out.array();
    }

    /** The DHCP message type (option 53), or 0 when absent or malformed (a plain BOOTP message). */
    public int messageType()
    {
        final byte[] value = options.get(OPTION_MESSAGE_TYPE);
        return value == null || value.length != 1 ? 0 : value[0] & 0xFF;
    }

    /** A 4-byte option as a big-endian int, or {@code absent} when missing or of another length. */
    public long intOption(final int code, final long absent)
    {
        final byte[] value = options.get(code);
        return value == null || value.length != 4 ? absent : ByteBuffer.wrap(value).getInt() & 0xFFFF_FFFFL;
    }

    /** The server's text (option 56), printable ASCII only and at most 80 characters, or "" when absent. */
    public String serverText()
    {
        final byte[] value = options.get(OPTION_MESSAGE);
        if (value == null)
        {
            return "";
        }
        final StringBuilder text = new StringBuilder();
        for (int i = 0; i < value.length && text.length() < 80; i++)
        {
            final int c = value[i] & 0xFF;
            text.append(c >= 0x20 && c < 0x7F ? (char)c : '?');
        }
        return text.toString();
    }

    /** A 4-byte option value. */
    public static byte[] int32(final long value)
    {
        return ByteBuffer.allocate(4).putInt((int)value).array();
    }

    @Override
    public byte[] chaddr()
    {
        return chaddr.clone();
    }

    @Override
    public boolean equals(final Object other)
    {
        return other instanceof DhcpMessage m && op == m.op && xid == m.xid && secs == m.secs && flags == m.flags
            && ciaddr == m.ciaddr && yiaddr == m.yiaddr && siaddr == m.siaddr && giaddr == m.giaddr
            && Arrays.equals(chaddr, m.chaddr) && sameOptions(options, m.options);
    }

    private static boolean sameOptions(final Map<Integer, byte[]> a, final Map<Integer, byte[]> b)
    {
        if (!a.keySet().equals(b.keySet()))
        {
            return false;
        }
        for (final Map.Entry<Integer, byte[]> entry : a.entrySet())
        {
            if (!Arrays.equals(entry.getValue(), b.get(entry.getKey())))
            {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode()
    {
        return xid * 31 + Arrays.hashCode(chaddr);
    }

    @Override
    public String toString()
    {
        return "DhcpMessage[op=" + op + " type=" + messageType() + " xid=" + Integer.toHexString(xid) + "]";
    }
}
