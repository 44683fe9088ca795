package org.headend.crypto;

import java.nio.ByteBuffer;

import org.agrona.BufferUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The ways the data plane may hand memory to an {@link Aead}. Each kind wraps its memory at a non-zero offset so
 * that an implementation which forgets the wrap adjustment reads the wrong bytes.
 */
public enum BufferKind
{
    /** {@code UnsafeBuffer(byte[], offset, length)}. */
    HEAP_ARRAY
    {
        @Override
        public MutableDirectBuffer allocate(final int capacity)
        {
            return new UnsafeBuffer(new byte[capacity + 7], 7, capacity);
        }
    },
    /** A heap ByteBuffer with a non-zero array offset. */
    HEAP_BYTE_BUFFER
    {
        @Override
        public MutableDirectBuffer allocate(final int capacity)
        {
            final ByteBuffer sliced = ByteBuffer.wrap(new byte[capacity + 16], 3, capacity + 10).slice();
            return new UnsafeBuffer(sliced, 5, capacity);
        }
    },
    /** A direct ByteBuffer, as rings and socket buffers are. */
    DIRECT_BYTE_BUFFER
    {
        @Override
        public MutableDirectBuffer allocate(final int capacity)
        {
            return new UnsafeBuffer(ByteBuffer.allocateDirect(capacity + 16), 5, capacity);
        }
    },
    /** A raw native address with no ByteBuffer behind the Agrona buffer. */
    RAW_ADDRESS
    {
        @Override
        public MutableDirectBuffer allocate(final int capacity)
        {
            final ByteBuffer backing = ByteBuffer.allocateDirect(capacity + 16);
            return new RawAddressBuffer(backing, BufferUtil.address(backing) + 9, capacity);
        }
    };

    /**
     * @param capacity usable bytes.
     * @return a zeroed buffer of that capacity.
     */
    public abstract MutableDirectBuffer allocate(int capacity);

    /**
     * @param bytes content.
     * @return a buffer of this kind holding exactly {@code bytes}.
     */
    public MutableDirectBuffer of(final byte[] bytes)
    {
        final MutableDirectBuffer buffer = allocate(bytes.length);
        buffer.putBytes(0, bytes);
        return buffer;
    }

    /** Keeps the direct ByteBuffer reachable for as long as the raw address is in use. */
    private static final class RawAddressBuffer extends UnsafeBuffer
    {
        @SuppressWarnings({"unused", "FieldCanBeLocal"})
        private final ByteBuffer owner;

        RawAddressBuffer(final ByteBuffer owner, final long address, final int capacity)
        {
            super(address, capacity);
            this.owner = owner;
        }
    }
}
