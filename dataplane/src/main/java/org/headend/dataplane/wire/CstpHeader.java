package org.headend.dataplane.wire;

import io.netty.buffer.ByteBuf;

/**
 * The 8-byte CSTP frame header that precedes every frame on the TLS channel
 * (draft-mavrogiannopoulos-openconnect; docs/protocol/tunnel-and-dtls.md §4.1): {@code 'S' 'T' 'F' 0x01},
 * the payload length as a big-endian 16-bit number (header excluded), the frame type, and a reserved zero byte.
 */
public final class CstpHeader
{
    /** Offset of the 3-byte magic {@code "STF"}. */
    public static final int MAGIC_OFFSET = 0;
    /** Offset of the version byte, always 1. */
    public static final int VERSION_OFFSET = 3;
    /** Offset of the payload length, big-endian, header not included. */
    public static final int LENGTH_OFFSET = 4;
    /** Offset of the frame type. */
    public static final int TYPE_OFFSET = 6;
    /** Offset of the reserved byte, always 0 (openconnect ends the session otherwise). */
    public static final int RESERVED_OFFSET = 7;
    public static final int HEADER_LENGTH = 8;

    /** An IP packet. */
    public static final int TYPE_DATA = 0x00;
    /** Dead-peer-detection request; answered with {@link #TYPE_DPD_RESP}. */
    public static final int TYPE_DPD_REQ = 0x03;
    /** Dead-peer-detection response. */
    public static final int TYPE_DPD_RESP = 0x04;
    /** Disconnect; from the client its first payload byte is the reason code. */
    public static final int TYPE_DISCONNECT = 0x05;
    /** Keepalive; liveness only, never answered. */
    public static final int TYPE_KEEPALIVE = 0x07;
    /** A compressed IP packet; only valid once compression was negotiated. */
    public static final int TYPE_COMPRESSED = 0x08;
    /** Server kick; openconnect exits without reconnecting. */
    public static final int TYPE_TERMINATE = 0x09;

    /** Client disconnect reason: the user asked to disconnect; the session and its cookie end. */
    public static final int REASON_USER = 0xb0;

    /** {@link #check} result: the header is not "STF". */
    public static final int BAD_MAGIC = -1;
    /** {@link #check} result: the version byte is not 1. */
    public static final int BAD_VERSION = -2;
    /** {@link #check} result: the reserved byte is not 0. */
    public static final int BAD_RESERVED = -3;

    private static final int MAGIC = ('S' << 16) | ('T' << 8) | 'F';

    private CstpHeader()
    {
    }

    /**
     * Validates the header at {@code index}; the caller has checked that {@link #HEADER_LENGTH} bytes are readable.
     *
     * @return the payload length (0–65535), or {@link #BAD_MAGIC}, {@link #BAD_VERSION}, {@link #BAD_RESERVED}
     */
    public static int check(final ByteBuf buf, final int index)
    {
        if (buf.getUnsignedMedium(index + MAGIC_OFFSET) != MAGIC)
        {
            return BAD_MAGIC;
        }
        if (buf.getByte(index + VERSION_OFFSET) != 1)
        {
            return BAD_VERSION;
        }
        if (buf.getByte(index + RESERVED_OFFSET) != 0)
        {
            return BAD_RESERVED;
        }
        return buf.getUnsignedShort(index + LENGTH_OFFSET);
    }

    /** The frame type of the header at {@code index}. */
    public static int type(final ByteBuf buf, final int index)
    {
        return buf.getUnsignedByte(index + TYPE_OFFSET);
    }

    /** Appends a header for a frame of {@code type} carrying {@code payloadLength} bytes. */
    public static void write(final ByteBuf out, final int type, final int payloadLength)
    {
        out.writeMedium(MAGIC);
        out.writeByte(1);
        out.writeShort(payloadLength);
        out.writeByte(type);
        out.writeByte(0);
    }
}
