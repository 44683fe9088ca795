package org.headend.control.config;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The global {@code webvpn} block.
 *
 * @param enabledNameifs       the nameifs of {@code enable <nameif>} lines
 * @param port                 {@code port} (TCP, and UDP for DTLS unless {@code dtls port} says otherwise); default 443
 * @param anyconnectEnabled    {@code anyconnect enable}
 * @param tlsOnlyNameifs       the nameifs of {@code enable <nameif> tls-only}: no DTLS offered there
 * @param configuredDtlsPort   {@code dtls port}; 0 when not set (see {@link #dtlsPort()})
 * @param tunnelGroupList      {@code tunnel-group-list enable}: the login page lists the group aliases
 * @param images               {@code anyconnect image} lines, by order
 * @param profiles             {@code anyconnect profiles NAME disk0:/FILE}: profile name → flash path
 * @param customAttributeTypes {@code anyconnect-custom-attr TYPE [description …]}: type → description ("" if none)
 */
public record WebvpnConfig(Set<String> enabledNameifs, int port, boolean anyconnectEnabled, Set<String> tlsOnlyNameifs,
    int configuredDtlsPort, boolean tunnelGroupList, List<AnyconnectImage> images, Map<String, String> profiles,
    Map<String, String> customAttributeTypes)
{
    /** The block with only the walking skeleton's settings; everything else at its default. */
    public WebvpnConfig(final Set<String> enabledNameifs, final int port, final boolean anyconnectEnabled)
    {
        this(enabledNameifs, port, anyconnectEnabled, Set.of(), 0, false, List.of(), Map.of(), Map.of());
    }

    /** The UDP port DTLS listens on: {@code dtls port} when set, else {@code port}. */
    public int dtlsPort()
    {
        return configuredDtlsPort == 0 ? port : configuredDtlsPort;
    }

    /** Whether clients arriving on {@code nameif} are offered DTLS: enabled there and not {@code tls-only}. */
    public boolean dtlsEnabledOn(final String nameif)
    {
        return enabledNameifs.contains(nameif) && !tlsOnlyNameifs.contains(nameif);
    }
}
