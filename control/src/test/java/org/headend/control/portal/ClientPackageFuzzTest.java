package org.headend.control.portal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Client packages copied to disk0: under arbitrary archives: each is refused with an {@link IOException} that says
 * why, or read into a package whose platform, version, installer and modules are all real and whose entries all
 * have safe names within the limits. The archives are built from the fuzzer's bytes (so that the reader gets past
 * the zip layer), or taken raw.
 */
class ClientPackageFuzzTest
{
    private static final String[] NAMES = {ClientPackage.MANIFEST, "binaries/update.txt", "binaries/vpnsetup.sh",
        "binaries/anyconnect-core-vpn-webdeploy-k9.msi", "profiles/p.xml", "../etc/passwd", "/abs", "a/../b", ""};
    private static final String[] FILE_NAMES = {"anyconnect-linux64-4.10.07073-webdeploy-k9.pkg",
        "cisco-secure-client-win-5.1.2.42-webdeploy-k9.pkg", "client.pkg"};

    @FuzzTest
    void packagesAreReadWithinLimitsOrRefusedWithAReason(final FuzzedDataProvider data) throws IOException
    {
        final String fileName = data.consumeBoolean() ? data.pickValue(FILE_NAMES) : data.consumeString(80);
        final byte[] archive = data.consumeBoolean() ? data.consumeRemainingAsBytes() : zip(data);
        final ClientPackage read;
        try
        {
            read = ClientPackage.read(fileName, archive);
        }
        catch (final IOException ex)
        {
            assertNotNull(ex.getMessage());
            assertFalse(ex.getMessage().isBlank());
            return;
        }
        assertTrue(Platforms.KNOWN.contains(read.platform()), read::platform);
        assertTrue(read.version().matches("[0-9]{1,5}(\\.[0-9]{1,6}){1,3}"), read::version);
        assertTrue(read.installer() == null || read.files().containsKey(read.installer()), "installer missing");
        assertTrue(read.files().keySet().containsAll(read.modules().values()), "module names a missing entry");
        assertTrue(read.files().size() <= ClientPackage.MAX_ENTRIES);
        long total = 0;
        for (final var entry : read.files().entrySet())
        {
            assertFalse(entry.getKey().contains("..") || entry.getKey().startsWith("/"), entry::getKey);
            total += entry.getValue().length;
        }
        assertTrue(total <= ClientPackage.MAX_BYTES);
    }

    private static byte[] zip(final FuzzedDataProvider data) throws IOException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes, StandardCharsets.UTF_8))
        {
            final int entries = data.consumeInt(0, 5);
            final java.util.Set<String> used = new java.util.HashSet<>();
            for (int i = 0; i < entries; i++)
            {
                final String name = data.consumeBoolean() ? data.pickValue(NAMES) : data.consumeString(40);
                if (name.isEmpty() || !used.add(name))
                {
                    continue;
                }
                zip.putNextEntry(new ZipEntry(name));
                zip.write(i == entries - 1 ? data.consumeRemainingAsBytes() : data.consumeBytes(data.consumeInt(0, 300)));
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }
}
