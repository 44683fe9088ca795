package org.headend.control.ike;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.headend.control.config.Ikev2Config;
import org.headend.control.ike.codec.Ike;
import org.headend.control.ike.crypto.DhGroup;
import org.headend.control.ike.crypto.IkeSuite;
import org.headend.control.ike.crypto.PrfAlgorithm;

/**
 * What clients may negotiate, from the ASA lines: the IKE suites of the {@code crypto ikev2 policy} blocks (every
 * combination of a block's encryption, integrity, PRF and group; blocks by priority, then the order of the words) with
 * each block's lifetime, and the ESP AES-GCM key sizes of the ipsec-proposals the IKEv2 interface's crypto map
 * offers. Without policies or without a crypto map on the interface, the defaults below apply.
 *
 * @param suites    IKE suites, best first
 * @param lifetimes each suite's IKE SA lifetime in seconds
 * @param espKeyBits ESP AES-GCM-16 key sizes, best first
 * @param pfsGroup  the DH group a CHILD_SA rekey must carry a KE of ({@code set pfs}), 0 for none
 */
record IkeAlgorithms(List<IkeSuite> suites, Map<IkeSuite, Long> lifetimes, List<Integer> espKeyBits, int pfsGroup)
{
    /** AES-GCM-256/PRF-SHA-384/ECP-384 first, as the harness negotiated it; then GCM-128 on ECP-256 and MODP-2048. */
    static final List<IkeSuite> DEFAULT_SUITES = List.of(
        new IkeSuite(Ike.ENCR_AES_GCM_16, 256, 0, PrfAlgorithm.HMAC_SHA2_384, DhGroup.ECP_384),
        new IkeSuite(Ike.ENCR_AES_GCM_16, 128, 0, PrfAlgorithm.HMAC_SHA2_256, DhGroup.ECP_256),
        new IkeSuite(Ike.ENCR_AES_GCM_16, 256, 0, PrfAlgorithm.HMAC_SHA2_256, DhGroup.MODP_2048));
    static final List<Integer> DEFAULT_ESP_KEY_BITS = List.of(256, 128);
    /** A policy without {@code integrity} uses sha256 (for AES-CBC), without {@code group} group 14. */
    private static final String DEFAULT_INTEGRITY = "sha256";
    private static final int DEFAULT_GROUP = 14;
    /** A policy without {@code encryption} uses aes-256. */
    private static final String DEFAULT_ENCRYPTION = "aes-256";

    /**
     * The algorithms for clients on {@code nameif}.
     *
     * @throws IllegalArgumentException naming the line, when a policy yields no suite (AES-CBC with only
     *                                  {@code integrity null}) or the crypto map names what is not configured
     */
    static IkeAlgorithms of(final Ikev2Config config, final String nameif)
    {
        final Set<IkeSuite> suites = new LinkedHashSet<>();
        final Map<IkeSuite, Long> lifetimes = new LinkedHashMap<>();
        for (final Ikev2Config.IkePolicy policy : config.policies())
        {
            final List<IkeSuite> own = suites(policy);
            if (own.isEmpty())
            {
                throw new IllegalArgumentException("crypto ikev2 policy " + policy.priority()
                    + ": AES-CBC needs an integrity algorithm (integrity sha256, sha384 or sha512)");
            }
            for (final IkeSuite suite : own)
            {
                if (suites.add(suite))
                {
                    lifetimes.put(suite, policy.lifetimeSeconds());
                }
            }
        }
        final List<Ikev2Config.IpsecProposal> proposals = config.espProposals(nameif);
        final Set<Integer> bits = new LinkedHashSet<>();
        if (proposals != null)
        {
            for (final Ikev2Config.IpsecProposal proposal : proposals)
            {
                proposal.espEncryption().forEach(word -> bits.add("aes-gcm-256".equals(word) ? 256 : 128));
            }
            if (bits.isEmpty())
            {
                throw new IllegalArgumentException("crypto map " + config.mapInterfaces().get(nameif)
                    + " interface " + nameif + ": its ipsec-proposals have no protocol esp encryption");
            }
        }
        return new IkeAlgorithms(suites.isEmpty() ? DEFAULT_SUITES : List.copyOf(suites), Map.copyOf(lifetimes),
            bits.isEmpty() ? DEFAULT_ESP_KEY_BITS : List.copyOf(bits), config.pfsGroup(nameif));
    }

    private static List<IkeSuite> suites(final Ikev2Config.IkePolicy policy)
    {
        final List<String> encryption = policy.encryption().isEmpty() ? List.of(DEFAULT_ENCRYPTION)
            : policy.encryption();
        final List<String> integrity = policy.integrity().isEmpty() ? List.of(DEFAULT_INTEGRITY)
            : policy.integrity();
        final List<Integer> groups = policy.groups().isEmpty() ? List.of(DEFAULT_GROUP) : policy.groups();
        final List<String> prfs = new ArrayList<>(policy.prf());
        if (prfs.isEmpty())
        {
            // as on the ASA: the PRF follows the integrity algorithm; AES-GCM alone falls back to sha256
            integrity.stream().filter(word -> !"null".equals(word)).forEach(prfs::add);
            if (prfs.isEmpty())
            {
                prfs.add(DEFAULT_INTEGRITY);
            }
        }
        final List<IkeSuite> out = new ArrayList<>();
        for (final String cipher : encryption)
        {
            final boolean gcm = cipher.startsWith("aes-gcm");
            final int keyBits = cipher.endsWith("-256") ? 256 : cipher.endsWith("-192") ? 192 : 128;
            for (final String mac : gcm ? List.of("null") : integrity)
            {
                if (!gcm && "null".equals(mac))
                {
                    continue;
                }
                for (final String prf : prfs)
                {
                    for (final int group : groups)
                    {
                        out.add(new IkeSuite(gcm ? Ike.ENCR_AES_GCM_16 : Ike.ENCR_AES_CBC, keyBits,
                            gcm ? 0 : integrity(mac), prf(prf), DhGroup.of(group)));
                    }
                }
            }
        }
        return out;
    }

    private static int integrity(final String word)
    {
        return switch (word)
        {
            case "sha256" -> Ike.AUTH_HMAC_SHA2_256_128;
            case "sha384" -> Ike.AUTH_HMAC_SHA2_384_192;
            case "sha512" -> Ike.AUTH_HMAC_SHA2_512_256;
            default -> throw new IllegalArgumentException("integrity " + word + " is not supported");
        };
    }

    private static PrfAlgorithm prf(final String word)
    {
        return switch (word)
        {
            case "sha256" -> PrfAlgorithm.HMAC_SHA2_256;
            case "sha384" -> PrfAlgorithm.HMAC_SHA2_384;
            case "sha512" -> PrfAlgorithm.HMAC_SHA2_512;
            default -> throw new IllegalArgumentException("prf " + word + " is not supported");
        };
    }
}
