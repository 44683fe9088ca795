package org.headend.control.config;

import java.util.function.UnaryOperator;
import org.headend.control.config.grammar.ArgType;
import org.headend.control.config.grammar.ArgTypes;
import org.headend.control.config.grammar.Mode;

/**
 * The configuration commands of client certificates, kept apart from {@link ConfigLanguage}'s table:
 * {@code crypto ca trustpoint NAME} with its sub-mode, and the tunnel-group lines that ask for a certificate
 * ({@code authentication} in webvpn-attributes, {@code username-from-certificate} in general-attributes).
 * <p>
 * The ASA brings the CA certificate in by pasting it ({@code crypto ca authenticate}) and keeps it as a hex block in
 * the configuration; here the trustpoint names a PEM file on disk0: instead ({@code ca-certificate}), and the CRL is
 * a file there too ({@code crl file}), so that a configuration file alone sets everything up.
 */
final class CryptoLanguage
{
    /** An ASA certificate attribute name (CN, OU, UPN, …), any case, printed upper-case. */
    static final ArgType<CertificateUsername.Attribute> ATTRIBUTE = new ArgType<>()
    {
        @Override
        public CertificateUsername.Attribute parse(final String token)
        {
            try
            {
                return CertificateUsername.Attribute.of(token);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalArgumentException("'" + token + "' is not a certificate attribute (C, CN, DNQ, EA, "
                    + "GENQ, GN, I, L, N, O, OU, SER, SN, SP, T, UID, UPN)");
            }
        }

        @Override
        public String format(final CertificateUsername.Attribute value)
        {
            return value.word();
        }

        @Override
        public String syntax()
        {
            return "ATTRIBUTE";
        }
    };

    private CryptoLanguage()
    {
    }

    /** Declares the commands through {@code register}, which adds one to the language and returns it. */
    static void declare(final UnaryOperator<ConfigCommand> register)
    {
        declareTrustpoint(register);
        declareTunnelGroupLines(register);
        declareIkev2(register);
    }

    /** {@code crypto ikev2 enable NAMEIF}: IKEv2 remote access (UDP 500, and 4500 through the data plane). */
    private static void declareIkev2(final UnaryOperator<ConfigCommand> register)
    {
        register.apply(ConfigCommand.in(Mode.CONFIG, "Configure IKEv2")
            .kw("crypto", "Configure certificate authorities")
            .kw("ikev2", "IKE version 2")
            .kw("enable", "Answer IKEv2 clients on an interface").key()
            .arg("nameif", ArgTypes.NAME, "The interface's nameif")
            .optional(null, p -> p.kw("client-services", "AnyConnect client services")
                .kw("port", "TCP port of the client services")
                .arg("port", ArgTypes.integer(1, 65_535), "Port"))
            .order(61, 0)
            .compile((draft, scope, args) ->
            {
                draft.ikev2Interface = args.get("nameif");
                return null;
            })
            .build());
    }

    /** The words of {@code validation-usage}, as on the ASA. */
    private static final String[] USAGES = {"ipsec-client", "Client certificates (as ssl-client here: no IPsec)",
        "ssl-client", "Client certificates of VPN and portal logins", "ssl-server",
        "Certificates of the servers the appliance connects to (LDAPS)"};

    private static void declareTrustpoint(final UnaryOperator<ConfigCommand> register)
    {
        register.apply(ConfigCommand.in(Mode.CONFIG, "Configure certificate authorities")
            .kw("crypto", "Configure certificate authorities")
            .kw("ca", "Certificate authorities")
            .kw("trustpoint", "A CA whose client certificates are accepted")
            .arg("name", ArgTypes.NAME, "Name of the trustpoint").key()
            .enters(Mode.CRYPTO_CA_TRUSTPOINT)
            .order(60, 0)
            .compile((draft, scope, args) ->
                draft.trustpoints.computeIfAbsent(args.get("name"), ConfigDraft.TrustpointDraft::new))
            .build());
        register.apply(ConfigCommand.in(Mode.CRYPTO_CA_TRUSTPOINT, "How certificates are enrolled")
            .kw("enrollment", "How certificates are enrolled").key()
            .kw("terminal", "By hand: the CA certificate is a file on disk0: (ca-certificate)")
            .order(10, 0)
            .compile((draft, scope, args) ->
            {
                ((ConfigDraft.TrustpointDraft)scope).enrollmentTerminal = true;
                return null;
            })
            .build());
        register.apply(ConfigCommand.in(Mode.CRYPTO_CA_TRUSTPOINT, "The CA certificate")
            .kw("ca-certificate", "The CA certificate, and any intermediates, as a PEM file on disk0:").key()
            .arg("path", ArgTypes.flashFile(""), "The PEM file on disk0:")
            .order(12, 0)
            .compile((draft, scope, args) ->
            {
                ((ConfigDraft.TrustpointDraft)scope).caCertificate = args.get("path");
                return null;
            })
            .build());
        register.apply(ConfigCommand.in(Mode.CRYPTO_CA_TRUSTPOINT, "The appliance's own certificate")
            .kw("identity-certificate", "The appliance's certificate chain and private key, as one PEM file on disk0:")
            .key()
            .arg("path", ArgTypes.flashFile(""), "The PEM file on disk0: (certificates leaf first, then the key)")
            .order(13, 0)
            .compile((draft, scope, args) ->
            {
                ((ConfigDraft.TrustpointDraft)scope).identityCertificate = args.get("path");
                return null;
            })
            .build());
        register.apply(ConfigCommand.in(Mode.CONFIG, "Configure SSL")
            .kw("ssl", "Configure SSL")
            .kw("trust-point", "The trustpoint whose identity certificate the TLS listeners serve")
            .arg("trustpoint", ArgTypes.NAME, "Name of a crypto ca trustpoint with an identity-certificate")
            .optional("on", p -> p.arg("nameif", ArgTypes.NAME, "Only on this interface (nameif), e.g. outside"))
            .keyedBy(args -> "ssl trust-point" + (args.has("nameif") ? " " + args.get("nameif") : ""))
            .order(61, 0)
            .compile((draft, scope, args) ->
            {
                draft.sslTrustpoints.put(args.has("nameif") ? args.get("nameif") : GlobalSettings.EVERY_INTERFACE,
                    args.get("trustpoint"));
                return null;
            })
            .build());
        register.apply(ConfigCommand.in(Mode.CRYPTO_CA_TRUSTPOINT, "How revocation is checked")
            .kw("revocation-check", "How revocation is checked").key()
            .choice("method", "crl", "Against the CRL (crl file); refused when it cannot be read",
                "none", "Not checked")
            .optional("fallback", p -> p.kw("none", "After crl: accepted when the CRL cannot be read"))
            .order(14, 0)
            .compile((draft, scope, args) ->
            {
                final boolean crl = "crl".equals(args.get("method"));
                if (!crl && args.has("fallback"))
                {
                    throw new IllegalArgumentException("revocation-check none none: none is given once");
                }
                ((ConfigDraft.TrustpointDraft)scope).revocationCheck = !crl ? Trustpoint.RevocationCheck.NONE
                    : args.has("fallback") ? Trustpoint.RevocationCheck.CRL_OR_NONE : Trustpoint.RevocationCheck.CRL;
                return null;
            })
            .build());
        register.apply(ConfigCommand.in(Mode.CRYPTO_CA_TRUSTPOINT, "What the trustpoint validates")
            .kw("validation-usage", "Which certificates are checked against this CA").key()
            .choice("usage", USAGES)
            .optional("second", p -> p.choice("usage2", USAGES)
                .optional("third", q -> q.choice("usage3", USAGES)))
            .order(18, 0)
            .compile((draft, scope, args) ->
            {
                final ConfigDraft.TrustpointDraft trustpoint = (ConfigDraft.TrustpointDraft)scope;
                final java.util.Set<String> usages = new java.util.HashSet<>();
                for (final String name : new String[] {"usage", "usage2", "usage3"})
                {
                    if (args.has(name) && !usages.add(args.get(name)))
                    {
                        throw new IllegalArgumentException(args.get(name) + " is given twice");
                    }
                }
                trustpoint.validatesClients = usages.contains("ssl-client") || usages.contains("ipsec-client");
                trustpoint.validatesServers = usages.contains("ssl-server");
                return null;
            })
            .build());
        register.apply(ConfigCommand.in(Mode.CRYPTO_CA_TRUSTPOINT, "The certificate revocation list")
            .kw("crl", "The certificate revocation list")
            .kw("file", "The CA's CRL as a file on disk0: (PEM or DER), read again when it changes").key()
            .arg("path", ArgTypes.flashFile(""), "The CRL file on disk0:")
            .order(16, 0)
            .compile((draft, scope, args) ->
            {
                ((ConfigDraft.TrustpointDraft)scope).crlFile = args.get("path");
                return null;
            })
            .build());
    }

    private static void declareTunnelGroupLines(final UnaryOperator<ConfigCommand> register)
    {
        register.apply(ConfigCommand.in(Mode.TUNNEL_WEBVPN, "What users prove to log in")
            .kw("authentication", "What users prove to log in").key()
            .choice("method", "aaa", "A user name and password (the default)",
                "certificate", "A client certificate",
                "saml", "Single sign-on at the group's saml identity-provider")
            .optional("both", p -> p.kw("certificate", "After aaa: a client certificate and a password"))
            .order(20, 0)
            .compile((draft, scope, args) ->
            {
                final boolean aaa = "aaa".equals(args.get("method"));
                if (!aaa && args.has("both"))
                {
                    throw new IllegalArgumentException("authentication " + args.get("method")
                        + " certificate: only aaa takes a certificate besides");
                }
                ((ConfigDraft.TunnelGroupDraft)scope).authentication = "saml".equals(args.get("method"))
                    ? TunnelAuthentication.SAML : !aaa ? TunnelAuthentication.CERTIFICATE
                    : args.has("both") ? TunnelAuthentication.AAA_CERTIFICATE : TunnelAuthentication.AAA;
                return null;
            })
            .build());
        register.apply(ConfigCommand.in(Mode.TUNNEL_GENERAL, "Which certificate attribute names the user")
            .kw("username-from-certificate", "Which certificate attribute names the user").key()
            .arg("primary", ATTRIBUTE, "The attribute that names the user, e.g. CN, EA, UPN")
            .optional(null, p -> p.arg("secondary", ATTRIBUTE, "The attribute taken when the first is absent"))
            .order(40, 0)
            .compile((draft, scope, args) ->
            {
                ((ConfigDraft.TunnelGroupDraft)scope).usernameFromCertificate = new CertificateUsername(
                    args.get("primary"), args.has("secondary") ? args.get("secondary") : null, false);
                return null;
            })
            .build());
        register.apply(ConfigCommand.in(Mode.TUNNEL_GENERAL, "Which certificate attribute names the user")
            .kw("username-from-certificate", "Which certificate attribute names the user").key()
            .kw("use-entire-name", "The whole subject DN is the user name")
            .fixedKey("username-from-certificate")
            .order(40, 1)
            .compile((draft, scope, args) ->
            {
                ((ConfigDraft.TunnelGroupDraft)scope).usernameFromCertificate =
                    new CertificateUsername(CertificateUsername.Attribute.CN, null, true);
                return null;
            })
            .build());
    }
}
