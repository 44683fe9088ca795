package org.headend.control.ike.eap;

/** What an EAP server answers a response with. */
public sealed interface EapResult
{
    /** Another request to send. */
    record Continue(byte[] request) implements EapResult
    {
    }

    /**
     * The method succeeded: send {@code success} (an EAP-Success) and key the AUTH payloads with {@code msk}.
     *
     * @param msk the master session key, or null for a method that makes none (then SK_pi/SK_pr key AUTH)
     */
    record Succeeded(byte[] success, String username, byte[] msk) implements EapResult
    {
    }

    /**
     * The peer sent a password (EAP-GTC): check it with the authenticator, off the control thread, and give the
     * verdict to {@link EapServer#passwordChecked}; the IKE_AUTH answer waits for it.
     */
    record CheckPassword(String username, String password) implements EapResult
    {
        @Override
        public String toString()
        {
            return "CheckPassword[" + username + "]";
        }
    }

    /** The method failed: send {@code failure} (an EAP-Failure). */
    record Failed(byte[] failure, String username, String reason) implements EapResult
    {
    }
}
