package org.headend.control.ike.sa;

/**
 * What the operator sees of IKE fragmentation (RFC 7383) in {@code show crypto ikev2 stats}: fragments received and
 * sent, and the messages put back together from them. Counted on the control thread, read there.
 */
public final class IkeStats
{
    private long fragmentsIn;
    private long reassembled;
    private long fragmentsOut;
    private long fragmentedOut;

    void fragmentIn()
    {
        fragmentsIn++;
    }

    void reassembled()
    {
        reassembled++;
    }

    void fragmentedOut(final int fragments)
    {
        fragmentedOut++;
        fragmentsOut += fragments;
    }

    /** SKF fragments received that verified. */
    public long fragmentsIn()
    {
        return fragmentsIn;
    }

    /** Messages reassembled from received fragments. */
    public long reassembledMessages()
    {
        return reassembled;
    }

    /** SKF fragments sent. */
    public long fragmentsOut()
    {
        return fragmentsOut;
    }

    /** Our messages that went in fragments. */
    public long fragmentedMessagesOut()
    {
        return fragmentedOut;
    }
}
