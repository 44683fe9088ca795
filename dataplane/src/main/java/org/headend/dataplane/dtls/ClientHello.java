package org.headend.dataplane.dtls;

import io.netty.buffer.ByteBuf;

/**
 * Finds the {@code session_id} of a DTLS ClientHello (docs/protocol/tunnel-and-dtls.md §5.2): openconnect and Cisco
 * clients put the App-ID or Session-ID the CONNECT answer gave them there, which is how a new UDP flow is tied to
 * its session. Only the first fragment of a ClientHello in an epoch-0 handshake record qualifies.
 */
public final class ClientHello
{
    private static final int HANDSHAKE_TYPE_OFFSET = 13;
    private static final int FRAGMENT_OFFSET_OFFSET = 19;
    private static final int SESSION_ID_LENGTH_OFFSET = 59;
    private static final int CLIENT_HELLO = 1;

    private ClientHello()
    {
    }

    /** Whether the datagram at {@code index} starts with a DTLS handshake record (any epoch). */
    public static boolean isHandshake(final ByteBuf datagram, final int index, final int length)
    {
        return length >= DtlsRecordHeader.HEADER_LENGTH
            && datagram.getUnsignedByte(index) == DtlsRecordHeader.TYPE_HANDSHAKE;
    }

    /**
     * The session_id of the ClientHello at {@code index}, or null when the datagram is not the first fragment of a
     * ClientHello, or the id is empty, longer than 32 bytes or past the end.
     */
    public static byte[] sessionId(final ByteBuf datagram, final int index, final int length)
    {
        if (length < SESSION_ID_LENGTH_OFFSET + 1
            || datagram.getUnsignedByte(index) != DtlsRecordHeader.TYPE_HANDSHAKE
            || datagram.getUnsignedShort(index + DtlsRecordHeader.EPOCH_OFFSET) != 0
            || datagram.getUnsignedByte(index + HANDSHAKE_TYPE_OFFSET) != CLIENT_HELLO
            || datagram.getUnsignedMedium(index + FRAGMENT_OFFSET_OFFSET) != 0)
        {
            return null;
        }
        final int version = datagram.getUnsignedShort(index + DtlsRecordHeader.VERSION_OFFSET);
        if (version != DtlsRecordHeader.VERSION_DTLS12 && version != DtlsRecordHeader.VERSION_DTLS10)
        {
            return null;
        }
        final int idLength = datagram.getUnsignedByte(index + SESSION_ID_LENGTH_OFFSET);
        if (idLength == 0 || idLength > 32 || length < SESSION_ID_LENGTH_OFFSET + 1 + idLength)
        {
            return null;
        }
        final byte[] id = new byte[idLength];
        datagram.getBytes(index + SESSION_ID_LENGTH_OFFSET + 1, id);
        return id;
    }
}
