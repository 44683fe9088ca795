package org.headend.control.cli;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code show interface} reads of a Linux interface: state, MAC, MTU and the kernel's counters from
 * {@code /sys/class/net/NAME}, and its IPv4 addresses. The directory is a parameter so tests can give a fake one.
 */
public final class InterfaceStats
{
    /** The counters read, in the order {@code show interface | json} lists them. */
    static final List<String> COUNTERS = List.of("rx_packets", "rx_bytes", "rx_errors", "rx_dropped",
        "rx_crc_errors", "rx_frame_errors", "rx_over_errors", "rx_fifo_errors", "multicast", "tx_packets",
        "tx_bytes", "tx_errors", "tx_dropped", "tx_fifo_errors", "collisions", "tx_carrier_errors");

    private final Path sysClassNet;

    public InterfaceStats(final Path sysClassNet)
    {
        this.sysClassNet = sysClassNet;
    }

    public static InterfaceStats system()
    {
        return new InterfaceStats(Path.of("/sys/class/net"));
    }

    /**
     * One interface as read now.
     *
     * @param exists    whether the kernel has it
     * @param up        administratively up
     * @param lineUp    carrier present (operstate up or unknown on a TUN)
     * @param mac       the hardware address, or empty
     * @param mtu       the MTU, 0 when unknown
     * @param counters  counter name (as in /sys) → value; missing counters are absent
     * @param addresses IPv4 address/prefix pairs
     */
    public record Snapshot(boolean exists, boolean up, boolean lineUp, String mac, int mtu,
        Map<String, Long> counters, List<String> addresses)
    {
        long counter(final String name)
        {
            return counters.getOrDefault(name, 0L);
        }
    }

    public Snapshot read(final String ifname)
    {
        final Path dir = sysClassNet.resolve(ifname);
        if (!ifname.matches("[A-Za-z0-9._@-]{1,15}") || !Files.isDirectory(dir))
        {
            return new Snapshot(false, false, false, "", 0, Map.of(), List.of());
        }
        final long flags = parseLong(text(dir.resolve("flags")).replace("0x", ""), 16);
        final String operstate = text(dir.resolve("operstate"));
        final Map<String, Long> counters = new LinkedHashMap<>();
        for (final String name : COUNTERS)
        {
            final String value = text(dir.resolve("statistics").resolve(name));
            if (!value.isEmpty())
            {
                counters.put(name, parseLong(value, 10));
            }
        }
        final boolean up = (flags & 1) != 0;
        return new Snapshot(true, up, up && !operstate.equals("down") && !operstate.equals("lowerlayerdown"),
            text(dir.resolve("address")), (int)parseLong(text(dir.resolve("mtu")), 10), counters, addresses(ifname));
    }

    private static List<String> addresses(final String ifname)
    {
        final List<String> out = new ArrayList<>();
        try
        {
            final NetworkInterface nic = NetworkInterface.getByName(ifname);
            if (nic != null)
            {
                for (final InterfaceAddress address : nic.getInterfaceAddresses())
                {
                    if (address.getAddress() instanceof Inet4Address v4)
                    {
                        out.add(v4.getHostAddress() + "/" + address.getNetworkPrefixLength());
                    }
                }
            }
        }
        catch (final SocketException ignored)
        {
            // no addresses to show
        }
        return out;
    }

    private static String text(final Path file)
    {
        try
        {
            return Files.readString(file).strip();
        }
        catch (final IOException | RuntimeException ex)
        {
            return "";
        }
    }

    private static long parseLong(final String text, final int radix)
    {
        try
        {
            return text.isEmpty() ? 0 : Long.parseLong(text, radix);
        }
        catch (final NumberFormatException ex)
        {
            return 0;
        }
    }
}
