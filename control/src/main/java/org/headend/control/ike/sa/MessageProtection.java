package org.headend.control.ike.sa;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import org.headend.control.ike.codec.EncryptedPayload;
import org.headend.control.ike.codec.Ike;
import org.headend.control.ike.codec.IkeHeader;
import org.headend.control.ike.codec.IkeMessageWriter;
import org.headend.control.ike.codec.IkeParseException;
import org.headend.control.ike.codec.PayloadChain;
import org.headend.control.ike.codec.PayloadSet;
import org.headend.control.ike.codec.PayloadWriter;
import org.headend.control.ike.crypto.SkCipher;

/**
 * Builds and opens the encrypted messages of one IKE SA: our messages carry one SK payload around the inner chain;
 * a received one is checked and decrypted before any inner payload is read (RFC 7296 §3.14).
 */
final class MessageProtection
{
    /** Our messages stay below this (no CERT chain of ours needs more). */
    static final int MAX_MESSAGE = 16_384;
    /** An SKF payload's generic header and its fragment number and total. */
    private static final int SKF_HEADER = 8;

    private final long spiI;
    private final long spiR;
    private final int initiatorFlag;
    private final SkCipher inbound;
    private final SkCipher outbound;
    private final IkeMessageWriter writer = new IkeMessageWriter(MAX_MESSAGE);

    /** @param initiator whether we are the SA's original initiator (the I flag on everything we send) */
    MessageProtection(final long spiI, final long spiR, final SkCipher inbound, final SkCipher outbound,
        final boolean initiator)
    {
        this.spiI = spiI;
        this.spiR = spiR;
        this.initiatorFlag = initiator ? Ike.FLAG_INITIATOR : 0;
        this.inbound = inbound;
        this.outbound = outbound;
    }

    /** A new inner chain to fill. */
    static PayloadWriter inner()
    {
        return new PayloadWriter(MAX_MESSAGE).reset(0, -1);
    }

    /** Our message: a response to the peer's request, or our own request. */
    byte[] seal(final int exchange, final boolean response, final long messageId, final PayloadWriter inner)
        throws GeneralSecurityException
    {
        final PayloadWriter out = writer.begin(spiI, spiR, exchange,
            (response ? Ike.FLAG_RESPONSE : 0) | initiatorFlag, messageId);
        final int skStart = out.position();
        out.begin(Ike.SK);
        out.array()[skStart] = (byte)inner.firstType();
        final byte[] plaintext = inner.copy(0);
        final int contentOffset = out.position();
        out.bytes(new byte[outbound.sealedLength(plaintext.length)]);
        out.end();
        writer.declareLength(out.position());
        outbound.seal(out.array(), contentOffset, plaintext);
        return out.copy(0);
    }

    /**
     * One SKF fragment of ours or, in tests, of an initiator's (RFC 7383 §2.5): {@code chunk} is this fragment's part
     * of the inner chain, {@code firstType} the chain's first payload type (sent in fragment 1 only).
     */
    byte[] sealFragment(final int exchange, final boolean response, final long messageId, final int number,
        final int total, final int firstType, final byte[] chunk) throws GeneralSecurityException
    {
        final PayloadWriter out = writer.begin(spiI, spiR, exchange,
            (response ? Ike.FLAG_RESPONSE : 0) | initiatorFlag, messageId);
        final int skfStart = out.position();
        out.begin(Ike.SKF);
        out.array()[skfStart] = (byte)(number == 1 ? firstType : 0);
        out.u16(number).u16(total);
        final int contentOffset = out.position();
        out.bytes(new byte[outbound.sealedLength(chunk.length)]);
        out.end();
        writer.declareLength(out.position());
        outbound.seal(out.array(), contentOffset, chunk);
        return out.copy(0);
    }

    /**
     * Our message in SKF fragments (RFC 7383 §2.5) of at most {@code room} bytes each, or whole when even
     * {@link EncryptedPayload#MAX_FRAGMENTS} fragments would not hold it (the peer could not put it back together).
     */
    java.util.List<byte[]> sealFragments(final int exchange, final boolean response, final long messageId,
        final PayloadWriter inner, final int room) throws GeneralSecurityException
    {
        final byte[] chain = inner.copy(0);
        int chunk = room - Ike.HEADER_LENGTH - SKF_HEADER;
        while (chunk > 0 && Ike.HEADER_LENGTH + SKF_HEADER + outbound.sealedLength(chunk) > room)
        {
            chunk--;
        }
        final int total = chunk <= 0 ? 0 : (chain.length + chunk - 1) / chunk;
        if (total < 1 || total > EncryptedPayload.MAX_FRAGMENTS)
        {
            return java.util.List.of(seal(exchange, response, messageId, inner));
        }
        final java.util.List<byte[]> out = new java.util.ArrayList<>(total);
        for (int i = 0; i < total; i++)
        {
            out.add(sealFragment(exchange, response, messageId, i + 1, total, inner.firstType(),
                java.util.Arrays.copyOfRange(chain, i * chunk, Math.min(chain.length, (i + 1) * chunk))));
        }
        return out;
    }

    /** A received SKF fragment: number, total and decrypted content. */
    record Fragment(int number, int total, int firstType, byte[] content)
    {
    }

    /**
     * Checks and decrypts one SKF fragment.
     *
     * @throws GeneralSecurityException when it does not verify
     * @throws IkeParseException        when its fragment numbers are impossible
     */
    Fragment openFragment(final IkeHeader header, final byte[] datagram)
        throws GeneralSecurityException, IkeParseException
    {
        final PayloadChain outer = header.payloads();
        final int last = outer.count() - 1;
        final EncryptedPayload skf = new EncryptedPayload().wrap(header.buffer(), outer.bodyOffset(last),
            outer.bodyLength(last), true);
        return new Fragment(skf.fragmentNumber(), skf.totalFragments(), outer.encryptedFirstType(),
            inbound.open(datagram, skf.contentOffset(), skf.contentLength()));
    }

    /** Decodes a reassembled inner chain. */
    static PayloadSet decode(final byte[] chain, final int firstType) throws IkeParseException
    {
        return PayloadSet.decode(new PayloadChain().wrap(ByteBuffer.wrap(chain), 0, chain.length, firstType));
    }

    /** Whether the message ends with an SKF payload. */
    static boolean fragmented(final IkeHeader header)
    {
        final PayloadChain outer = header.payloads();
        return outer.endsEncrypted() && outer.type(outer.count() - 1) == Ike.SKF;
    }

    /**
     * The decrypted inner payloads of a received message whose header has been wrapped over {@code datagram}.
     *
     * @throws GeneralSecurityException when it has no SK payload or does not verify
     * @throws IkeParseException        when the inner payloads are malformed
     */
    PayloadSet open(final IkeHeader header, final byte[] datagram) throws GeneralSecurityException, IkeParseException
    {
        final PayloadChain outer = header.payloads();
        if (!outer.endsEncrypted() || outer.type(outer.count() - 1) != Ike.SK)
        {
            throw new GeneralSecurityException("message is not protected by an SK payload");
        }
        final int last = outer.count() - 1;
        final EncryptedPayload sk = new EncryptedPayload().wrap(header.buffer(), outer.bodyOffset(last),
            outer.bodyLength(last), false);
        final byte[] plaintext = inbound.open(datagram, sk.contentOffset(), sk.contentLength());
        final PayloadChain inner = new PayloadChain().wrap(ByteBuffer.wrap(plaintext), 0, plaintext.length,
            outer.encryptedFirstType());
        return PayloadSet.decode(inner);
    }
}
