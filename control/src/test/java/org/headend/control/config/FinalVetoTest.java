package org.headend.control.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A final veto acts on a change (opens listeners): it runs only once every other veto let the change through. */
class FinalVetoTest
{
    @Test
    void shouldRunTheFinalVetoAfterEveryOtherAndNotForARefusedChange() throws Exception
    {
        final ConfigStore store = ConfigStore.embeddedDefault("unused-password");
        final List<String> calls = new ArrayList<>();
        store.addFinalVeto(candidate ->
        {
            calls.add("final " + candidate.hostname());
            return null;
        });
        store.addVeto(candidate ->
        {
            calls.add("veto " + candidate.hostname());
            return "refused".equals(candidate.hostname()) ? "not this name" : null;
        });

        store.apply(ConfigCursor.TOP, "hostname fine", "console", 1);
        assertEquals(List.of("veto fine", "final fine"), calls, "registered first, run last");
        calls.clear();
        assertThrows(ConfigException.class, () -> store.apply(ConfigCursor.TOP, "hostname refused", "console", 2));
        assertEquals(List.of("veto refused"), calls, "a refused change never reaches the final veto");
        assertEquals("fine", store.current().hostname());
    }
}
