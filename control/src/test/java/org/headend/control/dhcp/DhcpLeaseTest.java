package org.headend.control.dhcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A lease's life with time passed in: acquire, renew at T1, rebind at T2, lose, release, give up. */
class DhcpLeaseTest
{
    private static final byte[] CHADDR = {2, 1, 2, 3, 4, 5};
    private static final int SCOPE = 0x0A3C0001;
    private static final int SERVER_A = 0x0A4E0002;
    private static final int SERVER_B = 0x0A4E0003;
    private static final int ADDRESS = 0x0A3C002A;
    private static final long S = TimeUnit.SECONDS.toNanos(1);

    private final DhcpLease lease = new DhcpLease(0x55, CHADDR, SCOPE, List.of(SERVER_A, SERVER_B), 12 * S, 0);

    @Test
    void shouldDiscoverFromEveryServerAsARelayAndTakeTheFirstOffer()
    {
        final DhcpLease.Step start = lease.start(0);
        assertEquals(List.of(SERVER_A, SERVER_B), start.send().stream().map(DhcpLease.Outgoing::server).toList());
        final DhcpMessage discover = start.send().get(0).message();
        assertEquals(DhcpMessage.DISCOVER, discover.messageType());
        assertEquals(SCOPE, discover.giaddr(), "the scope is the relay address: the servers pick the subnet by it");
        assertArrayEquals(new byte[] {1, 2, 1, 2, 3, 4, 5}, discover.options().get(DhcpMessage.OPTION_CLIENT_ID),
            "one client per session: Ethernet type and the session's own hardware address");

        final DhcpLease.Step request = lease.onMessage(reply(DhcpMessage.OFFER, SERVER_B, ADDRESS, 600), S);
        assertEquals(DhcpLease.State.REQUESTING, lease.state());
        assertEquals(2, request.send().size(), "REQUEST to all: the server not chosen learns it");
        final DhcpMessage sent = request.send().get(0).message();
        assertEquals(DhcpMessage.REQUEST, sent.messageType());
        assertEquals(ADDRESS, sent.intOption(DhcpMessage.OPTION_REQUESTED_ADDRESS, 0));
        assertEquals(SERVER_B, sent.intOption(DhcpMessage.OPTION_SERVER_ID, 0));
        assertEquals(0, sent.ciaddr());

        assertTrue(lease.onMessage(reply(DhcpMessage.OFFER, SERVER_A, ADDRESS + 1, 600), S).send().isEmpty(),
            "a second offer is ignored");
        final DhcpLease.Step ack = lease.onMessage(reply(DhcpMessage.ACK, SERVER_B, ADDRESS, 600), 2 * S);
        assertEquals(new DhcpLease.Bound(ADDRESS, 0xFFFFFF00, 600), ack.event());
        assertEquals(DhcpLease.State.BOUND, lease.state());
        assertEquals(S + 300 * S, lease.deadline(), "T1: half the lease, from when the REQUEST went out");
    }

    @Test
    void shouldIgnoreRepliesToOtherTransactionsOrClients()
    {
        lease.start(0);
        final DhcpMessage offer = reply(DhcpMessage.OFFER, SERVER_A, ADDRESS, 600);
        final DhcpMessage otherXid = new DhcpMessage(2, 0x56, 0, 0, 0, ADDRESS, 0, SCOPE, CHADDR, offer.options());
        final DhcpMessage otherClient = new DhcpMessage(2, 0x55, 0, 0, 0, ADDRESS, 0, SCOPE,
            new byte[] {2, 9, 9, 9, 9, 9}, offer.options());
        final DhcpMessage request = new DhcpMessage(1, 0x55, 0, 0, 0, ADDRESS, 0, SCOPE, CHADDR, offer.options());
        for (final DhcpMessage stranger : List.of(otherXid, otherClient, request))
        {
            assertTrue(lease.onMessage(stranger, S).send().isEmpty());
            assertEquals(DhcpLease.State.SELECTING, lease.state());
        }
    }

    @Test
    void shouldRetransmitWithBackoffAndFailClearlyWhenNoServerAnswers()
    {
        lease.start(0);
        assertEquals(4 * S, lease.deadline());
        assertEquals(2, lease.onTimer(4 * S).send().size());
        assertEquals(12 * S, lease.deadline(), "8 s later, cut at the acquisition deadline");
        assertTrue(lease.onTimer(11 * S).send().isEmpty(), "early: nothing");
        final DhcpLease.Step gaveUp = lease.onTimer(12 * S);
        assertEquals(new DhcpLease.Failed("no lease from 10.78.0.2, 10.78.0.3 within 12 s"), gaveUp.event());
        assertEquals(DhcpLease.State.FAILED, lease.state());
        assertEquals(Long.MAX_VALUE, lease.deadline());
    }

    @Test
    void shouldStartOverAfterANakWhileAcquiring()
    {
        lease.start(0);
        lease.onMessage(reply(DhcpMessage.OFFER, SERVER_A, ADDRESS, 600), S);
        final DhcpLease.Step again = lease.onMessage(reply(DhcpMessage.NAK, SERVER_A, 0, -1), 2 * S);
        assertEquals(DhcpLease.State.SELECTING, lease.state());
        assertEquals(DhcpMessage.DISCOVER, again.send().get(0).message().messageType());
        assertEquals(0x56, lease.xid(), "a new transaction");
    }

    @Test
    void shouldRenewWithTheLeasingServerAtT1ThenRebindWithAllAtT2()
    {
        bind(100, 40, 80);
        assertEquals(40 * S, lease.deadline(), "T1 as the server set it");
        final DhcpLease.Step renew = lease.onTimer(40 * S);
        assertEquals(DhcpLease.State.RENEWING, lease.state());
        assertEquals(1, renew.send().size());
        final DhcpLease.Outgoing out = renew.send().get(0);
        assertEquals(SERVER_A, out.server());
        assertEquals(ADDRESS, out.message().ciaddr(), "renewing names the address in ciaddr");
        assertEquals(SCOPE, out.message().giaddr(), "and still as a relay: the answer comes back to the headend");
        assertNull(out.message().options().get(DhcpMessage.OPTION_SERVER_ID));
        assertEquals(60 * S, lease.deadline(), "half the time left to T2");

        lease.onTimer(60 * S);
        assertEquals(DhcpLease.State.RENEWING, lease.state());
        final DhcpLease.Step rebind = lease.onTimer(80 * S);
        assertEquals(DhcpLease.State.REBINDING, lease.state());
        assertEquals(List.of(SERVER_A, SERVER_B), rebind.send().stream().map(DhcpLease.Outgoing::server).toList());

        final DhcpLease.Step renewed = lease.onMessage(reply(DhcpMessage.ACK, SERVER_B, ADDRESS, 100), 81 * S);
        assertEquals(new DhcpLease.Renewed(100), renewed.event());
        assertEquals(DhcpLease.State.BOUND, lease.state());
        assertEquals(SERVER_B, lease.server(), "the server that answered the rebinding is the one renewed with next");
        assertEquals(130 * S, lease.deadline(), "T1 counted from the rebinding REQUEST: 80 s + 50 s");
    }

    @Test
    void shouldLoseTheLeaseWhenItRunsOutOrIsRefused()
    {
        bind(100, 0, 0);
        lease.onTimer(50 * S);
        lease.onTimer(87 * S);
        assertEquals(DhcpLease.State.REBINDING, lease.state());
        final DhcpLease.Step expired = lease.onTimer(100 * S);
        assertEquals(new DhcpLease.Lost("the lease from 10.78.0.2 ran out without a renewal"), expired.event());

        final DhcpLease other = new DhcpLease(1, CHADDR, SCOPE, List.of(SERVER_A), 12 * S, 0);
        other.start(0);
        other.onMessage(reply(1, DhcpMessage.OFFER, SERVER_A, ADDRESS, 100), 0);
        other.onMessage(reply(1, DhcpMessage.ACK, SERVER_A, ADDRESS, 100), 0);
        other.onTimer(50 * S);
        final DhcpLease.Step nak = other.onMessage(reply(1, DhcpMessage.NAK, SERVER_A, 0, -1), 51 * S);
        assertInstanceOf(DhcpLease.Lost.class, nak.event());
        assertTrue(((DhcpLease.Lost)nak.event()).why().startsWith("server 10.78.0.2 refused the renewal (DHCPNAK"));
    }

    @Test
    void shouldReleaseToTheLeasingServerAndSendNothingWhenNoLeaseIsHeld()
    {
        bind(600, 0, 0);
        final DhcpLease.Step release = lease.release();
        assertEquals(1, release.send().size());
        final DhcpMessage message = release.send().get(0).message();
        assertEquals(DhcpMessage.RELEASE, message.messageType());
        assertEquals(ADDRESS, message.ciaddr());
        assertEquals(SERVER_A, message.intOption(DhcpMessage.OPTION_SERVER_ID, 0));
        assertEquals(DhcpLease.State.RELEASED, lease.state());
        assertEquals(Long.MAX_VALUE, lease.deadline());

        final DhcpLease acquiring = new DhcpLease(9, CHADDR, SCOPE, List.of(SERVER_A), 12 * S, 0);
        acquiring.start(0);
        assertTrue(acquiring.release().send().isEmpty());
        assertTrue(acquiring.onMessage(reply(9, DhcpMessage.OFFER, SERVER_A, ADDRESS, 60), S).send().isEmpty(),
            "a late offer after release changes nothing");
    }

    @Test
    void shouldRefuseAnAckForAnotherAddressOrWithoutALeaseTime()
    {
        lease.start(0);
        lease.onMessage(reply(DhcpMessage.OFFER, SERVER_A, ADDRESS, 600), 0);
        assertEquals(new DhcpLease.Failed("server 10.78.0.2 sent a DHCPACK without a lease time"),
            lease.onMessage(reply(DhcpMessage.ACK, SERVER_A, ADDRESS, -1), 0).event());
    }

    @Test
    void shouldNeverRenewAnInfiniteLease()
    {
        bind(0xFFFF_FFFFL, 0, 0);
        assertEquals(Long.MAX_VALUE, lease.deadline());
    }

    @Test
    void shouldConfirmALeaseFromAnEarlierRunWithAnInitRebootRequestThenRenewAsUsual()
    {
        final DhcpLease kept = DhcpLease.rebooting(7, CHADDR, SCOPE, List.of(SERVER_A, SERVER_B), ADDRESS, SERVER_A,
            12 * S, 0);
        final DhcpLease.Step start = kept.start(0);
        assertEquals(List.of(SERVER_A, SERVER_B), start.send().stream().map(DhcpLease.Outgoing::server).toList());
        final DhcpMessage request = start.send().get(0).message();
        assertEquals(DhcpMessage.REQUEST, request.messageType(), "no DISCOVER: the address is the session's");
        assertEquals(ADDRESS, request.intOption(DhcpMessage.OPTION_REQUESTED_ADDRESS, 0));
        assertNull(request.options().get(DhcpMessage.OPTION_SERVER_ID), "INIT-REBOOT names no server");
        assertEquals(0, request.ciaddr());
        assertEquals(SCOPE, request.giaddr());
        assertArrayEquals(new byte[] {1, 2, 1, 2, 3, 4, 5}, request.options().get(DhcpMessage.OPTION_CLIENT_ID),
            "the same client the server leased to");

        final DhcpLease.Step again = kept.onTimer(4 * S);
        assertEquals(DhcpMessage.REQUEST, again.send().get(0).message().messageType(), "retransmitted as it was");
        final DhcpLease.Step ack = kept.onMessage(reply(7, DhcpMessage.ACK, SERVER_A, ADDRESS, 600), 5 * S);
        assertEquals(new DhcpLease.Bound(ADDRESS, 0xFFFFFF00, 600), ack.event());
        assertEquals(DhcpLease.State.BOUND, kept.state());
        assertEquals(4 * S + 300 * S, kept.deadline(), "T1 from the REQUEST answered");
        kept.onTimer(304 * S);
        assertEquals(DhcpLease.State.RENEWING, kept.state());
    }

    @Test
    void shouldFailAKeptLeaseOnNakOrSilenceInsteadOfAskingForANewAddress()
    {
        final DhcpLease refused = DhcpLease.rebooting(7, CHADDR, SCOPE, List.of(SERVER_A), ADDRESS, SERVER_A, 12 * S,
            0);
        refused.start(0);
        final DhcpLease.Step nak = refused.onMessage(reply(7, DhcpMessage.NAK, SERVER_A, 0, -1), S);
        assertTrue(nak.send().isEmpty(), "no DISCOVER after the NAK");
        assertEquals(new DhcpLease.Failed("server 10.78.0.2 refused to confirm 10.60.0.42 (DHCPNAK)"), nak.event());
        assertEquals(DhcpLease.State.FAILED, refused.state());

        final DhcpLease silent = DhcpLease.rebooting(8, CHADDR, SCOPE, List.of(SERVER_A), ADDRESS, SERVER_A, 12 * S,
            0);
        silent.start(0);
        silent.onTimer(4 * S);
        assertEquals(12 * S, silent.deadline(), "the next retry is cut at the acquire timeout");
        assertEquals(new DhcpLease.Failed("no lease from 10.78.0.2 within 12 s"), silent.onTimer(12 * S).event());
    }

    /** Binds at time 0 with lease time, T1 and T2 (0: not sent) from server A. */
    private void bind(final long leaseSeconds, final long t1, final long t2)
    {
        lease.start(0);
        lease.onMessage(reply(DhcpMessage.OFFER, SERVER_A, ADDRESS, leaseSeconds), 0);
        final DhcpMessage ack = reply(DhcpMessage.ACK, SERVER_A, ADDRESS, leaseSeconds);
        final Map<Integer, byte[]> options = new LinkedHashMap<>(ack.options());
        if (t1 > 0)
        {
            options.put(DhcpMessage.OPTION_RENEWAL_TIME, DhcpMessage.int32(t1));
            options.put(DhcpMessage.OPTION_REBINDING_TIME, DhcpMessage.int32(t2));
        }
        assertInstanceOf(DhcpLease.Bound.class, lease.onMessage(new DhcpMessage(2, lease.xid(), 0, 0, 0, ADDRESS, 0,
            SCOPE, CHADDR, options), 0).event());
    }

    private DhcpMessage reply(final int type, final int server, final int address, final long leaseSeconds)
    {
        return reply(lease.xid(), type, server, address, leaseSeconds);
    }

    private static DhcpMessage reply(final int xid, final int type, final int server, final int address,
        final long leaseSeconds)
    {
        final Map<Integer, byte[]> options = new LinkedHashMap<>();
        options.put(DhcpMessage.OPTION_MESSAGE_TYPE, new byte[] {(byte)type});
        options.put(DhcpMessage.OPTION_SERVER_ID, DhcpMessage.int32(server));
        if (leaseSeconds >= 0)
        {
            options.put(DhcpMessage.OPTION_LEASE_TIME, DhcpMessage.int32(leaseSeconds));
        }
        options.put(DhcpMessage.OPTION_SUBNET_MASK, DhcpMessage.int32(0xFFFFFF00L));
        return new DhcpMessage(2, xid, 0, 0, 0, address, 0, SCOPE, CHADDR, options);
    }
}
