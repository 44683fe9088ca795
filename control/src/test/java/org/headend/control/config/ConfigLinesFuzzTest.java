package org.headend.control.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The configuration language under arbitrary text, both as a whole startup-config and typed line by line in
 * configuration mode on top of the default configuration: every refusal is a {@link ConfigException} with a reason,
 * and whatever is accepted renders (show running-config) to text that loads back to the same model and renders the
 * same again.
 */
class ConfigLinesFuzzTest
{
    /** The default configuration, loaded once: its demo password's hash is costly to make. */
    private static final String DEFAULT = ConfigStore.embeddedDefault("demo-pass").runningConfig();

    @FuzzTest
    void acceptedConfigurationRendersToTextThatLoadsToTheSameModel(final byte[] input) throws ConfigException
    {
        try
        {
            final ConfigTree tree = ConfigLoader.load(input, "fuzz.cfg");
            assertRoundTrips(tree.render(List.of()), ConfigCompiler.compile(tree));
        }
        catch (final ConfigException ex)
        {
            assertClear(ex);
        }

        final ConfigTree base = ConfigLoader.load(DEFAULT, "default");
        final ConfigStore store = new ConfigStore(base, ConfigCompiler.compile(base), null, null,
            AtomicFile.ATOMIC_RENAME);
        ConfigCursor cursor = ConfigCursor.TOP;
        int number = 0;
        for (final String line : new String(input, StandardCharsets.UTF_8).split("\n", 64))
        {
            try
            {
                cursor = store.apply(cursor, line, "fuzz", ++number);
            }
            catch (final ConfigException ex)
            {
                assertClear(ex);
            }
        }
        assertRoundTrips(store.runningConfig(), store.current());
    }

    private static void assertRoundTrips(final String rendered, final HeadendConfig model) throws ConfigException
    {
        final ConfigTree reread = ConfigLoader.load(rendered, "rendered.cfg");
        assertEquals(model, ConfigCompiler.compile(reread), () -> "the rendered text loads differently:\n" + rendered);
        final String again = reread.render(List.of());
        assertEquals(strip(rendered), strip(again), "rendering is not stable");
    }

    /** The text without the ": Saved" / ": end" lines that only show running-config adds. */
    private static String strip(final String text)
    {
        return text.lines().filter(l -> !l.startsWith(":")).reduce("", (a, b) -> a + b + "\n");
    }

    private static void assertClear(final ConfigException ex)
    {
        assertNotNull(ex.getMessage());
        assertFalse(ex.reason() == null || ex.reason().isBlank(), "a refusal without a reason");
    }
}
