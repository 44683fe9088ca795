package org.headend.perf.uring;

/** A UDP echo server on loopback run by one thread, whose CPU time and allocation the figures count. */
interface EchoServer extends AutoCloseable
{
    /** Name printed in the table. */
    String name();

    int port();

    /** The thread doing all of the server's receiving and sending. */
    Thread thread();

    @Override
    void close() throws Exception;
}
