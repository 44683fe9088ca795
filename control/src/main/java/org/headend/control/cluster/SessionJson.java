package org.headend.control.cluster;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.headend.control.config.grammar.Ipv4;
import org.headend.control.session.AaaAssignment;
import org.headend.control.session.AddressPools;
import org.headend.control.session.SessionRecord;

/**
 * A session as the cluster stores it at {@code sessions/<cookie hash>}: the {@link SessionRecord} (never the cookie)
 * plus the member that owns it. Any member can read it back and adopt the session with the same addresses.
 */
final class SessionJson
{
    private SessionJson()
    {
    }

    /** A stored session and the member that owns it. */
    record Owned(SessionRecord record, String owner)
    {
    }

    static String write(final SessionRecord r, final String owner)
    {
        final Map<String, Object> map = new LinkedHashMap<>();
        map.put("owner", owner);
        map.put("index", r.index());
        map.put("user", r.username());
        map.put("group", r.tunnelGroup());
        map.put("policy", r.groupPolicy());
        map.put("login", r.loginTime().toEpochMilli());
        map.put("activity", r.lastActivity().toEpochMilli());
        map.put("away", r.disconnectedSince() == null ? null : r.disconnectedSince().toEpochMilli());
        if (r.lease() != null)
        {
            map.put("pool", r.lease().pool());
            map.put("ip4", Ipv4.format(r.lease().address()));
            map.put("mask", Ipv4.format(r.lease().mask()));
        }
        if (r.lease6() != null)
        {
            map.put("pool6", r.lease6().pool());
            map.put("ip6", r.lease6().address().getHostAddress());
            map.put("prefix6", r.lease6().prefixLength());
        }
        map.put("client", r.clientAddress());
        map.put("agent", r.userAgent());
        // what the AAA server assigned goes with the session: the member that adopts it applies the same
        if (r.aaa().groupPolicy() != null)
        {
            map.put("aaaPolicy", r.aaa().groupPolicy());
        }
        if (r.aaa().framedAddress() != null)
        {
            map.put("aaaIp4", r.aaa().framedAddress().getHostAddress());
        }
        if (r.aaa().vpnFilter() != null)
        {
            map.put("aaaFilter", r.aaa().vpnFilter());
        }
        return Json.write(map);
    }

    /** The session {@code tokenKey} stored as {@code json}; an error when the value is damaged. */
    static Owned read(final String tokenKey, final String json)
    {
        final Map<String, Object> m = Json.object(json);
        AddressPools.Lease lease = null;
        if (m.get("ip4") != null)
        {
            lease = new AddressPools.Lease(text(m, "pool"), AddressPools.toInt(Ipv4.parse(text(m, "ip4"))),
                AddressPools.toInt(Ipv4.parse(text(m, "mask"))));
        }
        AddressPools.Lease6 lease6 = null;
        if (m.get("ip6") != null)
        {
            lease6 = new AddressPools.Lease6(text(m, "pool6"), (Inet6Address)InetAddress.ofLiteral(text(m, "ip6")),
                (int)EtcdGateway.number(m.get("prefix6")));
        }
        final Object away = m.get("away");
        return new Owned(new SessionRecord((int)EtcdGateway.number(m.get("index")), tokenKey, text(m, "user"),
            text(m, "group"), text(m, "policy"), Instant.ofEpochMilli(EtcdGateway.number(m.get("login"))),
            Instant.ofEpochMilli(EtcdGateway.number(m.get("activity"))),
            away == null ? null : Instant.ofEpochMilli(EtcdGateway.number(away)), lease, lease6, text(m, "client"),
            text(m, "agent"), null, new AaaAssignment(optional(m, "aaaPolicy"),
                m.get("aaaIp4") == null ? null : Ipv4.parse(text(m, "aaaIp4")), optional(m, "aaaFilter"))),
            text(m, "owner"));
    }

    private static String optional(final Map<String, Object> m, final String name)
    {
        return m.get(name) == null ? null : text(m, name);
    }

    private static String text(final Map<String, Object> m, final String name)
    {
        if (!(m.get(name) instanceof String s))
        {
            throw new IllegalArgumentException("stored session without " + name);
        }
        return s;
    }
}
