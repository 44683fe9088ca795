package org.headend.control.ike;

import java.nio.charset.StandardCharsets;
import org.headend.control.auth.AuthOutcome;
import org.headend.control.auth.AuthRequest;
import org.headend.control.auth.radius.RadiusEap;
import org.headend.control.ike.codec.EapPacket;
import org.headend.control.ike.codec.Ike;
import org.headend.control.ike.eap.EapResult;

/**
 * One IKE SA's EAP conversation with a RADIUS server (RFC 3579 pass-through): the user is named by the peer's
 * EAP-Identity response, each later round carries the State of the server's last challenge, and the server's
 * answers become what the responder sends: the next EAP request, EAP-Success with the MSK, or EAP-Failure. Control
 * thread only.
 */
final class EapRelay
{
    private final String serverGroup;
    private final String clientAddress;
    private String username;
    private byte[] state;
    private AuthOutcome.Accepted accepted;

    EapRelay(final String serverGroup, final String clientAddress)
    {
        this.serverGroup = serverGroup;
        this.clientAddress = clientAddress;
    }

    String serverGroup()
    {
        return serverGroup;
    }

    /** What the server assigned in its Access-Accept (group-policy, Framed-IP-Address), or null before. */
    AuthOutcome.Accepted accepted()
    {
        return accepted;
    }

    /**
     * The request that relays the peer's {@code eap}; null when the first response is not an EAP-Identity with a
     * name (then there is nobody to ask the server about).
     */
    AuthRequest request(final byte[] eap)
    {
        if (username == null)
        {
            if (eap.length <= 5 || eap[0] != Ike.EAP_RESPONSE || eap[4] != Ike.EAP_TYPE_IDENTITY)
            {
                return null;
            }
            username = new String(eap, 5, eap.length - 5, StandardCharsets.UTF_8).trim();
        }
        return new AuthRequest(username, null, clientAddress, state, AuthRequest.Purpose.VPN);
    }

    /** The username the conversation is about, or null before the identity. */
    String username()
    {
        return username;
    }

    /**
     * What the responder sends for the server's {@code answer} to the peer's {@code eap}. An answer without the EAP
     * packet it should carry gets one of our own (Success or Failure with the identifier of the peer's response,
     * RFC 3748 §4.2).
     */
    EapResult result(final byte[] eap, final RadiusEap.Answer answer)
    {
        final int identifier = eap.length > 1 ? eap[1] & 0xff : 0;
        final byte[] packet = answer.eap();
        switch (answer.outcome())
        {
            case AuthOutcome.Challenged challenged ->
            {
                if (packet == null || packet[0] != Ike.EAP_REQUEST)
                {
                    return failed(identifier, "the server's challenge holds no EAP request");
                }
                state = challenged.state();
                return new EapResult.Continue(packet);
            }
            case AuthOutcome.Accepted yes ->
            {
                accepted = yes;
                return new EapResult.Succeeded(packet != null && packet[0] == Ike.EAP_SUCCESS ? packet
                    : EapPacket.result(Ike.EAP_SUCCESS, identifier), username, answer.msk());
            }
            case AuthOutcome.Rejected no ->
            {
                return new EapResult.Failed(packet != null && packet[0] == Ike.EAP_FAILURE ? packet
                    : EapPacket.result(Ike.EAP_FAILURE, identifier), username,
                    "rejected by " + serverGroup + (no.message() == null ? "" : " ("
                    + org.headend.control.LogText.escape(no.message()) + ")"));
            }
            case AuthOutcome.Unavailable down ->
            {
                return failed(identifier, down.why());
            }
        }
    }

    private EapResult failed(final int identifier, final String why)
    {
        return new EapResult.Failed(EapPacket.result(Ike.EAP_FAILURE, identifier), username, why);
    }
}
