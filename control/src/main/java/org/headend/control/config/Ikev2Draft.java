package org.headend.control.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/** The IKEv2 lines while they are compiled ({@link Ikev2Language}); frozen into an {@link Ikev2Config}. */
final class Ikev2Draft
{
    final Map<Integer, PolicyDraft> policies = new TreeMap<>();
    final Map<String, ProposalDraft> proposals = new LinkedHashMap<>();
    final Map<String, NavigableMap<Integer, List<String>>> dynamicMaps = new LinkedHashMap<>();
    final Map<String, NavigableMap<Integer, Integer>> pfsGroups = new LinkedHashMap<>();
    final Map<String, NavigableMap<Integer, String>> cryptoMaps = new LinkedHashMap<>();
    final Map<String, String> mapInterfaces = new LinkedHashMap<>();
    String remoteAccessTrustpoint;
    int fragmentationMtu = Ikev2Config.DEFAULT_FRAGMENTATION_MTU;
    boolean fragmentation = true;

    /** A {@code crypto ikev2 policy N} block. */
    static final class PolicyDraft
    {
        final int priority;
        List<String> encryption = List.of();
        List<String> integrity = List.of();
        List<Integer> groups = List.of();
        List<String> prf = List.of();
        long lifetimeSeconds = Ikev2Config.DEFAULT_LIFETIME_SECONDS;

        PolicyDraft(final int priority)
        {
            this.priority = priority;
        }
    }

    /** A {@code crypto ipsec ikev2 ipsec-proposal NAME} block. */
    static final class ProposalDraft
    {
        final String name;
        List<String> encryption = List.of();
        List<String> integrity = List.of();

        ProposalDraft(final String name)
        {
            this.name = name;
        }
    }

    Ikev2Config freeze()
    {
        final List<Ikev2Config.IkePolicy> frozenPolicies = new ArrayList<>();
        policies.values().forEach(p -> frozenPolicies.add(new Ikev2Config.IkePolicy(p.priority, p.encryption,
            p.integrity, p.groups, p.prf, p.lifetimeSeconds)));
        final Map<String, Ikev2Config.IpsecProposal> frozenProposals = new LinkedHashMap<>();
        proposals.forEach((name, p) -> frozenProposals.put(name, new Ikev2Config.IpsecProposal(name, p.encryption,
            p.integrity)));
        final Map<String, NavigableMap<Integer, List<String>>> dynamic = new LinkedHashMap<>();
        dynamicMaps.forEach((name, entries) -> dynamic.put(name,
            Collections.unmodifiableNavigableMap(new TreeMap<>(entries))));
        final Map<String, NavigableMap<Integer, Integer>> pfs = new LinkedHashMap<>();
        pfsGroups.forEach((name, entries) -> pfs.put(name,
            Collections.unmodifiableNavigableMap(new TreeMap<>(entries))));
        final Map<String, NavigableMap<Integer, String>> maps = new LinkedHashMap<>();
        cryptoMaps.forEach((name, entries) -> maps.put(name,
            Collections.unmodifiableNavigableMap(new TreeMap<>(entries))));
        return new Ikev2Config(List.copyOf(frozenPolicies), Collections.unmodifiableMap(frozenProposals),
            Collections.unmodifiableMap(dynamic), Collections.unmodifiableMap(pfs), Collections.unmodifiableMap(maps),
            Collections.unmodifiableMap(new LinkedHashMap<>(mapInterfaces)), remoteAccessTrustpoint, fragmentationMtu,
            fragmentation);
    }
}
