package org.headend.crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mode selection: what each mode picks with and without libcrypto, and that the choice is reported.
 */
class AeadProviderTest
{
    @Test
    void shouldPickOpensslWhenAutoAndLibcryptoLoads()
    {
        final AeadProvider provider = AeadProvider.select("auto");

        assertEquals("openssl", provider.name());
        assertTrue(provider.description().contains("OpenSSL 3"), provider.description());
        assertTrue(provider.description().contains("auto"), provider.description());
        try (Aead aead = provider.create(new byte[16]))
        {
            assertTrue(aead.name().startsWith("openssl"), aead.name());
        }
    }

    @Test
    void shouldPickJdkWhenAutoAndLibcryptoIsMissing()
    {
        final AeadProvider provider = AeadProvider.select("auto", false, "libcrypto.so.3 not found");

        assertEquals("jdk", provider.name());
        assertTrue(provider.description().contains("libcrypto.so.3 not found"), provider.description());
        try (Aead aead = provider.create(new byte[32]))
        {
            assertTrue(aead.name().startsWith("jdk AES-256-GCM"), aead.name());
        }
    }

    @Test
    void shouldPickJdkWhenForcedEvenIfLibcryptoLoads()
    {
        final AeadProvider provider = AeadProvider.select(" JDK ");

        assertEquals("jdk", provider.name());
        assertTrue(provider.description().contains("forced"), provider.description());
    }

    @Test
    void shouldPickOpensslWhenForcedAndLibcryptoLoads()
    {
        assertEquals("openssl", AeadProvider.select("OpenSSL").name());
    }

    @Test
    void shouldFailStartWhenOpensslIsForcedAndLibcryptoIsMissing()
    {
        final IllegalStateException failure = assertThrows(IllegalStateException.class,
            () -> AeadProvider.select("openssl", false, "libcrypto.so.3 not found"));
        assertTrue(failure.getMessage().contains("libcrypto.so.3 not found"), failure.getMessage());
    }

    @Test
    void shouldRejectModeWhenUnknown()
    {
        assertThrows(IllegalArgumentException.class, () -> AeadProvider.select("bouncycastle"));
    }

    @Test
    void shouldReadModeFromSystemPropertyWhenSet()
    {
        final String previous = System.getProperty(AeadProvider.AEAD_PROP_NAME);
        System.setProperty(AeadProvider.AEAD_PROP_NAME, "jdk");
        try
        {
            assertEquals("jdk", AeadProvider.fromSystemProperties().name());
        }
        finally
        {
            if (null == previous)
            {
                System.clearProperty(AeadProvider.AEAD_PROP_NAME);
            }
            else
            {
                System.setProperty(AeadProvider.AEAD_PROP_NAME, previous);
            }
        }
    }

    @Test
    void shouldFallBackToJdkWhenLibcryptoCannotBeLoaded() throws Exception
    {
        // Library loading happens once per JVM, so the missing-library case needs a JVM of its own.
        final String output = runChild(
            "--enable-native-access=ALL-UNNAMED", "-Dheadend.crypto.libcrypto=libcrypto-missing.so.9");

        assertTrue(output.startsWith("jdk (AES/GCM/NoPadding; auto: libcrypto unavailable"), output);
        assertTrue(output.contains("libcrypto-missing.so.9"), output);
    }

    @Test
    void shouldFallBackToJdkWhenNativeAccessIsNotEnabled() throws Exception
    {
        final String output = runChild("--illegal-native-access=deny");

        assertTrue(output.startsWith("jdk (AES/GCM/NoPadding; auto: libcrypto unavailable"), output);
        assertTrue(output.contains("IllegalCallerException"), output);
    }

    /**
     * @return the child's output (stdout and stderr); the provider line must be the only one.
     */
    private static String runChild(final String... jvmOptions) throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), DescribeProvider.class.getName()));
        final Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child JVM did not exit");
        assertEquals(0, child.exitValue(), output);
        return output;
    }

    /**
     * Child JVM entry: prints the provider {@code auto} picks.
     */
    static final class DescribeProvider
    {
        public static void main(final String[] args)
        {
            System.out.println(AeadProvider.select(AeadProvider.MODE_AUTO).description());
        }
    }
}
