package org.headend.dataplane.api;

import java.net.InetSocketAddress;

/**
 * An ESP tunnel as control sees it: a {@link TunnelHandle} (counters, {@code disconnect}/{@code drop} = take the SAs
 * out and close, {@code closed()}), plus the child SA commands and the readings IKE needs. The handle's DPD and
 * round-trip methods report nothing: liveness is IKE's INFORMATIONAL exchange, which control runs (see
 * {@link #lastRxNanos}). Commands may be called from any thread; they run on the ESP port's event loop.
 */
public interface EspTunnel extends TunnelHandle
{
    /**
     * CREATE_CHILD_SA rekey answered by us: {@code inbound} opens at once, next to the current inbound SA, which keeps
     * opening (packets in flight) until {@link #retireInbound} or the next rekey. {@code outbound} seals once the client
     * shows that it has installed the pair, by a packet on {@code inbound} or by deleting the old pair
     * ({@link #retireInbound}), as RFC 7296 §2.8 says; until then the old outbound SA seals, so that nothing we send
     * meanwhile reaches the client under an SPI it does not know yet. The outbound counters restart then.
     */
    void rekey(EspSa inbound, EspSa outbound);

    /** Takes the inbound SA with {@code spi} out (after the DELETE of the old child SA); its SPI becomes free. */
    void retireInbound(int spi);

    /** The SPI of the newest inbound SA. */
    int inboundSpi();

    /** The SPI of the outbound SA. */
    int outboundSpi();

    /** The client's UDP address now (it moves with NAT rebinding). */
    InetSocketAddress peer();

    /** The transform in ASA words for the CLI, e.g. {@code AES-GCM-256}. */
    String cipherName();

    /** Inner bytes opened by the newest inbound SA (not the one a rekey keeps for the overlap): lifetime-kilobytes. */
    long saRxBytes();

    /** Packets opened by the newest inbound SA. */
    long saRxPackets();

    /** Inner bytes sealed by the current outbound SA since the last rekey. */
    long saTxBytes();

    /** Packets sealed by the current outbound SA since the last rekey (its sequence number). */
    long saTxPackets();

    /** {@link System#nanoTime} of the last authenticated ESP packet (or of the install), for IKE's DPD. */
    long lastRxNanos();
}
