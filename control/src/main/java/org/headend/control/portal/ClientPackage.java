package org.headend.control.portal;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * A web-deploy client package: a zip archive whose files the headend serves under {@code /CACHE/stc/N/} and never
 * runs or loads. What it is for comes from, in this order:
 * <ol>
 * <li>our manifest, a zip entry {@value #MANIFEST} in {@link Properties} syntax: {@code platform} (one of
 * {@code win}, {@code win-arm64}, {@code mac-intel}, {@code linux-64}, {@code linux}), {@code version}
 * ({@code 4.10.08029}; two to four numbers), optionally {@code installer} (the entry offered as the core installer, e.g.
 * {@code binaries/anyconnect-linux64-4.10.08029-core-vpn-webdeploy-k9.sh}), {@code display-name}, and
 * {@code module.NAME=ENTRY} for optional modules ({@code anyconnect modules value NAME});</li>
 * <li>else the Cisco naming: the package file name ({@code anyconnect-win-4.10.08029-webdeploy-k9.pkg},
 * {@code cisco-secure-client-linux64-5.1.2.42-webdeploy-k9.pkg}), {@code binaries/update.txt} ({@code 4,10,08029})
 * for the version, the {@code *-core-vpn-webdeploy-k9.*} entry as the installer, and the optional modules' web-deploy
 * installers under {@code binaries/} by their Cisco names ({@code anyconnect-win-4.10.08029-dart-webdeploy-k9.msi},
 * {@code cisco-secure-client-linux64-5.1.2.42-posture-webdeploy-k9.sh}, …), each offered under the name
 * {@code anyconnect modules value} uses: {@code dart}, {@code vpngina} (the {@code gina} or {@code sbl} installer,
 * Start Before Logon), {@code nam}, {@code websecurity}, {@code iseposture}, {@code posture}, {@code amp},
 * {@code nvm}, {@code umbrella}. Our manifest's {@code module.NAME} lines take precedence.</li>
 * </ol>
 * A file that is not a zip, a damaged archive, an entry name that could leave its directory, too many or too large
 * entries, or a package whose platform or version cannot be told is refused (bad-inputs #47, CVE-2024-20359).
 */
public final class ClientPackage
{
    public static final String MANIFEST = "headend-package.properties";
    /** Largest package accepted, and largest sum of its uncompressed entries. */
    public static final long MAX_BYTES = 256L * 1024 * 1024;
    static final int MAX_ENTRIES = 1024;
    private static final Pattern ENTRY_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._+-]{0,127}(/[A-Za-z0-9_][A-Za-z0-9._+-]{0,127}){0,7}");
    private static final Pattern VERSION = Pattern.compile("[0-9]{1,5}(\\.[0-9]{1,6}){1,3}");
    private static final Pattern CISCO_NAME = Pattern.compile(
        "(?:anyconnect|cisco-secure-client)-(win-arm64|win|macos|macosx-i386|mac|linux64|linux-64|linux)-"
            + "([0-9]{1,5}(?:\\.[0-9]{1,6}){1,3})(?:-webdeploy)?(?:-k9)?\\.pkg", Pattern.CASE_INSENSITIVE);
    private static final Pattern CORE_INSTALLER = Pattern.compile("binaries/[^/]*core-vpn[^/]*webdeploy-k9\\.(msi|dmg|sh|pkg)");
    /** A module's web-deploy installer in a Cisco package; group 1 is the module's token in the file name. */
    private static final Pattern MODULE_INSTALLER = Pattern.compile(
        "binaries/(?:anyconnect|cisco-secure-client)-[^/]*?-(dart|gina|sbl|nam|websecurity|iseposture|posture|amp|nvm"
            + "|umbrella)-webdeploy-k9\\.(msi|exe|dmg|pkg|sh)", Pattern.CASE_INSENSITIVE);

    private final String platform;
    private final String version;
    private final String installer;
    private final String displayName;
    private final Map<String, String> modules;
    private final Map<String, byte[]> files;

    private ClientPackage(final String platform, final String version, final String installer,
        final String displayName, final Map<String, String> modules, final Map<String, byte[]> files)
    {
        this.platform = platform;
        this.version = version;
        this.installer = installer;
        this.displayName = displayName;
        this.modules = modules;
        this.files = files;
    }

    /**
     * Reads a package.
     *
     * @param fileName the package's file name on disk0: (for the Cisco naming)
     * @throws IOException with the reason when it is not a valid package
     */
    public static ClientPackage read(final String fileName, final byte[] bytes) throws IOException
    {
        if (bytes.length < 4 || bytes[0] != 'P' || bytes[1] != 'K' || bytes[2] != 3 || bytes[3] != 4)
        {
            throw new IOException("not a zip archive");
        }
        final Map<String, byte[]> files = new LinkedHashMap<>();
        long total = 0;
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes), StandardCharsets.UTF_8))
        {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null)
            {
                final String name = entry.getName();
                if (entry.isDirectory())
                {
                    continue;
                }
                if (!ENTRY_NAME.matcher(name).matches() || name.contains(".."))
                {
                    throw new IOException("entry name not accepted: " + printable(name));
                }
                if (files.size() >= MAX_ENTRIES)
                {
                    throw new IOException("more than " + MAX_ENTRIES + " entries");
                }
                final byte[] data = readBounded(zip, MAX_BYTES - total);
                total += data.length;
                if (files.put(name, data) != null)
                {
                    throw new IOException("entry " + name + " appears twice");
                }
            }
        }
        catch (final ZipException | IllegalArgumentException ex)
        {
            throw new IOException("damaged zip archive: " + ex.getMessage(), ex);
        }
        catch (final EOFException ex)
        {
            // the JDK gives no message when the archive ends inside an entry's header
            throw new IOException("damaged zip archive: it ends in the middle of an entry", ex);
        }
        if (files.isEmpty())
        {
            throw new IOException("the archive holds no files");
        }
        return describe(fileName, Collections.unmodifiableMap(files));
    }

    private static ClientPackage describe(final String fileName, final Map<String, byte[]> files) throws IOException
    {
        final Properties manifest = new Properties();
        if (files.containsKey(MANIFEST))
        {
            try
            {
                manifest.load(new java.io.StringReader(new String(files.get(MANIFEST), StandardCharsets.UTF_8)));
            }
            catch (final IllegalArgumentException ex)
            {
                // Properties refuses a malformed backslash-u escape this way
                throw new IOException(MANIFEST + " is not a valid properties file: " + ex.getMessage(), ex);
            }
        }
        final Matcher cisco = CISCO_NAME.matcher(fileName == null ? "" : fileName);
        final boolean ciscoName = cisco.matches();
        String platform = manifest.getProperty("platform");
        if (platform == null && ciscoName)
        {
            platform = switch (cisco.group(1).toLowerCase(Locale.ROOT))
            {
                case "win" -> "win";
                case "win-arm64" -> "win-arm64";
                case "macos", "macosx-i386", "mac" -> "mac-intel";
                case "linux64", "linux-64" -> "linux-64";
                default -> "linux";
            };
        }
        if (platform == null || !Platforms.KNOWN.contains(platform))
        {
            throw new IOException("the package does not say which platform it is for (" + MANIFEST
                + " platform=, or a Cisco package name)");
        }
        String version = manifest.getProperty("version");
        if (version == null && files.containsKey("binaries/update.txt"))
        {
            version = new String(files.get("binaries/update.txt"), StandardCharsets.US_ASCII).strip().replace(',',
                '.');
        }
        if (version == null && ciscoName)
        {
            version = cisco.group(2);
        }
        if (version == null || !VERSION.matcher(version).matches())
        {
            throw new IOException("the package has no valid version (" + MANIFEST + " version=x.y.z, or "
                + "binaries/update.txt)");
        }
        String installer = manifest.getProperty("installer");
        if (installer == null)
        {
            installer = files.keySet().stream().filter(n -> CORE_INSTALLER.matcher(n).matches()).findFirst()
                .orElse(files.containsKey("binaries/vpnsetup.sh") ? "binaries/vpnsetup.sh" : null);
        }
        if (installer != null && !files.containsKey(installer))
        {
            throw new IOException("the installer " + printable(installer) + " is not in the package");
        }
        final Map<String, String> modules = new LinkedHashMap<>();
        for (final String key : manifest.stringPropertyNames())
        {
            if (key.startsWith("module."))
            {
                final String entry = manifest.getProperty(key);
                if (!files.containsKey(entry))
                {
                    throw new IOException("module " + printable(key.substring(7)) + " names a missing entry");
                }
                modules.put(key.substring(7), entry);
            }
        }
        for (final String entry : files.keySet())
        {
            final Matcher module = MODULE_INSTALLER.matcher(entry);
            if (module.matches())
            {
                final String token = module.group(1).toLowerCase(Locale.ROOT);
                modules.putIfAbsent(token.equals("gina") || token.equals("sbl") ? "vpngina" : token, entry);
            }
        }
        final String display = manifest.getProperty("display-name", "AnyConnect Secure Mobility Client");
        return new ClientPackage(platform, version, installer, display, Collections.unmodifiableMap(modules), files);
    }

    private static byte[] readBounded(final InputStream in, final long budget) throws IOException
    {
        final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        final byte[] buffer = new byte[65536];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) > 0)
        {
            total += n;
            if (total > budget)
            {
                throw new IOException("the package unpacks to more than " + MAX_BYTES + " bytes");
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private static String printable(final String text)
    {
        final String cut = text.length() > 80 ? text.substring(0, 80) : text;
        return cut.replaceAll("[^\\x21-\\x7e]", "?");
    }

    /** {@code win}, {@code mac-intel}, {@code linux-64}, … (the client's device-id vocabulary). */
    public String platform()
    {
        return platform;
    }

    /** Dotted, e.g. {@code 4.10.08029}. */
    public String version()
    {
        return version;
    }

    /** The ASA's comma form of the version, e.g. {@code 4,10,08029}. */
    public String commaVersion()
    {
        return version.replace('.', ',');
    }

    /** The core installer entry, or null when the package names none. */
    public String installer()
    {
        return installer;
    }

    public String displayName()
    {
        return displayName;
    }

    /** Optional module name → entry. */
    public Map<String, String> modules()
    {
        return modules;
    }

    /** Entry name → bytes (immutable; never modified). */
    public Map<String, byte[]> files()
    {
        return files;
    }
}
