package org.headend.control.ike.eap;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import org.headend.control.auth.radius.MsChapV2;
import org.headend.control.ike.codec.EapPacket;
import org.headend.control.ike.codec.Ike;
import org.headend.control.ike.codec.IkeParseException;

/**
 * The EAP server side of one IKE_AUTH exchange: EAP-Identity, then EAP-MSCHAPv2 (draft-kamath-pppext-eap-mschapv2,
 * RFC 2759) against a user's stored NT password hash: challenge, the peer's NT-Response checked in constant time,
 * the authenticator response, the peer's acknowledgement, EAP-Success with the MSK. A peer that Naks it for EAP-GTC
 * (RFC 3748 §5.6) gets that instead: its password goes to the authenticator ({@link EapResult.CheckPassword}), and
 * success makes no MSK. Every user is offered the same (an unknown user fails the same way as a wrong password, so
 * the offer tells nobody which users exist). EAP-MD5 is refused: it needs the clear-text password, which local users
 * do not keep. Any response that does not
 * fit the step it answers ends in EAP-Failure. Not thread-safe: one per IKE SA, on the control thread.
 */
public final class EapServer implements EapMethod
{
    /** User names longer than this are refused. */
    public static final int MAX_USERNAME = 253;
    private static final int OP_CHALLENGE = 1;
    private static final int OP_RESPONSE = 2;
    private static final int OP_SUCCESS = 3;
    private static final int RESPONSE_VALUE_SIZE = 49;
    private static final byte[] SERVER_NAME = "headend".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] GTC_PROMPT = "Password: ".getBytes(StandardCharsets.US_ASCII);
    /** The longest password a login takes (as {@code Logins}). */
    private static final int MAX_PASSWORD = 128;

    private enum Step
    {
        IDENTITY, CHALLENGE, SUCCESS_SENT, GTC_SENT, CHECKING, DONE
    }

    private final LocalCredentials credentials;
    private final SecureRandom random;
    private final byte[] challenge = new byte[16];
    private Step step = Step.IDENTITY;
    private int identifier;
    private int msChapId;
    private String username;
    private byte[] passwordHash;
    private byte[] msk;

    /** @param credentials the local users' NT hashes and the failed-login limiter */
    public EapServer(final LocalCredentials credentials, final SecureRandom random)
    {
        this.credentials = credentials;
        this.random = random;
        identifier = random.nextInt(256);
        msChapId = random.nextInt(256);
    }

    /** The first request: EAP-Identity. */
    @Override
    public byte[] start()
    {
        return EapPacket.build(Ike.EAP_REQUEST, identifier, Ike.EAP_TYPE_IDENTITY, new byte[0]);
    }

    /** The user name the peer gave, or null before the identity round. */
    public String username()
    {
        return username;
    }

    @Override
    public EapResult onResponse(final byte[] eap)
    {
        final EapPacket packet;
        try
        {
            packet = new EapPacket().wrap(ByteBuffer.wrap(eap), 0, eap.length);
        }
        catch (final IkeParseException ex)
        {
            return fail("malformed EAP: " + ex.getMessage());
        }
        if (packet.code() != Ike.EAP_RESPONSE || packet.identifier() != identifier || step == Step.DONE)
        {
            return fail("EAP response out of step");
        }
        final boolean nak = packet.type() == Ike.EAP_TYPE_NAK;
        return switch (step)
        {
            case IDENTITY -> onIdentity(packet);
            case CHALLENGE -> nak ? onNak(packet) : onMsChapResponse(packet);
            case GTC_SENT -> nak ? onNak(packet) : onGtcResponse(packet);
            case SUCCESS_SENT -> onSuccessAcknowledged(packet);
            case CHECKING -> fail("EAP response while the password is checked");
            case DONE -> fail("EAP already finished");
        };
    }

    /** The authenticator's verdict on the password of a {@link EapResult.CheckPassword}. */
    @Override
    public EapResult passwordChecked(final boolean accepted)
    {
        if (step != Step.CHECKING)
        {
            return fail("no password was being checked");
        }
        if (!accepted)
        {
            return fail("wrong password or unknown user");
        }
        step = Step.DONE;
        return new EapResult.Succeeded(EapPacket.result(Ike.EAP_SUCCESS, identifier), username, null);
    }

    private EapResult onIdentity(final EapPacket packet)
    {
        if (packet.type() != Ike.EAP_TYPE_IDENTITY)
        {
            return fail("expected EAP-Identity");
        }
        final String identity = new String(packet.typeData(), StandardCharsets.UTF_8).trim();
        if (identity.isEmpty() || identity.length() > MAX_USERNAME)
        {
            return fail("empty or overlong EAP identity");
        }
        username = identity;
        passwordHash = credentials.ntPasswordHash(username);
        return offerMsChapV2();
    }

    /**
     * RFC 3748 §5.3.1: the peer declines the method offered and lists the ones it would take. A Nak of our
     * EAP-MSCHAPv2 that lists EAP-GTC gets EAP-GTC; nothing else is offered.
     */
    private EapResult onNak(final EapPacket packet)
    {
        boolean md5 = false;
        for (final byte wanted : packet.typeData())
        {
            if (wanted == Ike.EAP_TYPE_GTC && step == Step.CHALLENGE)
            {
                return offerGtc();
            }
            md5 |= wanted == Ike.EAP_TYPE_MD5;
        }
        return fail(md5 ? "peer wants EAP-MD5, which needs the clear-text password local users do not keep"
            : "peer takes neither EAP-MSCHAPv2 nor EAP-GTC");
    }

    private EapResult offerGtc()
    {
        step = Step.GTC_SENT;
        return next(Ike.EAP_TYPE_GTC, GTC_PROMPT);
    }

    private EapResult onGtcResponse(final EapPacket packet)
    {
        final byte[] data = packet.typeData();
        if (packet.type() != Ike.EAP_TYPE_GTC || data.length == 0 || data.length > MAX_PASSWORD)
        {
            return fail("malformed EAP-GTC response");
        }
        step = Step.CHECKING;
        return new EapResult.CheckPassword(username, new String(data, StandardCharsets.UTF_8));
    }

    private EapResult offerMsChapV2()
    {
        random.nextBytes(challenge);
        final byte[] data = new byte[4 + 1 + challenge.length + SERVER_NAME.length];
        data[0] = OP_CHALLENGE;
        data[1] = (byte)msChapId;
        putU16(data, 2, data.length);
        data[4] = (byte)challenge.length;
        System.arraycopy(challenge, 0, data, 5, challenge.length);
        System.arraycopy(SERVER_NAME, 0, data, 5 + challenge.length, SERVER_NAME.length);
        step = Step.CHALLENGE;
        return next(Ike.EAP_TYPE_MSCHAPV2, data);
    }

    private EapResult onMsChapResponse(final EapPacket packet)
    {
        if (packet.type() != Ike.EAP_TYPE_MSCHAPV2)
        {
            return fail("peer declined EAP-MSCHAPv2");
        }
        final byte[] data = packet.typeData();
        if (data.length < 5 + RESPONSE_VALUE_SIZE || data[0] != OP_RESPONSE || (data[1] & 0xff) != msChapId
            || (data[4] & 0xff) != RESPONSE_VALUE_SIZE)
        {
            return fail("malformed MS-CHAPv2 response");
        }
        final byte[] peerChallenge = Arrays.copyOfRange(data, 5, 21);
        final byte[] ntResponse = Arrays.copyOfRange(data, 29, 53);
        // RFC 2759 §4: the name hashed into the challenge is the user name without a domain
        final String name = new String(data, 5 + RESPONSE_VALUE_SIZE, data.length - 5 - RESPONSE_VALUE_SIZE,
            StandardCharsets.UTF_8);
        final String hashedName = name.substring(name.lastIndexOf('\\') + 1);
        final byte[] expected = MsChapV2.ntResponseFromHash(challenge, peerChallenge, hashedName,
            passwordHash == null ? new byte[16] : passwordHash);
        final boolean right = passwordHash != null & MessageDigest.isEqual(expected, ntResponse);
        // asked after the check, so a locked-out user costs the same work and gets the same failure as a wrong answer
        if (credentials.lockedOut(username))
        {
            credentials.failed(username);
            return fail("locked out after repeated failures");
        }
        if (!right)
        {
            credentials.failed(username);
            return fail("wrong password or unknown user");
        }
        credentials.succeeded(username);
        msk = MsChapV2Keys.msk(passwordHash, ntResponse);
        final byte[] message = (MsChapV2.authenticatorResponseFromHash(passwordHash, ntResponse, peerChallenge,
            challenge, hashedName) + " M=Welcome").getBytes(StandardCharsets.US_ASCII);
        final byte[] success = new byte[4 + message.length];
        success[0] = OP_SUCCESS;
        success[1] = (byte)msChapId;
        putU16(success, 2, success.length);
        System.arraycopy(message, 0, success, 4, message.length);
        step = Step.SUCCESS_SENT;
        return next(Ike.EAP_TYPE_MSCHAPV2, success);
    }

    private EapResult onSuccessAcknowledged(final EapPacket packet)
    {
        final byte[] data = packet.typeData();
        if (packet.type() != Ike.EAP_TYPE_MSCHAPV2 || data.length < 1 || data[0] != OP_SUCCESS)
        {
            return fail("peer did not accept our authenticator response");
        }
        step = Step.DONE;
        return new EapResult.Succeeded(EapPacket.result(Ike.EAP_SUCCESS, identifier), username, msk);
    }

    private EapResult next(final int type, final byte[] data)
    {
        identifier = (identifier + 1) & 0xff;
        return new EapResult.Continue(EapPacket.build(Ike.EAP_REQUEST, identifier, type, data));
    }

    private EapResult fail(final String reason)
    {
        step = Step.DONE;
        return new EapResult.Failed(EapPacket.result(Ike.EAP_FAILURE, identifier), username, reason);
    }

    private static void putU16(final byte[] out, final int at, final int value)
    {
        out[at] = (byte)(value >>> 8);
        out[at + 1] = (byte)value;
    }
}
