package org.headend.nativecfg.netlink;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

/**
 * Walks the netlink messages of one received datagram, and the attributes of a message, checking every length
 * against what was actually received before anything is read. A violation throws
 * {@link MalformedNetlinkException}; nothing is read outside {@code [0, datagramLength)}.
 */
final class NetlinkMessageCursor
{
    /** Longest extended-ack message we keep; the kernel's are one short sentence. */
    static final int MAX_EXT_ACK_MESSAGE = 256;

    private MemorySegment buffer;
    private int datagramLength;
    private int offset;
    private int length;
    private int nextOffset;

    private int attributeEnd;
    private int attributeOffset;
    private int attributeLength;
    private int nextAttributeOffset;

    /**
     * @param buffer         holds the datagram from index 0.
     * @param datagramLength bytes received, at most the buffer size.
     * @return this, positioned before the first message.
     */
    NetlinkMessageCursor wrap(final MemorySegment buffer, final int datagramLength)
    {
        if (datagramLength < 0 || datagramLength > buffer.byteSize())
        {
            throw new MalformedNetlinkException("datagram length " + datagramLength + " outside buffer");
        }
        this.buffer = buffer;
        this.datagramLength = datagramLength;
        offset = 0;
        length = 0;
        nextOffset = 0;
        return this;
    }

    /**
     * @return true if positioned on a further, fully received message; false at the end of the datagram.
     */
    boolean nextMessage()
    {
        if (nextOffset >= datagramLength)
        {
            return false;
        }
        final int remaining = datagramLength - nextOffset;
        if (remaining < NetlinkProtocol.NLMSG_HDRLEN)
        {
            throw new MalformedNetlinkException("truncated message header: " + remaining + " bytes");
        }
        final int messageLength = buffer.get(JAVA_INT_UNALIGNED, nextOffset + NetlinkProtocol.NLMSG_LEN_OFFSET);
        if (messageLength < NetlinkProtocol.NLMSG_HDRLEN || messageLength > remaining)
        {
            throw new MalformedNetlinkException("message length " + messageLength + " with " + remaining + " left");
        }
        offset = nextOffset;
        length = messageLength;
        // The last message of a datagram need not be padded, so the aligned step may overshoot the end.
        nextOffset = offset + NetlinkProtocol.align(messageLength);
        return true;
    }

    int type()
    {
        return buffer.get(JAVA_SHORT_UNALIGNED, offset + NetlinkProtocol.NLMSG_TYPE_OFFSET) & 0xFFFF;
    }

    int flags()
    {
        return buffer.get(JAVA_SHORT_UNALIGNED, offset + NetlinkProtocol.NLMSG_FLAGS_OFFSET) & 0xFFFF;
    }

    int sequence()
    {
        return buffer.get(JAVA_INT_UNALIGNED, offset + NetlinkProtocol.NLMSG_SEQ_OFFSET);
    }

    /**
     * @return offset in the buffer of the first byte after the netlink header.
     */
    int payloadOffset()
    {
        return offset + NetlinkProtocol.NLMSG_HDRLEN;
    }

    /**
     * @return bytes after the netlink header.
     */
    int payloadLength()
    {
        return length - NetlinkProtocol.NLMSG_HDRLEN;
    }

    /**
     * @param minimum bytes the family header needs.
     * @throws MalformedNetlinkException if the payload is shorter.
     */
    void requirePayload(final int minimum)
    {
        if (payloadLength() < minimum)
        {
            throw new MalformedNetlinkException(
                "message type " + type() + " payload " + payloadLength() + " < " + minimum);
        }
    }

    int payloadByte(final int payloadIndex)
    {
        return buffer.get(JAVA_BYTE, payloadOffset() + payloadIndex) & 0xFF;
    }

    int payloadInt(final int payloadIndex)
    {
        return buffer.get(JAVA_INT_UNALIGNED, payloadOffset() + payloadIndex);
    }

    /**
     * @return the errno of an NLMSG_ERROR or NLMSG_DONE message as a positive number, 0 for an acknowledgement.
     */
    int errorCode()
    {
        requirePayload(4);
        return -payloadInt(0);
    }

    /**
     * @return the kernel's extended-ack text of an NLMSG_ERROR message, or null if it sent none.
     */
    String extendedAckMessage()
    {
        if ((flags() & NetlinkProtocol.NLM_F_ACK_TLVS) == 0)
        {
            return null;
        }
        requirePayload(4 + NetlinkProtocol.NLMSG_HDRLEN);
        final int echoed;
        if ((flags() & NetlinkProtocol.NLM_F_CAPPED) != 0)
        {
            echoed = NetlinkProtocol.NLMSG_HDRLEN;
        }
        else
        {
            final int echoedLength = payloadInt(4 + NetlinkProtocol.NLMSG_LEN_OFFSET);
            if (echoedLength < NetlinkProtocol.NLMSG_HDRLEN || echoedLength > payloadLength() - 4)
            {
                throw new MalformedNetlinkException("echoed request length " + echoedLength);
            }
            echoed = NetlinkProtocol.align(echoedLength);
        }
        startAttributes(4 + echoed);
        while (nextAttribute())
        {
            if (attributeType() == NetlinkProtocol.NLMSGERR_ATTR_MSG)
            {
                return attributeString(MAX_EXT_ACK_MESSAGE);
            }
        }
        return null;
    }

    /**
     * Position the attribute walk at {@code payloadIndex}, after the family header.
     *
     * @param payloadIndex offset from the payload start; may be past the end, meaning no attributes.
     */
    void startAttributes(final int payloadIndex)
    {
        attributeEnd = offset + length;
        nextAttributeOffset = Math.min(payloadOffset() + NetlinkProtocol.align(payloadIndex), attributeEnd);
        attributeOffset = nextAttributeOffset;
        attributeLength = 0;
    }

    /**
     * @return true if positioned on a further attribute that lies wholly inside the message.
     */
    boolean nextAttribute()
    {
        if (nextAttributeOffset >= attributeEnd)
        {
            return false;
        }
        final int remaining = attributeEnd - nextAttributeOffset;
        if (remaining < NetlinkProtocol.RTA_HDRLEN)
        {
            throw new MalformedNetlinkException("truncated attribute header: " + remaining + " bytes");
        }
        final int rtaLength = buffer.get(JAVA_SHORT_UNALIGNED, nextAttributeOffset) & 0xFFFF;
        if (rtaLength < NetlinkProtocol.RTA_HDRLEN || rtaLength > remaining)
        {
            throw new MalformedNetlinkException("attribute length " + rtaLength + " with " + remaining + " left");
        }
        attributeOffset = nextAttributeOffset;
        attributeLength = rtaLength;
        nextAttributeOffset = attributeOffset + NetlinkProtocol.align(rtaLength);
        return true;
    }

    /**
     * @return the attribute type without the nested and byte-order flag bits.
     */
    int attributeType()
    {
        return buffer.get(JAVA_SHORT_UNALIGNED, attributeOffset + 2) & 0x3FFF;
    }

    int attributeValueLength()
    {
        return attributeLength - NetlinkProtocol.RTA_HDRLEN;
    }

    /**
     * @return a copy of the attribute value.
     */
    byte[] attributeBytes()
    {
        final byte[] value = new byte[attributeValueLength()];
        MemorySegment.copy(
            buffer, JAVA_BYTE, attributeOffset + NetlinkProtocol.RTA_HDRLEN, value, 0, value.length);
        return value;
    }

    /**
     * @param maxLength longest string kept; longer values are cut.
     * @return the value up to its first NUL, decoded as UTF-8.
     */
    String attributeString(final int maxLength)
    {
        final byte[] value = attributeBytes();
        int end = 0;
        while (end < value.length && end < maxLength && value[end] != 0)
        {
            end++;
        }
        return new String(value, 0, end, StandardCharsets.UTF_8);
    }
}
