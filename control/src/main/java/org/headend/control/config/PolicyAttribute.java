package org.headend.control.config;

import java.net.InetAddress;
import java.util.List;
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
    /** {@code vpn-tunnel-protocol}: the tunnel protocols allowed ({@code ssl-client}, {@code ssl-clientless}, …). */
    public static final PolicyAttribute<Set<String>> VPN_TUNNEL_PROTOCOL =
        new PolicyAttribute<>("vpn-tunnel-protocol", Set.of("ikev1", "ikev2", "l2tp-ipsec", "ssl-client", "ssl-clientless"));
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

    private final String name;
    private final T defaultValue;

    private PolicyAttribute(final String name, final T defaultValue)
    {
        this.name = name;
        this.defaultValue = defaultValue;
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
