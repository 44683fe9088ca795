package org.headend.control.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The front door's budget of connections that are not tunnels: generous to a NAT, fair under pressure, never full. */
class PreTunnelCapTest
{
    private static final InetAddress NAT = InetAddress.ofLiteral("10.77.0.2");
    private static final InetAddress ATTACKER = InetAddress.ofLiteral("10.77.0.3");
    private static final InetAddress HONEST = InetAddress.ofLiteral("10.77.0.4");

    private final List<EmbeddedChannel> channels = new ArrayList<>();

    @AfterEach
    void tearDown()
    {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    @Test
    void shouldAdmitManyUsersBehindOneAddressWhileTheFrontDoorIsQuiet()
    {
        final PreTunnelCap cap = new PreTunnelCap(100, 4);
        for (int i = 0; i < 50; i++)
        {
            assertNotNull(connect(cap, NAT), "connection " + i + " of one NAT address");
        }
        assertEquals(50, cap.count(NAT));
        assertEquals(0, cap.refused());
    }

    @Test
    void shouldHoldEachAddressToItsFairShareUnderPressure()
    {
        final PreTunnelCap cap = new PreTunnelCap(100, 4);
        for (int i = 0; i < 50; i++)
        {
            connect(cap, NAT);
        }
        for (int i = 0; i < 50; i++)
        {
            assertNotNull(connect(cap, ATTACKER), "a share of 100/2 each");
        }
        assertNull(connect(cap, ATTACKER), "past its share while the budget is under pressure");
        assertNull(connect(cap, NAT));
        assertEquals(2, cap.refused());
        assertNotNull(connect(cap, HONEST), "a newcomer always gets in");
    }

    @Test
    void shouldCloseTheOldestConnectionOfTheBiggestHolderWhenFull()
    {
        final PreTunnelCap cap = new PreTunnelCap(10, 2);
        final List<EmbeddedChannel> attacker = new ArrayList<>();
        for (int i = 0; i < 9; i++)
        {
            attacker.add(connectChannel(cap, ATTACKER));
        }
        final EmbeddedChannel nat = connectChannel(cap, NAT);
        assertEquals(10, cap.held());
        assertNotNull(connectChannel(cap, HONEST), "full: a new address still gets in");
        assertFalse(attacker.getFirst().isOpen(), "the oldest connection of the biggest holder made room");
        assertTrue(attacker.get(1).isOpen());
        assertTrue(nat.isOpen(), "a small holder keeps its connection");
        assertEquals(1, cap.evicted());
        assertEquals(10, cap.held());
        assertEquals(8, cap.count(ATTACKER));
    }

    @Test
    void shouldGiveTheSlotBackWhenTheConnectionClosesOrBecomesATunnel()
    {
        final PreTunnelCap cap = new PreTunnelCap(4, 1);
        final EmbeddedChannel closed = connectChannel(cap, NAT);
        final EmbeddedChannel upgraded = connectChannel(cap, NAT);
        assertEquals(2, cap.count(NAT));
        closed.close();
        assertEquals(1, cap.count(NAT), "closed: slot back");
        upgraded.pipeline().removeFirst();
        assertEquals(0, cap.count(NAT), "upgraded to a tunnel: the handler left the pipeline, slot back");
        upgraded.close();
        assertEquals(0, cap.held(), "and only once");
    }

    private ChannelHandler connect(final PreTunnelCap cap, final InetAddress address)
    {
        final EmbeddedChannel channel = new EmbeddedChannel();
        channels.add(channel);
        final ChannelHandler slot = cap.admit(address, channel);
        if (slot != null)
        {
            channel.pipeline().addLast(slot);
        }
        return slot;
    }

    private EmbeddedChannel connectChannel(final PreTunnelCap cap, final InetAddress address)
    {
        assertNotNull(connect(cap, address));
        return channels.getLast();
    }
}
