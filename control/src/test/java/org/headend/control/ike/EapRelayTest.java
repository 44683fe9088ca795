package org.headend.control.ike;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import org.headend.control.auth.AuthOutcome;
import org.headend.control.auth.AuthRequest;
import org.headend.control.auth.radius.RadiusEap;
import org.headend.control.ike.codec.EapPacket;
import org.headend.control.ike.codec.Ike;
import org.headend.control.ike.eap.EapResult;
import org.junit.jupiter.api.Test;

/** One relayed EAP conversation: who it is about, the State carried between rounds, what the peer is sent. */
class EapRelayTest
{
    private static final byte[] IDENTITY = EapPacket.build(Ike.EAP_RESPONSE, 4, Ike.EAP_TYPE_IDENTITY,
        " bob ".getBytes(StandardCharsets.UTF_8));
    private static final byte[] NEXT = EapPacket.build(Ike.EAP_RESPONSE, 5, Ike.EAP_TYPE_MSCHAPV2, new byte[] {2});

    @Test
    void shouldNameTheUserByTheIdentityAndEchoTheStateOfTheLastChallenge()
    {
        final EapRelay relay = new EapRelay("RAD", "198.51.100.7");
        final AuthRequest first = relay.request(IDENTITY);
        assertEquals("bob", first.username());
        assertNull(first.state());
        assertEquals("198.51.100.7", first.clientAddress());
        final byte[] serverRequest = EapPacket.build(Ike.EAP_REQUEST, 5, Ike.EAP_TYPE_MSCHAPV2, new byte[] {1});
        final EapResult.Continue next = assertInstanceOf(EapResult.Continue.class, relay.result(IDENTITY,
            new RadiusEap.Answer(new AuthOutcome.Challenged(null, new byte[] {9, 9}), serverRequest, null)));
        assertArrayEquals(serverRequest, next.request());
        final AuthRequest second = relay.request(NEXT);
        assertEquals("bob", second.username(), "later rounds keep the identity's name");
        assertArrayEquals(new byte[] {9, 9}, second.state());
    }

    @Test
    void shouldRefuseAConversationThatDoesNotStartWithAnIdentity()
    {
        assertNull(new EapRelay("RAD", "198.51.100.7").request(NEXT));
        assertNull(new EapRelay("RAD", "198.51.100.7").request(EapPacket.build(Ike.EAP_RESPONSE, 4,
            Ike.EAP_TYPE_IDENTITY, new byte[0])));
    }

    @Test
    void shouldSucceedWithTheServersMskAndKeepWhatItAssigned()
    {
        final EapRelay relay = new EapRelay("RAD", "198.51.100.7");
        relay.request(IDENTITY);
        final AuthOutcome.Accepted accepted = new AuthOutcome.Accepted("bob", "STAFF", null, null, "RAD");
        final byte[] msk = new byte[32];
        final EapResult.Succeeded success = assertInstanceOf(EapResult.Succeeded.class, relay.result(NEXT,
            new RadiusEap.Answer(accepted, null, msk)));
        assertArrayEquals(new byte[] {Ike.EAP_SUCCESS, 5, 0, 4}, success.success(),
            "no EAP-Success from the server: ours, with the identifier of the peer's response");
        assertSame(msk, success.msk());
        assertEquals("bob", success.username());
        assertSame(accepted, relay.accepted());
    }

    @Test
    void shouldFailOnARejectAndOnAChallengeWithoutAnEapRequest()
    {
        final EapRelay relay = new EapRelay("RAD", "198.51.100.7");
        relay.request(IDENTITY);
        final byte[] serverFailure = {Ike.EAP_FAILURE, 5, 0, 4};
        final EapResult.Failed rejected = assertInstanceOf(EapResult.Failed.class, relay.result(NEXT,
            new RadiusEap.Answer(new AuthOutcome.Rejected("bad password"), serverFailure, null)));
        assertArrayEquals(serverFailure, rejected.failure());
        assertEquals("rejected by RAD (bad password)", rejected.reason());
        final EapResult.Failed empty = assertInstanceOf(EapResult.Failed.class, relay.result(NEXT,
            new RadiusEap.Answer(new AuthOutcome.Challenged(null, new byte[] {1}), null, null)));
        assertArrayEquals(new byte[] {Ike.EAP_FAILURE, 5, 0, 4}, empty.failure());
        assertNull(relay.accepted());
    }
}
