package org.headend.control.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerIdentityTest
{
    @Test
    void shouldGenerateOnceAndKeepThePinAcrossRestarts(@TempDir final Path state) throws Exception
    {
        final ServerIdentity first = ServerIdentity.loadOrCreate(state, "headend");
        final ServerIdentity second = ServerIdentity.loadOrCreate(state, "headend");
        assertEquals(first.pinSha256(), second.pinSha256());
        assertEquals(first.sha1Hex(), second.sha1Hex());
        assertTrue(first.pinSha256().matches("pin-sha256:[A-Za-z0-9+/]{43}="));
        assertTrue(first.sha1Hex().matches("[0-9A-F]{40}"));
        assertEquals("rw-------", PosixFilePermissions.toString(
            Files.getPosixFilePermissions(state.resolve(ServerIdentity.KEY_FILE))));
        assertEquals(first.key(), second.key());
    }
}
