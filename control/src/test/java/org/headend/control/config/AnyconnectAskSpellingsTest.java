package org.headend.control.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The seed's spellings of {@code anyconnect ask enable default …} (000:253-256): {@code default} alone downloads at
 * once, {@code default timeout N} counts down to the download, {@code default clientless} is the portal. Each takes
 * the portal's behaviour and is printed in the canonical form.
 */
class AnyconnectAskSpellingsTest
{
    private static final String BASE = """
        group-policy GP internal
        group-policy GP attributes
         webvpn
        """;

    private static AnyconnectAsk ask(final String line) throws ConfigException
    {
        return ConfigLanguageTest.compile(BASE + "  " + line + "\n").effectivePolicy(
            HeadendConfig.DEFAULT_TUNNEL_GROUP, null, "GP").get(PolicyAttribute.ASK);
    }

    @Test
    void shouldReadEachSeedSpellingAsThePortalActsOnIt() throws ConfigException
    {
        assertEquals(new AnyconnectAsk(true, "anyconnect", 0), ask("anyconnect ask enable default"),
            "download at once");
        assertEquals(new AnyconnectAsk(true, "anyconnect", 12), ask("anyconnect ask enable default timeout 12"),
            "count down, then download");
        assertEquals(new AnyconnectAsk(true, "webvpn", 0), ask("anyconnect ask enable default clientless"),
            "the portal at once");
        assertEquals(new AnyconnectAsk(true, "webvpn", 5), ask("anyconnect ask enable default clientless timeout 5"));
        assertEquals(new AnyconnectAsk(true, null, 0), ask("anyconnect ask enable"), "wait for the user");
    }

    @Test
    void shouldPrintTheCanonicalForm() throws ConfigException
    {
        final String shown = ConfigLanguageTest.render(BASE + "  anyconnect ask enable default clientless timeout 5\n");
        assertTrue(shown.contains("  anyconnect ask enable default webvpn timeout 5\n"), shown);
        final String plain = ConfigLanguageTest.render(BASE + "  anyconnect ask enable default\n");
        assertTrue(plain.contains("  anyconnect ask enable default anyconnect\n"), plain);
    }
}
