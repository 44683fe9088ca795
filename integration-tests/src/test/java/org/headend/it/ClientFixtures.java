package org.headend.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Test packages, profiles and the raw HTTPS probe of the client-management tests. */
final class ClientFixtures
{
    /** The installer inside the Windows test package. */
    static final String WIN_INSTALLER = "binaries/anyconnect-win-4.10.08029-core-vpn-webdeploy-k9.msi";
    static final String WIN_PACKAGE = "anyconnect-win-4.10.08029-webdeploy-k9.pkg";
    /** Module installers inside it, named as Cisco names them (DART, and GINA for Start Before Logon). */
    static final String WIN_DART = "binaries/anyconnect-win-4.10.08029-dart-webdeploy-k9.msi";
    static final String WIN_GINA = "binaries/anyconnect-win-4.10.08029-gina-webdeploy-k9.msi";
    static final String LINUX_INSTALLER = "binaries/headend-linux64-5.1.2-core-vpn-webdeploy-k9.sh";
    static final String PROFILE = """
        <?xml version="1.0" encoding="UTF-8"?>
        <AnyConnectProfile xmlns="http://schemas.xmlsoap.org/encoding/">
          <ClientInitialization>
            <AutoUpdate UserControllable="false">false</AutoUpdate>
          </ClientInitialization>
          <ServerList>
            <HostEntry>
              <HostName>Engineering VPN</HostName>
              <HostAddress>10.77.0.1</HostAddress>
            </HostEntry>
          </ServerList>
        </AnyConnectProfile>
        """;

    private ClientFixtures()
    {
    }

    /** A Cisco-named Windows package: version from binaries/update.txt, installer and modules by their names. */
    static byte[] windowsPackage() throws IOException
    {
        final Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("binaries/update.txt", "4,10,08029\n".getBytes(StandardCharsets.US_ASCII));
        entries.put(WIN_INSTALLER, filler("windows installer", 70_000));
        entries.put(WIN_DART, filler("dart installer", 3_000));
        entries.put(WIN_GINA, filler("gina installer", 2_000));
        return zip(entries);
    }

    /** One of our packages: headend-package.properties says what it is. */
    static byte[] linuxPackage() throws IOException
    {
        final Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("headend-package.properties", ("platform=linux-64\nversion=5.1.2\ninstaller=" + LINUX_INSTALLER
            + "\ndisplay-name=Test client for Linux\n").getBytes(StandardCharsets.UTF_8));
        entries.put(LINUX_INSTALLER, filler("linux installer", 40_000));
        return zip(entries);
    }

    static byte[] zip(final Map<String, byte[]> entries) throws IOException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes))
        {
            for (final Map.Entry<String, byte[]> e : entries.entrySet())
            {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static byte[] filler(final String seed, final int size)
    {
        final byte[] bytes = new byte[size];
        new java.util.Random(seed.hashCode()).nextBytes(bytes);
        return bytes;
    }

    static String sha1(final byte[] bytes)
    {
        try
        {
            return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes));
        }
        catch (final java.security.NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /** A file in a scratch directory every namespace can read. */
    static Path scratchFile(final String name, final byte[] bytes)
    {
        final Path file = Harness.tempDir("fixture-").resolve(name);
        try
        {
            Files.write(file, bytes);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
        return file;
    }

    /** What one HttpsProbe step got. */
    record Step(int status, int length, String sha1, byte[] body)
    {
        String text()
        {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** The probe's report: its steps in order and the session token of its login, if any. */
    record ProbeResult(List<Step> steps, String token, String output)
    {
    }

    /** Runs tools.HttpsProbe in ns with the script lines. */
    static ProbeResult probe(final String ns, final String host, final int port, final String... lines)
    {
        final Path script = scratchFile("probe.txt", String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
        try (ManagedProcess p = ManagedProcess.start("HttpsProbe", Harness.tool(ns, "HttpsProbe", "--host", host,
            "--port", Integer.toString(port), "--script", script.toString()), null, null))
        {
            p.waitForExit(Duration.ofSeconds(90));
            p.out().awaitClosed(Duration.ofSeconds(2));
            final String out = p.out().text();
            if (!out.contains("DONE"))
            {
                throw new AssertionError("HttpsProbe did not finish:\n" + out + p.err().text());
            }
            final List<Step> steps = new ArrayList<>();
            final Matcher step = Pattern.compile("(?m)^STEP (\\d+) (\\d+) (\\d+) ([0-9A-F]+)\\s*$").matcher(out);
            final Matcher body = Pattern.compile("(?m)^BODY (\\d+) ?(\\S*)\\s*$").matcher(out);
            while (step.find() && body.find())
            {
                steps.add(new Step(Integer.parseInt(step.group(2)), Integer.parseInt(step.group(3)), step.group(4),
                    Base64.getDecoder().decode(body.group(2))));
            }
            final Matcher token = Pattern.compile("(?m)^TOKEN=(\\S+)$").matcher(out);
            return new ProbeResult(steps, token.find() ? token.group(1) : null, out);
        }
    }
}
