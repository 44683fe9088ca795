package org.headend.dataplane.tunnel;

import org.agrona.concurrent.status.AtomicCounter;
import org.headend.dataplane.api.DataplaneCounter;
import org.headend.dataplane.api.DataplaneCounters;
import org.headend.dataplane.api.TunnelAccess;

/** Counts a packet that {@link TunnelAccess#check} refused under its reason. One per CSTP handler or DTLS endpoint. */
public final class AccessDrops
{
    private final AtomicCounter runts;
    private final AtomicCounter notIp;
    private final AtomicCounter spoofed;
    private final AtomicCounter filtered;
    private final AtomicCounter linkLocal;

    public AccessDrops(final DataplaneCounters counters)
    {
        runts = counters.counter(DataplaneCounter.RUNT_PACKET_DROPS);
        notIp = counters.counter(DataplaneCounter.NOT_IP_DROPS);
        spoofed = counters.counter(DataplaneCounter.SPOOFED_SOURCE_DROPS);
        filtered = counters.counter(DataplaneCounter.FILTERED_DESTINATION_DROPS);
        linkLocal = counters.counter(DataplaneCounter.LINK_LOCAL_DROPS);
    }

    /** Counts one drop for {@code verdict}, a reason from {@link TunnelAccess}. */
    public void count(final int verdict)
    {
        switch (verdict)
        {
            case TunnelAccess.RUNT -> runts.increment();
            case TunnelAccess.SPOOFED -> spoofed.increment();
            case TunnelAccess.FILTERED -> filtered.increment();
            case TunnelAccess.LINK_LOCAL -> linkLocal.increment();
            default -> notIp.increment();
        }
    }
}
