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
     * Turns the connection into a CSTP tunnel: the HTTP handlers go, the connection moves to {@code loop}, then
     * {@code tunnel} takes their place there and {@code head} (the CONNECT answer, raw bytes) is written as its own
     * TLS record.
     *
     * @param loop   the data plane event loop that forwards the tunnel's packets
     * @param ifGone run instead when the connection closed (or could not move) before the switch
     */
    void upgrade(byte[] head, ChannelHandler tunnel, io.netty.channel.EventLoop loop, Runnable ifGone);

    /** The connection's Netty channel. */
    io.netty.channel.Channel channel();

    /** Who sent the request. */
    ClientInfo client();
}
