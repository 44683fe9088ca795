package org.headend.control.ike;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.Function;
import org.headend.control.config.HeadendConfig;
import org.headend.control.config.Trustpoint;
import org.headend.control.tls.IdentityPem;

/**
 * The certificate chain and key the headend's IKE AUTH is signed with (RSA or ECDSA, RFC 7427): those of the
 * trustpoint {@code crypto ikev2 remote-access trustpoint NAME} names (its {@code identity-certificate} PEM file on
 * disk0:, leaf first, then the key), else the appliance's built-in certificate.
 *
 * @param key   signs AUTH
 * @param chain sent as CERT payloads, leaf first
 */
record ServerIdentity(PrivateKey key, List<X509Certificate> chain)
{
    ServerIdentity
    {
        chain = List.copyOf(chain);
    }

    /**
     * The identity for {@code config}: the remote-access trustpoint's, else {@code builtIn}.
     *
     * @throws IllegalArgumentException naming the line, when the trustpoint is missing, has no identity certificate,
     *                                  or its file does not hold an RSA or EC key belonging to its first certificate
     */
    static ServerIdentity of(final HeadendConfig config, final ServerIdentity builtIn,
        final Function<String, Path> flash)
    {
        final String name = config.globals().ikev2().remoteAccessTrustpoint();
        if (name == null)
        {
            return builtIn;
        }
        final String line = "crypto ikev2 remote-access trustpoint " + name;
        final Trustpoint trustpoint = config.trustpoints().get(name);
        if (trustpoint == null)
        {
            throw new IllegalArgumentException(line + ": no crypto ca trustpoint " + name);
        }
        if (trustpoint.identityCertificate() == null)
        {
            throw new IllegalArgumentException(line + ": trustpoint " + name
                + " has no identity-certificate (crypto ca trustpoint " + name + " / identity-certificate disk0:/FILE)");
        }
        try
        {
            return read(flash.apply(trustpoint.identityCertificate()));
        }
        catch (final IOException | GeneralSecurityException | IllegalArgumentException ex)
        {
            throw new IllegalArgumentException(line + ": " + trustpoint.identityCertificate() + ": "
                + (ex.getMessage() == null ? ex.toString() : ex.getMessage()), ex);
        }
    }

    private static ServerIdentity read(final Path file) throws IOException, GeneralSecurityException
    {
        final IdentityPem identity = IdentityPem.read(file);
        final String algorithm = identity.key().getAlgorithm();
        if (!"RSA".equals(algorithm) && !"EC".equals(algorithm))
        {
            throw new IllegalArgumentException("IKEv2 signs with RSA or ECDSA keys, not " + algorithm);
        }
        return new ServerIdentity(identity.key(), identity.chain());
    }
}
