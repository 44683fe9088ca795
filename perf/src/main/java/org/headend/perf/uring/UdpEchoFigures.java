package org.headend.perf.uring;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * UDP echo on loopback, the FFM io_uring port against Netty's io_uring datagram channel, one server at a time in
 * this JVM, each on one thread whose CPU time and allocation are read from the JVM:
 * <ul>
 * <li>throughput: 1400-byte datagrams, {@value #WINDOW} in flight, for {@code uring.seconds} s; echoes per second of
 * the server thread's CPU (user + system, which includes the kernel's UDP work done on that thread) and bytes the
 * server thread allocated per echo;</li>
 * <li>RTT: 100-byte datagrams sent at 10,000, 100 and 1 per second (paced, not waiting for the reply) to every
 * server in turn, p50/p99 of the time until the echo is back, and the server thread's CPU time per echo at that
 * rate (wake-up included: on a loaded machine the RTTs measure the scheduler, this does not).</li>
 * </ul>
 * The client is a plain JDK socket (same for every server). Run by perf/scripts/uring-vs-netty.sh.
 */
public final class UdpEchoFigures
{
    private static final int SIZE = 1400;
    private static final int WINDOW = 32;
    private static final int[] RATES = {10_000, 100, 1};
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    private UdpEchoFigures()
    {
    }

    /**
     * @param args ignored; {@code -During.seconds} (throughput, default 10), {@code -During.rtt.seconds} (per rate,
     *             default 10, at least 15 samples at 1/s), {@code -During.servers=ffm,netty1,netty16}.
     */
    public static void main(final String[] args) throws Exception
    {
        final int seconds = Integer.getInteger("uring.seconds", 10);
        final int rttSeconds = Integer.getInteger("uring.rtt.seconds", 10);
        final List<String> servers = List.of(System.getProperty("uring.servers", "ffm,netty1,netty16").split(","));
        final List<EchoServer> started = new ArrayList<>();
        try
        {
            for (final String name : servers)
            {
                started.add(start(name));
            }
            final Map<EchoServer, String> lines = new LinkedHashMap<>();
            for (final EchoServer server : started)
            {
                lines.put(server, throughput(server, 3, false) + throughput(server, seconds, true) + " |");
            }
            for (final int rate : RATES)
            {
                final List<String> figures = rtt(started, rate, rate == 1 ? Math.max(15, rttSeconds) : rttSeconds);
                for (int i = 0; i < started.size(); i++)
                {
                    lines.merge(started.get(i), String.format(" %-22s", figures.get(i)), String::concat);
                }
            }
            System.out.printf("%-24s %10s %14s %10s %7s | %-22s %-22s %-22s%n", "server (1 thread)", "echo/s",
                "echo/CPU-s", "B/echo", "lost", "@10000/s", "@100/s", "@1/s");
            System.out.printf("%69s | RTT p50/p99 us, server CPU us per echo (lost)%n", "");
            lines.forEach((server, line) -> System.out.printf("%-24s %s%n", server.name(), line));
        }
        finally
        {
            for (final EchoServer server : started)
            {
                server.close();
            }
        }
    }

    private static EchoServer start(final String name) throws Exception
    {
        return switch (name)
        {
            case "ffm" -> new FfmEchoServer();
            case "netty1" -> new NettyEchoServer(1);
            case "netty16" -> new NettyEchoServer(16);
            default -> throw new IllegalArgumentException("unknown server " + name + " (ffm, netty1, netty16)");
        };
    }

    private static String throughput(final EchoServer server, final int seconds, final boolean report)
        throws IOException
    {
        try (DatagramSocket client = client(server))
        {
            final DatagramPacket out = new DatagramPacket(new byte[SIZE], SIZE);
            final DatagramPacket in = new DatagramPacket(new byte[4096], 4096);
            final long id = server.thread().threadId();
            final long cpuBefore = THREADS.getThreadCpuTime(id);
            final long allocatedBefore = THREADS.getThreadAllocatedBytes(id);
            final long start = System.nanoTime();
            final long end = start + TimeUnit.SECONDS.toNanos(seconds);
            long echoes = 0;
            long lost = 0;
            while (System.nanoTime() < end)
            {
                for (int i = 0; i < WINDOW; i++)
                {
                    client.send(out);
                }
                for (int i = 0; i < WINDOW; i++)
                {
                    try
                    {
                        in.setLength(4096);
                        client.receive(in);
                        echoes++;
                    }
                    catch (final SocketTimeoutException ex)
                    {
                        lost += WINDOW - i;
                        break;
                    }
                }
            }
            final double elapsed = (System.nanoTime() - start) / 1e9;
            final double cpu = (THREADS.getThreadCpuTime(id) - cpuBefore) / 1e9;
            final long allocated = THREADS.getThreadAllocatedBytes(id) - allocatedBefore;
            return report ? String.format("%10.0f %14.0f %10.1f %7d", echoes / elapsed, echoes / cpu,
                (double)allocated / echoes, lost) : "";
        }
    }

    /**
     * Pings every server at {@code rate} per second for {@code seconds}, interleaved (each tick pings them all, in
     * an order that rotates), so whatever else loads the machine meanwhile weighs on each server alike.
     */
    private static List<String> rtt(final List<EchoServer> servers, final int rate, final int seconds)
        throws Exception
    {
        final List<Pinger> pingers = new ArrayList<>();
        try
        {
            for (final EchoServer server : servers)
            {
                pingers.add(new Pinger(server.port()));
            }
            final long[] cpuBefore = new long[servers.size()];
            for (int k = 0; k < servers.size(); k++)
            {
                cpuBefore[k] = THREADS.getThreadCpuTime(servers.get(k).thread().threadId());
            }
            final long interval = TimeUnit.SECONDS.toNanos(1) / rate;
            final long start = System.nanoTime();
            for (long i = 0, count = (long)rate * seconds; i < count; i++)
            {
                final long due = start + i * interval;
                for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime())
                {
                    LockSupport.parkNanos(wait);
                }
                for (int k = 0; k < pingers.size(); k++)
                {
                    pingers.get((int)((i + k) % pingers.size())).ping();
                }
            }
            final List<String> figures = new ArrayList<>();
            for (int k = 0; k < servers.size(); k++)
            {
                final Pinger pinger = pingers.get(k);
                final String rtt = pinger.rtt();
                final long cpu = THREADS.getThreadCpuTime(servers.get(k).thread().threadId()) - cpuBefore[k];
                figures.add(String.format("%s %.0f%s", rtt, cpu / 1e3 / Math.max(1, pinger.received()),
                    pinger.lost() > 0 ? " (" + pinger.lost() + ")" : ""));
            }
            return figures;
        }
        finally
        {
            pingers.forEach(Pinger::close);
        }
    }

    private static DatagramSocket client(final EchoServer server) throws IOException
    {
        final DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
        socket.setSoTimeout(2000);
        return socket;
    }
}
