package org.headend.control.config.grammar;

/**
 * The command modes of the CLI, named and prompted as on the ASA. The exec modes run commands; the configuration
 * modes edit the running configuration, each sub-mode belonging to the line that entered it.
 */
public enum Mode
{
    /** User exec, prompt {@code host>}: a few harmless commands and {@code enable}. */
    USER_EXEC(">"),
    /** Privileged exec, prompt {@code host#}. */
    EXEC(""),
    /** Global configuration, prompt {@code host(config)#}. */
    CONFIG("config"),
    /** {@code interface IFNAME}. */
    INTERFACE("config-if"),
    /** {@code group-policy NAME attributes}. */
    GROUP_POLICY("config-group-policy"),
    /** {@code webvpn} inside a group-policy's attributes. */
    GROUP_WEBVPN("config-group-webvpn"),
    /** {@code tunnel-group NAME general-attributes}. */
    TUNNEL_GENERAL("config-tunnel-general"),
    /** {@code tunnel-group NAME webvpn-attributes}. */
    TUNNEL_WEBVPN("config-tunnel-webvpn"),
    /** The global {@code webvpn}. */
    WEBVPN("config-webvpn"),
    /** {@code username NAME attributes}. */
    USERNAME("config-username"),
    /** {@code webvpn} inside a user's attributes. */
    USERNAME_WEBVPN("config-username-webvpn"),
    /** {@code aaa-server NAME protocol radius}. */
    AAA_SERVER_GROUP("config-aaa-server-group"),
    /** {@code aaa-server NAME (IF) host ADDR}. */
    AAA_SERVER_HOST("config-aaa-server-host"),
    /** {@code ldap attribute-map NAME}. */
    LDAP_ATTRIBUTE_MAP("config-ldap-attribute-map"),
    /** {@code crypto ikev2 policy N}. */
    CRYPTO_IKEV2_POLICY("config-ikev2-policy"),
    /** {@code crypto ipsec ikev2 ipsec-proposal NAME}. */
    CRYPTO_IPSEC_PROPOSAL("config-ipsec-proposal"),
    /** {@code crypto ca trustpoint NAME}. */
    CRYPTO_CA_TRUSTPOINT("config-ca-trustpoint"),
    /** {@code vpn load-balancing}. */
    LOAD_BALANCING("config-load-balancing"),
    /** {@code saml idp ENTITY-ID} inside the global {@code webvpn}. */
    SAML_IDP("config-webvpn-saml-idp");

    private final String promptTag;

    Mode(final String promptTag)
    {
        this.promptTag = promptTag;
    }

    /** The prompt for {@code hostname} in this mode, e.g. {@code headend(config-if)#}. */
    public String prompt(final String hostname)
    {
        if (this == USER_EXEC)
        {
            return hostname + ">";
        }
        return promptTag.isEmpty() ? hostname + "#" : hostname + "(" + promptTag + ")#";
    }

    /** Whether this is one of the configuration modes (global configuration or a sub-mode). */
    public boolean isConfiguration()
    {
        return this != USER_EXEC && this != EXEC;
    }

    /** The ASA's name for the mode in help headers, e.g. {@code config-group-webvpn}; {@code exec} for exec. */
    public String tag()
    {
        return this == USER_EXEC || this == EXEC ? "exec" : promptTag;
    }
}
