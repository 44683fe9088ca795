package org.headend.dataplane.alloc;

/** The client end of a tunnel (CSTP or DTLS) under an allocation measurement. */
interface MeasuredClient extends AutoCloseable
{
    /** Sends {@code packets} inside packets from the client; returns before they are all taken. Test thread. */
    void sendFromClient(int packets);

    /**
     * The inside's packets on their way to the client that the measurement counts as arrived: those that reached
     * the client where it reads them, else those the headend sent it.
     */
    long toClient();

    /** Packets that reached the client not as the inside sent them (0 where the client does not check each one). */
    default long malformed()
    {
        return 0;
    }

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
