package org.headend.control.ike.codec;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The SA payload body (RFC 7296 §3.3): proposals with their transforms and attributes, checked in place on
 * {@link #wrap} (every substructure inside its parent, numbers that match, at most {@link Ike#MAX_PROPOSALS}
 * proposals of {@link Ike#MAX_TRANSFORMS} transforms) and decoded one proposal at a time.
 */
public final class SaPayload
{
    private static final int PROPOSAL_HEADER = 8;
    private static final int TRANSFORM_HEADER = 8;
    private static final int LAST = 0;
    private static final int MORE_PROPOSALS = 2;
    private static final int MORE_TRANSFORMS = 3;

    private final int[] proposalOffsets = new int[Ike.MAX_PROPOSALS];
    private ByteBuffer buffer;
    private int count;

    public SaPayload wrap(final ByteBuffer buffer, final int offset, final int length) throws IkeParseException
    {
        this.buffer = buffer;
        count = 0;
        final int end = offset + length;
        int at = offset;
        int kind = MORE_PROPOSALS;
        while (kind == MORE_PROPOSALS)
        {
            if (count == Ike.MAX_PROPOSALS)
            {
                throw new IkeParseException("more than " + Ike.MAX_PROPOSALS + " proposals");
            }
            if (end - at < PROPOSAL_HEADER)
            {
                throw new IkeParseException("proposal header runs past the SA payload");
            }
            kind = buffer.get(at) & 0xff;
            final int proposalLength = buffer.getShort(at + 2) & 0xffff;
            if (kind != LAST && kind != MORE_PROPOSALS || proposalLength < PROPOSAL_HEADER
                || proposalLength > end - at)
            {
                throw new IkeParseException("bad proposal substructure");
            }
            final int spiSize = buffer.get(at + 6) & 0xff;
            final int transforms = buffer.get(at + 7) & 0xff;
            if (spiSize != 0 && spiSize != 4 && spiSize != 8 || PROPOSAL_HEADER + spiSize > proposalLength)
            {
                throw new IkeParseException("bad proposal SPI size " + spiSize);
            }
            if (transforms > Ike.MAX_TRANSFORMS)
            {
                throw new IkeParseException("more than " + Ike.MAX_TRANSFORMS + " transforms");
            }
            checkTransforms(buffer, at + PROPOSAL_HEADER + spiSize, at + proposalLength, transforms);
            proposalOffsets[count++] = at;
            at += proposalLength;
        }
        if (at != end)
        {
            throw new IkeParseException("bytes after the last proposal");
        }
        return this;
    }

    private static void checkTransforms(final ByteBuffer buffer, final int start, final int end, final int expected)
        throws IkeParseException
    {
        int at = start;
        for (int i = 0; i < expected; i++)
        {
            if (end - at < TRANSFORM_HEADER)
            {
                throw new IkeParseException("transform runs past its proposal");
            }
            final int kind = buffer.get(at) & 0xff;
            final int transformLength = buffer.getShort(at + 2) & 0xffff;
            final boolean last = i == expected - 1;
            if (kind != (last ? LAST : MORE_TRANSFORMS) || transformLength < TRANSFORM_HEADER
                || transformLength > end - at)
            {
                throw new IkeParseException("bad transform substructure");
            }
            checkAttributes(buffer, at + TRANSFORM_HEADER, at + transformLength);
            at += transformLength;
        }
        if (at != end)
        {
            throw new IkeParseException("transform count does not match the proposal length");
        }
    }

    private static void checkAttributes(final ByteBuffer buffer, final int start, final int end)
        throws IkeParseException
    {
        int at = start;
        while (at < end)
        {
            if (end - at < 4)
            {
                throw new IkeParseException("transform attribute runs past its transform");
            }
            final int type = buffer.getShort(at) & 0xffff;
            if ((type & 0x8000) != 0)
            {
                at += 4;
            }
            else
            {
                final int valueLength = buffer.getShort(at + 2) & 0xffff;
                if (valueLength > end - at - 4)
                {
                    throw new IkeParseException("transform attribute runs past its transform");
                }
                at += 4 + valueLength;
            }
        }
    }

    public int proposalCount()
    {
        return count;
    }

    /** Decodes proposal {@code index}; a transform with an unknown attribute keeps only its key length. */
    public Proposal proposal(final int index)
    {
        final int at = proposalOffsets[index];
        final int number = buffer.get(at + 4) & 0xff;
        final int protocol = buffer.get(at + 5) & 0xff;
        final int spiSize = buffer.get(at + 6) & 0xff;
        final int transformCount = buffer.get(at + 7) & 0xff;
        final byte[] spi = new byte[spiSize];
        buffer.get(at + PROPOSAL_HEADER, spi);
        final List<Transform> transforms = new ArrayList<>(transformCount);
        int t = at + PROPOSAL_HEADER + spiSize;
        for (int i = 0; i < transformCount; i++)
        {
            final int transformLength = buffer.getShort(t + 2) & 0xffff;
            transforms.add(new Transform(buffer.get(t + 4) & 0xff, buffer.getShort(t + 6) & 0xffff,
                keyLength(buffer, t + TRANSFORM_HEADER, t + transformLength)));
            t += transformLength;
        }
        return new Proposal(number, protocol, spi, transforms);
    }

    private static int keyLength(final ByteBuffer buffer, final int start, final int end)
    {
        int at = start;
        while (at < end)
        {
            final int type = buffer.getShort(at) & 0xffff;
            if (type == (0x8000 | Ike.ATTRIBUTE_KEY_LENGTH))
            {
                return buffer.getShort(at + 2) & 0xffff;
            }
            at += (type & 0x8000) != 0 ? 4 : 4 + (buffer.getShort(at + 2) & 0xffff);
        }
        return 0;
    }

    /** Encodes proposals as an SA payload body, each numbered by its own {@link Proposal#number()}. */
    public static void write(final PayloadWriter out, final List<Proposal> proposals)
    {
        for (int p = 0; p < proposals.size(); p++)
        {
            final Proposal proposal = proposals.get(p);
            final int start = out.position();
            out.u8(p == proposals.size() - 1 ? LAST : MORE_PROPOSALS).u8(0).u16(0);
            out.u8(proposal.number()).u8(proposal.protocol()).u8(proposal.spi().length)
                .u8(proposal.transforms().size()).bytes(proposal.spi());
            final List<Transform> transforms = proposal.transforms();
            for (int i = 0; i < transforms.size(); i++)
            {
                final Transform transform = transforms.get(i);
                final boolean attribute = transform.keyLength() != 0;
                out.u8(i == transforms.size() - 1 ? LAST : MORE_TRANSFORMS).u8(0)
                    .u16(TRANSFORM_HEADER + (attribute ? 4 : 0)).u8(transform.type()).u8(0).u16(transform.id());
                if (attribute)
                {
                    out.u16(0x8000 | Ike.ATTRIBUTE_KEY_LENGTH).u16(transform.keyLength());
                }
            }
            out.putU16(start + 2, out.position() - start);
        }
    }
}
