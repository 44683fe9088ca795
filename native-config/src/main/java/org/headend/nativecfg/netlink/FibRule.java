package org.headend.nativecfg.netlink;

import org.headend.nativecfg.libc.Libc;

/**
 * A policy routing rule that looks packets which arrived on one interface up in one table, like
 * {@code ip [-6] rule add pref PRIORITY iif IFNAME lookup TABLE [suppress_prefixlength N]}.
 * <p>
 * With {@code suppressPrefixLength} 0 the rule uses the table for everything but its default route: a lookup that
 * ends on a route of prefix length 0 is ignored and the next rule is tried.
 *
 * @param ipv6                 true for an IPv6 rule, false for IPv4.
 * @param priority             the rule's preference, 1 or more; rules are tried from the lowest.
 * @param inputInterface       the interface packets must have arrived on; it need not exist yet.
 * @param table                the table to look up, 1 or more (254 is main).
 * @param suppressPrefixLength a lookup result with this prefix length or a shorter one is ignored, or
 *                             {@link #NO_SUPPRESSION}.
 */
public record FibRule(boolean ipv6, int priority, String inputInterface, int table, int suppressPrefixLength)
{
    /** {@code suppressPrefixLength} of a rule that takes every result of its table. */
    public static final int NO_SUPPRESSION = -1;

    /**
     * @throws IllegalArgumentException if a field is out of range or the interface name is not a valid one.
     */
    public FibRule
    {
        // priority 0 is the kernel's own rule for the local table, which must stay first
        if (priority < 1)
        {
            throw new IllegalArgumentException("rule priority " + priority + " is not 1 or more");
        }
        if (table < 1)
        {
            throw new IllegalArgumentException("rule table " + table + " is not 1 or more");
        }
        if (suppressPrefixLength < NO_SUPPRESSION || suppressPrefixLength > (ipv6 ? 128 : 32))
        {
            throw new IllegalArgumentException("suppress_prefixlength " + suppressPrefixLength);
        }
        Libc.checkInterfaceName(inputInterface);
    }

    /**
     * @return the rule in {@code ip rule}'s notation, e.g. {@code -6 pref 100 iif tun0 lookup 254}.
     */
    @Override
    public String toString()
    {
        return (ipv6 ? "-6" : "-4") + " pref " + priority + " iif " + inputInterface + " lookup " + table +
            (suppressPrefixLength == NO_SUPPRESSION ? "" : " suppress_prefixlength " + suppressPrefixLength);
    }
}
