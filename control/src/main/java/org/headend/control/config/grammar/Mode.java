package org.headend.control.config.grammar;

/**
 * The command modes of the CLI, named and prompted as on the ASA. The exec modes run commands; the configuration
 * modes edit the running configuration, each sub-mode belonging to the line that entered it.
 */
public enum Mode
{
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
    /** The global {@code webvpn}. */
    WEBVPN("config-webvpn"),
    /** {@code username NAME attributes}. */
    USERNAME("config-username");

    private final String promptTag;

    Mode(final String promptTag)
    {
        this.promptTag = promptTag;
    }

    /** The prompt for {@code hostname} in this mode, e.g. {@code headend(config-if)#}. */
    public String prompt(final String hostname)
    {
        return promptTag.isEmpty() ? hostname + "#" : hostname + "(" + promptTag + ")#";
    }
}
