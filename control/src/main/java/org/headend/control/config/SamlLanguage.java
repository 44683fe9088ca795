package org.headend.control.config;

import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.headend.control.config.grammar.ArgType;
import org.headend.control.config.grammar.ArgTypes;
import org.headend.control.config.grammar.Mode;

/**
 * The SAML single sign-on commands, kept apart from {@link ConfigLanguage}'s table: {@code webvpn} →
 * {@code saml idp ENTITY-ID} with its sub-mode (as on the ASA: {@code url sign-in|sign-out}, {@code base-url},
 * {@code trustpoint idp}, {@code trustpoint sp}, {@code timeout assertion}; ours: {@code username-attribute},
 * {@code attribute-map}) and the tunnel-group's {@code saml identity-provider ENTITY-ID} (webvpn-attributes).
 * {@code authentication saml} is declared with the other {@code authentication} choices in {@link CryptoLanguage}.
 */
final class SamlLanguage
{
    /** An entity ID: a URI without blanks (IdPs use URLs and URNs). */
    static final ArgType<String> ENTITY_ID = text("ENTITY-ID", "[\\x21-\\x7e]{1,256}", "an entity ID (a URI)");
    /** An http(s) URL without blanks or quotes. */
    static final ArgType<String> URL = text("URL", "https?://[\\x21\\x23-\\x7e]{1,500}", "an http:// or https:// URL");
    /** Our own base URL: https, no path ending in a slash. */
    static final ArgType<String> BASE_URL = text("URL", "https://[A-Za-z0-9.:\\[\\]-]{1,255}(/[\\x21\\x23-\\x7e]*[^/])?",
        "an https:// URL without a trailing slash, e.g. https://vpn.example.com");

    private SamlLanguage()
    {
    }

    static void declare(final UnaryOperator<ConfigCommand> register)
    {
        register.apply(ConfigCommand.in(Mode.WEBVPN, "Configure a SAML identity provider")
            .kw("saml", "Configure SAML single sign-on").kw("idp", "Configure a SAML identity provider")
            .arg("entity", ENTITY_ID, "The IdP's entity ID").key()
            .enters(Mode.SAML_IDP)
            .printWhenEmpty()
            .order(80, 0)
            .compile((draft, scope, args) ->
                draft.samlIdps.computeIfAbsent(args.get("entity"), ConfigDraft.SamlIdpDraft::new))
            .build());
        register.apply(ConfigCommand.in(Mode.SAML_IDP, "The IdP's sign-in and sign-out URLs")
            .kw("url", "The IdP's sign-in and sign-out URLs")
            .choice("which", "sign-in", "Where AuthnRequests are sent", "sign-out", "Where logouts are sent").key()
            .arg("url", URL, "The URL")
            .order(10, 0)
            .compile((draft, scope, args) ->
            {
                final ConfigDraft.SamlIdpDraft idp = (ConfigDraft.SamlIdpDraft)scope;
                if ("sign-in".equals(args.get("which")))
                {
                    idp.signInUrl = args.get("url");
                }
                else
                {
                    idp.signOutUrl = args.get("url");
                }
                return null;
            })
            .build());
        register.apply(ConfigCommand.in(Mode.SAML_IDP, "Our URL as browsers reach it")
            .kw("base-url", "Our URL as browsers reach it (our entity ID and assertion consumer service)").key()
            .arg("url", BASE_URL, "e.g. https://vpn.example.com")
            .order(12, 0)
            .compile((draft, scope, args) ->
            {
                ((ConfigDraft.SamlIdpDraft)scope).baseUrl = args.get("url");
                return null;
            })
            .build());
        register.apply(ConfigCommand.in(Mode.SAML_IDP, "The IdP's signing certificate")
            .kw("trustpoint", "The IdP's signing certificate, or our own key")
            .kw("idp", "A trustpoint whose ca-certificate file is the IdP's signing certificate").key()
            .arg("name", ArgTypes.NAME, "Name of the crypto ca trustpoint")
            .order(14, 0)
            .compile((draft, scope, args) ->
            {
                ((ConfigDraft.SamlIdpDraft)scope).idpTrustpoint = args.get("name");
                return null;
            })
            .build());
        register.apply(ConfigCommand.in(Mode.SAML_IDP, "Our own signing and decryption key")
            .kw("trustpoint", "The IdP's signing certificate, or our own key")
            .kw("sp", "A trustpoint whose identity-certificate signs our requests and decrypts assertions").key()
            .arg("name", ArgTypes.NAME, "Name of the crypto ca trustpoint")
            .order(15, 0)
            .compile((draft, scope, args) ->
            {
                ((ConfigDraft.SamlIdpDraft)scope).spTrustpoint = args.get("name");
                return null;
            })
            .build());
        register.apply(ConfigCommand.in(Mode.SAML_IDP, "How long an assertion is accepted")
            .kw("timeout", "Timeouts").kw("assertion", "How long after it was issued an assertion is accepted").key()
            .arg("seconds", ArgTypes.integer(1, 86_400), "Seconds, default 3600")
            .order(16, 0)
            .compile((draft, scope, args) ->
            {
                ((ConfigDraft.SamlIdpDraft)scope).assertionTimeout =
                    Duration.ofSeconds(args.<Integer>get("seconds"));
                return null;
            })
            .build());
        register.apply(ConfigCommand.in(Mode.SAML_IDP, "The attribute that names the user")
            .kw("username-attribute", "The assertion attribute that names the user (default: the NameID)").key()
            .arg("name", LdapArgTypes.MAPPED_ATTRIBUTE,
                "The attribute name, e.g. uid or urn:oid:0.9.2342.19200300.100.1.1")
            .order(18, 0)
            .compile((draft, scope, args) ->
            {
                ((ConfigDraft.SamlIdpDraft)scope).usernameAttribute = args.get("name");
                return null;
            })
            .build());
        register.apply(ConfigCommand.in(Mode.SAML_IDP, "Map the assertion's attributes to a group-policy")
            .kw("attribute-map", "An ldap attribute-map applied to the assertion's attributes").key()
            .arg("name", new Reference(RefKind.LDAP_ATTRIBUTE_MAP), "Name of the ldap attribute-map")
            .order(20, 0)
            .compile((draft, scope, args) ->
            {
                ((ConfigDraft.SamlIdpDraft)scope).attributeMap = args.get("name");
                return null;
            })
            .build());
        register.apply(ConfigCommand.in(Mode.TUNNEL_WEBVPN, "The SAML identity provider of the group")
            .kw("saml", "SAML single sign-on")
            .kw("identity-provider", "The identity provider users of the group log in at").key()
            .arg("entity", ENTITY_ID, "The entity ID of a webvpn saml idp")
            .order(22, 0)
            .compile((draft, scope, args) ->
            {
                ((ConfigDraft.TunnelGroupDraft)scope).samlIdentityProvider = args.get("entity");
                return null;
            })
            .build());
    }

    private static ArgType<String> text(final String syntax, final String regex, final String what)
    {
        final Pattern pattern = Pattern.compile(regex);
        return new ArgType<>()
        {
            @Override
            public String parse(final String token)
            {
                if (!pattern.matcher(token).matches())
                {
                    throw new IllegalArgumentException("'" + token + "' is not " + what);
                }
                return token;
            }

            @Override
            public String format(final String value)
            {
                return value;
            }

            @Override
            public String syntax()
            {
                return syntax;
            }
        };
    }
}
