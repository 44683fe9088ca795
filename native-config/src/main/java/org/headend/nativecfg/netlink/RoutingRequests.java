package org.headend.nativecfg.netlink;

import org.headend.nativecfg.libc.Libc;

/**
 * Encodes the policy-routing requests: rules ({@code struct fib_rule_hdr} and FRA_* attributes, linux/fib_rules.h)
 * and routes in a named table ({@code struct rtmsg} and RTA_* attributes). Kept apart from the socket so that the
 * bytes can be checked without privileges.
 * <p>
 * Table ids go in the 32-bit FRA_TABLE / RTA_TABLE attribute, and in the 8-bit header field only when they fit:
 * a larger id there would be cut, so the header then says RT_TABLE_UNSPEC, as {@code ip} does.
 */
final class RoutingRequests
{
    private static final int MAX_HEADER_TABLE = 255;

    private RoutingRequests()
    {
    }

    /**
     * @param writer   where the request goes.
     * @param type     RTM_NEWRULE or RTM_DELRULE.
     * @param flags    NLM_F_* flags.
     * @param sequence request sequence number.
     * @param rule     the rule; a delete carries every field, so it removes only a rule equal to this one.
     */
    static void putRule(
        final NetlinkMessageWriter writer, final int type, final int flags, final int sequence, final FibRule rule)
    {
        writer.begin(type, flags, sequence)
            .putByte(rule.ipv6() ? Libc.AF_INET6 : Libc.AF_INET)
            .putByte(0)
            .putByte(0)
            .putByte(0)
            .putByte(headerTable(rule.table()))
            .putByte(0)
            .putByte(0)
            .putByte(NetlinkProtocol.FR_ACT_TO_TBL)
            .putInt(0)
            .putAttribute(NetlinkProtocol.FRA_PRIORITY, rule.priority())
            .putAttribute(NetlinkProtocol.FRA_IIFNAME, rule.inputInterface())
            .putAttribute(NetlinkProtocol.FRA_TABLE, rule.table());
        if (rule.suppressPrefixLength() != FibRule.NO_SUPPRESSION)
        {
            writer.putAttribute(NetlinkProtocol.FRA_SUPPRESS_PREFIXLEN, rule.suppressPrefixLength());
        }
    }

    /**
     * @param writer   where the request goes.
     * @param type     RTM_NEWROUTE or RTM_DELROUTE.
     * @param flags    NLM_F_* flags.
     * @param sequence request sequence number.
     * @param route    the route.
     * @param ifindex  index of {@code route.ifname()}, or 0 when it names none.
     */
    static void putRoute(final NetlinkMessageWriter writer, final int type, final int flags, final int sequence,
        final StaticRoute route, final int ifindex)
    {
        final boolean add = type == NetlinkProtocol.RTM_NEWROUTE;
        final byte[] dst = route.destination().getAddress();
        writer.begin(type, flags, sequence)
            .putByte(route.ipv6() ? Libc.AF_INET6 : Libc.AF_INET)
            .putByte(route.prefixLength())
            .putByte(0)
            .putByte(0)
            .putByte(headerTable(route.table()))
            // a delete leaves protocol and type 0, which match any; IPv4 also needs the "any scope" wildcard
            .putByte(add ? NetlinkProtocol.RTPROT_STATIC : 0)
            .putByte(add || route.ipv6() ? NetlinkProtocol.RT_SCOPE_UNIVERSE : NetlinkProtocol.RT_SCOPE_NOWHERE)
            .putByte(add ? NetlinkProtocol.RTN_UNICAST : 0)
            .putInt(0);
        if (route.prefixLength() > 0)
        {
            writer.putAttribute(NetlinkProtocol.RTA_DST, dst);
        }
        if (route.gateway() != null)
        {
            writer.putAttribute(NetlinkProtocol.RTA_GATEWAY, route.gateway().getAddress());
        }
        if (ifindex > 0)
        {
            writer.putAttribute(NetlinkProtocol.RTA_OIF, ifindex);
        }
        if (route.metric() > 0)
        {
            writer.putAttribute(NetlinkProtocol.RTA_PRIORITY, route.metric());
        }
        writer.putAttribute(NetlinkProtocol.RTA_TABLE, route.table());
    }

    private static int headerTable(final int table)
    {
        return table <= MAX_HEADER_TABLE ? table : NetlinkProtocol.RT_TABLE_UNSPEC;
    }
}
