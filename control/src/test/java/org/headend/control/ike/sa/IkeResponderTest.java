package org.headend.control.ike.sa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.headend.control.auth.radius.MsChapV2;
import org.headend.control.ike.codec.CpPayload;
import org.headend.control.ike.codec.EapPacket;
import org.headend.control.ike.codec.Ike;
import org.headend.control.ike.codec.PayloadSet;
import org.headend.control.ike.codec.PayloadWriter;
import org.headend.control.ike.codec.Proposal;
import org.headend.control.ike.codec.TrafficSelector;
import org.headend.control.ike.codec.Transform;
import org.headend.control.ike.crypto.AuthPayloads;
import org.headend.control.ike.crypto.DhGroup;
import org.headend.control.ike.crypto.IkeKeys;
import org.headend.control.ike.crypto.IkeSuite;
import org.headend.control.ike.crypto.KeySchedule;
import org.headend.control.ike.crypto.PrfAlgorithm;
import org.headend.control.ike.eap.EapResult;
import org.headend.control.ike.eap.MsChapV2Keys;
import org.junit.jupiter.api.Test;

class IkeResponderTest
{
    private static final IkeSuite GCM_384 = new IkeSuite(Ike.ENCR_AES_GCM_16, 256, 0, PrfAlgorithm.HMAC_SHA2_384,
        DhGroup.ECP_384);
    private static final IkeSuite CBC_X25519 = new IkeSuite(Ike.ENCR_AES_CBC, 256, Ike.AUTH_HMAC_SHA2_256_128,
        PrfAlgorithm.HMAC_SHA2_256, DhGroup.CURVE25519);
    private static final byte[] SERVER_PSK = "server-psk".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLIENT_PSK = "client-psk".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SERVER_ID = "vpn.example.test".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] POOL_ADDRESS = {(byte)192, (byte)168, 100, 10};
    private static final byte[] DNS = {(byte)192, (byte)168, 100, 1};
    private static final long SECOND = 1_000_000_000L;

    /** The appliance side: local users with NT hashes, one pool address, SPIs counted up. */
    private static final class FakeHost implements IkeHost
    {
        final Map<String, byte[]> hashes = new HashMap<>(Map.of("alice", MsChapV2.ntPasswordHash("s3cret")));
        final List<IkeSa> admitted = new ArrayList<>();
        final List<IkeSa> released = new ArrayList<>();
        List<TrafficSelector> networks = List.of(TrafficSelector.ipv4Range(new byte[] {10, 0, 0, 0},
            new byte[] {10, (byte)255, (byte)255, (byte)255}));
        List<byte[]> subnets = List.of();
        int nextSpi = 0x1000;
        boolean relays;

        @Override
        public byte[] ntPasswordHash(final String username)
        {
            return hashes.get(username);
        }

        @Override
        public boolean relaysEap(final IkeSa sa)
        {
            return relays;
        }

        @Override
        public ClientConfig admit(final IkeSa sa, final String username)
        {
            admitted.add(sa);
            return "mallory".equals(username) ? null
                : new ClientConfig(POOL_ADDRESS, List.of(DNS), "example.test", networks, subnets);
        }

        @Override
        public void release(final IkeSa sa)
        {
            released.add(sa);
        }

        @Override
        public int reserveSpi()
        {
            return nextSpi++;
        }

        @Override
        public void releaseSpi(final int spi)
        {
        }
    }

    private final FakeHost host = new FakeHost();
    private long now = 1_000 * SECOND;

    private static ResponderPolicy policy(final int cookieThreshold, final KeyPair serverKey, final byte[] clientPsk)
    {
        return new ResponderPolicy(List.of(GCM_384, CBC_X25519), List.of(256, 128), Ike.ID_FQDN, SERVER_ID,
            serverKey == null ? null : serverKey.getPrivate(), List.of(), serverKey == null ? SERVER_PSK : null,
            clientPsk, cookieThreshold, 100, 0, 30, false);
    }

    private IkeResponder responder(final ResponderPolicy policy)
    {
        return new IkeResponder(policy, host, new SecureRandom(), now);
    }

    private static byte[] only(final List<IkeAction> actions)
    {
        final List<byte[]> sent = sent(actions);
        assertEquals(1, sent.size(), "one datagram: " + actions);
        return sent.get(0);
    }

    private static List<byte[]> sent(final List<IkeAction> actions)
    {
        return actions.stream().filter(a -> a instanceof IkeAction.Send).map(a -> ((IkeAction.Send)a).message())
            .toList();
    }

    private static <T extends IkeAction> T action(final List<IkeAction> actions, final Class<T> type)
    {
        return actions.stream().filter(type::isInstance).map(type::cast).findFirst().orElse(null);
    }

    private List<IkeAction> send(final IkeResponder responder, final byte[] message)
    {
        return responder.onDatagram(message, TestInitiator.CLIENT, TestInitiator.SERVER, now);
    }

    private TestInitiator initiated(final IkeResponder responder, final IkeSuite suite) throws Exception
    {
        final TestInitiator client = new TestInitiator();
        client.onInitResponse(only(send(responder, client.init(suite, suite.group(), null, TestInitiator.CLIENT))));
        return client;
    }

    private static PayloadWriter firstAuth(final TestInitiator client, final byte[] idi, final boolean withAuth)
    {
        final PayloadWriter inner = TestInitiator.inner();
        final int idStart = inner.position();
        inner.identity(Ike.IDI, Ike.ID_RFC822_ADDR, idi);
        final byte[] idBody = Arrays.copyOfRange(inner.array(), idStart + 4, inner.position());
        if (withAuth)
        {
            final byte[] octets = AuthPayloads.signedOctets(client.suite.prf(), client.initRequest, client.nr,
                client.keys.skPi(), idBody);
            inner.auth(Ike.AUTH_SHARED_KEY, AuthPayloads.sharedKeyAuth(client.suite.prf(), CLIENT_PSK, octets));
        }
        inner.configuration(Ike.CFG_REQUEST, List.of(new CpPayload.Attribute(Ike.INTERNAL_IP4_ADDRESS, new byte[0]),
            new CpPayload.Attribute(Ike.INTERNAL_IP4_DNS, new byte[0])));
        inner.securityAssociation(List.of(new Proposal(1, Ike.PROTOCOL_ESP, new byte[] {(byte)0xca, (byte)0xfe, 0, 1},
            List.of(new Transform(Ike.TRANSFORM_ENCR, Ike.ENCR_AES_GCM_16, 256),
                new Transform(Ike.TRANSFORM_DH, 20), new Transform(Ike.TRANSFORM_ESN, Ike.ESN_NONE)))));
        inner.trafficSelectors(Ike.TSI, List.of(TrafficSelector.anyIpv4()));
        inner.trafficSelectors(Ike.TSR, List.of(TrafficSelector.ipv4Range(new byte[] {10, 1, 0, 0},
            new byte[] {10, 1, 0, (byte)255}), TrafficSelector.ipv4Range(new byte[] {(byte)172, 16, 0, 0},
            new byte[] {(byte)172, 16, 0, (byte)255})));
        return inner;
    }

    /** Our expectation of the responder's AUTH over RealMessage2 | Ni | prf(SK_pr, IDr'). */
    private static byte[] serverOctets(final TestInitiator client, final PayloadSet answer)
    {
        return AuthPayloads.signedOctets(client.suite.prf(), client.initResponse, client.ni, client.keys.skPr(),
            answer.idrBody());
    }

    private byte[] eapRound(final IkeResponder responder, final TestInitiator client, final byte[] eap)
        throws Exception
    {
        final PayloadWriter inner = TestInitiator.inner().eap(eap);
        final long id = client.nextId;
        final byte[] answer = only(send(responder, client.request(Ike.IKE_AUTH, inner)));
        TestInitiator.assertResponse(answer, id);
        final PayloadSet payloads = client.open(answer);
        assertNotNull(payloads.eap(), "an EAP payload in round " + id);
        return payloads.eap();
    }

    private static EapPacket eap(final byte[] bytes) throws Exception
    {
        return new EapPacket().wrap(ByteBuffer.wrap(bytes), 0, bytes.length);
    }

    /** The whole EAP-MSCHAPv2 login as strongSwan does it; returns the final IKE_AUTH response's actions. */
    private List<IkeAction> eapLogin(final IkeResponder responder, final TestInitiator client, final String password,
        final byte[][] mskOut) throws Exception
    {
        final byte[] first = only(send(responder, client.request(Ike.IKE_AUTH,
            firstAuth(client, "alice@example.test".getBytes(StandardCharsets.UTF_8), false))));
        final PayloadSet answer1 = client.open(first);
        assertArrayEquals(new byte[] {Ike.ID_FQDN, 0, 0, 0, 'v', 'p', 'n', '.', 'e', 'x', 'a', 'm', 'p', 'l', 'e',
            '.', 't', 'e', 's', 't'}, answer1.idrBody());
        assertTrue(AuthPayloads.verifySharedKey(client.suite.prf(), SERVER_PSK, serverOctets(client, answer1),
            answer1.authData()), "the responder proves it holds the server PSK");
        final EapPacket identityRequest = eap(answer1.eap());
        assertEquals(Ike.EAP_REQUEST, identityRequest.code());
        assertEquals(Ike.EAP_TYPE_IDENTITY, identityRequest.type());

        final byte[] challengeBytes = eapRound(responder, client, EapPacket.build(Ike.EAP_RESPONSE,
            identityRequest.identifier(), Ike.EAP_TYPE_IDENTITY, "alice".getBytes(StandardCharsets.UTF_8)));
        final EapPacket challenge = eap(challengeBytes);
        assertEquals(Ike.EAP_TYPE_MSCHAPV2, challenge.type());
        final byte[] data = challenge.typeData();
        assertEquals(1, data[0], "MS-CHAPv2 Challenge");
        assertEquals(16, data[4]);
        final byte[] authChallenge = Arrays.copyOfRange(data, 5, 21);
        final byte[] peerChallenge = new byte[16];
        new SecureRandom().nextBytes(peerChallenge);
        final byte[] ntResponse = MsChapV2.ntResponse(authChallenge, peerChallenge, "alice", password);
        final byte[] name = "alice".getBytes(StandardCharsets.UTF_8);
        final byte[] response = new byte[4 + 1 + 49 + name.length];
        response[0] = 2;
        response[1] = data[1];
        response[3] = (byte)response.length;
        response[4] = 49;
        System.arraycopy(peerChallenge, 0, response, 5, 16);
        System.arraycopy(ntResponse, 0, response, 29, 24);
        System.arraycopy(name, 0, response, 54, name.length);
        final byte[] successBytes = eapRound(responder, client, EapPacket.build(Ike.EAP_RESPONSE,
            challenge.identifier(), Ike.EAP_TYPE_MSCHAPV2, response));
        final EapPacket success = eap(successBytes);
        if (success.code() == Ike.EAP_FAILURE)
        {
            return null;
        }
        final String message = new String(success.typeData(), StandardCharsets.US_ASCII);
        assertEquals(3, success.typeData()[0], "MS-CHAPv2 Success");
        assertTrue(message.contains(MsChapV2.authenticatorResponse(password, ntResponse, peerChallenge,
            authChallenge, "alice")), "the authenticator response proves the server knows the password hash");
        final byte[] eapSuccess = eapRound(responder, client, EapPacket.build(Ike.EAP_RESPONSE,
            success.identifier(), Ike.EAP_TYPE_MSCHAPV2, new byte[] {3}));
        assertEquals(Ike.EAP_SUCCESS, eap(eapSuccess).code());

        final byte[] msk = MsChapV2Keys.msk(MsChapV2.ntPasswordHash(password), ntResponse);
        mskOut[0] = msk;
        final PayloadWriter idi = TestInitiator.inner().identity(Ike.IDI, Ike.ID_RFC822_ADDR,
            "alice@example.test".getBytes(StandardCharsets.UTF_8));
        final byte[] idBody = Arrays.copyOfRange(idi.array(), 4, idi.position());
        final byte[] octets = AuthPayloads.signedOctets(client.suite.prf(), client.initRequest, client.nr,
            client.keys.skPi(), idBody);
        final PayloadWriter last = TestInitiator.inner().auth(Ike.AUTH_SHARED_KEY,
            AuthPayloads.sharedKeyAuth(client.suite.prf(), msk, octets));
        return send(responder, client.request(Ike.IKE_AUTH, last));
    }

    @Test
    void shouldLogAliceInWithEapMsChapV2AndGiveHerAnAddressDnsAndACHildSa() throws Exception
    {
        final IkeResponder responder = responder(policy(100, null, null));
        final TestInitiator client = initiated(responder, GCM_384);
        final byte[][] msk = new byte[1][];
        final List<IkeAction> actions = eapLogin(responder, client, "s3cret", msk);
        final PayloadSet done = client.open(only(actions));
        final byte[] idrBody = TestInitiator.plain(client.initResponse).idrBody();
        assertNull(idrBody);
        final PayloadWriter idr = TestInitiator.inner().identity(Ike.IDR, Ike.ID_FQDN, SERVER_ID);
        final byte[] octets = AuthPayloads.signedOctets(client.suite.prf(), client.initResponse, client.ni,
            client.keys.skPr(), Arrays.copyOfRange(idr.array(), 4, idr.position()));
        assertTrue(AuthPayloads.verifySharedKey(client.suite.prf(), msk[0], octets, done.authData()),
            "the final AUTH is keyed with the EAP-MSCHAPv2 MSK");
        assertEquals(Ike.CFG_REPLY, done.cfgType());
        assertArrayEquals(POOL_ADDRESS, done.cfgAttributes().get(0).value());
        assertEquals(Ike.INTERNAL_IP4_DNS, done.cfgAttributes().get(1).type());
        assertArrayEquals(DNS, done.cfgAttributes().get(1).value());
        assertTrue(done.tsi().get(0).contains(POOL_ADDRESS) && done.tsi().size() == 1);
        assertEquals(1, done.tsr().size(), "only the requested range the policy allows");
        assertEquals("10.1.0.0-10.1.0.255 proto 0 ports 0-65535", done.tsr().get(0).toString());
        final Proposal esp = done.proposals().get(0);
        assertEquals(Ike.PROTOCOL_ESP, esp.protocol());
        assertTrue(esp.ofType(Ike.TRANSFORM_DH).isEmpty(), "no DH in the first CHILD_SA");

        final IkeAction.ChildUp up = action(actions, IkeAction.ChildUp.class);
        assertNotNull(up);
        assertEquals("alice", up.sa().username());
        assertEquals(ByteBuffer.wrap(esp.spi()).getInt(), up.child().inboundSpi());
        assertEquals(0xcafe0001, up.child().outboundSpi());
        final byte[] keymat = KeySchedule.childKeymat(client.suite.prf(), client.keys.skD(), null, client.ni,
            client.nr, 72);
        assertArrayEquals(Arrays.copyOfRange(keymat, 0, 36), up.child().keymatIn());
        assertArrayEquals(Arrays.copyOfRange(keymat, 36, 72), up.child().keymatOut());
        assertEquals(IkeSa.State.ESTABLISHED, responder.sa(client.spiR).state());
        assertFalse(responder.sa(client.spiR).natDetected());
    }

    @Test
    void shouldAnnounceASplitTunnelAsInternalIp4SubnetAndNarrowTsrToIt() throws Exception
    {
        host.networks = List.of(TrafficSelector.ipv4Range(new byte[] {10, 1, 0, 0}, new byte[] {10, 1, 0, 127}));
        final byte[] subnet = {10, 1, 0, 0, (byte)255, (byte)255, (byte)255, (byte)128};
        host.subnets = List.of(subnet);
        final IkeResponder responder = responder(policy(100, null, null));
        final TestInitiator client = initiated(responder, GCM_384);
        final PayloadSet done = client.open(only(eapLogin(responder, client, "s3cret", new byte[1][])));
        final List<CpPayload.Attribute> split = done.cfgAttributes().stream()
            .filter(a -> a.type() == Ike.INTERNAL_IP4_SUBNET).toList();
        assertEquals(1, split.size(), "one attribute per split network");
        assertArrayEquals(subnet, split.get(0).value());
        assertEquals(List.of("10.1.0.0-10.1.0.127 proto 0 ports 0-65535"),
            done.tsr().stream().map(Object::toString).toList(), "the client's /24 narrowed to the split network");
    }

    @Test
    void shouldRefuseAWrongPasswordWithEapFailureAndForgetTheSa() throws Exception
    {
        final IkeResponder responder = responder(policy(100, null, null));
        final TestInitiator client = initiated(responder, GCM_384);
        assertNull(eapLogin(responder, client, "wrong", new byte[1][]));
        assertNull(responder.sa(client.spiR));
        assertTrue(host.admitted.isEmpty());
    }

    /** The first IKE_AUTH and the identity round of a relayed login; returns the relayed EAP-Identity response. */
    private byte[] relayedIdentity(final IkeResponder responder, final TestInitiator client) throws Exception
    {
        host.relays = true;
        final PayloadSet first = client.open(only(send(responder, client.request(Ike.IKE_AUTH,
            firstAuth(client, "alice@example.test".getBytes(StandardCharsets.UTF_8), false)))));
        final EapPacket identityRequest = eap(first.eap());
        assertEquals(Ike.EAP_TYPE_IDENTITY, identityRequest.type(), "we ask the identity ourselves");
        final byte[] identity = EapPacket.build(Ike.EAP_RESPONSE, identityRequest.identifier(),
            Ike.EAP_TYPE_IDENTITY, "alice".getBytes(StandardCharsets.UTF_8));
        final List<IkeAction> actions = send(responder, client.request(Ike.IKE_AUTH,
            TestInitiator.inner().eap(identity)));
        assertArrayEquals(identity, action(actions, IkeAction.RelayEap.class).eap());
        assertTrue(sent(actions).isEmpty(), "nothing is sent before the server decides");
        return identity;
    }

    @Test
    void shouldRelayEapToTheServerAndAnswerEachRoundOnlyOnceItHasDecided() throws Exception
    {
        final IkeResponder responder = responder(policy(100, null, null));
        final TestInitiator client = initiated(responder, GCM_384);
        relayedIdentity(responder, client);
        final long id = client.nextId - 1;
        final byte[] serverRequest = EapPacket.build(Ike.EAP_REQUEST, 42, Ike.EAP_TYPE_MSCHAPV2, new byte[] {1, 2});
        final byte[] challenge = only(responder.onEapResult(client.spiR, new EapResult.Continue(serverRequest)));
        TestInitiator.assertResponse(challenge, id);
        assertArrayEquals(serverRequest, client.open(challenge).eap(), "the server's request passed on as is");
        assertTrue(responder.onEapResult(client.spiR, new EapResult.Continue(serverRequest)).isEmpty(),
            "a second answer to the same round is ignored");

        final byte[] ack = client.request(Ike.IKE_AUTH, TestInitiator.inner().eap(EapPacket.build(Ike.EAP_RESPONSE,
            42, Ike.EAP_TYPE_MSCHAPV2, new byte[] {3})));
        assertNotNull(action(send(responder, ack), IkeAction.RelayEap.class));
        assertTrue(send(responder, ack).isEmpty(), "a retransmission while the server decides waits, unrelayed");
        final byte[] msk = new byte[32];
        Arrays.fill(msk, (byte)0x5a);
        final byte[] success = only(responder.onEapResult(client.spiR, new EapResult.Succeeded(
            EapPacket.result(Ike.EAP_SUCCESS, 42), "alice", msk)));
        assertEquals(Ike.EAP_SUCCESS, eap(client.open(success).eap()).code());
        assertArrayEquals(success, only(send(responder, ack)), "once answered, a retransmission gets the same bytes");

        final List<IkeAction> actions = send(responder, client.request(Ike.IKE_AUTH, clientAuth(client, msk)));
        final PayloadSet done = client.open(only(actions));
        final PayloadWriter idr = TestInitiator.inner().identity(Ike.IDR, Ike.ID_FQDN, SERVER_ID);
        assertTrue(AuthPayloads.verifySharedKey(client.suite.prf(), msk, AuthPayloads.signedOctets(client.suite.prf(),
            client.initResponse, client.ni, client.keys.skPr(), Arrays.copyOfRange(idr.array(), 4, idr.position())),
            done.authData()), "our AUTH is keyed with the MSK the server sent");
        assertEquals("alice", action(actions, IkeAction.ChildUp.class).sa().username());
    }

    @Test
    void shouldSendEapFailureAndAuthenticationFailedWhenTheServerRejects() throws Exception
    {
        final IkeResponder responder = responder(policy(100, null, null));
        final TestInitiator client = initiated(responder, GCM_384);
        relayedIdentity(responder, client);
        final List<IkeAction> actions = responder.onEapResult(client.spiR, new EapResult.Failed(
            EapPacket.result(Ike.EAP_FAILURE, 7), "alice", "rejected"));
        final PayloadSet refused = client.open(only(actions));
        assertEquals(Ike.EAP_FAILURE, eap(refused.eap()).code());
        assertNotNull(refused.notification(Ike.AUTHENTICATION_FAILED));
        assertNotNull(action(actions, IkeAction.Closed.class));
        assertNull(responder.sa(client.spiR));
        assertTrue(host.admitted.isEmpty());
        assertTrue(responder.onEapResult(client.spiR, new EapResult.Continue(new byte[] {1, 1, 0, 5, 1})).isEmpty(),
            "an answer for an SA that is gone changes nothing");
    }

    @Test
    void shouldCheckAnEapGtcPasswordOffTheExchangeAndKeyAuthWithSkPiWithoutAnMsk() throws Exception
    {
        final IkeResponder responder = responder(policy(100, null, null));
        final TestInitiator client = initiated(responder, GCM_384);
        final PayloadSet first = client.open(only(send(responder, client.request(Ike.IKE_AUTH,
            firstAuth(client, "alice@example.test".getBytes(StandardCharsets.UTF_8), false)))));
        final EapPacket challenge = eap(eapRound(responder, client, EapPacket.build(Ike.EAP_RESPONSE,
            eap(first.eap()).identifier(), Ike.EAP_TYPE_IDENTITY, "bob".getBytes(StandardCharsets.UTF_8))));
        final EapPacket gtc = eap(eapRound(responder, client, EapPacket.build(Ike.EAP_RESPONSE,
            challenge.identifier(), Ike.EAP_TYPE_NAK, new byte[] {Ike.EAP_TYPE_GTC})));
        assertEquals(Ike.EAP_TYPE_GTC, gtc.type());
        final long id = client.nextId;
        final byte[] password = client.request(Ike.IKE_AUTH, TestInitiator.inner().eap(EapPacket.build(
            Ike.EAP_RESPONSE, gtc.identifier(), Ike.EAP_TYPE_GTC, "bobpw".getBytes(StandardCharsets.UTF_8))));
        final List<IkeAction> checking = send(responder, password);
        final IkeAction.CheckPassword check = action(checking, IkeAction.CheckPassword.class);
        assertEquals("bob", check.username());
        assertEquals("bobpw", check.password());
        assertTrue(sent(checking).isEmpty(), "the answer waits for the verdict");
        assertTrue(send(responder, password).isEmpty(), "a retransmission meanwhile is not checked twice");
        final byte[] success = only(responder.onPasswordChecked(client.spiR, true));
        TestInitiator.assertResponse(success, id);
        assertEquals(Ike.EAP_SUCCESS, eap(client.open(success).eap()).code());

        final List<IkeAction> actions = send(responder, client.request(Ike.IKE_AUTH,
            clientAuth(client, client.keys.skPi())));
        final PayloadSet done = client.open(only(actions));
        final PayloadWriter idr = TestInitiator.inner().identity(Ike.IDR, Ike.ID_FQDN, SERVER_ID);
        assertTrue(AuthPayloads.verifySharedKey(client.suite.prf(), client.keys.skPr(), AuthPayloads.signedOctets(
            client.suite.prf(), client.initResponse, client.ni, client.keys.skPr(), Arrays.copyOfRange(idr.array(),
            4, idr.position())), done.authData()), "no MSK: our AUTH is keyed with SK_pr (RFC 7296 §2.16)");
        assertEquals("bob", action(actions, IkeAction.ChildUp.class).sa().username());
    }

    @Test
    void shouldRefuseAWrongEapGtcPassword() throws Exception
    {
        final IkeResponder responder = responder(policy(100, null, null));
        final TestInitiator client = initiated(responder, GCM_384);
        final PayloadSet first = client.open(only(send(responder, client.request(Ike.IKE_AUTH,
            firstAuth(client, "alice@example.test".getBytes(StandardCharsets.UTF_8), false)))));
        final EapPacket challenge = eap(eapRound(responder, client, EapPacket.build(Ike.EAP_RESPONSE,
            eap(first.eap()).identifier(), Ike.EAP_TYPE_IDENTITY, "bob".getBytes(StandardCharsets.UTF_8))));
        final EapPacket gtc = eap(eapRound(responder, client, EapPacket.build(Ike.EAP_RESPONSE,
            challenge.identifier(), Ike.EAP_TYPE_NAK, new byte[] {Ike.EAP_TYPE_GTC})));
        assertNotNull(action(send(responder, client.request(Ike.IKE_AUTH, TestInitiator.inner().eap(EapPacket.build(
            Ike.EAP_RESPONSE, gtc.identifier(), Ike.EAP_TYPE_GTC, "guess".getBytes(StandardCharsets.UTF_8))))),
            IkeAction.CheckPassword.class));
        final PayloadSet refused = client.open(only(responder.onPasswordChecked(client.spiR, false)));
        assertEquals(Ike.EAP_FAILURE, eap(refused.eap()).code());
        assertNotNull(refused.notification(Ike.AUTHENTICATION_FAILED));
        assertNull(responder.sa(client.spiR));
    }

    /** The client's AUTH after EAP, keyed with {@code msk}. */
    private static PayloadWriter clientAuth(final TestInitiator client, final byte[] msk)
    {
        final PayloadWriter idi = TestInitiator.inner().identity(Ike.IDI, Ike.ID_RFC822_ADDR,
            "alice@example.test".getBytes(StandardCharsets.UTF_8));
        final byte[] octets = AuthPayloads.signedOctets(client.suite.prf(), client.initRequest, client.nr,
            client.keys.skPi(), Arrays.copyOfRange(idi.array(), 4, idi.position()));
        return TestInitiator.inner().auth(Ike.AUTH_SHARED_KEY, AuthPayloads.sharedKeyAuth(client.suite.prf(), msk,
            octets));
    }

    @Test
    void shouldResendTheCachedAnswerToARetransmittedRequestAndActOnlyOnce() throws Exception
    {
        final IkeResponder responder = responder(policy(100, null, null));
        final TestInitiator client = new TestInitiator();
        final byte[] init = client.init(GCM_384, DhGroup.ECP_384, null, TestInitiator.CLIENT);
        final byte[] answer = only(send(responder, init));
        assertArrayEquals(answer, only(send(responder, init)));
        assertEquals(1, responder.sas().size());
        client.onInitResponse(answer);
        final byte[] auth = client.request(Ike.IKE_AUTH, firstAuth(client, "a@b".getBytes(), false));
        final byte[] first = only(send(responder, auth));
        assertArrayEquals(first, only(send(responder, auth)));
    }

    @Test
    void shouldAskForItsOwnGroupWhenTheKeIsInAnotherAndThenAccept() throws Exception
    {
        final IkeResponder responder = responder(policy(100, null, null));
        final TestInitiator client = new TestInitiator();
        final PayloadSet refusal = TestInitiator.plain(only(send(responder,
            client.init(GCM_384, DhGroup.ECP_256, null, TestInitiator.CLIENT))));
        assertArrayEquals(new byte[] {0, 20}, refusal.notification(Ike.INVALID_KE_PAYLOAD).data());
        assertTrue(responder.sas().isEmpty(), "no state for a refused request");
        final TestInitiator retry = initiated(responder, GCM_384);
        assertEquals(DhGroup.ECP_384, retry.suite.group());
    }

    @Test
    void shouldAnswerNoProposalChosenToAnUnacceptableSuite() throws Exception
    {
        final IkeResponder responder = responder(policy(100, null, null));
        final IkeSuite weak = new IkeSuite(Ike.ENCR_AES_CBC, 128, Ike.AUTH_HMAC_SHA2_256_128,
            PrfAlgorithm.HMAC_SHA2_256, DhGroup.MODP_2048);
        final PayloadSet refusal = TestInitiator.plain(only(send(responder,
            new TestInitiator().init(weak, DhGroup.MODP_2048, null, TestInitiator.CLIENT))));
        assertNotNull(refusal.notification(Ike.NO_PROPOSAL_CHOSEN));
    }

    @Test
    void shouldChallengeWithAStatelessCookieAndAcceptItsEcho() throws Exception
    {
        final IkeResponder responder = responder(policy(0, null, null));
        final TestInitiator client = new TestInitiator();
        final PayloadSet challenge = TestInitiator.plain(only(send(responder,
            client.init(GCM_384, DhGroup.ECP_384, null, TestInitiator.CLIENT))));
        final byte[] cookie = challenge.notification(Ike.COOKIE).data();
        assertTrue(responder.sas().isEmpty(), "no state before the cookie comes back");
        final byte[] forged = cookie.clone();
        forged[10] ^= 1;
        assertNotNull(TestInitiator.plain(only(send(responder, client.init(GCM_384, DhGroup.ECP_384, forged,
            TestInitiator.CLIENT)))).notification(Ike.COOKIE));
        client.onInitResponse(only(send(responder, client.init(GCM_384, DhGroup.ECP_384, cookie,
            TestInitiator.CLIENT))));
        assertEquals(1, responder.sas().size());
    }

    @Test
    void shouldDetectANatWhenTheClientsSourceHashDoesNotMatch() throws Exception
    {
        final IkeResponder responder = responder(policy(100, null, null));
        final TestInitiator client = new TestInitiator();
        client.onInitResponse(only(send(responder, client.init(GCM_384, DhGroup.ECP_384, null,
            new java.net.InetSocketAddress("10.9.9.9", 500)))));
        assertTrue(responder.sa(client.spiR).natDetected());
        final PayloadSet answer = TestInitiator.plain(client.initResponse);
        assertArrayEquals(NatDetection.hash(client.spiI, client.spiR, TestInitiator.CLIENT),
            answer.notification(Ike.NAT_DETECTION_DESTINATION_IP).data());
    }

    @Test
    void shouldClaimANatWhenForcedSoThatTheClientEncapsulates() throws Exception
    {
        final ResponderPolicy base = policy(100, null, null);
        final IkeResponder responder = responder(new ResponderPolicy(base.ikeSuites(), base.espKeyBits(),
            base.identityType(), base.identity(), null, List.of(), SERVER_PSK, null, 100, 100, 0, 30, true));
        final TestInitiator client = initiated(responder, GCM_384);
        assertTrue(responder.sa(client.spiR).natDetected());
        final byte[] source = TestInitiator.plain(client.initResponse).notification(Ike.NAT_DETECTION_SOURCE_IP)
            .data();
        assertFalse(Arrays.equals(NatDetection.hash(client.spiI, client.spiR, TestInitiator.SERVER), source),
            "the client must not find our real address in the hash");
    }

    @Test
    void shouldAcceptAPreSharedKeyClientAndSignWithTheTrustpointKey() throws Exception
    {
        final KeyPair serverKey = DhGroup.ECP_256.generate();
        final IkeResponder responder = responder(policy(100, serverKey, CLIENT_PSK));
        final TestInitiator client = initiated(responder, CBC_X25519);
        final List<IkeAction> actions = send(responder, client.request(Ike.IKE_AUTH,
            firstAuth(client, "branch@example.test".getBytes(StandardCharsets.UTF_8), true)));
        final PayloadSet answer = client.open(only(actions));
        assertEquals(Ike.AUTH_DIGITAL_SIGNATURE, answer.authMethod());
        final byte[] data = answer.authData();
        final Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(serverKey.getPublic());
        verifier.update(serverOctets(client, answer));
        assertTrue(verifier.verify(Arrays.copyOfRange(data, 1 + data[0], data.length)));
        assertEquals("branch@example.test", action(actions, IkeAction.ChildUp.class).sa().username());
    }

    @Test
    void shouldRefuseAWrongPreSharedKeyAndAUserTheHostDoesNotAdmit() throws Exception
    {
        final IkeResponder responder = responder(policy(100, null, "other".getBytes()));
        final TestInitiator client = initiated(responder, GCM_384);
        final List<IkeAction> actions = send(responder, client.request(Ike.IKE_AUTH,
            firstAuth(client, "x@y".getBytes(), true)));
        assertNotNull(client.open(only(actions)).notification(Ike.AUTHENTICATION_FAILED));
        assertNotNull(action(actions, IkeAction.Closed.class));

        final IkeResponder admitting = responder(policy(100, null, CLIENT_PSK));
        final TestInitiator mallory = initiated(admitting, GCM_384);
        final List<IkeAction> refused = send(admitting, mallory.request(Ike.IKE_AUTH,
            firstAuthAs(mallory, "mallory")));
        assertNotNull(mallory.open(only(refused)).notification(Ike.AUTHENTICATION_FAILED));
        assertNull(action(refused, IkeAction.ChildUp.class));
    }

    private static PayloadWriter firstAuthAs(final TestInitiator client, final String id)
    {
        return firstAuth(client, id.getBytes(StandardCharsets.UTF_8), true);
    }

    @Test
    void shouldRefuseATunnelToNetworksThePolicyDoesNotAllow() throws Exception
    {
        host.networks = List.of(TrafficSelector.ipv4Range(new byte[] {(byte)192, 0, 2, 0},
            new byte[] {(byte)192, 0, 2, (byte)255}));
        final IkeResponder responder = responder(policy(100, null, CLIENT_PSK));
        final TestInitiator client = initiated(responder, GCM_384);
        final List<IkeAction> actions = send(responder, client.request(Ike.IKE_AUTH,
            firstAuth(client, "b@c".getBytes(), true)));
        assertNotNull(client.open(only(actions)).notification(Ike.TS_UNACCEPTABLE));
        assertEquals(1, host.released.size(), "the address it was admitted with is given back");
    }

    @Test
    void shouldOfferOnlyTheEspKeySizesOfThePolicyAndTakeANewPolicyForNewSas() throws Exception
    {
        final ResponderPolicy base = policy(100, null, CLIENT_PSK);
        final ResponderPolicy gcm128Only = new ResponderPolicy(base.ikeSuites(), List.of(128), base.identityType(),
            base.identity(), null, List.of(), SERVER_PSK, CLIENT_PSK, 100, 100, 0, 0, false);
        final IkeResponder responder = responder(gcm128Only);
        final TestInitiator client = initiated(responder, GCM_384);
        final List<IkeAction> actions = send(responder, client.request(Ike.IKE_AUTH,
            firstAuth(client, "b@c".getBytes(), true)));
        assertNotNull(client.open(only(actions)).notification(Ike.NO_PROPOSAL_CHOSEN),
            "the client offers AES-GCM-256 only, the ipsec-proposal AES-GCM-128 only");
        assertNull(action(actions, IkeAction.ChildUp.class));
        assertEquals(1, host.released.size());

        responder.policy(base);
        assertNotNull(established(responder), "the operator's new proposal applies to the next SA");
    }

    private TestInitiator established(final IkeResponder responder) throws Exception
    {
        final TestInitiator client = initiated(responder, GCM_384);
        assertNotNull(action(send(responder, client.request(Ike.IKE_AUTH,
            firstAuth(client, "c@d".getBytes(), true))), IkeAction.ChildUp.class));
        return client;
    }

    @Test
    void shouldReassembleAFragmentedIkeAuthInAnyOrderAndAnswerItOnce() throws Exception
    {
        final IkeResponder responder = responder(policy(100, null, CLIENT_PSK));
        final TestInitiator client = initiated(responder, GCM_384);
        final List<byte[]> fragments = client.fragmentedRequest(Ike.IKE_AUTH,
            firstAuth(client, "frag@example.test".getBytes(StandardCharsets.UTF_8), true), 3);
        assertTrue(send(responder, fragments.get(2)).isEmpty());
        final byte[] tampered = fragments.get(0).clone();
        tampered[tampered.length - 1] ^= 1;
        assertTrue(send(responder, tampered).isEmpty(), "a fragment that does not verify is dropped");
        assertTrue(send(responder, fragments.get(0)).isEmpty());
        final List<IkeAction> actions = send(responder, fragments.get(1));
        assertEquals("frag@example.test", action(actions, IkeAction.ChildUp.class).sa().username());
        final byte[] answer = only(actions);
        assertArrayEquals(answer, only(send(responder, fragments.get(0))), "retransmission: the cached answer");
        assertTrue(send(responder, fragments.get(1)).isEmpty(), "answered once per retransmission");
        assertEquals(3, responder.stats().fragmentsIn(), "the fragments that verified (a resent one is not opened)");
        assertEquals(1, responder.stats().reassembledMessages());
    }

    @Test
    void shouldSendALargeIkeAuthInFragmentsOfTheMtuToAClientThatTakesThemAndWholeToOneThatDoesNot()
        throws Exception
    {
        final KeyPair serverKey = DhGroup.ECP_256.generate();
        final byte[] leaf = new byte[700];
        final byte[] issuer = new byte[1100];
        new SecureRandom().nextBytes(leaf);
        new SecureRandom().nextBytes(issuer);
        final ResponderPolicy chain = new ResponderPolicy(List.of(GCM_384), List.of(256), Ike.ID_FQDN, SERVER_ID,
            serverKey.getPrivate(), List.of(leaf, issuer), null, null, 100, 100, 0, 30, false, Map.of(), 0, 576);
        final IkeResponder responder = responder(chain);
        final TestInitiator client = new TestInitiator();
        client.fragmentation = true;
        client.onInitResponse(only(send(responder, client.init(GCM_384, DhGroup.ECP_384, null,
            TestInitiator.CLIENT))));
        final byte[] request = client.request(Ike.IKE_AUTH,
            firstAuth(client, "alice@example.test".getBytes(StandardCharsets.UTF_8), false));
        final List<byte[]> fragments = sent(send(responder, request));
        assertTrue(fragments.size() >= 4, "1.8 kB of certificates at 576 bytes: " + fragments.size());
        for (final byte[] fragment : fragments)
        {
            assertTrue(fragment.length <= 576 - 20 - 8, "each fits 576 bytes with IP and UDP: " + fragment.length);
        }
        final PayloadSet answer = client.reassemble(fragments);
        assertEquals(2, answer.certificates().size());
        assertArrayEquals(issuer, answer.certificates().get(1), "the chain arrives whole");
        assertEquals(Ike.EAP_TYPE_IDENTITY, eap(answer.eap()).type());
        assertEquals(fragments.size(), responder.stats().fragmentsOut());
        assertEquals(1, responder.stats().fragmentedMessagesOut());
        final List<byte[]> again = sent(send(responder, request));
        assertEquals(fragments.size(), again.size(), "a retransmitted request gets every fragment again");
        assertArrayEquals(fragments.get(fragments.size() - 1), again.get(again.size() - 1));

        final TestInitiator plain = new TestInitiator();
        plain.onInitResponse(only(send(responder, plain.init(GCM_384, DhGroup.ECP_384, null, TestInitiator.CLIENT))));
        final byte[] whole = only(send(responder, plain.request(Ike.IKE_AUTH,
            firstAuth(plain, "bob@example.test".getBytes(StandardCharsets.UTF_8), false))));
        assertEquals(2, plain.open(whole).certificates().size(), "no FRAG_SUP: one datagram, as large as it is");
    }

    @Test
    void shouldNeitherAnnounceNorSendFragmentsWhenFragmentationIsOff() throws Exception
    {
        final KeyPair serverKey = DhGroup.ECP_256.generate();
        final byte[] leaf = new byte[1800];
        new SecureRandom().nextBytes(leaf);
        final IkeResponder responder = responder(new ResponderPolicy(List.of(GCM_384), List.of(256), Ike.ID_FQDN,
            SERVER_ID, serverKey.getPrivate(), List.of(leaf), null, null, 100, 100, 0, 30, false, Map.of(), 0, 576)
            .withoutFragmentation());
        final TestInitiator client = new TestInitiator();
        client.fragmentation = true;
        client.onInitResponse(only(send(responder, client.init(GCM_384, DhGroup.ECP_384, null,
            TestInitiator.CLIENT))));
        assertNull(TestInitiator.plain(client.initResponse).notification(Ike.IKEV2_FRAGMENTATION_SUPPORTED),
            "no crypto ikev2 fragmentation: the client's FRAG_SUP goes unanswered");
        final byte[] whole = only(send(responder, client.request(Ike.IKE_AUTH,
            firstAuth(client, "alice@example.test".getBytes(StandardCharsets.UTF_8), false))));
        assertArrayEquals(leaf, client.open(whole).certificates().get(0), "one datagram, as large as it is");
        assertEquals(0, responder.stats().fragmentsOut());
    }

    @Test
    void shouldAnswerLivenessChecksAndDropTamperedMessages() throws Exception
    {
        final IkeResponder responder = responder(policy(100, null, CLIENT_PSK));
        final TestInitiator client = established(responder);
        final byte[] dpd = client.request(Ike.INFORMATIONAL, TestInitiator.inner());
        final byte[] tampered = dpd.clone();
        tampered[tampered.length - 1] ^= 1;
        assertTrue(send(responder, tampered).isEmpty(), "a message that does not verify gets no answer");
        final byte[] answer = only(send(responder, dpd));
        TestInitiator.assertResponse(answer, 2);
        final PayloadSet empty = client.open(answer);
        assertTrue(empty.notifications().isEmpty() && empty.eap() == null && !empty.deletesIkeSa(), "an empty answer");
    }

    @Test
    void shouldProbeAnIdlePeerAndCloseTheSaWhenItNeverAnswers() throws Exception
    {
        final ResponderPolicy base = policy(100, null, CLIENT_PSK);
        final ResponderPolicy withDpd = new ResponderPolicy(base.ikeSuites(), base.espKeyBits(), base.identityType(),
            base.identity(), null, List.of(), SERVER_PSK, CLIENT_PSK, 100, 100, 0, 10, false);
        final IkeResponder responder = responder(withDpd);
        final TestInitiator client = established(responder);
        now += 5 * SECOND;
        assertTrue(responder.onTimer(now).isEmpty());
        now += 6 * SECOND;
        final byte[] probe = only(responder.onTimer(now));
        assertEquals(0, TestInitiator.header(probe).messageId());
        assertTrue(client.open(probe).notifications().isEmpty());
        // answered: the SA lives on and probes again only after another idle period
        assertTrue(send(responder, client.response(Ike.INFORMATIONAL, 0, TestInitiator.inner())).isEmpty());
        now += SECOND;
        assertTrue(responder.onTimer(now).isEmpty());
        now += 10 * SECOND;
        only(responder.onTimer(now));
        IkeAction.Closed closed = null;
        for (int i = 0; i < 20 && closed == null; i++)
        {
            now += 100 * SECOND;
            closed = action(responder.onTimer(now), IkeAction.Closed.class);
        }
        assertNotNull(closed, "a peer that never answers is declared dead");
        assertNull(responder.sa(client.spiR));
    }

    @Test
    void shouldDeleteAnSaWhenTheLifetimeOfThePolicyThatOfferedItsSuiteRunsOut() throws Exception
    {
        final ResponderPolicy base = policy(100, null, CLIENT_PSK);
        final ResponderPolicy lifetimes = new ResponderPolicy(base.ikeSuites(), base.espKeyBits(),
            base.identityType(), base.identity(), null, List.of(), SERVER_PSK, CLIENT_PSK, 100, 100, 86_400, 0, false,
            Map.of(GCM_384, 120L));
        assertEquals(120, lifetimes.lifetimeSeconds(GCM_384));
        assertEquals(86_400, lifetimes.lifetimeSeconds(CBC_X25519), "a suite of no policy keeps the default");
        final IkeResponder responder = responder(lifetimes);
        final TestInitiator client = established(responder);
        now += 119 * SECOND;
        assertTrue(responder.onTimer(now).isEmpty(), "alive before its lifetime");
        now += 2 * SECOND;
        final List<IkeAction> expiry = responder.onTimer(now);
        assertTrue(client.open(only(expiry)).deletesIkeSa(), "the client is told");
        assertEquals("IKE SA lifetime expired", action(expiry, IkeAction.Closed.class).reason());
    }

    @Test
    void shouldSendADeleteOnLogoffAndCloseOnTheClientsDelete() throws Exception
    {
        final IkeResponder responder = responder(policy(100, null, CLIENT_PSK));
        final TestInitiator client = established(responder);
        final List<IkeAction> logoff = responder.delete(client.spiR, "logoff", now);
        assertTrue(client.open(only(logoff)).deletesIkeSa());
        assertEquals("logoff", action(logoff, IkeAction.Closed.class).reason());
        assertTrue(responder.sas().isEmpty());

        final TestInitiator other = established(responder);
        final PayloadWriter delete = TestInitiator.inner().delete(Ike.PROTOCOL_IKE, 0);
        final List<IkeAction> actions = send(responder, other.request(Ike.INFORMATIONAL, delete));
        TestInitiator.assertResponse(only(actions), 2);
        assertNotNull(action(actions, IkeAction.Closed.class));
    }

    @Test
    void shouldRekeyTheChildSaWithPfsAndRetireTheOldOneWhenTheClientDeletesIt() throws Exception
    {
        final IkeResponder responder = responder(policy(100, null, CLIENT_PSK));
        final TestInitiator client = initiated(responder, GCM_384);
        final ChildSa first = action(send(responder, client.request(Ike.IKE_AUTH,
            firstAuth(client, "c@d".getBytes(), true))), IkeAction.ChildUp.class).child();
        final KeyPair dh = DhGroup.ECP_384.generate();
        final byte[] ni = new byte[32];
        new SecureRandom().nextBytes(ni);
        final PayloadWriter rekey = TestInitiator.inner()
            .notify(Ike.PROTOCOL_ESP, ByteBuffer.allocate(4).putInt(first.outboundSpi()).array(), Ike.REKEY_SA,
                new byte[0])
            .securityAssociation(List.of(new Proposal(1, Ike.PROTOCOL_ESP, new byte[] {0, 0, (byte)0xbe, (byte)0xef},
                List.of(new Transform(Ike.TRANSFORM_ENCR, Ike.ENCR_AES_GCM_16, 128),
                    new Transform(Ike.TRANSFORM_DH, 20), new Transform(Ike.TRANSFORM_ESN, 0)))))
            .nonce(ni).keyExchange(20, DhGroup.ECP_384.publicValue(dh))
            .trafficSelectors(Ike.TSI, first.tsi()).trafficSelectors(Ike.TSR, first.tsr());
        final List<IkeAction> actions = send(responder, client.request(Ike.CREATE_CHILD_SA, rekey));
        final PayloadSet answer = client.open(only(actions));
        final IkeAction.ChildRekeyed rekeyed = action(actions, IkeAction.ChildRekeyed.class);
        assertEquals(first.inboundSpi(), rekeyed.oldInboundSpi());
        final ChildSa second = rekeyed.replacement();
        assertEquals(0xbeef, second.outboundSpi());
        assertEquals(128, second.keyBits());
        final byte[] shared = DhGroup.ECP_384.agree(dh, answer.keData());
        final byte[] keymat = KeySchedule.childKeymat(client.suite.prf(), client.keys.skD(), shared, ni,
            answer.nonce(), 40);
        assertArrayEquals(Arrays.copyOfRange(keymat, 0, 20), second.keymatIn(), "PFS secret in the new KEYMAT");

        final PayloadWriter delete = TestInitiator.inner().delete(Ike.PROTOCOL_ESP, 4,
            ByteBuffer.allocate(4).putInt(first.outboundSpi()).array());
        final List<IkeAction> deleted = send(responder, client.request(Ike.INFORMATIONAL, delete));
        assertEquals(first.inboundSpi(), action(deleted, IkeAction.ChildRetired.class).inboundSpi());
        assertEquals(first.inboundSpi(), client.open(only(deleted)).deletedChildSpis().get(0)[0]);
        assertNull(action(deleted, IkeAction.Closed.class), "the session lives on with the new CHILD_SA");
    }

    @Test
    void shouldHoldAChildRekeyToTheSetPfsGroup() throws Exception
    {
        final IkeResponder responder = responder(policy(100, null, CLIENT_PSK).with(19, 0));
        final TestInitiator client = initiated(responder, GCM_384);
        final ChildSa first = action(send(responder, client.request(Ike.IKE_AUTH,
            firstAuth(client, "c@d".getBytes(), true))), IkeAction.ChildUp.class).child();
        // no KE at all, and no proposal with group 19: refused
        final PayloadSet none = client.open(only(send(responder, client.request(Ike.CREATE_CHILD_SA,
            childRekey(first, 0, null)))));
        assertNotNull(none.notification(Ike.NO_PROPOSAL_CHOSEN), "set pfs: a rekey without PFS is refused");
        // a KE of group 20 while the proposal also offers 19: asked for 19
        final KeyPair ecp384 = DhGroup.ECP_384.generate();
        final PayloadSet wrongGroup = client.open(only(send(responder, client.request(Ike.CREATE_CHILD_SA,
            childRekey(first, 20, DhGroup.ECP_384.publicValue(ecp384), 20, 19)))));
        assertArrayEquals(new byte[] {0, 19}, wrongGroup.notification(Ike.INVALID_KE_PAYLOAD).data());
        // the retry with group 19 rekeys
        final KeyPair ecp256 = DhGroup.ECP_256.generate();
        final List<IkeAction> actions = send(responder, client.request(Ike.CREATE_CHILD_SA,
            childRekey(first, 19, DhGroup.ECP_256.publicValue(ecp256), 19)));
        assertNotNull(action(actions, IkeAction.ChildRekeyed.class));
        assertEquals(19, client.open(only(actions)).keGroup());
    }

    /** A CHILD_SA rekey of {@code old} offering AES-GCM-128 with {@code groups}, with a KE when {@code ke} is set. */
    private static PayloadWriter childRekey(final ChildSa old, final int keGroup, final byte[] ke,
        final int... groups)
    {
        final List<Transform> transforms = new ArrayList<>(List.of(
            new Transform(Ike.TRANSFORM_ENCR, Ike.ENCR_AES_GCM_16, 128)));
        for (final int group : groups)
        {
            transforms.add(new Transform(Ike.TRANSFORM_DH, group));
        }
        transforms.add(new Transform(Ike.TRANSFORM_ESN, 0));
        final byte[] ni = new byte[32];
        new SecureRandom().nextBytes(ni);
        final PayloadWriter rekey = TestInitiator.inner()
            .notify(Ike.PROTOCOL_ESP, ByteBuffer.allocate(4).putInt(old.outboundSpi()).array(), Ike.REKEY_SA,
                new byte[0])
            .securityAssociation(List.of(new Proposal(1, Ike.PROTOCOL_ESP, new byte[] {0, 0, (byte)0xbe, (byte)0xef},
                transforms)))
            .nonce(ni);
        if (ke != null)
        {
            rekey.keyExchange(keGroup, ke);
        }
        return rekey.trafficSelectors(Ike.TSI, old.tsi()).trafficSelectors(Ike.TSR, old.tsr());
    }

    @Test
    void shouldRekeyTheIkeSaAndCarryTheSessionOver() throws Exception
    {
        final IkeResponder responder = responder(policy(100, null, CLIENT_PSK));
        final TestInitiator client = established(responder);
        final long newSpiI = 0x0102030405060708L;
        final KeyPair dh = DhGroup.ECP_384.generate();
        final byte[] ni = new byte[32];
        new SecureRandom().nextBytes(ni);
        final PayloadWriter rekey = TestInitiator.inner()
            .securityAssociation(List.of(TestInitiator.ikeProposal(GCM_384,
                ByteBuffer.allocate(8).putLong(newSpiI).array())))
            .nonce(ni).keyExchange(20, DhGroup.ECP_384.publicValue(dh));
        final List<IkeAction> actions = send(responder, client.request(Ike.CREATE_CHILD_SA, rekey));
        final PayloadSet answer = client.open(only(actions));
        final IkeAction.Rekeyed rekeyed = action(actions, IkeAction.Rekeyed.class);
        final long newSpiR = ByteBuffer.wrap(answer.proposals().get(0).spi()).getLong();
        assertEquals(newSpiR, rekeyed.replacement().responderSpi());
        assertEquals(1, rekeyed.replacement().children().size());
        final byte[] skeyseed = KeySchedule.rekeySkeyseed(client.suite.prf(), client.keys.skD(),
            DhGroup.ECP_384.agree(dh, answer.keData()), ni, answer.nonce());
        final IkeKeys keys = KeySchedule.ikeKeys(GCM_384, skeyseed, ni, answer.nonce(), newSpiI, newSpiR);
        final long oldSpiR = client.spiR;
        final byte[] deleteOld = client.request(Ike.INFORMATIONAL, TestInitiator.inner().delete(Ike.PROTOCOL_IKE, 0));
        final List<IkeAction> oldGone = send(responder, deleteOld);
        TestInitiator.assertResponse(only(oldGone), 3);
        assertNull(action(oldGone, IkeAction.Closed.class), "deleting the rekeyed SA does not end the session");
        assertNull(responder.sa(oldSpiR));

        client.rekeyed(newSpiI, newSpiR, GCM_384, keys);
        final List<IkeAction> dpd = send(responder, client.request(Ike.INFORMATIONAL, TestInitiator.inner()));
        TestInitiator.assertResponse(only(dpd), 0);
        client.open(only(dpd));
        assertEquals("c@d", responder.sa(newSpiR).username());
    }
}
