package org.headend.control.ike.eap;

/**
 * An EAP method the responder runs itself, one per IKE SA, on the control thread: the standard methods of
 * {@link EapServer} for standards-based clients (strongSwan, Windows), {@link EapAnyConnectServer} for Cisco
 * AnyConnect. A password a method cannot check itself comes back as {@link EapResult.CheckPassword}, and the
 * authenticator's verdict goes to {@link #passwordChecked}.
 */
public interface EapMethod
{
    /** The first EAP request. */
    byte[] start();

    /** The next step for the peer's EAP response. */
    EapResult onResponse(byte[] eap);

    /** The authenticator's verdict on the password of the last {@link EapResult.CheckPassword}. */
    EapResult passwordChecked(boolean accepted);
}
