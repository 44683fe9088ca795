package org.headend.control.config;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A group-policy attribute: its key, its value type and the built-in default that applies when neither the user,
 * nor any group-policy in the inheritance chain, sets it. A value is "set" even when it is {@code none}; an absent
 * value is inherited.
 *
 * @param <T> the value type
 */
public final class PolicyAttribute<T>
{
    /** Every attribute, in declaration order; filled by the constructor, so it must come before the constants. */
    private static final List<PolicyAttribute<?>> ALL = new ArrayList<>();

    /** {@code vpn-tunnel-protocol}: the tunnel protocols allowed ({@code ssl-client}, {@code ssl-clientless}, …). */
    public static final PolicyAttribute<Set<String>> VPN_TUNNEL_PROTOCOL =
        new PolicyAttribute<>("vpn-tunnel-protocol", Set.of("ikev1", "ikev2", "l2tp-ipsec", "ssl-client", "ssl-clientless"));
    /** {@code group-lock value TUNNEL-GROUP | none}: the only tunnel-group the users may log in to; "" for none. */
    public static final PolicyAttribute<String> GROUP_LOCK = new PolicyAttribute<>("group-lock", "");
    /** {@code dns-server value …}: up to the first servers pushed to the client; empty for {@code none}. */
    public static final PolicyAttribute<List<InetAddress>> DNS_SERVER = new PolicyAttribute<>("dns-server", List.of());
    /** {@code default-domain value …}; empty string for {@code none}. */
    public static final PolicyAttribute<String> DEFAULT_DOMAIN = new PolicyAttribute<>("default-domain", "");
    /** {@code anyconnect ssl keepalive SECONDS|none} (webvpn sub-mode), seconds; 0 for {@code none}. */
    public static final PolicyAttribute<Integer> SSL_KEEPALIVE = new PolicyAttribute<>("anyconnect ssl keepalive", 20);
    /** {@code anyconnect dpd-interval gateway SECONDS|none}: the headend's own DPD, seconds; 0 for {@code none}. */
    public static final PolicyAttribute<Integer> DPD_GATEWAY = new PolicyAttribute<>("anyconnect dpd-interval gateway", 30);
    /** {@code anyconnect dpd-interval client SECONDS|none}: the client's DPD, seconds; 0 for {@code none}. */
    public static final PolicyAttribute<Integer> DPD_CLIENT = new PolicyAttribute<>("anyconnect dpd-interval client", 30);
    /** {@code anyconnect mtu SIZE}: the largest tunnel MTU offered to the client. */
    public static final PolicyAttribute<Integer> MTU = new PolicyAttribute<>("anyconnect mtu", 1406);

    // DTLS, compression and rekey (webvpn sub-mode of a group-policy or user)

    /** {@code anyconnect ssl dtls enable|none}: whether DTLS is offered to the group's clients (default enable). */
    public static final PolicyAttribute<Boolean> SSL_DTLS = new PolicyAttribute<>("anyconnect ssl dtls", true);
    /** {@code anyconnect dtls compression lzs|none} (default none). */
    public static final PolicyAttribute<DtlsCompression> DTLS_COMPRESSION =
        new PolicyAttribute<>("anyconnect dtls compression", DtlsCompression.NONE);
    /**
     * {@code anyconnect ssl compression deflate|lzs|none}; only in force while the global {@code compression}
     * covers {@code svc} ({@link GlobalSettings#compressionSvc()}). The default is none, unlike the ASA's deflate:
     * compressed lengths leak what the traffic holds, so a group-policy has to ask for it (as ocserv and the
     * openconnect protocol draft recommend).
     */
    public static final PolicyAttribute<SslCompression> SSL_COMPRESSION =
        new PolicyAttribute<>("anyconnect ssl compression", SslCompression.NONE);
    /** {@code anyconnect ssl rekey method new-tunnel|ssl|none} (default none). */
    public static final PolicyAttribute<RekeyMethod> SSL_REKEY_METHOD =
        new PolicyAttribute<>("anyconnect ssl rekey method", RekeyMethod.NONE);
    /** {@code anyconnect ssl rekey time MINUTES|none}, 1–10080 minutes; 0 for none (the default). */
    public static final PolicyAttribute<Integer> SSL_REKEY_TIME = new PolicyAttribute<>("anyconnect ssl rekey time", 0);
    /** {@code msie-proxy pac-url value URL|none}: the proxy auto-configuration file for the client; "" for none. */
    public static final PolicyAttribute<String> MSIE_PROXY_PAC_URL = new PolicyAttribute<>("msie-proxy pac-url", "");
    /** {@code msie-proxy lockdown enable|disable}: the client hides the browser's proxy settings while connected. */
    public static final PolicyAttribute<Boolean> MSIE_PROXY_LOCKDOWN =
        new PolicyAttribute<>("msie-proxy lockdown", false);
    /** {@code anyconnect ssl df-bit-ignore enable|disable} (default disable). */
    public static final PolicyAttribute<Boolean> SSL_DF_BIT_IGNORE =
        new PolicyAttribute<>("anyconnect ssl df-bit-ignore", false);

    // Client deployment

    /** {@code anyconnect keep-installer installed|none}: the client stays installed after the session (default). */
    public static final PolicyAttribute<Boolean> KEEP_INSTALLER =
        new PolicyAttribute<>("anyconnect keep-installer", true);
    /** {@code anyconnect ask …}. */
    public static final PolicyAttribute<AnyconnectAsk> ASK =
        new PolicyAttribute<>("anyconnect ask", AnyconnectAsk.NONE);
    /** {@code anyconnect profiles value NAME [type T]} lines; empty for {@code none}. */
    public static final PolicyAttribute<List<ClientProfileRef>> PROFILES =
        new PolicyAttribute<>("anyconnect profiles", List.of());
    /** {@code anyconnect modules value A,B}; empty for {@code none}. */
    public static final PolicyAttribute<List<String>> MODULES = new PolicyAttribute<>("anyconnect modules", List.of());
    /**
     * {@code anyconnect-custom TYPE value NAME | none} (group-policy mode): custom attribute type → the name of its
     * {@code anyconnect-custom-data} value, or "" for none.
     */
    public static final PolicyAttribute<Map<String, String>> CUSTOM_ATTRIBUTES =
        new PolicyAttribute<>("anyconnect-custom", Map.of());

    // Session limits and what the client is told

    /** {@code banner value LINE} lines in order; empty for {@code none}. */
    public static final PolicyAttribute<List<String>> BANNER = new PolicyAttribute<>("banner", List.of());
    /** {@code vpn-idle-timeout MINUTES|none}; 0 for none. Default 30 minutes. */
    public static final PolicyAttribute<Integer> VPN_IDLE_TIMEOUT = new PolicyAttribute<>("vpn-idle-timeout", 30);
    /** {@code vpn-session-timeout MINUTES|none}; 0 for none (the default). */
    public static final PolicyAttribute<Integer> VPN_SESSION_TIMEOUT = new PolicyAttribute<>("vpn-session-timeout", 0);
    /** {@code vpn-simultaneous-logins N} (default 3). */
    public static final PolicyAttribute<Integer> VPN_SIMULTANEOUS_LOGINS =
        new PolicyAttribute<>("vpn-simultaneous-logins", 3);
    /** {@code vpn-framed-ip-address A.B.C.D MASK} (username mode only): the user's fixed tunnel address. */
    public static final PolicyAttribute<FramedAddress> VPN_FRAMED_IP_ADDRESS =
        new PolicyAttribute<>("vpn-framed-ip-address", FramedAddress.NONE);
    /** {@code split-tunnel-policy} (default tunnelall). */
    public static final PolicyAttribute<SplitTunnelPolicy> SPLIT_TUNNEL_POLICY =
        new PolicyAttribute<>("split-tunnel-policy", SplitTunnelPolicy.TUNNELALL);
    /** {@code split-tunnel-network-list value NAME}; "" for none. */
    public static final PolicyAttribute<String> SPLIT_TUNNEL_NETWORK_LIST =
        new PolicyAttribute<>("split-tunnel-network-list", "");
    /** {@code split-tunnel-all-dns enable|disable} (default disable). */
    public static final PolicyAttribute<Boolean> SPLIT_TUNNEL_ALL_DNS =
        new PolicyAttribute<>("split-tunnel-all-dns", false);
    /** {@code split-dns value DOMAIN…}; empty for none. */
    public static final PolicyAttribute<List<String>> SPLIT_DNS = new PolicyAttribute<>("split-dns", List.of());
    /**
     * {@code dhcp-network-scope A.B.C.D|none}: the relay address (giaddr) sent to the tunnel-group's
     * {@code dhcp-server}s, which picks the subnet they lease from; empty for none (no DHCP for the group).
     */
    public static final PolicyAttribute<List<java.net.Inet4Address>> DHCP_NETWORK_SCOPE =
        new PolicyAttribute<>("dhcp-network-scope", List.of());
    /** {@code ipv6-address-pools value NAME…}; empty for none. */
    public static final PolicyAttribute<List<String>> IPV6_ADDRESS_POOLS =
        new PolicyAttribute<>("ipv6-address-pools", List.of());

    private final String name;
    private final T defaultValue;

    private PolicyAttribute(final String name, final T defaultValue)
    {
        this.name = name;
        this.defaultValue = defaultValue;
        ALL.add(this);
    }

    /** Every attribute, in declaration order (e.g. to show a session's whole effective policy). */
    public static List<PolicyAttribute<?>> all()
    {
        return Collections.unmodifiableList(ALL);
    }

    /** The command that sets it, as shown in {@code show running-config}. */
    public String name()
    {
        return name;
    }

    /** The value when nothing in the inheritance chain sets it. */
    public T defaultValue()
    {
        return defaultValue;
    }

    @Override
    public String toString()
    {
        return name;
    }
}
