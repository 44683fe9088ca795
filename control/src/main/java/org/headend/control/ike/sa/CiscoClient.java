package org.headend.control.ike.sa;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.headend.control.ike.codec.Ike;
import org.headend.control.ike.codec.PayloadSet;

/**
 * How the responder tells a Cisco AnyConnect client from a standards-based one (docs ikev2-plan.md §1.2–1.3): the
 * {@code CISCO-ANYCONNECT-EAP} vendor ID (the ASCII text itself) in its IKE_SA_INIT, or the KEY_ID IDi
 * {@value #CLIENT_KEY_ID} in its first IKE_AUTH. Such a client gets EAP-AnyConnect; any other the standard EAP
 * methods. Taken from the strongSwan fork's reverse engineering, <b>unverified against a real Cisco client</b>.
 */
public final class CiscoClient
{
    /** The vendor ID that announces EAP-AnyConnect, echoed in our IKE_SA_INIT answer when the client sent it. */
    public static final byte[] ANYCONNECT_EAP_VID = "CISCO-ANYCONNECT-EAP".getBytes(StandardCharsets.US_ASCII);
    /** The IDi (KEY_ID) of an AnyConnect client that authenticates by EAP-AnyConnect. */
    public static final String CLIENT_KEY_ID = "*$AnyConnectClient$*";

    private CiscoClient()
    {
    }

    /** Whether {@code vendorIds} (of an IKE_SA_INIT) hold the EAP-AnyConnect vendor ID. */
    public static boolean announcesEap(final List<byte[]> vendorIds)
    {
        for (final byte[] vid : vendorIds)
        {
            if (MessageDigest.isEqual(ANYCONNECT_EAP_VID, vid))
            {
                return true;
            }
        }
        return false;
    }

    /** Whether the first IKE_AUTH names the client by AnyConnect's own KEY_ID. */
    static boolean namesItself(final PayloadSet firstAuth)
    {
        return firstAuth.idiType() == Ike.ID_KEY_ID && CLIENT_KEY_ID.equals(firstAuth.idiText());
    }
}
