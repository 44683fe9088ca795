package org.headend.control.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PreTunnelCapTest
{
    private static final InetAddress ONE = InetAddress.ofLiteral("10.77.0.2");
    private static final InetAddress OTHER = InetAddress.ofLiteral("10.77.0.3");

    @Test
    void shouldRefuseAnAddressPastItsBudgetButNotTheOthers()
    {
        final PreTunnelCap cap = new PreTunnelCap(3);
        for (int i = 0; i < 3; i++)
        {
            assertNotNull(cap.admit(ONE));
        }
        assertNull(cap.admit(ONE), "a fourth connection from the same address");
        assertNotNull(cap.admit(OTHER), "another address is not affected");
        assertEquals(3, cap.count(ONE));
    }

    @Test
    void shouldGiveTheSlotBackWhenTheConnectionClosesOrBecomesATunnel()
    {
        final PreTunnelCap cap = new PreTunnelCap(2);
        final List<EmbeddedChannel> channels = new ArrayList<>();
        for (int i = 0; i < 2; i++)
        {
            final ChannelHandler slot = cap.admit(ONE);
            channels.add(new EmbeddedChannel(slot));
        }
        assertNull(cap.admit(ONE));
        channels.get(0).close();
        assertEquals(1, cap.count(ONE), "closed: slot back");
        channels.get(1).pipeline().removeFirst();
        assertEquals(0, cap.count(ONE), "upgraded to a tunnel: the handler left the pipeline, slot back");
        channels.get(1).close();
        assertEquals(0, cap.count(ONE), "and only once");
        assertNotNull(cap.admit(ONE));
    }
}
