package org.headend.control.ike.sa;

/**
 * What the responder asks of the rest of the appliance synchronously, on the control thread, while it builds an
 * answer: a user's NT password hash for EAP-MSCHAPv2, whether EAP goes to an AAA server instead, the tunnel-group of
 * an EAP-AnyConnect client, an address and policy for an authenticated user, and inbound ESP SPIs from the data
 * plane.
 */
public interface IkeHost
{
    /** The NT password hash (MD4 of UTF-16LE) of a local user, or null when the user has none. */
    byte[] ntPasswordHash(String username);

    /**
     * Whether failed logins have locked {@code username} or this SA's peer out (local EAP-MSCHAPv2 asks: it checks
     * the answer itself). A host without a failed-login limiter (a test's) answers no.
     */
    default boolean lockedOut(final IkeSa sa, final String username)
    {
        return false;
    }

    /** A local EAP-MSCHAPv2 answer was wrong: one failed login of {@code username} from this SA's peer. */
    default void loginFailed(final IkeSa sa, final String username)
    {
    }

    /** A local EAP-MSCHAPv2 answer was right. */
    default void loginSucceeded(final IkeSa sa, final String username)
    {
    }

    /**
     * Whether the client's EAP goes to an AAA server ({@link IkeAction.RelayEap}) rather than to the local users:
     * asked once, when its first IKE_AUTH (with IDi) arrives. A host without AAA servers answers EAP locally.
     */
    default boolean relaysEap(final IkeSa sa)
    {
        return false;
    }

    /**
     * The tunnel-group a Cisco AnyConnect client's EAP-AnyConnect {@code init} selects with its {@code group-access}
     * URL (null when it sent none), as the SSL login selects it; null refuses the client. A host without
     * tunnel-groups (a test's) refuses every one.
     */
    default String anyConnectTunnelGroup(final IkeSa sa, final String groupAccess)
    {
        return null;
    }

    /** A number that changes with the configuration: the {@code config-hash} of EAP-AnyConnect's login form. */
    default long configHash()
    {
        return 0;
    }

    /**
     * Admits an authenticated user: the address and policy for its CHILD_SA, or null when the user may not have an
     * IKEv2 tunnel or no address is free (the client then gets an error notify and no SA).
     */
    ClientConfig admit(IkeSa sa, String username);

    /** Gives back what {@link #admit} took, for an IKE SA that failed before its CHILD_SA came up. */
    void release(IkeSa sa);

    /** A fresh inbound SPI from the data plane. */
    int reserveSpi();

    /** Gives back an SPI reserved for a negotiation that failed. */
    void releaseSpi(int spi);
}
