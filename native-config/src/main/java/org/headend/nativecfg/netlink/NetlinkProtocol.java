package org.headend.nativecfg.netlink;

/**
 * Layout and constants of netlink (RFC 3549, linux/netlink.h) and rtnetlink (linux/rtnetlink.h, if_addr.h,
 * if_link.h, fib_rules.h). All integers are in host byte order; every message and attribute starts on a 4-byte
 * boundary.
 */
final class NetlinkProtocol
{
    /** Netlink protocol number of the routing family. */
    static final int NETLINK_ROUTE = 0;
    /** setsockopt level for netlink options. */
    static final int SOL_NETLINK = 270;
    /** Ask for the error message and offending attribute with each error. */
    static final int NETLINK_EXT_ACK = 11;
    /** Do not echo our whole request back in error messages, only its header. */
    static final int NETLINK_CAP_ACK = 10;
    /** sizeof(struct sockaddr_nl): family u16, pad u16, port id u32, groups u32. */
    static final int SOCKADDR_NL_SIZE = 12;
    /** Offset of nl_pid in struct sockaddr_nl. */
    static final int SOCKADDR_NL_PID_OFFSET = 4;

    /** sizeof(struct nlmsghdr). */
    static final int NLMSG_HDRLEN = 16;
    /** nlmsg_len: u32, whole message including header. */
    static final int NLMSG_LEN_OFFSET = 0;
    /** nlmsg_type: u16. */
    static final int NLMSG_TYPE_OFFSET = 4;
    /** nlmsg_flags: u16. */
    static final int NLMSG_FLAGS_OFFSET = 6;
    /** nlmsg_seq: u32, echoed from the request. */
    static final int NLMSG_SEQ_OFFSET = 8;
    /** nlmsg_pid: u32, port id. */
    static final int NLMSG_PID_OFFSET = 12;

    /** Message type: error or, with error 0, acknowledgement. Payload: int error, then the request's header. */
    static final int NLMSG_ERROR = 2;
    /** Message type: end of a multi-part dump. Payload: int error. */
    static final int NLMSG_DONE = 3;

    /** Flag: this is a request. */
    static final int NLM_F_REQUEST = 0x1;
    /** Flag: reply with an acknowledgement (an NLMSG_ERROR with error 0) on success. */
    static final int NLM_F_ACK = 0x4;
    /** Flag on GET requests: dump all matching objects. */
    static final int NLM_F_DUMP = 0x300;
    /** Flag on NEW requests: replace an existing object. */
    static final int NLM_F_REPLACE = 0x100;
    /** Flag on NEW requests: fail with EEXIST if the object exists. */
    static final int NLM_F_EXCL = 0x200;
    /** Flag on NEW requests: create the object if it does not exist. */
    static final int NLM_F_CREATE = 0x400;
    /** Flag on NLMSG_ERROR: the echoed request was cut to its header. */
    static final int NLM_F_CAPPED = 0x100;
    /** Flag on NLMSG_ERROR: extended-ack attributes follow the echoed request. */
    static final int NLM_F_ACK_TLVS = 0x200;
    /** Extended-ack attribute: NUL-terminated error message. */
    static final int NLMSGERR_ATTR_MSG = 1;

    /** sizeof(struct rtattr): len u16, type u16. */
    static final int RTA_HDRLEN = 4;

    static final int RTM_NEWLINK = 16;
    static final int RTM_GETLINK = 18;
    static final int RTM_NEWADDR = 20;
    static final int RTM_DELADDR = 21;
    static final int RTM_GETADDR = 22;
    static final int RTM_NEWROUTE = 24;
    static final int RTM_DELROUTE = 25;
    static final int RTM_NEWRULE = 32;
    static final int RTM_DELRULE = 33;

    /** sizeof(struct ifinfomsg): family u8, pad u8, type u16, index s32, flags u32, change u32. */
    static final int IFINFOMSG_SIZE = 16;
    /** Offset of ifi_index in struct ifinfomsg. */
    static final int IFINFOMSG_INDEX_OFFSET = 4;
    /** Link attribute: interface name, NUL-terminated. */
    static final int IFLA_IFNAME = 3;

    /** sizeof(struct ifaddrmsg): family u8, prefixlen u8, flags u8, scope u8, index u32. */
    static final int IFADDRMSG_SIZE = 8;
    /** Offset of ifa_family. */
    static final int IFADDRMSG_FAMILY_OFFSET = 0;
    /** Offset of ifa_prefixlen. */
    static final int IFADDRMSG_PREFIXLEN_OFFSET = 1;
    /** Offset of ifa_index. */
    static final int IFADDRMSG_INDEX_OFFSET = 4;
    /** Address attribute: the prefix address (the peer's on point-to-point links). */
    static final int IFA_ADDRESS = 1;
    /** ifa_flags: skip duplicate address detection for a new IPv6 address. */
    static final int IFA_F_NODAD = 0x02;
    /** Address attribute: the local address. */
    static final int IFA_LOCAL = 2;
    /** Address attribute: struct ifa_cacheinfo, whose first two u32 are the preferred and valid lifetimes. */
    static final int IFA_CACHEINFO = 6;

    /** sizeof(struct rtmsg): family, dst_len, src_len, tos, table, protocol, scope, type (u8 each), flags u32. */
    static final int RTMSG_SIZE = 12;
    /** Route attribute: destination prefix. */
    static final int RTA_DST = 1;
    /** Route attribute: output interface index, u32. */
    static final int RTA_OIF = 4;
    /** Route attribute: next-hop address, same family as the route. */
    static final int RTA_GATEWAY = 5;
    /** Route attribute: metric, u32; lower wins between routes to the same prefix. */
    static final int RTA_PRIORITY = 6;
    /** Route attribute: preferred source address. */
    static final int RTA_PREFSRC = 7;
    /** Route attribute: table id, u32; the only way to name a table above 255. */
    static final int RTA_TABLE = 15;
    /** Table in a header whose real id travels in RTA_TABLE or FRA_TABLE. */
    static final int RT_TABLE_UNSPEC = 0;
    /** The main routing table. */
    static final int RT_TABLE_MAIN = 254;
    /** Route installed by an administrator or daemon, not the kernel or boot scripts. */
    static final int RTPROT_STATIC = 4;
    /** Scope: valid anywhere (IPv6 device routes use this too). */
    static final int RT_SCOPE_UNIVERSE = 0;
    /** Scope: directly attached, no gateway (IPv4 device routes). */
    static final int RT_SCOPE_LINK = 253;
    /** Scope in a delete request: match any scope. */
    static final int RT_SCOPE_NOWHERE = 255;
    /** Route type: a plain unicast route. */
    static final int RTN_UNICAST = 1;

    /**
     * sizeof(struct fib_rule_hdr): family, dst_len, src_len, tos, table, res1, res2, action (u8 each), flags u32.
     */
    static final int FIB_RULE_HDR_SIZE = 12;
    /** Rule attribute: input interface name, NUL-terminated. */
    static final int FRA_IIFNAME = 3;
    /** Rule attribute: priority (preference), u32; rules are tried from the lowest. */
    static final int FRA_PRIORITY = 6;
    /** Rule attribute: ignore a lookup result whose prefix is this long or shorter, u32. */
    static final int FRA_SUPPRESS_PREFIXLEN = 14;
    /** Rule attribute: table id, u32. */
    static final int FRA_TABLE = 15;
    /** Rule action: look the packet up in the rule's table. */
    static final int FR_ACT_TO_TBL = 1;

    private NetlinkProtocol()
    {
    }

    /**
     * @param length bytes.
     * @return length rounded up to the 4-byte netlink alignment.
     */
    static int align(final int length)
    {
        return (length + 3) & ~3;
    }
}
