package org.headend.control.ike.sa;

import java.security.PrivateKey;
import java.util.List;
import java.util.Map;
import org.headend.control.ike.crypto.IkeSuite;

/**
 * How the responder negotiates: IKE suites in preference order (from {@code crypto ikev2 policy} priorities), ESP
 * AES-GCM key sizes (from the ipsec-proposal), who it is and how it proves it, how clients authenticate, and its
 * limits and timers.
 *
 * @param ikeSuites         acceptable IKE suites, best first
 * @param espKeyBits        acceptable ESP AES-GCM-16 key sizes, best first
 * @param identityType      our IDr type ({@code Ike.ID_FQDN}, {@code Ike.ID_DER_ASN1_DN} …)
 * @param identity          our IDr data
 * @param serverKey         the trustpoint's private key, or null to authenticate with {@code serverPsk}
 * @param certificateChain  DER certificates to send, ours first (empty with a PSK)
 * @param serverPsk         the pre-shared key for our AUTH when there is no certificate
 * @param clientPsk         a pre-shared key clients may authenticate with instead of EAP, or null for EAP only
 * @param cookieThreshold   half-open SAs beyond which IKE_SA_INIT needs a cookie (0: always)
 * @param maxHalfOpen       half-open SAs beyond which new IKE_SA_INIT requests are dropped
 * @param ikeLifetimeSeconds how long an IKE SA lives without rekey before it is closed
 * @param dpdSeconds        idle seconds before a liveness check (0: never)
 * @param forceNatT         claim a NAT in IKE_SA_INIT (RFC 7296 §2.23 allows it) so that every client floats to
 *                          UDP 4500 and encapsulates ESP: the data plane has no raw ESP (protocol 50)
 * @param suiteLifetimes    seconds an IKE SA of a suite lives ({@code lifetime seconds} of the policy that offered
 *                          it); suites not in it take {@code ikeLifetimeSeconds}
 * @param childPfsGroup     the DH group a CHILD_SA rekey must carry a KE of ({@code set pfs}); 0 takes a rekey with
 *                          or without one
 * @param fragmentMtu       the largest IP datagram of ours before a message goes in RFC 7383 fragments to a peer that
 *                          announced support; 0 never fragments
 * @param fragmentation     whether RFC 7383 is on at all: off, IKEV2_FRAGMENTATION_SUPPORTED is not answered, so no
 *                          client fragments to us and we never fragment ({@code no crypto ikev2 fragmentation})
 */
public record ResponderPolicy(List<IkeSuite> ikeSuites, List<Integer> espKeyBits, int identityType,
    byte[] identity, PrivateKey serverKey, List<byte[]> certificateChain, byte[] serverPsk, byte[] clientPsk,
    int cookieThreshold, int maxHalfOpen, long ikeLifetimeSeconds, int dpdSeconds, boolean forceNatT,
    Map<IkeSuite, Long> suiteLifetimes, int childPfsGroup, int fragmentMtu, boolean fragmentation)
{
    /** RFC 7383 on. */
    public ResponderPolicy(final List<IkeSuite> ikeSuites, final List<Integer> espKeyBits, final int identityType,
        final byte[] identity, final PrivateKey serverKey, final List<byte[]> certificateChain, final byte[] serverPsk,
        final byte[] clientPsk, final int cookieThreshold, final int maxHalfOpen, final long ikeLifetimeSeconds,
        final int dpdSeconds, final boolean forceNatT, final Map<IkeSuite, Long> suiteLifetimes,
        final int childPfsGroup, final int fragmentMtu)
    {
        this(ikeSuites, espKeyBits, identityType, identity, serverKey, certificateChain, serverPsk, clientPsk,
            cookieThreshold, maxHalfOpen, ikeLifetimeSeconds, dpdSeconds, forceNatT, suiteLifetimes, childPfsGroup,
            fragmentMtu, true);
    }

    /** No PFS required on rekey, no fragmentation of ours. */
    public ResponderPolicy(final List<IkeSuite> ikeSuites, final List<Integer> espKeyBits, final int identityType,
        final byte[] identity, final PrivateKey serverKey, final List<byte[]> certificateChain, final byte[] serverPsk,
        final byte[] clientPsk, final int cookieThreshold, final int maxHalfOpen, final long ikeLifetimeSeconds,
        final int dpdSeconds, final boolean forceNatT, final Map<IkeSuite, Long> suiteLifetimes)
    {
        this(ikeSuites, espKeyBits, identityType, identity, serverKey, certificateChain, serverPsk, clientPsk,
            cookieThreshold, maxHalfOpen, ikeLifetimeSeconds, dpdSeconds, forceNatT, suiteLifetimes, 0, 0);
    }

    /** This policy with {@code set pfs} and the fragment MTU changed. */
    public ResponderPolicy with(final int pfsGroup, final int mtu)
    {
        return new ResponderPolicy(ikeSuites, espKeyBits, identityType, identity, serverKey, certificateChain,
            serverPsk, clientPsk, cookieThreshold, maxHalfOpen, ikeLifetimeSeconds, dpdSeconds, forceNatT,
            suiteLifetimes, pfsGroup, mtu, fragmentation);
    }

    /** This policy with RFC 7383 off. */
    public ResponderPolicy withoutFragmentation()
    {
        return new ResponderPolicy(ikeSuites, espKeyBits, identityType, identity, serverKey, certificateChain,
            serverPsk, clientPsk, cookieThreshold, maxHalfOpen, ikeLifetimeSeconds, dpdSeconds, forceNatT,
            suiteLifetimes, childPfsGroup, fragmentMtu, false);
    }

    /** One lifetime for every suite. */
    public ResponderPolicy(final List<IkeSuite> ikeSuites, final List<Integer> espKeyBits, final int identityType,
        final byte[] identity, final PrivateKey serverKey, final List<byte[]> certificateChain, final byte[] serverPsk,
        final byte[] clientPsk, final int cookieThreshold, final int maxHalfOpen, final long ikeLifetimeSeconds,
        final int dpdSeconds, final boolean forceNatT)
    {
        this(ikeSuites, espKeyBits, identityType, identity, serverKey, certificateChain, serverPsk, clientPsk,
            cookieThreshold, maxHalfOpen, ikeLifetimeSeconds, dpdSeconds, forceNatT, Map.of());
    }

    /** How long an IKE SA that negotiated {@code suite} lives before it is deleted. */
    public long lifetimeSeconds(final IkeSuite suite)
    {
        final Long own = suiteLifetimes.get(suite);
        return own != null ? own : ikeLifetimeSeconds;
    }

    public ResponderPolicy
    {
        suiteLifetimes = Map.copyOf(suiteLifetimes);
        ikeSuites = List.copyOf(ikeSuites);
        espKeyBits = List.copyOf(espKeyBits);
        certificateChain = List.copyOf(certificateChain);
        if (ikeSuites.isEmpty() || espKeyBits.isEmpty())
        {
            throw new IllegalArgumentException("no IKE or ESP proposal");
        }
        if (serverKey == null && serverPsk == null)
        {
            throw new IllegalArgumentException("neither a trustpoint key nor a pre-shared key to authenticate with");
        }
    }
}
