package org.headend.control.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.cert.CRL;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.headend.control.LogText;
import org.headend.control.config.HeadendConfig;
import org.headend.control.config.Trustpoint;
import org.headend.control.flash.FlashStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a client's certificate chain leads to one of the configured {@code crypto ca trustpoint}s: PKIX
 * path validation (signatures, validity dates, CA constraints) against the trustpoint's CA certificates, the
 * trustpoint's CRL when {@code revocation-check crl} (end entity only; no network fetches), and, when the
 * certificate names extended key usages, TLS client authentication among them. The CA and CRL files on disk0: are
 * read again when they change (size or time), so a new CRL copied there takes effect at the next login. Every check
 * runs on {@code worker}, never on an event loop or the control thread; the file cache is touched only there.
 */
public final class ClientCertificateValidator
{
    private static final Logger LOG = LoggerFactory.getLogger(ClientCertificateValidator.class);
    private static final String CLIENT_AUTH_EKU = "1.3.6.1.5.5.7.3.2";
    private static final String ANY_EKU = "2.5.29.37.0";
    /** Longest chain a client may send; longer ones are refused before any work. */
    static final int MAX_CHAIN = 8;

    private final FlashStore flash;
    private final Executor worker;
    private final Clock clock;
    /** Parsed files by disk0: path; confined to {@link #worker}'s thread. */
    private final Map<Path, Parsed> files = new HashMap<>();

    /** @param worker one thread of its own: the cache is not shared */
    public ClientCertificateValidator(final FlashStore flash, final Executor worker, final Clock clock)
    {
        this.flash = flash;
        this.worker = worker;
        this.clock = clock;
    }

    /** Checks {@code chain} (leaf first, as the client sent it) against the trustpoints of {@code config}. */
    public CompletionStage<CertificateCheck> check(final List<X509Certificate> chain, final HeadendConfig config)
    {
        if (chain == null || chain.isEmpty())
        {
            return CompletableFuture.completedFuture(new CertificateCheck(null, null, CertificateCheck.NONE_SENT));
        }
        return CompletableFuture.supplyAsync(() -> checkNow(chain, config), worker);
    }

    /** {@link #check} on the calling thread. */
    CertificateCheck checkNow(final List<X509Certificate> chain, final HeadendConfig config)
    {
        final X509Certificate leaf = chain.getFirst();
        if (chain.size() > MAX_CHAIN)
        {
            return CertificateCheck.refused(leaf, "the chain holds more than " + MAX_CHAIN + " certificates.");
        }
        CertificateCheck best = null;
        for (final Trustpoint trustpoint : config.trustpoints().values())
        {
            if (!trustpoint.validatesClients())
            {
                continue;
            }
            final CertificateCheck check = against(trustpoint, chain);
            if (check == null)
            {
                continue;
            }
            if (check.valid())
            {
                return check;
            }
            best = best == null ? check : best;
        }
        if (best == null)
        {
            return CertificateCheck.refused(leaf, "the certificate was not issued by a trusted CA.");
        }
        return best;
    }

    /** The decision of one trustpoint, or null when the chain does not lead to its CA at all. */
    private CertificateCheck against(final Trustpoint trustpoint, final List<X509Certificate> chain)
    {
        final X509Certificate leaf = chain.getFirst();
        if (trustpoint.caCertificate() == null)
        {
            return null;
        }
        final List<X509Certificate> cas = certificates(trustpoint.caCertificate());
        if (cas.isEmpty())
        {
            return null;
        }
        final Set<TrustAnchor> anchors = new HashSet<>();
        cas.forEach(ca -> anchors.add(new TrustAnchor(ca, null)));
        final List<X509Certificate> path = pathTo(chain, cas);
        if (path == null)
        {
            return null;
        }
        try
        {
            final CertificateFactory factory = CertificateFactory.getInstance("X.509");
            final CertPathValidator validator = CertPathValidator.getInstance("PKIX");
            final PKIXParameters parameters = new PKIXParameters(anchors);
            parameters.setDate(Date.from(clock.instant()));
            final Trustpoint.RevocationCheck revocation = trustpoint.revocationCheck();
            if (revocation == Trustpoint.RevocationCheck.NONE)
            {
                parameters.setRevocationEnabled(false);
            }
            else
            {
                final List<CRL> crls = trustpoint.crlFile() == null ? List.of() : crls(trustpoint.crlFile());
                if (crls.isEmpty() && revocation == Trustpoint.RevocationCheck.CRL)
                {
                    return CertificateCheck.refused(leaf, "the revocation list of trustpoint " + trustpoint.name()
                        + " cannot be read, so revocation cannot be checked.");
                }
                parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(crls)));
                final PKIXRevocationChecker checker = (PKIXRevocationChecker)validator.getRevocationChecker();
                final EnumSet<PKIXRevocationChecker.Option> options = EnumSet.of(
                    PKIXRevocationChecker.Option.ONLY_END_ENTITY, PKIXRevocationChecker.Option.PREFER_CRLS,
                    PKIXRevocationChecker.Option.NO_FALLBACK);
                if (revocation == Trustpoint.RevocationCheck.CRL_OR_NONE)
                {
                    options.add(PKIXRevocationChecker.Option.SOFT_FAIL);
                }
                checker.setOptions(options);
                parameters.addCertPathChecker(checker);
            }
            validator.validate(factory.generateCertPath(path), parameters);
        }
        catch (final CertPathValidatorException ex)
        {
            return CertificateCheck.refused(leaf, reason(ex));
        }
        catch (final GeneralSecurityException ex)
        {
            LOG.warn("trustpoint {}: cannot validate a client certificate: {}", trustpoint.name(), ex.toString());
            return CertificateCheck.refused(leaf, "the certificate could not be checked.");
        }
        if (!clientAuthAllowed(leaf))
        {
            return CertificateCheck.refused(leaf, "the certificate is not for TLS client authentication.");
        }
        return new CertificateCheck(leaf, trustpoint.name(), null);
    }

    /**
     * The part of {@code chain} below the CA: from the leaf up to the first certificate a CA of {@code cas} issued
     * (a copy of the CA itself that the client sent is left out); null when no certificate of the chain is.
     */
    static List<X509Certificate> pathTo(final List<X509Certificate> chain, final List<X509Certificate> cas)
    {
        final List<X509Certificate> path = new ArrayList<>();
        for (final X509Certificate certificate : chain)
        {
            if (!path.isEmpty() && cas.contains(certificate))
            {
                return path;
            }
            path.add(certificate);
            for (final X509Certificate ca : cas)
            {
                if (ca.getSubjectX500Principal().equals(certificate.getIssuerX500Principal()))
                {
                    return path;
                }
            }
        }
        return null;
    }

    private static String reason(final CertPathValidatorException ex)
    {
        if (ex.getReason() == CertPathValidatorException.BasicReason.REVOKED)
        {
            return "the certificate is revoked.";
        }
        if (ex.getReason() == CertPathValidatorException.BasicReason.EXPIRED)
        {
            return "the certificate has expired.";
        }
        if (ex.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID)
        {
            return "the certificate is not valid yet.";
        }
        if (ex.getReason() == CertPathValidatorException.BasicReason.UNDETERMINED_REVOCATION_STATUS)
        {
            return "its revocation status cannot be determined (no current CRL).";
        }
        if (ex.getReason() == CertPathValidatorException.BasicReason.INVALID_SIGNATURE
            || ex.getReason() == PKIXReason.NO_TRUST_ANCHOR)
        {
            return "the certificate was not issued by a trusted CA.";
        }
        return "the certificate chain is not valid (" + LogText.escape(String.valueOf(ex.getMessage())) + ").";
    }

    private static boolean clientAuthAllowed(final X509Certificate leaf)
    {
        try
        {
            final List<String> usages = leaf.getExtendedKeyUsage();
            return usages == null || usages.contains(CLIENT_AUTH_EKU) || usages.contains(ANY_EKU);
        }
        catch (final java.security.cert.CertificateParsingException ex)
        {
            return false;
        }
    }

    private List<X509Certificate> certificates(final String flashPath)
    {
        final Parsed parsed = load(flashPath, false);
        return parsed == null ? List.of() : parsed.certificates();
    }

    private List<CRL> crls(final String flashPath)
    {
        final Parsed parsed = load(flashPath, true);
        return parsed == null ? List.of() : parsed.crls();
    }

    /** The parsed file, from the cache while its size and time are unchanged; null when it cannot be read. */
    private Parsed load(final String flashPath, final boolean crl)
    {
        final Path file;
        final BasicFileAttributes attributes;
        try
        {
            file = flash.resolve(flashPath);
            attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        }
        catch (final IOException | IllegalArgumentException ex)
        {
            LOG.warn("{}: cannot be read: {}", flashPath, ex.getMessage());
            return null;
        }
        final Parsed cached = files.get(file);
        if (cached != null && cached.size() == attributes.size()
            && cached.modified() == attributes.lastModifiedTime().toMillis())
        {
            return cached;
        }
        try
        {
            final byte[] bytes = flash.read(file);
            final CertificateFactory factory = CertificateFactory.getInstance("X.509");
            final Parsed parsed = crl
                ? new Parsed(attributes.size(), attributes.lastModifiedTime().toMillis(), List.of(),
                    List.copyOf(factory.generateCRLs(new ByteArrayInputStream(bytes))))
                : new Parsed(attributes.size(), attributes.lastModifiedTime().toMillis(),
                    x509(factory.generateCertificates(new ByteArrayInputStream(bytes))), List.of());
            files.put(file, parsed);
            LOG.info("{}: read {} {}", flashPath, crl ? parsed.crls().size() : parsed.certificates().size(),
                crl ? "revocation list(s)" : "CA certificate(s)");
            return parsed;
        }
        catch (final IOException | GeneralSecurityException ex)
        {
            LOG.warn("{}: not a {}: {}", flashPath, crl ? "CRL" : "PEM or DER certificate file", ex.getMessage());
            files.remove(file);
            return null;
        }
    }

    private static List<X509Certificate> x509(final Collection<? extends java.security.cert.Certificate> all)
    {
        final List<X509Certificate> list = new ArrayList<>();
        for (final java.security.cert.Certificate certificate : all)
        {
            if (certificate instanceof X509Certificate x509)
            {
                list.add(x509);
            }
        }
        return List.copyOf(list);
    }

    /** One file's contents as of its size and modification time. */
    private record Parsed(long size, long modified, List<X509Certificate> certificates, List<CRL> crls)
    {
    }
}
