package org.headend.it;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The certificates an IKEv2 test's headend authenticates with, made with openssl: a root CA ({@code ca.pem}, what the
 * client trusts), optionally an intermediate CA, and the headend's ECDSA P-384 certificate {@code CN=vpn.ike.test}.
 * {@link #install} writes the trustpoint file (leaf, the intermediate if any, then the key) to the appliance's
 * {@code disk0:/ike/vpn.pem}, so that its IKE_AUTH carries the whole chain.
 */
final class IkeServerPki
{
    private IkeServerPki()
    {
    }

    /** Makes the CA(s) and the headend's certificate in {@code dir}; returns {@code dir}. */
    static Path create(final Path dir, final boolean intermediate) throws IOException
    {
        Files.createDirectories(dir);
        Cmd.check("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-days", "2", "-subj", "/CN=IKE IT CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
            "keyUsage=critical,keyCertSign,cRLSign", "-keyout", dir.resolve("ca.key").toString(), "-out",
            dir.resolve("ca.pem").toString());
        String issuer = "ca";
        if (intermediate)
        {
            // an RSA-3072 intermediate: a long certificate, so that the chain needs several 400-byte fragments
            Cmd.check("openssl", "req", "-new", "-newkey", "rsa:3072", "-nodes", "-subj", "/CN=IKE IT Issuing CA",
                "-keyout", dir.resolve("sub.key").toString(), "-out", dir.resolve("sub.csr").toString());
            Files.writeString(dir.resolve("sub.cnf"), "basicConstraints=critical,CA:TRUE\n"
                + "keyUsage=critical,keyCertSign,cRLSign\n");
            Cmd.check("openssl", "x509", "-req", "-in", dir.resolve("sub.csr").toString(), "-CA",
                dir.resolve("ca.pem").toString(), "-CAkey", dir.resolve("ca.key").toString(), "-set_serial", "3",
                "-days", "2", "-extfile", dir.resolve("sub.cnf").toString(), "-out", dir.resolve("sub.pem").toString());
            issuer = "sub";
        }
        Cmd.check("openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384", "-nodes",
            "-subj", "/CN=vpn.ike.test", "-keyout", dir.resolve("vpn.key").toString(), "-out",
            dir.resolve("vpn.csr").toString());
        Files.writeString(dir.resolve("ext.cnf"), "subjectAltName=DNS:vpn.ike.test\nextendedKeyUsage=serverAuth\n");
        Cmd.check("openssl", "x509", "-req", "-in", dir.resolve("vpn.csr").toString(), "-CA",
            dir.resolve(issuer + ".pem").toString(), "-CAkey", dir.resolve(issuer + ".key").toString(),
            "-set_serial", "7", "-days", "2", "-extfile", dir.resolve("ext.cnf").toString(), "-out",
            dir.resolve("vpn.pem").toString());
        return dir;
    }

    /** Writes the trustpoint file to the appliance's {@code disk0:/ike/vpn.pem}: leaf, intermediate, key. */
    static void install(final Testbed bed, final Path dir) throws IOException
    {
        final Path identity = bed.headend().stateDir().resolve("disk0/ike/vpn.pem");
        Files.createDirectories(identity.getParent());
        final Path sub = dir.resolve("sub.pem");
        Files.writeString(identity, Files.readString(dir.resolve("vpn.pem"))
            + (Files.exists(sub) ? Files.readString(sub) : "") + Files.readString(dir.resolve("vpn.key")));
    }

    /** Types {@code lines} in configuration mode on the running appliance; fails on any error. */
    static void configure(final Testbed bed, final String... lines)
    {
        bed.headend().console("configure terminal");
        for (final String line : lines)
        {
            final String answer = bed.headend().console(line);
            assertFalse(answer.contains("ERROR"), line + ": " + answer);
        }
        bed.headend().console("end");
    }
}
