package org.headend.crypto.kdf;

/**
 * TLS exporter (RFC 5705) parameters the tunnel needs.
 * <p>
 * openconnect's PSK-NEGOTIATE mode derives the DTLS pre-shared key from the CSTP TLS session with label
 * {@value #OPENCONNECT_PSK_LABEL}, {@value #OPENCONNECT_PSK_LENGTH} bytes and <b>no context</b>: pass
 * {@code null}, not an empty array. ocserv calls {@code gnutls_prf(..., 0, NULL, ...)}; on JDK 25 with TLS 1.2 a
 * {@code null} and an empty context give different keys (with a context, even an empty one, RFC 5705 §4 appends
 * its two-byte length to the seed). With
 * SunJSSE: {@code ((ExtendedSSLSession) session).exportKeyingMaterialData(OPENCONNECT_PSK_LABEL, null,
 * OPENCONNECT_PSK_LENGTH)}.
 */
public final class ExporterLabels
{
    /** Exporter label for the openconnect DTLS PSK. */
    public static final String OPENCONNECT_PSK_LABEL = "EXPORTER-openconnect-psk";
    /** Length of the openconnect DTLS PSK in bytes. */
    public static final int OPENCONNECT_PSK_LENGTH = 32;

    private ExporterLabels()
    {
    }
}
