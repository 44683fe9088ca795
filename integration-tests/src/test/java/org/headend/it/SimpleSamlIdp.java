package org.headend.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A real SAML identity provider for the tests: Debian's SimpleSAMLphp 1.19 (package {@code simplesamlphp}) served
 * by PHP's built-in web server in a test namespace, with its own configuration directory (nothing under /etc is
 * touched), a signing key made here, the {@code exampleauth:UserPass} users below and one service provider: the
 * appliance's tunnel-group. It signs the Response and the assertion (its defaults).
 */
public final class SimpleSamlIdp implements AutoCloseable
{
    public static final String ENTITY_ID = "https://idp.test/saml";
    private static final Path WWW = Path.of("/usr/share/simplesamlphp/www");

    private final ManagedProcess process;
    private final Path dir;
    private final String baseUrl;

    private final String spEntityId;
    private final String acsUrl;
    private final StringBuilder extras = new StringBuilder();

    private SimpleSamlIdp(final ManagedProcess process, final Path dir, final String baseUrl,
        final String spEntityId, final String acsUrl)
    {
        this.process = process;
        this.dir = dir;
        this.baseUrl = baseUrl;
        this.spEntityId = spEntityId;
        this.acsUrl = acsUrl;
    }

    /** The one service provider's metadata; {@code extra} adds PHP array entries (", 'key' => value"). */
    private static void writeSpRemote(final Path dir, final String spEntityId, final String acsUrl,
        final String extra) throws IOException
    {
        Files.writeString(dir.resolve("metadata/saml20-sp-remote.php"), "<?php\n$metadata['" + spEntityId
            + "'] = ['AssertionConsumerService' => '" + acsUrl + "',"
            + " 'NameIDFormat' => 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',"
            + " 'simplesaml.nameidattribute' => 'uid', 'simplesaml.attributes' => true" + extra + "];\n");
    }

    /**
     * From now on (SimpleSAMLphp reads its metadata at each request) the IdP refuses AuthnRequests that are not
     * signed with the key of {@code spCertificate} ({@code validate.authnrequest}) and encrypts its assertions for
     * it ({@code assertion.encryption}: RSA-OAEP key transport, AES-CBC content, its 1.19 defaults).
     */
    public void requireSignedRequestsAndEncryptFor(final Path spCertificate)
    {
        try
        {
            final String pem = Files.readString(spCertificate);
            final String der = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            addToSpMetadata(", 'validate.authnrequest' => true, 'certData' => '" + der
                + "', 'assertion.encryption' => true");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * From now on the IdP knows the service provider's single logout endpoint (HTTP-Redirect), signs its logout
     * messages ({@code sign.logout}) and wants ours signed ({@code validate.logout}).
     */
    public void singleLogoutAt(final String url)
    {
        addToSpMetadata(", 'SingleLogoutService' => '" + url + "', 'sign.logout' => true, 'validate.logout' => true");
    }

    private void addToSpMetadata(final String entries)
    {
        extras.append(entries);
        try
        {
            writeSpRemote(dir, spEntityId, acsUrl, extras.toString());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** The IdP's single logout service: the appliance's {@code url sign-out}; with ?ReturnTo= it starts one. */
    public String singleLogoutUrl()
    {
        return baseUrl + "saml2/idp/SingleLogoutService.php";
    }

    /** Checks that the packages are installed. */
    public static void prerequisites()
    {
        if (!Files.isDirectory(WWW) || !Files.isExecutable(Path.of("/usr/bin/php")))
        {
            throw new AssertionError("simplesamlphp and php-cli are not installed (./run-tests installs them)");
        }
    }

    /**
     * Starts the IdP in {@code ns} at http://{@code address}:{@code port}/.
     *
     * @param users      user → password; each user's {@code groups} attribute is given by {@code groups}
     * @param groups     user → its groups (one value, or several separated by commas)
     * @param spEntityId the appliance's entity ID for the tunnel-group
     * @param acsUrl     the appliance's assertion consumer service for it
     */
    public static SimpleSamlIdp start(final String ns, final String address, final int port,
        final Map<String, String> users, final Map<String, String> groups, final String spEntityId,
        final String acsUrl)
    {
        final Path dir = Harness.tempDir("simplesamlphp-");
        final String baseUrl = "http://" + address + ":" + port + "/";
        try
        {
            for (final String sub : new String[] {"config", "metadata", "cert", "data", "log"})
            {
                Files.createDirectories(dir.resolve(sub));
            }
            Cmd.check("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                dir.resolve("cert/idp.key").toString(), "-out", dir.resolve("cert/idp.crt").toString(), "-days", "2",
                "-subj", "/CN=SamlLoginIT IdP");
            Files.writeString(dir.resolve("config/config.php"), config(dir, baseUrl));
            Files.writeString(dir.resolve("config/authsources.php"), authsources(users, groups));
            Files.writeString(dir.resolve("metadata/saml20-idp-hosted.php"), "<?php\n$metadata['" + ENTITY_ID
                + "'] = ['host' => '__DEFAULT__', 'privatekey' => 'idp.key', 'certificate' => 'idp.crt',"
                + " 'auth' => 'vpn-users',"
                + " 'signature.algorithm' => 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256'];\n");
            writeSpRemote(dir, spEntityId, acsUrl, "");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        // the OPcache off: it would serve a rewritten metadata file's old version for up to revalidate_freq seconds
        final ManagedProcess process = ManagedProcess.start("simplesamlphp:" + port, Netns.in(ns, "env",
            "SIMPLESAMLPHP_CONFIG_DIR=" + dir.resolve("config"), "php", "-d", "opcache.enable=0", "-S",
            address + ":" + port, "-t", WWW.toString()), dir, null);
        final SimpleSamlIdp idp = new SimpleSamlIdp(process, dir, baseUrl, spEntityId, acsUrl);
        boolean ready = false;
        try
        {
            process.waitFor("Development Server .* started", Duration.ofSeconds(30));
            final long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!Cmd.run(Duration.ofSeconds(10), Netns.in(ns, "curl", "-sf", "-o", "/dev/null",
                baseUrl + "saml2/idp/metadata.php")).ok())
            {
                if (System.nanoTime() > deadline)
                {
                    throw new AssertionError("SimpleSAMLphp does not serve its metadata\n" + process.tails(40));
                }
                Thread.sleep(200);
            }
            ready = true;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError(ex);
        }
        finally
        {
            if (!ready)
            {
                idp.close();
            }
        }
        return idp;
    }

    private static String config(final Path dir, final String baseUrl)
    {
        return "<?php\n$config = [\n"
            + "  'baseurlpath' => '" + baseUrl + "',\n"
            + "  'certdir' => '" + dir.resolve("cert") + "/',\n"
            + "  'loggingdir' => '" + dir.resolve("log") + "/',\n"
            + "  'datadir' => '" + dir.resolve("data") + "/',\n"
            + "  'tempdir' => '" + dir.resolve("data") + "',\n"
            + "  'metadatadir' => '" + dir.resolve("metadata") + "/',\n"
            + "  'technicalcontact_name' => 'SamlLoginIT',\n"
            + "  'technicalcontact_email' => 'it@example.org',\n"
            + "  'secretsalt' => 'it-" + Long.toHexString(System.nanoTime()) + "',\n"
            + "  'auth.adminpassword' => 'it-" + Long.toHexString(System.nanoTime()) + "',\n"
            + "  'timezone' => 'UTC',\n"
            + "  'logging.level' => SimpleSAML\\Logger::INFO,\n"
            + "  'logging.handler' => 'file',\n"
            + "  'logging.logfile' => 'simplesamlphp.log',\n"
            + "  'enable.saml20-idp' => true,\n"
            + "  'module.enable' => ['exampleauth' => true, 'core' => true, 'saml' => true],\n"
            + "  'store.type' => 'phpsession',\n"
            + "  'session.phpsession.savepath' => '" + dir.resolve("data") + "',\n"
            + "  'session.cookie.secure' => false,\n"
            + "  'language.available' => ['en'],\n"
            + "  'metadata.sources' => [['type' => 'flatfile']],\n"
            + "];\n";
    }

    private static String authsources(final Map<String, String> users, final Map<String, String> groups)
    {
        final StringBuilder php = new StringBuilder("<?php\n$config = [\n  'admin' => ['core:AdminPassword'],\n"
            + "  'vpn-users' => [\n    'exampleauth:UserPass',\n");
        users.forEach((user, password) ->
        {
            php.append("    '").append(user).append(':').append(password).append("' => ['uid' => ['").append(user)
                .append("'], 'groups' => [");
            final String[] values = groups.getOrDefault(user, "").split(",");
            for (int i = 0; i < values.length; i++)
            {
                php.append(i == 0 ? "" : ", ").append('\'').append(values[i].strip()).append('\'');
            }
            php.append("]],\n");
        });
        return php.append("  ],\n];\n").toString();
    }

    /** The IdP's signing certificate (PEM), for the appliance's {@code trustpoint idp}. */
    public Path certificate()
    {
        return dir.resolve("cert/idp.crt");
    }

    /** Where AuthnRequests go: the appliance's {@code url sign-in}. */
    public String signInUrl()
    {
        return baseUrl + "saml2/idp/SSOService.php";
    }

    public ManagedProcess process()
    {
        return process;
    }

    /** SimpleSAMLphp's own log. */
    public String log()
    {
        try
        {
            final Path log = dir.resolve("log/simplesamlphp.log");
            return Files.exists(log) ? Files.readString(log) : "";
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    @Override
    public void close()
    {
        process.close();
    }
}
