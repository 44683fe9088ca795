package org.headend.nativecfg.tun;

import org.headend.nativecfg.Commands;
import org.headend.nativecfg.TestNamespace;
import org.headend.nativecfg.event.Poller;
import org.headend.nativecfg.netlink.Rtnetlink;
import org.headend.nativecfg.netns.NetworkNamespace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@Timeout(60)
class TunPingTest
{
    private static final String TUN = "hdtun0";
    private static final int SLOT = 2048;

    @Test
    void shouldAnswerPingWhenEchoReplyIsWrittenBackToTun() throws Exception
    {
        assumeTrue(Commands.canConfigureNetwork(), "needs root, /dev/net/tun and iproute2");
        final InetAddress local = InetAddress.getByName("10.99.0.1");
        final InetAddress peer = InetAddress.getByName("10.99.0.2");

        try (TestNamespace ns = TestNamespace.create("ping");
            NetworkNamespace _ = ns.enter();
            TunDevice tun = TunDevice.open(TUN, 2);
            Rtnetlink rtnl = Rtnetlink.open())
        {
            tun.setMtu(1400);
            tun.setUp();
            rtnl.addAddress(TUN, local, 24);

            final Process ping = ns.startExec("ping", "-c", "1", "-W", "2", peer.getHostAddress());
            try
            {
                final ByteBuffer buffer = ByteBuffer.allocateDirect(SLOT * 2);
                final Poller poller = new Poller(tun.queue(0).fd(), tun.queue(1).fd());
                final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                int queueIndex = -1;
                int length = 0;
                while (queueIndex < 0 && System.nanoTime() < deadlineNs)
                {
                    poller.poll(TimeUnit.MILLISECONDS.toNanos(100));
                    for (int i = 0; i < poller.count() && queueIndex < 0; i++)
                    {
                        if (!poller.isReadable(i))
                        {
                            continue;
                        }
                        // The kernel also sends IPv6 housekeeping (MLD, router solicitations); skip all but ours.
                        int read;
                        while ((read = tun.queue(i).read(buffer, 0, SLOT)) > 0)
                        {
                            if (Ipv4Icmp.isIcmp(buffer, 0, read, Ipv4Icmp.ECHO_REQUEST, peer.getAddress()))
                            {
                                queueIndex = i;
                                length = read;
                                break;
                            }
                        }
                    }
                }
                assertTrue(queueIndex >= 0, "no ICMP echo request to " + peer + " came out of the TUN");
                assertEquals(0, Ipv4Icmp.checksum(buffer, 0, Ipv4Icmp.IP_HEADER_LENGTH), "kernel's IP checksum");

                buffer.put(SLOT, buffer, 0, length);
                Ipv4Icmp.turnIntoEchoReply(buffer, SLOT, length);
                assertEquals(length, tun.queue(queueIndex).write(buffer, SLOT, length));

                assertTrue(ping.waitFor(5, TimeUnit.SECONDS), "ping did not finish");
                final String output = new String(ping.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertEquals(0, ping.exitValue(), output);
                assertTrue(output.contains("1 received"), output);
            }
            finally
            {
                ping.destroyForcibly();
            }
        }
    }
}
