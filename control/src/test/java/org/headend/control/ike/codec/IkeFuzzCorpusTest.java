package org.headend.control.ike.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * The committed seeds of {@link IkeMessageFuzzTest} are well-formed messages of each exchange, so that mutations
 * start deep in the payload parsers rather than at the header check; the SK and SKF seeds carry a plain inner chain
 * that the fuzz target walks as it would after decryption.
 */
class IkeFuzzCorpusTest
{
    private static final String DIR = "IkeMessageFuzzTestInputs/datagramsParseWithinTheirBoundsOrAreRefusedClearly/";

    private static IkeHeader seed(final String name) throws IOException, IkeParseException
    {
        try (InputStream in = IkeFuzzCorpusTest.class.getResourceAsStream(DIR + name))
        {
            final byte[] datagram = in.readAllBytes();
            return new IkeHeader().wrap(ByteBuffer.wrap(datagram), 0, datagram.length);
        }
    }

    @Test
    void shouldHoldAWellFormedMessageOfEachExchange() throws Exception
    {
        assertEquals(Ike.IKE_SA_INIT, seed("ike-sa-init-request").exchangeType());
        assertNotNull(PayloadSet.decode(seed("ike-sa-init-request").payloads()).keData());
        assertNotNull(PayloadSet.decode(seed("ike-auth-plain-payloads").payloads()).eap());
        assertTrue(PayloadSet.decode(seed("informational-delete").payloads()).deletesIkeSa());
        assertNotNull(PayloadSet.decode(seed("create-child-sa-rekey").payloads()).notification(Ike.REKEY_SA));
    }

    @Test
    void shouldHoldEncryptedSeedsWhoseContentIsAPlainChain() throws Exception
    {
        for (final String name : new String[] {"ike-auth-sk-chain", "ike-auth-skf-fragment"})
        {
            final IkeHeader header = seed(name);
            final PayloadChain outer = header.payloads();
            final int last = outer.count() - 1;
            final EncryptedPayload encrypted = new EncryptedPayload().wrap(header.buffer(), outer.bodyOffset(last),
                outer.bodyLength(last), outer.type(last) == Ike.SKF);
            final PayloadChain inner = new PayloadChain().wrap(header.buffer(), encrypted.contentOffset(),
                encrypted.contentLength(), outer.encryptedFirstType());
            assertEquals("alice@example.test", PayloadSet.decode(inner).idiText(), name);
        }
    }
}
