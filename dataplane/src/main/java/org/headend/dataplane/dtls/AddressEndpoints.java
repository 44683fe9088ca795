package org.headend.dataplane.dtls;

import java.util.ArrayList;
import java.util.List;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The DTLS endpoints of one client IP, where a record from a port of that IP that has no endpoint is looked for (NAT
 * rebinding: the client's NAT gave it a new port). Trying a record against an endpoint costs an AEAD check, and the
 * sender of such records may be anyone who sends UDP from (or spoofs) that IP, so one record is tried against at
 * most {@link #TRIALS_PER_DATAGRAM} endpoints, taking turns round the list: behind a NAT with n tunnels a rebound
 * client is found within n / {@value #TRIALS_PER_DATAGRAM} of its records, and a flood from unknown ports costs the
 * same per datagram however many tunnels that address has.
 *
 * <p>Thread: the DTLS port's event loop.
 */
final class AddressEndpoints
{
    /** AEAD checks one record from an unknown port may cost. */
    static final int TRIALS_PER_DATAGRAM = 4;

    private final List<DtlsEndpoint> endpoints = new ArrayList<>(1);
    /** Where the next record's trials begin. */
    private int next;

    void add(final DtlsEndpoint endpoint)
    {
        endpoints.add(endpoint);
    }

    /** @return whether none is left */
    boolean remove(final DtlsEndpoint endpoint)
    {
        endpoints.remove(endpoint);
        return endpoints.isEmpty();
    }

    /**
     * The endpoint whose keys open the first record of {@code datagram}, among the next few in turn; null if none of
     * them does.
     */
    DtlsEndpoint authenticating(final DirectBuffer datagram, final int length, final MutableDirectBuffer scratch)
    {
        final int size = endpoints.size();
        final int trials = Math.min(size, TRIALS_PER_DATAGRAM);
        for (int i = 0; i < trials; i++)
        {
            if (next >= size)
            {
                next = 0;
            }
            final DtlsEndpoint candidate = endpoints.get(next++);
            if (candidate.authenticates(datagram, length, scratch))
            {
                return candidate;
            }
        }
        return null;
    }
}
