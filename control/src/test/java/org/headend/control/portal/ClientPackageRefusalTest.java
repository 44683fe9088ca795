package org.headend.control.portal;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Damaged packages found by ClientPackageFuzzTest: the operator must get a reason, never "null" or a crash. */
class ClientPackageRefusalTest
{
    @Test
    void anArchiveCutInsideAnEntryNameIsRefusedWithAReason() throws IOException
    {
        final byte[] whole = ClientFilesTest.zip(Map.of(ClientPackage.MANIFEST, "platform=win\nversion=1.2.3\n"));
        // cut inside the entry's name, just past its 30-byte fixed header: the JDK throws a bare EOFException
        final IOException refused = assertThrows(IOException.class,
            () -> ClientPackage.read("a.pkg", Arrays.copyOf(whole, 40)));
        assertTrue(refused.getMessage() != null && refused.getMessage().contains("damaged zip archive"),
            () -> "reason: " + refused.getMessage());
    }

    @Test
    void aManifestWithABrokenUnicodeEscapeIsRefusedWithAReason()
    {
        final IOException refused = assertThrows(IOException.class, () -> ClientPackage.read("a.pkg",
            ClientFilesTest.zip(Map.of(ClientPackage.MANIFEST, "platform=win\nversion=1.2.3\ndisplay-name=\\uZZZZ\n"))));
        assertTrue(refused.getMessage().contains(ClientPackage.MANIFEST), () -> "reason: " + refused.getMessage());
    }
}
