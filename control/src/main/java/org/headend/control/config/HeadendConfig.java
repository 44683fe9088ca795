package org.headend.control.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One immutable snapshot of the whole configuration, compiled from the command tree.
 * Readers on any thread take {@code ConfigStore.current()} once and use that snapshot for the whole operation.
 *
 * @param hostname      the {@code hostname} (default {@code headend})
 * @param interfaces    {@code interface} blocks in configuration order
 * @param pools         {@code ip local pool} by name, in configuration order
 * @param users         {@code username} by name (case-sensitive, as on the ASA)
 * @param groupPolicies {@code group-policy} by name; always holds {@value #DEFAULT_GROUP_POLICY}
 * @param tunnelGroups  {@code tunnel-group} by name; always holds {@value #DEFAULT_TUNNEL_GROUP}
 * @param webvpn        the global {@code webvpn} block
 * @param ipv6Pools     {@code ipv6 local pool} by name, in configuration order
 * @param ipv6Routes    {@code ipv6 route} lines in configuration order
 * @param globals       global settings outside any block ({@code compression}, {@code anyconnect-custom-data})
 * @param management    the enable password and SSH access
 * @param accessLists   {@code access-list} entries by list name, in configuration order
 * @param aaaServers    {@code aaa-server} groups by name, in configuration order
 * @param operations    the management HTTPS server ({@code /metrics}) and syslog
 * @param ldapAttributeMaps {@code ldap attribute-map} by name, in configuration order
 * @param trustpoints   {@code crypto ca trustpoint} by name, in configuration order
 * @param samlIdps      {@code webvpn} → {@code saml idp} by entity ID, in configuration order
 */
public record HeadendConfig(
    String hostname,
    List<InterfaceConfig> interfaces,
    Map<String, IpLocalPool> pools,
    Map<String, UserAccount> users,
    Map<String, GroupPolicy> groupPolicies,
    Map<String, TunnelGroup> tunnelGroups,
    WebvpnConfig webvpn,
    Map<String, Ipv6LocalPool> ipv6Pools,
    List<Ipv6Route> ipv6Routes,
    GlobalSettings globals,
    ManagementConfig management,
    Map<String, List<AccessListEntry>> accessLists,
    Map<String, AaaServerGroup> aaaServers,
    OperationsConfig operations,
    Map<String, LdapAttributeMap> ldapAttributeMaps,
    Map<String, Trustpoint> trustpoints,
    Map<String, SamlIdp> samlIdps)
{
    /** The group-policy every other one inherits from; always present. */
    public static final String DEFAULT_GROUP_POLICY = "DfltGrpPolicy";
    /** The tunnel-group a client lands in when it picks none; always present. */
    public static final String DEFAULT_TUNNEL_GROUP = "DefaultWEBVPNGroup";
    /** The ASA's built-in remote-access tunnel-group; always present, configurable like any other. */
    public static final String DEFAULT_RA_GROUP = "DefaultRAGroup";

    public Optional<InterfaceConfig> interfaceByNameif(final String nameif)
    {
        return interfaces.stream().filter(i -> nameif.equals(i.nameif())).findFirst();
    }

    public Optional<UserAccount> user(final String name)
    {
        return Optional.ofNullable(users.get(name));
    }

    public Optional<IpLocalPool> pool(final String name)
    {
        return Optional.ofNullable(pools.get(name));
    }

    public Optional<TunnelGroup> tunnelGroup(final String name)
    {
        return Optional.ofNullable(tunnelGroups.get(name));
    }

    public Optional<AaaServerGroup> aaaServer(final String name)
    {
        return Optional.ofNullable(aaaServers.get(name));
    }

    /** Whether some tunnel-group logs in by certificate: then the TLS server asks clients for one. */
    public boolean wantsClientCertificates()
    {
        return tunnelGroups.values().stream().anyMatch(g -> g.authentication().certificate());
    }

    public TunnelGroup defaultTunnelGroup()
    {
        return tunnelGroups.get(DEFAULT_TUNNEL_GROUP);
    }

    /**
     * The policy a session of {@code username} in {@code tunnelGroup} runs with, following the ASA's inheritance:
     * the user's own attributes, then the user's {@code vpn-group-policy}, then the tunnel-group's
     * {@code default-group-policy}, then {@value #DEFAULT_GROUP_POLICY}, then the built-in default of each attribute.
     */
    public EffectivePolicy effectivePolicy(final String tunnelGroup, final String username)
    {
        return EffectivePolicy.resolve(this, tunnelGroup, username, null);
    }

    /**
     * {@link #effectivePolicy(String, String)} for a user whose group-policy an AAA server assigned (RADIUS
     * {@code Class OU=NAME;}): that policy takes the place of the user's {@code vpn-group-policy}, as on the ASA.
     * An assigned name that is not configured is ignored.
     */
    public EffectivePolicy effectivePolicy(final String tunnelGroup, final String username,
        final String assignedGroupPolicy)
    {
        return EffectivePolicy.resolve(this, tunnelGroup, username, assignedGroupPolicy);
    }
}
