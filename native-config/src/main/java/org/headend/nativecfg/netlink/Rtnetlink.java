package org.headend.nativecfg.netlink;

import org.headend.nativecfg.NativeCallException;
import org.headend.nativecfg.libc.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Configures links, addresses, routes and policy routing rules over a NETLINK_ROUTE socket, the interface
 * {@code ip} uses.
 * <p>
 * The socket belongs to the network namespace of the thread that called {@link #open()}, and every request acts on
 * that namespace whichever thread sends it later. Each request asks for an acknowledgement and waits for it (at
 * most {@value #RECEIVE_TIMEOUT_SECONDS} s), so a method returns only once the kernel has applied the change;
 * a refusal becomes a {@link NativeCallException} naming the request and carrying the kernel's errno text and,
 * when sent, its extended-ack message. Replies are read into a fixed {@value #RECEIVE_BUFFER_SIZE}-byte buffer
 * and every length in them is checked before use.
 * <p>
 * Threading: not thread-safe; use from one control thread at a time. Allocation is fine here: this is the
 * configuration path, not the packet path.
 */
public final class Rtnetlink implements AutoCloseable
{
    /** Large enough for any single rtnetlink message; the kernel sizes dump datagrams to the reader's buffer. */
    static final int RECEIVE_BUFFER_SIZE = 32 * 1024;
    static final int SEND_BUFFER_SIZE = 1024;
    static final int RECEIVE_TIMEOUT_SECONDS = 5;
    /** Bounds a reply that never ends; a dump of 1024 full datagrams is far beyond any appliance's tables. */
    static final int MAX_DATAGRAMS_PER_REQUEST = 1024;

    private static final int IPV4_LENGTH = 4;
    private static final int IPV6_LENGTH = 16;

    private final MemorySegment capture;
    private final MemorySegment sendBuffer;
    private final MemorySegment receiveBuffer;
    private final MemorySegment kernelAddress;
    private final MemorySegment sourceAddress;
    private final MemorySegment sourceAddressLength;
    private final NetlinkMessageWriter writer;
    private final NetlinkMessageCursor cursor = new NetlinkMessageCursor();
    private int fd;
    private int sequence;

    private Rtnetlink(final int fd, final Arena arena, final MemorySegment capture)
    {
        this.fd = fd;
        this.capture = capture;
        sendBuffer = arena.allocate(SEND_BUFFER_SIZE, 8);
        receiveBuffer = arena.allocate(RECEIVE_BUFFER_SIZE, 8);
        kernelAddress = sockaddrNl(arena);
        sourceAddress = sockaddrNl(arena);
        sourceAddressLength = arena.allocate(JAVA_INT);
        writer = new NetlinkMessageWriter(sendBuffer);
    }

    /**
     * Open a NETLINK_ROUTE socket in the calling thread's network namespace.
     *
     * @return the open socket.
     * @throws NativeCallException if the socket cannot be created or configured.
     */
    public static Rtnetlink open()
    {
        final Arena arena = Arena.ofAuto();
        final MemorySegment capture = Libc.allocateCapture(arena);
        final int fd = (int)Libc.check(
            Libc.socket(capture, Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, NetlinkProtocol.NETLINK_ROUTE),
            capture,
            "socket(AF_NETLINK, NETLINK_ROUTE)");
        try
        {
            final MemorySegment on = arena.allocate(JAVA_INT);
            on.set(JAVA_INT, 0, 1);
            Libc.check(
                Libc.setsockopt(capture, fd, NetlinkProtocol.SOL_NETLINK, NetlinkProtocol.NETLINK_EXT_ACK, on),
                capture,
                "setsockopt(NETLINK_EXT_ACK)");
            Libc.check(
                Libc.setsockopt(capture, fd, NetlinkProtocol.SOL_NETLINK, NetlinkProtocol.NETLINK_CAP_ACK, on),
                capture,
                "setsockopt(NETLINK_CAP_ACK)");

            final MemorySegment timeout = arena.allocate(16, 8);
            timeout.set(JAVA_LONG, 0, RECEIVE_TIMEOUT_SECONDS);
            Libc.check(
                Libc.setsockopt(capture, fd, Libc.SOL_SOCKET, Libc.SO_RCVTIMEO, timeout),
                capture,
                "setsockopt(SO_RCVTIMEO)");

            Libc.check(Libc.bind(capture, fd, sockaddrNl(arena)), capture, "bind(AF_NETLINK)");
            return new Rtnetlink(fd, arena, capture);
        }
        catch (final RuntimeException ex)
        {
            Libc.close(fd);
            throw ex;
        }
    }

    /**
     * @param ifname interface name.
     * @return its index, or -1 if there is no such interface in this socket's namespace.
     */
    public int linkIndex(final String ifname)
    {
        Libc.checkInterfaceName(ifname);
        writer.begin(NetlinkProtocol.RTM_GETLINK, NetlinkProtocol.NLM_F_REQUEST | NetlinkProtocol.NLM_F_ACK, ++sequence)
            .putInt(0).putInt(0).putInt(0).putInt(0)
            .putAttribute(NetlinkProtocol.IFLA_IFNAME, ifname);

        final int[] index = { -1 };
        final int errno = execute("RTM_GETLINK " + ifname, Libc.ENODEV, 0, () ->
        {
            if (cursor.type() == NetlinkProtocol.RTM_NEWLINK)
            {
                cursor.requirePayload(NetlinkProtocol.IFINFOMSG_SIZE);
                index[0] = cursor.payloadInt(NetlinkProtocol.IFINFOMSG_INDEX_OFFSET);
            }
        });
        return errno == Libc.ENODEV ? -1 : index[0];
    }

    /**
     * Set IFF_UP on an interface, like {@code ip link set IFNAME up}.
     *
     * @param ifname interface name.
     * @throws NativeCallException if the interface does not exist or the kernel refuses.
     */
    public void setLinkUp(final String ifname)
    {
        final String what = "RTM_NEWLINK " + ifname + " up";
        final int index = requireLinkIndex(ifname, what);
        writer.begin(NetlinkProtocol.RTM_NEWLINK, NetlinkProtocol.NLM_F_REQUEST | NetlinkProtocol.NLM_F_ACK, ++sequence)
            .putByte(0).putByte(0).putShort(0)
            .putInt(index)
            .putInt(Libc.IFF_UP)
            .putInt(Libc.IFF_UP);
        execute(what, 0, 0, null);
    }

    /**
     * Add an address, like {@code ip addr add ADDRESS/PREFIX dev IFNAME} ({@code nodad} for IPv6). Adding an address
     * that is already there with the same prefix length succeeds and leaves it unchanged.
     *
     * @param ifname       interface name.
     * @param address      IPv4 or IPv6 address.
     * @param prefixLength on-link prefix length.
     * @throws NativeCallException if the interface does not exist or the kernel refuses.
     */
    public void addAddress(final String ifname, final InetAddress address, final int prefixLength)
    {
        final String what = "RTM_NEWADDR " + address.getHostAddress() + "/" + prefixLength + " dev " + ifname;
        putAddressRequest(
            NetlinkProtocol.RTM_NEWADDR,
            NetlinkProtocol.NLM_F_CREATE | NetlinkProtocol.NLM_F_EXCL,
            requireLinkIndex(ifname, what),
            address,
            prefixLength);
        execute(what, Libc.EEXIST, 0, null);
    }

    /**
     * Add an address that the kernel removes by itself unless it is leased again within {@code lifetimeSeconds},
     * like {@code ip addr replace ADDRESS/PREFIX dev IFNAME valid_lft N preferred_lft N}: a floating address whose
     * holder keeps renewing it vanishes soon after the holder dies, even when nobody takes it off. Leasing an address
     * that is there (with or without a lifetime) sets its lifetime anew.
     *
     * @param ifname          interface name.
     * @param address         IPv4 or IPv6 address.
     * @param prefixLength    on-link prefix length.
     * @param lifetimeSeconds how long it stays without a renewal, 1 or more.
     * @throws NativeCallException if the interface does not exist or the kernel refuses.
     */
    public void leaseAddress(final String ifname, final InetAddress address, final int prefixLength,
        final int lifetimeSeconds)
    {
        if (lifetimeSeconds < 1)
        {
            throw new IllegalArgumentException("address lifetime must be at least 1 s: " + lifetimeSeconds);
        }
        final String what = "RTM_NEWADDR " + address.getHostAddress() + "/" + prefixLength + " dev " + ifname
            + " valid_lft " + lifetimeSeconds;
        putAddressRequest(
            NetlinkProtocol.RTM_NEWADDR,
            NetlinkProtocol.NLM_F_CREATE | NetlinkProtocol.NLM_F_REPLACE,
            requireLinkIndex(ifname, what),
            address,
            prefixLength);
        // struct ifa_cacheinfo in host order: preferred, valid, and two timestamps the kernel fills in
        final byte[] cacheInfo = java.nio.ByteBuffer.allocate(16).order(java.nio.ByteOrder.nativeOrder())
            .putInt(lifetimeSeconds).putInt(lifetimeSeconds).array();
        writer.putAttribute(NetlinkProtocol.IFA_CACHEINFO, cacheInfo);
        execute(what, 0, 0, null);
    }

    /**
     * Remove an address, like {@code ip addr del ADDRESS/PREFIX dev IFNAME}. Removing an address that is not
     * there succeeds.
     *
     * @param ifname       interface name.
     * @param address      IPv4 or IPv6 address.
     * @param prefixLength prefix length it was added with.
     * @throws NativeCallException if the interface does not exist or the kernel refuses.
     */
    public void deleteAddress(final String ifname, final InetAddress address, final int prefixLength)
    {
        final String what = "RTM_DELADDR " + address.getHostAddress() + "/" + prefixLength + " dev " + ifname;
        putAddressRequest(NetlinkProtocol.RTM_DELADDR, 0, requireLinkIndex(ifname, what), address, prefixLength);
        execute(what, Libc.EADDRNOTAVAIL, Libc.ENOENT, null);
    }

    /**
     * @param ifname interface name.
     * @return its IPv4 and IPv6 addresses, in the kernel's order.
     * @throws NativeCallException if the interface does not exist or a reply is malformed.
     */
    public List<AddressEntry> addresses(final String ifname)
    {
        final String what = "RTM_GETADDR dev " + ifname;
        final int index = requireLinkIndex(ifname, what);
        writer.begin(
                NetlinkProtocol.RTM_GETADDR,
                NetlinkProtocol.NLM_F_REQUEST | NetlinkProtocol.NLM_F_ACK | NetlinkProtocol.NLM_F_DUMP,
                ++sequence)
            .putByte(0).putByte(0).putByte(0).putByte(0)
            .putInt(0);

        final List<AddressEntry> entries = new ArrayList<>();
        execute(what, 0, 0, () ->
        {
            if (cursor.type() != NetlinkProtocol.RTM_NEWADDR)
            {
                return;
            }
            cursor.requirePayload(NetlinkProtocol.IFADDRMSG_SIZE);
            if (cursor.payloadInt(NetlinkProtocol.IFADDRMSG_INDEX_OFFSET) == index)
            {
                entries.add(parseAddress());
            }
        });
        return List.copyOf(entries);
    }

    /**
     * Install a device route in the main table, replacing one to the same destination, like
     * {@code ip route replace DST/PREFIX dev IFNAME [src PREFERRED]}.
     *
     * @param destination     network address; host bits must be zero.
     * @param prefixLength    destination prefix length.
     * @param ifname          output interface.
     * @param preferredSource source address for locally originated packets, same family, or null.
     * @throws NativeCallException if the interface does not exist or the kernel refuses (e.g. link down,
     *                             preferred source not local).
     */
    public void addRoute(
        final InetAddress destination, final int prefixLength, final String ifname, final InetAddress preferredSource)
    {
        final String what = "RTM_NEWROUTE " + destination.getHostAddress() + "/" + prefixLength + " dev " + ifname +
            (preferredSource != null ? " src " + preferredSource.getHostAddress() : "");
        final byte[] dst = networkAddress(destination, prefixLength);
        if (preferredSource != null && preferredSource.getAddress().length != dst.length)
        {
            throw new IllegalArgumentException("preferred source family differs from destination: " + what);
        }
        final boolean ipv4 = dst.length == IPV4_LENGTH;
        final int index = requireLinkIndex(ifname, what);
        writer.begin(
                NetlinkProtocol.RTM_NEWROUTE,
                NetlinkProtocol.NLM_F_REQUEST | NetlinkProtocol.NLM_F_ACK |
                    NetlinkProtocol.NLM_F_CREATE | NetlinkProtocol.NLM_F_REPLACE,
                ++sequence);
        putRouteHeader(
            dst,
            prefixLength,
            NetlinkProtocol.RTPROT_STATIC,
            ipv4 ? NetlinkProtocol.RT_SCOPE_LINK : NetlinkProtocol.RT_SCOPE_UNIVERSE,
            NetlinkProtocol.RTN_UNICAST);
        writer.putAttribute(NetlinkProtocol.RTA_OIF, index);
        if (preferredSource != null)
        {
            writer.putAttribute(NetlinkProtocol.RTA_PREFSRC, preferredSource.getAddress());
        }
        execute(what, 0, 0, null);
    }

    /**
     * Remove the main-table route to {@code destination} through {@code ifname}, like
     * {@code ip route del DST/PREFIX dev IFNAME}. Removing a route that is not there succeeds.
     *
     * @param destination  network address; host bits must be zero.
     * @param prefixLength destination prefix length.
     * @param ifname       output interface.
     * @throws NativeCallException if the interface does not exist or the kernel refuses.
     */
    public void deleteRoute(final InetAddress destination, final int prefixLength, final String ifname)
    {
        final String what = "RTM_DELROUTE " + destination.getHostAddress() + "/" + prefixLength + " dev " + ifname;
        final byte[] dst = networkAddress(destination, prefixLength);
        final int index = requireLinkIndex(ifname, what);
        writer.begin(
            NetlinkProtocol.RTM_DELROUTE, NetlinkProtocol.NLM_F_REQUEST | NetlinkProtocol.NLM_F_ACK, ++sequence);
        // Protocol and type 0 match any; IPv4 also needs the "any scope" wildcard, IPv6 ignores scope.
        putRouteHeader(
            dst,
            prefixLength,
            0,
            dst.length == IPV4_LENGTH ? NetlinkProtocol.RT_SCOPE_NOWHERE : NetlinkProtocol.RT_SCOPE_UNIVERSE,
            0);
        writer.putAttribute(NetlinkProtocol.RTA_OIF, index);
        execute(what, Libc.ESRCH, 0, null);
    }

    /**
     * Install a route in the table it names, replacing one to the same destination with the same metric there, like
     * {@code ip route replace DST/LEN [via GATEWAY] [dev IFNAME] table TABLE [metric M]}.
     *
     * @param route the route; it needs a gateway, a device or both.
     * @throws IllegalArgumentException if the route has neither gateway nor device.
     * @throws NativeCallException      if the device does not exist or the kernel refuses (e.g. the gateway is not
     *                                  on a link the device reaches, or the device is down).
     */
    public void addRoute(final StaticRoute route)
    {
        if (route.gateway() == null && route.ifname() == null)
        {
            throw new IllegalArgumentException("a route needs a gateway or a device: " + route);
        }
        final String what = "RTM_NEWROUTE " + route;
        final int index = route.ifname() == null ? 0 : requireLinkIndex(route.ifname(), what);
        RoutingRequests.putRoute(
            writer,
            NetlinkProtocol.RTM_NEWROUTE,
            NetlinkProtocol.NLM_F_REQUEST | NetlinkProtocol.NLM_F_ACK |
                NetlinkProtocol.NLM_F_CREATE | NetlinkProtocol.NLM_F_REPLACE,
            ++sequence,
            route,
            index);
        execute(what, 0, 0, null);
    }

    /**
     * Remove one route that matches, like {@code ip route del DST/LEN [via GATEWAY] [dev IFNAME] table TABLE
     * [metric M]}; a null gateway or device and metric 0 match any. A route that is not there, in a table or
     * through a device that is not there, is not an error.
     *
     * @param route what to match.
     * @return true if a route was removed.
     * @throws NativeCallException if the kernel refuses for another reason.
     */
    public boolean deleteRoute(final StaticRoute route)
    {
        final String what = "RTM_DELROUTE " + route;
        final int index = route.ifname() == null ? 0 : linkIndex(route.ifname());
        if (index < 0)
        {
            // the device's routes went with it
            return false;
        }
        RoutingRequests.putRoute(
            writer, NetlinkProtocol.RTM_DELROUTE, NetlinkProtocol.NLM_F_REQUEST | NetlinkProtocol.NLM_F_ACK,
            ++sequence, route, index);
        // IPv6 answers ENOENT for a table it has never had, or a destination it has no node for; ESRCH otherwise
        return execute(what, Libc.ESRCH, Libc.ENOENT, null) == 0;
    }

    /**
     * Add a policy routing rule, like {@code ip rule add pref PRIORITY iif IFNAME lookup TABLE ...}. Adding a
     * rule equal to one that is there succeeds and leaves one.
     *
     * @param rule the rule.
     * @throws NativeCallException if the kernel refuses.
     */
    public void addRule(final FibRule rule)
    {
        final String what = "RTM_NEWRULE " + rule;
        RoutingRequests.putRule(
            writer,
            NetlinkProtocol.RTM_NEWRULE,
            // without NLM_F_EXCL the kernel would add a second, identical rule
            NetlinkProtocol.NLM_F_REQUEST | NetlinkProtocol.NLM_F_ACK |
                NetlinkProtocol.NLM_F_CREATE | NetlinkProtocol.NLM_F_EXCL,
            ++sequence,
            rule);
        execute(what, Libc.EEXIST, 0, null);
    }

    /**
     * Remove one rule equal to {@code rule}, like {@code ip rule del ...}. A rule that is not there is not an
     * error.
     *
     * @param rule the rule.
     * @return true if a rule was removed.
     * @throws NativeCallException if the kernel refuses for another reason.
     */
    public boolean deleteRule(final FibRule rule)
    {
        final String what = "RTM_DELRULE " + rule;
        RoutingRequests.putRule(
            writer, NetlinkProtocol.RTM_DELRULE, NetlinkProtocol.NLM_F_REQUEST | NetlinkProtocol.NLM_F_ACK,
            ++sequence, rule);
        return execute(what, Libc.ENOENT, 0, null) != Libc.ENOENT;
    }

    /**
     * Close the socket. Idempotent.
     */
    public void close()
    {
        Libc.close(fd);
        fd = -1;
    }

    private int requireLinkIndex(final String ifname, final String what)
    {
        final int index = linkIndex(ifname);
        if (index < 0)
        {
            throw new NativeCallException(what, Libc.ENODEV, Libc.strerror(Libc.ENODEV));
        }
        return index;
    }

    private void putAddressRequest(
        final int type, final int extraFlags, final int index, final InetAddress address, final int prefixLength)
    {
        final byte[] bytes = address.getAddress();
        checkPrefixLength(bytes, prefixLength);
        writer.begin(type, NetlinkProtocol.NLM_F_REQUEST | NetlinkProtocol.NLM_F_ACK | extraFlags, ++sequence)
            .putByte(family(bytes))
            .putByte(prefixLength)
            // an IPv6 address the appliance adds is usable at once: duplicate address detection would keep it
            // tentative, and a socket could not bind it, for a second or more
            .putByte(type == NetlinkProtocol.RTM_NEWADDR && bytes.length == IPV6_LENGTH ? NetlinkProtocol.IFA_F_NODAD : 0)
            .putByte(NetlinkProtocol.RT_SCOPE_UNIVERSE)
            .putInt(index)
            // Equal local and prefix address means "not point-to-point", for both families.
            .putAttribute(NetlinkProtocol.IFA_LOCAL, bytes)
            .putAttribute(NetlinkProtocol.IFA_ADDRESS, bytes);
    }

    private void putRouteHeader(
        final byte[] dst, final int prefixLength, final int protocol, final int scope, final int routeType)
    {
        writer
            .putByte(family(dst))
            .putByte(prefixLength)
            .putByte(0)
            .putByte(0)
            .putByte(NetlinkProtocol.RT_TABLE_MAIN)
            .putByte(protocol)
            .putByte(scope)
            .putByte(routeType)
            .putInt(0);
        if (prefixLength > 0)
        {
            writer.putAttribute(NetlinkProtocol.RTA_DST, dst);
        }
    }

    private AddressEntry parseAddress()
    {
        final int family = cursor.payloadByte(NetlinkProtocol.IFADDRMSG_FAMILY_OFFSET);
        final int prefixLength = cursor.payloadByte(NetlinkProtocol.IFADDRMSG_PREFIXLEN_OFFSET);
        final int expectedLength = family == Libc.AF_INET ? IPV4_LENGTH : family == Libc.AF_INET6 ? IPV6_LENGTH : -1;
        if (expectedLength < 0 || prefixLength > expectedLength * 8)
        {
            throw new MalformedNetlinkException("address family " + family + " prefix length " + prefixLength);
        }

        byte[] prefixAddress = null;
        byte[] localAddress = null;
        cursor.startAttributes(NetlinkProtocol.IFADDRMSG_SIZE);
        while (cursor.nextAttribute())
        {
            final int type = cursor.attributeType();
            if (type == NetlinkProtocol.IFA_ADDRESS || type == NetlinkProtocol.IFA_LOCAL)
            {
                if (cursor.attributeValueLength() != expectedLength)
                {
                    throw new MalformedNetlinkException("address attribute of " + cursor.attributeValueLength() +
                        " bytes for family " + family);
                }
                if (type == NetlinkProtocol.IFA_LOCAL)
                {
                    localAddress = cursor.attributeBytes();
                }
                else
                {
                    prefixAddress = cursor.attributeBytes();
                }
            }
        }
        // On point-to-point links IFA_ADDRESS is the peer; IFA_LOCAL, when present, is always our own.
        final byte[] own = localAddress != null ? localAddress : prefixAddress;
        if (own == null)
        {
            throw new MalformedNetlinkException("RTM_NEWADDR without an address attribute");
        }
        try
        {
            return new AddressEntry(InetAddress.getByAddress(own), prefixLength);
        }
        catch (final UnknownHostException ex)
        {
            throw new MalformedNetlinkException("address of " + own.length + " bytes");
        }
    }

    /**
     * Send the request in the writer and consume replies with its sequence number until the acknowledgement,
     * an error, or the end of a dump.
     *
     * @return 0 on success, or the errno of an error the caller accepts as success.
     */
    private int execute(final String what, final int acceptedErrno, final int alsoAcceptedErrno, final Runnable onReply)
    {
        final int requestSequence = sequence;
        final int requestLength = writer.finish();
        Libc.check(Libc.sendto(capture, fd, sendBuffer, requestLength, kernelAddress), capture, what + ": sendto");

        try
        {
            for (int datagrams = 0; datagrams < MAX_DATAGRAMS_PER_REQUEST; datagrams++)
            {
                final int received = receive(what);
                if (received < 0)
                {
                    continue;
                }
                cursor.wrap(receiveBuffer, received);
                while (cursor.nextMessage())
                {
                    if (cursor.sequence() != requestSequence)
                    {
                        continue;
                    }
                    final int type = cursor.type();
                    if (type == NetlinkProtocol.NLMSG_ERROR || type == NetlinkProtocol.NLMSG_DONE)
                    {
                        final int errno = cursor.errorCode();
                        if (errno == 0 || errno == acceptedErrno || errno == alsoAcceptedErrno)
                        {
                            return errno;
                        }
                        final String kernelMessage = type == NetlinkProtocol.NLMSG_ERROR ?
                            cursor.extendedAckMessage() : null;
                        throw new NativeCallException(
                            what, errno, Libc.strerror(errno) + (kernelMessage != null ? ": " + kernelMessage : ""));
                    }
                    if (onReply != null)
                    {
                        onReply.run();
                    }
                }
            }
        }
        catch (final MalformedNetlinkException ex)
        {
            throw new NativeCallException(what, 0, "malformed reply: " + ex.getMessage());
        }
        throw new NativeCallException(what, 0, "no end of reply after " + MAX_DATAGRAMS_PER_REQUEST + " datagrams");
    }

    /**
     * @return bytes received, or -1 if the datagram must be skipped (interrupted, or not from the kernel).
     */
    private int receive(final String what)
    {
        sourceAddressLength.set(JAVA_INT, 0, NetlinkProtocol.SOCKADDR_NL_SIZE);
        final long received = Libc.recvfrom(
            capture, fd, receiveBuffer, Libc.MSG_TRUNC, sourceAddress, sourceAddressLength);
        if (received < 0)
        {
            final int errno = Libc.errno(capture);
            if (errno == Libc.EINTR)
            {
                return -1;
            }
            final String reason = errno == Libc.EAGAIN ?
                "no reply within " + RECEIVE_TIMEOUT_SECONDS + " s" : Libc.strerror(errno);
            throw new NativeCallException(what + ": recvfrom", errno, reason);
        }
        if (received > RECEIVE_BUFFER_SIZE)
        {
            throw new NativeCallException(what, 0, "reply of " + received + " bytes exceeds " + RECEIVE_BUFFER_SIZE);
        }
        // Only the kernel (port 0) may answer; any other local process could have written to our port.
        if (sourceAddress.get(JAVA_INT, NetlinkProtocol.SOCKADDR_NL_PID_OFFSET) != 0)
        {
            return -1;
        }
        return (int)received;
    }

    private static MemorySegment sockaddrNl(final Arena arena)
    {
        final MemorySegment address = arena.allocate(NetlinkProtocol.SOCKADDR_NL_SIZE, 4);
        address.set(JAVA_SHORT, 0, (short)Libc.AF_NETLINK);
        return address;
    }

    private static int family(final byte[] address)
    {
        return address.length == IPV4_LENGTH ? Libc.AF_INET : Libc.AF_INET6;
    }

    private static void checkPrefixLength(final byte[] address, final int prefixLength)
    {
        if (prefixLength < 0 || prefixLength > address.length * 8)
        {
            throw new IllegalArgumentException("prefix length " + prefixLength + " for a " + address.length * 8 +
                "-bit address");
        }
    }

    /**
     * @return the address bytes, after checking that no bit beyond the prefix is set.
     */
    static byte[] networkAddress(final InetAddress destination, final int prefixLength)
    {
        final byte[] bytes = destination.getAddress();
        checkPrefixLength(bytes, prefixLength);
        for (int bit = prefixLength; bit < bytes.length * 8; bit++)
        {
            if ((bytes[bit >>> 3] & (0x80 >>> (bit & 7))) != 0)
            {
                throw new IllegalArgumentException(
                    destination.getHostAddress() + "/" + prefixLength + " has host bits set");
            }
        }
        return bytes;
    }
}
