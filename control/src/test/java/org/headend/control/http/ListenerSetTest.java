package org.headend.control.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The reconcile every configurable listener shares: new listeners open before old ones close, a listener that
 * cannot open changes nothing, tags change in place, and a wildcard in the way of a specific address (or the other
 * way round) makes way only when the change needs it.
 */
class ListenerSetTest
{
    private static final InetSocketAddress A443 = address("10.77.0.1", 443);
    private static final InetSocketAddress A8443 = address("10.77.0.1", 8443);
    private static final InetSocketAddress B443 = address("10.88.0.1", 443);
    private static final InetSocketAddress ANY443 = address("0.0.0.0", 443);

    /** A pretend network stack: what is open, in what order things happened, and which binds fail. */
    private final List<String> events = new ArrayList<>();
    private final Set<InetSocketAddress> open = new HashSet<>();
    private final Set<InetSocketAddress> failing = new HashSet<>();
    private final Map<InetSocketAddress, Supplier<String>> tags = new HashMap<>();
    private final ListenerSet<String> set = new ListenerSet<>("test", (address, tag) ->
    {
        if (failing.contains(address) || conflicts(address))
        {
            throw new IOException("Address already in use");
        }
        open.add(address);
        tags.put(address, tag);
        events.add("open " + address.getPort() + "@" + address.getAddress().getHostAddress());
        return () ->
        {
            open.remove(address);
            events.add("close " + address.getPort() + "@" + address.getAddress().getHostAddress());
        };
    });

    /** As Linux has it: a wildcard and a specific address cannot both listen on one port. */
    private boolean conflicts(final InetSocketAddress address)
    {
        for (final InetSocketAddress other : open)
        {
            if (other.getPort() == address.getPort()
                && (other.getAddress().isAnyLocalAddress() || address.getAddress().isAnyLocalAddress()))
            {
                return true;
            }
        }
        return open.contains(address);
    }

    @Test
    void shouldOpenTheNewPortBeforeClosingTheOld()
    {
        assertNull(set.apply(Map.of(A443, "outside")));
        events.clear();

        assertNull(set.apply(Map.of(A8443, "outside")));
        assertEquals(List.of("open 8443@10.77.0.1", "close 443@10.77.0.1"), events,
            "no moment without a listener");
        assertEquals(Set.of(A8443), set.addresses());
    }

    @Test
    void shouldLeaveEverythingAsItWasWhenANewListenerCannotOpen()
    {
        assertNull(set.apply(Map.of(A443, "outside")));
        failing.add(A8443);
        events.clear();

        final Map<InetSocketAddress, String> wanted = new LinkedHashMap<>();
        wanted.put(B443, "inside");
        wanted.put(A8443, "outside");
        final String error = set.apply(wanted);
        assertEquals("cannot listen for test on 10.77.0.1:8443: Address already in use", error);
        assertEquals(List.of("open 443@10.88.0.1", "close 443@10.88.0.1"), events,
            "the listener the change did open closes again; the old one was never touched");
        assertEquals(Set.of(A443), set.addresses());
        assertEquals(Set.of(A443), open);
    }

    @Test
    void shouldCommitOnlyWhenToldSoThatSeveralSetsChangeTogether()
    {
        assertNull(set.apply(Map.of(A443, "outside")));
        final ListenerSet<String>.Change change = set.prepare(Map.of(A8443, "outside"));
        assertNull(change.error());
        assertEquals(Set.of(A443, A8443), open, "both listen while the change is pending");
        change.abort();
        assertEquals(Set.of(A443), open, "aborted: as before");
        assertEquals(Set.of(A443), set.addresses());
    }

    @Test
    void shouldChangeATagInPlaceForTheNextConnections()
    {
        assertNull(set.apply(Map.of(A443, "outside")));
        final Supplier<String> tag = tags.get(A443);
        events.clear();

        assertNull(set.apply(Map.of(A443, "dmz")));
        assertEquals(List.of(), events, "no rebind");
        assertEquals("dmz", tag.get(), "the listener's next connection reads the new tag");
    }

    @Test
    void shouldCloseAWildcardInTheWayOfASpecificAddressOnlyForThatChange()
    {
        assertNull(set.apply(Map.of(ANY443, "outside")));
        events.clear();

        assertNull(set.apply(Map.of(A443, "outside")));
        assertEquals(List.of("close 443@0.0.0.0", "open 443@10.77.0.1"), events);
        assertEquals(Set.of(A443), set.addresses());
    }

    @Test
    void shouldReopenTheWildcardWhenTheAddressThatReplacesItFails()
    {
        assertNull(set.apply(Map.of(ANY443, "outside")));
        failing.add(A443);
        events.clear();

        final String error = set.apply(Map.of(A443, "outside"));
        assertTrue(error.startsWith("cannot listen for test on 10.77.0.1:443"), error);
        assertEquals(List.of("close 443@0.0.0.0", "open 443@0.0.0.0"), events);
        assertEquals(Set.of(ANY443), set.addresses());
        assertEquals("outside", tags.get(ANY443).get(), "reopened with its tag");
    }

    @Test
    void shouldCloseEverythingWhenNothingIsWanted()
    {
        final Map<InetSocketAddress, String> two = new LinkedHashMap<>();
        two.put(A443, "outside");
        two.put(B443, "inside");
        assertNull(set.apply(two));
        assertNull(set.apply(Map.of()));
        assertEquals(Set.of(), open);
        assertEquals(Set.of(), set.addresses());
    }

    private static InetSocketAddress address(final String host, final int port)
    {
        try
        {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        }
        catch (final java.net.UnknownHostException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
