package org.headend.control.ike.codec;

import java.nio.ByteBuffer;

/**
 * An EAP packet (RFC 3748 §4) as the EAP payload body carries it: code, identifier, length (which must be the
 * payload's), and for requests and responses a type and its data.
 */
public final class EapPacket
{
    /**
     * The longest EAP packet taken: room for an EAP-AnyConnect response with the longest XML document
     * ({@link EapAnyConnect#MAX_XML}) and its small TLVs. AnyConnect's {@code init} (device-id, MAC addresses,
     * capabilities) and {@code auth-reply} (opaque, host-scan token) grow past the 4 KiB the standard methods need.
     */
    public static final int MAX_LENGTH = EapAnyConnect.MAX_XML + 1024;

    private ByteBuffer buffer;
    private int offset;
    private int length;

    public EapPacket wrap(final ByteBuffer buffer, final int offset, final int length) throws IkeParseException
    {
        if (length < 4 || length > MAX_LENGTH)
        {
            throw new IkeParseException("EAP packet length " + length + " out of range");
        }
        final int code = buffer.get(offset) & 0xff;
        final int declared = buffer.getShort(offset + 2) & 0xffff;
        if (declared != length)
        {
            throw new IkeParseException("EAP length " + declared + " is not its payload's " + length);
        }
        if (code < Ike.EAP_REQUEST || code > Ike.EAP_FAILURE)
        {
            throw new IkeParseException("unknown EAP code " + code);
        }
        if ((code == Ike.EAP_REQUEST || code == Ike.EAP_RESPONSE) ? length < 5 : length != 4)
        {
            throw new IkeParseException("EAP packet of the wrong length for its code");
        }
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        return this;
    }

    public int code()
    {
        return buffer.get(offset) & 0xff;
    }

    public int identifier()
    {
        return buffer.get(offset + 1) & 0xff;
    }

    /** The method type of a request or response. */
    public int type()
    {
        return buffer.get(offset + 4) & 0xff;
    }

    /** The bytes after the type. */
    public byte[] typeData()
    {
        final byte[] out = new byte[Math.max(0, length - 5)];
        buffer.get(offset + 5, out);
        return out;
    }

    /** Builds a request or response of {@code type}. */
    public static byte[] build(final int code, final int identifier, final int type, final byte[] typeData)
    {
        final byte[] out = new byte[5 + typeData.length];
        out[0] = (byte)code;
        out[1] = (byte)identifier;
        out[2] = (byte)(out.length >>> 8);
        out[3] = (byte)out.length;
        out[4] = (byte)type;
        System.arraycopy(typeData, 0, out, 5, typeData.length);
        return out;
    }

    /** Builds a Success or Failure. */
    public static byte[] result(final int code, final int identifier)
    {
        return new byte[] {(byte)code, (byte)identifier, 0, 4};
    }
}
