package org.headend.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real OpenLDAP (Debian's {@code slapd}) run by a test inside a network namespace, from its own configuration
 * directory: a {@code slapd.conf} (no cn=config, nothing of the packaged instance is used or touched), an mdb
 * database in that directory, TLS with a certificate for 127.0.0.1 issued by a CA made here, plain LDAP on
 * {@code port} and LDAPS on {@code port + 1}. The memberof overlay computes {@code memberOf}; the ppolicy overlay
 * answers the password policy control. The directory ({@code dc=example,dc=com}):
 * <ul>
 * <li>{@code cn=vpn,ou=services}: the service account, password {@link #SERVICE_PASSWORD};</li>
 * <li>{@code uid=alice / alicepw}: member of {@link #STAFF_GROUP};</li>
 * <li>{@code uid=bob / bobpw}: in no group;</li>
 * <li>{@code uid=carol / carolpw}: her password was reset by an administrator and must be changed first (users
 * may write their own password, as password-management needs);</li>
 * <li>{@code uid=dave / davepw}: under a policy whose passwords live 10 days and are warned about for 20, so every
 * bind of his carries the "time before expiration" warning (password-expire-in-days).</li>
 * </ul>
 * Stopped by pid when the test ends, and by {@link ManagedProcess}'s safety net if the test dies.
 */
public final class SlapdServer implements AutoCloseable
{
    public static final String BASE = "dc=example,dc=com";
    public static final String SERVICE_DN = "cn=vpn,ou=services," + BASE;
    public static final String SERVICE_PASSWORD = "svc-s3cret";
    public static final String STAFF_GROUP = "cn=staff,ou=groups," + BASE;
    private static final String ADMIN_DN = "cn=admin," + BASE;

    private final ManagedProcess process;
    private final Path dir;

    private SlapdServer(final ManagedProcess process, final Path dir)
    {
        this.process = process;
        this.dir = dir;
    }

    /** Checks that the packages are installed. */
    public static void prerequisites()
    {
        if (!Files.isExecutable(Path.of("/usr/sbin/slapd")) || !Files.isExecutable(Path.of("/usr/bin/ldapadd")))
        {
            throw new AssertionError("slapd and ldap-utils are not installed (./run-tests installs them)");
        }
    }

    /** Starts slapd in {@code ns} on 127.0.0.1 ({@code port}: LDAP, {@code port + 1}: LDAPS) with the users above. */
    public static SlapdServer start(final String ns, final int port)
    {
        final Path dir = Harness.tempDir("slapd-");
        final String adminPassword = "admin-" + Long.toHexString(System.nanoTime());
        try
        {
            certificates(dir);
            Files.createDirectories(dir.resolve("db"));
            Files.writeString(dir.resolve("slapd.conf"), config(dir, adminPassword));
            Files.writeString(dir.resolve("data.ldif"), data());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        Cmd.check("slaptest", "-u", "-f", dir.resolve("slapd.conf").toString());
        final ManagedProcess process = ManagedProcess.start("slapd:" + port, Netns.in(ns, "slapd", "-d", "256",
            "-f", dir.resolve("slapd.conf").toString(),
            "-h", "ldap://127.0.0.1:" + port + "/ ldaps://127.0.0.1:" + (port + 1) + "/"), dir, null);
        final SlapdServer server = new SlapdServer(process, dir);
        boolean ready = false;
        try
        {
            process.waitFor("slapd starting", Duration.ofSeconds(30));
            final String url = "ldap://127.0.0.1:" + port;
            Cmd.check(Netns.in(ns, "ldapadd", "-x", "-H", url, "-D", ADMIN_DN, "-w", adminPassword, "-f",
                dir.resolve("data.ldif").toString()).toArray(String[]::new));
            // as an administrator's reset does: carol must choose a new password before anything else
            final Path reset = dir.resolve("reset.ldif");
            Files.writeString(reset, "dn: uid=carol,ou=people," + BASE + "\nchangetype: modify\nreplace: pwdReset\n"
                + "pwdReset: TRUE\n");
            Cmd.check(Netns.in(ns, "ldapmodify", "-x", "-H", url, "-D", ADMIN_DN, "-w", adminPassword, "-f",
                reset.toString()).toArray(String[]::new));
            ready = true;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        finally
        {
            if (!ready)
            {
                server.close(); // a half-started server must not outlive the failed test
            }
        }
        return server;
    }

    /** A CA, the server's certificate for IP 127.0.0.1 signed by it, and a second CA that signed nothing here. */
    private static void certificates(final Path dir) throws IOException
    {
        for (final String ca : new String[] {"ca", "other-ca"})
        {
            Cmd.check("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", dir.resolve(ca + ".key").toString(), "-out", dir.resolve(ca + ".pem").toString(),
                "-days", "2", "-subj", "/CN=LdapLoginIT " + ca);
        }
        Cmd.check("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", dir.resolve("server.key").toString(), "-out", dir.resolve("server.csr").toString(),
            "-subj", "/CN=127.0.0.1");
        Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
            + "keyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n");
        Cmd.check("openssl", "x509", "-req", "-in", dir.resolve("server.csr").toString(),
            "-CA", dir.resolve("ca.pem").toString(), "-CAkey", dir.resolve("ca.key").toString(), "-CAcreateserial",
            "-out", dir.resolve("server.pem").toString(), "-days", "2",
            "-extfile", dir.resolve("server.ext").toString());
    }

    private static String config(final Path dir, final String adminPassword)
    {
        return "include /etc/ldap/schema/core.schema\n"
            + "include /etc/ldap/schema/cosine.schema\n"
            + "include /etc/ldap/schema/inetorgperson.schema\n"
            + "include /etc/ldap/schema/nis.schema\n"
            + "modulepath /usr/lib/ldap\n"
            + "moduleload back_mdb\n"
            + "moduleload memberof\n"
            + "moduleload ppolicy\n"
            + "pidfile " + dir.resolve("slapd.pid") + "\n"
            + "argsfile " + dir.resolve("slapd.args") + "\n"
            + "TLSCACertificateFile " + dir.resolve("ca.pem") + "\n"
            + "TLSCertificateFile " + dir.resolve("server.pem") + "\n"
            + "TLSCertificateKeyFile " + dir.resolve("server.key") + "\n"
            + "database mdb\n"
            + "maxsize 16777216\n"
            + "suffix \"" + BASE + "\"\n"
            + "rootdn \"" + ADMIN_DN + "\"\n"
            + "rootpw " + adminPassword + "\n"
            + "directory " + dir.resolve("db") + "\n"
            // users change their own password (password-management); nobody else reads it
            + "access to attrs=userPassword by self write by anonymous auth by * none\n"
            + "access to * by * read\n"
            + "overlay memberof\n"
            + "overlay ppolicy\n"
            + "ppolicy_default \"cn=default,ou=policies," + BASE + "\"\n";
    }

    private static String data()
    {
        return entry("dn: " + BASE, "objectClass: dcObject", "objectClass: organization", "dc: example",
            "o: Example")
            + entry("dn: ou=people," + BASE, "objectClass: organizationalUnit", "ou: people")
            + entry("dn: ou=groups," + BASE, "objectClass: organizationalUnit", "ou: groups")
            + entry("dn: ou=services," + BASE, "objectClass: organizationalUnit", "ou: services")
            + entry("dn: ou=policies," + BASE, "objectClass: organizationalUnit", "ou: policies")
            + entry("dn: cn=default,ou=policies," + BASE, "objectClass: device", "objectClass: pwdPolicy",
                "cn: default", "pwdAttribute: userPassword", "pwdMustChange: TRUE")
            + entry("dn: " + SERVICE_DN, "objectClass: person", "cn: vpn", "sn: vpn",
                "userPassword: " + SERVICE_PASSWORD)
            // warned about longer than it lives: the warning comes on every bind, however fresh the password
            + entry("dn: cn=expiring,ou=policies," + BASE, "objectClass: device", "objectClass: pwdPolicy",
                "cn: expiring", "pwdAttribute: userPassword", "pwdMaxAge: 864000", "pwdExpireWarning: 1728000")
            + user("alice") + user("bob") + user("carol")
            + entry("dn: uid=dave,ou=people," + BASE, "objectClass: inetOrgPerson", "uid: dave", "cn: dave",
                "sn: dave", "userPassword: davepw", "pwdPolicySubentry: cn=expiring,ou=policies," + BASE)
            + entry("dn: " + STAFF_GROUP, "objectClass: groupOfNames", "cn: staff",
                "member: uid=alice,ou=people," + BASE);
    }

    private static String user(final String uid)
    {
        return entry("dn: uid=" + uid + ",ou=people," + BASE, "objectClass: inetOrgPerson", "uid: " + uid,
            "cn: " + uid, "sn: " + uid, "userPassword: " + uid + "pw");
    }

    private static String entry(final String... lines)
    {
        return String.join("\n", lines) + "\n\n";
    }

    /** The CA that issued the server's certificate (PEM). */
    public Path caFile()
    {
        return dir.resolve("ca.pem");
    }

    /** A CA that issued nothing the server presents (PEM). */
    public Path otherCaFile()
    {
        return dir.resolve("other-ca.pem");
    }

    /** What slapd logged ({@code -d 256}: one line per connection, operation and result). */
    public String log()
    {
        return process.out().text() + process.err().text();
    }

    public ManagedProcess process()
    {
        return process;
    }

    @Override
    public void close()
    {
        process.stop(Duration.ofSeconds(5));
    }
}
