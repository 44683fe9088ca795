package org.headend.control.ops.syslog;

import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.headend.control.config.LogHost;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends framed syslog messages to the collectors from its own thread: whoever logs only offers to a bounded queue
 * and never waits. UDP: one datagram per message. TCP: one message per line on a kept connection, reconnected
 * with a growing pause (1 s doubling to 30 s) after a failure; while a collector is down its messages are dropped
 * and counted, never queued without bound.
 */
final class SyslogSender implements AutoCloseable
{
    static final int QUEUE_CAPACITY = 1024;
    private static final Logger LOG = LoggerFactory.getLogger(SyslogSender.class);
    private static final int CONNECT_TIMEOUT_MILLIS = 2000;
    private static final long FIRST_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** A message and the collectors it goes to (those configured when it was logged). */
    private record Outgoing(byte[] bytes, List<LogHost> hosts)
    {
    }

    private final BlockingQueue<Outgoing> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final Thread thread;
    /** Sender thread only. */
    private final Map<LogHost, TcpLink> links = new HashMap<>();
    private DatagramSocket udp;
    private volatile boolean running = true;

    SyslogSender()
    {
        thread = new Thread(this::run, "syslog-sender");
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues {@code line} (without line end) for {@code hosts}; false (and counted) when the queue is full. */
    boolean offer(final String line, final List<LogHost> hosts)
    {
        if (hosts.isEmpty())
        {
            return true;
        }
        if (!queue.offer(new Outgoing(line.getBytes(StandardCharsets.UTF_8), hosts)))
        {
            dropped.addAndGet(hosts.size());
            return false;
        }
        return true;
    }

    /** Messages delivered to a collector's socket (one per collector). */
    long sent()
    {
        return sent.get();
    }

    /** Messages lost: queue full, collector unreachable, or send failed (one per collector). */
    long dropped()
    {
        return dropped.get();
    }

    @Override
    public void close()
    {
        running = false;
        thread.interrupt();
    }

    private void run()
    {
        try
        {
            while (running)
            {
                final Outgoing next = queue.poll(1, TimeUnit.SECONDS);
                if (next != null)
                {
                    for (final LogHost host : next.hosts())
                    {
                        send(host, next.bytes());
                    }
                }
                if (next != null)
                {
                    // a collector no longer configured loses its connection with the first message it misses
                    links.keySet().removeIf(host -> !next.hosts().contains(host) && closeLink(host));
                }
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        finally
        {
            links.values().forEach(TcpLink::close);
            if (udp != null)
            {
                udp.close();
            }
        }
    }

    private boolean closeLink(final LogHost host)
    {
        links.get(host).close();
        return true;
    }

    private void send(final LogHost host, final byte[] bytes)
    {
        final boolean ok = host.tcp() ? links.computeIfAbsent(host, TcpLink::new).send(bytes) : sendUdp(host, bytes);
        (ok ? sent : dropped).incrementAndGet();
    }

    private boolean sendUdp(final LogHost host, final byte[] bytes)
    {
        try
        {
            if (udp == null)
            {
                udp = new DatagramSocket();
            }
            udp.send(new DatagramPacket(bytes, bytes.length, new InetSocketAddress(host.address(), host.port())));
            return true;
        }
        catch (final IOException ex)
        {
            LOG.debug("syslog to {}:{} failed: {}", host.address().getHostAddress(), host.port(), ex.toString());
            return false;
        }
    }

    /** A TCP connection to one collector, reconnected after a pause that grows with each failure. */
    private static final class TcpLink
    {
        private final LogHost host;
        private Socket socket;
        private OutputStream out;
        private long retryAtNanos;
        private long backoffNanos = FIRST_BACKOFF_NANOS;

        TcpLink(final LogHost host)
        {
            this.host = host;
        }

        boolean send(final byte[] bytes)
        {
            if (out == null && !connect())
            {
                return false;
            }
            try
            {
                out.write(bytes);
                out.write('\n');
                out.flush();
                return true;
            }
            catch (final IOException ex)
            {
                LOG.info("syslog collector {}:{} (tcp) lost: {}", host.address().getHostAddress(), host.port(),
                    ex.toString());
                close();
                retryAtNanos = System.nanoTime();
                return false;
            }
        }

        private boolean connect()
        {
            if (System.nanoTime() - retryAtNanos < 0)
            {
                return false;
            }
            try
            {
                final Socket fresh = new Socket();
                fresh.connect(new InetSocketAddress(host.address(), host.port()), CONNECT_TIMEOUT_MILLIS);
                socket = fresh;
                out = fresh.getOutputStream();
                backoffNanos = FIRST_BACKOFF_NANOS;
                LOG.info("syslog collector {}:{} (tcp) connected", host.address().getHostAddress(), host.port());
                return true;
            }
            catch (final IOException ex)
            {
                retryAtNanos = System.nanoTime() + backoffNanos;
                LOG.info("syslog collector {}:{} (tcp) unreachable, next try in {} s: {}",
                    host.address().getHostAddress(), host.port(), TimeUnit.NANOSECONDS.toSeconds(backoffNanos),
                    ex.toString());
                backoffNanos = Math.min(MAX_BACKOFF_NANOS, backoffNanos * 2);
                return false;
            }
        }

        void close()
        {
            if (socket != null)
            {
                try
                {
                    socket.close();
                }
                catch (final IOException ex)
                {
                    LOG.debug("closing syslog connection: {}", ex.toString());
                }
            }
            socket = null;
            out = null;
        }
    }
}
