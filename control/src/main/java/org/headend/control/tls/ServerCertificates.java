package org.headend.control.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.net.ssl.SSLException;
import org.headend.control.config.GlobalSettings;
import org.headend.control.config.HeadendConfig;
import org.headend.control.config.Trustpoint;

/**
 * The server certificate each TLS listener serves: the identity certificate of the trustpoint {@code ssl trust-point
 * NAME NAMEIF} names for its interface, else of the one {@code ssl trust-point NAME} names for all, else the
 * appliance's own self-signed one ({@link ServerIdentity}). A configuration change is {@link #prepare}d (the files
 * read and checked, nothing changed) and then {@link #commit}ted; a connection takes the context of its interface
 * when it is accepted, so a certificate change reaches new handshakes while established connections keep theirs.
 * Any thread.
 */
public final class ServerCertificates
{
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ServerCertificates.class);

    private final Function<String, Path> flash;
    private final SslContext builtIn;
    private final String builtInSha1;
    private final String builtInPin;
    /** Contexts already built, by trustpoint file and its size and modification time: unchanged files are reused. */
    private final Map<String, Loaded> loaded = new HashMap<>();
    private volatile Prepared current;

    /** A chain read from a trustpoint's file: its TLS context and the leaf's SHA-1. */
    private record Loaded(String stamp, SslContext context, String sha1, String pin)
    {
    }

    /** The contexts of one configuration: by nameif, and for the interfaces without a line of their own. */
    public record Prepared(Map<String, SslContext> byNameif, SslContext everyInterface, String everyInterfaceSha1,
        Map<String, String> pinByNameif, String everyInterfacePin)
    {
    }

    /**
     * @param builtIn the appliance's own certificate, served where no {@code ssl trust-point} applies
     * @param flash   resolves a {@code disk0:/} path
     */
    public ServerCertificates(final ServerIdentity builtIn, final Function<String, Path> flash) throws SSLException
    {
        this.flash = flash;
        this.builtIn = context(SslContextBuilder.forServer(builtIn.key(), builtIn.certificate()));
        this.builtInSha1 = builtIn.sha1Hex();
        this.builtInPin = builtIn.pinSha256();
        this.current = new Prepared(Map.of(), this.builtIn, builtInSha1, Map.of(), builtInPin);
    }

    /**
     * Reads the identity certificates {@code config}'s {@code ssl trust-point} lines name, changing nothing.
     *
     * @param lenient whether a line whose certificate cannot be used is logged and left out (its interfaces get
     *                the built-in certificate) rather than refused
     * @throws IllegalArgumentException naming the line and the reason when a trustpoint is missing, has no
     *                                  identity certificate, or its file does not hold a usable chain and key
     */
    public synchronized Prepared prepare(final HeadendConfig config, final boolean lenient)
    {
        final Map<String, SslContext> byNameif = new HashMap<>();
        final Map<String, String> pins = new HashMap<>();
        SslContext every = builtIn;
        String everySha1 = builtInSha1;
        String everyPin = builtInPin;
        for (final Map.Entry<String, String> line : config.globals().sslTrustpoints().entrySet())
        {
            final Loaded chain;
            try
            {
                chain = load(config, line.getValue(), line.getKey());
            }
            catch (final IllegalArgumentException ex)
            {
                if (!lenient)
                {
                    throw ex;
                }
                LOG.error("{}; the built-in certificate is served instead", ex.getMessage());
                continue;
            }
            if (GlobalSettings.EVERY_INTERFACE.equals(line.getKey()))
            {
                every = chain.context();
                everySha1 = chain.sha1();
                everyPin = chain.pin();
            }
            else
            {
                byNameif.put(line.getKey(), chain.context());
                pins.put(line.getKey(), chain.pin());
            }
        }
        return new Prepared(Map.copyOf(byNameif), every, everySha1, Map.copyOf(pins), everyPin);
    }

    /** New connections get the certificates of {@code prepared} from now on. */
    public void commit(final Prepared prepared)
    {
        current = prepared;
    }

    /** The context a connection accepted on {@code nameif} now handshakes with. */
    public SslContext context(final String nameif)
    {
        final Prepared now = current;
        final SslContext own = nameif == null ? null : now.byNameif().get(nameif);
        return own != null ? own : now.everyInterface();
    }

    /** openconnect's {@code --servercert} value for the certificate served on {@code nameif} now. */
    public String pinSha256(final String nameif)
    {
        final Prepared now = current;
        final String own = nameif == null ? null : now.pinByNameif().get(nameif);
        return own != null ? own : now.everyInterfacePin();
    }

    /** Upper-case hex SHA-1 of the certificate served on interfaces without a line of their own. */
    public String sha1Hex()
    {
        return current.everyInterfaceSha1();
    }

    private Loaded load(final HeadendConfig config, final String name, final String nameif)
    {
        final String line = "ssl trust-point " + name + (nameif.isEmpty() ? "" : " " + nameif);
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
        final String file = trustpoint.identityCertificate();
        try
        {
            final Path path = flash.apply(file);
            final BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            final String stamp = path + "|" + attributes.size() + "|" + attributes.lastModifiedTime().toMillis();
            final Loaded cached = loaded.get(file);
            if (cached != null && cached.stamp().equals(stamp))
            {
                return cached;
            }
            final IdentityPem identity = IdentityPem.read(path);
            final List<X509Certificate> chain = identity.chain();
            final PrivateKey key = identity.key();
            final Loaded fresh = new Loaded(stamp, context(SslContextBuilder.forServer(key,
                chain.toArray(X509Certificate[]::new))), sha1(chain.getFirst()), pin(chain.getFirst()));
            loaded.put(file, fresh);
            return fresh;
        }
        catch (final IOException | GeneralSecurityException | IllegalArgumentException ex)
        {
            throw new IllegalArgumentException(line + ": " + file + ": " + (ex.getMessage() == null ? ex.toString()
                : ex.getMessage()), ex);
        }
    }

    private static String pin(final X509Certificate certificate) throws GeneralSecurityException
    {
        return "pin-sha256:" + java.util.Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
            .digest(certificate.getPublicKey().getEncoded()));
    }

    private static String sha1(final X509Certificate certificate) throws GeneralSecurityException
    {
        return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-1")
            .digest(certificate.getEncoded()));
    }

    /** TLS 1.3 and 1.2; client certificates asked for per connection and checked at login. */
    private static SslContext context(final SslContextBuilder builder) throws SSLException
    {
        return builder.sslProvider(SslProvider.JDK)
            .trustManager(new DeferredClientTrust())
            .protocols("TLSv1.3", "TLSv1.2")
            .build();
    }
}
