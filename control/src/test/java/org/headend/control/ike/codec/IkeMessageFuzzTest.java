package org.headend.control.ike.codec;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;

/**
 * The IKE message parser under arbitrary datagrams, as anyone who can reach UDP 500/4500 may send them: a message
 * either wraps, with every payload inside the datagram and the chain filling it exactly, and decodes payload by
 * payload, or it is refused with {@link IkeParseException} and a notify type to answer with — never another
 * exception. The inside of an SK payload is parsed as a plain chain too (as it is after decryption), so mutations
 * of the committed messages reach the inner payload parsers without a key.
 */
class IkeMessageFuzzTest
{
    @FuzzTest
    void datagramsParseWithinTheirBoundsOrAreRefusedClearly(final byte[] datagram)
    {
        final ByteBuffer buffer = ByteBuffer.wrap(datagram);
        final IkeHeader header = new IkeHeader();
        try
        {
            header.wrap(buffer, 0, datagram.length);
        }
        catch (final IkeParseException ex)
        {
            assertNotNull(ex.getMessage());
            assertTrue(ex.notifyType() > 0);
            return;
        }
        final PayloadChain chain = header.payloads();
        assertTrue(chain.count() <= Ike.MAX_PAYLOADS);
        for (int i = 0; i < chain.count(); i++)
        {
            assertTrue(chain.bodyOffset(i) >= Ike.HEADER_LENGTH
                && chain.bodyOffset(i) + chain.bodyLength(i) <= datagram.length, "payload inside the datagram");
        }
        decode(chain);
        if (chain.endsEncrypted())
        {
            final int last = chain.count() - 1;
            final boolean fragment = chain.type(last) == Ike.SKF;
            try
            {
                final EncryptedPayload encrypted = new EncryptedPayload().wrap(buffer, chain.bodyOffset(last),
                    chain.bodyLength(last), fragment);
                final PayloadChain inner = new PayloadChain().wrap(buffer, encrypted.contentOffset(),
                    encrypted.contentLength(), chain.encryptedFirstType());
                decode(inner);
            }
            catch (final IkeParseException ex)
            {
                assertNotNull(ex.getMessage());
            }
        }
    }

    private static void decode(final PayloadChain chain)
    {
        try
        {
            final PayloadSet payloads = PayloadSet.decode(chain);
            if (payloads.proposals() != null)
            {
                assertTrue(payloads.proposals().size() <= Ike.MAX_PROPOSALS);
                payloads.proposals().forEach(p -> assertTrue(p.transforms().size() <= Ike.MAX_TRANSFORMS));
            }
            if (payloads.nonce() != null)
            {
                assertTrue(payloads.nonce().length >= NoncePayload.MIN_LENGTH
                    && payloads.nonce().length <= NoncePayload.MAX_LENGTH);
            }
        }
        catch (final IkeParseException ex)
        {
            assertNotNull(ex.getMessage());
        }
    }
}
