package org.headend.control.ike.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class IkeCodecTest
{
    private static final byte[] NONCE = HexFormat.of().parseHex("00112233445566778899aabbccddeeff0011223344556677");

    static byte[] initRequest()
    {
        final IkeMessageWriter writer = new IkeMessageWriter(4096);
        final PayloadWriter out = writer.begin(0x1122334455667788L, 0, Ike.IKE_SA_INIT, Ike.FLAG_INITIATOR, 0);
        out.securityAssociation(List.of(
            new Proposal(1, Ike.PROTOCOL_IKE, new byte[0], List.of(
                new Transform(Ike.TRANSFORM_ENCR, Ike.ENCR_AES_GCM_16, 256),
                new Transform(Ike.TRANSFORM_PRF, Ike.PRF_HMAC_SHA2_384),
                new Transform(Ike.TRANSFORM_DH, 20))),
            new Proposal(2, Ike.PROTOCOL_IKE, new byte[0], List.of(
                new Transform(Ike.TRANSFORM_ENCR, Ike.ENCR_AES_CBC, 128),
                new Transform(Ike.TRANSFORM_PRF, Ike.PRF_HMAC_SHA2_256),
                new Transform(Ike.TRANSFORM_INTEG, Ike.AUTH_HMAC_SHA2_256_128),
                new Transform(Ike.TRANSFORM_DH, 19)))));
        out.keyExchange(20, new byte[96]);
        out.nonce(NONCE);
        out.notify(Ike.NAT_DETECTION_SOURCE_IP, new byte[20]);
        out.notify(Ike.IKEV2_FRAGMENTATION_SUPPORTED, new byte[0]);
        out.vendor("test-vendor".getBytes(StandardCharsets.US_ASCII));
        return writer.finish();
    }

    private static IkeHeader wrap(final byte[] message) throws IkeParseException
    {
        return new IkeHeader().wrap(ByteBuffer.wrap(message), 0, message.length);
    }

    @Test
    void shouldReadBackAnInitRequestItWrote() throws Exception
    {
        final IkeHeader header = wrap(initRequest());
        assertEquals(0x1122334455667788L, header.initiatorSpi());
        assertEquals(0, header.responderSpi());
        assertEquals(Ike.IKE_SA_INIT, header.exchangeType());
        assertTrue(header.fromInitiator());
        assertFalse(header.isResponse());
        assertEquals(0, header.messageId());
        final PayloadSet payloads = PayloadSet.decode(header.payloads());
        assertEquals(2, payloads.proposals().size());
        final Proposal second = payloads.proposals().get(1);
        assertEquals(2, second.number());
        assertEquals(128, second.ofType(Ike.TRANSFORM_ENCR).get(0).keyLength());
        assertEquals(Ike.AUTH_HMAC_SHA2_256_128, second.ofType(Ike.TRANSFORM_INTEG).get(0).id());
        assertEquals(256, payloads.proposals().get(0).ofType(Ike.TRANSFORM_ENCR).get(0).keyLength());
        assertEquals(20, payloads.keGroup());
        assertEquals(96, payloads.keData().length);
        assertArrayEquals(NONCE, payloads.nonce());
        assertEquals(20, payloads.notification(Ike.NAT_DETECTION_SOURCE_IP).data().length);
        assertTrue(payloads.notification(Ike.IKEV2_FRAGMENTATION_SUPPORTED) != null);
        assertNull(payloads.error());
        assertEquals("test-vendor", new String(payloads.vendorIds().get(0), StandardCharsets.US_ASCII));
    }

    @Test
    void shouldReadAuthPayloadsTrafficSelectorsConfigurationAndEap() throws Exception
    {
        final IkeMessageWriter writer = new IkeMessageWriter(4096);
        final PayloadWriter out = writer.begin(1, 2, Ike.IKE_AUTH, Ike.FLAG_INITIATOR, 1);
        out.identity(Ike.IDI, Ike.ID_RFC822_ADDR, "alice@example.test".getBytes(StandardCharsets.UTF_8));
        out.identity(Ike.IDR, Ike.ID_IPV4_ADDR, new byte[] {10, 0, 0, 1});
        out.cert(Ike.CERTREQ, Ike.CERT_X509_SIGNATURE, new byte[20]);
        out.configuration(Ike.CFG_REQUEST, List.of(new CpPayload.Attribute(Ike.INTERNAL_IP4_ADDRESS, new byte[0]),
            new CpPayload.Attribute(Ike.INTERNAL_IP4_DNS, new byte[0])));
        out.trafficSelectors(Ike.TSI, List.of(TrafficSelector.anyIpv4()));
        out.trafficSelectors(Ike.TSR, List.of(TrafficSelector.ipv4Range(new byte[] {10, 1, 0, 0},
            new byte[] {10, 1, (byte)255, (byte)255})));
        out.eap(EapPacket.build(Ike.EAP_RESPONSE, 7, Ike.EAP_TYPE_IDENTITY, "alice".getBytes()));
        out.delete(Ike.PROTOCOL_ESP, 4, new byte[] {1, 2, 3, 4}, new byte[] {5, 6, 7, 8});
        final PayloadSet payloads = PayloadSet.decode(wrap(writer.finish()).payloads());
        assertEquals("alice@example.test", payloads.idiText());
        assertEquals(Ike.ID_RFC822_ADDR, payloads.idiType());
        assertArrayEquals(new byte[] {Ike.ID_IPV4_ADDR, 0, 0, 0, 10, 0, 0, 1}, payloads.idrBody());
        assertEquals(1, payloads.certificateRequests().size());
        assertEquals(Ike.CFG_REQUEST, payloads.cfgType());
        assertEquals(Ike.INTERNAL_IP4_DNS, payloads.cfgAttributes().get(1).type());
        assertTrue(payloads.tsi().get(0).contains(new byte[] {8, 8, 8, 8}));
        assertTrue(payloads.tsr().get(0).contains(new byte[] {10, 1, 2, 3}));
        assertFalse(payloads.tsr().get(0).contains(new byte[] {10, 2, 0, 0}));
        final EapPacket eap = new EapPacket().wrap(ByteBuffer.wrap(payloads.eap()), 0, payloads.eap().length);
        assertEquals(Ike.EAP_RESPONSE, eap.code());
        assertEquals(7, eap.identifier());
        assertEquals("alice", new String(eap.typeData()));
        assertEquals(0x01020304, payloads.deletedChildSpis().get(0)[0]);
        assertEquals(0x05060708, payloads.deletedChildSpis().get(0)[1]);
    }

    @Test
    void shouldStopTheOuterChainAtTheEncryptedPayloadAndReportTheInnerType() throws Exception
    {
        final IkeMessageWriter writer = new IkeMessageWriter(256);
        final PayloadWriter out = writer.begin(1, 2, Ike.IKE_AUTH, Ike.FLAG_INITIATOR, 1);
        out.begin(Ike.SK).bytes(new byte[40]).end();
        final byte[] message = writer.finish();
        message[Ike.HEADER_LENGTH] = Ike.IDI;
        final PayloadChain chain = wrap(message).payloads();
        assertTrue(chain.endsEncrypted());
        assertEquals(Ike.IDI, chain.encryptedFirstType());
        assertEquals(40, chain.bodyLength(0));
    }

    @Test
    void shouldRefuseAMessageWhoseDeclaredLengthIsNotTheDatagrams()
    {
        final byte[] message = initRequest();
        final byte[] longer = java.util.Arrays.copyOf(message, message.length + 1);
        assertThrows(IkeParseException.class, () -> wrap(longer));
        final byte[] shorter = java.util.Arrays.copyOf(message, message.length - 1);
        assertThrows(IkeParseException.class, () -> wrap(shorter));
    }

    @Test
    void shouldRefuseIkeVersion1WithItsOwnNotify()
    {
        final byte[] message = initRequest();
        message[IkeHeader.VERSION_OFFSET] = 0x10;
        assertEquals(Ike.INVALID_MAJOR_VERSION, assertThrows(IkeParseException.class, () -> wrap(message))
            .notifyType());
    }

    @Test
    void shouldRefuseAnUnknownCriticalPayloadButSkipAnUnknownOrdinaryOne() throws Exception
    {
        final IkeMessageWriter writer = new IkeMessageWriter(256);
        writer.begin(1, 0, Ike.IKE_SA_INIT, Ike.FLAG_INITIATOR, 0).begin(200).bytes(new byte[4]).end()
            .nonce(NONCE);
        final byte[] message = writer.finish();
        assertArrayEquals(NONCE, PayloadSet.decode(wrap(message).payloads()).nonce());
        message[Ike.HEADER_LENGTH + 1] = (byte)0x80;
        assertEquals(Ike.UNSUPPORTED_CRITICAL_PAYLOAD,
            assertThrows(IkeParseException.class, () -> wrap(message)).notifyType());
    }

    @Test
    void shouldRefuseAPayloadThatRunsPastTheMessage()
    {
        final byte[] message = initRequest();
        message[Ike.HEADER_LENGTH + 2] = (byte)0xff;
        assertThrows(IkeParseException.class, () -> wrap(message));
    }

    @Test
    void shouldRefuseAnEncryptedPayloadThatIsNotLast()
    {
        final IkeMessageWriter writer = new IkeMessageWriter(256);
        writer.begin(1, 2, Ike.IKE_AUTH, 0, 1).begin(Ike.SK).bytes(new byte[20]).end().nonce(NONCE);
        final byte[] message = writer.finish();
        assertThrows(IkeParseException.class, () -> wrap(message));
    }

    @Test
    void shouldRefuseTwoNoncesAndShortNonces() throws Exception
    {
        final IkeMessageWriter twice = new IkeMessageWriter(256);
        twice.begin(1, 0, Ike.IKE_SA_INIT, 0, 0).nonce(NONCE).nonce(NONCE);
        final byte[] two = twice.finish();
        assertThrows(IkeParseException.class, () -> PayloadSet.decode(wrap(two).payloads()));
        final IkeMessageWriter shortOne = new IkeMessageWriter(256);
        shortOne.begin(1, 0, Ike.IKE_SA_INIT, 0, 0).nonce(new byte[15]);
        final byte[] tooShort = shortOne.finish();
        assertThrows(IkeParseException.class, () -> PayloadSet.decode(wrap(tooShort).payloads()));
    }

    @Test
    void shouldRefuseAProposalWhoseTransformCountDisagreesWithItsLength() throws Exception
    {
        final byte[] message = initRequest();
        final IkeHeader header = wrap(message);
        final int saBody = header.payloads().bodyOffset(header.payloads().find(Ike.SA));
        message[saBody + 7]++;
        assertThrows(IkeParseException.class, () -> PayloadSet.decode(wrap(message).payloads()));
    }

    @Test
    void shouldRefuseMoreThanTheLimitOfPayloads()
    {
        final IkeMessageWriter writer = new IkeMessageWriter(8192);
        final PayloadWriter out = writer.begin(1, 0, Ike.IKE_SA_INIT, 0, 0);
        for (int i = 0; i <= Ike.MAX_PAYLOADS; i++)
        {
            out.vendor(new byte[] {(byte)i});
        }
        final byte[] message = writer.finish();
        assertThrows(IkeParseException.class, () -> wrap(message));
    }

    @Test
    void shouldRefuseAnEapPacketWhoseLengthDisagreesWithItsPayload()
    {
        final byte[] eap = EapPacket.build(Ike.EAP_RESPONSE, 1, Ike.EAP_TYPE_IDENTITY, "bob".getBytes());
        eap[3]++;
        assertThrows(IkeParseException.class, () -> new EapPacket().wrap(ByteBuffer.wrap(eap), 0, eap.length - 0));
    }

    @Test
    void shouldReadFragmentNumbersAndRefuseImpossibleOnes() throws Exception
    {
        final ByteBuffer body = ByteBuffer.wrap(new byte[] {0, 2, 0, 3, 9, 9, 9, 9});
        final EncryptedPayload fragment = new EncryptedPayload().wrap(body, 0, 8, true);
        assertEquals(2, fragment.fragmentNumber());
        assertEquals(3, fragment.totalFragments());
        assertEquals(4, fragment.contentOffset());
        final ByteBuffer beyond = ByteBuffer.wrap(new byte[] {0, 4, 0, 3});
        assertThrows(IkeParseException.class, () -> new EncryptedPayload().wrap(beyond, 0, 4, true));
    }
}
