package org.headend.control.portal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Uploaded client profiles under arbitrary bytes: the check answers null (acceptable) or a one-line reason, never
 * throws, and never accepts a document that declares or references entities.
 */
class ProfileXmlFuzzTest
{
    @FuzzTest
    void anyProfileGetsAVerdictWithAReason(final byte[] bytes)
    {
        final String problem = ProfileXml.problem(bytes);
        if (problem == null)
        {
            assertTrue(bytes.length > 0 && bytes.length <= ProfileXml.MAX_BYTES);
            assertFalse(new String(bytes, java.nio.charset.StandardCharsets.UTF_8).toUpperCase(java.util.Locale.ROOT)
                .contains("<!ENTITY"), "a profile declaring entities was accepted");
        }
        else
        {
            assertFalse(problem.isBlank(), "an empty reason");
            assertFalse(problem.contains("\n") || problem.contains("null"), () -> "an unclear reason: " + problem);
        }
    }
}
