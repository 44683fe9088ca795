package org.headend.nativecfg.netlink;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

/**
 * Builds one netlink request (nlmsghdr, family header, rtattrs) in host byte order into a fixed native buffer.
 * Running out of room is a programming error, not an input error: requests are built from validated arguments.
 */
final class NetlinkMessageWriter
{
    private final MemorySegment buffer;
    private int length;

    NetlinkMessageWriter(final MemorySegment buffer)
    {
        this.buffer = buffer;
    }

    /**
     * Start a message; the family header and attributes follow with the put methods.
     *
     * @param type     e.g. RTM_NEWADDR.
     * @param flags    NLM_F_* flags.
     * @param sequence echoed by the kernel in its replies.
     * @return this.
     */
    NetlinkMessageWriter begin(final int type, final int flags, final int sequence)
    {
        buffer.asSlice(0, NetlinkProtocol.NLMSG_HDRLEN).fill((byte)0);
        buffer.set(JAVA_SHORT_UNALIGNED, NetlinkProtocol.NLMSG_TYPE_OFFSET, (short)type);
        buffer.set(JAVA_SHORT_UNALIGNED, NetlinkProtocol.NLMSG_FLAGS_OFFSET, (short)flags);
        buffer.set(JAVA_INT_UNALIGNED, NetlinkProtocol.NLMSG_SEQ_OFFSET, sequence);
        length = NetlinkProtocol.NLMSG_HDRLEN;
        return this;
    }

    NetlinkMessageWriter putByte(final int value)
    {
        ensure(1);
        buffer.set(JAVA_BYTE, length, (byte)value);
        length += 1;
        return this;
    }

    NetlinkMessageWriter putShort(final int value)
    {
        ensure(2);
        buffer.set(JAVA_SHORT_UNALIGNED, length, (short)value);
        length += 2;
        return this;
    }

    NetlinkMessageWriter putInt(final int value)
    {
        ensure(4);
        buffer.set(JAVA_INT_UNALIGNED, length, value);
        length += 4;
        return this;
    }

    NetlinkMessageWriter putAttribute(final int type, final byte[] value)
    {
        final int attributeLength = NetlinkProtocol.RTA_HDRLEN + value.length;
        pad();
        ensure(NetlinkProtocol.align(attributeLength));
        buffer.set(JAVA_SHORT_UNALIGNED, length, (short)attributeLength);
        buffer.set(JAVA_SHORT_UNALIGNED, length + 2, (short)type);
        MemorySegment.copy(value, 0, buffer, JAVA_BYTE, length + NetlinkProtocol.RTA_HDRLEN, value.length);
        length += attributeLength;
        pad();
        return this;
    }

    NetlinkMessageWriter putAttribute(final int type, final int value)
    {
        final byte[] bytes = new byte[4];
        MemorySegment.ofArray(bytes).set(JAVA_INT_UNALIGNED, 0, value);
        return putAttribute(type, bytes);
    }

    /**
     * @param type  attribute type.
     * @param value ASCII string, sent NUL-terminated as the kernel expects for names.
     * @return this.
     */
    NetlinkMessageWriter putAttribute(final int type, final String value)
    {
        final byte[] text = value.getBytes(StandardCharsets.US_ASCII);
        final byte[] terminated = new byte[text.length + 1];
        System.arraycopy(text, 0, terminated, 0, text.length);
        return putAttribute(type, terminated);
    }

    /**
     * @return length of the finished message, which is also written into its header.
     */
    int finish()
    {
        buffer.set(JAVA_INT_UNALIGNED, NetlinkProtocol.NLMSG_LEN_OFFSET, length);
        return length;
    }

    private void pad()
    {
        final int aligned = NetlinkProtocol.align(length);
        ensure(aligned - length);
        buffer.asSlice(length, aligned - length).fill((byte)0);
        length = aligned;
    }

    private void ensure(final int bytes)
    {
        if (length + bytes > buffer.byteSize())
        {
            throw new IllegalStateException("netlink request does not fit " + buffer.byteSize() + " bytes");
        }
    }
}
