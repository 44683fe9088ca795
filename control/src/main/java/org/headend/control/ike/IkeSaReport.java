package org.headend.control.ike;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.headend.control.ike.codec.Ike;
import org.headend.control.ike.sa.ChildSa;
import org.headend.control.ike.sa.IkeSa;
import org.headend.control.ike.sa.IkeStats;
import org.headend.dataplane.api.EspTunnel;

/**
 * The text of {@code show crypto ikev2 sa} and {@code show crypto ipsec sa}, in the ASA's layout, and of
 * {@code show crypto ikev2 stats}.
 */
final class IkeSaReport
{
    private static final String SETTINGS = "\n         in use settings ={RA, Tunnel, NAT-T-Encaps, IKEv2, }\n";

    private IkeSaReport()
    {
    }

    /** The SAs by state and the fragmentation counters (RFC 7383) since IKEv2 was enabled. */
    static String stats(final IkeStats stats, final List<IkeSa> sas, final int fragmentMtu)
    {
        final long active = sas.stream().filter(sa -> sa.state() == IkeSa.State.ESTABLISHED).count();
        final StringBuilder out = new StringBuilder("Global IKEv2 Statistics\n");
        line(out, "Active Tunnels", active);
        line(out, "In Negotiation SAs", sas.size() - active);
        out.append(fragmentMtu == 0 ? "Fragmentation (RFC 7383): off\n"
            : "Fragmentation (RFC 7383): MTU " + fragmentMtu + "\n");
        line(out, "In Fragments", stats.fragmentsIn());
        line(out, "In Reassembled Messages", stats.reassembledMessages());
        line(out, "Out Fragments", stats.fragmentsOut());
        line(out, "Out Fragmented Messages", stats.fragmentedMessagesOut());
        return out.toString();
    }

    private static void line(final StringBuilder out, final String name, final long value)
    {
        out.append(String.format("  %-26s: %d%n", name, value));
    }

    static String ikev2(final List<IkeSa> sas, final long nowNanos)
    {
        if (sas.isEmpty())
        {
            return "There are no IKEv2 SAs\n";
        }
        final StringBuilder out = new StringBuilder("IKEv2 SAs:\n\n");
        int id = 1;
        for (final IkeSa sa : sas)
        {
            out.append("Session-id:").append(id).append(", Status:UP-ACTIVE, IKE count:1, CHILD count:")
                .append(sa.children().size()).append("\n\n");
            out.append(String.format("%-10s%-32s%-32s%-12s%s%n", "Tunnel-id", "Local", "Remote", "Status", "Role"));
            out.append(String.format("%9d %-32s%-32s%-12s%s%n", id, endpoint(sa.local()), endpoint(sa.peer()),
                sa.state() == IkeSa.State.ESTABLISHED ? "READY" : sa.state().name(), "RESPONDER"));
            out.append("      Encr: ").append(sa.suite().encryption() == Ike.ENCR_AES_GCM_16 ? "AES-GCM" : "AES-CBC")
                .append(", keysize: ").append(sa.suite().keyBits()).append(", Hash: N/A, DH Grp:")
                .append(sa.suite().group().number()).append(", PRF: ").append(sa.suite().prf())
                .append(", Auth sign: certificate, Auth verify: EAP\n");
            out.append("      Life/Active Time: ").append((nowNanos - sa.createdNanos()) / 1_000_000_000L)
                .append(" sec, user ").append(sa.username() == null ? "-" : sa.username()).append('\n');
            // as the ASA's detail view: an IKE SA rekey shows as new SPIs here (we are the responder)
            out.append(String.format("      Local spi: %016X       Remote spi: %016X%n", sa.responderSpi(),
                sa.initiatorSpi()));
            for (final ChildSa child : sa.children())
            {
                out.append("Child sa: ESP spi in/out: 0x").append(spi(child.inboundSpi())).append("/0x")
                    .append(spi(child.outboundSpi())).append(", AES-GCM-").append(child.keyBits()).append('\n');
            }
            out.append('\n');
            id++;
        }
        return out.toString();
    }

    static String ipsec(final Map<IkeSa, EspTunnel> tunnels, final String nameif)
    {
        if (tunnels.isEmpty())
        {
            return "There are no ipsec sas\n";
        }
        final StringBuilder out = new StringBuilder("interface: ").append(nameif).append("\n");
        for (final Map.Entry<IkeSa, EspTunnel> entry : tunnels.entrySet())
        {
            final IkeSa sa = entry.getKey();
            final EspTunnel tunnel = entry.getValue();
            final InetSocketAddress peer = tunnel.peer() == null ? sa.peer() : tunnel.peer();
            out.append("    current_peer: ").append(peer.getAddress().getHostAddress()).append(", username: ")
                .append(sa.username()).append("\n\n");
            out.append("      #pkts encaps: ").append(tunnel.txPackets()).append(", #pkts encrypt: ")
                .append(tunnel.txPackets()).append(", #bytes encaps: ").append(tunnel.txBytes()).append('\n');
            out.append("      #pkts decaps: ").append(tunnel.rxPackets()).append(", #pkts decrypt: ")
                .append(tunnel.rxPackets()).append(", #bytes decaps: ").append(tunnel.rxBytes()).append('\n');
            out.append("      #send errors: ").append(tunnel.txDrops()).append(", #recv errors: ")
                .append(tunnel.rxDrops()).append("\n\n");
            out.append("      local crypto endpt.: ").append(endpoint(sa.local())).append(", remote crypto endpt.: ")
                .append(endpoint(peer)).append('\n');
            out.append("      current outbound spi: ").append(spi(tunnel.outboundSpi())).append('\n');
            out.append("      current inbound spi : ").append(spi(tunnel.inboundSpi())).append("\n\n");
            out.append("    inbound esp sas:\n      spi: 0x").append(spi(tunnel.inboundSpi())).append(" (")
                .append(Integer.toUnsignedString(tunnel.inboundSpi())).append(")\n         transform: esp-")
                .append(tunnel.cipherName().toLowerCase(Locale.ROOT)).append(SETTINGS);
            out.append("    outbound esp sas:\n      spi: 0x").append(spi(tunnel.outboundSpi())).append(" (")
                .append(Integer.toUnsignedString(tunnel.outboundSpi())).append(")\n         transform: esp-")
                .append(tunnel.cipherName().toLowerCase(Locale.ROOT)).append(SETTINGS).append('\n');
        }
        return out.toString();
    }

    private static String endpoint(final InetSocketAddress address)
    {
        return address.getAddress().getHostAddress() + "/" + address.getPort();
    }

    private static String spi(final int spi)
    {
        return String.format("%08X", spi);
    }
}
