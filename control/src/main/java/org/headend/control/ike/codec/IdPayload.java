package org.headend.control.ike.codec;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The Identification payload body (RFC 7296 §3.5): ID type, three reserved bytes, the identity. The whole body is
 * what the AUTH computation signs (IDi'/IDr', §2.15), so {@link #body()} returns it as it came.
 */
public final class IdPayload
{
    public static final int MAX_DATA = 1024;

    private ByteBuffer buffer;
    private int offset;
    private int length;

    public IdPayload wrap(final ByteBuffer buffer, final int offset, final int length) throws IkeParseException
    {
        if (length < 5 || length - 4 > MAX_DATA)
        {
            throw new IkeParseException("ID payload length " + length + " out of range");
        }
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        final int type = idType();
        final int dataLength = length - 4;
        if (type == Ike.ID_IPV4_ADDR && dataLength != 4 || type == Ike.ID_IPV6_ADDR && dataLength != 16)
        {
            throw new IkeParseException("ID address of the wrong length");
        }
        return this;
    }

    public int idType()
    {
        return buffer.get(offset) & 0xff;
    }

    public byte[] data()
    {
        final byte[] out = new byte[length - 4];
        buffer.get(offset + 4, out);
        return out;
    }

    public byte[] body()
    {
        final byte[] out = new byte[length];
        buffer.get(offset, out);
        return out;
    }

    /** The identity as text for logs and user names: the string types as UTF-8, others as a type marker. */
    public String text()
    {
        return switch (idType())
        {
            case Ike.ID_FQDN, Ike.ID_RFC822_ADDR, Ike.ID_KEY_ID -> new String(data(), StandardCharsets.UTF_8);
            case Ike.ID_IPV4_ADDR, Ike.ID_IPV6_ADDR -> addressText(data());
            default -> "id-type-" + idType();
        };
    }

    private static String addressText(final byte[] address)
    {
        try
        {
            return java.net.InetAddress.getByAddress(address).getHostAddress();
        }
        catch (final java.net.UnknownHostException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
