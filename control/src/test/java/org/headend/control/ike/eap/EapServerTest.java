package org.headend.control.ike.eap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import org.headend.control.auth.FailedLoginLimiter;
import org.headend.control.auth.radius.MsChapV2;
import org.headend.control.ike.codec.EapPacket;
import org.headend.control.ike.codec.Ike;
import org.junit.jupiter.api.Test;

/** The EAP server's state machine, method by method: EAP-MSCHAPv2, EAP-GTC after a Nak, EAP-MD5 refused. */
class EapServerTest
{
    private static final Map<String, byte[]> HASHES = Map.of("alice", MsChapV2.ntPasswordHash("s3cret"));

    private static final String PEER = "10.77.0.2";
    private static final long NOW = 1_000_000_000L;

    /** The real limiter, as the appliance's host hands it to the server for the peer {@value #PEER}. */
    private final FailedLoginLimiter limiter = new FailedLoginLimiter();
    private final LocalCredentials credentials = new LocalCredentials()
    {
        @Override
        public byte[] ntPasswordHash(final String username)
        {
            return HASHES.get(username);
        }

        @Override
        public boolean lockedOut(final String username)
        {
            return limiter.isLocked(username, PEER, NOW);
        }

        @Override
        public void failed(final String username)
        {
            limiter.onFailure(username, PEER, NOW);
        }

        @Override
        public void succeeded(final String username)
        {
            limiter.onSuccess(username);
        }
    };
    private final EapServer server = new EapServer(credentials, new SecureRandom());

    /** The identity round; returns the EAP-MSCHAPv2 challenge every user is offered first. */
    private EapPacket identify(final String user) throws Exception
    {
        final EapPacket identity = packet(server.start());
        assertEquals(Ike.EAP_TYPE_IDENTITY, identity.type());
        final EapResult.Continue challenge = assertInstanceOf(EapResult.Continue.class, server.onResponse(
            EapPacket.build(Ike.EAP_RESPONSE, identity.identifier(), Ike.EAP_TYPE_IDENTITY,
                user.getBytes(StandardCharsets.UTF_8))));
        final EapPacket packet = packet(challenge.request());
        assertEquals(Ike.EAP_TYPE_MSCHAPV2, packet.type());
        return packet;
    }

    private static EapPacket packet(final byte[] bytes) throws Exception
    {
        return new EapPacket().wrap(ByteBuffer.wrap(bytes), 0, bytes.length);
    }

    /** The peer's MS-CHAPv2 Response to {@code challenge} with {@code password}. */
    private static byte[] msChapResponse(final EapPacket challenge, final String user, final String password,
        final byte[] ntOut)
    {
        final byte[] data = challenge.typeData();
        final byte[] peerChallenge = new byte[16];
        new SecureRandom().nextBytes(peerChallenge);
        final byte[] nt = MsChapV2.ntResponse(Arrays.copyOfRange(data, 5, 21), peerChallenge, user, password);
        System.arraycopy(nt, 0, ntOut, 0, 24);
        final byte[] name = user.getBytes(StandardCharsets.UTF_8);
        final byte[] response = new byte[54 + name.length];
        response[0] = 2;
        response[1] = data[1];
        response[3] = (byte)response.length;
        response[4] = 49;
        System.arraycopy(peerChallenge, 0, response, 5, 16);
        System.arraycopy(nt, 0, response, 29, 24);
        System.arraycopy(name, 0, response, 54, name.length);
        return EapPacket.build(Ike.EAP_RESPONSE, challenge.identifier(), Ike.EAP_TYPE_MSCHAPV2, response);
    }

    @Test
    void shouldRunEapMsChapV2ToSuccessWithTheMskOfThePassword() throws Exception
    {
        final EapPacket challenge = identify("alice");
        final byte[] nt = new byte[24];
        final EapResult.Continue success = assertInstanceOf(EapResult.Continue.class,
            server.onResponse(msChapResponse(challenge, "alice", "s3cret", nt)));
        final EapPacket successRequest = packet(success.request());
        assertEquals(3, successRequest.typeData()[0], "MS-CHAPv2 Success with the authenticator response");
        final EapResult.Succeeded done = assertInstanceOf(EapResult.Succeeded.class, server.onResponse(
            EapPacket.build(Ike.EAP_RESPONSE, successRequest.identifier(), Ike.EAP_TYPE_MSCHAPV2, new byte[] {3})));
        assertEquals("alice", done.username());
        assertArrayEquals(MsChapV2Keys.msk(MsChapV2.ntPasswordHash("s3cret"), nt), done.msk());
        assertEquals(Ike.EAP_SUCCESS, done.success()[0]);
        assertEquals(successRequest.identifier(), done.success()[1] & 0xff);
    }

    @Test
    void shouldCountWrongAnswersInTheFailedLoginLimiterAndRefuseEvenTheRightOneOnceLockedOut() throws Exception
    {
        for (int i = 0; i < FailedLoginLimiter.MAX_USER_FAILURES; i++)
        {
            final EapServer guessing = new EapServer(credentials, new SecureRandom());
            final EapPacket identity = packet(guessing.start());
            final EapPacket challenge = packet(assertInstanceOf(EapResult.Continue.class, guessing.onResponse(
                EapPacket.build(Ike.EAP_RESPONSE, identity.identifier(), Ike.EAP_TYPE_IDENTITY,
                    "alice".getBytes(StandardCharsets.UTF_8)))).request());
            assertInstanceOf(EapResult.Failed.class,
                guessing.onResponse(msChapResponse(challenge, "alice", "guess" + i, new byte[24])));
        }
        assertTrue(limiter.isLocked("alice", PEER, NOW), "five wrong answers lock alice, as five wrong passwords do");
        final EapResult.Failed refused = assertInstanceOf(EapResult.Failed.class,
            server.onResponse(msChapResponse(identify("alice"), "alice", "s3cret", new byte[24])));
        assertEquals(Ike.EAP_FAILURE, refused.failure()[0]);
        assertEquals("locked out after repeated failures", refused.reason());
    }

    @Test
    void shouldClearTheUsersFailuresOnARightAnswer() throws Exception
    {
        limiter.onFailure("alice", PEER, NOW);
        limiter.onFailure("alice", PEER, NOW);
        assertInstanceOf(EapResult.Continue.class,
            server.onResponse(msChapResponse(identify("alice"), "alice", "s3cret", new byte[24])));
        for (int i = 0; i < FailedLoginLimiter.MAX_USER_FAILURES - 1; i++)
        {
            limiter.onFailure("alice", PEER, NOW);
        }
        assertTrue(!limiter.isLocked("alice", PEER, NOW), "the two failures before the right answer no longer count");
    }

    @Test
    void shouldFailAWrongPasswordAndAnUnknownUserAlikeAfterTheSameChallenge() throws Exception
    {
        final EapPacket challenge = identify("alice");
        final EapResult.Failed wrong = assertInstanceOf(EapResult.Failed.class,
            server.onResponse(msChapResponse(challenge, "alice", "guess", new byte[24])));
        assertEquals(Ike.EAP_FAILURE, wrong.failure()[0]);
        final EapServer other = new EapServer(credentials, new SecureRandom());
        final EapPacket identity = packet(other.start());
        final EapPacket offered = packet(assertInstanceOf(EapResult.Continue.class, other.onResponse(EapPacket.build(
            Ike.EAP_RESPONSE, identity.identifier(), Ike.EAP_TYPE_IDENTITY, "nobody".getBytes()))).request());
        assertEquals(Ike.EAP_TYPE_MSCHAPV2, offered.type(), "an unknown user is offered the same method");
        final EapResult.Failed unknown = assertInstanceOf(EapResult.Failed.class,
            other.onResponse(msChapResponse(offered, "nobody", "guess", new byte[24])));
        assertEquals(wrong.reason(), unknown.reason());
    }

    @Test
    void shouldOfferGtcToAPeerThatNaksMsChapV2ForItAndLetTheAuthenticatorDecide() throws Exception
    {
        final EapPacket challenge = identify("bob");
        final EapPacket gtc = packet(assertInstanceOf(EapResult.Continue.class, server.onResponse(EapPacket.build(
            Ike.EAP_RESPONSE, challenge.identifier(), Ike.EAP_TYPE_NAK, new byte[] {Ike.EAP_TYPE_GTC}))).request());
        assertEquals(Ike.EAP_TYPE_GTC, gtc.type());
        assertEquals("Password: ", new String(gtc.typeData(), StandardCharsets.US_ASCII));
        final EapResult.CheckPassword check = assertInstanceOf(EapResult.CheckPassword.class, server.onResponse(
            EapPacket.build(Ike.EAP_RESPONSE, gtc.identifier(), Ike.EAP_TYPE_GTC, "bobpw".getBytes())));
        assertEquals("bob", check.username());
        assertEquals("bobpw", check.password());
        assertTrue(!check.toString().contains("bobpw"), "the password stays out of logs");
        assertInstanceOf(EapResult.Failed.class, server.onResponse(EapPacket.build(Ike.EAP_RESPONSE,
            gtc.identifier(), Ike.EAP_TYPE_GTC, "again".getBytes())), "no response while the password is checked");
    }

    @Test
    void shouldSucceedWithoutAnMskWhenTheGtcPasswordIsRightAndFailWhenWrong() throws Exception
    {
        final EapPacket gtc = gtcOffered();
        assertInstanceOf(EapResult.CheckPassword.class, server.onResponse(EapPacket.build(Ike.EAP_RESPONSE,
            gtc.identifier(), Ike.EAP_TYPE_GTC, "pw".getBytes())));
        final EapResult.Succeeded done = assertInstanceOf(EapResult.Succeeded.class, server.passwordChecked(true));
        assertNull(done.msk(), "EAP-GTC makes no MSK: AUTH is keyed with SK_pi/SK_pr");
        assertEquals(gtc.identifier(), done.success()[1] & 0xff);
        assertInstanceOf(EapResult.Failed.class, server.passwordChecked(true), "one verdict per check");

        final EapServer second = new EapServer(credentials, new SecureRandom());
        final EapPacket identity = packet(second.start());
        final EapPacket challenge = packet(((EapResult.Continue)second.onResponse(EapPacket.build(Ike.EAP_RESPONSE,
            identity.identifier(), Ike.EAP_TYPE_IDENTITY, "bob".getBytes()))).request());
        final EapPacket offered = packet(((EapResult.Continue)second.onResponse(EapPacket.build(Ike.EAP_RESPONSE,
            challenge.identifier(), Ike.EAP_TYPE_NAK, new byte[] {Ike.EAP_TYPE_GTC}))).request());
        second.onResponse(EapPacket.build(Ike.EAP_RESPONSE, offered.identifier(), Ike.EAP_TYPE_GTC, "no".getBytes()));
        final EapResult.Failed wrong = assertInstanceOf(EapResult.Failed.class, second.passwordChecked(false));
        assertEquals("wrong password or unknown user", wrong.reason());
    }

    private EapPacket gtcOffered() throws Exception
    {
        final EapPacket challenge = identify("bob");
        return packet(((EapResult.Continue)server.onResponse(EapPacket.build(Ike.EAP_RESPONSE,
            challenge.identifier(), Ike.EAP_TYPE_NAK, new byte[] {Ike.EAP_TYPE_GTC}))).request());
    }

    @Test
    void shouldRefuseEapMd5ForItNeedsTheClearTextPassword() throws Exception
    {
        final EapPacket challenge = identify("alice");
        final EapResult.Failed md5 = assertInstanceOf(EapResult.Failed.class, server.onResponse(EapPacket.build(
            Ike.EAP_RESPONSE, challenge.identifier(), Ike.EAP_TYPE_NAK, new byte[] {Ike.EAP_TYPE_MD5})));
        assertTrue(md5.reason().contains("EAP-MD5"), md5.reason());
    }

    @Test
    void shouldFailResponsesOutOfStep() throws Exception
    {
        final EapPacket gtc = gtcOffered();
        assertInstanceOf(EapResult.Failed.class, server.onResponse(EapPacket.build(Ike.EAP_RESPONSE,
            gtc.identifier(), Ike.EAP_TYPE_NAK, new byte[] {Ike.EAP_TYPE_MSCHAPV2})), "one Nak, no going back");

        final EapServer wrongId = new EapServer(credentials, new SecureRandom());
        final EapPacket identity = packet(wrongId.start());
        assertInstanceOf(EapResult.Failed.class, wrongId.onResponse(EapPacket.build(Ike.EAP_RESPONSE,
            (identity.identifier() + 1) & 0xff, Ike.EAP_TYPE_IDENTITY, "alice".getBytes())), "another identifier");

        final EapServer empty = new EapServer(credentials, new SecureRandom());
        final EapPacket emptyIdentity = packet(empty.start());
        final EapPacket challenge = packet(((EapResult.Continue)empty.onResponse(EapPacket.build(Ike.EAP_RESPONSE,
            emptyIdentity.identifier(), Ike.EAP_TYPE_IDENTITY, "bob".getBytes()))).request());
        final EapPacket offered = packet(((EapResult.Continue)empty.onResponse(EapPacket.build(Ike.EAP_RESPONSE,
            challenge.identifier(), Ike.EAP_TYPE_NAK, new byte[] {Ike.EAP_TYPE_GTC}))).request());
        assertInstanceOf(EapResult.Failed.class, empty.onResponse(EapPacket.build(Ike.EAP_RESPONSE,
            offered.identifier(), Ike.EAP_TYPE_GTC, new byte[0])), "an empty password");
    }
}
