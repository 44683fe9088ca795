package org.headend.dataplane.alloc;

/** The client end of a CSTP tunnel under an allocation measurement. */
interface CstpPeer extends AutoCloseable
{
    /** Sends {@code packets} data frames from the client; returns before they are all taken. Test thread. */
    void sendFromClient(int packets);

    /** Data frames carrying the inside's packet that reached the client. */
    long receivedByClient();

    /** Frames that reached the client that were not one data frame carrying the inside's packet. */
    long malformed();

    /** Whether everything the headend wrote has left (nothing waits in the connection's outbound buffer). */
    default boolean flushed()
    {
        return true;
    }

    /** What went wrong on the client's own threads, or null. */
    default Throwable failure()
    {
        return null;
    }
}
