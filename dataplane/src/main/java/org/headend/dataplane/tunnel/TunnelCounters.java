package org.headend.dataplane.tunnel;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Per-tunnel traffic counters of inner packets, and of the packets the tunnel dropped each way. Single writer: the
 * event loop of the CSTP handler or DTLS endpoint that owns them ({@code add*}); any thread may read.
 */
public final class TunnelCounters
{
    private static final VarHandle RX_PACKETS;
    private static final VarHandle RX_BYTES;
    private static final VarHandle TX_PACKETS;
    private static final VarHandle TX_BYTES;
    private static final VarHandle RX_DROPS;
    private static final VarHandle TX_DROPS;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            RX_PACKETS = lookup.findVarHandle(TunnelCounters.class, "rxPackets", long.class);
            RX_BYTES = lookup.findVarHandle(TunnelCounters.class, "rxBytes", long.class);
            TX_PACKETS = lookup.findVarHandle(TunnelCounters.class, "txPackets", long.class);
            TX_BYTES = lookup.findVarHandle(TunnelCounters.class, "txBytes", long.class);
            RX_DROPS = lookup.findVarHandle(TunnelCounters.class, "rxDrops", long.class);
            TX_DROPS = lookup.findVarHandle(TunnelCounters.class, "txDrops", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private long rxPackets;
    private long rxBytes;
    private long txPackets;
    private long txBytes;
    private long rxDrops;
    private long txDrops;

    public void addRx(final int bytes)
    {
        RX_PACKETS.setRelease(this, rxPackets + 1);
        RX_BYTES.setRelease(this, rxBytes + bytes);
    }

    public void addTx(final int bytes)
    {
        TX_PACKETS.setRelease(this, txPackets + 1);
        TX_BYTES.setRelease(this, txBytes + bytes);
    }

    /** A packet from the client was dropped (refused by its access check, undecodable, or no room inside). */
    public void addRxDrop()
    {
        RX_DROPS.setRelease(this, rxDrops + 1);
    }

    /** A packet for the client was dropped (the client not reading, or the record could not be sealed). */
    public void addTxDrop()
    {
        TX_DROPS.setRelease(this, txDrops + 1);
    }

    public long rxDrops()
    {
        return (long)RX_DROPS.getAcquire(this);
    }

    public long txDrops()
    {
        return (long)TX_DROPS.getAcquire(this);
    }

    public long rxPackets()
    {
        return (long)RX_PACKETS.getAcquire(this);
    }

    public long rxBytes()
    {
        return (long)RX_BYTES.getAcquire(this);
    }

    public long txPackets()
    {
        return (long)TX_PACKETS.getAcquire(this);
    }

    public long txBytes()
    {
        return (long)TX_BYTES.getAcquire(this);
    }
}
