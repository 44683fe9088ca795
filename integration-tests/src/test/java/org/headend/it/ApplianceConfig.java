package org.headend.it;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ASA-syntax startup-config the tests give the appliance: one outside interface, one pool, a few local users,
 * one group-policy on DefaultWEBVPNGroup. Defaults follow the contract's example; tests change single knobs.
 */
public final class ApplianceConfig
{
    public static final String POOL_FIRST = "192.168.100.10";
    public static final String POOL_SECOND = "192.168.100.11";
    public static final String POOL_LAST = "192.168.100.250";
    /** First host of the pool's subnet: the address the appliance puts on its TUN device. */
    public static final String GATEWAY = "192.168.100.1";
    public static final String POOL_PREFIX = "192.168.100.";

    private String hostname = "headend";
    private final String outsideInterface;
    private String outsideAddress = Netns.SERVER_ADDRESS;
    private final Map<String, String> users = new LinkedHashMap<>();
    private int sslKeepalive = 20;
    private String dpdGateway = "30";
    private String dpdClient = "30";
    private int mtu = 1400;
    private int port = 443;
    private final List<String> extraLines = new ArrayList<>();
    private final List<String> outsideLines = new ArrayList<>();
    private final List<String> tunnelGroupLines = new ArrayList<>();

    public ApplianceConfig(final String outsideInterface)
    {
        this.outsideInterface = outsideInterface;
        users.put("demo", "demo-secret");
        users.put("bob", "bob-secret");
    }

    public static ApplianceConfig forNetwork(final Netns net)
    {
        return new ApplianceConfig(net.outsideInterface());
    }

    public ApplianceConfig hostname(final String value)
    {
        hostname = value;
        return this;
    }

    public ApplianceConfig outsideAddress(final String value)
    {
        outsideAddress = value;
        return this;
    }

    public ApplianceConfig user(final String name, final String password)
    {
        users.put(name, password);
        return this;
    }

    public ApplianceConfig dpdGateway(final String seconds)
    {
        dpdGateway = seconds;
        return this;
    }

    public ApplianceConfig dpdClient(final String seconds)
    {
        dpdClient = seconds;
        return this;
    }

    public ApplianceConfig sslKeepalive(final int seconds)
    {
        sslKeepalive = seconds;
        return this;
    }

    public ApplianceConfig mtu(final int value)
    {
        mtu = value;
        return this;
    }

    public ApplianceConfig port(final int value)
    {
        port = value;
        return this;
    }

    public int port()
    {
        return port;
    }

    public int mtu()
    {
        return mtu;
    }

    /** The Linux interface the config names as {@code outside}. */
    public String outsideInterface()
    {
        return outsideInterface;
    }

    /** A line inside the outside interface's block, e.g. {@code  ipv6 address X/LEN} (leading space included). */
    public ApplianceConfig outsideLine(final String line)
    {
        outsideLines.add(line);
        return this;
    }

    /** A line inside the default tunnel-group's general-attributes, e.g. {@code  ipv6-address-pool V6}. */
    public ApplianceConfig tunnelGroupLine(final String line)
    {
        tunnelGroupLines.add(line);
        return this;
    }

    /** A raw line appended at the end (e.g. a deliberately bad one). */
    public ApplianceConfig extraLine(final String line)
    {
        extraLines.add(line);
        return this;
    }

    public String render()
    {
        final StringBuilder b = new StringBuilder();
        b.append("hostname ").append(hostname).append('\n');
        b.append("interface ").append(outsideInterface).append('\n');
        b.append(" nameif outside\n");
        b.append(" ip address ").append(outsideAddress).append(" 255.255.255.0\n");
        outsideLines.forEach(line -> b.append(line).append('\n'));
        b.append("ip local pool POOL ").append(POOL_FIRST).append('-').append(POOL_LAST)
            .append(" mask 255.255.255.0\n");
        users.forEach((name, password) -> b.append("username ").append(name).append(" password ").append(password)
            .append('\n'));
        b.append("group-policy GP internal\n");
        b.append("group-policy GP attributes\n");
        b.append(" vpn-tunnel-protocol ssl-client\n");
        b.append(" dns-server value ").append(GATEWAY).append('\n');
        b.append(" default-domain value example.com\n");
        b.append(" webvpn\n");
        b.append("  anyconnect ssl keepalive ").append(sslKeepalive).append('\n');
        b.append("  anyconnect dpd-interval gateway ").append(dpdGateway).append('\n');
        b.append("  anyconnect dpd-interval client ").append(dpdClient).append('\n');
        b.append("  anyconnect mtu ").append(mtu).append('\n');
        b.append("tunnel-group DefaultWEBVPNGroup general-attributes\n");
        b.append(" address-pool POOL\n");
        b.append(" default-group-policy GP\n");
        tunnelGroupLines.forEach(line -> b.append(line).append('\n'));
        b.append("webvpn\n");
        b.append(" enable outside\n");
        b.append(" port ").append(port).append('\n');
        b.append(" anyconnect enable\n");
        for (final String line : extraLines)
        {
            b.append(line).append('\n');
        }
        return b.toString();
    }
}
