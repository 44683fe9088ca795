package org.headend.control.config;

import java.util.List;
import java.util.Map;
import java.util.NavigableMap;

/**
 * The IKEv2 remote-access configuration beside {@code crypto ikev2 enable}: what IKE and ESP algorithms clients may
 * negotiate and which certificate the headend proves itself with. The words are kept as the ASA spells them (e.g.
 * {@code aes-gcm-256}, {@code sha384}, group {@code 20}); only those the responder and the data plane can do are
 * accepted, the others are refused when the line is typed.
 *
 * @param policies          {@code crypto ikev2 policy N}, by priority (lowest number first, the most preferred)
 * @param proposals         {@code crypto ipsec ikev2 ipsec-proposal NAME}, by name in configuration order
 * @param dynamicMaps       {@code crypto dynamic-map NAME SEQ set ikev2 ipsec-proposal P…}: name → seq → proposals
 * @param dynamicMapPfs     {@code crypto dynamic-map NAME SEQ set pfs [groupN]}: name → seq → DH group the CHILD_SA
 *                          rekeys must use
 * @param cryptoMaps        {@code crypto map NAME SEQ ipsec-isakmp dynamic DYN}: name → seq → dynamic map
 * @param mapInterfaces     {@code crypto map NAME interface NAMEIF}: nameif → crypto map
 * @param remoteAccessTrustpoint {@code crypto ikev2 remote-access trustpoint NAME}: whose identity certificate and
 *                          key sign the headend's AUTH; null for the appliance's built-in certificate
 * @param fragmentationMtu  {@code crypto ikev2 fragmentation mtu N}: the largest IP datagram an IKE message of ours
 *                          may take before it is sent in RFC 7383 fragments (to clients that announced support)
 * @param fragmentation     false after {@code no crypto ikev2 fragmentation}: RFC 7383 is neither announced nor
 *                          used, whatever the MTU says (the ASA's default is on)
 */
public record Ikev2Config(List<IkePolicy> policies, Map<String, IpsecProposal> proposals,
    Map<String, NavigableMap<Integer, List<String>>> dynamicMaps, Map<String, NavigableMap<Integer, Integer>> dynamicMapPfs,
    Map<String, NavigableMap<Integer, String>> cryptoMaps, Map<String, String> mapInterfaces,
    String remoteAccessTrustpoint, int fragmentationMtu, boolean fragmentation)
{
    /** The ASA's default IKE SA lifetime, one day. */
    public static final long DEFAULT_LIFETIME_SECONDS = 86_400;
    /** The ASA's default: IKEv2 fragmentation on, at 576 bytes (the IPv4 datagram every host must accept). */
    public static final int DEFAULT_FRAGMENTATION_MTU = 576;
    /** {@code set pfs} without a group: group 14 (the ASA's old default, group 2, is too weak to be done here). */
    public static final int DEFAULT_PFS_GROUP = 14;

    public static final Ikev2Config NONE = new Ikev2Config(List.of(), Map.of(), Map.of(), Map.of(), Map.of(),
        Map.of(), null, DEFAULT_FRAGMENTATION_MTU);

    /** Fragmentation on (the default), at {@code fragmentationMtu}. */
    public Ikev2Config(final List<IkePolicy> policies, final Map<String, IpsecProposal> proposals,
        final Map<String, NavigableMap<Integer, List<String>>> dynamicMaps,
        final Map<String, NavigableMap<Integer, Integer>> dynamicMapPfs,
        final Map<String, NavigableMap<Integer, String>> cryptoMaps, final Map<String, String> mapInterfaces,
        final String remoteAccessTrustpoint, final int fragmentationMtu)
    {
        this(policies, proposals, dynamicMaps, dynamicMapPfs, cryptoMaps, mapInterfaces, remoteAccessTrustpoint,
            fragmentationMtu, true);
    }

    /**
     * One {@code crypto ikev2 policy}: every combination of its algorithms is acceptable. Empty lists take the
     * defaults the responder documents (integrity sha256, group 14, the PRF of the integrity).
     */
    public record IkePolicy(int priority, List<String> encryption, List<String> integrity, List<Integer> groups,
        List<String> prf, long lifetimeSeconds)
    {
        public IkePolicy
        {
            encryption = List.copyOf(encryption);
            integrity = List.copyOf(integrity);
            groups = List.copyOf(groups);
            prf = List.copyOf(prf);
        }
    }

    /** One {@code crypto ipsec ikev2 ipsec-proposal}: its ESP encryption words, best first. */
    public record IpsecProposal(String name, List<String> espEncryption, List<String> espIntegrity)
    {
        public IpsecProposal
        {
            espEncryption = List.copyOf(espEncryption);
            espIntegrity = List.copyOf(espIntegrity);
        }
    }

    /**
     * The DH group CHILD_SA rekeys of clients on {@code nameif} must carry a KE of ({@code set pfs} of the dynamic
     * map entries its crypto map reaches), or 0 when none asks for PFS.
     *
     * @throws IllegalArgumentException naming the lines when entries reached from the interface ask for different
     *                                  groups: the responder applies one
     */
    public int pfsGroup(final String nameif)
    {
        final String map = mapInterfaces.get(nameif);
        final NavigableMap<Integer, String> entries = map == null ? null : cryptoMaps.get(map);
        if (entries == null)
        {
            return 0;
        }
        int group = 0;
        String first = null;
        for (final String dynamic : entries.values())
        {
            for (final Map.Entry<Integer, Integer> pfs : dynamicMapPfs.getOrDefault(dynamic,
                java.util.Collections.emptyNavigableMap()).entrySet())
            {
                final String line = "crypto dynamic-map " + dynamic + " " + pfs.getKey() + " set pfs group"
                    + pfs.getValue();
                if (first == null)
                {
                    first = line;
                    group = pfs.getValue();
                }
                else if (pfs.getValue() != group)
                {
                    throw new IllegalArgumentException(line + ": crypto map " + map + " on " + nameif
                        + " already asks for group " + group + " (" + first + "); IKEv2 clients there get one PFS "
                        + "group");
                }
            }
        }
        return group;
    }

    /**
     * The ipsec-proposals clients on {@code nameif} may choose from, best first: those of the dynamic maps of the
     * crypto map bound to the interface, in sequence order; null when no crypto map is bound there (the responder's
     * defaults then apply).
     *
     * @throws IllegalArgumentException naming the line when a map or proposal it names is not configured
     */
    public List<IpsecProposal> espProposals(final String nameif)
    {
        final String map = mapInterfaces.get(nameif);
        if (map == null)
        {
            return null;
        }
        final NavigableMap<Integer, String> entries = cryptoMaps.get(map);
        if (entries == null)
        {
            throw new IllegalArgumentException("crypto map " + map + " interface " + nameif + ": crypto map " + map
                + " has no ipsec-isakmp dynamic entry");
        }
        final List<IpsecProposal> out = new java.util.ArrayList<>();
        entries.forEach((seq, dynamic) ->
        {
            final NavigableMap<Integer, List<String>> sets = dynamicMaps.get(dynamic);
            if (sets == null)
            {
                throw new IllegalArgumentException("crypto map " + map + " " + seq + " ipsec-isakmp dynamic "
                    + dynamic + ": no crypto dynamic-map " + dynamic);
            }
            sets.forEach((dseq, names) -> names.forEach(name ->
            {
                final IpsecProposal proposal = proposals.get(name);
                if (proposal == null)
                {
                    throw new IllegalArgumentException("crypto dynamic-map " + dynamic + " " + dseq
                        + " set ikev2 ipsec-proposal: no crypto ipsec ikev2 ipsec-proposal " + name);
                }
                if (!out.contains(proposal))
                {
                    out.add(proposal);
                }
            }));
        });
        return List.copyOf(out);
    }
}
