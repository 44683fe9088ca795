package org.headend.nativecfg.arp;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.nio.ByteOrder;
import org.headend.nativecfg.libc.Libc;

/**
 * Announces that an IPv4 address now lives on an interface: one gratuitous ARP request (sender and target are the
 * address) broadcast on the link, so that neighbours and switches move it here at once instead of when their ARP
 * entries age out (the way a floating address such as a cluster's moves between hosts). Linux sends none when an
 * address is added. Control path: opens a packet socket for the call; needs CAP_NET_RAW.
 */
public final class GratuitousArp
{
    private static final int AF_PACKET = 17;
    private static final int ETH_P_ARP = 0x0806;
    private static final int ETH_P_IP = 0x0800;
    private static final int ARPHRD_ETHER = 1;
    private static final int ARPOP_REQUEST = 1;
    private static final int ETH_ALEN = 6;
    private static final long SIOCGIFINDEX = 0x8933;
    private static final long SIOCGIFHWADDR = 0x8927;
    /** struct sockaddr_ll. */
    private static final int SOCKADDR_LL_SIZE = 20;
    /** An ARP packet for Ethernet and IPv4. */
    static final int ARP_SIZE = 28;
    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;

    private GratuitousArp()
    {
    }

    /**
     * Broadcasts one gratuitous ARP for {@code address} on {@code ifname}, from the interface's hardware address.
     *
     * @throws org.headend.nativecfg.NativeCallException when the interface does not exist or the packet cannot be
     *                                                   sent
     * @throws IllegalArgumentException                  when the interface does not speak ARP (a TUN, loopback)
     */
    public static void announce(final String ifname, final Inet4Address address)
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment capture = Libc.allocateCapture(arena);
            final int fd = (int)Libc.check(Libc.socket(capture, AF_PACKET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC,
                Short.toUnsignedInt(Short.reverseBytes((short)ETH_P_ARP))), capture, "socket(AF_PACKET)");
            try
            {
                final MemorySegment ifreq = Libc.allocateIfreq(arena, ifname);
                Libc.check(Libc.ioctl(capture, fd, SIOCGIFINDEX, ifreq), capture, "ioctl(SIOCGIFINDEX, " + ifname + ")");
                final int index = ifreq.get(JAVA_INT, Libc.IFREQ_UNION_OFFSET);
                Libc.check(Libc.ioctl(capture, fd, SIOCGIFHWADDR, ifreq), capture,
                    "ioctl(SIOCGIFHWADDR, " + ifname + ")");
                if (Short.toUnsignedInt(ifreq.get(JAVA_SHORT, Libc.IFREQ_UNION_OFFSET)) != ARPHRD_ETHER)
                {
                    throw new IllegalArgumentException(ifname + " is not an Ethernet interface: no ARP on it");
                }
                final byte[] mac = ifreq.asSlice(Libc.IFREQ_UNION_OFFSET + 2, ETH_ALEN).toArray(JAVA_BYTE);
                final MemorySegment packet = arena.allocate(ARP_SIZE);
                packet.copyFrom(MemorySegment.ofArray(packet(mac, address.getAddress())));
                final MemorySegment to = arena.allocate(SOCKADDR_LL_SIZE, 4);
                to.set(JAVA_SHORT, 0, (short)AF_PACKET);
                to.set(JAVA_SHORT.withOrder(NET), 2, (short)ETH_P_ARP);
                to.set(JAVA_INT, 4, index);
                to.set(JAVA_BYTE, 11, (byte)ETH_ALEN);
                to.asSlice(12, ETH_ALEN).fill((byte)0xff);
                Libc.check(Libc.sendto(capture, fd, packet, ARP_SIZE, to), capture,
                    "sendto(gratuitous ARP on " + ifname + ")");
            }
            finally
            {
                Libc.close(fd);
            }
        }
    }

    /** The ARP request "who has {@code ip}? tell {@code ip}" from {@code mac}: what RFC 5227 calls an announcement. */
    static byte[] packet(final byte[] mac, final byte[] ip)
    {
        final java.nio.ByteBuffer arp = java.nio.ByteBuffer.allocate(ARP_SIZE).order(NET);
        arp.putShort((short)ARPHRD_ETHER).putShort((short)ETH_P_IP).put((byte)ETH_ALEN).put((byte)4)
            .putShort((short)ARPOP_REQUEST).put(mac).put(ip).put(new byte[ETH_ALEN]).put(ip);
        return arp.array();
    }
}
