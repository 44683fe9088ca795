package org.headend.dataplane.api;

/**
 * Every packet the data plane drops or moves is counted here instead of being logged. The CLI's
 * {@code show counters} prints them in this order with these descriptions.
 */
public enum DataplaneCounter
{
    TUN_RX_PACKETS("packets read from the inside TUN"),
    TUN_TX_PACKETS("packets written to the inside TUN"),
    CSTP_RX_DATA_PACKETS("CSTP data packets received from clients"),
    CSTP_TX_DATA_PACKETS("CSTP data packets sent to clients"),
    CSTP_RX_CONTROL_FRAMES("CSTP DPD/keepalive/disconnect frames received"),
    CSTP_DPD_REQUESTS_SENT("CSTP DPD requests sent by the headend"),
    SPOOFED_SOURCE_DROPS("packets dropped: spoofed inner source (not the session's address)"),
    NO_ROUTE_DROPS("inside packets dropped: no tunnel owns the destination"),
    FILTERED_DESTINATION_DROPS("client packets dropped: destination outside the split-tunnel policy or vpn-filter"),
    LINK_LOCAL_DROPS("client packets dropped: IPv6 link-local or unspecified source"),
    NOT_IP_DROPS("packets dropped: not IPv4/IPv6, or a family the session has no address in"),
    RUNT_PACKET_DROPS("packets dropped: shorter than an IP header"),
    INBOUND_RING_FULL_DROPS("client packets dropped: ring to the TUN full"),
    EGRESS_RING_FULL_DROPS("inside packets dropped: ring to the tunnel full"),
    EGRESS_BACKLOG_DROPS("inside packets dropped: client not reading (TLS send buffer full)"),
    TUN_WRITE_ERRORS("TUN writes that failed"),
    OVERSIZED_FRAGMENTED("inside packets longer than the tunnel MTU sent as fragments (no DF, or df-bit-ignore)"),
    OVERSIZED_TOO_BIG_SENT("inside packets longer than the tunnel MTU answered with ICMP frag-needed/packet-too-big"),
    OVERSIZED_DROPS("inside packets longer than the tunnel MTU dropped unanswered (ICMP errors, malformed)"),
    CSTP_MALFORMED_FRAMES("CSTP frames rejected: bad magic, version or reserved byte"),
    CSTP_OVERSIZED_FRAMES("CSTP frames rejected: longer than the tunnel MTU"),
    CSTP_UNEXPECTED_FRAMES("CSTP frames rejected: unknown or unnegotiated type"),
    CSTP_CONTROL_OVER_RATE("CSTP DPD/keepalive frames over the tunnel's rate (DPD not answered)"),
    CSTP_UNREAD_ANSWER_DROPS("CSTP DPD answers dropped: client not reading (TLS send buffer full)"),
    CSTP_ABUSIVE_CLOSES("CSTP tunnels closed: control-frame flood, or answers left unread"),
    CSTP_SEND_TIMEOUTS("CSTP tunnels closed: the client read nothing for the send timeout (TLS send buffer full)"),
    DTLS_RX_DATA_PACKETS("DTLS data packets received from clients"),
    DTLS_TX_DATA_PACKETS("DTLS data packets sent to clients"),
    DTLS_RX_CONTROL("DTLS DPD/keepalive/disconnect messages received"),
    DTLS_REPLAY_DROPS("DTLS records dropped: replayed or too old"),
    DTLS_AUTH_FAILURES("DTLS records dropped: authentication failed"),
    DTLS_MALFORMED_DROPS("DTLS datagrams dropped: malformed or truncated records"),
    DTLS_UNEXPECTED_RECORDS("DTLS records ignored: not current application data (alerts, old epochs)"),
    DTLS_UNKNOWN_PEER_DROPS("DTLS datagrams dropped: from no known client"),
    DTLS_CLIENT_HELLOS("DTLS ClientHellos received"),
    DTLS_UNKNOWN_SESSION_HELLOS("DTLS ClientHellos ignored: session_id names no tunnel"),
    DTLS_HELLOS_OVER_RATE("DTLS ClientHellos ignored: over their tunnel's rate (replayed), no cookie work"),
    DTLS_HELLO_VERIFY_SENT("DTLS HelloVerifyRequests sent (ClientHellos without a valid cookie)"),
    DTLS_HANDSHAKES_STARTED("DTLS handshakes started (cookie verified)"),
    DTLS_HANDSHAKES_REFUSED("DTLS handshakes refused: too many running, in all or from the address"),
    DTLS_HANDSHAKES_FAILED("DTLS handshakes failed or timed out"),
    DTLS_NAT_REBINDS("DTLS clients moved to a new address after a valid record"),
    DTLS_SEND_ERRORS("DTLS records that could not be sealed"),
    DTLS_FLIGHTS_RESENT("DTLS handshake last flights sent again to clients that missed them"),
    DTLS_DPD_RATE_LIMITED("DTLS DPD requests not answered: over the tunnel's rate or the socket full"),
    CSTP_RX_COMPRESSED_FRAMES("CSTP compressed frames received and decompressed"),
    CSTP_TX_COMPRESSED_FRAMES("CSTP compressed frames sent"),
    CSTP_DECOMPRESSION_FAILURES("CSTP compressed frames that did not decompress"),
    DTLS_RX_COMPRESSED_MESSAGES("DTLS compressed messages received and decompressed"),
    DTLS_TX_COMPRESSED_MESSAGES("DTLS compressed messages sent"),
    DTLS_DECOMPRESSION_FAILURES("DTLS compressed messages that did not decompress"),
    DTLS_FALLBACKS("tunnels moved from DTLS back to TLS: the client sent data over TLS again"),
    ESP_RX_PACKETS("ESP packets received from clients and written inside"),
    ESP_TX_PACKETS("ESP packets sent to clients"),
    ESP_REPLAY_DROPS("ESP packets dropped: replayed or older than the anti-replay window"),
    ESP_AUTH_FAILURES("ESP packets dropped: integrity check failed"),
    ESP_MALFORMED_DROPS("ESP datagrams dropped: truncated, bad padding, or longer than the tunnel MTU"),
    ESP_UNKNOWN_SPI_DROPS("ESP packets dropped: no SA has their SPI"),
    ESP_DUMMY_PACKETS("ESP dummy packets (next header 59) dropped"),
    ESP_UNEXPECTED_NEXT_HEADER("ESP packets dropped: next header neither IPv4 nor IPv6"),
    ESP_NAT_KEEPALIVES("NAT keepalives received on the ESP port"),
    ESP_NAT_REBINDS("ESP clients moved to a new address after an authenticated packet"),
    ESP_SEND_ERRORS("ESP sends the kernel refused"),
    ESP_SEQUENCE_EXHAUSTED_DROPS("ESP packets not sent: the SA's sequence numbers ran out (rekey overdue)"),
    ESP_IKE_MESSAGES("IKE messages received on the ESP port (non-ESP marker)"),
    ESP_IKE_QUEUE_FULL_DROPS("IKE messages on the ESP port dropped: queue to control full");

    private final String description;

    DataplaneCounter(final String description)
    {
        this.description = description;
    }

    /** What the counter counts, as the CLI prints it. */
    public String description()
    {
        return description;
    }
}
