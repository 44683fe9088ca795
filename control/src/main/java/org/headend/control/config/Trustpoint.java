package org.headend.control.config;

/**
 * A {@code crypto ca trustpoint}: a CA whose certificates the appliance accepts from clients
 * ({@code validation-usage ssl-client}, the default) and from the servers it connects to over TLS, such as LDAPS
 * ({@code validation-usage ssl-server}).
 *
 * @param name               the trustpoint's name
 * @param enrollmentTerminal {@code enrollment terminal}: the CA certificate is brought in by hand, not by SCEP
 * @param caCertificate      {@code ca-certificate disk0:/FILE}: the PEM file holding the CA certificate (and any
 *                           intermediates); null until set, and then the trustpoint accepts nobody
 * @param revocationCheck    {@code revocation-check}: whether the CRL is consulted and whether it must be there
 * @param crlFile            {@code crl file disk0:/FILE}: the CA's CRL (PEM or DER); null when none is configured
 * @param validatesClients   {@code validation-usage ssl-client} (or {@code ipsec-client}; the default): client
 *                           certificates are checked against it
 * @param validatesServers   {@code validation-usage ssl-server}: the certificates of servers the appliance connects
 *                           to (LDAPS) are checked against it
 * @param identityCertificate {@code identity-certificate disk0:/FILE}: the PEM file with the appliance's own
 *                           certificate chain (leaf first) and its unencrypted private key, which {@code ssl
 *                           trust-point} serves to clients; null when the trustpoint has none
 */
public record Trustpoint(String name, boolean enrollmentTerminal, String caCertificate,
    RevocationCheck revocationCheck, String crlFile, boolean validatesClients, boolean validatesServers,
    String identityCertificate)
{
    /** With the ASA's default {@code validation-usage ipsec-client ssl-client}, without an identity certificate. */
    public Trustpoint(final String name, final boolean enrollmentTerminal, final String caCertificate,
        final RevocationCheck revocationCheck, final String crlFile)
    {
        this(name, enrollmentTerminal, caCertificate, revocationCheck, crlFile, true, false, null);
    }

    /** {@code revocation-check crl}, {@code crl none} or {@code none}, as on the ASA. */
    public enum RevocationCheck
    {
        /** {@code revocation-check none} (the default): revocation is not checked. */
        NONE("none"),
        /** {@code revocation-check crl}: the CRL must be there and must not list the certificate. */
        CRL("crl"),
        /** {@code revocation-check crl none}: checked against the CRL when it can be read, accepted when not. */
        CRL_OR_NONE("crl none");

        private final String words;

        RevocationCheck(final String words)
        {
            this.words = words;
        }

        /** The words of the command line, e.g. {@code crl none}. */
        public String words()
        {
            return words;
        }
    }
}
