package org.headend.control.dtls;

import java.util.List;
import java.util.Locale;
import org.bouncycastle.tls.CipherSuite;

/**
 * The DTLS 1.2 AES-GCM suites the data plane's record layer runs, with the names the CONNECT headers use
 * (docs/protocol/tunnel-and-dtls.md §5.4, §5.5). Only AES-GCM: the data plane has no other record cipher.
 *
 * @param code        IANA code
 * @param headerName  OpenSSL-style name in {@code X-DTLS12-CipherSuite} (or openconnect's private name)
 * @param keyLength   AES key bytes
 * @param asaName     encryption as {@code show vpn-sessiondb} prints it
 * @param hashName    PRF hash as {@code show vpn-sessiondb} prints it
 */
record DtlsSuite(int code, String headerName, int keyLength, String asaName, String hashName)
{
    static final DtlsSuite PSK_AES128 =
        new DtlsSuite(CipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256, "PSK-AES128-GCM-SHA256", 16, "AES-GCM-128", "SHA256");
    static final DtlsSuite PSK_AES256 =
        new DtlsSuite(CipherSuite.TLS_PSK_WITH_AES_256_GCM_SHA384, "PSK-AES256-GCM-SHA384", 32, "AES-GCM-256", "SHA384");

    /**
     * Resumption suites in the headend's order of preference: AES-128 first, since both are strong and it costs a
     * third less per byte; the client's list decides which of these are possible.
     */
    static final List<DtlsSuite> RESUMPTION = List.of(
        new DtlsSuite(CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, "ECDHE-RSA-AES128-GCM-SHA256", 16, "AES-GCM-128", "SHA256"),
        new DtlsSuite(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, "ECDHE-ECDSA-AES128-GCM-SHA256", 16, "AES-GCM-128", "SHA256"),
        new DtlsSuite(CipherSuite.TLS_RSA_WITH_AES_128_GCM_SHA256, "AES128-GCM-SHA256", 16, "AES-GCM-128", "SHA256"),
        new DtlsSuite(CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, "ECDHE-RSA-AES256-GCM-SHA384", 32, "AES-GCM-256", "SHA384"),
        new DtlsSuite(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, "ECDHE-ECDSA-AES256-GCM-SHA384", 32, "AES-GCM-256", "SHA384"),
        new DtlsSuite(CipherSuite.TLS_RSA_WITH_AES_256_GCM_SHA384, "AES256-GCM-SHA384", 32, "AES-GCM-256", "SHA384"));

    /** openconnect's private names for RSA AES-GCM in DTLS 1.2, offered in {@code X-DTLS-CipherSuite}. */
    static final List<DtlsSuite> OPENCONNECT_NAMES = List.of(
        new DtlsSuite(CipherSuite.TLS_RSA_WITH_AES_128_GCM_SHA256, "OC-DTLS1_2-AES128-GCM", 16, "AES-GCM-128", "SHA256"),
        new DtlsSuite(CipherSuite.TLS_RSA_WITH_AES_256_GCM_SHA384, "OC-DTLS1_2-AES256-GCM", 32, "AES-GCM-256", "SHA384"));

    /** Whether a colon-separated client list names {@code token} exactly (case-insensitive). */
    static boolean listed(final String clientList, final String token)
    {
        if (clientList == null)
        {
            return false;
        }
        for (final String item : clientList.split(":"))
        {
            if (item.strip().toUpperCase(Locale.ROOT).equals(token.toUpperCase(Locale.ROOT)))
            {
                return true;
            }
        }
        return false;
    }

    /** The first of {@code ours} (our preference) that the client's list names, or null. */
    static DtlsSuite choose(final List<DtlsSuite> ours, final String clientList)
    {
        for (final DtlsSuite suite : ours)
        {
            if (listed(clientList, suite.headerName()))
            {
                return suite;
            }
        }
        return null;
    }
}
