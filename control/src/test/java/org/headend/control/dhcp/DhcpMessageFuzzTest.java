package org.headend.control.dhcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;

/**
 * The DHCP reader under arbitrary datagrams, as anything on the inside network may send them to the relay port:
 * {@link DhcpMessage#decode} either refuses with a {@link DhcpFormatException} that says why, or returns a message
 * that encodes to bytes reading back as the same message; and a lease being acquired takes any decoded message
 * without throwing. The corpus holds a dnsmasq-shaped OFFER, ACK and NAK, a DISCOVER, an RFC 3396 split option
 * and an option running past the end.
 */
class DhcpMessageFuzzTest
{
    @FuzzTest
    void anyDatagramDecodesToAMessageThatRoundTripsOrIsRefusedClearly(final byte[] input)
    {
        final DhcpMessage message;
        try
        {
            message = DhcpMessage.decode(input, input.length);
        }
        catch (final DhcpFormatException ex)
        {
            assertNotNull(ex.getMessage());
            return;
        }
        final byte[] encoded = message.encode();
        try
        {
            assertEquals(message, DhcpMessage.decode(encoded, encoded.length), "what is written back reads the same");
        }
        catch (final DhcpFormatException ex)
        {
            throw new AssertionError("a decoded message re-encoded must decode: " + ex.getMessage(), ex);
        }
        final DhcpLease lease = new DhcpLease(message.xid(), message.chaddr().length == 6 ? message.chaddr()
            : new byte[] {2, 0, 0, 0, 0, 1}, 0x0A3C0001, List.of(0x0A4E0002), 10_000_000_000L, 0);
        lease.start(0);
        lease.onMessage(message, 1);
        lease.onMessage(message, 2);
        lease.onTimer(Long.MAX_VALUE / 2);
    }
}
