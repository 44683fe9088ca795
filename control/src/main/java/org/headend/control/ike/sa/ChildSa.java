package org.headend.control.ike.sa;

import java.util.List;
import org.headend.control.ike.codec.TrafficSelector;

/**
 * A negotiated CHILD_SA (ESP, tunnel mode, AES-GCM-16): both SPIs and the key material for each direction, each
 * AES key ‖ 4-byte salt (RFC 4106 §8.1), as RFC 7296 §2.17 orders KEYMAT (initiator to responder first).
 *
 * @param inboundSpi  ours: the client sends with it
 * @param outboundSpi the client's: we send with it
 * @param keymatIn    initiator-to-responder key and salt
 * @param keymatOut   responder-to-initiator key and salt
 */
public record ChildSa(int inboundSpi, int outboundSpi, int keyBits, boolean esn, byte[] keymatIn, byte[] keymatOut,
    List<TrafficSelector> tsi, List<TrafficSelector> tsr)
{
    @Override
    public String toString()
    {
        return String.format("ChildSa[in %08x out %08x AES-GCM-%d%s]", inboundSpi, outboundSpi, keyBits,
            esn ? " ESN" : "");
    }
}
