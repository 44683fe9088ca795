package org.headend.control.config;

import java.util.List;
import java.util.Map;

/**
 * A {@code tunnel-group} (connection profile).
 *
 * @param name               the tunnel-group name
 * @param type               {@code remote-access}
 * @param addressPools       {@code address-pool} names from general-attributes, in order; empty when none
 * @param defaultGroupPolicy {@code default-group-policy}; {@value HeadendConfig#DEFAULT_GROUP_POLICY} unless set
 * @param ipv6AddressPools   {@code ipv6-address-pool} names from general-attributes; empty when none
 * @param groupAliases       {@code group-alias NAME enable|disable} from webvpn-attributes: alias → enabled
 * @param groupUrls          {@code group-url URL enable|disable} from webvpn-attributes: URL → enabled
 * @param authenticationServerGroup   {@code authentication-server-group NAME}: who checks passwords ({@code LOCAL}
 *                                    unless set)
 * @param authenticationFallbackLocal {@code authentication-server-group NAME LOCAL}: the local users answer while
 *                                    every server of the group is failed
 * @param accountingServerGroup       {@code accounting-server-group NAME}, or null
 * @param authorizationServerGroup    {@code authorization-server-group NAME}: an LDAP group asked for the user's
 *                                    group-policy after the password was checked elsewhere, or null
 * @param authentication              {@code authentication aaa|certificate|aaa certificate} from webvpn-attributes
 * @param usernameFromCertificate     {@code username-from-certificate}: which part of the client certificate's
 *                                    subject names the user
 * @param secondaryAuthentication     {@code secondary-authentication-server-group}: the second password of double
 *                                    authentication, or null
 * @param samlIdentityProvider        {@code saml identity-provider ENTITY-ID} from webvpn-attributes: where
 *                                    {@code authentication saml} sends users; null when not set
 * @param dhcpServers                 {@code dhcp-server ADDR…} from general-attributes: the servers that lease
 *                                    tunnel addresses (with the group-policy's {@code dhcp-network-scope}); empty
 *                                    when none
 * @param passwordManagement          {@code password-management}: a user whose right password the directory says
 *                                    must be changed is asked for a new one, which goes to the directory
 * @param passwordExpireInDays        {@code password-management password-expire-in-days N}: a user whose password
 *                                    the directory says expires within this many days is asked for a new one
 *                                    before the login completes; 0 never asks early ({@value #DEFAULT_PASSWORD_EXPIRE_IN_DAYS}
 *                                    when the option is left out, as on the ASA)
 */
public record TunnelGroup(String name, String type, List<String> addressPools, String defaultGroupPolicy,
    List<String> ipv6AddressPools, Map<String, Boolean> groupAliases, Map<String, Boolean> groupUrls,
    String authenticationServerGroup, boolean authenticationFallbackLocal, String accountingServerGroup,
    String authorizationServerGroup, TunnelAuthentication authentication,
    CertificateUsername usernameFromCertificate, SecondaryAuthentication secondaryAuthentication,
    String samlIdentityProvider, List<java.net.Inet4Address> dhcpServers, boolean passwordManagement,
    int passwordExpireInDays)
{
    /** The warning period of {@code password-management} without {@code password-expire-in-days}, as on the ASA. */
    public static final int DEFAULT_PASSWORD_EXPIRE_IN_DAYS = 14;

    /** Without password management. */
    public TunnelGroup(final String name, final String type, final List<String> addressPools,
        final String defaultGroupPolicy, final List<String> ipv6AddressPools, final Map<String, Boolean> groupAliases,
        final Map<String, Boolean> groupUrls, final String authenticationServerGroup,
        final boolean authenticationFallbackLocal, final String accountingServerGroup,
        final String authorizationServerGroup, final TunnelAuthentication authentication,
        final CertificateUsername usernameFromCertificate, final SecondaryAuthentication secondaryAuthentication,
        final String samlIdentityProvider, final List<java.net.Inet4Address> dhcpServers)
    {
        this(name, type, addressPools, defaultGroupPolicy, ipv6AddressPools, groupAliases, groupUrls,
            authenticationServerGroup, authenticationFallbackLocal, accountingServerGroup, authorizationServerGroup,
            authentication, usernameFromCertificate, secondaryAuthentication, samlIdentityProvider, dhcpServers,
            false, 0);
    }

    /** Without DHCP servers. */
    public TunnelGroup(final String name, final String type, final List<String> addressPools,
        final String defaultGroupPolicy, final List<String> ipv6AddressPools, final Map<String, Boolean> groupAliases,
        final Map<String, Boolean> groupUrls, final String authenticationServerGroup,
        final boolean authenticationFallbackLocal, final String accountingServerGroup,
        final String authorizationServerGroup, final TunnelAuthentication authentication,
        final CertificateUsername usernameFromCertificate, final SecondaryAuthentication secondaryAuthentication,
        final String samlIdentityProvider)
    {
        this(name, type, addressPools, defaultGroupPolicy, ipv6AddressPools, groupAliases, groupUrls,
            authenticationServerGroup, authenticationFallbackLocal, accountingServerGroup, authorizationServerGroup,
            authentication, usernameFromCertificate, secondaryAuthentication, samlIdentityProvider, List.of());
    }

    /** Without double authentication or SAML single sign-on. */
    public TunnelGroup(final String name, final String type, final List<String> addressPools,
        final String defaultGroupPolicy, final List<String> ipv6AddressPools, final Map<String, Boolean> groupAliases,
        final Map<String, Boolean> groupUrls, final String authenticationServerGroup,
        final boolean authenticationFallbackLocal, final String accountingServerGroup,
        final String authorizationServerGroup, final TunnelAuthentication authentication,
        final CertificateUsername usernameFromCertificate)
    {
        this(name, type, addressPools, defaultGroupPolicy, ipv6AddressPools, groupAliases, groupUrls,
            authenticationServerGroup, authenticationFallbackLocal, accountingServerGroup, authorizationServerGroup,
            authentication, usernameFromCertificate, null, null);
    }

    /** Without an authorization server group, passwords only, the user name from CN. */
    public TunnelGroup(final String name, final String type, final List<String> addressPools,
        final String defaultGroupPolicy, final List<String> ipv6AddressPools, final Map<String, Boolean> groupAliases,
        final Map<String, Boolean> groupUrls, final String authenticationServerGroup,
        final boolean authenticationFallbackLocal, final String accountingServerGroup)
    {
        this(name, type, addressPools, defaultGroupPolicy, ipv6AddressPools, groupAliases, groupUrls,
            authenticationServerGroup, authenticationFallbackLocal, accountingServerGroup, null,
            TunnelAuthentication.AAA, CertificateUsername.DEFAULT);
    }

    /** Before AAA server groups: local authentication, no accounting. */
    public TunnelGroup(final String name, final String type, final List<String> addressPools,
        final String defaultGroupPolicy, final List<String> ipv6AddressPools, final Map<String, Boolean> groupAliases,
        final Map<String, Boolean> groupUrls)
    {
        this(name, type, addressPools, defaultGroupPolicy, ipv6AddressPools, groupAliases, groupUrls,
            AaaServerGroup.LOCAL, false, null);
    }

    /** Before group-urls. */
    public TunnelGroup(final String name, final String type, final List<String> addressPools,
        final String defaultGroupPolicy, final List<String> ipv6AddressPools, final Map<String, Boolean> groupAliases)
    {
        this(name, type, addressPools, defaultGroupPolicy, ipv6AddressPools, groupAliases, Map.of());
    }

    /** The aliases offered in the group list ({@code group-alias NAME enable}), in configuration order. */
    public List<String> enabledAliases()
    {
        return groupAliases.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).toList();
    }

    /** The walking skeleton's fields; no IPv6 pools, no aliases. */
    public TunnelGroup(final String name, final String type, final List<String> addressPools,
        final String defaultGroupPolicy)
    {
        this(name, type, addressPools, defaultGroupPolicy, List.of(), Map.of(), Map.of());
    }
}
