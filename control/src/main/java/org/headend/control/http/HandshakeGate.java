package org.headend.control.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bound on the TLS handshakes the front door works on at once. Past its capacity every handshake in flight slowed
 * down together (the loop took turns among all of them), until none finished before its client gave up: no goodput
 * at 100 setups/s offered (issue 13). While {@code max} handshakes are in flight the TLS listeners stop accepting, so
 * new connections wait in the kernel's accept queue (the listener's backlog) and overload becomes a queue: the
 * handshakes that are let in finish at the loop's full speed, in arrival order.
 *
 * <p>A handshake counts from its connection's first bytes (the ClientHello) to its end (success, failure, close).
 * Connections that were accepted and send nothing cost no CPU and do not count, so idle connections cannot shut the
 * door (they are bounded by {@link PreTunnelCap} and the handshake timeout). A handshake that holds its place longer
 * than {@code holdNanos} (a client stalled in the middle, or a very slow one) gives it back without being closed, so
 * stalled clients can slow the door down but not shut it.
 *
 * <p>Thread: the front door's event loop, which carries every TLS listener and connection; nothing is shared with
 * other threads except the listener set, which is guarded.
 */
public final class HandshakeGate
{
    /** The system property that sets {@code max}; default {@link #defaultMax()}. */
    public static final String MAX_PROP_NAME = "headend.tls.handshakes.max";
    /** How long one handshake may hold its place (a TLS 1.3 handshake is one round trip and a few ms of CPU). */
    static final long HOLD_NANOS = TimeUnit.SECONDS.toNanos(2);
    static final String NAME = "handshake-gate";
    private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final Logger LOG = LoggerFactory.getLogger(HandshakeGate.class);

    private final int max;
    private final long holdNanos;
    /** The listeners whose connections are counted: stopped and restarted together. */
    private final Set<Channel> listeners = Collections.synchronizedSet(Collections.newSetFromMap(
        new IdentityHashMap<>()));
    private int inFlight;
    private boolean closed;
    private long pauses;
    private long overHold;
    private long lastWarnNanos = System.nanoTime() - WARN_EVERY_NANOS;

    public HandshakeGate(final int max, final long holdNanos)
    {
        if (max < 1)
        {
            throw new IllegalArgumentException("at least one handshake must be let in, not " + max);
        }
        this.max = max;
        this.holdNanos = holdNanos;
    }

    /**
     * {@value #MAX_PROP_NAME}, else 32 a core (64 on 2 cores). A handshake holds its place for its round trips as
     * well as its few ms of CPU, so the bound must cover a core's handshake rate times a distant client's round trip
     * (about 300/s times 100 ms), or it would cap the setup rate below what the CPU can do; and it stays small enough
     * that the CPU work queued ahead of any one handshake (64 times a few ms) is far below a client's patience.
     */
    public static int defaultMax()
    {
        return Integer.getInteger(MAX_PROP_NAME, 32 * Runtime.getRuntime().availableProcessors());
    }

    /**
     * Counts {@code channel}'s handshake against the bound, from its first bytes until {@code handshakeDone}
     * completes; call while its pipeline is built, before the TLS handler is added (the gate's handler must see the
     * bytes first).
     */
    public void watch(final Channel channel, final Future<?> handshakeDone)
    {
        final Channel listener = channel.parent();
        if (listener != null && listeners.add(listener))
        {
            listener.closeFuture().addListener(f -> listeners.remove(listener));
            if (closed)
            {
                listener.config().setAutoRead(false);
            }
        }
        channel.pipeline().addLast(NAME, new Slot(handshakeDone));
    }

    /** Handshakes in flight now. */
    public int inFlight()
    {
        return inFlight;
    }

    /** Times the gate closed (the listeners stopped accepting). */
    public long pauses()
    {
        return pauses;
    }

    /** Handshakes that held their place longer than allowed and gave it back. */
    public long overHold()
    {
        return overHold;
    }

    /** Whether the listeners are stopped now. */
    public boolean closed()
    {
        return closed;
    }

    private void take()
    {
        inFlight++;
        if (inFlight >= max && !closed)
        {
            closed = true;
            pauses++;
            setAccepting(false);
            final long now = System.nanoTime();
            if (now - lastWarnNanos >= WARN_EVERY_NANOS)
            {
                lastWarnNanos = now;
                LOG.warn("{} TLS handshakes in flight: new connections wait in the listen queue until one ends ({}"
                    + " times so far; -D{} sets the bound)", max, pauses, MAX_PROP_NAME);
            }
        }
    }

    private void give()
    {
        inFlight--;
        if (inFlight < max && closed)
        {
            closed = false;
            setAccepting(true);
        }
    }

    private void setAccepting(final boolean accept)
    {
        synchronized (listeners)
        {
            for (final Channel listener : listeners)
            {
                listener.config().setAutoRead(accept);
            }
        }
    }

    /** One connection's place: taken on its first bytes, given back once and then out of the pipeline. */
    private final class Slot extends ChannelInboundHandlerAdapter
    {
        private final Future<?> handshakeDone;
        /** Counted once at most: a handshake over its hold time is not counted again by its next bytes. */
        private boolean counted;
        private boolean holding;
        private ScheduledFuture<?> holdTimer;

        Slot(final Future<?> handshakeDone)
        {
            this.handshakeDone = handshakeDone;
        }

        @Override
        public void handlerAdded(final ChannelHandlerContext ctx)
        {
            handshakeDone.addListener(f ->
            {
                if (ctx.executor().inEventLoop())
                {
                    finish(ctx);
                }
                else
                {
                    ctx.executor().execute(() -> finish(ctx));
                }
            });
        }

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg)
        {
            if (!counted)
            {
                counted = true;
                holding = true;
                take();
                holdTimer = ctx.executor().schedule(() ->
                {
                    overHold++;
                    release();
                }, holdNanos, TimeUnit.NANOSECONDS);
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void handlerRemoved(final ChannelHandlerContext ctx)
        {
            counted = true;
            release();
        }

        private void finish(final ChannelHandlerContext ctx)
        {
            counted = true;
            release();
            if (!ctx.isRemoved())
            {
                ctx.pipeline().remove(this);
            }
        }

        private void release()
        {
            if (holdTimer != null)
            {
                holdTimer.cancel(false);
                holdTimer = null;
            }
            if (holding)
            {
                holding = false;
                give();
            }
        }
    }
}
