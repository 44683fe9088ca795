package org.headend.control.config;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.headend.control.config.grammar.ArgTypes;
import org.headend.control.config.grammar.Mode;

/**
 * The IKEv2 remote-access commands beside {@code crypto ikev2 enable} ({@link CryptoLanguage}), as on the ASA:
 * {@code crypto ikev2 policy N} (IKE algorithms), {@code crypto ipsec ikev2 ipsec-proposal NAME} (ESP algorithms),
 * the {@code crypto dynamic-map}/{@code crypto map} lines that bind proposals to the IKEv2 interface, and
 * {@code crypto ikev2 remote-access trustpoint NAME} (the headend's certificate). Every ASA word is known to the
 * grammar, so that a pasted configuration parses, but an algorithm the responder or the user-space ESP cannot do is
 * refused with the list of what it can: accepting it would let the operator believe clients may use it.
 */
final class Ikev2Language
{
    /** IKE encryption: AES-CBC and AES-GCM-16 of each key size. */
    static final Set<String> IKE_ENCRYPTION = Set.of("aes", "aes-192", "aes-256", "aes-gcm", "aes-gcm-192",
        "aes-gcm-256");
    static final Set<String> IKE_INTEGRITY = Set.of("sha256", "sha384", "sha512", "null");
    static final Set<Integer> IKE_GROUPS = Set.of(14, 19, 20, 21, 31);
    static final Set<String> IKE_PRF = Set.of("sha256", "sha384", "sha512");
    /** {@code set pfs}: the ASA's groups the responder can do (X25519, group 31, has no ASA keyword). */
    static final Set<Integer> PFS_GROUPS = Set.of(14, 19, 20, 21);
    /** ESP: the data plane seals AES-GCM-16 with 128- or 256-bit keys only. */
    static final Set<String> ESP_ENCRYPTION = Set.of("aes-gcm", "aes-gcm-256");

    private Ikev2Language()
    {
    }

    static void declare(final UnaryOperator<ConfigCommand> register)
    {
        declarePolicy(register);
        declareProposal(register);
        declareMaps(register);
        register.apply(ConfigCommand.in(Mode.CONFIG, "IKEv2 fragmentation (RFC 7383)")
            .kw("crypto", "Configure certificate authorities")
            .kw("ikev2", "IKE version 2")
            .kw("fragmentation", "Send large IKE messages in fragments to clients that support it")
            .kw("mtu", "The largest IP datagram of an IKE message or fragment").key()
            .arg("mtu", ArgTypes.integer(576, 1_500), "576-1500 bytes, default 576")
            .order(61, 3)
            .compile((draft, scope, args) ->
            {
                draft.ikev2.fragmentationMtu = args.<Integer>get("mtu");
                return null;
            })
            .build());
        // on by default as on the ASA; both spellings share one line, so the last one typed stands and prints
        register.apply(ConfigCommand.in(Mode.CONFIG, "Negate a command or set its defaults")
            .kw("no", "Negate a command or set its defaults")
            .kw("crypto", "Configure certificate authorities")
            .kw("ikev2", "IKE version 2")
            .kw("fragmentation", "Never announce nor send RFC 7383 fragments")
            .fixedKey("crypto ikev2 fragmentation")
            .withoutNoForm()
            .order(61, 4)
            .compile((draft, scope, args) ->
            {
                draft.ikev2.fragmentation = false;
                return null;
            })
            .build());
        register.apply(ConfigCommand.in(Mode.CONFIG, "IKEv2 fragmentation (RFC 7383)")
            .kw("crypto", "Configure certificate authorities")
            .kw("ikev2", "IKE version 2")
            .kw("fragmentation", "Announce and send RFC 7383 fragments (the default)")
            .fixedKey("crypto ikev2 fragmentation")
            .withoutNoForm()
            .order(61, 4)
            .compile((draft, scope, args) ->
            {
                draft.ikev2.fragmentation = true;
                return null;
            })
            .build());
        register.apply(ConfigCommand.in(Mode.CONFIG, "The certificate IKEv2 clients authenticate the headend by")
            .kw("crypto", "Configure certificate authorities")
            .kw("ikev2", "IKE version 2")
            .kw("remote-access", "IKEv2 remote access")
            .kw("trustpoint", "The trustpoint whose identity certificate and key sign the headend's AUTH").key()
            .arg("trustpoint", ArgTypes.NAME, "Name of a crypto ca trustpoint with an identity-certificate")
            .order(61, 2)
            .compile((draft, scope, args) ->
            {
                draft.ikev2.remoteAccessTrustpoint = args.get("trustpoint");
                return null;
            })
            .build());
    }

    private static void declarePolicy(final UnaryOperator<ConfigCommand> register)
    {
        register.apply(ConfigCommand.in(Mode.CONFIG, "Configure an IKEv2 policy")
            .kw("crypto", "Configure certificate authorities")
            .kw("ikev2", "IKE version 2")
            .kw("policy", "The IKE algorithms clients may negotiate; the lowest priority is preferred")
            .arg("priority", ArgTypes.integer(1, 65_535), "Priority, 1-65535").key()
            .enters(Mode.CRYPTO_IKEV2_POLICY)
            .order(61, 1)
            .numberedBy("priority")
            .compile((draft, scope, args) -> draft.ikev2.policies.computeIfAbsent(args.<Integer>get("priority"),
                Ikev2Draft.PolicyDraft::new))
            .build());
        register.apply(ConfigCommand.in(Mode.CRYPTO_IKEV2_POLICY, "IKE encryption algorithms")
            .kw("encryption", "IKE encryption algorithms, best first").key()
            .repeatChoice(1, 9, "algorithm",
                "des", "DES (refused: too weak)", "3des", "Triple DES (refused: too weak)",
                "aes", "AES-CBC 128", "aes-192", "AES-CBC 192", "aes-256", "AES-CBC 256",
                "aes-gcm", "AES-GCM 128", "aes-gcm-192", "AES-GCM 192", "aes-gcm-256", "AES-GCM 256",
                "null", "No encryption (refused)")
            .order(10, 0)
            .compile((draft, scope, args) ->
            {
                ((Ikev2Draft.PolicyDraft)scope).encryption = supported("encryption", args.all("algorithm"),
                    IKE_ENCRYPTION);
                return null;
            })
            .build());
        register.apply(ConfigCommand.in(Mode.CRYPTO_IKEV2_POLICY, "IKE integrity algorithms")
            .kw("integrity", "IKE integrity algorithms for AES-CBC, best first").key()
            .repeatChoice(1, 6, "algorithm",
                "md5", "MD5 (refused: too weak)", "sha", "SHA-1 (refused: too weak)",
                "sha256", "HMAC-SHA-256-128", "sha384", "HMAC-SHA-384-192", "sha512", "HMAC-SHA-512-256",
                "null", "None: only with AES-GCM, which carries its own integrity")
            .order(12, 0)
            .compile((draft, scope, args) ->
            {
                ((Ikev2Draft.PolicyDraft)scope).integrity = supported("integrity", args.all("algorithm"),
                    IKE_INTEGRITY);
                return null;
            })
            .build());
        register.apply(ConfigCommand.in(Mode.CRYPTO_IKEV2_POLICY, "Diffie-Hellman groups")
            .kw("group", "Diffie-Hellman groups, best first").key()
            .repeat(1, 11, "group", ArgTypes.integer(1, 31),
                "14 (MODP-2048), 19/20/21 (ECP-256/384/521), 31 (Curve25519); 1, 2, 5, 15, 16, 24 are refused")
            .order(14, 0)
            .compile((draft, scope, args) ->
            {
                final List<Integer> groups = args.all("group");
                for (final int group : groups)
                {
                    if (!IKE_GROUPS.contains(group))
                    {
                        throw new IllegalArgumentException("group " + group + " is not supported here (groups "
                            + "14, 19, 20, 21 and 31 are)");
                    }
                }
                ((Ikev2Draft.PolicyDraft)scope).groups = List.copyOf(distinct("group", groups));
                return null;
            })
            .build());
        register.apply(ConfigCommand.in(Mode.CRYPTO_IKEV2_POLICY, "Pseudo-random functions")
            .kw("prf", "Pseudo-random functions, best first (default: those of the integrity)").key()
            .repeatChoice(1, 5, "algorithm",
                "md5", "MD5 (refused: too weak)", "sha", "SHA-1 (refused: too weak)",
                "sha256", "PRF-HMAC-SHA-256", "sha384", "PRF-HMAC-SHA-384", "sha512", "PRF-HMAC-SHA-512")
            .order(16, 0)
            .compile((draft, scope, args) ->
            {
                ((Ikev2Draft.PolicyDraft)scope).prf = supported("prf", args.all("algorithm"), IKE_PRF);
                return null;
            })
            .build());
        register.apply(ConfigCommand.in(Mode.CRYPTO_IKEV2_POLICY, "IKE SA lifetime")
            .kw("lifetime", "How long an IKE SA lives").kw("seconds", "In seconds").key()
            .arg("seconds", ArgTypes.integer(120, 2_147_483_647), "120-2147483647, default 86400")
            .order(18, 0)
            .compile((draft, scope, args) ->
            {
                ((Ikev2Draft.PolicyDraft)scope).lifetimeSeconds = args.<Integer>get("seconds");
                return null;
            })
            .build());
    }

    private static void declareProposal(final UnaryOperator<ConfigCommand> register)
    {
        register.apply(ConfigCommand.in(Mode.CONFIG, "Configure an IPsec proposal")
            .kw("crypto", "Configure certificate authorities")
            .kw("ipsec", "IPsec")
            .kw("ikev2", "IKE version 2")
            .kw("ipsec-proposal", "ESP algorithms a dynamic map offers")
            .arg("name", ArgTypes.NAME, "Name of the proposal").key()
            .enters(Mode.CRYPTO_IPSEC_PROPOSAL)
            .order(59, 0)
            .compile((draft, scope, args) -> draft.ikev2.proposals.computeIfAbsent(args.get("name"),
                Ikev2Draft.ProposalDraft::new))
            .build());
        register.apply(ConfigCommand.in(Mode.CRYPTO_IPSEC_PROPOSAL, "ESP encryption algorithms")
            .kw("protocol", "The IPsec protocol").kw("esp", "ESP")
            .kw("encryption", "ESP encryption algorithms, best first").key()
            .repeatChoice(1, 12, "algorithm",
                "des", "DES (refused)", "3des", "Triple DES (refused)",
                "aes", "AES-CBC 128 (refused: ESP here is AES-GCM)", "aes-192", "AES-CBC 192 (refused)",
                "aes-256", "AES-CBC 256 (refused)",
                "aes-gcm", "AES-GCM 128", "aes-gcm-192", "AES-GCM 192 (refused)", "aes-gcm-256", "AES-GCM 256",
                "aes-gmac", "AES-GMAC (refused)", "aes-gmac-192", "AES-GMAC 192 (refused)",
                "aes-gmac-256", "AES-GMAC 256 (refused)", "null", "No encryption (refused)")
            .order(10, 0)
            .compile((draft, scope, args) ->
            {
                ((Ikev2Draft.ProposalDraft)scope).encryption = supported("protocol esp encryption",
                    args.all("algorithm"), ESP_ENCRYPTION);
                return null;
            })
            .build());
        register.apply(ConfigCommand.in(Mode.CRYPTO_IPSEC_PROPOSAL, "ESP integrity algorithms")
            .kw("protocol", "The IPsec protocol").kw("esp", "ESP")
            .kw("integrity", "ESP integrity algorithms").key()
            .repeatChoice(1, 6, "algorithm",
                "md5", "HMAC-MD5 (refused)", "sha-1", "HMAC-SHA-1 (refused)", "sha-256", "HMAC-SHA-256 (refused)",
                "sha-384", "HMAC-SHA-384 (refused)", "sha-512", "HMAC-SHA-512 (refused)",
                "null", "None: AES-GCM carries its own integrity")
            .order(12, 0)
            .compile((draft, scope, args) ->
            {
                ((Ikev2Draft.ProposalDraft)scope).integrity = supported("protocol esp integrity",
                    args.all("algorithm"), Set.of("null"));
                return null;
            })
            .build());
    }

    private static void declareMaps(final UnaryOperator<ConfigCommand> register)
    {
        register.apply(ConfigCommand.in(Mode.CONFIG, "Configure a dynamic crypto map")
            .kw("crypto", "Configure certificate authorities")
            .kw("dynamic-map", "A crypto map entry for peers of any address (remote access)")
            .arg("name", ArgTypes.NAME, "Name of the dynamic map")
            .arg("seq", ArgTypes.integer(1, 65_535), "Sequence number")
            .kw("set", "Set a parameter").kw("ikev2", "IKE version 2")
            .kw("ipsec-proposal", "The ipsec-proposals offered, best first").key()
            .repeat(1, 11, "proposal", ArgTypes.NAME, "Name of a crypto ipsec ikev2 ipsec-proposal")
            .order(59, 1)
            .compile((draft, scope, args) ->
            {
                draft.ikev2.dynamicMaps.computeIfAbsent(args.get("name"), n -> new TreeMap<>())
                    .put(args.get("seq"), List.copyOf(distinct("ipsec-proposal", args.all("proposal"))));
                return null;
            })
            .build());
        register.apply(ConfigCommand.in(Mode.CONFIG, "Require perfect forward secrecy on CHILD_SA rekeys")
            .kw("crypto", "Configure certificate authorities")
            .kw("dynamic-map", "A crypto map entry for peers of any address (remote access)")
            .arg("name", ArgTypes.NAME, "Name of the dynamic map")
            .arg("seq", ArgTypes.integer(1, 65_535), "Sequence number")
            .kw("set", "Set a parameter")
            .kw("pfs", "Each CHILD_SA rekey carries a fresh Diffie-Hellman exchange (KE) of this group").key()
            .optional(null, p -> p.choice("group",
                "group1", "MODP-768 (refused: too weak)", "group2", "MODP-1024 (refused: too weak)",
                "group5", "MODP-1536 (refused: too weak)", "group14", "MODP-2048 (the default)",
                "group15", "MODP-3072 (refused: not done here)", "group16", "MODP-4096 (refused: not done here)",
                "group19", "ECP-256", "group20", "ECP-384", "group21", "ECP-521",
                "group24", "MODP-2048/256 (refused: deprecated)"))
            .order(59, 1)
            .compile((draft, scope, args) ->
            {
                final String word = args.has("group") ? args.get("group") : "group" + Ikev2Config.DEFAULT_PFS_GROUP;
                final int group = Integer.parseInt(word.substring("group".length()));
                if (!PFS_GROUPS.contains(group))
                {
                    throw new IllegalArgumentException("set pfs " + word + " is not supported here (supported: "
                        + "group14, group19, group20, group21)");
                }
                draft.ikev2.pfsGroups.computeIfAbsent(args.get("name"), n -> new TreeMap<>())
                    .put(args.get("seq"), group);
                return null;
            })
            .build());
        register.apply(ConfigCommand.in(Mode.CONFIG, "Configure a crypto map")
            .kw("crypto", "Configure certificate authorities")
            .kw("map", "A crypto map")
            .arg("name", ArgTypes.NAME, "Name of the crypto map")
            .arg("seq", ArgTypes.integer(1, 65_535), "Sequence number").key()
            .kw("ipsec-isakmp", "IKE-negotiated entry")
            .kw("dynamic", "Take the entry from a dynamic map (remote access)")
            .arg("dynamic", ArgTypes.NAME, "Name of a crypto dynamic-map")
            .order(59, 2)
            .compile((draft, scope, args) ->
            {
                draft.ikev2.cryptoMaps.computeIfAbsent(args.get("name"), n -> new TreeMap<>())
                    .put(args.get("seq"), args.get("dynamic"));
                return null;
            })
            .build());
        register.apply(ConfigCommand.in(Mode.CONFIG, "Bind a crypto map to an interface")
            .kw("crypto", "Configure certificate authorities")
            .kw("map", "A crypto map")
            .arg("name", ArgTypes.NAME, "Name of the crypto map")
            .kw("interface", "Bind the map to an interface")
            .arg("nameif", ArgTypes.NAME, "The interface's nameif")
            .keyedBy(args -> "crypto map interface " + args.get("nameif"))
            .order(59, 3)
            .compile((draft, scope, args) ->
            {
                draft.ikev2.mapInterfaces.put(args.get("nameif"), args.get("name"));
                return null;
            })
            .build());
    }

    /** {@code words} once each, all of them in {@code known}, else a refusal listing what is supported. */
    private static List<String> supported(final String line, final List<String> words, final Set<String> known)
    {
        for (final String word : words)
        {
            if (!known.contains(word))
            {
                throw new IllegalArgumentException(line + " " + word + " is not supported here (supported: "
                    + String.join(", ", new java.util.TreeSet<>(known)) + ")");
            }
        }
        return List.copyOf(distinct(line, words));
    }

    private static <T> Set<T> distinct(final String line, final List<T> values)
    {
        final Set<T> out = new LinkedHashSet<>();
        for (final T value : values)
        {
            if (!out.add(value))
            {
                throw new IllegalArgumentException(line + ": " + value + " is given twice");
            }
        }
        return out;
    }
}
