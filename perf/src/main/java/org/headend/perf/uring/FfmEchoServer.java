package org.headend.perf.uring;

import java.lang.foreign.MemorySegment;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.headend.dataplane.uring.DatagramHandler;
import org.headend.dataplane.uring.ReceivedDatagram;
import org.headend.dataplane.uring.UringUdpPort;

/** Echo on {@link UringUdpPort}: multishot RECVMSG into provided buffers, replies batched into the next enter. */
final class FfmEchoServer implements EchoServer
{
    private final Thread thread;
    private final CompletableFuture<Integer> port = new CompletableFuture<>();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private volatile boolean stop;

    FfmEchoServer()
    {
        thread = Thread.ofPlatform().name("ffm-echo").unstarted(this::run);
        thread.start();
    }

    private void run()
    {
        try (UringUdpPort udp = new UringUdpPort(0x7f000001, 0, 256, 256, UringUdpPort.DEFAULT_DATAGRAM_CAPACITY))
        {
            final DatagramHandler echo = (ReceivedDatagram datagram) ->
            {
                final int slot = udp.claimSend();
                if (slot >= 0)
                {
                    MemorySegment.copy(datagram.segment(), datagram.offset(), udp.sendPayload(slot), 0,
                        datagram.length());
                    udp.send(slot, datagram.length(), datagram);
                }
            };
            port.complete(udp.localPort());
            // waits without a timeout, as Netty's loop does when it has no task due: close() wakes it with a datagram
            while (!stop)
            {
                udp.poll(echo, Long.MAX_VALUE);
            }
            stopped.complete(null);
        }
        catch (final Throwable t)
        {
            port.completeExceptionally(t);
            stopped.completeExceptionally(t);
        }
    }

    @Override
    public String name()
    {
        return "ffm io_uring";
    }

    @Override
    public int port()
    {
        return port.join();
    }

    @Override
    public Thread thread()
    {
        return thread;
    }

    @Override
    public void close() throws Exception
    {
        stop = true;
        try (DatagramSocket wake = new DatagramSocket())
        {
            wake.send(new DatagramPacket(new byte[1], 1, InetAddress.getLoopbackAddress(), port()));
        }
        stopped.get(10, TimeUnit.SECONDS);
    }
}
