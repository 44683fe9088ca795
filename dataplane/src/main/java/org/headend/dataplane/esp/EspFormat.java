package org.headend.dataplane.esp;

import org.headend.crypto.Aead;

/**
 * The layout of an ESP packet with AES-GCM (RFC 4303 §2, RFC 4106 §3) as it travels in a UDP datagram after RFC 3948
 * encapsulation: SPI (4) ‖ sequence number (4) ‖ IV (8) ‖ ciphertext of (payload ‖ padding ‖ pad length ‖ next
 * header) ‖ ICV (16).
 */
final class EspFormat
{
    static final int SPI_OFFSET = 0;
    static final int SEQUENCE_OFFSET = 4;
    static final int IV_OFFSET = 8;
    static final int IV_LENGTH = 8;
    /** Where the encrypted payload starts. */
    static final int PAYLOAD_OFFSET = 16;
    /** Pad length and next header. */
    static final int TRAILER_LENGTH = 2;
    /** Bytes around the inner packet, without padding. */
    static final int OVERHEAD = PAYLOAD_OFFSET + TRAILER_LENGTH + Aead.TAG_LENGTH;
    /** The shortest packet that can be valid: an empty payload with its trailer. */
    static final int MIN_LENGTH = OVERHEAD;

    /** Next header: an IPv4 packet (tunnel mode). */
    static final int NEXT_HEADER_IPV4 = 4;
    /** Next header: an IPv6 packet (tunnel mode). */
    static final int NEXT_HEADER_IPV6 = 41;
    /** Next header: a dummy packet for traffic-flow confidentiality, to be dropped (RFC 4303 §2.6). */
    static final int NEXT_HEADER_NONE = 59;

    /** The 4 zero bytes before an IKE message on the ESP port (RFC 3948 §2.2). */
    static final int NON_ESP_MARKER_LENGTH = 4;
    /** A NAT keepalive is one byte of 0xFF (RFC 3948 §2.3). */
    static final int NAT_KEEPALIVE = 0xFF;

    private EspFormat()
    {
    }

    /** Padding so that the payload and its trailer end on a 4-byte boundary (RFC 4303 §2.4). */
    static int padding(final int payloadLength)
    {
        return (4 - ((payloadLength + TRAILER_LENGTH) & 3)) & 3;
    }
}
