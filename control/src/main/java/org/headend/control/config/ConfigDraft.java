package org.headend.control.config;

import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.headend.control.config.grammar.Ipv4;
import org.headend.control.config.grammar.Ipv4Range;

/**
 * The snapshot while it is being compiled from the command tree. Each command's compiler writes its part here;
 * {@link #build()} freezes it into a {@link HeadendConfig}. Only the compiling thread touches it.
 */
public final class ConfigDraft
{
    /** The ASA's largest pool is a /16; larger ones are refused (bad-inputs #42). */
    static final long MAX_POOL_ADDRESSES = 65_536;
    static final String DEFAULT_HOSTNAME = "headend";
    static final int DEFAULT_PRIVILEGE = 2;
    static final int DEFAULT_WEBVPN_PORT = 443;

    String hostname = DEFAULT_HOSTNAME;
    final Map<String, InterfaceDraft> interfaces = new LinkedHashMap<>();
    final Map<String, String> nameifOwners = new HashMap<>();
    final Map<String, IpLocalPool> pools = new LinkedHashMap<>();
    final Map<String, UserDraft> users = new LinkedHashMap<>();
    final Map<String, PolicyDraft> policies = new LinkedHashMap<>();
    final Map<String, TunnelGroupDraft> tunnelGroups = new LinkedHashMap<>();
    final WebvpnDraft webvpn = new WebvpnDraft();
    final Map<String, Ipv6LocalPool> ipv6Pools = new LinkedHashMap<>();
    final List<Ipv6Route> ipv6Routes = new ArrayList<>();
    final Map<String, List<AccessListEntry>> accessLists = new LinkedHashMap<>();
    boolean compressionSvc = true;
    /** {@code crypto ikev2 enable NAMEIF}: where IKEv2 clients are answered, or null. */
    String ikev2Interface;
    /** The other IKEv2 lines: policies, ipsec-proposals, crypto maps, the remote-access trustpoint. */
    final Ikev2Draft ikev2 = new Ikev2Draft();
    boolean compressionHttp = true;
    final Map<String, Map<String, List<String>>> customData = new LinkedHashMap<>();
    /** {@code http redirect NAMEIF PORT}: nameif → port. */
    final Map<String, Integer> httpRedirects = new LinkedHashMap<>();
    /** {@code vpn-sessiondb max-anyconnect-premium-or-essentials-limit}; 0 when not set. */
    int sessionLimit;
    /** {@code vpn load-balancing}. */
    final LoadBalancingDraft loadBalancing = new LoadBalancingDraft();
    /** {@code ssl trust-point NAME [NAMEIF]}: nameif ("" for every interface) → trustpoint. */
    final Map<String, String> sslTrustpoints = new LinkedHashMap<>();
    PasswordHash enablePassword;
    final List<SshAccess> sshAccess = new ArrayList<>();
    int sshTimeoutMinutes = ManagementConfig.DEFAULT_SSH_TIMEOUT_MINUTES;
    boolean sshAuthLocal;
    String sshAuthServerGroup = AaaServerGroup.LOCAL;
    boolean sshAuthFallbackLocal;
    final Map<String, AaaGroupDraft> aaaServers = new LinkedHashMap<>();
    final Map<String, LdapMapDraft> ldapMaps = new LinkedHashMap<>();
    boolean sshScopy;
    int maxFailedAttempts;
    final OperationsDraft operations = new OperationsDraft();
    final Map<String, TrustpointDraft> trustpoints = new LinkedHashMap<>();
    final Map<String, SamlIdpDraft> samlIdps = new LinkedHashMap<>();

    ConfigDraft()
    {
        policies.put(HeadendConfig.DEFAULT_GROUP_POLICY, new PolicyDraft());
        tunnelGroups.put(HeadendConfig.DEFAULT_RA_GROUP, new TunnelGroupDraft(HeadendConfig.DEFAULT_RA_GROUP));
        tunnelGroups.put(HeadendConfig.DEFAULT_TUNNEL_GROUP,
            new TunnelGroupDraft(HeadendConfig.DEFAULT_TUNNEL_GROUP));
    }

    void addPool(final String name, final Ipv4Range range, final Inet4Address mask)
    {
        final long maskBits = Ipv4.toLong(mask);
        if ((Ipv4.toLong(range.first()) & maskBits) != (Ipv4.toLong(range.last()) & maskBits))
        {
            throw new IllegalArgumentException("range " + range + " does not fit in one subnet of mask "
                + Ipv4.format(mask));
        }
        if (range.size() > MAX_POOL_ADDRESSES)
        {
            throw new IllegalArgumentException("pool " + name + " has " + range.size() + " addresses; at most "
                + MAX_POOL_ADDRESSES + " are allowed");
        }
        for (final IpLocalPool other : pools.values())
        {
            if (!other.name().equals(name) && range.overlaps(new Ipv4Range(other.first(), other.last())))
            {
                throw new IllegalArgumentException("pool " + name + " overlaps pool " + other.name());
            }
        }
        pools.put(name, new IpLocalPool(name, range.first(), range.last(), mask));
    }

    /** The attributes a policy line in {@code scope} (a group-policy or a user's attributes) writes to. */
    static PolicyDraft attributesOf(final Object scope)
    {
        return scope instanceof UserDraft user ? user.attributes : (PolicyDraft)scope;
    }

    HeadendConfig build()
    {
        final List<InterfaceConfig> ifs = new ArrayList<>();
        interfaces.values().forEach(i -> ifs.add(new InterfaceConfig(i.ifname, i.nameif, i.address, i.mask,
            i.shutdown, i.securityLevel, i.ipv6Enabled, List.copyOf(i.ipv6Addresses))));
        final Map<String, UserAccount> userMap = new LinkedHashMap<>();
        users.values().forEach(u -> userMap.put(u.name, new UserAccount(u.name, u.password, u.privilege,
            u.vpnGroupPolicy, u.attributes.freeze(), u.serviceType, u.totpSecret, u.ntHash)));
        final Map<String, GroupPolicy> policyMap = new LinkedHashMap<>();
        policies.forEach((name, p) -> policyMap.put(name, new GroupPolicy(name, p.freeze())));
        final Map<String, TunnelGroup> groupMap = new LinkedHashMap<>();
        tunnelGroups.values().forEach(g -> groupMap.put(g.name, new TunnelGroup(g.name, g.type,
            List.copyOf(g.addressPools), g.defaultGroupPolicy, List.copyOf(g.ipv6AddressPools),
            frozen(g.groupAliases), frozen(g.groupUrls), g.authenticationServerGroup, g.authenticationFallbackLocal,
            g.accountingServerGroup, g.authorizationServerGroup, g.authentication, g.usernameFromCertificate,
            g.secondaryAuthentication, g.samlIdentityProvider, List.copyOf(g.dhcpServers), g.passwordManagement,
            g.passwordExpireInDays)));
        final Map<String, AaaServerGroup> aaaMap = new LinkedHashMap<>();
        aaaServers.values().forEach(a -> aaaMap.put(a.name, new AaaServerGroup(a.name, a.protocol,
            a.maxFailedAttempts, a.timedReactivation, a.deadtimeMinutes,
            a.hosts.values().stream().map(AaaHostDraft::freeze).toList(), a.interimUpdates, a.interimHours,
            a.dynamicAuthorizationPort)));
        final List<AnyconnectImage> images = new ArrayList<>(webvpn.images);
        images.sort(java.util.Comparator.comparingInt(AnyconnectImage::order));
        final Map<String, Map<String, List<String>>> data = new LinkedHashMap<>();
        customData.forEach((type, names) ->
        {
            final Map<String, List<String>> frozenNames = new LinkedHashMap<>();
            names.forEach((name, values) -> frozenNames.put(name, List.copyOf(values)));
            data.put(type, Collections.unmodifiableMap(frozenNames));
        });
        return new HeadendConfig(hostname, List.copyOf(ifs), frozen(pools), frozen(userMap), frozen(policyMap),
            frozen(groupMap), new WebvpnConfig(Collections.unmodifiableSet(new LinkedHashSet<>(webvpn.enabled)),
            webvpn.port, webvpn.anyconnectEnabled, Collections.unmodifiableSet(new LinkedHashSet<>(webvpn.tlsOnly)),
            webvpn.dtlsPort, webvpn.tunnelGroupList, List.copyOf(images), frozen(webvpn.profiles),
            frozen(webvpn.customAttributeTypes)),
            frozen(ipv6Pools), List.copyOf(ipv6Routes),
            new GlobalSettings(compressionSvc, compressionHttp, Collections.unmodifiableMap(data),
                httpRedirects.entrySet().stream().map(e -> new HttpRedirect(e.getKey(), e.getValue())).toList(),
                sessionLimit, loadBalancing.freeze(), frozen(sslTrustpoints), ikev2Interface,
                ikev2.freeze()),
            new ManagementConfig(enablePassword, List.copyOf(sshAccess), sshTimeoutMinutes, sshAuthLocal,
                maxFailedAttempts, sshScopy, sshAuthServerGroup, sshAuthFallbackLocal),
            frozenLists(accessLists), frozen(aaaMap),
            operations.build(), frozenMaps(), frozenTrustpoints(), frozenSamlIdps());
    }

    private Map<String, SamlIdp> frozenSamlIdps()
    {
        final Map<String, SamlIdp> map = new LinkedHashMap<>();
        samlIdps.forEach((entity, draft) -> map.put(entity, draft.freeze()));
        return Collections.unmodifiableMap(map);
    }

    private Map<String, Trustpoint> frozenTrustpoints()
    {
        final Map<String, Trustpoint> map = new LinkedHashMap<>();
        trustpoints.forEach((name, draft) -> map.put(name, draft.freeze()));
        return Collections.unmodifiableMap(map);
    }

    private static <V> Map<String, List<V>> frozenLists(final Map<String, List<V>> map)
    {
        final Map<String, List<V>> copy = new LinkedHashMap<>();
        map.forEach((name, list) -> copy.put(name, List.copyOf(list)));
        return Collections.unmodifiableMap(copy);
    }

    private Map<String, LdapAttributeMap> frozenMaps()
    {
        final Map<String, LdapAttributeMap> maps = new LinkedHashMap<>();
        ldapMaps.forEach((name, map) -> maps.put(name, map.freeze()));
        return Collections.unmodifiableMap(maps);
    }

    /** Keeps configuration order and, unlike {@code Map.copyOf}, answers lookups of null with null. */
    private static <V> Map<String, V> frozen(final Map<String, V> map)
    {
        return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    /** An {@code interface} being compiled. */
    static final class InterfaceDraft
    {
        final String ifname;
        String nameif;
        Inet4Address address;
        Inet4Address mask;
        boolean shutdown;
        int securityLevel = -1;
        boolean ipv6Enabled;
        final List<String> ipv6Addresses = new ArrayList<>();

        InterfaceDraft(final String ifname)
        {
            this.ifname = ifname;
        }
    }

    /** The explicitly set attributes of a group-policy or a user. */
    static final class PolicyDraft
    {
        private final Map<PolicyAttribute<?>, Object> values = new LinkedHashMap<>();

        <T> void set(final PolicyAttribute<T> attribute, final T value)
        {
            values.put(attribute, value);
        }

        /** The value set so far at this level, or the attribute's built-in default. */
        @SuppressWarnings("unchecked")
        <T> T getOrDefault(final PolicyAttribute<T> attribute)
        {
            final Object value = values.get(attribute);
            return value == null ? attribute.defaultValue() : (T)value;
        }

        PolicyAttributes freeze()
        {
            return values.isEmpty() ? PolicyAttributes.EMPTY : new PolicyAttributes(values);
        }
    }

    /** A {@code username} being compiled. */
    static final class UserDraft
    {
        final String name;
        PasswordHash password;
        int privilege = DEFAULT_PRIVILEGE;
        String vpnGroupPolicy;
        String serviceType;
        String totpSecret;
        String ntHash;
        final PolicyDraft attributes = new PolicyDraft();

        UserDraft(final String name)
        {
            this.name = name;
        }
    }

    /** A {@code tunnel-group} being compiled. */
    static final class TunnelGroupDraft
    {
        final String name;
        String type = "remote-access";
        final List<String> addressPools = new ArrayList<>();
        String defaultGroupPolicy = HeadendConfig.DEFAULT_GROUP_POLICY;
        final List<String> ipv6AddressPools = new ArrayList<>();
        final Map<String, Boolean> groupAliases = new LinkedHashMap<>();
        final Map<String, Boolean> groupUrls = new LinkedHashMap<>();
        String authenticationServerGroup = AaaServerGroup.LOCAL;
        boolean authenticationFallbackLocal;
        String accountingServerGroup;
        String authorizationServerGroup;
        SecondaryAuthentication secondaryAuthentication;
        boolean passwordManagement;
        int passwordExpireInDays;
        TunnelAuthentication authentication = TunnelAuthentication.AAA;
        CertificateUsername usernameFromCertificate = CertificateUsername.DEFAULT;
        String samlIdentityProvider;
        final List<Inet4Address> dhcpServers = new ArrayList<>();

        TunnelGroupDraft(final String name)
        {
            this.name = name;
        }
    }

    /** The global {@code webvpn} being compiled. */
    static final class WebvpnDraft
    {
        final Set<String> enabled = new LinkedHashSet<>();
        int port = DEFAULT_WEBVPN_PORT;
        boolean anyconnectEnabled;
        final Set<String> tlsOnly = new LinkedHashSet<>();
        int dtlsPort;
        boolean tunnelGroupList;
        final List<AnyconnectImage> images = new ArrayList<>();
        final Map<String, String> profiles = new LinkedHashMap<>();
        final Map<String, String> customAttributeTypes = new LinkedHashMap<>();
    }

    /** An {@code aaa-server NAME protocol radius} being compiled. */
    static final class AaaGroupDraft
    {
        final String name;
        String protocol = "radius";
        int maxFailedAttempts = AaaServerGroup.DEFAULT_MAX_FAILED_ATTEMPTS;
        boolean timedReactivation;
        int deadtimeMinutes = AaaServerGroup.DEFAULT_DEADTIME_MINUTES;
        boolean interimUpdates;
        int interimHours;
        int dynamicAuthorizationPort;
        final Map<String, AaaHostDraft> hosts = new LinkedHashMap<>();

        AaaGroupDraft(final String name)
        {
            this.name = name;
        }
    }

    /** An {@code aaa-server NAME (IF) host ADDR} being compiled. */
    static final class AaaHostDraft
    {
        final String nameif;
        final java.net.InetAddress address;
        String key;
        int authenticationPort = AaaServerHost.DEFAULT_AUTHENTICATION_PORT;
        int accountingPort = AaaServerHost.DEFAULT_ACCOUNTING_PORT;
        int timeoutSeconds = AaaServerHost.DEFAULT_TIMEOUT_SECONDS;
        int retryIntervalSeconds = AaaServerHost.DEFAULT_RETRY_INTERVAL_SECONDS;
        boolean requireMessageAuthenticator;
        /** The LDAP lines when the group is {@code protocol ldap}; null for a RADIUS host. */
        LdapHostDraft ldap;
        boolean msChapV2;

        AaaHostDraft(final String nameif, final java.net.InetAddress address)
        {
            this.nameif = nameif;
            this.address = address;
        }

        AaaServerHost freeze()
        {
            return new AaaServerHost(nameif, address, key == null ? "" : key, authenticationPort, accountingPort,
                timeoutSeconds, retryIntervalSeconds, requireMessageAuthenticator, ldap == null ? null : ldap.freeze(),
                msChapV2);
        }
    }

    /** The LDAP lines of an {@code aaa-server NAME (IF) host ADDR} being compiled. */
    static final class LdapHostDraft
    {
        int port;
        String baseDn;
        boolean subtree;
        String namingAttribute;
        String loginDn;
        String loginPassword;
        LdapHostSettings.Transport transport = LdapHostSettings.Transport.PLAIN;
        LdapHostSettings.ServerType serverType = LdapHostSettings.ServerType.AUTO_DETECT;
        String attributeMap;
        String trustedCaFile;

        LdapHostSettings freeze()
        {
            return new LdapHostSettings(port, baseDn, subtree, namingAttribute, loginDn, loginPassword, transport,
                serverType, attributeMap, trustedCaFile);
        }
    }

    /** An {@code ldap attribute-map NAME} being compiled. */
    static final class LdapMapDraft
    {
        final String name;
        final Map<String, LdapAttributeMap.Target> names = new LinkedHashMap<>();
        final List<LdapAttributeMap.ValueMapping> values = new ArrayList<>();

        LdapMapDraft(final String name)
        {
            this.name = name;
        }

        LdapAttributeMap freeze()
        {
            return new LdapAttributeMap(name, Collections.unmodifiableMap(new LinkedHashMap<>(names)),
                List.copyOf(values));
        }
    }

    /** A {@code crypto ca trustpoint} being compiled. */
    static final class TrustpointDraft
    {
        final String name;
        boolean enrollmentTerminal;
        String caCertificate;
        Trustpoint.RevocationCheck revocationCheck = Trustpoint.RevocationCheck.NONE;
        String crlFile;
        boolean validatesClients = true;
        boolean validatesServers;
        String identityCertificate;

        TrustpointDraft(final String name)
        {
            this.name = name;
        }

        Trustpoint freeze()
        {
            return new Trustpoint(name, enrollmentTerminal, caCertificate, revocationCheck, crlFile, validatesClients,
                validatesServers, identityCertificate);
        }
    }

    /** {@code vpn load-balancing} and its sub-mode. */
    static final class LoadBalancingDraft
    {
        java.net.Inet4Address clusterAddress;
        String clusterKey;
        int priority = LoadBalancing.DEFAULT_PRIORITY;
        boolean participate;
        java.net.Inet4Address nat;
        List<java.net.URI> etcdEndpoints = List.of();
        String etcdTrustpoint;
        LoadBalancing.EtcdUser etcdUser;

        LoadBalancing freeze()
        {
            return new LoadBalancing(clusterAddress, clusterKey, priority, participate, nat, etcdEndpoints,
                etcdTrustpoint, etcdUser);
        }
    }

    /** A {@code saml idp} being compiled. */
    static final class SamlIdpDraft
    {
        final String entityId;
        String signInUrl;
        String signOutUrl;
        String baseUrl;
        String idpTrustpoint;
        String spTrustpoint;
        java.time.Duration assertionTimeout = SamlIdp.DEFAULT_ASSERTION_TIMEOUT;
        String usernameAttribute;
        String attributeMap;

        SamlIdpDraft(final String entityId)
        {
            this.entityId = entityId;
        }

        SamlIdp freeze()
        {
            return new SamlIdp(entityId, signInUrl, signOutUrl, baseUrl, idpTrustpoint, spTrustpoint,
                assertionTimeout, usernameAttribute, attributeMap);
        }
    }
}
