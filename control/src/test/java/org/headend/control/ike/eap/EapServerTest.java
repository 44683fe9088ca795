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
import org.headend.control.auth.radius.MsChapV2;
import org.headend.control.ike.codec.EapPacket;
import org.headend.control.ike.codec.Ike;
import org.junit.jupiter.api.Test;

/** The EAP server's state machine, method by method: EAP-MSCHAPv2, EAP-GTC after a Nak, EAP-MD5 refused. */
class EapServerTest
{
    private static final Map<String, byte[]> HASHES = Map.of("alice", MsChapV2.ntPasswordHash("s3cret"));

    private final EapServer server = new EapServer(HASHES::get, new SecureRandom());

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
    void shouldFailAWrongPasswordAndAnUnknownUserAlikeAfterTheSameChallenge() throws Exception
    {
        final EapPacket challenge = identify("alice");
        final EapResult.Failed wrong = assertInstanceOf(EapResult.Failed.class,
            server.onResponse(msChapResponse(challenge, "alice", "guess", new byte[24])));
        assertEquals(Ike.EAP_FAILURE, wrong.failure()[0]);
        final EapServer other = new EapServer(HASHES::get, new SecureRandom());
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

        final EapServer second = new EapServer(HASHES::get, new SecureRandom());
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

        final EapServer wrongId = new EapServer(HASHES::get, new SecureRandom());
        final EapPacket identity = packet(wrongId.start());
        assertInstanceOf(EapResult.Failed.class, wrongId.onResponse(EapPacket.build(Ike.EAP_RESPONSE,
            (identity.identifier() + 1) & 0xff, Ike.EAP_TYPE_IDENTITY, "alice".getBytes())), "another identifier");

        final EapServer empty = new EapServer(HASHES::get, new SecureRandom());
        final EapPacket emptyIdentity = packet(empty.start());
        final EapPacket challenge = packet(((EapResult.Continue)empty.onResponse(EapPacket.build(Ike.EAP_RESPONSE,
            emptyIdentity.identifier(), Ike.EAP_TYPE_IDENTITY, "bob".getBytes()))).request());
        final EapPacket offered = packet(((EapResult.Continue)empty.onResponse(EapPacket.build(Ike.EAP_RESPONSE,
            challenge.identifier(), Ike.EAP_TYPE_NAK, new byte[] {Ike.EAP_TYPE_GTC}))).request());
        assertInstanceOf(EapResult.Failed.class, empty.onResponse(EapPacket.build(Ike.EAP_RESPONSE,
            offered.identifier(), Ike.EAP_TYPE_GTC, new byte[0])), "an empty password");
    }
}
