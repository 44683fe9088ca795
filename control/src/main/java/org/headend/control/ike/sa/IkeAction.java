package org.headend.control.ike.sa;

import java.net.InetSocketAddress;

/** What the responder asks its host to do after a datagram, a timer or a command. */
public sealed interface IkeAction
{
    /** Send an IKE message to {@code peer} from the local address/port {@code local} (500, or 4500 with a marker). */
    record Send(InetSocketAddress peer, InetSocketAddress local, byte[] message) implements IkeAction
    {
    }

    /** The IKE SA is authenticated and its first CHILD_SA negotiated: install it (the session begins). */
    record ChildUp(IkeSa sa, ChildSa child) implements IkeAction
    {
    }

    /**
     * A CHILD_SA was rekeyed: send with {@code replacement} at once, open both inbound SPIs until
     * {@link ChildRetired} names the old one.
     */
    record ChildRekeyed(IkeSa sa, int oldInboundSpi, ChildSa replacement) implements IkeAction
    {
    }

    /** The peer deleted a rekeyed CHILD_SA: its old inbound SPI stops opening. */
    record ChildRetired(IkeSa sa, int inboundSpi) implements IkeAction
    {
    }

    /** The IKE SA is gone (deleted, timed out, dead peer, logoff): take its CHILD_SAs down and end the session. */
    record Closed(IkeSa sa, String reason) implements IkeAction
    {
    }

    /**
     * Pass the client's EAP response {@code eap} to the tunnel-group's AAA server; the IKE_AUTH answer waits for
     * {@link IkeResponder#onEapResult} (retransmissions of the request meanwhile go unanswered).
     */
    record RelayEap(IkeSa sa, byte[] eap) implements IkeAction
    {
    }

    /**
     * Check the password the client sent by EAP-GTC with the local users, off the control thread; the verdict goes to
     * {@link IkeResponder#onPasswordChecked} and the IKE_AUTH answer waits for it.
     */
    record CheckPassword(IkeSa sa, String username, String password) implements IkeAction
    {
        @Override
        public String toString()
        {
            return "CheckPassword[" + sa + "]";
        }
    }

    /** The IKE SA was rekeyed: the session now belongs to {@code replacement} (same children, new IKE SPIs). */
    record Rekeyed(IkeSa old, IkeSa replacement) implements IkeAction
    {
    }
}
