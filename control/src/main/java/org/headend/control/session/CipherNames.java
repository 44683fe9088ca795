package org.headend.control.session;

/**
 * A TLS cipher suite in the words {@code show vpn-sessiondb} uses: {@code TLS_AES_256_GCM_SHA384} is encryption
 * {@code AES-GCM-256}, hashing {@code SHA384}.
 *
 * @param encryption the bulk cipher
 * @param hashing    the MAC or PRF hash
 */
record CipherNames(String encryption, String hashing)
{
    static CipherNames of(final String suite)
    {
        if (suite == null)
        {
            return new CipherNames("none", "none");
        }
        final String hashing = suite.endsWith("SHA384") ? "SHA384" : suite.endsWith("SHA256") ? "SHA256"
            : suite.endsWith("SHA") ? "SHA1" : "unknown";
        final String encryption;
        if (suite.contains("AES_256_GCM"))
        {
            encryption = "AES-GCM-256";
        }
        else if (suite.contains("AES_128_GCM"))
        {
            encryption = "AES-GCM-128";
        }
        else if (suite.contains("CHACHA20_POLY1305"))
        {
            encryption = "CHACHA20-POLY1305";
        }
        else if (suite.contains("AES_256"))
        {
            encryption = "AES256";
        }
        else if (suite.contains("AES_128"))
        {
            encryption = "AES128";
        }
        else
        {
            encryption = "unknown";
        }
        return new CipherNames(encryption, hashing);
    }
}
