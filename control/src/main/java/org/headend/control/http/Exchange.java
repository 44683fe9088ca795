package org.headend.control.http;

import io.netty.channel.ChannelHandler;

/**
 * The way back to the client for one request. The control thread calls exactly one of the methods; each hands the
 * work to the connection's event loop.
 */
public interface Exchange
{
    /** Sends an ordinary HTTP answer. */
    void reply(HttpAnswer answer);

    /**
     * Turns the connection into a CSTP tunnel: the HTTP handlers go, {@code tunnel} takes their place, then
     * {@code head} (the CONNECT answer, raw bytes) is written as its own TLS record.
     *
     * @param ifGone run on the event loop instead when the connection closed before the switch
     */
    void upgrade(byte[] head, ChannelHandler tunnel, Runnable ifGone);

    /** The connection's Netty channel. */
    io.netty.channel.Channel channel();

    /** Who sent the request. */
    ClientInfo client();
}
